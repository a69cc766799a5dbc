/*
 * documents: a lead's documents (spec/api.md §4.6.6, §4.6.7, §4.15, §5.10;
 * ARCHITECTURE.md §6).  Uploads stream from the FastCGI body through the
 * multipart parser into the storage driver in fixed-size pieces, so a
 * worker's memory stays flat whatever the file's size.  Nothing is kept
 * unless the content sniffs as an allowed type (libmagic), the size is
 * within UPLOAD_MAX_BYTES and a client checksum matches our SHA-256.
 * Downloads check lead access, then hand the bytes to nginx
 * (X-Accel-Redirect, disk) or to a pre-signed URL (s3), always as an
 * attachment (SR-27).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <magic.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/multipart.h"
#include "common/role.h"
#include "common/session.h"
#include "common/storage.h"
#include "common/valid.h"

#include "documents.sql.h"

/* Bytes moved per read: the only buffer an upload needs. */
#define CHUNK (64 * 1024)
/* Multipart headers and the text fields around the file. */
#define MULTIPART_OVERHEAD (64 * 1024)
/* Text fields are short; anything longer is refused, not buffered. */
#define TEXT_MAX 1024

#define MSG_TYPE                                                                                   \
	"Niedozwolony typ pliku. Dozwolone są: PDF, JPEG, PNG, HEIC, DOC, DOCX, ODT i XLSX."
#define MSG_STORAGE_DOWN "Magazyn plików jest chwilowo niedostępny. Spróbuj ponownie później."

#define ROLES_DOCS       (ROLES_PARTNER_SCOPED | ROLES_STAFF)

