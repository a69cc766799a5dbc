/*
 * check_http: the request pipeline (common/http.c) driven through
 * http_handle() with an in-memory struct http_io and a small test app.
 * Apart from one row that proves a well-signed token reaches the session
 * lookup, no route needs the database: the db handle points at a socket that
 * does not exist and is only opened lazily.
 */
#include "config.h"
#include "common/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/jwt.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define KEY      "check-http-secret-0123456789abcdef"

/* --- an in-memory request ------------------------------------------------ */

struct mem_io {
	const char *names[16], *values[16];
	size_t nparams;
	const char *in;
	size_t inlen, inpos;
	char *out;
	size_t outlen, outcap;
};

static const char *
mem_param(void *ctx, const char *name)
{
	struct mem_io *m = ctx;

	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}

static size_t
mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_io *m = ctx;

	/* Short reads, as from a real stream. */
	if (n > 7)
		n = 7;
	if (n > m->inlen - m->inpos)
		n = m->inlen - m->inpos;
	memcpy(buf, m->in + m->inpos, n);
	m->inpos += n;
	return n;
}

static int
mem_write(void *ctx, const char *buf, size_t n)
{
	struct mem_io *m = ctx;

	if (m->outlen + n + 1 > m->outcap) {
		m->outcap = (m->outlen + n + 1) * 2;
		m->out = realloc(m->out, m->outcap);
		ck_assert_ptr_nonnull(m->out);
	}
	memcpy(m->out + m->outlen, buf, n);
	m->outlen += n;
	m->out[m->outlen] = '\0';
	return 0;
}

static void
mem_set(struct mem_io *m, const char *name, const char *value)
{
	if (value == NULL)
		return;
	ck_assert_uint_lt(m->nparams, NELEM(m->names));
	m->names[m->nparams] = name;
	m->values[m->nparams++] = value;
}

/* --- the test app -------------------------------------------------------- */

static int
h_ok(struct req *r)
{
	return http_ok_raw(r, "{\"ok\":true}");
}

static int
h_fail(struct req *r)
{
	(void)r;
	return -1;
}

static int
h_nocontent(struct req *r)
{
	return http_no_content(r);
}

static int
h_conflict(struct req *r)
{
	return http_fail(r, 409, "CODE", "Conflict msg");
}

static int
h_id(struct req *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", r->id);
	return http_ok(r, o);
}

enum echo_key { ECHO_NAME, ECHO__MAX };
static const struct field echo_fields[ECHO__MAX] = {
	[ECHO_NAME] = { "name", FT_STRING, F_REQUIRED, 1, 20 },
};
static const struct field_table echo_in = FIELD_TABLE(echo_fields);

static int
h_echo(struct req *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", r->in->v[ECHO_NAME].s);
	return http_created(r, o);
}

enum page_key { PAGE_PAGE, PAGE__MAX };
static const struct field page_fields[PAGE__MAX] = {
	[PAGE_PAGE] = { "page", FT_INT, 0, 1, 100 },
};
static const struct field_table page_q = FIELD_TABLE(page_fields);

static int
h_query(struct req *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(
	    o, "page", r->q->v[PAGE_PAGE].present ? (double)r->q->v[PAGE_PAGE].i : -1);
	return http_ok(r, o);
}

/* First of two requests on one arena: leaves every kind of state behind. */
static int
h_dirty(struct req *r)
{
	if (http_header(r, "X-First", "1") == -1)
		return -1;
	return http_ok_raw(r, "{\"dirty\":true}");
}

/* Second request: sees none of it. */
static int
h_clean(struct req *r)
{
	bool clean = r->user == NULL && r->in == NULL && r->q == NULL && r->resp.nheaders == 0 &&
	    r->resp.json == NULL && r->resp.raw == NULL && r->resp.status == 0 &&
	    r->cookie == NULL && r->authorization == NULL && r->user_buf.id[0] == '\0';

	return http_ok_raw(r, clean ? "{\"clean\":true}" : "{\"clean\":false}");
}

/* A PATCH table with echoable read-only fields (valid.h F_ECHO). */
enum thing_key { THING_NAME, THING_ID, THING_CREATED, THING__MAX };
static const struct field thing_fields[THING__MAX] = {
	[THING_NAME] = { "name", FT_STRING, 0, 1, 20 },
	[THING_ID] = FIELD_ECHO("id"),
	[THING_CREATED] = FIELD_ECHO("createdAt"),
};
static const struct field_table thing_in = FIELD_TABLE(thing_fields);

/* The stored thing, as its GET would answer. */
static int
h_thing(struct req *r)
{
	char stored[160];

	snprintf(stored, sizeof(stored),
	    "{\"id\":\"%s\",\"name\":\"old\",\"createdAt\":\"2025-10-24T16:08:09.000Z\"}", r->id);
	if (http_echo_check(r, stored) == -1)
		return 0;
	return h_id(r);
}

static int
h_text(struct req *r)
{
	return http_ok_text(r, "text/plain; version=0.0.4; charset=utf-8", "a 1\n");
}

/* A body with NUL bytes inside (a spreadsheet download). */
static int
h_bytes(struct req *r)
{
	return http_ok_bytes(r, "application/octet-stream", "PK\0\1x\0", 6);
}

static int
h_bad_stored(struct req *r)
{
	if (http_echo_check(r, "[not json") == -1)
		return 0;
	return h_id(r);
}

