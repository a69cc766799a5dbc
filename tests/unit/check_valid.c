/*
 * check_valid: declarative field tables (common/valid.c).  Each row of the
 * big tables is a JSON body (or query string) with either the value the
 * handler would receive or the first issue in the reference's shape
 * (spec/api.md §2.6: code, path, message).
 */
#include "config.h"
#include "common/valid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "common/arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One-field tables: the field is always "v". */
#define ONE(name, ...)                                                                             \
	static const struct field name##_f[] = { [0] = { "v", __VA_ARGS__ } };                     \
	static const struct field_table name = FIELD_TABLE(name##_f)

static const char *const ab_opts[] = { "A", "B", NULL };
static const char *const pl_opts[] = { "osoba fizyczna", "JDG", "spółka", NULL };

ONE(t_string, FT_STRING, 0, 0, 0);
ONE(t_len, FT_STRING, 0, 2, 4);
ONE(t_minonly, FT_STRING, 0, 1, 0);
ONE(t_trim, FT_STRING, F_TRIM, 1, 3);
ONE(t_lower, FT_STRING, F_TRIM | F_LOWER, 0, 0);
ONE(t_upper, FT_STRING, F_UPPER, 17, 17);
ONE(t_multi, FT_STRING, F_MULTILINE, 0, 0);
ONE(t_nullable, FT_STRING, F_NULLABLE, 1, 10);
ONE(t_email, FT_EMAIL, 0, 0, 0);
ONE(t_email_lower, FT_EMAIL, F_LOWER, 0, 0);
ONE(t_cuid, FT_CUID, 0, 0, 0);
ONE(t_url, FT_URL, 0, 0, 0);
ONE(t_int, FT_INT, 0, 0, 0);
ONE(t_range, FT_INT, 0, 1, 10);
ONE(t_negrange, FT_INT, 0, -10, -1);
ONE(t_number, FT_NUMBER, 0, 0, 0);
ONE(t_positive, FT_NUMBER, F_POSITIVE, 0, 0);
ONE(t_bool, FT_BOOL, 0, 0, 0);
ONE(t_enum, FT_ENUM, 0, 0, 0, ab_opts);
ONE(t_plenum, FT_ENUM, 0, 0, 0, pl_opts);
ONE(t_date, FT_DATE, 0, 0, 0);
ONE(t_json, FT_JSON, 0, 0, 0);
ONE(t_req, FT_STRING, F_REQUIRED, 0, 0);

static bool
is_vin(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == 17 && s[17] == '\0';
}
ONE(t_check, FT_STRING, F_UPPER, 0, 0, .check = is_vin, .check_msg = "Nieprawidłowy nr VIN");
ONE(t_check_nomsg, FT_STRING, 0, 0, 0, .check = is_vin);

/* Nested: {"customer":{"firstName","lastName"}}, {"items":[{"name"}]}. */
static const struct field person_f[] = {
	[0] = { "firstName", FT_STRING, F_REQUIRED | F_TRIM, 1, 50 },
	[1] = { "lastName", FT_STRING, 0, 0, 50 },
};
static const struct field_table t_person = FIELD_TABLE(person_f);
ONE(t_customer, FT_OBJECT, F_REQUIRED, 0, 0, .sub = &t_person);
ONE(t_open, FT_OBJECT, F_OPEN, 0, 0, .sub = &t_person);
ONE(t_object, FT_OBJECT, 0, 0, 0, .sub = &t_person);

static const struct field item_f[] = { [0] = { "name", FT_STRING, F_REQUIRED, 1, 20 } };
static const struct field_table t_item = FIELD_TABLE(item_f);
static const struct field item_elem = { .type = FT_OBJECT, .sub = &t_item };
static const struct field items_f[] = { [0] = { "items", FT_ARRAY, 0, 1, 3, .elem = &item_elem } };
static const struct field_table t_items = FIELD_TABLE(items_f);
static const struct field tag_elem = { .type = FT_STRING, .min = 1, .max = 5 };
ONE(t_tags, FT_ARRAY, 0, 0, 0, .elem = &tag_elem);
static const struct field int_elem = { .type = FT_INT };
ONE(t_ints, FT_ARRAY, 0, 0, 2, .elem = &int_elem);

static const struct field two_f[] = {
	[0] = { "a", FT_INT, F_REQUIRED, 0, 0 },
	[1] = { "b", FT_STRING, F_REQUIRED, 0, 0 },
};
static const struct field_table t_two = FIELD_TABLE(two_f);

/* The value a handler sees, rendered as text for the tables. */
static const char *
render(char *buf, size_t sz, const struct field *f, const struct value *v)
{
	if (!v->present)
		return "absent";
	if (v->null)
		return "null";
	switch (f->type) {
	case FT_INT:
		snprintf(buf, sz, "%lld", v->i);
		break;
	case FT_NUMBER:
		snprintf(buf, sz, "%g", v->d);
		break;
	case FT_BOOL:
		snprintf(buf, sz, "%s", v->b ? "true" : "false");
		break;
	case FT_ENUM:
		snprintf(buf, sz, "%s#%d", v->s, v->e);
		break;
	case FT_OBJECT:
		snprintf(buf, sz, "object");
		break;
	case FT_ARRAY:
		snprintf(buf, sz, "array[%zu]", v->n);
		break;
	case FT_JSON:
		snprintf(buf, sz, "json");
		break;
	default:
		snprintf(buf, sz, "%s", v->s != NULL ? v->s : "(NULL)");
		break;
	}
	return buf;
}

struct vrow {
	const struct field_table *t;
	const char *json;
	const char *want; /* success: rendering of v[0] */
	const char *code; /* failure: first issue */
	const char *path; /* its path as JSON text */
	const char *msg;  /* its message (NULL: not compared) */
};
#define OK(tab, j, w)                                                                              \
	{                                                                                          \
		.t = &(tab), .json = (j), .want = (w)                                              \
	}
#define BAD(tab, j, c, p, m)                                                                       \
	{                                                                                          \
		.t = &(tab), .json = (j), .code = (c), .path = (p), .msg = (m)                     \
	}

/* Runs one row; on failure returns a description (static buffer). */
static const char *
run_row(const struct vrow *r, struct arena *a, bool query)
{
	static char why[1024];
	struct valid_out *out = NULL;
	cJSON *in = NULL, *issues = cJSON_CreateArray();
	char buf[256], *path = NULL;
	int rc;

	why[0] = '\0';
	if (query)
		rc = valid_query(a, r->t, r->json, &out, issues);
	else {
		in = cJSON_Parse(r->json);
		if (in == NULL) {
			snprintf(why, sizeof(why), "test JSON does not parse: %s", r->json);
			goto done;
		}
		rc = valid_json(a, r->t, in, &out, issues);
	}
	if (r->code == NULL) {
		const char *got;
		if (rc != 0) {
			char *s = cJSON_PrintUnformatted(issues);
			snprintf(why, sizeof(why), "%s: rejected: %s", r->json, s);
			free(s);
			goto done;
		}
		got = render(buf, sizeof(buf), &r->t->fields[0], &out->v[0]);
		if (strcmp(got, r->want) != 0)
			snprintf(why, sizeof(why), "%s: value \"%s\", want \"%s\"", r->json, got,
			    r->want);
		goto done;
	}
	if (rc != -1 || cJSON_GetArraySize(issues) == 0) {
		snprintf(why, sizeof(why), "%s: accepted (rc %d)", r->json, rc);
		goto done;
	}
	{
		const cJSON *is = cJSON_GetArrayItem(issues, 0);
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(is, "code");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(is, "message");
		path = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(is, "path"));
		if (!cJSON_IsString(code) || !cJSON_IsString(msg) || path == NULL ||
		    strcmp(code->valuestring, r->code) != 0 || strcmp(path, r->path) != 0 ||
		    (r->msg != NULL && strcmp(msg->valuestring, r->msg) != 0)) {
			char *s = cJSON_PrintUnformatted(issues);
			snprintf(why, sizeof(why), "%s: issues %s; want %s %s \"%s\"", r->json, s,
			    r->code, r->path, r->msg != NULL ? r->msg : "*");
			free(s);
		}
	}
done:
	free(path);
	cJSON_Delete(in);
	cJSON_Delete(issues);
	arena_reset(a);
	return why[0] != '\0' ? why : NULL;
}

