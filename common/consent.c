#include "config.h"
#include "consent.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "valid.h"

#include "consent.sql.h"

/* Template versions are numbered from 1; the bound only keeps numbers sane. */
#define ANSWER_VERSION_MAX 1000000

enum answer_key { ANS_TEMPLATE, ANS_VERSION, ANS_GIVEN, ANS__MAX };
static const struct field answer_fields[ANS__MAX] = {
	[ANS_TEMPLATE] = { "consentTemplateId", FT_CUID, F_REQUIRED, 0, 0 },
	[ANS_VERSION] = { "version", FT_INT, F_REQUIRED | F_POSITIVE, 1, ANSWER_VERSION_MAX },
	[ANS_GIVEN] = { "consentGiven", FT_BOOL, 0, 0, 0 },
};
static const struct field_table answer_in = FIELD_TABLE(answer_fields);
const struct field consent_answer_elem = {
	.name = "consent", .type = FT_OBJECT, .sub = &answer_in
};

const char *
consent_answers_json(struct arena *mem, const struct value *answers)
{
	cJSON *a = cJSON_CreateArray();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < answers->n; i++) {
		const struct value *e = answers->arr[i].obj->v;
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(a, o)) {
			cJSON_Delete(o);
			cJSON_Delete(a);
			return NULL;
		}
		if (cJSON_AddStringToObject(o, "consentTemplateId", e[ANS_TEMPLATE].s) == NULL ||
		    cJSON_AddNumberToObject(o, "version", (double)e[ANS_VERSION].i) == NULL ||
		    (e[ANS_GIVEN].present && !e[ANS_GIVEN].null &&
			cJSON_AddBoolToObject(o, "consentGiven", e[ANS_GIVEN].b) == NULL)) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return json_print_take(mem, a);
}

int
consent_init(struct db *db)
{
	return db_register(db, consent_sql, CONSENT_SQL__MAX);
}

static const char *
str_item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The refusal of izzy_consent_capture()'s answer as the response. */
static int
refuse(struct req *r, const cJSON *res)
{
	const char *problem = str_item(res, "problem"), *tid = str_item(res, "consentTemplateId");
	const char *msg;

	if (strcmp(problem, "outdated") == 0) {
		const cJSON *latest = cJSON_GetObjectItemCaseSensitive(res, "latestVersion");
		cJSON *d;

		msg = arena_printf(r->mem, "Consent template %s is outdated", tid);
		http_fail(r, 409, "TEMPLATE_OUTDATED",
		    msg != NULL ? msg : "Consent template is outdated");
		/* The spec's 409 body carries the current version (api.md 4.10.4). */
		if (r->resp.json == NULL ||
		    (d = cJSON_AddObjectToObject(r->resp.json, "details")) == NULL ||
		    cJSON_AddStringToObject(d, "consentTemplateId", tid) == NULL ||
		    cJSON_AddStringToObject(
			d, "latestTemplateId", str_item(res, "latestTemplateId")) == NULL ||
		    cJSON_AddNumberToObject(d, "latestVersion",
			cJSON_IsNumber(latest) ? latest->valuedouble : 0) == NULL ||
		    http_header(r, "Retry-After", "0") == -1)
			return http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	if (strcmp(problem, "duplicate") == 0) {
		msg = arena_printf(r->mem, "Consent template %s answered twice", tid);
		http_fail(r, 400, NULL, msg != NULL ? msg : "Consent template answered twice");
		return -1;
	}
	if (strcmp(problem, "implicit") == 0)
		msg = arena_printf(r->mem, "Consent %s needs an explicit answer", tid);
	else if (strcmp(problem, "refused") == 0 || strcmp(problem, "absent") == 0)
		msg = arena_printf(r->mem, "Required consent %s must be accepted", tid);
	else
		msg = arena_strdup(r->mem, "Consent template missing or inactive");
	http_fail(
	    r, 422, "REQUIRED_CONSENT_MISSING", msg != NULL ? msg : "Required consent missing");
	return -1;
}

int
consent_capture(struct req *r, const struct consent_capture *c, const char **ids)
{
	const char *params[12] = {
		c->lead_id,
		c->form_id,
		c->form_type,
		c->items,
		c->method,
		r->remote_addr != NULL && r->remote_addr[0] != '\0' ? r->remote_addr : NULL,
		r->user_agent != NULL && r->user_agent[0] != '\0' ? r->user_agent : NULL,
		c->recorded_by,
		c->partner_id,
		c->notes,
		c->client_session,
		c->enforce_required ? "true" : "false",
	};
	PGresult *res = db_query(r->db, r->mem, &consent_sql[SQL_CONSENT_CAPTURE], 12, params);
	const cJSON *recs;
	cJSON *doc;
	char *text;
	int n;

	if (res == NULL) {
		http_fail_db(r);
		return -1;
	}
	if ((doc = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL) {
		log_error("consent", "capture on lead %s: unreadable answer", c->lead_id);
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "problem"))) {
		refuse(r, doc);
		cJSON_Delete(doc);
		return -1;
	}
	recs = cJSON_GetObjectItemCaseSensitive(doc, "records");
	n = cJSON_GetArraySize(recs);
	text = cJSON_PrintUnformatted(recs);
	*ids = text != NULL ? arena_strdup(r->mem, text) : NULL;
	cJSON_free(text);
	cJSON_Delete(doc);
	if (*ids == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	log_info("consent", "lead %s: %d consent records captured", c->lead_id, n);
	return n;
}