/* The allow-list: what libmagic must say, and the stored name's extension. */
static const struct {
	const char *mime, *ext;
} allowed[] = {
	{ "application/pdf", ".pdf" },
	{ "image/jpeg", ".jpg" },
	{ "image/png", ".png" },
	{ "image/heic", ".heic" },
	{ "image/heif", ".heic" },
	{ "application/msword", ".doc" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx" },
	{ "application/vnd.oasis.opendocument.text", ".odt" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx" },
};

static struct cfg_upload upload_cfg;

static int documents_upload(struct req *);
static int documents_attach(struct req *);
static int documents_list(struct req *);
static int documents_download(struct req *);
static int documents_legacy(struct req *);

enum up_key { UP_TYPE, UP_CHECKSUM, UP__MAX };
static const struct field up_fields[UP__MAX] = {
	[UP_TYPE] = { "type", FT_STRING, F_TRIM, 1, 200 },
	[UP_CHECKSUM] = { "checksum", FT_STRING, F_TRIM | F_NULLABLE, 0, 200 },
};
static const struct field_table up_table = FIELD_TABLE(up_fields);

enum at_key { AT_TYPE, AT_PATH, AT_CHECKSUM, AT__MAX };
static const struct field at_fields[AT__MAX] = {
	[AT_TYPE] = { "type", FT_STRING, F_REQUIRED | F_TRIM, 1, 200 },
	[AT_PATH] = { "filePath", FT_URL, F_REQUIRED | F_TRIM, 1, 2048 },
	[AT_CHECKSUM] = { "checksum", FT_STRING, F_NULLABLE, 0, 200 },
};
static const struct field_table at_table = FIELD_TABLE(at_fields);

static const struct route documents_routes[] = {
	/* method     pattern                                         handler             roles */
	{ HTTP_POST, "/api/leads/:id/documents/upload", documents_upload, ROLES_DOCS,
	    &http_body_stream, NULL },
	{ HTTP_POST, "/api/leads/:id/documents", documents_attach, ROLES_STAFF, &at_table, NULL },
	{ HTTP_GET, "/api/leads/:id/documents", documents_list, ROLES_DOCS, NULL, NULL },
	{ HTTP_GET, "/api/leads/:id/documents/:docId/download", documents_download, ROLES_DOCS,
	    NULL, NULL },
	{ HTTP_GET, "/uploads/:lead/:name", documents_legacy, ROLES_DOCS, NULL, NULL },
};

/* --- upload ---------------------------------------------------------------------------------- */

struct upload {
	struct req *r;
	struct storage_obj *obj;
	enum { PART_SKIP, PART_FILE, PART_TEXT } part;
	int files;
	bool empty_name;
	char original[MULTIPART_FILENAME_MAX + 1];
	char *text[UP__MAX];
	size_t tlen;
	int tkey;
	/* A refusal decided inside a callback. */
	int status;
	const char *code, *msg;
};

static int
refuse(struct upload *u, int status, const char *code, const char *msg)
{
	u->status = status;
	u->code = code;
	u->msg = msg;
	return -1;
}

/*
 * The client's file name is metadata only, yet a name that tries to point
 * somewhere is refused rather than repaired: path separators (also Windows
 * ones and their Unicode look-alikes), "..", controls and bad UTF-8.
 */
static const char *const lookalikes[] = {
	"\u2215", /* DIVISION SLASH */
	"\u2044", /* FRACTION SLASH */
	"\u29f8", /* BIG SOLIDUS */
	"\uff0f", /* FULLWIDTH SOLIDUS */
	"\u29f9", /* BIG REVERSE SOLIDUS */
	"\ufe68", /* SMALL REVERSE SOLIDUS */
	"\uff3c", /* FULLWIDTH REVERSE SOLIDUS */
	"\u2024", /* ONE DOT LEADER */
	"\u2025", /* TWO DOT LEADER */
	"\u2026", /* HORIZONTAL ELLIPSIS */
	"\ufe52", /* SMALL FULL STOP */
	"\uff0e", /* FULLWIDTH FULL STOP */
};

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || !valid_utf8(name, n) || strpbrk(name, "/\\:") != NULL ||
	    strstr(name, "..") != NULL)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (size_t i = 0; i < sizeof(lookalikes) / sizeof(lookalikes[0]); i++)
		if (strstr(name, lookalikes[i]) != NULL)
			return false;
	return true;
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct upload *u = ctx;

	if (p->has_filename) {
		if (strcmp(p->name, "file") != 0)
			return refuse(u, 400, "LIMIT_UNEXPECTED_FILE", "Unexpected field");
		if (++u->files > 1)
			return refuse(u, 400, "LIMIT_FILE_COUNT", "Too many files");
		u->empty_name = p->filename[0] == '\0';
		if (!u->empty_name && !name_ok(p->filename))
			return refuse(u, 400, "INVALID_FILE_NAME", "Nieprawidłowa nazwa pliku.");
		snprintf(
		    u->original, sizeof(u->original), "%s", u->empty_name ? "plik" : p->filename);
		if ((u->obj = storage_begin(u->r->mem, u->r->id)) == NULL)
			return refuse(u, 500, NULL, "Internal server error");
		u->part = PART_FILE;
		return 0;
	}
	u->part = PART_SKIP;
	for (int k = 0; k < UP__MAX; k++)
		if (strcmp(p->name, up_fields[k].name) == 0) {
			if (u->text[k] != NULL)
				return refuse(u, 400, NULL, "Duplicate field");
			if ((u->text[k] = arena_alloc(u->r->mem, TEXT_MAX + 1)) == NULL)
				return refuse(u, 500, NULL, "Internal server error");
			u->tkey = k;
			u->tlen = 0;
			u->part = PART_TEXT;
		}
	return 0;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct upload *u = ctx;

	switch (u->part) {
	case PART_FILE:
		if (storage_size(u->obj) + n > (unsigned long long)upload_cfg.max_bytes)
			return refuse(u, 413, "LIMIT_FILE_SIZE", "File too large");
		if (storage_write(u->obj, buf, n) == -1)
			return refuse(u, 500, NULL, "Internal server error");
		return 0;
	case PART_TEXT:
		if (u->tlen + n > TEXT_MAX)
			return refuse(u, 400, "LIMIT_FIELD_VALUE", "Field value too long");
		memcpy(u->text[u->tkey] + u->tlen, buf, n);
		u->tlen += n;
		u->text[u->tkey][u->tlen] = '\0';
		return 0;
	case PART_SKIP:
		return 0;
	}
	return -1;
}