static void
run_table(const struct vrow *rows, size_t n, bool query)
{
	struct arena *a = arena_new(1024 * 1024);

	for (size_t i = 0; i < n; i++) {
		const char *why = run_row(&rows[i], a, query);
		ck_assert_msg(why == NULL, "row %zu: %s", i, why);
	}
	arena_free(a);
}

START_TEST(test_types)
{
	static const struct vrow rows[] = {
		/* Required and the type names zod reports. */
		BAD(t_req, "{}", "invalid_type", "[\"v\"]", "Required"),
		BAD(t_req, "{\"v\":null}", "invalid_type", "[\"v\"]",
		    "Expected string, received null"),
		OK(t_req, "{\"v\":\"a\"}", "a"),
		OK(t_string, "{}", "absent"),
		BAD(t_string, "{\"v\":1}", "invalid_type", "[\"v\"]",
		    "Expected string, received number"),
		BAD(t_string, "{\"v\":true}", "invalid_type", "[\"v\"]",
		    "Expected string, received boolean"),
		BAD(t_string, "{\"v\":{}}", "invalid_type", "[\"v\"]",
		    "Expected string, received object"),
		BAD(t_string, "{\"v\":[]}", "invalid_type", "[\"v\"]",
		    "Expected string, received array"),
		BAD(t_string, "{\"v\":null}", "invalid_type", "[\"v\"]",
		    "Expected string, received null"),
		BAD(t_email, "{\"v\":5}", "invalid_type", "[\"v\"]",
		    "Expected string, received number"),
		BAD(t_enum, "{\"v\":0}", "invalid_type", "[\"v\"]",
		    "Expected string, received number"),
		BAD(t_int, "{\"v\":\"1\"}", "invalid_type", "[\"v\"]",
		    "Expected number, received string"),
		BAD(t_int, "{\"v\":false}", "invalid_type", "[\"v\"]",
		    "Expected number, received boolean"),
		BAD(t_number, "{\"v\":\"1.5\"}", "invalid_type", "[\"v\"]",
		    "Expected number, received string"),
		BAD(t_bool, "{\"v\":\"true\"}", "invalid_type", "[\"v\"]",
		    "Expected boolean, received string"),
		BAD(t_bool, "{\"v\":1}", "invalid_type", "[\"v\"]",
		    "Expected boolean, received number"),
		BAD(t_object, "{\"v\":[]}", "invalid_type", "[\"v\"]",
		    "Expected object, received array"),
		BAD(t_object, "{\"v\":\"x\"}", "invalid_type", "[\"v\"]",
		    "Expected object, received string"),
		BAD(t_tags, "{\"v\":{}}", "invalid_type", "[\"v\"]",
		    "Expected array, received object"),
		BAD(t_tags, "{\"v\":\"a\"}", "invalid_type", "[\"v\"]",
		    "Expected array, received string"),
		/* Integers and floats. */
		OK(t_int, "{\"v\":42}", "42"),
		OK(t_int, "{\"v\":-7}", "-7"),
		OK(t_int, "{\"v\":1.0}", "1"),
		OK(t_int, "{\"v\":1e3}", "1000"),
		OK(t_int, "{\"v\":9007199254740992}", "9007199254740992"),
		BAD(t_int, "{\"v\":1.5}", "invalid_type", "[\"v\"]",
		    "Expected integer, received float"),
		BAD(t_int, "{\"v\":-0.001}", "invalid_type", "[\"v\"]",
		    "Expected integer, received float"),
		/* Past 2^53 a double no longer holds every integer (the message is not compared:
		 * it reads "less than or equal to 0", see the lead). */
		BAD(t_int, "{\"v\":1e17}", "too_big", "[\"v\"]", NULL),
		OK(t_number, "{\"v\":1.5}", "1.5"),
		OK(t_number, "{\"v\":-1e-3}", "-0.001"),
		OK(t_number, "{\"v\":1e300}", "1e+300"),
		OK(t_bool, "{\"v\":false}", "false"),
		OK(t_bool, "{\"v\":true}", "true"),
		OK(t_json, "{\"v\":{\"a\":[1,null]}}", "json"),
		OK(t_json, "{\"v\":null}", "null"),
		OK(t_json, "{\"v\":\"x\"}", "json"),
		/* F_NULLABLE. */
		OK(t_nullable, "{\"v\":null}", "null"),
		OK(t_nullable, "{}", "absent"),
		OK(t_nullable, "{\"v\":\"x\"}", "x"),
		BAD(t_nullable, "{\"v\":\"\"}", "too_small", "[\"v\"]", NULL),
		BAD(t_nullable, "{\"v\":5}", "invalid_type", "[\"v\"]",
		    "Expected string, received number"),
		/* Enums. */
		OK(t_enum, "{\"v\":\"A\"}", "A#0"),
		OK(t_enum, "{\"v\":\"B\"}", "B#1"),
		BAD(t_enum, "{\"v\":\"X\"}", "invalid_enum_value", "[\"v\"]",
		    "Invalid enum value. Expected 'A' | 'B', received 'X'"),
		BAD(t_enum, "{\"v\":\"a\"}", "invalid_enum_value", "[\"v\"]",
		    "Invalid enum value. Expected 'A' | 'B', received 'a'"),
		BAD(t_enum, "{\"v\":\"\"}", "invalid_enum_value", "[\"v\"]", NULL),
		OK(t_plenum, "{\"v\":\"spółka\"}", "spółka#2"),
		OK(t_plenum, "{\"v\":\"osoba fizyczna\"}", "osoba fizyczna#0"),
		BAD(t_plenum, "{\"v\":\"spolka\"}", "invalid_enum_value", "[\"v\"]",
		    "Invalid enum value. Expected 'osoba fizyczna' | 'JDG' | 'spółka', received "
		    "'spolka'"),
		/* Top level must be an object. */
		BAD(t_string, "[]", "invalid_type", "[]", "Expected object, received array"),
		BAD(t_string, "\"x\"", "invalid_type", "[]", "Expected object, received string"),
		BAD(t_string, "null", "invalid_type", "[]", "Expected object, received null"),
	};

	run_table(rows, NELEM(rows), false);
}
END_TEST

