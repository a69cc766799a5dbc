#include "config.h"
#include "json.h"

#include <stddef.h>

#include "arena.h"
#include "db.h"
#include "http.h"
#include "valid.h"

const char *
json_print(struct arena *a, const cJSON *o)
{
	char *s;
	const char *out;

	if (o == NULL || (s = cJSON_PrintUnformatted(o)) == NULL)
		return NULL;
	out = arena_strdup(a, s);
	cJSON_free(s);
	return out;
}

const char *
json_print_take(struct arena *a, cJSON *o)
{
	const char *out = json_print(a, o);

	cJSON_Delete(o);
	return out;
}

int
json_add_str_skip(cJSON *o, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	return cJSON_AddStringToObject(o, key, value) == NULL ? -1 : 0;
}

int
json_add_str_null(cJSON *o, const char *key, const char *value)
{
	if (value == NULL)
		return cJSON_AddNullToObject(o, key) == NULL ? -1 : 0;
	return cJSON_AddStringToObject(o, key, value) == NULL ? -1 : 0;
}

const char *
json_in_str(const struct value *v)
{
	return v != NULL && v->present && !v->null ? v->s : NULL;
}

const char *
json_in_nonempty(const struct value *v)
{
	const char *s = json_in_str(v);

	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
tx_fail(struct req *r, int status, const char *message)
{
	db_rollback(r->db);
	return http_fail(r, status, NULL, message);
}

int
tx_fail_db(struct req *r)
{
	int rc = http_fail_db(r);

	db_rollback(r->db);
	return rc;
}