static int
on_end(void *ctx)
{
	((struct upload *)ctx)->part = PART_SKIP;
	return 0;
}

/* Reads the whole body through the parser; -1 with the response set. */
static int
receive(struct req *r, struct upload *u)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	struct multipart_cb cb = { on_begin, on_data, on_end, u };
	struct multipart *m;
	char *buf;
	size_t n;

	if (multipart_boundary(r->content_type, boundary, sizeof(boundary)) == -1)
		return http_fail(r, 400, NULL, "Malformed multipart body"), -1;
	if ((m = multipart_new(r->mem, boundary, &cb)) == NULL ||
	    (buf = arena_alloc(r->mem, CHUNK)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error"), -1;
	while ((n = http_body_read(r, buf, CHUNK)) > 0)
		if (multipart_feed(m, buf, n) == -1)
			break;
	if (u->status != 0)
		return http_fail(r, u->status, u->code, u->msg), -1;
	if (multipart_error(m) == MULTIPART_OK && r->body_left > 0) {
		log_info("documents", "upload to lead %s interrupted", r->id);
		return http_fail(r, 400, NULL, "Unexpected end of form"), -1;
	}
	if (multipart_error(m) != MULTIPART_OK || multipart_finish(m) == -1)
		return http_fail(r, 400, NULL,
			   multipart_error(m) == MULTIPART_ETRUNCATED ? "Unexpected end of form"
								      : "Malformed multipart body"),
		       -1;
	return 0;
}

/* The text fields through the field table, as if they were a JSON body. */
static int
check_fields(struct req *r, struct upload *u, struct valid_out **out)
{
	cJSON *o = cJSON_CreateObject(), *issues = cJSON_CreateArray();
	int rc = -1;

	if (o == NULL || issues == NULL)
		goto oom;
	for (int k = 0; k < UP__MAX; k++)
		if (u->text[k] != NULL &&
		    cJSON_AddStringToObject(o, up_fields[k].name, u->text[k]) == NULL)
			goto oom;
	if (valid_json(r->mem, &up_table, o, out, issues) == 0)
		rc = 0;
	else if (cJSON_GetArraySize(issues) > 0) {
		http_fail_issues(r, issues);
		issues = NULL;
	} else
		goto oom;
	cJSON_Delete(o);
	cJSON_Delete(issues);
	return rc;
oom:
	cJSON_Delete(o);
	cJSON_Delete(issues);
	http_fail(r, 500, NULL, "Internal server error");
	return -1;
}

/*
 * libmagic with only the magic rules: no decompression (no zip bombs), no
 * text and encoding analysis (no allowed type is text), and only the head
 * of a file (every allowed type shows itself in its first kilobytes, a DOCX
 * in its first ZIP entries).  NULL (logged) on failure.
 */
static magic_t
magic_start(void)
{
	size_t bytes = 64 * 1024;
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
	    MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TEXT |
	    MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV);

	if (m == NULL || magic_load(m, NULL) == -1 ||
	    magic_setparam(m, MAGIC_PARAM_BYTES_MAX, &bytes) == -1) {
		log_error(
		    "documents", "libmagic: %s", m != NULL ? magic_error(m) : "magic_open failed");
		if (m != NULL)
			magic_close(m);
		return NULL;
	}
	return m;
}

/*
 * What the content is, by libmagic; the allow-list's index, -1 if refused,
 * -2 on failure.  The database is mapped for this one call: the pages a
 * sniff touches (megabytes for the ZIP-based types) leave with it, so a
 * worker's memory does not grow with the kinds of files it has seen.
 */
