#include "config.h"
#include "http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <fcgiapp.h>

#include "arena.h"
#include "cfg.h"
#include "crypto.h"
#include "db.h"
#include "id.h"
#include "log.h"
#include "metrics.h"
#include "role.h"
#include "valid.h"

#include "http_metrics.sql.h"

static const struct {
	int code;
	const char *text;
} status_texts[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 302, "Found" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 413, "Payload Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

/* spec/api.md §2.1 (helmet defaults) tightened per SR-25. */
static const char security_headers[] =
    "Cache-Control: no-store\r\n"
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n"
    "Origin-Agent-Cluster: ?1\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Strict-Transport-Security: max-age=15552000; includeSubDomains\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-DNS-Prefetch-Control: off\r\n"
    "X-Download-Options: noopen\r\n"
    "X-Frame-Options: DENY\r\n"
    "X-Permitted-Cross-Domain-Policies: none\r\n"
    "X-XSS-Protection: 0\r\n";

static const char *
status_text(int code)
{
	for (size_t i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++)
		if (status_texts[i].code == code)
			return status_texts[i].text;
	return "Unknown";
}

static int
set_json(struct req *r, int status, cJSON *body)
{
	if (r->resp.json != NULL)
		cJSON_Delete(r->resp.json);
	r->resp.status = status;
	r->resp.json = body;
	r->resp.raw = NULL;
	r->resp.raw_len = 0;
	r->resp.content_type = NULL;
	if (body == NULL && status != 204) {
		/* Out of memory building the body: still answer in the envelope. */
		r->resp.status = 500;
		r->resp.raw = "{\"message\":\"Internal server error\"}";
	}
	return 0;
}

int
http_ok(struct req *r, cJSON *body)
{
	return set_json(r, 200, body);
}

int
http_created(struct req *r, cJSON *body)
{
	return set_json(r, 201, body);
}

int
http_ok_raw(struct req *r, const char *json)
{
	set_json(r, 200, NULL);
	r->resp.status = json != NULL ? 200 : 500;
	r->resp.raw = json != NULL ? json : "{\"message\":\"Internal server error\"}";
	return 0;
}

int
http_ok_text(struct req *r, const char *content_type, const char *text)
{
	http_ok_raw(r, text);
	if (text != NULL && strpbrk(content_type, "\r\n") == NULL)
		r->resp.content_type = content_type;
	return 0;
}

int
http_ok_bytes(struct req *r, const char *content_type, const char *body, size_t len)
{
	http_ok_text(r, content_type, body);
	if (body != NULL)
		r->resp.raw_len = len;
	return 0;
}

int
http_created_raw(struct req *r, const char *json)
{
	http_ok_raw(r, json);
	if (json != NULL)
		r->resp.status = 201;
	return 0;
}

int
http_no_content(struct req *r)
{
	return set_json(r, 204, NULL);
}

int
http_fail(struct req *r, int status, const char *code, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (o != NULL &&
	    (cJSON_AddStringToObject(o, "message", message) == NULL ||
		(code != NULL && cJSON_AddStringToObject(o, "code", code) == NULL))) {
		cJSON_Delete(o);
		o = NULL;
	}
	return set_json(r, status, o);
}

int
http_fail_issues(struct req *r, cJSON *issues)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddStringToObject(o, "message", "Validation failed") == NULL ||
	    !cJSON_AddItemToObject(o, "issues", issues)) {
		cJSON_Delete(o);
		cJSON_Delete(issues);
		o = NULL;
	}
	return set_json(r, 400, o);
}

