/*
 * http: one binary serves FastCGI (spawn-fcgi) and plain CGI (tests,
 * shared hosting).  http_serve() owns the request pipeline, in a fixed
 * order:
 *   route (404) -> body limits from the headers (411/413/415, before any
 *   credential is looked at) -> CSRF (403) -> session (401) -> role (403)
 *   -> read and parse the body -> typed captures, query, body (400) ->
 *   echoed id (400) -> handler -> emit.
 * Handlers only see struct req, set r->resp through http_ok()/http_fail()
 * and never print; http_emit() is the only writer of status and headers.
 *
 * CSRF, defence in depth next to SameSite=Strict: a POST, PUT, PATCH or
 * DELETE whose credential is the session cookie (session_by_cookie) must
 * carry "Content-Type: application/json" (with or without a body), or
 * "Sec-Fetch-Site: same-origin", or an Origin equal to APP_BASE_URL's
 * origin; otherwise 403 {"message":"Forbidden","code":"CSRF"}.  Bearer
 * requests and public routes are not affected.
 *
 * Headers C writes on every response (nginx must not add these again):
 *   Cache-Control: no-store
 *   Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Resource-Policy: same-origin
 *   Origin-Agent-Cluster: ?1
 *   Referrer-Policy: no-referrer
 *   Strict-Transport-Security: max-age=15552000; includeSubDomains
 *   X-Content-Type-Options: nosniff
 *   X-DNS-Prefetch-Control: off
 *   X-Download-Options: noopen
 *   X-Frame-Options: DENY
 *   X-Permitted-Cross-Domain-Policies: none
 *   X-XSS-Protection: 0
 *   X-Request-Id, and Content-Type/Content-Length unless 204.
 */
#ifndef IZZY_HTTP_H
#define IZZY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "route.h"
#include "session.h"

struct arena;
struct db;
struct valid_out;
struct field_table;
struct http_io;

/* JSON bodies are capped at 2 MiB, 2097152 bytes (issue 7; nginx "client_max_body_size 2m"). */
#define HTTP_BODY_MAX (2 * 1024 * 1024)
/* A request may not use more than this much arena memory. */
#define HTTP_ARENA_CAP   (8 * 1024 * 1024)
#define HTTP_MAX_HEADERS 8
/*
 * Request ids: nginx's $request_id (32 hex digits) arrives as the FastCGI
 * parameter IZZY_REQUEST_ID (nginx/snippets/fastcgi.conf); one that is not
 * 8 to 64 of [0-9A-Za-z_-] is ignored and 16 random hex digits are used.
 */
#define HTTP_RID_MIN 8
#define HTTP_RID_MAX 64

struct resp {
	int status;
	cJSON *json;                           /* body as cJSON (freed by emit), or */
	const char *raw;                       /* body as JSON text (arena), e.g. built by SQL */
	const char *content_type;              /* NULL: JSON; else the type of raw (http_ok_text) */
	size_t raw_len;                        /* raw's length when it may hold NUL bytes, else 0 */
	const char *headers[HTTP_MAX_HEADERS]; /* extra "Name: value" lines */
	size_t nheaders;
};

struct req {
	enum http_method method;
	const char *path;                 /* decoded path, no query */
	const char *query;                /* raw query string ("" if none) */
	const char *caps[ROUTE_MAX_CAPS]; /* path captures in order */
	const char *id;                   /* caps[0] (sane text, see route.h), or NULL */
	const struct user *user;          /* NULL only on ROLES_PUBLIC routes */
	struct valid_out *in;             /* typed body values (route's body table) */
	struct valid_out *q;              /* typed query values (route's query table) */
	struct arena *mem;                /* request lifetime */
	struct db *db;                    /* process lifetime, not owned */
	const struct route *route;
	struct resp resp;
	const char *remote_addr;    /* client IP after nginx real_ip (SR-34) */
	const char *user_agent;     /* "" if none */
	const char *cookie;         /* raw Cookie header or NULL */
	const char *authorization;  /* raw Authorization header or NULL */
	int64_t now;                /* request time, seconds since the epoch */
	char rid[HTTP_RID_MAX + 1]; /* request id for logs and X-Request-Id */
	struct user user_buf;
	struct http_io *io;           /* streamed body (http_body_stream routes) */
	const char *content_type;     /* its Content-Type */
	unsigned long long body_left; /* its bytes not read yet */
	/* The body of an http_body_raw route (NUL-terminated), or NULL; its length. */
	const char *raw_body;
	size_t raw_len;
	struct http_io *src; /* where the request came from (http_param) */
};