static const struct route test_routes[] = {
	{ HTTP_GET, "/t/ok", h_ok, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_POST, "/t/echo", h_echo, ROLES_PUBLIC, &echo_in, NULL },
	{ HTTP_POST, "/t/empty", h_ok, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/fail", h_fail, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_DELETE, "/t/nocontent", h_nocontent, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/conflict", h_conflict, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/items/:id", h_id, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/typed/:id(cuid)", h_id, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_PATCH, "/t/things/:id", h_thing, ROLES_PUBLIC, &thing_in, NULL },
	{ HTTP_PATCH, "/t/bad-stored/:id", h_bad_stored, ROLES_PUBLIC, &thing_in, NULL },
	{ HTTP_PATCH, "/t/private", h_ok, ROLES_ADMIN, NULL, NULL },
	{ HTTP_DELETE, "/t/private", h_ok, ROLES_ADMIN, NULL, NULL },
	{ HTTP_GET, "/t/query", h_query, ROLES_PUBLIC, NULL, &page_q },
	{ HTTP_GET, "/t/private", h_ok, ROLES_ANY_USER, NULL, NULL },
	{ HTTP_POST, "/t/private", h_ok, ROLES_ADMIN, NULL, NULL },
	{ HTTP_POST, "/t/dirty", h_dirty, ROLES_PUBLIC, &echo_in, &page_q },
	{ HTTP_GET, "/t/clean", h_clean, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/text", h_text, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/t/bytes", h_bytes, ROLES_PUBLIC, NULL, NULL },
};

static const struct http_app test_app = { "test", test_routes, NELEM(test_routes), NULL };

static struct db *db;
static struct arena *mem;
static struct cfg test_cfg;

static void
setup(void)
{
	log_set_level(LOG_LVL_WARN);
	memset(&test_cfg, 0, sizeof(test_cfg));
	test_cfg.env = CFG_ENV_TEST;
	test_cfg.database_url = "host=/nonexistent connect_timeout=1";
	test_cfg.jwt_secret = KEY;
	test_cfg.jwt_expires_s = 86400;
	test_cfg.app_base_url = "http://localhost";
	test_cfg.session_idle_s = 1800;
	test_cfg.session_max_s = 43200;
	test_cfg.db_statement_timeout_ms = 1000;
	cfg_set(&test_cfg);
	db = db_new(test_cfg.database_url, 1000);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(session_init(db), 0);
	mem = arena_new(HTTP_ARENA_CAP);
	ck_assert_ptr_nonnull(mem);
}

static void
teardown(void)
{
	arena_free(mem);
	db_free(db);
}

/* --- response parsing ------------------------------------------------------ */

struct resp_view {
	int status;
	char head[4096];
	const char *body;
};

/* Splits the output and checks what every response must carry. */
static const char *
parse_resp(const char *out, struct resp_view *v, bool head_request)
{
	static char why[256];
	const char *end = strstr(out, "\r\n\r\n"), *p;
	size_t hl;

	if (end == NULL || strncmp(out, "Status: ", 8) != 0)
		return "no header block";
	hl = (size_t)(end - out) + 2;
	if (hl >= sizeof(v->head))
		return "header block too long";
	memcpy(v->head, out, hl);
	v->head[hl] = '\0';
	v->body = end + 4;
	v->status = atoi(out + 8);
	if (strstr(v->head, "\r\nCache-Control: no-store\r\n") == NULL)
		return "no Cache-Control: no-store";
	if (strstr(v->head, "\r\nX-Content-Type-Options: nosniff\r\n") == NULL)
		return "no X-Content-Type-Options: nosniff";
	/* One X-Frame-Options (DENY) and one HSTS rule. */
	if ((p = strstr(v->head, "\r\nX-Frame-Options: DENY\r\n")) == NULL ||
	    strstr(p + 3, "X-Frame-Options") != NULL)
		return "not exactly one X-Frame-Options: DENY";
	if ((p = strstr(v->head,
		 "\r\nStrict-Transport-Security: max-age=15552000; includeSubDomains\r\n")) ==
		NULL ||
	    strstr(p + 3, "Strict-Transport-Security") != NULL)
		return "not exactly one HSTS header";
	if ((p = strstr(v->head, "\r\nX-Request-Id: ")) == NULL ||
	    strspn(p + 16, "0123456789abcdef") != 16 || p[32] != '\r')
		return "no 16-hex-digit X-Request-Id";
	if (v->status == 204) {
		if (strstr(v->head, "Content-Type:") != NULL || *v->body != '\0')
			return "204 with a body or Content-Type";
		return NULL;
	}
	if (strstr(v->head, "\r\nContent-Type: application/json; charset=utf-8\r\n") == NULL)
		return "no JSON Content-Type";
	if ((p = strstr(v->head, "\r\nContent-Length: ")) == NULL)
		return "no Content-Length";
	if (head_request) {
		if (*v->body != '\0')
			return "HEAD response has a body";
	} else if ((size_t)atol(p + 18) != strlen(v->body)) {
		snprintf(why, sizeof(why), "Content-Length %ld but body of %zu", atol(p + 18),
		    strlen(v->body));
		return why;
	}
	/* Header injection would show up as a bare LF. */
	for (p = v->head; (p = strchr(p, '\n')) != NULL; p++)
		if (p[-1] != '\r')
			return "bare LF in headers";
	return NULL;
}

static char *
valid_token(const char *sid, int64_t exp)
{
	struct jwt_claims c;
	char *tok = malloc(JWT_MAX);

	memset(&c, 0, sizeof(c));
	strcpy(c.sub, "cuser0000000000000000001");
	strcpy(c.role, "ADMIN");
	strcpy(c.email, "a@b.co");
	snprintf(c.sid, sizeof(c.sid), "%s", sid);
	c.iat = time(NULL);
	c.exp = exp;
	ck_assert_int_eq(jwt_sign(tok, JWT_MAX, &c, KEY, strlen(KEY)), 0);
	return tok;
}

struct hrow {
	const char *method, *path, *query, *ctype, *clen, *body, *auth, *cookie;
	int status;
	const char *want; /* exact body, or prefix when it ends in '*' */
};