int
http_fail_field(struct req *r, const char *field, const char *message)
{
	const char *const path[] = { field };
	cJSON *issues = cJSON_CreateArray();

	if (issues == NULL || valid_issue_custom(issues, path, 1, message) == -1) {
		cJSON_Delete(issues);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_fail_issues(r, issues);
}

int
http_fail_db(struct req *r)
{
	int st = db_http_status(db_sqlstate(r->db));

	switch (st) {
	case 409:
		return http_fail(r, 409, NULL, "Conflict");
	case 400:
		return http_fail(r, 400, NULL, "Bad request");
	case 503:
		return http_fail(r, 503, NULL, "Service unavailable");
	default:
		return http_fail(r, 500, NULL, "Internal server error");
	}
}

int
http_header(struct req *r, const char *name, const char *value)
{
	const char *line;

	/* Header injection: names and values never carry CR or LF. */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n:") != NULL ||
	    r->resp.nheaders == HTTP_MAX_HEADERS)
		return -1;
	if ((line = arena_printf(r->mem, "%s: %s", name, value)) == NULL)
		return -1;
	r->resp.headers[r->resp.nheaders++] = line;
	return 0;
}

int
http_echo_check(struct req *r, const char *stored_json)
{
	cJSON *issues;

	if (r->route == NULL || r->route->body == NULL || r->in == NULL)
		return 0;
	if ((issues = cJSON_CreateArray()) == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	if (valid_echo_check(r->route->body, r->in, stored_json, issues) == 0) {
		cJSON_Delete(issues);
		return 0;
	}
	if (cJSON_GetArraySize(issues) == 0) {
		cJSON_Delete(issues);
		log_error("http", "echo check on %s: out of memory or bad stored JSON",
		    r->route->pattern);
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	http_fail_issues(r, issues);
	return -1;
}

const char *
http_cookie(struct req *r, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = r->cookie;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return arena_strndup(r->mem, p + nlen + 1, len - nlen - 1);
		p += len;
	}
	return NULL;
}

/* Writes status line, headers and body; the only place that does. */
static void
http_emit(struct req *r, struct http_io *io)
{
	char *json = NULL;
	const char *body = NULL;
	char head[512];
	size_t blen = 0;
	int n;

	if (r->resp.status == 0) {
		log_error("http", "BUG: handler returned without a response");
		http_fail(r, 500, NULL, "Internal server error");
	}
	if (r->resp.status != 204) {
		if (r->resp.json != NULL) {
			if ((json = cJSON_PrintUnformatted(r->resp.json)) == NULL) {
				log_error("http", "cannot serialise response: out of memory");
				r->resp.status = 500;
				body = "{\"message\":\"Internal server error\"}";
			} else
				body = json;
		} else
			body = r->resp.raw;
		if (body == NULL)
			body = "{}";
		blen = body == r->resp.raw && r->resp.raw_len > 0 ? r->resp.raw_len : strlen(body);
	}
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n%sX-Request-Id: %s\r\n", r->resp.status,
	    status_text(r->resp.status), "", r->rid);
	if (io->write(io->ctx, head, (size_t)n) == -1 ||
	    io->write(io->ctx, security_headers, sizeof(security_headers) - 1) == -1)
		goto out;
	for (size_t i = 0; i < r->resp.nheaders; i++)
		if (io->write(io->ctx, r->resp.headers[i], strlen(r->resp.headers[i])) == -1 ||
		    io->write(io->ctx, "\r\n", 2) == -1)
			goto out;
	if (r->resp.status != 204) {
		/* A handler's own Content-Type header (a download handed to nginx) replaces ours. */
		const char *type = r->resp.content_type != NULL ? r->resp.content_type
								: "application/json; charset=utf-8";
		for (size_t i = 0; i < r->resp.nheaders; i++)
			if (strncasecmp(r->resp.headers[i], "Content-Type:", 13) == 0)
				type = NULL;
		n = snprintf(head, sizeof(head), "%s%s%sContent-Length: %zu\r\n",
		    type != NULL ? "Content-Type: " : "", type != NULL ? type : "",
		    type != NULL ? "\r\n" : "", blen);
		if (io->write(io->ctx, head, (size_t)n) == -1)
			goto out;
	}
	if (io->write(io->ctx, "\r\n", 2) == -1)
		goto out;
	if (body != NULL && r->method != HTTP_HEAD && io->write(io->ctx, body, blen) == -1)
		goto out;
out:
	cJSON_free(json);
	cJSON_Delete(r->resp.json);
	r->resp.json = NULL;
}