/* Where a request comes from: FastCGI streams or CGI stdio (and tests). */
struct http_io {
	const char *(*param)(void *ctx, const char *name);
	size_t (*read)(void *ctx, char *buf, size_t n);
	int (*write)(void *ctx, const char *buf, size_t n);
	void *ctx;
};

/* Registers statements with the db (session_init, outbox_init, ...); -1 on failure. */
typedef int (*http_init_fn)(struct db *);

struct http_app {
	const char *name; /* log tag, e.g. "auth" */
	const struct route *routes;
	size_t nroutes;
	/*
	 * What the program needs, run in order at start-up: the libraries'
	 * inits it uses, then its own; NULL-terminated; -1 aborts start-up.
	 * A table with a non-public route must list session_init.
	 */
	const http_init_fn *inits;
};

/*
 * Called from a program's init: the whole program is the optional feature
 * name (common/cfg.h feature_enabled); while it is off every request answers
 * 404 {"message":"Not found"}, before authentication.
 */
void http_set_feature(const char *name);

/* Runs the program: FastCGI loop, or one CGI request.  Returns exit status. */
int http_serve(const struct http_app *);
/* Handles one request from io (exposed for tests and fuzzing). */
void http_handle(const struct http_app *, struct http_io *, struct arena *, struct db *);

/* Responses.  Each returns 0 so handlers can "return http_ok(r, o);". */
int http_ok(struct req *, cJSON *body);
int http_ok_raw(struct req *, const char *json);
int http_created(struct req *, cJSON *body);
int http_created_raw(struct req *, const char *json);
int http_no_content(struct req *);
/*
 * 200 with a body that is not JSON ("text/csv; charset=utf-8", GET /metrics);
 * content_type must be a static string, text arena memory.
 */
int http_ok_text(struct req *, const char *content_type, const char *text);
/*
 * 200 with a binary body of len bytes (a spreadsheet download); content_type
 * must be a static string, body arena memory.
 */
int http_ok_bytes(struct req *, const char *content_type, const char *body, size_t len);
/*
 * Authenticates a request on a route that is public but serves more to a
 * logged-in user: 0 with r->user set, or -1 with the 401/500 response set.
 */
int http_authenticate(struct req *);
/* Error in the reference shape {"message", "code"?}; code may be NULL. */
int http_fail(struct req *, int status, const char *code, const char *message);
/* 400 {"message":"Validation failed","issues":issues} (takes ownership). */
int http_fail_issues(struct req *, cJSON *issues);
/* 400 "Validation failed" with one custom issue on a top-level field. */
int http_fail_field(struct req *, const char *field, const char *message);
/* Maps the db's last SQLSTATE to 409/400/503/500 with a generic message. */
int http_fail_db(struct req *);
/* Adds a response header line "Name: value" (copied to the arena); -1 if full. */
int http_header(struct req *, const char *name, const char *value);

/*
 * Streamed bodies (the document upload): a route whose body table is
 * &http_body_stream gets no JSON parsing.  Before the session check the
 * dispatcher requires Content-Length (411, 400 if malformed), a
 * multipart/form-data Content-Type (415) and a length within the cap of
 * http_stream_limit() (413 LIMIT_FILE_SIZE); the handler reads the body
 * with http_body_read(), which returns 0 at its end (or when the client
 * went away: fewer bytes than Content-Length).
 */
extern const struct field_table http_body_stream;
void http_stream_limit(unsigned long long max_bytes);
size_t http_body_read(struct req *, char *buf, size_t n);

/*
 * Raw JSON bodies (the signed inbound webhook): a route whose body table is
 * &http_body_raw gets the limits of a JSON body (411/413/415) but no parsing
 * and no validation; the handler finds the exact bytes in r->raw_body and
 * r->raw_len (NUL-terminated) and parses them itself, after it has checked
 * their signature.
 */
extern const struct field_table http_body_raw;
/* A request parameter as the server passed it ("HTTP_X_IZZY_SIGNATURE"), or NULL. */
const char *http_param(struct req *, const char *name);

/*
 * The echo rule (valid.h F_ECHO): compares the read-only fields the PATCH
 * body echoed (r->route->body's F_ECHO fields) with stored_json, the
 * resource as its GET answers it, read by the handler (under its row lock).
 * 0 when all are equal (or none was sent); -1 with the response set: 400
 * with an issue on each differing field, or 500.
 */
int http_echo_check(struct req *, const char *stored_json);

/* True for a request id we accept from nginx (see HTTP_RID_MIN). */
bool http_rid_ok(const char *);

/* Cookie value by name from the request, or NULL (arena copy). */
const char *http_cookie(struct req *, const char *name);

#endif
