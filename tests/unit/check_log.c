/*
 * check_log: one line per event, "LEVEL module rid: message", with control
 * bytes escaped so user input cannot forge a log line (kcgi's logging.c).
 * stderr is captured by pointing fd 2 at a temporary file.
 */
#include "config.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_escape)
{
	static const struct {
		const char *in;
		size_t dstsz;
		const char *want;
	} rows[] = {
		{ "", 64, "" },
		{ "plain text 123", 64, "plain text 123" },
		{ "zażółć gęślą jaźń", 64, "zażółć gęślą jaźń" },
		{ "a\nb", 64, "a\\x0ab" },
		{ "a\r\nINFO fake rid: forged", 64, "a\\x0d\\x0aINFO fake rid: forged" },
		{ "\t", 64, "\\x09" },
		{ "\x1b[31mred", 64, "\\x1b[31mred" },
		{ "del\x7f", 64, "del\\x7f" },
		{ "\x01\x1f", 64, "\\x01\\x1f" },
		/* Truncation: never a partial escape, always NUL-terminated. */
		{ "abcdef", 4, "abc" },
		{ "abcdef", 1, "" },
		{ "a\nb", 5, "a" },
		{ "a\nb", 6, "a\\x0a" },
		{ "\n", 4, "" },
		{ "\n", 5, "\\x0a" },
		{ "ab\n", 3, "ab" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char out[80];
		memset(out, 'Z', sizeof(out));
		log_escape(out, rows[i].dstsz, rows[i].in);
		ck_assert_msg(strcmp(out, rows[i].want) == 0, "row %zu: got \"%s\"", i, out);
		ck_assert_msg(out[rows[i].dstsz] == 'Z', "row %zu: wrote past dstsz", i);
	}
	/* Size 0 writes nothing at all. */
	{
		char out[4] = "ZZZ";
		log_escape(out, 0, "abc");
		ck_assert_str_eq(out, "ZZZ");
	}
}
END_TEST

START_TEST(test_level_parse)
{
	static const struct {
		const char *in;
		int rc;
		enum log_level want;
	} rows[] = {
		{ "error", 0, LOG_LVL_ERROR },
		{ "warn", 0, LOG_LVL_WARN },
		{ "info", 0, LOG_LVL_INFO },
		{ "debug", 0, LOG_LVL_DEBUG },
		{ "", -1, 0 },
		{ "verbose", -1, 0 },
		{ "warning", -1, 0 },
		{ "info ", -1, 0 },
		{ "3", -1, 0 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		enum log_level l = LOG_LVL__MAX;
		ck_assert_msg(log_level_parse(rows[i].in, &l) == rows[i].rc, "\"%s\"", rows[i].in);
		if (rows[i].rc == 0)
			ck_assert_msg(l == rows[i].want, "\"%s\": level %d", rows[i].in, l);
		else
			ck_assert_msg(
			    l == LOG_LVL__MAX, "\"%s\": output written on failure", rows[i].in);
	}
}
END_TEST

/* Captured stderr: fd 2 goes to a temporary file until capture_end(). */
static FILE *cap;
static int saved_fd = -1;

static void
capture_begin(void)
{
	fflush(stderr);
	cap = tmpfile();
	ck_assert_ptr_nonnull(cap);
	saved_fd = dup(2);
	ck_assert_int_ge(saved_fd, 0);
	ck_assert_int_eq(dup2(fileno(cap), 2), 2);
}

/* Restores stderr and returns what was written (static buffer). */
static const char *
capture_end(void)
{
	static char buf[16384];
	size_t n;

	fflush(stderr);
	ck_assert_int_eq(dup2(saved_fd, 2), 2);
	close(saved_fd);
	rewind(cap);
	n = fread(buf, 1, sizeof(buf) - 1, cap);
	buf[n] = '\0';
	fclose(cap);
	return buf;
}

static int evaluated;

static const char *
side_effect(void)
{
	evaluated++;
	return "x";
}

START_TEST(test_lines)
{
	static const struct {
		enum log_level set, lvl;
		const char *module, *rid, *msg;
		const char *want; /* whole output */
	} rows[] = {
		{ LOG_LVL_INFO, LOG_LVL_INFO, "mod", "abc123", "hello",
		    "INFO mod abc123: hello\n" },
		{ LOG_LVL_INFO, LOG_LVL_ERROR, "db", "r1", "boom", "ERROR db r1: boom\n" },
		{ LOG_LVL_INFO, LOG_LVL_WARN, "http", NULL, "slow", "WARN http -: slow\n" },
		{ LOG_LVL_INFO, LOG_LVL_INFO, NULL, "r2", "no module",
		    "INFO testprog r2: no module\n" },
		{ LOG_LVL_INFO, LOG_LVL_INFO, "mod", "r3", "two\nlines",
		    "INFO mod r3: two\\x0alines\n" },
		{ LOG_LVL_INFO, LOG_LVL_INFO, "mod", "r4", "x\r\nERROR auth -: forged",
		    "INFO mod r4: x\\x0d\\x0aERROR auth -: forged\n" },
		{ LOG_LVL_INFO, LOG_LVL_DEBUG, "mod", "r5", "hidden", "" },
		{ LOG_LVL_WARN, LOG_LVL_INFO, "mod", "r6", "hidden", "" },
		{ LOG_LVL_ERROR, LOG_LVL_ERROR, "mod", "r7", "shown", "ERROR mod r7: shown\n" },
		{ LOG_LVL_DEBUG, LOG_LVL_DEBUG, "mod", "r8", "shown", "DEBUG mod r8: shown\n" },
	};

	log_init("testprog");
	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *out;

		log_set_level(rows[i].set);
		ck_assert_int_eq(log_get_level(), rows[i].set);
		log_set_rid(rows[i].rid);
		capture_begin();
		log_msg(rows[i].lvl, rows[i].module, "%s", rows[i].msg);
		out = capture_end();
		ck_assert_msg(strcmp(out, rows[i].want) == 0, "row %zu: got \"%s\"", i, out);
	}
	log_set_rid(NULL);
	log_set_level(LOG_LVL_INFO);
}
END_TEST

START_TEST(test_debug_lazy)
{
	const char *out;

	log_init("testprog");
	log_set_rid("rid");
	log_set_level(LOG_LVL_INFO);
	evaluated = 0;
	capture_begin();
	log_debug("mod", "%s", side_effect());
	out = capture_end();
	ck_assert_int_eq(evaluated, 0);
	ck_assert_str_eq(out, "");

	log_set_level(LOG_LVL_DEBUG);
	capture_begin();
	log_debug("mod", "%s", side_effect());
	out = capture_end();
	ck_assert_int_eq(evaluated, 1);
	ck_assert_str_eq(out, "DEBUG mod rid: x\n");
}
END_TEST

/* A huge message is cut, but stays one line. */
START_TEST(test_long_line)
{
	char *msg = malloc(10000);
	const char *out;

	memset(msg, '\n', 9999);
	msg[9999] = '\0';
	log_set_level(LOG_LVL_INFO);
	log_set_rid("r");
	capture_begin();
	log_info("mod", "%s", msg);
	out = capture_end();
	ck_assert(strncmp(out, "INFO mod r: \\x0a", 16) == 0);
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	free(msg);
}
END_TEST

/* IZZY_LOG_LEVEL is read by log_init; junk leaves the level alone. */
START_TEST(test_init_env)
{
	static const struct {
		const char *env;
		enum log_level want;
	} rows[] = {
		{ "debug", LOG_LVL_DEBUG },
		{ "error", LOG_LVL_ERROR },
		{ "nonsense", LOG_LVL_ERROR },
		{ NULL, LOG_LVL_ERROR },
		{ "warn", LOG_LVL_WARN },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		if (rows[i].env != NULL)
			setenv("IZZY_LOG_LEVEL", rows[i].env, 1);
		else
			unsetenv("IZZY_LOG_LEVEL");
		log_init(NULL);
		ck_assert_msg(
		    log_get_level() == rows[i].want, "row %zu: level %d", i, log_get_level());
	}
	/* log_set_level ignores out-of-range values. */
	log_set_level(LOG_LVL__MAX);
	ck_assert_int_eq(log_get_level(), LOG_LVL_WARN);
}
END_TEST

START_TEST(test_json_escape)
{
	static const struct {
		const char *in;
		size_t dstsz;
		const char *want;
	} rows[] = {
		{ "", 64, "" },
		{ "plain text 123", 64, "plain text 123" },
		{ "zażółć gęślą jaźń", 64, "zażółć gęślą jaźń" },
		{ "say \"hi\"", 64, "say \\\"hi\\\"" },
		{ "back\\slash", 64, "back\\\\slash" },
		{ "a\nb\r\tc", 64, "a\\nb\\r\\tc" },
		{ "\x01\x1f\x7f", 64, "\\u0001\\u001f\\u007f" },
		{ "\x1b[31mred", 64, "\\u001b[31mred" },
		/* Not UTF-8: a lone continuation byte, a truncated sequence, an overlong
		 * encoding, a surrogate, a code point past U+10FFFF. */
		{ "a\x80z", 64, "a\\ufffdz" },
		{ "\xc3", 64, "\\ufffd" },
		{ "\xe2\x82", 64, "\\ufffd\\ufffd" },
		{ "\xc0\xaf", 64, "\\ufffd\\ufffd" },
		{ "\xed\xa0\x80", 64, "\\ufffd\\ufffd\\ufffd" },
		{ "\xf4\x90\x80\x80", 64, "\\ufffd\\ufffd\\ufffd\\ufffd" },
		{ "\xf0\x9f\x9a\x97 auto", 64, "\xf0\x9f\x9a\x97 auto" },
		/* Truncation: never half an escape or half a character. */
		{ "abcdef", 4, "abc" },
		{ "abcdef", 1, "" },
		{ "a\"b", 3, "a" },
		{ "a\"b", 4, "a\\\"" },
		{ "\x01", 6, "" },
		{ "\x01", 7, "\\u0001" },
		{ "aż", 3, "a" },
		{ "aż", 4, "aż" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char out[80];
		memset(out, 'Z', sizeof(out));
		log_json_escape(out, rows[i].dstsz, rows[i].in);
		ck_assert_msg(strcmp(out, rows[i].want) == 0, "row %zu: got \"%s\"", i, out);
		ck_assert_msg(out[rows[i].dstsz] == 'Z', "row %zu: wrote past dstsz", i);
	}
}
END_TEST

START_TEST(test_format_parse)
{
	enum log_format f = LOG_FMT__MAX;

	ck_assert_int_eq(log_format_parse("json", &f), 0);
	ck_assert_int_eq(f, LOG_FMT_JSON);
	ck_assert_int_eq(log_format_parse("text", &f), 0);
	ck_assert_int_eq(f, LOG_FMT_TEXT);
	f = LOG_FMT__MAX;
	ck_assert_int_eq(log_format_parse("JSON", &f), -1);
	ck_assert_int_eq(log_format_parse("", &f), -1);
	ck_assert_int_eq(log_format_parse("logfmt", &f), -1);
	ck_assert_int_eq(f, LOG_FMT__MAX);
}
END_TEST

/* Parses one captured line as JSON; fails unless it is exactly one object and a newline. */
static cJSON *
json_line(const char *out)
{
	cJSON *o;
	size_t len = strlen(out);

	ck_assert_msg(len > 0 && out[len - 1] == '\n', "not one line: \"%s\"", out);
	ck_assert_msg(strchr(out, '\n') == out + len - 1, "more than one line: \"%s\"", out);
	o = cJSON_Parse(out);
	ck_assert_msg(cJSON_IsObject(o), "not JSON: \"%s\"", out);
	return o;
}

static const char *
str_field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	ck_assert_msg(cJSON_IsString(v), "field %s missing or not a string", name);
	return v->valuestring;
}

START_TEST(test_json_lines)
{
	static const struct {
		enum log_level lvl;
		const char *module, *rid, *msg, *level, *want_module, *want_rid;
	} rows[] = {
		{ LOG_LVL_INFO, "mod", "abc123", "hello", "info", "mod", "abc123" },
		{ LOG_LVL_ERROR, "db", "r1", "boom: \"quoted\" \\ back", "error", "db", "r1" },
		{ LOG_LVL_WARN, NULL, NULL, "two\nlines\r\nINFO forged -: x", "warn", "jsonprog",
		    "-" },
		{ LOG_LVL_DEBUG, "mod", "r3", "zażółć \x01\x80", "debug", "mod", "r3" },
	};

	log_init("jsonprog");
	log_set_format(LOG_FMT_JSON);
	ck_assert_int_eq(log_get_format(), LOG_FMT_JSON);
	log_set_level(LOG_LVL_DEBUG);
	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *out, *t;
		cJSON *o;

		log_set_rid(rows[i].rid);
		capture_begin();
		log_msg(rows[i].lvl, rows[i].module, "%s", rows[i].msg);
		out = capture_end();
		o = json_line(out);
		ck_assert_str_eq(str_field(o, "level"), rows[i].level);
		ck_assert_str_eq(str_field(o, "program"), "jsonprog");
		ck_assert_str_eq(str_field(o, "module"), rows[i].want_module);
		ck_assert_str_eq(str_field(o, "rid"), rows[i].want_rid);
		if (i < 3)
			ck_assert_str_eq(str_field(o, "msg"), rows[i].msg);
		else
			ck_assert_str_eq(str_field(o, "msg"), "zażółć \x01\xef\xbf\xbd");
		t = str_field(o, "time");
		ck_assert_msg(
		    strlen(t) == 24 && t[4] == '-' && t[10] == 'T' && t[19] == '.' && t[23] == 'Z',
		    "time \"%s\"", t);
		cJSON_Delete(o);
	}
	/* Below the level nothing is written, in JSON too. */
	log_set_level(LOG_LVL_INFO);
	capture_begin();
	log_debug("mod", "hidden");
	ck_assert_str_eq(capture_end(), "");
	log_set_format(LOG_FMT_TEXT);
	log_set_rid(NULL);
}
END_TEST