/* The path the programs route on: PATH_INFO, else DOCUMENT_URI/REQUEST_URI. */
static const char *
request_path(struct req *r, struct http_io *io)
{
	const char *p = io->param(io->ctx, "PATH_INFO");

	if (p == NULL || *p == '\0')
		p = io->param(io->ctx, "DOCUMENT_URI");
	if (p == NULL || *p == '\0') {
		p = io->param(io->ctx, "REQUEST_URI");
		if (p != NULL)
			p = arena_strndup(r->mem, p, strcspn(p, "?"));
	}
	return p != NULL && *p != '\0' ? p : "/";
}

static const char *
param_or(struct http_io *io, const char *name, const char *def)
{
	const char *v = io->param(io->ctx, name);

	return v != NULL ? v : def;
}

static void
delete_json(void *p)
{
	cJSON_Delete(p);
}

/*
 * True if the JSON text escapes a NUL (\u0000, the backslash itself not
 * escaped): cJSON would silently cut the string there.
 */
static bool
has_escaped_nul(const char *s)
{
	for (const char *p = s; (p = strstr(p, "u0000")) != NULL; p++) {
		size_t slashes = 0;
		for (const char *q = p - 1; q >= s && *q == '\\'; q--)
			slashes++;
		if (slashes % 2 == 1)
			return true;
	}
	return false;
}