/* Runs one request, with Sec-Fetch-Site and Origin headers (or NULL); returns why it failed, or NULL. */
static const char *
run_hrow_from(const struct hrow *r, const char *site, const char *origin)
{
	static char why[1024];
	struct mem_io m;
	struct resp_view v;
	const char *bad;
	char clen[32];
	size_t wl;

	memset(&m, 0, sizeof(m));
	why[0] = '\0';
	mem_set(&m, "REQUEST_METHOD", r->method);
	mem_set(&m, "PATH_INFO", r->path);
	mem_set(&m, "QUERY_STRING", r->query);
	mem_set(&m, "CONTENT_TYPE", r->ctype);
	mem_set(&m, "HTTP_AUTHORIZATION", r->auth);
	mem_set(&m, "HTTP_COOKIE", r->cookie);
	mem_set(&m, "HTTP_SEC_FETCH_SITE", site);
	mem_set(&m, "HTTP_ORIGIN", origin);
	mem_set(&m, "REMOTE_ADDR", "192.0.2.1");
	if (r->clen != NULL && strcmp(r->clen, "auto") == 0) {
		snprintf(clen, sizeof(clen), "%zu", strlen(r->body));
		mem_set(&m, "CONTENT_LENGTH", clen);
	} else
		mem_set(&m, "CONTENT_LENGTH", r->clen);
	m.in = r->body != NULL ? r->body : "";
	m.inlen = strlen(m.in);
	{
		struct http_io io = { mem_param, mem_read, mem_write, &m };
		http_handle(&test_app, &io, mem, db);
	}
	arena_reset(mem);
	if (m.out == NULL)
		return "no output";
	if ((bad = parse_resp(m.out, &v, r->method != NULL && strcmp(r->method, "HEAD") == 0)) !=
	    NULL)
		snprintf(why, sizeof(why), "%s", bad);
	else if (v.status != r->status)
		snprintf(
		    why, sizeof(why), "status %d, want %d (body %s)", v.status, r->status, v.body);
	else if (r->want != NULL && (wl = strlen(r->want)) > 0 && r->want[wl - 1] == '*'
		? strncmp(v.body, r->want, wl - 1) != 0
		: r->want != NULL && strcmp(v.body, r->want) != 0)
		snprintf(why, sizeof(why), "body %s, want %s", v.body, r->want);
	free(m.out);
	return why[0] != '\0' ? why : NULL;
}

static const char *
run_hrow(const struct hrow *r)
{
	return run_hrow_from(r, NULL, NULL);
}

#define J         "application/json"
#define NOT_FOUND "{\"message\":\"Not found\"}"
#define ISE       "{\"message\":\"Internal server error\"}"
#define MISSING   "{\"message\":\"Missing authorization header\"}"
#define INVALID   "{\"message\":\"Invalid or expired token\"}"
#define CSRF      "{\"message\":\"Forbidden\",\"code\":\"CSRF\"}"

