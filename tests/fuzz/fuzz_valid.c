/*
 * fuzz_valid: the field-table validator on hostile JSON and query strings.
 * The bytes are parsed with cJSON and validated against a nested table
 * with every field type (including a self-referencing one for deep
 * nesting); the same bytes are then validated as a query string and fed to
 * the standalone rules.  Besides the sanitizers, the oracles are the
 * validator's own promises: accepted strings are UTF-8 without control
 * bytes, within their lengths, and every failure comes with an issue.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const kinds[] = { "osoba fizyczna", "JDG", "spółka", NULL };

static bool
no_digits(const char *s)
{
	return strpbrk(s, "0123456789") == NULL;
}

/* A tree: {"name", "children":[tree]} to any depth. */
extern const struct field_table tree_t;
static const struct field tree_elem = { .type = FT_OBJECT, .sub = &tree_t };
static const struct field tree_fields[] = {
	[0] = { "name", FT_STRING, 0, 0, 8 },
	[1] = { "children", FT_ARRAY, 0, 0, 0, .elem = &tree_elem },
	[2] = { "next", FT_OBJECT, F_NULLABLE, 0, 0, .sub = &tree_t },
};
const struct field_table tree_t = FIELD_TABLE(tree_fields);

static const struct field int_elem = { .type = FT_INT, .min = -3, .max = 3 };
static const struct field date_elem = { .type = FT_DATE };

enum key {
	K_S,
	K_TRIM,
	K_LOWER,
	K_UPPER,
	K_MULTI,
	K_EMAIL,
	K_CUID,
	K_URL,
	K_INT,
	K_NUM,
	K_POS,
	K_BOOL,
	K_ENUM,
	K_DATE,
	K_OBJ,
	K_OPEN,
	K_INTS,
	K_DATES,
	K_JSON,
	K_CHECK,
	K__MAX
};
static const struct field fields[K__MAX] = {
	[K_S] = { "s", FT_STRING, F_NULLABLE, 0, 0 },
	[K_TRIM] = { "trim", FT_STRING, F_TRIM, 2, 5 },
	[K_LOWER] = { "lower", FT_STRING, F_LOWER, 1, 0 },
	[K_UPPER] = { "upper", FT_STRING, F_UPPER | F_TRIM, 0, 17 },
	[K_MULTI] = { "multi", FT_STRING, F_MULTILINE, 0, 0 },
	[K_EMAIL] = { "email", FT_EMAIL, F_LOWER, 0, 0 },
	[K_CUID] = { "id", FT_CUID, 0, 0, 0 },
	[K_URL] = { "url", FT_URL, 0, 0, 0 },
	[K_INT] = { "i", FT_INT, 0, 0, 0 },
	[K_NUM] = { "n", FT_NUMBER, 0, -100, 100 },
	[K_POS] = { "p", FT_NUMBER, F_POSITIVE, 0, 0 },
	[K_BOOL] = { "b", FT_BOOL, 0, 0, 0 },
	[K_ENUM] = { "e", FT_ENUM, 0, 0, 0, kinds },
	[K_DATE] = { "d", FT_DATE, F_NULLABLE, 0, 0 },
	[K_OBJ] = { "tree", FT_OBJECT, 0, 0, 0, .sub = &tree_t },
	[K_OPEN] = { "open", FT_OBJECT, F_OPEN, 0, 0, .sub = &tree_t },
	[K_INTS] = { "ints", FT_ARRAY, 0, 1, 4, .elem = &int_elem },
	[K_DATES] = { "dates", FT_ARRAY, 0, 0, 0, .elem = &date_elem },
	[K_JSON] = { "j", FT_JSON, 0, 0, 0 },
	[K_CHECK] = { "c", FT_STRING, 0, 0, 0, .check = no_digits, .check_msg = "no digits" },
};
static const struct field_table top_t = FIELD_TABLE(fields);

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Checks what an accepted value promises; recurses into objects and arrays. */
static void check_out(const struct field_table *, const struct valid_out *);