/* "application/json", any case, alone or followed by parameters. */
static bool
is_json_type(const char *ct)
{
	return ct != NULL && strncasecmp(ct, "application/json", 16) == 0 &&
	    (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

const struct field_table http_body_stream = { NULL, 0 };
const struct field_table http_body_raw = { NULL, 0 };

const char *
http_param(struct req *r, const char *name)
{
	return r->src != NULL ? r->src->param(r->src->ctx, name) : NULL;
}
static unsigned long long stream_max = HTTP_BODY_MAX;

void
http_stream_limit(unsigned long long max_bytes)
{
	stream_max = max_bytes;
}

/* The limits of a streamed body, checked before the session (see http.h). */
static int
stream_limits(struct req *r, struct http_io *io)
{
	const char *cl = io->param(io->ctx, "CONTENT_LENGTH");
	const char *ct = io->param(io->ctx, "CONTENT_TYPE");
	char *end;

	if (cl == NULL || *cl == '\0')
		return http_fail(r, 411, NULL, "Length required"), -1;
	errno = 0;
	r->body_left = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || cl[0] == '-')
		return http_fail(r, 400, NULL, "Invalid Content-Length"), -1;
	if (r->body_left > stream_max)
		return http_fail(r, 413, "LIMIT_FILE_SIZE", "File too large"), -1;
	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return http_fail(r, 415, NULL, "Content-Type must be multipart/form-data"), -1;
	r->io = io;
	r->content_type = ct;
	return 0;
}

size_t
http_body_read(struct req *r, char *buf, size_t n)
{
	size_t got;

	if (r->io == NULL || r->body_left == 0)
		return 0;
	if (n > r->body_left)
		n = (size_t)r->body_left;
	got = r->io->read(r->io->ctx, buf, n);
	r->body_left -= got;
	return got;
}

/*
 * The limits of STYLE.md, from the headers alone, before any credential is
 * looked at: 411 without a length on a POST/PUT/PATCH route that takes a
 * body, 413 over HTTP_BODY_MAX, 415 for a body that is not JSON.  Sets
 * *len (0: no body) or the response.
 */
static int
check_limits(struct req *r, struct http_io *io, size_t *len)
{
	const char *cl = io->param(io->ctx, "CONTENT_LENGTH");
	char *end;
	unsigned long long n;

	*len = 0;
	if (r->route->body == &http_body_stream)
		return stream_limits(r, io);
	if (cl == NULL || *cl == '\0') {
		/* Routes that take a body need its length; "POST /logout" needs none. */
		if ((r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_PATCH) &&
		    r->route->body != NULL) {
			http_fail(r, 411, NULL, "Length required");
			return -1;
		}
		return 0;
	}
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || cl[0] == '-') {
		http_fail(r, 400, NULL, "Invalid Content-Length");
		return -1;
	}
	if (n == 0)
		return 0;
	if (n > HTTP_BODY_MAX) {
		http_fail(r, 413, NULL, "request entity too large");
		return -1;
	}
	if (!is_json_type(io->param(io->ctx, "CONTENT_TYPE"))) {
		http_fail(r, 415, NULL, "Content-Type must be application/json");
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/* APP_BASE_URL's origin ("https://host[:port]") equals the Origin header. */
static bool
origin_is_ours(const char *origin)
{
	const char *base = cfg_get()->app_base_url, *host = strstr(base, "://");
	size_t n;

	if (origin == NULL || host == NULL)
		return false;
	n = (size_t)(host + 3 - base) + strcspn(host + 3, "/?#");
	return strlen(origin) == n && strncasecmp(origin, base, n) == 0;
}

/* The CSRF rule of http.h: 0, or -1 with a 403 response. */
static int
check_csrf(struct req *r, struct http_io *io)
{
	const char *site;

	if (r->method != HTTP_POST && r->method != HTTP_PUT && r->method != HTTP_PATCH &&
	    r->method != HTTP_DELETE)
		return 0;
	if ((r->route->roles & ROLES_PUBLIC) || !session_by_cookie(r))
		return 0;
	if (is_json_type(io->param(io->ctx, "CONTENT_TYPE")))
		return 0;
	site = io->param(io->ctx, "HTTP_SEC_FETCH_SITE");
	if (site != NULL && strcmp(site, "same-origin") == 0)
		return 0;
	if (origin_is_ours(io->param(io->ctx, "HTTP_ORIGIN")))
		return 0;
	log_info(
	    "http", "cross-site %s %s refused", route_method_name(r->method), r->route->pattern);
	http_fail(r, 403, "CSRF", "Forbidden");
	return -1;
}

/*
 * Reads and parses a body of len bytes (check_limits passed).  Returns the
 * parsed body (NULL for an empty one) or sets the response.
 */
static int
read_body(struct req *r, struct http_io *io, size_t len, cJSON **out)
{
	char *buf;
	size_t got = 0;
	cJSON *json;

	*out = NULL;
	if (len == 0)
		return 0;
	if ((buf = arena_alloc(r->mem, len + 1)) == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	while (got < len) {
		size_t n = io->read(io->ctx, buf + got, len - got);
		if (n == 0)
			break;
		got += n;
	}
	if (got != len) {
		http_fail(r, 400, NULL, "Request body shorter than Content-Length");
		return -1;
	}
	buf[got] = '\0';
	if (r->route->body == &http_body_raw) {
		r->raw_body = buf;
		r->raw_len = got;
		return 0;
	}
	if (memchr(buf, '\0', got) != NULL || !valid_utf8(buf, got) || has_escaped_nul(buf)) {
		http_fail(r, 400, NULL, "Request body is not valid UTF-8 text");
		return -1;
	}
	/* got + 1: cJSON wants the terminating NUL inside the length to accept it. */
	json = cJSON_ParseWithLengthOpts(buf, got + 1, NULL, true);
	if (json == NULL) {
		const char *at = cJSON_GetErrorPtr();
		size_t pos = at != NULL && at >= buf && at <= buf + got ? (size_t)(at - buf) : 0;
		char msg[96];
		snprintf(msg, sizeof(msg), "Unexpected token in JSON at position %zu", pos);
		http_fail(r, 400, NULL, msg);
		return -1;
	}
	if (arena_defer(r->mem, delete_json, json) == -1) {
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	/* Strict parsing: the top level must be an object or an array. */
	if (!cJSON_IsObject(json) && !cJSON_IsArray(json)) {
		http_fail(r, 400, NULL, "Unexpected token in JSON at position 0");
		return -1;
	}
	*out = json;
	return 0;
}

/* Turns session_authenticate's outcome into the response; 0 when authenticated. */
int
http_authenticate(struct req *r)
{
	switch (session_authenticate(r)) {
	case SESSION_OK:
		return 0;
	case SESSION_MISSING:
		http_fail(r, 401, NULL, "Missing authorization header");
		return -1;
	case SESSION_INVALID:
		http_fail(r, 401, NULL, "Invalid or expired token");
		return -1;
	case SESSION_UNAVAILABLE:
		http_fail_db(r);
		return -1;
	case SESSION_THROTTLED:
		http_fail(r, 429, "TOO_MANY_REQUESTS", "Too many requests");
		return -1;
	case SESSION_ERROR:
		break;
	}
	http_fail(r, 500, NULL, "Internal server error");
	return -1;
}

static const struct field_table empty_table = { NULL, 0 };

/* Path captures typed ":name(cuid)" must be cuids (route.h). */
static int
check_caps(struct req *r, cJSON *issues)
{
	char name[ROUTE_CAP_NAME_MAX];
	enum route_cap_type type;

	for (int i = 0; i < ROUTE_MAX_CAPS && r->caps[i] != NULL; i++) {
		if (route_cap_info(r->route->pattern, i, name, &type) == -1)
			return -1;
		if (type == ROUTE_CAP_CUID && !id_is_cuid(r->caps[i])) {
			const char *const seg[] = { name };
			if (valid_issue_custom(issues, seg, 1, "Invalid cuid") == -1)
				return -1;
		}
	}
	return cJSON_GetArraySize(issues) > 0 ? -1 : 0;
}

/* http_set_feature(): the feature flag the program belongs to, or NULL. */
static const char *program_feature;

void
http_set_feature(const char *name)
{
	program_feature = name;
}

static void
dispatch(const struct http_app *app, struct req *r, struct http_io *io)
{
	const char *m = param_or(io, "REQUEST_METHOD", "GET");
	char capbuf[ROUTE_MAX_CAPS * (ROUTE_CAP_MAX + 1)];
	cJSON *body = NULL, *issues = NULL;
	size_t len;

	if (route_method_parse(m, &r->method) == -1) {
		http_fail(r, 404, NULL, "Not found");
		return;
	}
	r->src = io;
	r->path = request_path(r, io);
	r->query = param_or(io, "QUERY_STRING", "");
	r->route = route_match(
	    app->routes, app->nroutes, r->method, r->path, capbuf, sizeof(capbuf), r->caps);
	if (r->route == NULL || (program_feature != NULL && !feature_enabled(program_feature))) {
		/* Unknown path and unknown method alike (spec §2.1 QUIRK fixed). */
		http_fail(r, 404, NULL, "Not found");
		return;
	}
	for (int i = 0; i < ROUTE_MAX_CAPS && r->caps[i] != NULL; i++)
		if ((r->caps[i] = arena_strdup(r->mem, r->caps[i])) == NULL) {
			http_fail(r, 500, NULL, "Internal server error");
			return;
		}
	r->id = r->caps[0];
	if (check_limits(r, io, &len) == -1 || check_csrf(r, io) == -1)
		return;
	if (!(r->route->roles & ROLES_PUBLIC)) {
		if (http_authenticate(r) == -1)
			return;
		/* A partner API key: only routes its scopes open (role.h). */
		if (r->user->api_key_id[0] != '\0' && !(r->route->roles & r->user->api_scopes)) {
			log_info("http", "API key %s refused on %s %s", r->user->api_key_id, m,
			    r->route->pattern);
			http_fail(r, 403, NULL, "Forbidden");
			return;
		}
		if (!(r->route->roles & ROLE_BIT(r->user->role))) {
			log_info("http", "user %s role %s refused on %s %s", r->user->id,
			    role_name(r->user->role), m, r->route->pattern);
			http_fail(r, 403, NULL, "Forbidden");
			return;
		}
	}
	if (read_body(r, io, len, &body) == -1)
		return;
	if ((issues = cJSON_CreateArray()) == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return;
	}
	if (check_caps(r, issues) == -1) {
		if (cJSON_GetArraySize(issues) == 0)
			goto oom;
		http_fail_issues(r, issues);
		return;
	}
	if (r->route->query != NULL &&
	    valid_query(r->mem, r->route->query, r->query, &r->q, issues) == -1) {
		if (cJSON_GetArraySize(issues) == 0)
			goto oom;
		http_fail_issues(r, issues);
		return;
	}
	if ((body != NULL || r->route->body != NULL) && r->route->body != &http_body_raw) {
		static const char empty[] = "{}";
		cJSON *in = body;
		if (in == NULL) {
			if ((in = cJSON_Parse(empty)) == NULL ||
			    arena_defer(r->mem, delete_json, in) == -1)
				goto oom;
		}
		if (valid_json(r->mem, r->route->body != NULL ? r->route->body : &empty_table, in,
			&r->in, issues) == -1) {
			if (cJSON_GetArraySize(issues) == 0)
				goto oom;
			http_fail_issues(r, issues);
			return;
		}
		/* An echoed id must be the one in the path (valid.h F_ECHO). */
		if (r->route->body != NULL &&
		    valid_echo_id(r->route->body, r->in, r->id, issues) == -1) {
			if (cJSON_GetArraySize(issues) == 0)
				goto oom;
			http_fail_issues(r, issues);
			return;
		}
	}
	cJSON_Delete(issues);
	issues = NULL;
	if (r->route->handler(r) == -1 || r->resp.status == 0) {
		if (r->resp.status < 400) {
			log_error("http", "BUG: handler for %s %s failed without a response", m,
			    r->route->pattern);
			http_fail(r, 500, NULL, "Internal server error");
		}
	}
	/* A failed handler must not leave a transaction open for the next request. */
	db_rollback(r->db);
	return;
oom:
	cJSON_Delete(issues);
	http_fail(r, 500, NULL, "Internal server error");
}

bool
http_rid_ok(const char *s)
{
	size_t n = s != NULL ? strspn(s,
				   "0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-")
			     : 0;

	return s != NULL && s[n] == '\0' && n >= HTTP_RID_MIN && n <= HTTP_RID_MAX;
}

/* This process's request counters since their last flush (metrics.h). */
static struct metrics_acc http_metrics;

void
http_handle(const struct http_app *app, struct http_io *io, struct arena *mem, struct db *db)
{
	struct req *r;
	struct timespec t0, t1;
	unsigned char rnd[8];
	const char *rid;
	long latency_us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = arena_alloc(mem, sizeof(*r))) == NULL) {
		static const char oom[] = "Status: 500 Internal Server Error\r\n"
					  "Content-Type: application/json; charset=utf-8\r\n\r\n"
					  "{\"message\":\"Internal server error\"}";
		io->write(io->ctx, oom, sizeof(oom) - 1);
		return;
	}
	r->mem = mem;
	r->db = db;
	r->now = (int64_t)time(NULL);
	/* nginx's $request_id, so that its access log and ours name the same request. */
	rid = io->param(io->ctx, "IZZY_REQUEST_ID");
	if (http_rid_ok(rid))
		snprintf(r->rid, sizeof(r->rid), "%s", rid);
	else {
		if (crypto_random(rnd, sizeof(rnd)) == -1)
			memset(rnd, 0, sizeof(rnd));
		crypto_hex(r->rid, rnd, sizeof(rnd));
	}
	log_set_rid(r->rid);
	r->remote_addr = param_or(io, "REMOTE_ADDR", "");
	r->user_agent = param_or(io, "HTTP_USER_AGENT", "");
	r->cookie = io->param(io->ctx, "HTTP_COOKIE");
	r->authorization = io->param(io->ctx, "HTTP_AUTHORIZATION");

	dispatch(app, r, io);

	http_emit(r, io);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	latency_us = (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	/* Method and route pattern only: paths carry ids, query strings tokens. */
	struct log_request lq = {
		.method = route_method_name(r->method),
		.route = r->route != NULL ? r->route->pattern : NULL,
		.status = r->resp.status,
		.latency_ms = latency_us / 1000,
		.user_id = r->user != NULL ? r->user->id : NULL,
	};
	log_request(&lq);
	/* Unmatched paths share one series: the label set stays bounded. */
	metrics_acc_observe(&http_metrics, route_method_name(r->method),
	    r->route != NULL ? r->route->pattern : "unmatched", r->resp.status,
	    (double)latency_us / 1e6);
	log_set_rid(NULL);
}

/* FastCGI streams. */
static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static size_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	int got = FCGX_GetStr(buf, n > 0x7fffffff ? 0x7fffffff : (int)n, ((FCGX_Request *)ctx)->in);
	return got > 0 ? (size_t)got : 0;
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	return FCGX_PutStr(buf, (int)n, ((FCGX_Request *)ctx)->out) == (int)n ? 0 : -1;
}

/* Plain CGI: the environment and stdio. */
static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static size_t
cgi_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	return fread(buf, 1, n, stdin);
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	return fwrite(buf, 1, n, stdout) == n ? 0 : -1;
}

/* True when a route needs a session but the program does not register session_init. */
static bool
needs_session(const struct http_app *app)
{
	bool any_private = false;

	for (size_t i = 0; i < app->nroutes; i++)
		any_private = any_private || !(app->routes[i].roles & ROLES_PUBLIC);
	for (const http_init_fn *f = app->inits; any_private && f != NULL && *f != NULL; f++)
		if (*f == session_init)
			return false;
	return any_private;
}

/*
 * Metrics flush: adds this worker's counts to PostgreSQL in one transaction
 * and forgets them; on failure they are kept for the next try.  Only on a
 * connection the requests already opened: liveness probes never make a
 * worker connect (or wait on an unreachable database) for metrics' sake.
 */
static long metrics_flush_ms = 5000; /* IZZY_METRICS_FLUSH_SECONDS; -1: off */
static unsigned long long metrics_db_errors_done;
static struct timespec metrics_flushed_at;

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

static bool
metrics_pending(void)
{
	return metrics_flush_ms >= 0 &&
	    (http_metrics.pending > 0 || db_error_count() != metrics_db_errors_done);
}

static int
metrics_run(struct db *db, enum http_metrics_sql which, int n, const char *const *params)
{
	PGresult *res = db_run(db, &http_metrics_sql[which], n, params);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static void
metrics_flush(const struct http_app *app, struct db *db)
{
	unsigned long long errs = db_error_count();
	char status[16], count[32], sum[40], buckets[16 * (METRICS_LATENCY_NBOUNDS + 1) + 4];
	char delta[32];
	int rc = 0;

	if (!metrics_pending() || db_conn(db) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &metrics_flushed_at);
	if (db_begin(db) == -1)
		return;
	for (size_t i = 0; i < http_metrics.nreq && rc == 0; i++) {
		const struct metrics_req *q = &http_metrics.req[i];
		const char *params[7] = { app->name, q->method, q->route, status, count, sum,
			buckets };
		snprintf(status, sizeof(status), "%d", q->status);
		snprintf(count, sizeof(count), "%llu", (unsigned long long)q->count);
		snprintf(sum, sizeof(sum), "%.9g", q->sum);
		if (metrics_array_literal(
			buckets, sizeof(buckets), q->buckets, METRICS_LATENCY_NBOUNDS + 1) == -1)
			rc = -1;
		else
			rc = metrics_run(db, SQL_METRICS_ADD_REQUEST, 7, params);
	}
	if (rc == 0 && errs != metrics_db_errors_done) {
		const char *params[3] = { app->name, "db_errors", delta };
		snprintf(delta, sizeof(delta), "%llu", errs - metrics_db_errors_done);
		rc = metrics_run(db, SQL_METRICS_ADD_COUNTER, 3, params);
	}
	if (rc == -1 || db_commit(db) == -1) {
		db_rollback(db);
		log_warn("http", "metrics not recorded; kept for the next flush");
		return;
	}
	if (http_metrics.dropped > 0)
		log_warn("http", "%llu request(s) not counted: more than %d series",
		    (unsigned long long)http_metrics.dropped, METRICS_ACC_MAX);
	http_metrics.dropped = 0;
	metrics_acc_reset(&http_metrics);
	metrics_db_errors_done = errs;
}

/* IZZY_METRICS_FLUSH_SECONDS: a number of seconds (0: after every request) or "off". */
static int
metrics_setup(void)
{
	const char *v = getenv("IZZY_METRICS_FLUSH_SECONDS");
	char *end;
	long s;

	clock_gettime(CLOCK_MONOTONIC, &metrics_flushed_at);
	if (v == NULL || *v == '\0')
		return 0;
	if (strcmp(v, "off") == 0) {
		metrics_flush_ms = -1;
		return 0;
	}
	errno = 0;
	s = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || s < 0 || s > 3600) {
		log_error("cfg", "IZZY_METRICS_FLUSH_SECONDS must be 0 to 3600 or off");
		return -1;
	}
	metrics_flush_ms = s * 1000;
	return 0;
}

/*
 * Before blocking in accept: with counts waiting, wait for a connection at
 * most until the next flush is due, and flush if none came.  (Workers share
 * the listening socket; one woken for a connection another takes flushes
 * after its next request.)
 */
static void
metrics_idle(const struct http_app *app, struct db *db)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN, .revents = 0 };
	long left;

	if (!metrics_pending() || db_conn(db) == NULL)
		return;
	left = metrics_flush_ms - ms_since(&metrics_flushed_at);
	if (left > 0 && poll(&pfd, 1, (int)left) != 0)
		return;
	metrics_flush(app, db);
}