START_TEST(test_pipeline)
{
	char big[64];
	char *tok_nosid = valid_token("", time(NULL) + 60);
	char *tok_expired = valid_token("s1", time(NULL) - 1);
	char *tok_live = valid_token("s1", time(NULL) + 60);
	char bearer_nosid[JWT_MAX + 8], bearer_expired[JWT_MAX + 8], bearer_live[JWT_MAX + 8],
	    cookie_live[JWT_MAX + 32];
	char long_cap[16 + ROUTE_CAP_MAX], too_long_cap[16 + ROUTE_CAP_MAX + 1];
	snprintf(big, sizeof(big), "%d", HTTP_BODY_MAX + 1);
	ck_assert_int_eq(HTTP_BODY_MAX, 2097152);
	snprintf(long_cap, sizeof(long_cap), "/t/items/%0*d", ROUTE_CAP_MAX, 7);
	snprintf(too_long_cap, sizeof(too_long_cap), "/t/items/%0*d", ROUTE_CAP_MAX + 1, 7);
	snprintf(bearer_nosid, sizeof(bearer_nosid), "Bearer %s", tok_nosid);
	snprintf(bearer_expired, sizeof(bearer_expired), "Bearer %s", tok_expired);
	snprintf(bearer_live, sizeof(bearer_live), "Bearer %s", tok_live);
	snprintf(cookie_live, sizeof(cookie_live), "a=b; izzy_session=%s", tok_live);
	const struct hrow rows[] = {
		/* Routing. */
		{ "GET", "/nope", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "GET", "/", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "BREW", "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "get", "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "PUT", "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "GET", "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 200, "{\"ok\":true}" },
		{ "GET", "/T/OK/", NULL, NULL, NULL, NULL, NULL, NULL, 200, "{\"ok\":true}" },
		{ NULL, "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 200, "{\"ok\":true}" },
		{ "HEAD", "/t/ok", NULL, NULL, NULL, NULL, NULL, NULL, 200, "" },
		{ "HEAD", "/nope", NULL, NULL, NULL, NULL, NULL, NULL, 404, "" },
		/* Body limits, before anything is read. */
		{ "POST", "/t/echo", NULL, J, NULL, NULL, NULL, NULL, 411,
		    "{\"message\":\"Length required\"}" },
		{ "POST", "/t/echo", NULL, J, "", NULL, NULL, NULL, 411,
		    "{\"message\":\"Length required\"}" },
		{ "POST", "/t/echo", NULL, J, "2097153", NULL, NULL, NULL, 413,
		    "{\"message\":\"request entity too large\"}" },
		{ "POST", "/t/echo", NULL, J, big, NULL, NULL, NULL, 413,
		    "{\"message\":\"request entity too large\"}" },
		{ "POST", "/t/echo", NULL, J, "99999999999999999999999", NULL, NULL, NULL, 400,
		    "*" },
		{ "POST", "/t/echo", NULL, J, "abc", NULL, NULL, NULL, 400,
		    "{\"message\":\"Invalid Content-Length\"}" },
		{ "POST", "/t/echo", NULL, J, "-1", NULL, NULL, NULL, 400,
		    "{\"message\":\"Invalid Content-Length\"}" },
		{ "POST", "/t/echo", NULL, J, "12x", NULL, NULL, NULL, 400,
		    "{\"message\":\"Invalid Content-Length\"}" },
		{ "POST", "/t/echo", NULL, "text/plain", "auto", "{\"name\":\"a\"}", NULL, NULL,
		    415, "{\"message\":\"Content-Type must be application/json\"}" },
		{ "POST", "/t/echo", NULL, NULL, "auto", "{\"name\":\"a\"}", NULL, NULL, 415, "*" },
		{ "POST", "/t/echo", NULL, "application/jsonp", "auto", "{\"name\":\"a\"}", NULL,
		    NULL, 415, "*" },
		{ "POST", "/t/echo", NULL, "application/x-www-form-urlencoded", "auto", "name=a",
		    NULL, NULL, 415, "*" },
		{ "POST", "/t/echo", NULL, "application/json; charset=utf-8", "auto",
		    "{\"name\":\"a\"}", NULL, NULL, 201, "{\"name\":\"a\"}" },
		{ "POST", "/t/echo", NULL, "Application/JSON", "auto", "{\"name\":\"a\"}", NULL,
		    NULL, 201, "*" },
		{ "POST", "/t/echo", NULL, J, "50", "{\"name\":\"a\"}", NULL, NULL, 400,
		    "{\"message\":\"Request body shorter than Content-Length\"}" },
		/* Parsing. */
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":", NULL, NULL, 400,
		    "{\"message\":\"Unexpected token*" },
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"a\"} x", NULL, NULL, 400,
		    "{\"message\":\"Unexpected token*" },
		{ "POST", "/t/echo", NULL, J, "auto", "\"str\"", NULL, NULL, 400,
		    "{\"message\":\"Unexpected token in JSON at position 0\"}" },
		{ "POST", "/t/echo", NULL, J, "auto", "42", NULL, NULL, 400,
		    "{\"message\":\"Unexpected token*" },
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"\xff\"}", NULL, NULL, 400,
		    "{\"message\":\"Request body is not valid UTF-8 text\"}" },
		/* cJSON would end the string at an escaped NUL: refused whole. */
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"a\\u0000b\"}", NULL, NULL, 400,
		    "{\"message\":\"Request body is not valid UTF-8 text\"}" },
		/* An escaped backslash before u0000 is just text. */
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"a\\\\u0000b\"}", NULL, NULL, 201,
		    "*" },
		/* Validation. */
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"Jan\",\"x\":1}", NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"unrecognized_keys\",\"path\":[],"
		    "\"message\":\"Unrecognized key(s) in object: 'x'\",\"keys\":[\"x\"]}]}" },
		{ "POST", "/t/echo", NULL, J, "auto", "{}", NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"invalid_type\",\"path\":[\"name\"],"
		    "\"message\":\"Required\",\"expected\":\"string\",\"received\":\"undefined\"}]"
		    "}" },
		{ "POST", "/t/echo", NULL, J, "0", NULL, NULL, NULL, 400,
		    "{\"message\":\"Validation failed\"*" },
		{ "POST", "/t/echo", NULL, J, "auto", "[]", NULL, NULL, 400,
		    "{\"message\":\"Validation failed\"*" },
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"Jan\"}", NULL, NULL, 201,
		    "{\"name\":\"Jan\"}" },
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"Zażółć\"}", NULL, NULL, 201,
		    "{\"name\":\"Zażółć\"}" },
		/* A route without a body table takes nothing or {}. */
		{ "POST", "/t/empty", NULL, J, "0", NULL, NULL, NULL, 200, "{\"ok\":true}" },
		{ "POST", "/t/empty", NULL, J, "auto", "{}", NULL, NULL, 200, "{\"ok\":true}" },
		{ "POST", "/t/empty", NULL, J, "auto", "{\"a\":1}", NULL, NULL, 400,
		    "{\"message\":\"Validation failed\"*" },
		{ "GET", "/t/ok", NULL, J, "auto", "{}", NULL, NULL, 200, "{\"ok\":true}" },
		/* Path captures: any sane text reaches the handler (its 404 for unknown ids). */
		{ "GET", "/t/items/ckabcdefgh", NULL, NULL, NULL, NULL, NULL, NULL, 200,
		    "{\"id\":\"ckabcdefgh\"}" },
		{ "GET", "/t/items/doesnotexist", NULL, NULL, NULL, NULL, NULL, NULL, 200,
		    "{\"id\":\"doesnotexist\"}" },
		{ "GET", "/t/items/Zażółć", NULL, NULL, NULL, NULL, NULL, NULL, 200,
		    "{\"id\":\"Zażółć\"}" },
		{ "GET", long_cap, NULL, NULL, NULL, NULL, NULL, NULL, 200, "{\"id\":\"*" },
		/* Junk never reaches a handler: control bytes, bad UTF-8, over-long. */
		{ "GET", "/t/items/a\tb", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "GET", "/t/items/a\x7f", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "GET", "/t/items/\xff", NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		{ "GET", too_long_cap, NULL, NULL, NULL, NULL, NULL, NULL, 404, NOT_FOUND },
		/* A ":name(cuid)" capture is validated: 400 Invalid cuid. */
		{ "GET", "/t/typed/ckabcdefgh", NULL, NULL, NULL, NULL, NULL, NULL, 200,
		    "{\"id\":\"ckabcdefgh\"}" },
		{ "GET", "/t/typed/bad-id", NULL, NULL, NULL, NULL, NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"id\"],"
		    "\"message\":\"Invalid cuid\"}]}" },
		/* Echoed read-only fields: equal ones are ignored, a different one is 400. */
		{ "PATCH", "/t/things/x-1", NULL, J, "auto",
		    "{\"id\":\"x-1\",\"name\":\"new\",\"createdAt\":\"2025-10-24T16:08:09.000Z\"}",
		    NULL, NULL, 200, "{\"id\":\"x-1\"}" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"name\":\"new\"}", NULL, NULL, 200,
		    "{\"id\":\"x-1\"}" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"id\":\"x-2\",\"name\":\"new\"}",
		    NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"id\"],"
		    "\"message\":\"Read-only field cannot be changed\"}]}" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"id\":1}", NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"id\"]*" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"id\":null}", NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"id\"]*" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto",
		    "{\"id\":\"x-1\",\"createdAt\":\"2025-10-24T16:08:10.000Z\"}", NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"createdAt\"],"
		    "\"message\":\"Read-only field cannot be changed\"}]}" },
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"createdAt\":null}", NULL, NULL,
		    400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"custom\",\"path\":[\"createdAt\"]*" },
		/* Other keys stay unknown (L9), echoed or not. */
		{ "PATCH", "/t/things/x-1", NULL, J, "auto", "{\"id\":\"x-1\",\"updatedAt\":\"x\"}",
		    NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"unrecognized_keys\"*" },
		/* The echo rule is not a POST's: its table has no echo fields. */
		{ "POST", "/t/echo", NULL, J, "auto", "{\"name\":\"a\",\"id\":\"x\"}", NULL, NULL,
		    400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"unrecognized_keys\"*" },
		/* A stored value the handler cannot read is its bug: 500. */
		{ "PATCH", "/t/bad-stored/x-1", NULL, J, "auto", "{\"id\":\"x-1\"}", NULL, NULL,
		    500, ISE },
		{ "PATCH", "/t/bad-stored/x-1", NULL, J, "auto", "{\"name\":\"a\"}", NULL, NULL,
		    200, "*" },
		/* Query strings. */
		{ "GET", "/t/query", "page=3", NULL, NULL, NULL, NULL, NULL, 200, "{\"page\":3}" },
		{ "GET", "/t/query", NULL, NULL, NULL, NULL, NULL, NULL, 200, "{\"page\":-1}" },
		{ "GET", "/t/query", "page=abc", NULL, NULL, NULL, NULL, NULL, 400,
		    "{\"message\":\"Validation "
		    "failed\",\"issues\":[{\"code\":\"invalid_type\",\"path\":[\"page\"],"
		    "\"message\":\"Expected number, received "
		    "nan\",\"expected\":\"number\",\"received\":\"nan\"}]}" },
		{ "GET", "/t/query", "page=0", NULL, NULL, NULL, NULL, NULL, 400,
		    "{\"message\":\"Validation failed\"*" },
		{ "GET", "/t/query", "page=%zz", NULL, NULL, NULL, NULL, NULL, 400,
		    "{\"message\":\"Validation failed\"*" },
		/* Handler outcomes. */
		{ "GET", "/t/fail", NULL, NULL, NULL, NULL, NULL, NULL, 500, ISE },
		{ "DELETE", "/t/nocontent", NULL, NULL, NULL, NULL, NULL, NULL, 204, "" },
		{ "GET", "/t/conflict", NULL, NULL, NULL, NULL, NULL, NULL, 409,
		    "{\"message\":\"Conflict msg\",\"code\":\"CODE\"}" },
		/* Credentials: every refusal before any database access. */
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, NULL, NULL, 401, MISSING },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Basic x", NULL, 401, MISSING },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Bearer", NULL, 401, MISSING },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Bearer ", NULL, 401, MISSING },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "bearer x.y.z", NULL, 401, MISSING },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Bearer garbage", NULL, 401,
		    INVALID },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Bearer a.b.c", NULL, 401, INVALID },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, bearer_nosid, NULL, 401, INVALID },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, bearer_expired, NULL, 401, INVALID },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, NULL, "izzy_session=garbage", 401,
		    INVALID },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, NULL, "other=1", 401, MISSING },
		/* A bad header wins over a good cookie (spec §2.3). */
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, "Basic x", cookie_live, 401,
		    MISSING },
		/* The body limits come before authentication. */
		{ "POST", "/t/private", NULL, J, big, NULL, NULL, NULL, 413,
		    "{\"message\":\"request entity too large\"}" },
		{ "POST", "/t/private", NULL, "text/plain", "auto", "{}", NULL, NULL, 415, "*" },
		{ "POST", "/t/private", NULL, J, "2097152", NULL, NULL, NULL, 401, MISSING },
		{ "POST", "/t/private", NULL, J, "-5", NULL, NULL, NULL, 400, "*" },
		/* Public routes take no cookie-based decision. */
		{ "POST", "/t/empty", NULL, NULL, NULL, NULL, NULL, cookie_live, 200, "*" },
		/* A well-signed token reaches the session lookup: no database, so 503. */
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, bearer_live, NULL, 503,
		    "{\"message\":\"Service unavailable\"}" },
		{ "GET", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 503, "*" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *why = run_hrow(&rows[i]);
		ck_assert_msg(why == NULL, "row %zu (%s %s): %s", i,
		    rows[i].method ? rows[i].method : "-", rows[i].path, why);
	}
	free(tok_nosid);
	free(tok_expired);
	free(tok_live);
}
END_TEST