static int
sniff(const char *path)
{
	magic_t m = magic_start();
	const char *mime;
	int kind = -1;

	if (m == NULL)
		return -2;
	if ((mime = magic_file(m, path)) == NULL) {
		log_error("documents", "libmagic: %s", magic_error(m));
		kind = -2;
	} else {
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (strcmp(mime, allowed[i].mime) == 0)
				kind = (int)i;
		if (kind == -1)
			log_info("documents", "refused content type %s", mime);
	}
	magic_close(m);
	return kind;
}

static char *
new_value(struct req *r, const char *id, const char *type, const char *path, const char *orig,
    const char *mime, uint64_t size)
{
	cJSON *o = cJSON_CreateObject();
	char *s = NULL, *out = NULL;

	if (o != NULL && cJSON_AddStringToObject(o, "id", id) != NULL &&
	    cJSON_AddStringToObject(o, "type", type) != NULL &&
	    cJSON_AddStringToObject(o, "filePath", path) != NULL &&
	    (orig == NULL ||
		(cJSON_AddStringToObject(o, "originalName", orig) != NULL &&
		    cJSON_AddStringToObject(o, "mimeType", mime) != NULL &&
		    cJSON_AddNumberToObject(o, "size", (double)size) != NULL &&
		    cJSON_AddStringToObject(o, "storageProvider", storage_provider()) != NULL)) &&
	    (s = cJSON_PrintUnformatted(o)) != NULL)
		out = arena_strdup(r->mem, s);
	cJSON_free(s);
	cJSON_Delete(o);
	return out;
}

/*
 * Inserts the Document row (the 11 parameters of documents_insert) with its
 * audit entry inside the transaction lead_begin() opened, and commits.
 * Returns the row's JSON (arena), or NULL with the transaction rolled back.
 */
static const char *
insert_row(struct req *r, const char *const params[11], const char *audit_new)
{
	PGresult *res;
	const char *row;

	if ((res = db_query(r->db, r->mem, &documents_sql[SQL_DOCUMENTS_INSERT], 11, params)) ==
		NULL ||
	    (row = arena_strdup(r->mem, PQgetvalue(res, 0, 0))) == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "document_added", "document", NULL,
		    audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1) {
		db_rollback(r->db);
		return NULL;
	}
	return row;
}

/*
 * POST /api/leads/{id}/documents/upload, every role but AUDITOR (scoped).
 * multipart/form-data: file (required), type (default "document"), checksum
 * (optional hex SHA-256; if given it must match).
 * 201 the Document row; 400 malformed body, file under another field,
 * two files, empty file, no file ("File is required"), bad type, checksum
 * mismatch, body cut short; 403/404 lead access; 409 anonymised lead or CLIENT_ACTIVE;
 * 411/413/415 body limits (http.c) and 413 LIMIT_FILE_SIZE while
 * streaming; 415 content not on the allow-list; 503 S3 unreachable.
 */
