/*
 * fuzz_http: the whole request pipeline (http_handle) on hostile input.
 * The input is split into CGI parameters and a body:
 *
 *   METHOD \n PATH \n QUERY \n CONTENT_TYPE \n CONTENT_LENGTH \n COOKIE \n
 *   AUTHORIZATION \n BODY...
 *
 * A missing line leaves that parameter unset; CONTENT_LENGTH "=" means the
 * body's real length.  One arena serves every input and is reset after
 * each, as in the FastCGI loop, so state leaking between requests shows up
 * as use-after-free under ASan (the debug arena is forced on).  No input
 * reaches the database: the private route needs a token signed with the
 * key below, and the db handle points at a socket that does not exist.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int LLVMFuzzerInitialize(int *, char ***);

static const char *const kinds[] = { "A", "B", "spółka", NULL };

static const struct field addr_fields[] = {
	[0] = { "city", FT_STRING, F_REQUIRED | F_TRIM, 1, 50 },
	[1] = { "zip", FT_STRING, 0, 6, 6 },
};
static const struct field_table addr_t = FIELD_TABLE(addr_fields);
static const struct field tag_elem = { .type = FT_STRING, .min = 1, .max = 10 };
static const struct field addr_elem = { .type = FT_OBJECT, .sub = &addr_t };

enum body_key {
	B_NAME,
	B_EMAIL,
	B_ID,
	B_URL,
	B_N,
	B_X,
	B_OK,
	B_KIND,
	B_AT,
	B_ADDR,
	B_TAGS,
	B_MORE,
	B_META,
	B_NOTE,
	B__MAX
};
static const struct field body_fields[B__MAX] = {
	[B_NAME] = { "name", FT_STRING, F_REQUIRED | F_TRIM, 1, 40 },
	[B_EMAIL] = { "email", FT_EMAIL, F_LOWER, 0, 0 },
	[B_ID] = { "partnerId", FT_CUID, F_NULLABLE, 0, 0 },
	[B_URL] = { "url", FT_URL, 0, 0, 0 },
	[B_N] = { "n", FT_INT, 0, -5, 5 },
	[B_X] = { "x", FT_NUMBER, F_POSITIVE, 0, 0 },
	[B_OK] = { "ok", FT_BOOL, 0, 0, 0 },
	[B_KIND] = { "kind", FT_ENUM, 0, 0, 0, kinds },
	[B_AT] = { "at", FT_DATE, F_NULLABLE, 0, 0 },
	[B_ADDR] = { "address", FT_OBJECT, 0, 0, 0, .sub = &addr_t },
	[B_TAGS] = { "tags", FT_ARRAY, 0, 0, 4, .elem = &tag_elem },
	[B_MORE] = { "more", FT_ARRAY, 0, 1, 3, .elem = &addr_elem },
	[B_META] = { "meta", FT_JSON, 0, 0, 0 },
	[B_NOTE] = { "note", FT_STRING, F_MULTILINE | F_UPPER, 0, 100 },
};
static const struct field_table body_t = FIELD_TABLE(body_fields);

enum q_key { Q_PAGE, Q_ACTIVE, Q_FROM, Q_S, Q__MAX };
static const struct field q_fields[Q__MAX] = {
	[Q_PAGE] = { "page", FT_INT, 0, 1, 1000 },
	[Q_ACTIVE] = { "active", FT_BOOL, 0, 0, 0 },
	[Q_FROM] = { "from", FT_DATE, 0, 0, 0 },
	[Q_S] = { "s", FT_STRING, 0, 0, 20 },
};
static const struct field_table q_t = FIELD_TABLE(q_fields);

/* Touches every value, so a dangling pointer is read. */
static size_t
touch(const struct valid_out *o)
{
	size_t n = 0;

	for (size_t i = 0; o != NULL && i < o->n; i++) {
		const struct value *v = &o->v[i];
		if (v->s != NULL)
			n += strlen(v->s);
		if (v->obj != NULL)
			n += touch(v->obj);
		for (size_t j = 0; j < v->n; j++) {
			if (v->arr[j].s != NULL)
				n += strlen(v->arr[j].s);
			n += touch(v->arr[j].obj);
		}
	}
	return n;
}