/* CSRF (http.h): a cookie-authenticated change needs JSON, same-origin or our Origin. */
START_TEST(test_csrf)
{
	char *tok_live = valid_token("s1", time(NULL) + 60);
	char bearer_live[JWT_MAX + 8], cookie_live[JWT_MAX + 32];
	snprintf(bearer_live, sizeof(bearer_live), "Bearer %s", tok_live);
	snprintf(cookie_live, sizeof(cookie_live), "a=b; izzy_session=%s", tok_live);
	const struct {
		struct hrow h;
		const char *site, *origin;
	} rows[] = {
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, "application/x-www-form-urlencoded", "0", NULL,
		      NULL, cookie_live, 403, CSRF },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, "text/plain", NULL, NULL, NULL, cookie_live, 403,
		      CSRF },
		    NULL, NULL },
		{ { "PATCH", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, NULL },
		{ { "DELETE", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    "cross-site", NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    "same-site", NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, "http://evil.example" },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, "http://localhost.evil" },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, "http://localhost:8080" },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 403, CSRF },
		    NULL, "null" },
		/* Allowed ones reach the session lookup (no database: 503). */
		{ { "POST", "/t/private", NULL, J, NULL, NULL, NULL, cookie_live, 503, "*" }, NULL,
		    NULL },
		{ { "POST", "/t/private", NULL, "application/json; charset=utf-8", "0", NULL, NULL,
		      cookie_live, 503, "*" },
		    NULL, NULL },
		{ { "DELETE", "/t/private", NULL, J, NULL, NULL, NULL, cookie_live, 503, "*" },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 503, "*" },
		    "same-origin", NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 503, "*" },
		    NULL, "http://localhost" },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, cookie_live, 503, "*" },
		    NULL, "HTTP://LOCALHOST" },
		/* Reads, Bearer requests and requests without the cookie are not affected. */
		{ { "GET", "/t/private", NULL, "text/plain", NULL, NULL, NULL, cookie_live, 503,
		      "*" },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, bearer_live, NULL, 503, "*" },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, bearer_live, cookie_live, 503,
		      "*" },
		    NULL, NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, NULL, 401, MISSING }, NULL,
		    NULL },
		{ { "POST", "/t/private", NULL, NULL, NULL, NULL, NULL, "izzy_session=", 401,
		      MISSING },
		    NULL, NULL },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *why = run_hrow_from(&rows[i].h, rows[i].site, rows[i].origin);
		ck_assert_msg(
		    why == NULL, "row %zu (%s %s): %s", i, rows[i].h.method, rows[i].h.path, why);
	}
	free(tok_live);
}
END_TEST