START_TEST(test_request)
{
	const struct log_request q = { "GET", "/api/leads/:id", 200, 12, "cuser1" };
	const struct log_request anon = { "POST", "/api/auth/login", 401, 3, NULL };
	const char *out;
	cJSON *o;

	log_init("leads");
	log_set_level(LOG_LVL_INFO);
	log_set_rid("9f86d081884c7d65");
	log_set_format(LOG_FMT_TEXT);
	capture_begin();
	log_request(&q);
	out = capture_end();
	ck_assert_str_eq(
	    out, "INFO http 9f86d081884c7d65: GET /api/leads/:id 200 12ms user=cuser1\n");

	log_set_format(LOG_FMT_JSON);
	capture_begin();
	log_request(&q);
	o = json_line(capture_end());
	ck_assert_str_eq(str_field(o, "msg"), "request");
	ck_assert_str_eq(str_field(o, "module"), "http");
	ck_assert_str_eq(str_field(o, "rid"), "9f86d081884c7d65");
	ck_assert_str_eq(str_field(o, "method"), "GET");
	ck_assert_str_eq(str_field(o, "route"), "/api/leads/:id");
	ck_assert_str_eq(str_field(o, "user"), "cuser1");
	ck_assert(cJSON_GetObjectItemCaseSensitive(o, "status")->valuedouble == 200);
	ck_assert(cJSON_GetObjectItemCaseSensitive(o, "latency_ms")->valuedouble == 12);
	cJSON_Delete(o);

	capture_begin();
	log_request(&anon);
	o = json_line(capture_end());
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "user")));
	ck_assert(cJSON_GetObjectItemCaseSensitive(o, "status")->valuedouble == 401);
	cJSON_Delete(o);

	/* A request line is INFO: at WARN it is not written. */
	log_set_level(LOG_LVL_WARN);
	capture_begin();
	log_request(&q);
	ck_assert_str_eq(capture_end(), "");
	log_set_level(LOG_LVL_INFO);
	log_set_format(LOG_FMT_TEXT);
	log_set_rid(NULL);
}
END_TEST