int
http_serve(const struct http_app *app)
{
	struct cfg cfg;
	char err[256];
	struct arena *mem;
	struct db *db = NULL;
	int rc = 1;

	log_init(app->name);
	if (cfg_load(&cfg, err, sizeof(err)) == -1) {
		log_error("cfg", "refusing to start: %s", err);
		return 1;
	}
	cfg_set(&cfg);
	if (route_check(app->routes, app->nroutes) == -1)
		return 1;
	if ((mem = arena_new(HTTP_ARENA_CAP)) == NULL)
		return 1;
	if (needs_session(app)) {
		log_error("http", "%s: a non-public route needs session_init in inits", app->name);
		goto out;
	}
	if ((db = db_new(cfg.database_url, cfg.db_statement_timeout_ms)) == NULL)
		goto out;
	db_set_test_now(db, cfg.test_now);
	if (metrics_setup() == -1 || db_register(db, http_metrics_sql, HTTP_METRICS_SQL__MAX) == -1)
		goto out;
	for (const http_init_fn *f = app->inits; f != NULL && *f != NULL; f++)
		if ((*f)(db) == -1)
			goto out;

	if (FCGX_IsCGI()) {
		struct http_io io = { cgi_param, cgi_read, cgi_write, NULL };
		http_handle(app, &io, mem, db);
		fflush(stdout);
		metrics_flush(app, db);
		rc = 0;
	} else {
		FCGX_Request fr;
		if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
			log_error("http", "FastCGI initialisation failed");
			goto out;
		}
		for (;;) {
			metrics_idle(app, db);
			if (FCGX_Accept_r(&fr) < 0)
				break;
			struct http_io io = { fcgi_param, fcgi_read, fcgi_write, &fr };
			http_handle(app, &io, mem, db);
			FCGX_Finish_r(&fr);
			/* No state survives a request. */
			arena_reset(mem);
			if (metrics_flush_ms >= 0 &&
			    ms_since(&metrics_flushed_at) >= metrics_flush_ms)
				metrics_flush(app, db);
		}
		rc = 0;
	}
out:
	arena_free(mem);
	db_free(db);
	return rc;
}