static int
h_echo(struct req *r)
{
	cJSON *o = cJSON_CreateObject();
	const struct value *name = &r->in->v[B_NAME];

	(void)touch(r->in);
	(void)touch(r->q);
	/* Hostile text into a header: CR/LF must be refused. */
	(void)http_header(r, "X-Name", name->s);
	if (o == NULL || cJSON_AddStringToObject(o, "name", name->s) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	return http_created(r, o);
}

static int
h_get(struct req *r)
{
	cJSON *o = cJSON_CreateObject();
	const char *c = http_cookie(r, "theme");

	(void)touch(r->q);
	if (o == NULL || cJSON_AddStringToObject(o, "id", r->id != NULL ? r->id : "") == NULL ||
	    cJSON_AddStringToObject(o, "theme", c != NULL ? c : "") == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	return http_ok(r, o);
}

static int
h_fail(struct req *r)
{
	return r->caps[0] != NULL && r->caps[0][0] == 'c' ? http_no_content(r) : -1;
}

static const struct route routes[] = {
	{ HTTP_POST, "/api/things", h_echo, ROLES_PUBLIC, &body_t, &q_t },
	{ HTTP_PATCH, "/api/things/:id", h_echo, ROLES_PUBLIC, &body_t, NULL },
	{ HTTP_GET, "/api/things/:id", h_get, ROLES_PUBLIC, NULL, &q_t },
	{ HTTP_GET, "/api/things/:id/notes/:noteId", h_get, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_DELETE, "/api/things/:id/:other", h_fail, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/", h_get, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/api/private", h_get, ROLES_ANY_USER, NULL, NULL },
};
static const struct http_app app = { "fuzz", routes, NELEM(routes), NULL };

static struct arena *mem;
static struct db *db;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct cfg c;

	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERROR);
	c.env = CFG_ENV_TEST;
	c.database_url = "host=/nonexistent connect_timeout=1";
	c.jwt_secret = "fuzz-secret-0123456789abcdef0123456789";
	c.jwt_expires_s = 3600;
	c.app_base_url = "http://localhost";
	c.session_idle_s = 1800;
	c.session_max_s = 43200;
	cfg_set(&c);
	if ((db = db_new(c.database_url, 1000)) == NULL || session_init(db) == -1 ||
	    route_check(routes, NELEM(routes)) == -1 || (mem = arena_new(HTTP_ARENA_CAP)) == NULL)
		abort();
	return 0;
}

struct fuzz_io {
	const char *names[8], *values[8];
	size_t n;
	const char *body;
	size_t blen, pos;
	size_t written;
	bool in_body;
	char last; /* last byte written */
};

static const char *
fz_param(void *ctx, const char *name)
{
	struct fuzz_io *f = ctx;

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static size_t
fz_read(void *ctx, char *buf, size_t n)
{
	struct fuzz_io *f = ctx;

	if (n > f->blen - f->pos)
		n = f->blen - f->pos;
	memcpy(buf, f->body + f->pos, n);
	f->pos += n;
	return n;
}

static int
fz_write(void *ctx, const char *buf, size_t n)
{
	struct fuzz_io *f = ctx;

	/* Header lines end in CRLF: a bare LF means input got into a header. */
	if (!f->in_body) {
		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\n' && (i == 0 ? f->last : buf[i - 1]) != '\r')
				abort();
		/* The blank line: "\r\n" written right after a header's "\r\n". */
		if (n == 2 && memcmp(buf, "\r\n", 2) == 0 && f->last == '\n')
			f->in_body = true;
	}
	if (n > 0)
		f->last = buf[n - 1];
	f->written += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "REQUEST_METHOD", "PATH_INFO", "QUERY_STRING",
		"CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_COOKIE", "HTTP_AUTHORIZATION" };
	char *copy = malloc(size + 1), *p, clen[32];
	struct fuzz_io f;
	struct http_io io = { fz_param, fz_read, fz_write, &f };
	size_t i;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(&f, 0, sizeof(f));
	p = copy;
	for (i = 0; i < NELEM(names); i++) {
		char *nl = memchr(p, '\n', size - (size_t)(p - copy));
		if (nl == NULL)
			break;
		*nl = '\0';
		f.names[f.n] = names[i];
		/* "=" stands for the body's real length, filled in below. */
		f.values[f.n++] = i == 4 && strcmp(p, "=") == 0 ? clen : p;
		p = nl + 1;
	}
	f.body = p;
	f.blen = size - (size_t)(p - copy);
	snprintf(clen, sizeof(clen), "%zu", f.blen);

	http_handle(&app, &io, mem, db);
	arena_reset(mem);
	if (f.written == 0)
		abort();
	free(copy);
	return 0;
}