/* A huge JSON message is cut, but stays one parseable line. */
START_TEST(test_json_long_line)
{
	char *msg = malloc(10000);
	cJSON *o;

	memset(msg, '"', 9999);
	msg[9999] = '\0';
	log_set_level(LOG_LVL_INFO);
	log_set_format(LOG_FMT_JSON);
	capture_begin();
	log_info("mod", "%s", msg);
	o = json_line(capture_end());
	ck_assert_uint_gt(strlen(str_field(o, "msg")), 1000);
	cJSON_Delete(o);
	log_set_format(LOG_FMT_TEXT);
	free(msg);
}
END_TEST

/* IZZY_LOG_FORMAT is read by log_init; junk leaves the format alone. */
START_TEST(test_init_env_format)
{
	static const struct {
		const char *env;
		enum log_format want;
	} rows[] = {
		{ "json", LOG_FMT_JSON },
		{ "nonsense", LOG_FMT_JSON },
		{ NULL, LOG_FMT_JSON },
		{ "text", LOG_FMT_TEXT },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		if (rows[i].env != NULL)
			setenv("IZZY_LOG_FORMAT", rows[i].env, 1);
		else
			unsetenv("IZZY_LOG_FORMAT");
		log_init(NULL);
		ck_assert_msg(
		    log_get_format() == rows[i].want, "row %zu: format %d", i, log_get_format());
	}
	log_set_format(LOG_FMT__MAX);
	ck_assert_int_eq(log_get_format(), LOG_FMT_TEXT);
	unsetenv("IZZY_LOG_FORMAT");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_level_parse);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_debug_lazy);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_init_env);
	tcase_add_test(tc, test_json_escape);
	tcase_add_test(tc, test_format_parse);
	tcase_add_test(tc, test_json_lines);
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_json_long_line);
	tcase_add_test(tc, test_init_env_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