static void
check_value(const struct field *f, const struct value *v)
{
	if (!v->present || v->null)
		return;
	switch (f->type) {
	case FT_STRING:
	case FT_EMAIL:
	case FT_CUID:
	case FT_URL:
	case FT_ENUM:
	case FT_DATE:
		if (v->s == NULL || !valid_utf8(v->s, strlen(v->s)))
			abort();
		for (const char *q = v->s; *q != '\0'; q++) {
			unsigned char c = (unsigned char)*q;
			if ((c < 0x20 || c == 0x7f) &&
			    !((f->flags & F_MULTILINE) && (c == '\n' || c == '\r' || c == '\t')))
				abort();
		}
		if (f->type == FT_STRING && f->max > 0 && (long long)chars(v->s) > f->max)
			abort();
		if (f->type == FT_STRING && (long long)chars(v->s) < f->min)
			abort();
		if (f->type == FT_EMAIL && !valid_email(v->s))
			abort();
		if (f->type == FT_URL && !valid_http_url(v->s))
			abort();
		if (f->type == FT_DATE && strlen(v->s) > 31)
			abort();
		if (f->check != NULL && !f->check(v->s))
			abort();
		break;
	case FT_INT:
		if (v->d != floor(v->d))
			abort();
		/* fall through */
	case FT_NUMBER:
		if ((f->min != 0 || f->max != 0) &&
		    (v->d < (double)f->min || v->d > (double)f->max))
			abort();
		if ((f->flags & F_POSITIVE) && !(v->d > 0))
			abort();
		break;
	case FT_OBJECT:
		check_out(f->sub, v->obj);
		break;
	case FT_ARRAY:
		if (f->max > 0 && (long long)v->n > f->max)
			abort();
		for (size_t i = 0; i < v->n; i++)
			check_value(f->elem, &v->arr[i]);
		break;
	default:
		break;
	}
}

static void
check_out(const struct field_table *t, const struct valid_out *o)
{
	if (o == NULL || o->n != t->n)
		abort();
	for (size_t i = 0; i < t->n; i++)
		check_value(&t->fields[i], &o->v[i]);
}

static struct arena *mem;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *dec = malloc(size + 1);
	cJSON *in, *issues;
	struct valid_out *out = NULL;
	long long ms, back;
	int rc;

	if (s == NULL || dec == NULL)
		abort();
	if (mem == NULL && (mem = arena_new(8 * 1024 * 1024)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	/* JSON body. */
	if ((in = cJSON_ParseWithLength(s, size)) != NULL) {
		issues = cJSON_CreateArray();
		rc = valid_json(mem, &top_t, in, &out, issues);
		if (rc == 0) {
			if (cJSON_GetArraySize(issues) != 0)
				abort();
			check_out(&top_t, out);
		} else if (cJSON_GetArraySize(issues) == 0)
			abort();
		free(cJSON_PrintUnformatted(issues));
		cJSON_Delete(issues);
		arena_reset(mem);
		cJSON_Delete(in);
	}

	/* The same bytes as a query string. */
	issues = cJSON_CreateArray();
	out = NULL;
	rc = valid_query(mem, &top_t, s, &out, issues);
	if (rc == 0)
		check_out(&top_t, out);
	free(cJSON_PrintUnformatted(issues));
	cJSON_Delete(issues);
	arena_reset(mem);

	/* Standalone rules. */
	(void)valid_email(s);
	(void)valid_http_url(s);
	(void)valid_utf8((const char *)data, size);
	if (valid_urldecode(dec, s, strlen(s)) && strlen(dec) > strlen(s))
		abort();
	if (valid_parse_date(s, &ms)) {
		char buf[32];
		valid_format_date(buf, ms);
		/* Within years 1000-9999 a date survives format and parse exactly. */
		if (ms >= -30610224000000LL && ms <= 253402300799999LL &&
		    (!valid_parse_date(buf, &back) || back != ms))
			abort();
	}
	free(s);
	free(dec);
	return 0;
}