static int
documents_upload(struct req *r)
{
	struct upload u = { .r = r };
	struct valid_out *in;
	const char *type, *sha, *fp, *key, *sum, *row, *nv;
	char id[ID_SIZE], size[24];
	enum storage_err se;
	int kind;

	if (lead_access(r, r->id, LEAD_WRITE, NULL) == -1)
		return 0;
	if (receive(r, &u) == -1 || check_fields(r, &u, &in) == -1)
		return 0;
	if (u.obj == NULL || (u.empty_name && storage_size(u.obj) == 0))
		return http_fail(r, 400, NULL, "File is required");
	if (storage_size(u.obj) == 0)
		return http_fail(r, 400, "EMPTY_FILE", "Plik jest pusty.");
	if ((kind = sniff(storage_spool_path(u.obj))) == -2)
		return http_fail(r, 500, NULL, "Internal server error");
	if (kind == -1)
		return http_fail(r, 415, "UNSUPPORTED_FILE_TYPE", MSG_TYPE);
	if ((sha = storage_sha256(u.obj)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	sum =
	    in->v[UP_CHECKSUM].present && in->v[UP_CHECKSUM].s != NULL ? in->v[UP_CHECKSUM].s : "";
	if (*sum != '\0' && strcasecmp(sum, sha) != 0)
		return http_fail(r, 400, "CHECKSUM_MISMATCH",
		    "Suma kontrolna nie zgadza się z przesłanym plikiem.");
	type = in->v[UP_TYPE].present ? in->v[UP_TYPE].s : "document";

	se = storage_store(u.obj, allowed[kind].ext, allowed[kind].mime, &fp, &key);
	if (se == STORAGE_EUNAVAILABLE)
		return http_fail(r, 503, "STORAGE_UNAVAILABLE", MSG_STORAGE_DOWN);
	if (se != STORAGE_OK || id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	snprintf(size, sizeof(size), "%llu", (unsigned long long)storage_size(u.obj));
	const char *params[11] = { id, r->id, type, fp, r->user->id, sha, u.original,
		allowed[kind].mime, size, storage_provider(), key };
	nv = new_value(r, id, type,
	    arena_printf(r->mem, "/api/leads/%s/documents/%s/download", r->id, id), u.original,
	    allowed[kind].mime, storage_size(u.obj));
	if (nv == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	/* Access was checked before the body was read; the row lock re-checks it, with
	 * anonymisation and client activity, for the insert (an unkept object is removed). */
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if ((row = insert_row(r, params, nv)) == NULL)
		return http_fail_db(r);
	if (storage_commit(u.obj) == -1) {
		const char *del[1] = { id };
		if (db_query(r->db, r->mem, &documents_sql[SQL_DOCUMENTS_DELETE], 1, del) == NULL)
			log_error("documents", "document %s has no file", id);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	log_info("documents", "document %s stored for lead %s (%s bytes)", id, r->id, size);
	return http_created_raw(r, row);
}

/*
 * POST /api/leads/{id}/documents, OPERATOR SUPERVISOR ADMIN.
 * Attaches an external document by URL (http/https only, SR-23); the
 * checksum is accepted and not stored (spec §4.6.6).
 * 201 the Document row; 400 validation; 403/404 lead access; 409 anonymised lead or
 * CLIENT_ACTIVE.
 */
static int
documents_attach(struct req *r)
{
	const char *type = r->in->v[AT_TYPE].s, *path = r->in->v[AT_PATH].s, *row, *nv;
	char id[ID_SIZE];

	if (id_new(id) == -1 || (nv = new_value(r, id, type, path, NULL, NULL, 0)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	const char *params[11] = { id, r->id, type, path, r->user->id, NULL, NULL, NULL, NULL, NULL,
		NULL };
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if ((row = insert_row(r, params, nv)) == NULL)
		return http_fail_db(r);
	return http_created_raw(r, row);
}

/*
 * GET /api/leads/{id}/documents, every role but AUDITOR (scoped).
 * 200 [Document...] newest first; 403/404 lead access.
 */
static int
documents_list(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &documents_sql[SQL_DOCUMENTS_LIST], 1, params)) == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* The authorised answer for one document of a lead the user may read. */
static int
serve(struct req *r, const char *doc_id, const char *lead_id)
{
	const char *params[2] = { doc_id, lead_id };
	const char *fp, *provider, *key, *name, *disp;
	PGresult *res;

	if ((res = db_query(r->db, r->mem, &documents_sql[SQL_DOCUMENTS_GET], 2, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 5), "t") == 0)
		return http_fail(r, 404, NULL, "Document not found");
	fp = PQgetvalue(res, 0, 0);
	provider = PQgetisnull(res, 0, 1) ? "" : PQgetvalue(res, 0, 1);
	key = PQgetvalue(res, 0, 2);
	name = PQgetvalue(res, 0, 3);
	if (*provider == '\0') {
		/* Attached by URL: validated http(s) at insert (SR-23). */
		if (!valid_http_url(fp) || http_header(r, "Location", fp) == -1)
			return http_fail(r, 404, NULL, "Document not found");
		http_ok_raw(r, "{}");
		r->resp.status = 302;
		return 0;
	}
	if ((disp = storage_disposition(r->mem, *name != '\0' ? name : strrchr(fp, '/') + 1)) ==
	    NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (strcmp(provider, "s3") == 0) {
		const char *url;
		if (!upload_cfg.s3)
			return http_fail(r, 503, "STORAGE_UNAVAILABLE", MSG_STORAGE_DOWN);
		url = storage_presign(r->mem, key, disp, r->now, STORAGE_PRESIGN_SECONDS);
		if (url == NULL || http_header(r, "Location", url) == -1 ||
		    http_header(r, "Content-Disposition", disp) == -1)
			return http_fail(r, 500, NULL, "Internal server error");
		http_ok_raw(r, "{}");
		r->resp.status = 302;
		return 0;
	}
	const char *file = storage_disk_name(fp, lead_id);
	const char *accel = file != NULL
	    ? arena_printf(r->mem, "%s%s/%s", STORAGE_ACCEL_PREFIX, lead_id, file)
	    : NULL;
	if (file == NULL) {
		log_error("documents", "document %s has an unusable path", doc_id);
		return http_fail(r, 404, NULL, "Document not found");
	}
	/* nginx keeps our Content-Type for the file: never a type a browser would render. */
	if (accel == NULL || http_header(r, "X-Accel-Redirect", accel) == -1 ||
	    http_header(r, "Content-Disposition", disp) == -1 ||
	    http_header(r, "Content-Type", "application/octet-stream") == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	return http_ok_raw(r, "{}");
}

/*
 * GET /api/leads/{id}/documents/{docId}/download, every role but AUDITOR (scoped).
 * 200 with X-Accel-Redirect to the internal location (disk) or 302 to a
 * URL pre-signed for 5 minutes (s3) or to the attached URL, each with
 * Content-Disposition: attachment; 403/404 lead access; 404 no such
 * document; 503 an s3 document while S3 is not configured.
 */
static int
documents_download(struct req *r)
{
	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	return serve(r, r->caps[1], r->id);
}

/*
 * GET /uploads/{leadId}/{name}, every role but AUDITOR: the reference's
 * public path, no longer public (spec §4.15 [SEC], SR-27).  404 unless
 * the file is a document of a lead the user may read; then as the download.
 */
static int
documents_legacy(struct req *r)
{
	const char *fp = arena_printf(r->mem, "/uploads/%s/%s", r->caps[0], r->caps[1]);
	const char *params[1] = { fp };
	PGresult *res;
	const char *doc, *lead;

	if (fp == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, &documents_sql[SQL_DOCUMENTS_BY_PATH], 1, params)) ==
	    NULL)
		return http_fail_db(r);
	if (PQntuples(res) == 0)
		return http_fail(r, 404, NULL, "Not found");
	doc = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	lead = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	if (doc == NULL || lead == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (lead_access(r, lead, LEAD_READ, NULL) == -1) {
		/* Whether a file exists is nobody else's business. */
		return http_fail(r, 404, NULL, "Not found");
	}
	return serve(r, doc, lead);
}

static int
documents_init(struct db *db)
{
	char err[256];

	if (cfg_load_upload(&upload_cfg, err, sizeof(err)) == -1) {
		log_error("cfg", "refusing to start: %s", err);
		return -1;
	}
	if (storage_init(&upload_cfg) == -1)
		return -1;
	/* Checked before the session: the file plus the multipart framing. */
	http_stream_limit((unsigned long long)upload_cfg.max_bytes + MULTIPART_OVERHEAD);
	/* A worker that cannot sniff refuses to start rather than every upload. */
	magic_t m = magic_start();
	if (m == NULL)
		return -1;
	magic_close(m);
	return leadaccess_init(db) == -1 || db_register(db, documents_sql, DOCUMENTS_SQL__MAX) == -1
	    ? -1
	    : 0;
}

extern const struct http_app documents_app;
static const http_init_fn documents_inits[] = { session_init, documents_init, NULL };
const struct http_app documents_app = {
	"documents",
	documents_routes,
	sizeof(documents_routes) / sizeof(documents_routes[0]),
	documents_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&documents_app);
}
#endif