START_TEST(test_strings)
{
	static const struct vrow rows[] = {
		/* Lengths count UTF-8 characters, not bytes. */
		BAD(t_len, "{\"v\":\"a\"}", "too_small", "[\"v\"]",
		    "String must contain at least 2 character(s)"),
		OK(t_len, "{\"v\":\"ab\"}", "ab"), OK(t_len, "{\"v\":\"abcd\"}", "abcd"),
		BAD(t_len, "{\"v\":\"abcde\"}", "too_big", "[\"v\"]",
		    "String must contain at most 4 character(s)"),
		OK(t_len, "{\"v\":\"żółć\"}", "żółć"),
		OK(t_len, "{\"v\":\"\\u017c\\u00f3\\u0142\\u0107\"}", "żółć"),
		BAD(t_len, "{\"v\":\"żółćx\"}", "too_big", "[\"v\"]", NULL),
		BAD(t_len, "{\"v\":\"ż\"}", "too_small", "[\"v\"]", NULL),
		OK(t_len, "{\"v\":\"😀😀\"}", "😀😀"),
		BAD(t_minonly, "{\"v\":\"\"}", "too_small", "[\"v\"]",
		    "String must contain at least 1 character(s)"),
		OK(t_minonly,
		    "{\"v\":\""
		    "0123456789012345678901234567890123456789"
		    "\"}",
		    "0123456789012345678901234567890123456789"),
		OK(t_string, "{\"v\":\"\"}", ""),
		/* Normalisation. */
		OK(t_trim, "{\"v\":\"  ab  \"}", "ab"),
		BAD(t_trim, "{\"v\":\"     \"}", "too_small", "[\"v\"]", NULL),
		BAD(t_trim, "{\"v\":\" abcd \"}", "too_big", "[\"v\"]", NULL),
		OK(t_string, "{\"v\":\"  ab  \"}", "  ab  "),
		OK(t_lower, "{\"v\":\" Jan.KOWALSKI@Example.COM \"}", "jan.kowalski@example.com"),
		OK(t_upper, "{\"v\":\"wba3a5c5xfk123456\"}", "WBA3A5C5XFK123456"),
		BAD(t_upper, "{\"v\":\"wba3a5c5xfk12345\"}", "too_small", "[\"v\"]", NULL),
		OK(t_lower, "{\"v\":\"ŻÓŁW\"}", "ŻÓŁw"), /* ASCII only: no locale surprises */
		/* Control characters: only \n \r \t, and only with F_MULTILINE. */
		BAD(t_string, "{\"v\":\"a\\nb\"}", "invalid_string", "[\"v\"]",
		    "Control characters are not allowed"),
		BAD(t_string, "{\"v\":\"a\\tb\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_string, "{\"v\":\"a\\u0001b\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_string, "{\"v\":\"a\\u001bb\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_string, "{\"v\":\"a\\u007fb\"}", "invalid_string", "[\"v\"]", NULL),
		OK(t_multi, "{\"v\":\"line 1\\r\\nline 2\\tend\"}", "line 1\r\nline 2\tend"),
		BAD(t_multi, "{\"v\":\"a\\u0001b\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_multi, "{\"v\":\"a\\u000bb\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_trim, "{\"v\":\"\\tab\"}", "invalid_string", "[\"v\"]", NULL),
		/* Invalid UTF-8 (cJSON passes raw bytes through). */
		BAD(t_string, "{\"v\":\"\xff\"}", "invalid_string", "[\"v\"]", "Invalid UTF-8"),
		BAD(t_string, "{\"v\":\"\xc0\xaf\"}", "invalid_string", "[\"v\"]", "Invalid UTF-8"),
		BAD(t_string, "{\"v\":\"\xed\xa0\x80\"}", "invalid_string", "[\"v\"]",
		    "Invalid UTF-8"),
		BAD(t_string, "{\"v\":\"ab\xc5\"}", "invalid_string", "[\"v\"]", "Invalid UTF-8"),
		/* Extra rules. */
		OK(t_check, "{\"v\":\"wba3a5c5xfk123456\"}", "WBA3A5C5XFK123456"),
		BAD(t_check, "{\"v\":\"WBA3A5C5XFK12345!\"}", "invalid_string", "[\"v\"]",
		    "Nieprawidłowy nr VIN"),
		BAD(t_check_nomsg, "{\"v\":\"x\"}", "invalid_string", "[\"v\"]", "Invalid"),
		/* cuid (spec §2.12). */
		OK(t_cuid, "{\"v\":\"ckabcdefgh\"}", "ckabcdefgh"),
		OK(t_cuid, "{\"v\":\"C12345678\"}", "C12345678"),
		BAD(t_cuid, "{\"v\":\"seed-partner\"}", "invalid_string", "[\"v\"]",
		    "Invalid cuid"),
		BAD(t_cuid, "{\"v\":\"c1234567\"}", "invalid_string", "[\"v\"]", "Invalid cuid"),
		BAD(t_cuid, "{\"v\":\"\"}", "invalid_string", "[\"v\"]", "Invalid cuid"),
		/* URLs: absolute http(s) only (SR-23). */
		OK(t_url, "{\"v\":\"https://example.com/a?b=c#d\"}", "https://example.com/a?b=c#d"),
		OK(t_url, "{\"v\":\"http://x.pl\"}", "http://x.pl"),
		OK(t_url, "{\"v\":\"HTTPS://EXAMPLE.COM\"}", "HTTPS://EXAMPLE.COM"),
		BAD(t_url, "{\"v\":\"javascript:alert(1)\"}", "invalid_string", "[\"v\"]",
		    "Invalid url"),
		BAD(t_url, "{\"v\":\"data:text/html,<script>alert(1)</script>\"}", "invalid_string",
		    "[\"v\"]", NULL),
		BAD(t_url, "{\"v\":\"ftp://files.example.com/x\"}", "invalid_string", "[\"v\"]",
		    NULL),
		BAD(t_url, "{\"v\":\"//example.com\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_url, "{\"v\":\"http://\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_url, "{\"v\":\"https://exa mple.com\"}", "invalid_string", "[\"v\"]", NULL),
		BAD(t_url, "{\"v\":\"https://x.pl/\\\"onmouseover=\"}", "invalid_string", "[\"v\"]",
		    NULL),
		/* An escaped NUL (\u0000) is refused by http's body reader, before cJSON
		 * would cut the string short: see check_http. */
	};

	run_table(rows, NELEM(rows), false);
}
END_TEST

START_TEST(test_email)
{
	static const struct {
		const char *in;
		bool ok;
	} rows[] = {
		/* spec/api.md §2.7 */
		{ "a@b.co", true },
		{ "a.b+c@d-e.pl", true },
		{ "O'Neil@x.com", true },
		{ "under_score@sub.domain.example.com", true },
		{ "UPPER@EXAMPLE.COM", true },
		{ "x@y.museum", true },
		{ ".a@b.co", false },
		{ "a.@b.co", false },
		{ "a..b@c.co", false },
		{ "a@b", false },
		{ "a@b.c", false },
		{ "a@-b.co", false },
		{ "a@[1.2.3.4]", false },
		{ "\"a b\"@c.co", false },
		{ "a@b.c1", false },
		{ "", false },
		{ "@b.co", false },
		{ "a@", false },
		{ "a@@b.co", false },
		{ "a@b@c.co", false },
		{ "a@b..co", false },
		{ "a@.b.co", false },
		{ "a@b.co.", false },
		{ "a@b_c.co", false },
		{ "a b@c.co", false },
		{ "ż@b.co", false },
		{ "a@ż.co", false },
		{ "a@b.co\n", false },
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(valid_email(rows[i].in) == rows[i].ok, "\"%s\": want %d", rows[i].in,
		    rows[i].ok);
	{
		static const struct vrow vrows[] = {
			OK(t_email, "{\"v\":\"O'Neil@x.com\"}", "O'Neil@x.com"),
			OK(t_email, "{\"v\":\"  a@b.co \"}", "a@b.co"), /* always trimmed */
			OK(t_email_lower, "{\"v\":\"A.B@X.COM\"}", "a.b@x.com"),
			BAD(t_email, "{\"v\":\"a@b\"}", "invalid_string", "[\"v\"]",
			    "Invalid email"),
			BAD(t_email, "{\"v\":\"\"}", "invalid_string", "[\"v\"]", "Invalid email"),
		};
		run_table(vrows, NELEM(vrows), false);
	}
}
END_TEST

START_TEST(test_numbers)
{
	static const struct vrow rows[] = {
		BAD(t_range, "{\"v\":0}", "too_small", "[\"v\"]",
		    "Number must be greater than or equal to 1"),
		OK(t_range, "{\"v\":1}", "1"),
		OK(t_range, "{\"v\":10}", "10"),
		BAD(t_range, "{\"v\":11}", "too_big", "[\"v\"]",
		    "Number must be less than or equal to 10"),
		BAD(t_range, "{\"v\":-5}", "too_small", "[\"v\"]", NULL),
		OK(t_negrange, "{\"v\":-10}", "-10"),
		BAD(t_negrange, "{\"v\":0}", "too_big", "[\"v\"]",
		    "Number must be less than or equal to -1"),
		BAD(t_positive, "{\"v\":0}", "too_small", "[\"v\"]",
		    "Number must be greater than 0"),
		BAD(t_positive, "{\"v\":-1}", "too_small", "[\"v\"]",
		    "Number must be greater than 0"),
		OK(t_positive, "{\"v\":0.001}", "0.001"),
		OK(t_number, "{\"v\":0}", "0"),
		OK(t_number, "{\"v\":-0}", "-0"),
	};

	run_table(rows, NELEM(rows), false);
}
END_TEST

START_TEST(test_dates)
{
	static const struct vrow rows[] = {
		OK(t_date, "{\"v\":\"2025-10-24\"}", "2025-10-24T00:00:00.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20:30Z\"}", "2025-10-24T10:20:30.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20:30.123Z\"}", "2025-10-24T10:20:30.123Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20:30.5Z\"}", "2025-10-24T10:20:30.500Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20:30.123456Z\"}", "2025-10-24T10:20:30.123Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20:30+02:00\"}", "2025-10-24T08:20:30.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24T00:30:00-01:30\"}", "2025-10-24T02:00:00.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24T01:00:00+0200\"}", "2025-10-23T23:00:00.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24T10:20\"}", "2025-10-24T10:20:00.000Z"),
		OK(t_date, "{\"v\":\"2025-10-24 10:20:30\"}", "2025-10-24T10:20:30.000Z"),
		OK(t_date, "{\"v\":\"2024-02-29\"}", "2024-02-29T00:00:00.000Z"),
		OK(t_date, "{\"v\":\"2025-12-31T23:59:59.999Z\"}", "2025-12-31T23:59:59.999Z"),
		OK(t_date, "{\"v\":1761264000000}", "2025-10-24T00:00:00.000Z"),
		OK(t_date, "{\"v\":0}", "1970-01-01T00:00:00.000Z"),
		OK(t_date, "{\"v\":-1}", "1969-12-31T23:59:59.999Z"),
		BAD(t_date, "{\"v\":\"2025-02-30\"}", "invalid_date", "[\"v\"]", "Invalid date"),
		BAD(t_date, "{\"v\":\"2025-02-29\"}", "invalid_date", "[\"v\"]", "Invalid date"),
		BAD(t_date, "{\"v\":\"2025-04-31\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-13-01\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-00-10\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-10-24T24:00\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-10-24T10:60\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-10-24T10:20:30.Z\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-10-24T10:20:30+2\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025-10-24x\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"24.10.2025\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"garbage\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"2025\"}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":1.5}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":1e300}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":true}", "invalid_date", "[\"v\"]", NULL),
		BAD(t_date, "{\"v\":\"\xff\"}", "invalid_date", "[\"v\"]", NULL),
	};

	run_table(rows, NELEM(rows), false);
}
END_TEST

START_TEST(test_nested)
{
	static const struct vrow rows[] = {
		OK(t_customer, "{\"v\":{\"firstName\":\" Jan \",\"lastName\":\"Kowalski\"}}",
		    "object"),
		BAD(t_customer, "{}", "invalid_type", "[\"v\"]", "Required"),
		BAD(t_customer, "{\"v\":{}}", "invalid_type", "[\"v\",\"firstName\"]", "Required"),
		BAD(t_customer, "{\"v\":{\"firstName\":\"\"}}", "too_small",
		    "[\"v\",\"firstName\"]", NULL),
		BAD(t_customer, "{\"v\":{\"firstName\":\"J\",\"lastName\":7}}", "invalid_type",
		    "[\"v\",\"lastName\"]", "Expected string, received number"),
		BAD(t_customer, "{\"v\":{\"firstName\":\"J\",\"x\":1}}", "unrecognized_keys",
		    "[\"v\"]", "Unrecognized key(s) in object: 'x'"),
		OK(t_open, "{\"v\":{\"firstName\":\"J\",\"junk\":{\"deep\":1}}}", "object"),
		BAD(t_open, "{\"v\":{\"junk\":1}}", "invalid_type", "[\"v\",\"firstName\"]",
		    "Required"),
		OK(t_items, "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}", "array[2]"),
		BAD(t_items, "{\"items\":[{\"name\":\"a\"},{}]}", "invalid_type",
		    "[\"items\",1,\"name\"]", "Required"),
		BAD(t_items, "{\"items\":[{\"name\":\"a\"},{\"name\":\"\"}]}", "too_small",
		    "[\"items\",1,\"name\"]", NULL),
		BAD(t_items, "{\"items\":[{\"name\":\"a\",\"q\":2}]}", "unrecognized_keys",
		    "[\"items\",0]", NULL),
		BAD(t_items, "{\"items\":[1]}", "invalid_type", "[\"items\",0]",
		    "Expected object, received number"),
		BAD(t_items, "{\"items\":[]}", "too_small", "[\"items\"]",
		    "Array must contain at least 1 element(s)"),
		BAD(t_items,
		    "{\"items\":[{\"name\":\"a\"},{\"name\":\"a\"},{\"name\":\"a\"},{\"name\":"
		    "\"a\"}]}",
		    "too_big", "[\"items\"]", "Array must contain at most 3 element(s)"),
		OK(t_tags, "{\"v\":[]}", "array[0]"),
		OK(t_tags, "{\"v\":[\"a\",\"bb\"]}", "array[2]"),
		BAD(t_tags, "{\"v\":[\"a\",5]}", "invalid_type", "[\"v\",1]",
		    "Expected string, received number"),
		BAD(t_tags, "{\"v\":[\"a\",\"\"]}", "too_small", "[\"v\",1]", NULL),
		BAD(t_tags, "{\"v\":[\"a\",\"toolong\"]}", "too_big", "[\"v\",1]", NULL),
		BAD(t_tags, "{\"v\":[null]}", "invalid_type", "[\"v\",0]",
		    "Expected string, received null"),
		OK(t_ints, "{\"v\":[1,2]}", "array[2]"),
		BAD(t_ints, "{\"v\":[1,2,3]}", "too_big", "[\"v\"]", NULL),
		BAD(t_ints, "{\"v\":[1,2.5]}", "invalid_type", "[\"v\",1]",
		    "Expected integer, received float"),
		/* Unknown and repeated keys (L9, SR-16). */
		BAD(t_req, "{\"v\":\"a\",\"y\":1}", "unrecognized_keys", "[]",
		    "Unrecognized key(s) in object: 'y'"),
		BAD(t_req, "{\"V\":\"a\"}", "unrecognized_keys", "[]", NULL),
		BAD(t_req, "{\"v\":\"a\",\"v\":\"b\"}", "duplicate_keys", "[]", NULL),
		BAD(t_customer, "{\"v\":{\"firstName\":\"a\",\"firstName\":\"b\"}}",
		    "duplicate_keys", "[\"v\"]", NULL),
	};

	run_table(rows, NELEM(rows), false);
}
END_TEST

/* Values and the whole issues list for one body. */
START_TEST(test_outputs)
{
	struct arena *a = arena_new(1024 * 1024);
	cJSON *issues = cJSON_CreateArray(), *in;
	struct valid_out *out = NULL;
	char *s;

	/* Every bad field is listed, in table order. */
	in = cJSON_Parse("{\"z\":1}");
	ck_assert_int_eq(valid_json(a, &t_two, in, &out, issues), -1);
	s = cJSON_PrintUnformatted(issues);
	ck_assert_str_eq(s,
	    "[{\"code\":\"unrecognized_keys\",\"path\":[],\"message\":\"Unrecognized key(s) in "
	    "object: 'z'\","
	    "\"keys\":[\"z\"]},"
	    "{\"code\":\"invalid_type\",\"path\":[\"a\"],\"message\":\"Required\",\"expected\":"
	    "\"number\","
	    "\"received\":\"undefined\"},"
	    "{\"code\":\"invalid_type\",\"path\":[\"b\"],\"message\":\"Required\",\"expected\":"
	    "\"string\","
	    "\"received\":\"undefined\"}]");
	free(s);
	cJSON_Delete(in);
	cJSON_Delete(issues);

	/* The zod fields of a size issue. */
	issues = cJSON_CreateArray();
	in = cJSON_Parse("{\"v\":\"a\"}");
	ck_assert_int_eq(valid_json(a, &t_len, in, &out, issues), -1);
	s = cJSON_PrintUnformatted(issues);
	ck_assert_str_eq(s,
	    "[{\"code\":\"too_small\",\"path\":[\"v\"],\"message\":\"String must contain at least "
	    "2 "
	    "character(s)\",\"minimum\":2,\"type\":\"string\",\"inclusive\":true,\"exact\":false}"
	    "]");
	free(s);
	cJSON_Delete(in);
	cJSON_Delete(issues);

	/* Nested values reach the handler typed. */
	issues = cJSON_CreateArray();
	in = cJSON_Parse("{\"items\":[{\"name\":\"x\"},{\"name\":\"yz\"}]}");
	ck_assert_int_eq(valid_json(a, &t_items, in, &out, issues), 0);
	ck_assert_int_eq(cJSON_GetArraySize(issues), 0);
	ck_assert_uint_eq(out->n, 1);
	ck_assert_uint_eq(out->v[0].n, 2);
	ck_assert_str_eq(out->v[0].arr[1].obj->v[0].s, "yz");
	ck_assert_ptr_eq(out->v[0].json, cJSON_GetObjectItem(in, "items"));
	cJSON_Delete(in);
	cJSON_Delete(issues);

	issues = cJSON_CreateArray();
	ck_assert_int_eq(
	    valid_issue_custom(issues, (const char *const[]){ "a", "b" }, 2, "Nope"), 0);
	s = cJSON_PrintUnformatted(issues);
	ck_assert_str_eq(s, "[{\"code\":\"custom\",\"path\":[\"a\",\"b\"],\"message\":\"Nope\"}]");
	free(s);
	cJSON_Delete(issues);
	arena_free(a);
}
END_TEST

/* The echo rule (valid.h F_ECHO): read-only fields a PATCH may send back unchanged. */
static const struct field echo_f[] = {
	[0] = { "name", FT_STRING, 0, 0, 0 },
	[1] = FIELD_ECHO("id"),
	[2] = FIELD_ECHO("createdAt"),
	[3] = FIELD_ECHO("partner"),
};
static const struct field_table t_echo = FIELD_TABLE(echo_f);

START_TEST(test_echo)
{
	static const char stored[] =
	    "{\"id\":\"c1\",\"name\":\"old\",\"createdAt\":"
	    "\"2025-10-24T16:08:09.000Z\",\"partner\":{\"id\":\"p\",\"name\":\"P\"}}";
	static const struct {
		const char *body;
		int id_rc;          /* valid_echo_id against path "c1" */
		int check_rc;       /* valid_echo_check against stored */
		const char *issues; /* of valid_echo_check, NULL: none */
	} rows[] = {
		{ "{}", 0, 0, NULL },
		{ "{\"name\":\"new\"}", 0, 0, NULL },
		/* Every read-only field echoed as read: accepted. */
		{ "{\"id\":\"c1\",\"name\":\"new\",\"createdAt\":\"2025-10-24T16:08:09.000Z\","
		  "\"partner\":{\"name\":\"P\",\"id\":\"p\"}}",
		    0, 0, NULL },
		{ "{\"id\":\"c2\"}", -1, -1,
		    "[{\"code\":\"custom\",\"path\":[\"id\"],\"message\":\"Read-only field cannot "
		    "be "
		    "changed\"}]" },
		{ "{\"id\":\"C1\"}", -1, -1, "*" },
		{ "{\"id\":null}", -1, -1, "*" },
		{ "{\"id\":[\"c1\"]}", -1, -1, "*" },
		{ "{\"createdAt\":\"2025-10-24T16:08:09Z\"}", 0, -1,
		    "[{\"code\":\"custom\",\"path\":[\"createdAt\"],\"message\":\"Read-only field "
		    "cannot be changed\"}]" },
		{ "{\"partner\":{\"id\":\"p\"}}", 0, -1, "*" },
		{ "{\"partner\":null}", 0, -1, "*" },
		/* Each differing field has its issue. */
		{ "{\"id\":\"x\",\"createdAt\":1}", -1, -1,
		    "[{\"code\":\"custom\",\"path\":[\"id\"],\"message\":\"Read-only field cannot "
		    "be "
		    "changed\"},{\"code\":\"custom\",\"path\":[\"createdAt\"],\"message\":\"Read-"
		    "only "
		    "field cannot be changed\"}]" },
	};
	struct arena *a = arena_new(1024 * 1024);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cJSON *in = cJSON_Parse(rows[i].body), *issues = cJSON_CreateArray();
		struct valid_out *out = NULL;
		char *s;

		ck_assert_ptr_nonnull(in);
		ck_assert_msg(valid_json(a, &t_echo, in, &out, issues) == 0, "%s", rows[i].body);
		ck_assert_msg(valid_echo_id(&t_echo, out, "c1", issues) == rows[i].id_rc, "id %s",
		    rows[i].body);
		cJSON_Delete(issues);
		issues = cJSON_CreateArray();
		ck_assert_msg(valid_echo_check(&t_echo, out, stored, issues) == rows[i].check_rc,
		    "check %s", rows[i].body);
		s = cJSON_PrintUnformatted(issues);
		if (rows[i].issues == NULL)
			ck_assert_str_eq(s, "[]");
		else if (strcmp(rows[i].issues, "*") != 0)
			ck_assert_str_eq(s, rows[i].issues);
		else
			ck_assert_int_eq(cJSON_GetArraySize(issues), 1);
		free(s);
		cJSON_Delete(issues);
		cJSON_Delete(in);
	}
	/* Unknown keys stay unknown, echoed or not (L9). */
	{
		cJSON *in = cJSON_Parse("{\"updatedAt\":\"x\"}"), *issues = cJSON_CreateArray();
		struct valid_out *out = NULL;
		ck_assert_int_eq(valid_json(a, &t_echo, in, &out, issues), -1);
		ck_assert_str_eq(
		    cJSON_GetObjectItem(cJSON_GetArrayItem(issues, 0), "code")->valuestring,
		    "unrecognized_keys");
		cJSON_Delete(issues);
		cJSON_Delete(in);
	}
	/* A stored value that is no JSON object: -1 with no issue (the caller's 500). */
	{
		cJSON *in = cJSON_Parse("{\"id\":\"c1\"}"), *issues = cJSON_CreateArray();
		struct valid_out *out = NULL;
		ck_assert_int_eq(valid_json(a, &t_echo, in, &out, issues), 0);
		ck_assert_int_eq(valid_echo_check(&t_echo, out, "[1]", issues), -1);
		ck_assert_int_eq(valid_echo_check(&t_echo, out, "{", issues), -1);
		ck_assert_int_eq(valid_echo_check(&t_echo, out, NULL, issues), -1);
		ck_assert_int_eq(cJSON_GetArraySize(issues), 0);
		/* An echoed id on a path without one is refused. */
		ck_assert_int_eq(valid_echo_id(&t_echo, out, NULL, issues), -1);
		cJSON_Delete(issues);
		cJSON_Delete(in);
	}
	arena_free(a);
}
END_TEST

/* Query strings (spec §2.7): coercion, decoding, repeats; unknown keys ignored. */
static const struct field q_f[] = {
	[0] = { "v", FT_INT, 0, 0, 0 },
	[1] = { "q", FT_STRING, 0, 0, 10 },
	[2] = { "active", FT_BOOL, 0, 0, 0 },
	[3] = { "n", FT_NUMBER, 0, 0, 0 },
	[4] = { "status", FT_ENUM, 0, 0, 0, ab_opts },
	[5] = { "from", FT_DATE, 0, 0, 0 },
};
static const struct field_table t_q = FIELD_TABLE(q_f);

START_TEST(test_query)
{
	static const struct {
		const char *query;
		int field;
		const char *want; /* rendering of that field on success */
		const char *code, *path, *msg;
	} rows[] = {
		{ "v=2", 0, "2", NULL, NULL, NULL },
		{ "v=", 0, "0", NULL, NULL, NULL }, /* "" -> 0 (zod coerce) */
		{ "v", 0, "0", NULL, NULL, NULL },
		{ "v=-3", 0, "-3", NULL, NULL, NULL },
		{ "v=abc", 0, NULL, "invalid_type", "[\"v\"]", "Expected number, received nan" },
		{ "v=1.5", 0, NULL, "invalid_type", "[\"v\"]", "Expected integer, received float" },
		{ "v=12abc", 0, NULL, "invalid_type", "[\"v\"]", "Expected number, received nan" },
		{ "v=nan", 0, NULL, "invalid_type", "[\"v\"]", "Expected number, received nan" },
		{ "v=inf", 0, NULL, "invalid_type", "[\"v\"]", "Expected number, received nan" },
		{ "n=-1.5", 3, "-1.5", NULL, NULL, NULL },
		{ "n=1e400", 3, NULL, "invalid_type", "[\"n\"]", "Expected number, received nan" },
		{ "active=true", 2, "true", NULL, NULL, NULL },
		{ "active=TRUE", 2, "true", NULL, NULL, NULL },
		{ "active=FALSE", 2, "false", NULL, NULL, NULL },
		{ "active=yes", 2, "absent", NULL, NULL, NULL }, /* anything else: not set */
		{ "active=1", 2, "absent", NULL, NULL, NULL },
		{ "active=", 2, "absent", NULL, NULL, NULL },
		{ "q=a%20b", 1, "a b", NULL, NULL, NULL },
		{ "q=a+b", 1, "a b", NULL, NULL, NULL },
		{ "q=a%2Bb", 1, "a+b", NULL, NULL, NULL },
		{ "q=%C5%BC%C3%B3%C5%82%C4%87", 1, "żółć", NULL, NULL, NULL },
		{ "q=", 1, "", NULL, NULL, NULL },
		{ "q=a=b", 1, "a=b", NULL, NULL, NULL },
		{ "q=%zz", 1, NULL, "invalid_string", "[]", "Malformed query string" },
		{ "q=%4", 1, NULL, "invalid_string", "[]", "Malformed query string" },
		{ "q=%", 1, NULL, "invalid_string", "[]", "Malformed query string" },
		{ "q=a%00b", 1, NULL, "invalid_string", "[]", "Malformed query string" },
		{ "q=a%0Ab", 1, NULL, "invalid_string", "[\"q\"]",
		    "Control characters are not allowed" },
		{ "q=%FF", 1, NULL, "invalid_string", "[\"q\"]", "Invalid UTF-8" },
		{ "q=01234567890", 1, NULL, "too_big", "[\"q\"]", NULL },
		{ "q=a&q=b", 1, NULL, "duplicate_keys", "[]", NULL },
		{ "v=1&v=1", 0, NULL, "duplicate_keys", "[]", NULL },
		{ "unknown=1&v=3", 0, "3", NULL, NULL, NULL },
		{ "V=3", 0, "absent", NULL, NULL, NULL },
		{ "&&v=4&", 0, "4", NULL, NULL, NULL },
		{ "%76=5", 0, "5", NULL, NULL, NULL }, /* keys are decoded too */
		{ "", 0, "absent", NULL, NULL, NULL },
		{ "status=B", 4, "B#1", NULL, NULL, NULL },
		{ "status=X", 4, NULL, "invalid_enum_value", "[\"status\"]", NULL },
		{ "from=2025-10-24", 5, "2025-10-24T00:00:00.000Z", NULL, NULL, NULL },
		{ "from=2025-10-24T10%3A00%3A00%2B02%3A00", 5, "2025-10-24T08:00:00.000Z", NULL,
		    NULL, NULL },
		{ "from=yesterday", 5, NULL, "invalid_date", "[\"from\"]", NULL },
	};
	struct arena *a = arena_new(1024 * 1024);

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct valid_out *out = NULL;
		cJSON *issues = cJSON_CreateArray();
		int rc = valid_query(a, &t_q, rows[i].query, &out, issues);
		char *s = cJSON_PrintUnformatted(issues), buf[128];

		if (rows[i].code == NULL) {
			ck_assert_msg(rc == 0, "\"%s\": rejected %s", rows[i].query, s);
			const char *got =
			    render(buf, sizeof(buf), &q_f[rows[i].field], &out->v[rows[i].field]);
			ck_assert_msg(
			    strcmp(got, rows[i].want) == 0, "\"%s\": \"%s\"", rows[i].query, got);
		} else {
			const cJSON *is = cJSON_GetArrayItem(issues, 0);
			const cJSON *msg = cJSON_GetObjectItem(is, "message");
			char *path = cJSON_PrintUnformatted(cJSON_GetObjectItem(is, "path"));
			ck_assert_msg(rc == -1, "\"%s\": accepted", rows[i].query);
			ck_assert_msg(strcmp(cJSON_GetObjectItem(is, "code")->valuestring,
					  rows[i].code) == 0 &&
				strcmp(path, rows[i].path) == 0 &&
				(rows[i].msg == NULL || strcmp(msg->valuestring, rows[i].msg) == 0),
			    "\"%s\": %s", rows[i].query, s);
			free(path);
		}
		free(s);
		cJSON_Delete(issues);
		arena_reset(a);
	}
	/* NULL means no query string at all. */
	{
		struct valid_out *out = NULL;
		cJSON *issues = cJSON_CreateArray();
		ck_assert_int_eq(valid_query(a, &t_q, NULL, &out, issues), 0);
		ck_assert(!out->v[0].present);
		cJSON_Delete(issues);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_urldecode)
{
	static const struct {
		const char *in;
		bool ok;
		const char *want;
	} rows[] = {
		{ "", true, "" },
		{ "abc", true, "abc" },
		{ "a+b", true, "a b" },
		{ "%41%42", true, "AB" },
		{ "%2b%2B", true, "++" },
		{ "%e2%82%ac", true, "€" },
		{ "100%25", true, "100%" },
		{ "%", false, NULL },
		{ "%4", false, NULL },
		{ "a%", false, NULL },
		{ "%zz", false, NULL },
		{ "%4g", false, NULL },
		{ "%00", false, NULL },
		{ "a%00", false, NULL },
		{ "%%41", false, NULL },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char out[64];
		bool ok = valid_urldecode(out, rows[i].in, strlen(rows[i].in));
		ck_assert_msg(ok == rows[i].ok, "\"%s\"", rows[i].in);
		if (ok)
			ck_assert_msg(
			    strcmp(out, rows[i].want) == 0, "\"%s\": \"%s\"", rows[i].in, out);
	}
}
END_TEST

START_TEST(test_date_functions)
{
	static const struct {
		const char *in;
		bool ok;
		long long ms;
	} parse[] = {
		{ "1970-01-01", true, 0 },
		{ "1970-01-01T00:00:00.001Z", true, 1 },
		{ "2025-10-24", true, 1761264000000LL },
		{ "2025-10-24T02:00:00+02:00", true, 1761264000000LL },
		{ "2025-10-23T22:00:00-02:00", true, 1761264000000LL },
		{ "2000-02-29T12:00:00z", true, 951825600000LL },
		{ "1900-02-29", false, 0 },
		{ "0999-12-31", false, 0 },
		{ "2025-1-01", false, 0 },
		{ "", false, 0 },
	};
	static const long long ms[] = { 0, 1, -1, 999, -1000, 1761264000000LL, 951825600123LL,
		253402300799999LL, -30610224000000LL };

	for (size_t i = 0; i < NELEM(parse); i++) {
		long long got = -12345;
		bool ok = valid_parse_date(parse[i].in, &got);
		ck_assert_msg(ok == parse[i].ok, "\"%s\"", parse[i].in);
		if (ok)
			ck_assert_msg(got == parse[i].ms, "\"%s\": %lld", parse[i].in, got);
	}
	for (size_t i = 0; i < NELEM(ms); i++) {
		char buf[32];
		long long back = -12345;
		valid_format_date(buf, ms[i]);
		ck_assert_msg(strlen(buf) == 24, "%lld: \"%s\"", ms[i], buf);
		ck_assert_msg(valid_parse_date(buf, &back) && back == ms[i], "%lld -> %s -> %lld",
		    ms[i], buf, back);
	}
	{
		char buf[32];
		valid_format_date(buf, 1761264000000LL);
		ck_assert_str_eq(buf, "2025-10-24T00:00:00.000Z");
		valid_format_date(buf, -1);
		ck_assert_str_eq(buf, "1969-12-31T23:59:59.999Z");
	}
}
END_TEST

START_TEST(test_utf8_url)
{
	static const struct {
		const char *in;
		bool ok;
	} utf8[] = {
		{ "", true },
		{ "abc", true },
		{ "żółć", true },
		{ "\xf0\x9f\x98\x80", true },
		{ "\xf4\x8f\xbf\xbf", true },
		{ "\xc0\xaf", false },
		{ "\xe0\x80\xaf", false },
		{ "\xed\xa0\x80", false },
		{ "\xf4\x90\x80\x80", false },
		{ "\xff", false },
		{ "\xc3", false },
		{ "\xe2\x82", false },
		{ "\x80", false },
		{ "a\xc3(", false },
		{ "\xf8\x88\x80\x80\x80", false },
	};

	for (size_t i = 0; i < NELEM(utf8); i++)
		ck_assert_msg(
		    valid_utf8(utf8[i].in, strlen(utf8[i].in)) == utf8[i].ok, "utf8 row %zu", i);
	ck_assert(valid_http_url("https://a"));
	ck_assert(!valid_http_url("https:///path"));
	ck_assert(!valid_http_url("http://?q"));
	ck_assert(!valid_http_url("mailto:a@b.co"));
	ck_assert(!valid_http_url("http://x.pl/<script>"));
	ck_assert(!valid_http_url("http://x.pl\\@evil.com"));
}
END_TEST

START_TEST(test_polish_ids)
{
	char birth[11] = "";
	char sex = '?';

	ck_assert(valid_pesel("44051401359", "2026-01-01", birth, &sex));
	ck_assert_str_eq(birth, "1944-05-14");
	ck_assert_int_eq(sex, 'M');
	ck_assert(valid_pesel("02270803624", "2026-01-01", birth, &sex));
	ck_assert_str_eq(birth, "2002-07-08");
	ck_assert_int_eq(sex, 'K');
	ck_assert(valid_pesel("02810100006", NULL, birth, NULL));
	ck_assert_str_eq(birth, "1802-01-01");
	ck_assert(valid_pesel("04022900001", NULL, NULL, NULL));  /* 1904 was a leap year */
	ck_assert(!valid_pesel("99022900007", NULL, NULL, NULL)); /* 1999-02-29 */
	ck_assert(!valid_pesel("44051401358", NULL, NULL, NULL)); /* checksum */
	ck_assert(!valid_pesel("4405140135", NULL, NULL, NULL));  /* length */
	ck_assert(!valid_pesel("4405140135a", NULL, NULL, NULL));
	ck_assert(!valid_pesel("99210100008", "2026-01-01", NULL, NULL)); /* 2099: future */
	ck_assert(valid_pesel("99210100008", NULL, NULL, NULL));
	ck_assert(!valid_pesel(NULL, NULL, NULL, NULL));

	ck_assert(valid_nip("5261040828"));
	ck_assert(valid_nip("526-104-08-28"));
	ck_assert(!valid_nip("5261040827"));
	ck_assert(!valid_nip("52-6104-0828"));
	ck_assert(!valid_nip("526104082"));
	ck_assert(valid_regon("123456785"));
	ck_assert(!valid_regon("123456784"));
	ck_assert(valid_regon("12345678512347"));
	ck_assert(!valid_regon("12345678512346"));
	ck_assert(!valid_regon("1234567851"));

	ck_assert(valid_phone("+48 600 100 200"));
	ck_assert(valid_phone("600-100-200"));
	ck_assert(valid_phone("600100200"));
	ck_assert(!valid_phone("60010020"));
	ck_assert(!valid_phone("+48 600 1OO 200"));
	ck_assert(!valid_phone("         "));
	ck_assert(!valid_phone("6001002001234567"));

	ck_assert(valid_ymd("2024-02-29"));
	ck_assert(!valid_ymd("2023-02-29"));
	ck_assert(!valid_ymd("2024-13-01"));
	ck_assert(!valid_ymd("2024-1-01"));
	ck_assert(valid_ym("2024-12"));
	ck_assert(!valid_ym("2024-00"));
	ck_assert(!valid_ym("2024/12"));
}
END_TEST

static Suite *
valid_suite(void)
{
	Suite *s = suite_create("valid");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_email);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_outputs);
	tcase_add_test(tc, test_echo);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_urldecode);
	tcase_add_test(tc, test_date_functions);
	tcase_add_test(tc, test_utf8_url);
	tcase_add_test(tc, test_polish_ids);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(valid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
