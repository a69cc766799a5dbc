/*
 * http: one binary serves FastCGI (spawn-fcgi) and plain CGI (tests,
 * shared hosting).  http_serve() owns the request pipeline, in a fixed
 * order: limits -> route -> session -> role -> validate -> handler -> emit.
 * Handlers only see struct req, set r->resp through http_ok()/http_fail()
 * and never print; http_emit() is the only writer of status and headers.
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

/* JSON bodies are capped at 1 MiB (spec §2.10; nginx matches). */
#define HTTP_BODY_MAX (1024 * 1024)
/* A request may not use more than this much arena memory. */
#define HTTP_ARENA_CAP   (8 * 1024 * 1024)
#define HTTP_MAX_HEADERS 8

struct resp {
	int status;
	cJSON *json;                           /* body as cJSON (freed by emit), or */
	const char *raw;                       /* body as JSON text (arena), e.g. built by SQL */
	const char *headers[HTTP_MAX_HEADERS]; /* extra "Name: value" lines */
	size_t nheaders;
};

struct req {
	enum http_method method;
	const char *path;                 /* decoded path, no query */
	const char *query;                /* raw query string ("" if none) */
	const char *caps[ROUTE_MAX_CAPS]; /* path captures in order */
	const char *id;                   /* caps[0]: validated cuid when named :id */
	const struct user *user;          /* NULL only on ROLES_PUBLIC routes */
	struct valid_out *in;             /* typed body values (route's body table) */
	struct valid_out *q;              /* typed query values (route's query table) */
	struct arena *mem;                /* request lifetime */
	struct db *db;                    /* process lifetime, not owned */
	const struct route *route;
	struct resp resp;
	const char *remote_addr;   /* client IP after nginx real_ip (SR-34) */
	const char *user_agent;    /* "" if none */
	const char *cookie;        /* raw Cookie header or NULL */
	const char *authorization; /* raw Authorization header or NULL */
	int64_t now;               /* request time, seconds since the epoch */
	char rid[17];              /* request id for logs and X-Request-Id */
	struct user user_buf;
	struct http_io *io;           /* streamed body (http_body_stream routes) */
	const char *content_type;     /* its Content-Type */
	unsigned long long body_left; /* its bytes not read yet */
};

/* Where a request comes from: FastCGI streams or CGI stdio (and tests). */
struct http_io {
	const char *(*param)(void *ctx, const char *name);
	size_t (*read)(void *ctx, char *buf, size_t n);
	int (*write)(void *ctx, const char *buf, size_t n);
	void *ctx;
};

struct http_app {
	const char *name; /* log tag, e.g. "auth" */
	const struct route *routes;
	size_t nroutes;
	/* Registers the program's statements; -1 aborts start-up. */
	int (*init)(struct db *);
};

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
/* Error in the reference shape {"message", "code"?}; code may be NULL. */
int http_fail(struct req *, int status, const char *code, const char *message);
/* 400 {"message":"Validation failed","issues":issues} (takes ownership). */
int http_fail_issues(struct req *, cJSON *issues);
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

/* Cookie value by name from the request, or NULL (arena copy). */
const char *http_cookie(struct req *, const char *name);

#endif