/* Binary bodies: a NUL byte is refused like invalid UTF-8. */
START_TEST(test_nul_body)
{
	static const char body[] = "{\"name\":\"a\0b\"}";
	struct mem_io m;
	struct resp_view v;
	struct http_io io = { mem_param, mem_read, mem_write, &m };
	char clen[16];

	memset(&m, 0, sizeof(m));
	snprintf(clen, sizeof(clen), "%zu", sizeof(body) - 1);
	mem_set(&m, "REQUEST_METHOD", "POST");
	mem_set(&m, "PATH_INFO", "/t/echo");
	mem_set(&m, "CONTENT_TYPE", J);
	mem_set(&m, "CONTENT_LENGTH", clen);
	m.in = body;
	m.inlen = sizeof(body) - 1;
	http_handle(&test_app, &io, mem, db);
	arena_reset(mem);
	ck_assert_ptr_null(parse_resp(m.out, &v, false));
	ck_assert_int_eq(v.status, 400);
	ck_assert_str_eq(v.body, "{\"message\":\"Request body is not valid UTF-8 text\"}");
	free(m.out);
}
END_TEST

/* Without PATH_INFO the path comes from DOCUMENT_URI, then REQUEST_URI minus its query. */
START_TEST(test_path_sources)
{
	static const struct {
		const char *name, *value;
		int status;
	} rows[] = {
		{ "REQUEST_URI", "/t/ok?x=1", 200 },
		{ "REQUEST_URI", "/t/ok", 200 },
		{ "DOCUMENT_URI", "/t/ok", 200 },
		{ "REQUEST_URI", "/nope?/t/ok", 404 },
		{ "OTHER", "/t/ok", 404 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct mem_io m;
		struct resp_view v;
		struct http_io io = { mem_param, mem_read, mem_write, &m };

		memset(&m, 0, sizeof(m));
		mem_set(&m, "REQUEST_METHOD", "GET");
		mem_set(&m, rows[i].name, rows[i].value);
		http_handle(&test_app, &io, mem, db);
		arena_reset(mem);
		ck_assert_ptr_null(parse_resp(m.out, &v, false));
		ck_assert_msg(
		    v.status == rows[i].status, "%s=%s: %d", rows[i].name, rows[i].value, v.status);
		free(m.out);
	}
}
END_TEST

/* Two requests through one arena, as in the FastCGI loop: nothing carries over. */
START_TEST(test_no_state_leak)
{
	struct mem_io m1, m2;
	struct resp_view v1, v2;
	struct http_io io1 = { mem_param, mem_read, mem_write, &m1 };
	struct http_io io2 = { mem_param, mem_read, mem_write, &m2 };
	static const char body[] = "{\"name\":\"first\"}";
	char clen[16], rid1[17];

	memset(&m1, 0, sizeof(m1));
	snprintf(clen, sizeof(clen), "%zu", sizeof(body) - 1);
	mem_set(&m1, "REQUEST_METHOD", "POST");
	mem_set(&m1, "PATH_INFO", "/t/dirty");
	mem_set(&m1, "QUERY_STRING", "page=2");
	mem_set(&m1, "CONTENT_TYPE", J);
	mem_set(&m1, "CONTENT_LENGTH", clen);
	mem_set(&m1, "HTTP_COOKIE", "izzy_session=x");
	mem_set(&m1, "HTTP_AUTHORIZATION", "Basic x");
	m1.in = body;
	m1.inlen = sizeof(body) - 1;
	http_handle(&test_app, &io1, mem, db);
	arena_reset(mem);
	ck_assert_ptr_null(parse_resp(m1.out, &v1, false));
	ck_assert_int_eq(v1.status, 200);
	ck_assert_ptr_nonnull(strstr(v1.head, "\r\nX-First: 1\r\n"));
	memcpy(rid1, strstr(v1.head, "X-Request-Id: ") + 14, 16);
	rid1[16] = '\0';

	memset(&m2, 0, sizeof(m2));
	mem_set(&m2, "REQUEST_METHOD", "GET");
	mem_set(&m2, "PATH_INFO", "/t/clean");
	http_handle(&test_app, &io2, mem, db);
	arena_reset(mem);
	ck_assert_ptr_null(parse_resp(m2.out, &v2, false));
	ck_assert_int_eq(v2.status, 200);
	ck_assert_str_eq(v2.body, "{\"clean\":true}");
	ck_assert_ptr_null(strstr(v2.head, "X-First"));
	/* Each request gets its own id. */
	ck_assert_ptr_null(strstr(v2.head, rid1));
	free(m1.out);
	free(m2.out);
}
END_TEST

/* --- helpers on a hand-made request ---------------------------------------- */

START_TEST(test_header)
{
	static const struct {
		const char *name, *value;
		int rc;
	} rows[] = {
		{ "X-A", "b", 0 },
		{ "Set-Cookie", "a=b; Path=/; HttpOnly", 0 },
		{ "X-A", "", 0 },
		{ "X-A", "a\r\nSet-Cookie: evil=1", -1 },
		{ "X-A", "a\rb", -1 },
		{ "X-A", "a\nb", -1 },
		{ "X-A", "\n", -1 },
	};
	struct req r;

	for (size_t i = 0; i < NELEM(rows); i++) {
		memset(&r, 0, sizeof(r));
		r.mem = mem;
		ck_assert_msg(
		    http_header(&r, rows[i].name, rows[i].value) == rows[i].rc, "row %zu", i);
		if (rows[i].rc == 0) {
			char want[128];
			snprintf(want, sizeof(want), "%s: %s", rows[i].name, rows[i].value);
			ck_assert_uint_eq(r.resp.nheaders, 1);
			ck_assert_str_eq(r.resp.headers[0], want);
		} else
			ck_assert_uint_eq(r.resp.nheaders, 0);
		arena_reset(mem);
	}
	/* At most HTTP_MAX_HEADERS. */
	memset(&r, 0, sizeof(r));
	r.mem = mem;
	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		ck_assert_int_eq(http_header(&r, "X-N", "v"), 0);
	ck_assert_int_eq(http_header(&r, "X-N", "v"), -1);
	ck_assert_uint_eq(r.resp.nheaders, HTTP_MAX_HEADERS);
	arena_reset(mem);
}
END_TEST

START_TEST(test_cookie)
{
	static const struct {
		const char *cookie, *name, *want;
	} rows[] = {
		{ "a=1; b=2", "a", "1" },
		{ "a=1; b=2", "b", "2" },
		{ "a=1;b=2", "b", "2" },
		{ "ab=1; b=2", "b", "2" },
		{ "ab=1", "a", NULL },
		{ "a=1", "ab", NULL },
		{ "b=2; a=", "a", "" },
		{ "a=x=y", "a", "x=y" },
		{ "  ;; a=1", "a", "1" },
		{ "a", "a", NULL },
		{ "", "a", NULL },
		{ NULL, "a", NULL },
		{ "izzy_session=tok.en.sig; theme=dark", "izzy_session", "tok.en.sig" },
		{ "xizzy_session=evil; izzy_session=good", "izzy_session", "good" },
		{ "izzy_session=first; izzy_session=second", "izzy_session", "first" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct req r;
		const char *got;

		memset(&r, 0, sizeof(r));
		r.mem = mem;
		r.cookie = rows[i].cookie;
		got = http_cookie(&r, rows[i].name);
		if (rows[i].want == NULL)
			ck_assert_msg(got == NULL, "row %zu: got \"%s\"", i, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, rows[i].want) == 0,
			    "row %zu: got \"%s\"", i, got != NULL ? got : "NULL");
		arena_reset(mem);
	}
}
END_TEST

/* The response builders: the reference's envelope, status and ownership. */
START_TEST(test_builders)
{
	struct req r;
	char *s;

	memset(&r, 0, sizeof(r));
	r.mem = mem;
	ck_assert_int_eq(http_fail(&r, 404, NULL, "Lead not found"), 0);
	ck_assert_int_eq(r.resp.status, 404);
	s = cJSON_PrintUnformatted(r.resp.json);
	ck_assert_str_eq(s, "{\"message\":\"Lead not found\"}");
	free(s);
	/* A second response replaces the first (and frees it). */
	ck_assert_int_eq(http_fail(&r, 409, "CLIENT_ACTIVE", "Klient nadal edytuje formularz"), 0);
	s = cJSON_PrintUnformatted(r.resp.json);
	ck_assert_str_eq(
	    s, "{\"message\":\"Klient nadal edytuje formularz\",\"code\":\"CLIENT_ACTIVE\"}");
	free(s);
	ck_assert_int_eq(http_ok_raw(&r, "[1]"), 0);
	ck_assert_int_eq(r.resp.status, 200);
	ck_assert_ptr_null(r.resp.json);
	ck_assert_str_eq(r.resp.raw, "[1]");
	ck_assert_int_eq(http_created_raw(&r, "{}"), 0);
	ck_assert_int_eq(r.resp.status, 201);
	ck_assert_int_eq(http_ok_raw(&r, NULL), 0);
	ck_assert_int_eq(r.resp.status, 500);
	ck_assert_int_eq(http_ok(&r, NULL), 0);
	ck_assert_int_eq(r.resp.status, 500);
	ck_assert_str_eq(r.resp.raw, ISE);
	ck_assert_int_eq(http_no_content(&r), 0);
	ck_assert_int_eq(r.resp.status, 204);
	ck_assert_int_eq(http_fail_issues(&r, cJSON_CreateArray()), 0);
	ck_assert_int_eq(r.resp.status, 400);
	s = cJSON_PrintUnformatted(r.resp.json);
	ck_assert_str_eq(s, "{\"message\":\"Validation failed\",\"issues\":[]}");
	free(s);
	cJSON_Delete(r.resp.json);
}
END_TEST

START_TEST(test_rid_ok)
{
	static const struct {
		const char *rid;
		bool ok;
	} rows[] = {
		{ "0123456789abcdef0123456789abcdef", true }, /* nginx's $request_id */
		{ "01234567", true },
		{ "550e8400-e29b-41d4-a716-446655440000", true },
		{ "ABCdef_-12", true },
		{ "0123456", false }, /* too short */
		{ "0123456789012345678901234567890123456789012345678901234567890123", true },
		{ "01234567890123456789012345678901234567890123456789012345678901234", false },
		{ "", false },
		{ "abcdefgh\r\nX-Evil: 1", false },
		{ "abcdefgh ", false },
		{ "abc\"defgh", false },
		{ "abcdefgh/..", false },
		{ "za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87", false },
	};

	ck_assert(!http_rid_ok(NULL));
	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(http_rid_ok(rows[i].rid) == rows[i].ok, "%s", rows[i].rid);
}
END_TEST

/* Runs GET path with IZZY_REQUEST_ID=rid (or none); returns the output (caller frees). */
static char *
run_rid(const char *path, const char *query, const char *rid)
{
	struct mem_io m;
	struct http_io io = { mem_param, mem_read, mem_write, &m };

	memset(&m, 0, sizeof(m));
	mem_set(&m, "REQUEST_METHOD", "GET");
	mem_set(&m, "PATH_INFO", path);
	mem_set(&m, "QUERY_STRING", query);
	mem_set(&m, "IZZY_REQUEST_ID", rid);
	http_handle(&test_app, &io, mem, db);
	arena_reset(mem);
	ck_assert_ptr_nonnull(m.out);
	return m.out;
}

START_TEST(test_rid_from_nginx)
{
	static const char *const bad[] = { "short", "abcdefgh\r\nSet-Cookie: x=1",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0" };
	struct resp_view v;
	char *out = run_rid("/t/ok", "", "0123456789abcdef0123456789abcdef");

	ck_assert_msg(strstr(out, "\r\nX-Request-Id: 0123456789abcdef0123456789abcdef\r\n") != NULL,
	    "%s", out);
	free(out);
	/* Malformed or absent: a fresh 16-hex-digit id, as parse_resp insists. */
	for (size_t i = 0; i < NELEM(bad); i++) {
		const char *why;
		out = run_rid("/t/ok", "", bad[i]);
		ck_assert_msg((why = parse_resp(out, &v, false)) == NULL, "%s: %s", bad[i], why);
		ck_assert_ptr_null(strstr(out, "Set-Cookie"));
		free(out);
	}
	out = run_rid("/t/ok", "", NULL);
	ck_assert_ptr_null(parse_resp(out, &v, false));
	free(out);
}
END_TEST

/* Captured stderr, as in check_log. */
static const char *
run_captured(const char *path, const char *query, const char *rid)
{
	static char buf[8192];
	FILE *cap = tmpfile();
	int saved;
	size_t n;
	char *out;

	ck_assert_ptr_nonnull(cap);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fileno(cap), 2), 2);
	out = run_rid(path, query, rid);
	fflush(stderr);
	ck_assert_int_eq(dup2(saved, 2), 2);
	close(saved);
	free(out);
	rewind(cap);
	n = fread(buf, 1, sizeof(buf) - 1, cap);
	buf[n] = '\0';
	fclose(cap);
	return buf;
}

START_TEST(test_request_log)
{
	const char *log;
	cJSON *j;

	log_set_level(LOG_LVL_INFO);
	log_set_format(LOG_FMT_JSON);
	log = run_captured("/t/items/cabc123", "token=SECRET-TOKEN&email=a@b.co",
	    "feedfacefeedfacefeedfacefeedface");
	log_set_format(LOG_FMT_TEXT);
	log_set_level(LOG_LVL_WARN);
	/* One line, one JSON object: the route pattern, never the path, the query or personal data. */
	ck_assert_msg(strchr(log, '\n') == log + strlen(log) - 1, "%s", log);
	ck_assert_ptr_null(strstr(log, "SECRET"));
	ck_assert_ptr_null(strstr(log, "a@b.co"));
	ck_assert_ptr_null(strstr(log, "cabc123"));
	ck_assert_ptr_nonnull(j = cJSON_Parse(log));
	ck_assert_str_eq(
	    cJSON_GetObjectItem(j, "rid")->valuestring, "feedfacefeedfacefeedfacefeedface");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "method")->valuestring, "GET");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "route")->valuestring, "/t/items/:id");
	ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 200);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "latency_ms")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "user")));
	ck_assert_str_eq(cJSON_GetObjectItem(j, "module")->valuestring, "http");
	cJSON_Delete(j);

	/* The text format is the one it always was. */
	log_set_level(LOG_LVL_INFO);
	log = run_captured("/t/nowhere", "", "feedfacefeedfacefeedfacefeedface");
	log_set_level(LOG_LVL_WARN);
	ck_assert_msg(
	    strncmp(log, "INFO http feedfacefeedfacefeedfacefeedface: GET - 404 ", 54) == 0 &&
		strspn(log + 54, "0123456789") > 0 &&
		strcmp(log + 54 + strspn(log + 54, "0123456789"), "ms user=-\n") == 0,
	    "%s", log);
}
END_TEST

START_TEST(test_text_body)
{
	struct mem_io m;
	struct http_io io = { mem_param, mem_read, mem_write, &m };

	memset(&m, 0, sizeof(m));
	mem_set(&m, "REQUEST_METHOD", "GET");
	mem_set(&m, "PATH_INFO", "/t/text");
	http_handle(&test_app, &io, mem, db);
	arena_reset(mem);
	ck_assert_ptr_nonnull(
	    strstr(m.out, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	ck_assert_ptr_null(strstr(m.out, "application/json"));
	ck_assert_ptr_nonnull(strstr(m.out, "\r\nContent-Length: 4\r\n"));
	ck_assert_str_eq(strstr(m.out, "\r\n\r\n") + 4, "a 1\n");
	free(m.out);
}
END_TEST

START_TEST(test_bytes_body)
{
	struct mem_io m;
	struct http_io io = { mem_param, mem_read, mem_write, &m };
	const char *end;

	memset(&m, 0, sizeof(m));
	mem_set(&m, "REQUEST_METHOD", "GET");
	mem_set(&m, "PATH_INFO", "/t/bytes");
	http_handle(&test_app, &io, mem, db);
	arena_reset(mem);
	ck_assert_ptr_nonnull(strstr(m.out, "\r\nContent-Type: application/octet-stream\r\n"));
	ck_assert_ptr_nonnull(strstr(m.out, "\r\nContent-Length: 6\r\n"));
	ck_assert_ptr_nonnull(end = strstr(m.out, "\r\n\r\n"));
	/* All six bytes, the NULs included, and nothing after them. */
	ck_assert_uint_eq(m.outlen - (size_t)(end + 4 - m.out), 6);
	ck_assert_int_eq(memcmp(end + 4, "PK\0\1x\0", 6), 0);
	free(m.out);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pipeline);
	tcase_add_test(tc, test_bytes_body);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_nul_body);
	tcase_add_test(tc, test_path_sources);
	tcase_add_test(tc, test_no_state_leak);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_cookie);
	tcase_add_test(tc, test_builders);
	tcase_add_test(tc, test_rid_ok);
	tcase_add_test(tc, test_rid_from_nginx);
	tcase_add_test(tc, test_request_log);
	tcase_add_test(tc, test_text_body);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
