/*
 * imports: the lead import (issue 14): a CSV or XLSX file is uploaded, its columns mapped to lead fields, checked in a
 * dry run and then imported in batches, each committed on its own, with an
 * undo of the whole import for an hour.
 *
 *   POST /api/imports               upload (multipart, field "file", at most
 *                                   20 MB): the job, its columns, a mapping
 *   GET  /api/imports/:id           the job: status, progress, counters, ids
 *   POST /api/imports/:id/dry-run   {mapping, partnerId}: the report
 *   POST /api/imports/:id/run       the real run; answers the finished job
 *   POST /api/imports/:id/undo      deletes the import's leads (1 hour)
 *
 * Who: SUPERVISOR and ADMIN into any partner, PARTNER_MANAGER into their own
 * partner only.  A job is seen by the user who uploaded it (and ADMIN).
 *
 * Every row goes through the rules of POST /api/leads: the body a row makes
 * is validated with leads_create_in, built into the create document by
 * leads_create_doc() and stored by leads_create.sql's own statement, so the
 * defaults, the round robin and the triggers are those of any new lead.
 * Duplicates use the duplicate check's keys (e-mail, phone key, PESEL hash
 * on visible leads).  A row with a problem, a duplicate of an existing lead
 * or of an earlier row of the file is not imported; the report says why.
 * Cells that start like a spreadsheet formula (=, @, or + and - followed by
 * anything but a number) are refused: the file is data, not a sheet.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "common/arena.h"
#include "common/csv.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/multipart.h"
#include "common/role.h"
#include "common/session.h"
#include "common/sheet.h"
#include "common/valid.h"
#include "common/xlsx_read.h"

#include "imports.sql.h"
#include "leads.h"

/* The upload cap: a 100 000-row CSV of leads is far below it. */
#define IMPORT_MAX_BYTES (20u * 1024u * 1024u)
/* The multipart framing around the file. */
#define IMPORT_OVERHEAD (64u * 1024u)
#define IMPORT_MAX_ROWS 50001
/* Leads per committed batch: small enough for a smooth progress bar. */
#define IMPORT_BATCH 250
/* Problems listed in a report (all are counted). */
#define IMPORT_MAX_ISSUES 20000
/* One row's validation and create document; a batch's documents. */
#define ROW_ARENA    (512u * 1024u)
#define BATCH_ARENA  (4u * 1024u * 1024u)
#define CHUNK        65536

#define ROLES_IMPORT (ROLES_MANAGERS | ROLE_BIT(ROLE_PARTNER_MANAGER))

static int imports_upload(struct req *);
static int imports_get(struct req *);
static int imports_dry_run(struct req *);
static int imports_run(struct req *);
static int imports_undo(struct req *);
static const struct field_table dry_in;

static const struct route imports_routes[] = {
	/* method     pattern                     handler          roles         body */
	{ HTTP_POST, "/api/imports", imports_upload, ROLES_IMPORT, &http_body_stream, NULL },
	{ HTTP_GET, "/api/imports/:id", imports_get, ROLES_IMPORT, NULL, NULL },
	{ HTTP_POST, "/api/imports/:id/dry-run", imports_dry_run, ROLES_IMPORT, &dry_in, NULL },
	{ HTTP_POST, "/api/imports/:id/run", imports_run, ROLES_IMPORT, NULL, NULL },
	{ HTTP_POST, "/api/imports/:id/undo", imports_undo, ROLES_IMPORT, NULL, NULL },
};

/* The lead fields a column can be mapped to (the UI's labels: i18n.js leadImport). */
enum ifield {
	IF_FIRST,
	IF_LAST,
	IF_EMAIL,
	IF_PHONE,
	IF_PESEL,
	IF_POSTAL,
	IF_CITY,
	IF_VOIV,
	IF_NOTES,
	IF_PARTNER,
	IF_CONSENTS,
	IF_CSOURCE,
	IF_CDATE,
	IF_CMETHOD,
	IF__MAX
};
static const char *const import_fields[IF__MAX + 1] = {
	[IF_FIRST] = "firstName",
	[IF_LAST] = "lastName",
	[IF_EMAIL] = "email",
	[IF_PHONE] = "phone",
	[IF_PESEL] = "pesel",
	[IF_POSTAL] = "postalCode",
	[IF_CITY] = "city",
	[IF_VOIV] = "voivodeship",
	[IF_NOTES] = "notes",
	[IF_PARTNER] = "partnerId",
	[IF_CONSENTS] = "consents",
	[IF_CSOURCE] = "consentSource",
	[IF_CDATE] = "consentDate",
	[IF_CMETHOD] = "consentMethod",
	[IF__MAX] = NULL,
};
/* Header names recognised without a remembered mapping (lower case, Polish and English). */
static const char *const guesses[IF__MAX][4] = {
	[IF_FIRST] = { "imię", "imie", "first name", "firstname" },
	[IF_LAST] = { "nazwisko", "last name", "lastname", "surname" },
	[IF_EMAIL] = { "e-mail", "email", "adres e-mail", "mail" },
	[IF_PHONE] = { "telefon", "phone", "nr telefonu", "tel" },
	[IF_PESEL] = { "pesel" },
	[IF_POSTAL] = { "kod pocztowy", "kod", "postal code", "postalcode" },
	[IF_CITY] = { "miasto", "miejscowość", "city" },
	[IF_VOIV] = { "województwo", "wojewodztwo", "voivodeship" },
	[IF_NOTES] = { "notatki", "uwagi", "notes" },
	[IF_PARTNER] = { "partner", "partnerid", "id partnera" },
	[IF_CONSENTS] = { "zgody", "consents" },
	[IF_CSOURCE] = { "źródło zgody", "zrodlo zgody", "consent source" },
	[IF_CDATE] = { "data zgody", "consent date" },
	[IF_CMETHOD] = { "sposób zgody", "sposob zgody", "consent method" },
};
/* The leads_create_in path element each field is checked under. */
static const char *const create_keys[IF__MAX] = {
	[IF_FIRST] = "firstName",
	[IF_LAST] = "lastName",
	[IF_EMAIL] = "email",
	[IF_PHONE] = "phone",
	[IF_PESEL] = "pesel",
	[IF_POSTAL] = "postalCode",
	[IF_CITY] = "city",
	[IF_VOIV] = "voivodeship",
	[IF_NOTES] = "notes",
	[IF_PARTNER] = "partnerId",
	[IF_CONSENTS] = "consents",
	[IF_CSOURCE] = "consentSource",
	[IF_CDATE] = "consentDate",
	[IF_CMETHOD] = "consentMethod",
};
static const char *const consent_methods[] = { "ONLINE_FORM", "PHONE_CALL", "PARTNER_SUBMISSION",
	NULL };

static const struct field map_elem = {
	.name = "field", .type = FT_ENUM, .flags = F_NULLABLE, .options = import_fields
};
enum dry_key { DR_MAPPING, DR_PARTNER, DR__MAX };
static const struct field dry_fields[DR__MAX] = {
	[DR_MAPPING] = { "mapping", FT_ARRAY, F_REQUIRED, 1, SHEET_MAX_COLS, NULL, NULL,
	    &map_elem },
	[DR_PARTNER] = { "partnerId", FT_STRING, F_NULLABLE, 1, 64 },
};
static const struct field_table dry_in = FIELD_TABLE(dry_fields);

/* --- reading a file ------------------------------------------------------------ */

/* The one place that knows file kinds: a zip ("PK\3\4") is XLSX, anything else CSV. */
static enum sheet_status
import_read(const void *buf, size_t len, sheet_row_fn fn, void *ctx, const char **why)
{
	static const struct sheet_limits lim = { IMPORT_MAX_ROWS, SHEET_MAX_COLS, SHEET_MAX_CELL,
		SHEET_MAX_BYTES };

	if (len >= 4 && memcmp(buf, "PK\3\4", 4) == 0)
		return xlsx_read(buf, len, &lim, fn, ctx, why);
	return csv_read(buf, len, &lim, fn, ctx, why);
}

static const char *
import_format(const void *buf, size_t len)
{
	return buf != NULL && len >= 4 && memcmp(buf, "PK\3\4", 4) == 0 ? "XLSX" : "CSV";
}

static void
arena_free_cb(void *p)
{
	arena_free(p);
}

static void
free_cb(void *p)
{
	free(p);
}

static void
pqfree_cb(void *p)
{
	PQfreemem(p);
}

static void
cjson_cb(void *p)
{
	cJSON_Delete(p);
}

/* --- upload ------------------------------------------------------------------ */

struct upload {
	struct req *r;
	char *buf;
	size_t len, cap;
	int files;
	bool in_file;
	char name[MULTIPART_FILENAME_MAX + 1];
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

static int
up_begin(void *ctx, const struct multipart_part *p)
{
	struct upload *u = ctx;

	u->in_file = false;
	if (!p->has_filename)
		return 0;
	if (strcmp(p->name, "file") != 0)
		return refuse(u, 400, "LIMIT_UNEXPECTED_FILE", "Unexpected field");
	if (++u->files > 1)
		return refuse(u, 400, "LIMIT_FILE_COUNT", "Too many files");
	snprintf(
	    u->name, sizeof(u->name), "%s", p->filename[0] != '\0' ? p->filename : "import.csv");
	u->in_file = true;
	return 0;
}

static int
up_data(void *ctx, const char *buf, size_t n)
{
	struct upload *u = ctx;

	if (!u->in_file)
		return 0;
	if (u->len + n > IMPORT_MAX_BYTES)
		return refuse(u, 413, "LIMIT_FILE_SIZE", "File too large");
	if (u->len + n > u->cap) {
		size_t ncap = u->cap == 0 ? 1u << 20 : u->cap;
		char *nb;

		while (ncap < u->len + n)
			ncap *= 2;
		if ((nb = realloc(u->buf, ncap)) == NULL)
			return refuse(u, 500, NULL, "Internal server error");
		u->buf = nb;
		u->cap = ncap;
	}
	memcpy(u->buf + u->len, buf, n);
	u->len += n;
	return 0;
}

static int
up_end(void *ctx)
{
	((struct upload *)ctx)->in_file = false;
	return 0;
}

/* The body through the multipart parser into u->buf; -1 with the response set. */
static int
receive(struct req *r, struct upload *u)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	struct multipart_cb cb = { up_begin, up_data, up_end, u };
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
	if (multipart_error(m) != MULTIPART_OK || r->body_left > 0 || multipart_finish(m) == -1)
		return http_fail(r, 400, NULL, "Malformed multipart body"), -1;
	if (u->files == 0)
		return http_fail(r, 400, NULL, "Brak pliku w polu \"file\""), -1;
	return 0;
}

struct header {
	cJSON *columns;
	size_t rows;
};

static int
on_header(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct header *h = ctx;

	if (row > 0) {
		h->rows++;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!cJSON_AddItemToArray(h->columns, cJSON_CreateString(cells[i])))
			return -1;
	return 0;
}

/*
 * A header name in lower case, trimmed: ASCII and the Polish capitals
 * (two-byte UTF-8 whose small letter is the next code point, or +0x20 for Ó).
 */
static void
header_key(char *out, size_t outsz, const char *in)
{
	static const char *const caps[] = { "\xC4\x84", "\xC4\x86", "\xC4\x98", "\xC5\x81",
		"\xC5\x83", "\xC5\x9A", "\xC5\xB9", "\xC5\xBB" };
	size_t n = 0;

	while (*in == ' ')
		in++;
	for (; *in != '\0' && n + 2 < outsz; in++) {
		bool cap = false;
		for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]) && !cap; k++)
			cap = in[0] == caps[k][0] && in[1] == caps[k][1];
		if (cap || (in[0] == '\xC3' && in[1] == '\x93')) {
			out[n++] = in[0];
			out[n++] = (char)(in[1] + (cap ? 1 : 0x20));
			in++;
		} else
			out[n++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in - 'A' + 'a') : *in;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/*
 * The suggested mapping, one field name (or null) per column: the user's
 * remembered choice for that header name, else a known header name.
 */
static cJSON *
suggest(struct req *r, const cJSON *columns)
{
	const char *p[1] = { r->user->id };
	cJSON *out = cJSON_CreateArray(), *remembered = NULL;
	bool used[IF__MAX] = { false };
	PGresult *res;
	const cJSON *c;

	if (out == NULL)
		return NULL;
	if ((res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_MAPPING_GET], 1, p)) == NULL)
		goto fail;
	if (PQntuples(res) == 1)
		remembered = cJSON_Parse(PQgetvalue(res, 0, 0));
	cJSON_ArrayForEach(c, columns)
	{
		const cJSON *m = remembered != NULL
		    ? cJSON_GetObjectItemCaseSensitive(remembered, c->valuestring)
		    : NULL;
		char key[128];
		int f = -1;

		if (m != NULL && cJSON_IsString(m))
			for (int k = 0; k < IF__MAX; k++)
				if (strcmp(m->valuestring, import_fields[k]) == 0 && !used[k])
					f = k;
		header_key(key, sizeof(key), c->valuestring);
		for (int k = 0; k < IF__MAX && f == -1 && m == NULL; k++)
			for (int g = 0; g < 4 && guesses[k][g] != NULL; g++)
				if (!used[k] && strcmp(key, guesses[k][g]) == 0)
					f = k;
		if (f >= 0)
			used[f] = true;
		if (!cJSON_AddItemToArray(
			out, f >= 0 ? cJSON_CreateString(import_fields[f]) : cJSON_CreateNull()))
			goto fail;
	}
	cJSON_Delete(remembered);
	return out;
fail:
	cJSON_Delete(remembered);
	cJSON_Delete(out);
	return NULL;
}

/*
 * POST /api/imports — SUPERVISOR, ADMIN, PARTNER_MANAGER.
 * 201 {id, fileName, format, columns, rowCount, mapping, fields}.
 * 400 not multipart, no "file" part, an unreadable or empty file (the
 *     reader's Polish reason).
 * 411/413 (LIMIT_FILE_SIZE, over 20 MB: before anything is read)/415.
 */
static int
imports_upload(struct req *r)
{
	struct upload u = { .r = r };
	struct header h = { 0 };
	const char *why = "Nieprawidłowy plik", *params[8];
	char id[ID_SIZE], *hex;
	size_t hexlen;
	cJSON *out, *mapping, *fields;
	enum sheet_status st;

	if (receive(r, &u) == -1) {
		free(u.buf);
		return 0;
	}
	if (arena_defer(r->mem, free_cb, u.buf) == -1) {
		free(u.buf);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	if ((h.columns = cJSON_CreateArray()) == NULL ||
	    arena_defer(r->mem, cjson_cb, h.columns) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	st = import_read(u.buf != NULL ? u.buf : "", u.len, on_header, &h, &why);
	if (st == SHEET_NOMEM || (st == SHEET_STOPPED))
		return http_fail(r, 500, NULL, "Internal server error");
	if (st != SHEET_OK)
		return http_fail(r, 400, "INVALID_FILE", why);
	if (cJSON_GetArraySize(h.columns) == 0 || h.rows == 0)
		return http_fail(r, 400, "INVALID_FILE", "Plik nie zawiera wierszy z danymi");

	/* bytea travels as its hex text form: the statements take text parameters. */
	hexlen = u.len * 2 + 3;
	if ((hex = malloc(hexlen)) == NULL || arena_defer(r->mem, free_cb, hex) == -1) {
		free(hex);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	hex[0] = '\\';
	hex[1] = 'x';
	for (size_t i = 0; u.buf != NULL && i < u.len; i++) {
		static const char digits[] = "0123456789abcdef";
		hex[2 + 2 * i] = digits[(unsigned char)u.buf[i] >> 4];
		hex[3 + 2 * i] = digits[(unsigned char)u.buf[i] & 15];
	}
	hex[2 + 2 * u.len] = '\0';
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	params[0] = id;
	params[1] = r->user->id;
	params[2] = u.name;
	params[3] = import_format(u.buf, u.len);
	params[4] = hex;
	params[5] = arena_printf(r->mem, "%zu", u.len);
	params[6] = json_print(r->mem, h.columns);
	params[7] = arena_printf(r->mem, "%zu", h.rows);
	if (params[5] == NULL || params[6] == NULL || params[7] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_INSERT], 8, params) == NULL)
		return http_fail_db(r);

	if ((out = cJSON_CreateObject()) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	mapping = suggest(r, h.columns);
	fields = cJSON_CreateStringArray(import_fields, IF__MAX);
	if (json_add_str_skip(out, "id", id) == -1 || json_add_str_skip(out, "fileName", u.name) ||
	    json_add_str_skip(out, "format", params[3]) == -1 ||
	    !cJSON_AddItemToObject(out, "columns", cJSON_Duplicate(h.columns, true)) ||
	    cJSON_AddNumberToObject(out, "rowCount", (double)h.rows) == NULL || mapping == NULL ||
	    !cJSON_AddItemToObject(out, "mapping", mapping) || fields == NULL ||
	    !cJSON_AddItemToObject(out, "fields", fields)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	log_info("imports", "import %s uploaded by %s: %zu bytes, %zu rows", id, r->user->id, u.len,
	    h.rows);
	return http_created(r, out);
}

/* --- the job ------------------------------------------------------------------- */

/* 200 with the job as imports_get shows it; 404 when the actor cannot see it. */
static int
reply_job(struct req *r)
{
	const char *p[3] = { r->id, r->user->id, role_name(r->user->role) };
	PGresult *res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_GET], 3, p);

	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, "Import not found");
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/imports/:id — SUPERVISOR, ADMIN, PARTNER_MANAGER.
 * 200 {id, status, progress (0-100), processedRows, createdCount,
 *     createdLeadIds, canUndo, undoUntil, ...}: the UI polls it during a run.
 * 404 "Import not found" (unknown, or another user's job).
 */
static int
imports_get(struct req *r)
{
	return reply_job(r);
}

/* Opens a transaction with the import's statement timeout; -1 (logged) on failure. */
static int
begin_long(struct db *db, struct arena *mem)
{
	if (db_begin(db) == -1)
		return -1;
	if (db_query(db, mem, &imports_sql[SQL_IMPORTS_TIMEOUT], 0, NULL) == NULL) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* The locked job row (imports_lock) or NULL with the response set (404/500). */
static PGresult *
lock_job(struct req *r)
{
	const char *p[3] = { r->id, r->user->id, role_name(r->user->role) };
	PGresult *res;

	if (begin_long(r->db, r->mem) == -1) {
		http_fail_db(r);
		return NULL;
	}
	if ((res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_LOCK], 3, p)) == NULL) {
		tx_fail_db(r);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		tx_fail(r, 404, "Import not found");
		return NULL;
	}
	return res;
}

/* The stored file of a locked job row (column 3, hex text); NULL on failure. */
static unsigned char *
job_file(struct req *r, PGresult *job, size_t *len)
{
	unsigned char *buf;

	if (PQgetisnull(job, 0, 3))
		return NULL;
	buf = PQunescapeBytea((const unsigned char *)PQgetvalue(job, 0, 3), len);
	if (buf != NULL && arena_defer(r->mem, pqfree_cb, buf) == -1) {
		PQfreemem(buf);
		return NULL;
	}
	return buf;
}

/* --- checking the rows -------------------------------------------------------- */

enum row_state { ROW_NONE, ROW_VALID, ROW_INVALID, ROW_DUPLICATE };

struct pass {
	struct req *r;
	struct req rr; /* r with the per-row arena */
	struct arena *scratch;
	int col[IF__MAX]; /* column of each field, -1 when unmapped */
	const cJSON *columns;
	const char *partner; /* the import's partner (body or the actor's) */
	bool partner_user;
	cJSON *issues;     /* [{row, column, value, problem}] */
	size_t nissues;    /* all of them, listed or not */
	cJSON *keys;       /* [{row, email, phone, pesel}] of the valid rows */
	cJSON *row_ids;    /* [{row, partner, templates}] of the valid rows */
	unsigned char *st; /* enum row_state per data row */
	size_t rows;
	size_t flagged; /* rows whose consents lack evidence */
	/* the real run */
	bool create;
	const char *job;
	const char *batch[IMPORT_BATCH]; /* lead ids */
	const char *docs[IMPORT_BATCH];  /* their create documents */
	cJSON *consents;                 /* the batch's consents with evidence */
	size_t nbatch, done, created;
	struct arena *batch_mem;
	int fail;
};

static const char *
cell(const struct pass *p, const char *const *cells, size_t n, int f)
{
	int c = p->col[f];
	const char *v;

	if (c < 0 || (size_t)c >= n || cells[c][0] == '\0')
		return NULL;
	v = cells[c];
	/*
	 * Our export (common/sheet_write.c) and spreadsheets neutralise a cell that
	 * starts like a formula with a leading "'": read back, the cell is its value
	 * ("'+48 600 ..." a phone; "'=cmd..." still a formula, refused below).
	 */
	if (v[0] == '\'' && v[1] != '\0' && strchr("=+-@\t\r", v[1]) != NULL)
		v++;
	return v;
}

/*
 * A cell a spreadsheet would run as a formula: "=..." and "@..." always, "+"
 * or "-" unless a number follows (phones "+48 600 ...", amounts "-5").
 */
static bool
is_formula(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s == '=' || *s == '@')
		return true;
	if (*s == '+' || *s == '-')
		return !(s[1] >= '0' && s[1] <= '9') && s[1] != ' ' && s[1] != '(' && s[1] != '\0';
	return false;
}

static int
add_issue(struct pass *p, size_t row, int f, const char *value, const char *problem)
{
	cJSON *o;
	const cJSON *name = f >= 0 ? cJSON_GetArrayItem(p->columns, p->col[f]) : NULL;

	p->nissues++;
	if (p->create || p->nissues > IMPORT_MAX_ISSUES)
		return 0;
	if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(p->issues, o) ||
	    cJSON_AddNumberToObject(o, "row", (double)row + 1) == NULL ||
	    json_add_str_null(o, "column",
		name != NULL && cJSON_IsString(name) ? name->valuestring : NULL) == -1 ||
	    json_add_str_null(o, "field", f >= 0 ? import_fields[f] : NULL) == -1 ||
	    json_add_str_null(o, "value", value) == -1 ||
	    cJSON_AddStringToObject(o, "problem", problem) == NULL)
		return -1;
	return 0;
}

/* The Polish problem of a leads_create_in issue. */
static const char *
problem_of(const cJSON *issue)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(issue, "code");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(issue, "message");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(issue, "validation");
	const char *c = cJSON_IsString(code) ? code->valuestring : "";

	if (cJSON_IsString(msg) && strcmp(msg->valuestring, "Required") == 0)
		return "Pole wymagane";
	if (strcmp(c, "too_small") == 0)
		return "Wartość jest za krótka";
	if (strcmp(c, "too_big") == 0)
		return "Wartość jest za długa";
	if (strcmp(c, "invalid_enum_value") == 0)
		return "Nieprawidłowa wartość";
	if (cJSON_IsString(v) && strcmp(v->valuestring, "email") == 0)
		return "Nieprawidłowy adres e-mail";
	if (cJSON_IsString(v) && strcmp(v->valuestring, "regex") == 0 && cJSON_IsString(msg))
		return msg->valuestring; /* the field's own Polish message (PESEL, postal code) */
	if (cJSON_IsString(v) &&
	    (strcmp(v->valuestring, "control") == 0 || strcmp(v->valuestring, "utf8") == 0))
		return "Niedozwolone znaki";
	return "Nieprawidłowa wartość";
}

static int
field_of_path(const cJSON *issue)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(issue, "path");
	const cJSON *last = cJSON_GetArrayItem(path, cJSON_GetArraySize(path) - 1);

	if (!cJSON_IsString(last))
		return -1;
	for (int k = 0; k < IF__MAX; k++)
		if (strcmp(create_keys[k], last->valuestring) == 0)
			return k;
	return -1;
}

static const char *
consent_method(const char *s)
{
	for (size_t i = 0; s != NULL && consent_methods[i] != NULL; i++)
		if (strcasecmp(s, consent_methods[i]) == 0)
			return consent_methods[i];
	return NULL;
}

/* Whether the consent evidence of a row is complete: source, date and method. */
static bool
has_evidence(const struct pass *p, const char *const *cells, size_t n)
{
	long long ms;
	const char *date = cell(p, cells, n, IF_CDATE);

	return cell(p, cells, n, IF_CSOURCE) != NULL && date != NULL &&
	    valid_parse_date(date, &ms) && consent_method(cell(p, cells, n, IF_CMETHOD)) != NULL;
}

/* The body POST /api/leads would get for this row (in cJSON, for valid_json). */
static cJSON *
row_body(struct pass *p, size_t row, const char *const *cells, size_t n, const char *partner)
{
	static const int customer[] = { IF_FIRST, IF_LAST, IF_EMAIL, IF_PHONE, IF_PESEL, IF_POSTAL,
		IF_CITY, IF_VOIV };
	cJSON *b = cJSON_CreateObject(), *c, *meta;

	if (b == NULL || json_add_str_skip(b, "partnerId", partner) == -1 ||
	    json_add_str_skip(b, "notes", cell(p, cells, n, IF_NOTES)) == -1 ||
	    (meta = cJSON_AddObjectToObject(b, "sourceMetadata")) == NULL ||
	    cJSON_AddStringToObject(meta, "source", "import") == NULL ||
	    json_add_str_skip(meta, "importId", p->r->id) == -1 ||
	    cJSON_AddNumberToObject(meta, "importRow", (double)row + 1) == NULL ||
	    (c = cJSON_AddObjectToObject(b, "customer")) == NULL)
		goto fail;
	/* The flag of a lead whose file named consents without their evidence. */
	if (cell(p, cells, n, IF_CONSENTS) != NULL && !has_evidence(p, cells, n) &&
	    cJSON_AddTrueToObject(meta, "consentsWithoutEvidence") == NULL)
		goto fail;
	for (size_t i = 0; i < sizeof(customer) / sizeof(customer[0]); i++)
		if (json_add_str_skip(
			c, create_keys[customer[i]], cell(p, cells, n, customer[i])) == -1)
			goto fail;
	return b;
fail:
	cJSON_Delete(b);
	return NULL;
}

/*
 * Checks one data row with the create rules.  0 with *out set when the row is
 * valid, 1 when it has problems (added to the report), -1 out of memory.
 */
static int
check_row(struct pass *p, size_t row, const char *const *cells, size_t n, struct valid_out **out,
    const char **partner)
{
	cJSON *body, *issues;
	const char *rp = cell(p, cells, n, IF_PARTNER);
	int bad = 0;

	*partner = p->partner;
	for (int f = 0; f < IF__MAX; f++) {
		const char *v = cell(p, cells, n, f);
		if (v != NULL && is_formula(v)) {
			if (add_issue(p, row, f, v, "Formuła w komórce jest niedozwolona") == -1)
				return -1;
			bad = 1;
		}
	}
	if (rp != NULL) {
		if (p->partner_user && strcmp(rp, p->partner) != 0) {
			if (add_issue(p, row, IF_PARTNER, rp,
				"Nie można importować leadów innego partnera") == -1)
				return -1;
			bad = 1;
		}
		*partner = rp;
	}
	if (*partner == NULL) {
		if (add_issue(p, row, p->col[IF_PARTNER] >= 0 ? IF_PARTNER : -1, NULL,
			"Brak partnera: wybierz partnera importu albo kolumnę z partnerem") == -1)
			return -1;
		bad = 1;
	}
	if (bad)
		return 1;
	if ((body = row_body(p, row, cells, n, *partner)) == NULL)
		return -1;
	if ((issues = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(body);
		return -1;
	}
	if (valid_json(p->scratch, &leads_create_in, body, out, issues) == 0) {
		cJSON_Delete(issues);
		/* valid_json keeps pointers into the input until the arena's reset */
		return arena_defer(p->scratch, cjson_cb, body) == -1 ? (cJSON_Delete(body), -1) : 0;
	}
	if (cJSON_GetArraySize(issues) == 0)
		bad = -1;
	else {
		const cJSON *is;
		cJSON_ArrayForEach(is, issues)
		{
			int f = field_of_path(is);
			if (add_issue(p, row, f, f >= 0 ? cell(p, cells, n, f) : NULL,
				problem_of(is)) == -1)
				bad = -1;
		}
		if (bad == 0)
			bad = 1;
	}
	cJSON_Delete(issues);
	cJSON_Delete(body);
	return bad;
}

/* The template ids of a consents cell, separated by ',', ';', '|' or spaces. */
static cJSON *
split_ids(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	char buf[SHEET_MAX_CELL + 1];
	char *save = NULL, *t;

	if (a == NULL || s == NULL)
		return a;
	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, ",;| ", &save); t != NULL; t = strtok_r(NULL, ",;| ", &save))
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(t))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

/* Pass 1 (dry run and run): the problems and the keys of the valid rows. */
static int
on_check(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct pass *p = ctx;
	struct valid_out *out;
	const char *partner;
	int rc;

	if (row == 0)
		return 0;
	arena_reset(p->scratch);
	if ((rc = check_row(p, row, cells, n, &out, &partner)) == -1)
		return -1;
	p->st[row] = rc == 0 ? ROW_VALID : ROW_INVALID;
	if (rc == 0) {
		cJSON *k = cJSON_CreateObject(), *ids = cJSON_CreateObject();
		const char *pesel = cell(p, cells, n, IF_PESEL);
		const char *hash = NULL;

		if (k == NULL || ids == NULL || !cJSON_AddItemToArray(p->keys, k) ||
		    !cJSON_AddItemToArray(p->row_ids, ids)) {
			cJSON_Delete(k);
			cJSON_Delete(ids);
			return -1;
		}
		if (pesel != NULL && (hash = leads_pesel_hash(&p->rr, pesel)) == NULL)
			return -1;
		if (cJSON_AddNumberToObject(k, "row", (double)row) == NULL ||
		    json_add_str_skip(k, "email", cell(p, cells, n, IF_EMAIL)) == -1 ||
		    json_add_str_skip(k, "phone", cell(p, cells, n, IF_PHONE)) == -1 ||
		    json_add_str_skip(k, "pesel", hash) == -1 ||
		    cJSON_AddNumberToObject(ids, "row", (double)row) == NULL ||
		    json_add_str_skip(ids, "partner", partner) == -1 ||
		    !cJSON_AddItemToObject(ids, "templates",
			has_evidence(p, cells, n) ? split_ids(cell(p, cells, n, IF_CONSENTS))
						  : cJSON_CreateArray()))
			return -1;
	}
	if (p->create)
		return 0;
	if (rc == 0 && cell(p, cells, n, IF_CONSENTS) != NULL && !has_evidence(p, cells, n))
		p->flagged++;
	return 0;
}

static bool
in_list(const cJSON *list, const char *s)
{
	const cJSON *e;

	cJSON_ArrayForEach(
	    e, list) if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0) return true;
	return false;
}

/* A text[] literal of the strings of a cJSON array of arrays/strings (ids are simple). */
static int
add_literal(char **lit, size_t *len, size_t *cap, const char *s)
{
	size_t need = strlen(s) * 2 + 4;
	char *q;

	if (*len + need + 2 > *cap) {
		size_t ncap = (*cap + need + 2) * 2;
		char *nb = realloc(*lit, ncap);
		if (nb == NULL)
			return -1;
		*lit = nb;
		*cap = ncap;
	}
	q = *lit + *len;
	if (*len > 1)
		*q++ = ',';
	*q++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*q++ = '\\';
		*q++ = *s;
	}
	*q++ = '"';
	*len = (size_t)(q - *lit);
	return 0;
}

/* The partner and template ids named by the valid rows that do not exist. */
static int
check_known(struct pass *p)
{
	char *plit = NULL, *tlit = NULL;
	size_t plen = 1, pcap = 0, tlen = 1, tcap = 0;
	const cJSON *e;
	const char *params[2];
	PGresult *res;
	cJSON *kp = NULL, *kt = NULL;
	int rc = -1;

	if ((plit = malloc(16)) == NULL || (tlit = malloc(16)) == NULL)
		goto out;
	pcap = tcap = 16;
	plit[0] = tlit[0] = '{';
	cJSON_ArrayForEach(e, p->row_ids)
	{
		const cJSON *pa = cJSON_GetObjectItemCaseSensitive(e, "partner"), *t;
		if (cJSON_IsString(pa) && add_literal(&plit, &plen, &pcap, pa->valuestring) == -1)
			goto out;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(e, "templates"))
		{
			if (add_literal(&tlit, &tlen, &tcap, t->valuestring) == -1)
				goto out;
		}
	}
	plit[plen++] = '}';
	plit[plen] = '\0';
	tlit[tlen++] = '}';
	tlit[tlen] = '\0';
	params[0] = plit;
	params[1] = tlit;
	if ((res = db_query(p->r->db, p->r->mem, &imports_sql[SQL_IMPORTS_KNOWN], 2, params)) ==
	    NULL)
		goto out;
	if ((kp = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    (kt = cJSON_Parse(PQgetvalue(res, 0, 1))) == NULL)
		goto out;
	cJSON_ArrayForEach(e, p->row_ids)
	{
		size_t row = (size_t)cJSON_GetObjectItemCaseSensitive(e, "row")->valuedouble;
		const cJSON *pa = cJSON_GetObjectItemCaseSensitive(e, "partner"), *t;
		if (!in_list(kp, pa->valuestring)) {
			if (add_issue(p, row, p->col[IF_PARTNER] >= 0 ? IF_PARTNER : -1,
				pa->valuestring, "Nie ma takiego partnera") == -1)
				goto out;
			p->st[row] = ROW_INVALID;
		}
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(e, "templates"))
		{
			if (in_list(kt, t->valuestring))
				continue;
			if (add_issue(p, row, IF_CONSENTS, t->valuestring,
				"Nie ma takiego szablonu zgody") == -1)
				goto out;
			p->st[row] = ROW_INVALID;
		}
	}
	rc = 0;
out:
	free(plit);
	free(tlit);
	cJSON_Delete(kp);
	cJSON_Delete(kt);
	return rc;
}

/* Marks the duplicates among the still valid rows; their list, or NULL (error). */
static cJSON *
check_duplicates(struct pass *p)
{
	cJSON *keys = cJSON_CreateArray(), *dups;
	const cJSON *e;
	const char *params[4];
	PGresult *res;

	if (keys == NULL)
		return NULL;
	cJSON_ArrayForEach(e, p->keys)
	{
		size_t row = (size_t)cJSON_GetObjectItemCaseSensitive(e, "row")->valuedouble;
		if (p->st[row] == ROW_VALID &&
		    !cJSON_AddItemToArray(keys, cJSON_Duplicate(e, true))) {
			cJSON_Delete(keys);
			return NULL;
		}
	}
	params[0] = json_print(p->r->mem, keys);
	cJSON_Delete(keys);
	params[1] = role_name(p->r->user->role);
	params[2] = p->r->user->id;
	params[3] = p->r->user->partner_id[0] != '\0' ? p->r->user->partner_id : NULL;
	if (params[0] == NULL ||
	    (res = db_query(
		 p->r->db, p->r->mem, &imports_sql[SQL_IMPORTS_DUPLICATES], 4, params)) == NULL ||
	    (dups = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL)
		return NULL;
	cJSON_ArrayForEach(e, dups)
	{
		cJSON *row = cJSON_GetObjectItemCaseSensitive(e, "row");
		cJSON *same = cJSON_GetObjectItemCaseSensitive(e, "sameAsRow");
		size_t i;

		if (row == NULL || !cJSON_IsNumber(row) || row->valuedouble < 1 ||
		    row->valuedouble >= IMPORT_MAX_ROWS)
			continue;
		i = (size_t)row->valuedouble;
		p->st[i] = ROW_DUPLICATE;
		/* Rows as the user numbers them: the header is row 1. */
		cJSON_SetNumberHelper(row, (double)i + 1);
		if (same != NULL && cJSON_IsNumber(same))
			cJSON_SetNumberHelper(same, same->valuedouble + 1);
	}
	return dups;
}

/* --- the real run -------------------------------------------------------------- */

/* A JSON array text of the batch's documents (already JSON texts). */
static const char *
join_docs(struct arena *mem, const char *const *docs, size_t n)
{
	size_t len = 3;
	char *out, *q;

	for (size_t i = 0; i < n; i++)
		len += strlen(docs[i]) + 1;
	if ((out = arena_alloc(mem, len)) == NULL)
		return NULL;
	q = out;
	*q++ = '[';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(docs[i]);
		if (i > 0)
			*q++ = ',';
		memcpy(q, docs[i], l);
		q += l;
	}
	*q++ = ']';
	*q = '\0';
	return out;
}

/*
 * Writes the batch (one statement), its audit entries and the job's progress,
 * and commits: GET /api/imports/:id sees each batch as soon as it is in.
 */
static int
flush_batch(struct pass *p)
{
	char *lit = malloc(16);
	size_t len = 1, cap = 16;
	const char *params[3];
	PGresult *res;
	int rc = -1;

	if (lit == NULL)
		return -1;
	lit[0] = '{';
	for (size_t i = 0; i < p->nbatch; i++)
		if (add_literal(&lit, &len, &cap, p->batch[i]) == -1)
			goto out;
	lit[len++] = '}';
	lit[len] = '\0';
	params[0] = join_docs(p->batch_mem, p->docs, p->nbatch);
	params[1] = json_print(p->batch_mem, p->consents);
	if (params[0] == NULL || params[1] == NULL ||
	    (res = db_query(p->r->db, p->batch_mem, &imports_sql[SQL_IMPORTS_CREATE_BATCH], 2,
		 params)) == NULL ||
	    strtoul(PQgetvalue(res, 0, 0), NULL, 10) != p->nbatch)
		goto out;
	params[0] = p->job;
	params[1] = lit;
	params[2] = p->r->user->id;
	if (db_query(p->r->db, p->batch_mem, &imports_sql[SQL_IMPORTS_AUDIT], 3, params) == NULL)
		goto out;
	params[1] = arena_printf(p->batch_mem, "%zu", p->done);
	params[2] = lit;
	if (params[1] == NULL ||
	    db_query(p->r->db, p->batch_mem, &imports_sql[SQL_IMPORTS_PROGRESS], 3, params) ==
		NULL ||
	    db_commit(p->r->db) == -1)
		goto out;
	p->created += p->nbatch;
	p->nbatch = 0;
	cJSON_Delete(p->consents);
	p->consents = NULL;
	arena_reset(p->batch_mem);
	if ((p->consents = cJSON_CreateArray()) == NULL)
		goto out;
	rc = begin_long(p->r->db, p->batch_mem);
out:
	free(lit);
	return rc;
}

/* The row's consents, when its evidence is complete, for the batch statement. */
static int
add_consents(
    struct pass *p, const char *lead, const char *partner, const char *const *cells, size_t n)
{
	cJSON *ids;
	const cJSON *t;
	long long ms;
	char date[32];
	int rc = 0;

	if (cell(p, cells, n, IF_CONSENTS) == NULL || !has_evidence(p, cells, n))
		return 0;
	if (!valid_parse_date(cell(p, cells, n, IF_CDATE), &ms) ||
	    (ids = split_ids(cell(p, cells, n, IF_CONSENTS))) == NULL)
		return -1;
	valid_format_date(date, ms);
	cJSON_ArrayForEach(t, ids)
	{
		char id[ID_SIZE];
		bool dup = false;
		cJSON *o;

		for (const cJSON *u = ids->child; u != t && !dup; u = u->next)
			dup = strcmp(u->valuestring, t->valuestring) == 0;
		if (dup)
			continue;
		if (id_new(id) == -1 || (o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(p->consents, o) || json_add_str_skip(o, "id", id) == -1 ||
		    json_add_str_skip(o, "templateId", t->valuestring) == -1 ||
		    json_add_str_skip(o, "leadId", lead) == -1 ||
		    json_add_str_skip(o, "method", consent_method(cell(p, cells, n, IF_CMETHOD))) ==
			-1 ||
		    json_add_str_skip(o, "recordedAt", date) == -1 ||
		    json_add_str_skip(o, "source", cell(p, cells, n, IF_CSOURCE)) == -1 ||
		    json_add_str_skip(o, "actorId", p->r->user->id) == -1 ||
		    json_add_str_skip(o, "partnerId", partner) == -1) {
			rc = -1;
			break;
		}
	}
	cJSON_Delete(ids);
	return rc;
}

/* Pass 2 (run): each row that passed every check joins the batch. */
static int
on_create(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct pass *p = ctx;
	struct valid_out *out;
	const char *partner, *json, *tids;
	char id[ID_SIZE];

	if (row == 0 || p->st[row] != ROW_VALID)
		return 0;
	arena_reset(p->scratch);
	if (check_row(p, row, cells, n, &out, &partner) != 0 ||
	    (json = leads_create_doc(&p->rr, out, partner, &tids, id)) == NULL ||
	    (p->docs[p->nbatch] = arena_strdup(p->batch_mem, json)) == NULL ||
	    (p->batch[p->nbatch] = arena_strdup(p->batch_mem, id)) == NULL ||
	    add_consents(p, p->batch[p->nbatch], partner, cells, n) == -1)
		return p->fail = 1, -1;
	p->nbatch++;
	p->done++;
	if (p->nbatch == IMPORT_BATCH && flush_batch(p) == -1)
		return p->fail = 1, -1;
	return 0;
}

/* --- dry run, run, undo -------------------------------------------------------- */

/* Rolls back and answers a 409 with its machine code; returns 0. */
static int
tx_conflict(struct req *r, int status, const char *code, const char *msg)
{
	db_rollback(r->db);
	return http_fail(r, status, code, msg);
}

/*
 * Sets up a pass over a job's file: the mapping (a JSON array of field names
 * or null, one per column), the partner.  -1 with the response set.
 */
static int
pass_init(
    struct req *r, struct pass *p, const cJSON *columns, const cJSON *mapping, const char *partner)
{
	const cJSON *m;
	int i = 0;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->rr = *r;
	p->columns = columns;
	p->partner = partner;
	p->partner_user = (ROLE_BIT(r->user->role) & ROLES_PARTNER_SCOPED) != 0;
	for (int f = 0; f < IF__MAX; f++)
		p->col[f] = -1;
	cJSON_ArrayForEach(m, mapping)
	{
		for (int f = 0; cJSON_IsString(m) && f < IF__MAX; f++)
			if (strcmp(m->valuestring, import_fields[f]) == 0) {
				if (p->col[f] >= 0)
					return tx_fail(
						   r, 400, "Jedno pole przypisano do dwóch kolumn"),
					       -1;
				p->col[f] = i;
			}
		i++;
	}
	if (i != cJSON_GetArraySize(columns))
		return tx_fail(r, 400, "Mapowanie musi mieć pozycję dla każdej kolumny pliku"), -1;
	if ((p->scratch = arena_new(ROW_ARENA)) == NULL ||
	    arena_defer(r->mem, arena_free_cb, p->scratch) == -1 ||
	    (p->batch_mem = arena_new(BATCH_ARENA)) == NULL ||
	    arena_defer(r->mem, arena_free_cb, p->batch_mem) == -1 ||
	    (p->st = arena_alloc(r->mem, IMPORT_MAX_ROWS)) == NULL ||
	    (p->issues = cJSON_CreateArray()) == NULL ||
	    arena_defer(r->mem, cjson_cb, p->issues) == -1 ||
	    (p->keys = cJSON_CreateArray()) == NULL ||
	    arena_defer(r->mem, cjson_cb, p->keys) == -1 ||
	    (p->row_ids = cJSON_CreateArray()) == NULL ||
	    arena_defer(r->mem, cjson_cb, p->row_ids) == -1)
		return tx_fail(r, 500, "Internal server error"), -1;
	memset(p->st, ROW_NONE, IMPORT_MAX_ROWS);
	p->rr.mem = p->scratch;
	return 0;
}

/* Pass 1 and the set checks; the duplicates list, or NULL with the response set. */
static cJSON *
check_file(struct req *r, struct pass *p, const unsigned char *file, size_t len)
{
	const char *why = NULL;
	enum sheet_status st = import_read(file, len, on_check, p, &why);
	cJSON *dups;

	if (st != SHEET_OK) {
		if (st == SHEET_FORMAT || st == SHEET_LIMIT)
			tx_fail(r, 400, why);
		else
			tx_fail(r, 500, "Internal server error");
		return NULL;
	}
	if (check_known(p) == -1 || (dups = check_duplicates(p)) == NULL) {
		tx_fail_db(r);
		return NULL;
	}
	return dups;
}

static size_t
count_state(const struct pass *p, enum row_state s)
{
	size_t n = 0;

	for (size_t i = 0; i < IMPORT_MAX_ROWS; i++)
		n += p->st[i] == s;
	return n;
}

/* The actor's partner for the import, or NULL with a 403 set. */
static int
import_partner(struct req *r, const char *body_partner, const char **partner)
{
	bool partner_user = (ROLE_BIT(r->user->role) & ROLES_PARTNER_SCOPED) != 0;

	*partner = body_partner;
	if (!partner_user)
		return 0;
	*partner = r->user->partner_id;
	if (body_partner != NULL && strcmp(body_partner, r->user->partner_id) != 0)
		return tx_fail(r, 403, "Cannot create leads for other partners"), -1;
	return 0;
}

/* Remembers header name -> field for the user's next file. */
static int
remember(struct req *r, const cJSON *columns, const cJSON *mapping)
{
	cJSON *o = cJSON_CreateObject();
	const char *params[2];
	int i = 0;
	const cJSON *c;

	if (o == NULL)
		return -1;
	cJSON_ArrayForEach(c, columns)
	{
		const cJSON *m = cJSON_GetArrayItem(mapping, i++);
		if (cJSON_IsString(c) && c->valuestring[0] != '\0' &&
		    cJSON_GetObjectItemCaseSensitive(o, c->valuestring) == NULL &&
		    !cJSON_AddItemToObject(o, c->valuestring,
			cJSON_IsString(m) ? cJSON_CreateString(m->valuestring)
					  : cJSON_CreateNull())) {
			cJSON_Delete(o);
			return -1;
		}
	}
	params[0] = r->user->id;
	params[1] = json_print_take(r->mem, o);
	if (params[1] == NULL ||
	    db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_MAPPING_PUT], 2, params) == NULL)
		return -1;
	return 0;
}

/*
 * POST /api/imports/:id/dry-run — SUPERVISOR, ADMIN, PARTNER_MANAGER.
 * Body {mapping: [field or null per column], partnerId?}.
 * 200 {id, totalRows, validRows, invalidRows, duplicateRows, flaggedRows,
 *     issueCount, issues: [{row, column, field, value, problem}],
 *     duplicates: [{row, leadIds, sameAsRow}]}; rows are numbered as in a
 *     spreadsheet (the header is row 1).  The mapping is remembered for the user.
 * 400 validation, a mapping of the wrong length or with a field twice,
 *     a file the reader refuses.
 * 403 a partner manager naming another partner.
 * 404 "Import not found".  409 IMPORT_STARTED: the import already ran.
 */
static int
imports_dry_run(struct req *r)
{
	const struct value *v = r->in->v;
	const char *partner, *params[5];
	struct pass p;
	PGresult *job, *res;
	unsigned char *file;
	size_t len;
	cJSON *mapping, *columns, *dups, *report;

	if ((job = lock_job(r)) == NULL)
		return 0;
	if (strcmp(PQgetvalue(job, 0, 0), "UPLOADED") != 0 &&
	    strcmp(PQgetvalue(job, 0, 0), "VALIDATED") != 0)
		return tx_fail(r, 409, "Import został już uruchomiony"), 0;
	if (import_partner(r, json_in_nonempty(&v[DR_PARTNER]), &partner) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_GET], 3,
		 (const char *const[]){ r->id, r->user->id, role_name(r->user->role) })) == NULL)
		return tx_fail_db(r);
	if ((columns = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    arena_defer(r->mem, cjson_cb, columns) == -1)
		return tx_fail(r, 500, "Internal server error");
	columns = cJSON_GetObjectItemCaseSensitive(columns, "columns");
	mapping = (cJSON *)v[DR_MAPPING].json;
	if (pass_init(r, &p, columns, mapping, partner) == -1)
		return 0;
	if ((file = job_file(r, job, &len)) == NULL)
		return tx_fail(r, 500, "Internal server error");
	if ((dups = check_file(r, &p, file, len)) == NULL)
		return 0;
	if (arena_defer(r->mem, cjson_cb, dups) == -1 || (report = cJSON_CreateObject()) == NULL ||
	    arena_defer(r->mem, cjson_cb, report) == -1)
		return tx_fail(r, 500, "Internal server error");
	if (json_add_str_skip(report, "id", r->id) == -1 ||
	    cJSON_AddNumberToObject(report, "totalRows",
		(double)(count_state(&p, ROW_VALID) + count_state(&p, ROW_INVALID) +
		    count_state(&p, ROW_DUPLICATE))) == NULL ||
	    cJSON_AddNumberToObject(report, "validRows", (double)count_state(&p, ROW_VALID)) ==
		NULL ||
	    cJSON_AddNumberToObject(report, "invalidRows", (double)count_state(&p, ROW_INVALID)) ==
		NULL ||
	    cJSON_AddNumberToObject(
		report, "duplicateRows", (double)count_state(&p, ROW_DUPLICATE)) == NULL ||
	    cJSON_AddNumberToObject(report, "flaggedRows", (double)p.flagged) == NULL ||
	    cJSON_AddNumberToObject(report, "issueCount", (double)p.nissues) == NULL ||
	    !cJSON_AddItemReferenceToObject(report, "issues", p.issues) ||
	    !cJSON_AddItemReferenceToObject(report, "duplicates", dups))
		return tx_fail(r, 500, "Internal server error");
	params[0] = r->id;
	params[1] = partner;
	params[2] = json_print(r->mem, mapping);
	params[3] = json_print(r->mem, report);
	params[4] = arena_printf(r->mem, "%zu", count_state(&p, ROW_VALID));
	if (params[2] == NULL || params[3] == NULL || params[4] == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_VALIDATED], 5, params) == NULL ||
	    remember(r, columns, mapping) == -1 || db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("imports", "import %s checked by %s: %zu valid, %zu problems", r->id, r->user->id,
	    count_state(&p, ROW_VALID), p.nissues);
	return http_ok_raw(r, params[3]);
}

/*
 * POST /api/imports/:id/run — SUPERVISOR, ADMIN, PARTNER_MANAGER.
 * Checks the file again (duplicates as they are now) and creates the valid,
 * non-duplicate rows in batches of IMPORT_BATCH, each batch committed with the
 * job's progress, so GET /api/imports/:id shows it while this request runs.
 * 200 the finished job.  404 "Import not found".
 * 409 NOT_VALIDATED (no dry run yet), IMPORT_STARTED (already ran or running).
 */
static int
imports_run(struct req *r)
{
	const char *partner, *mp, *params[2];
	struct pass p;
	PGresult *job, *res;
	unsigned char *file;
	size_t len;
	cJSON *mapping, *columns, *dups;
	const char *why = NULL;
	int rc;

	if ((job = lock_job(r)) == NULL)
		return 0;
	if (strcmp(PQgetvalue(job, 0, 0), "UPLOADED") == 0)
		return tx_conflict(r, 409, "NOT_VALIDATED", "Najpierw wykonaj próbę importu"), 0;
	if (strcmp(PQgetvalue(job, 0, 0), "VALIDATED") != 0)
		return tx_conflict(r, 409, "IMPORT_STARTED", "Import został już uruchomiony"), 0;
	partner = PQgetisnull(job, 0, 1) ? NULL : PQgetvalue(job, 0, 1);
	mp = PQgetvalue(job, 0, 2);
	if ((res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_GET], 3,
		 (const char *const[]){ r->id, r->user->id, role_name(r->user->role) })) == NULL)
		return tx_fail_db(r);
	if ((columns = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    arena_defer(r->mem, cjson_cb, columns) == -1 || (mapping = cJSON_Parse(mp)) == NULL ||
	    arena_defer(r->mem, cjson_cb, mapping) == -1)
		return tx_fail(r, 500, "Internal server error");
	columns = cJSON_GetObjectItemCaseSensitive(columns, "columns");
	if (pass_init(r, &p, columns, mapping, partner) == -1)
		return 0;
	if ((file = job_file(r, job, &len)) == NULL)
		return tx_fail(r, 500, "Internal server error");
	params[0] = r->id;
	if (db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_START], 1, params) == NULL)
		return tx_fail_db(r);
	if ((dups = check_file(r, &p, file, len)) == NULL)
		return 0;
	cJSON_Delete(dups);
	/* RUNNING is visible from here on, and each batch after its commit. */
	if (db_commit(r->db) == -1 || begin_long(r->db, r->mem) == -1)
		return tx_fail_db(r);
	log_info("imports", "import %s started by %s: %zu rows to create", r->id, r->user->id,
	    count_state(&p, ROW_VALID));
	p.create = true;
	p.job = r->id;
	if ((p.consents = cJSON_CreateArray()) == NULL) {
		db_rollback(r->db);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	rc = import_read(file, len, on_create, &p, &why) != SHEET_OK || p.fail ||
	    (p.nbatch > 0 && flush_batch(&p) == -1);
	cJSON_Delete(p.consents);
	if (rc) {
		log_error("imports", "import %s failed after %zu leads", r->id, p.created);
		db_rollback(r->db);
		return http_fail_db(r);
	}
	params[1] = arena_printf(
	    r->mem, "%zu", count_state(&p, ROW_INVALID) + count_state(&p, ROW_DUPLICATE));
	if (params[1] == NULL ||
	    db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_DONE], 2, params) == NULL ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("imports", "import %s done: %zu leads created", r->id, p.created);
	return reply_job(r);
}

/*
 * POST /api/imports/:id/undo — SUPERVISOR, ADMIN, PARTNER_MANAGER.
 * Deletes every lead the import created, with the rows the import wrote for
 * them, all or nothing: only within an hour of the end of the run, and only
 * while none of those leads was changed after it (a note, a status, an audited
 * change, an edit): such a lead belongs to someone's work now.
 * 200 the job (status UNDONE).  404 "Import not found".
 * 409 ALREADY_UNDONE, NOT_DONE (never ran or still running), UNDO_EXPIRED
 *     (after an hour), LEADS_CHANGED.
 */
static int
imports_undo(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *job, *res;

	if ((job = lock_job(r)) == NULL)
		return 0;
	if (strcmp(PQgetvalue(job, 0, 0), "UNDONE") == 0)
		return tx_conflict(r, 409, "ALREADY_UNDONE", "Import został już cofnięty"), 0;
	if (strcmp(PQgetvalue(job, 0, 0), "DONE") != 0)
		return tx_conflict(r, 409, "NOT_DONE", "Import nie został zakończony"), 0;
	if (strcmp(PQgetvalue(job, 0, 4), "t") != 0)
		return tx_conflict(
			   r, 409, "UNDO_EXPIRED", "Import można cofnąć tylko w ciągu godziny"),
		       0;
	if ((res = db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_UNDO], 1, params)) == NULL)
		return tx_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return tx_conflict(r, 409, "LEADS_CHANGED",
			   "Nie można cofnąć importu: część leadów zmieniono po imporcie"),
		       0;
	if (db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_UNDO_DELETE], 1, params) == NULL ||
	    db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_UNDO_LEADS], 1, params) == NULL ||
	    db_query(r->db, r->mem, &imports_sql[SQL_IMPORTS_UNDONE], 1, params) == NULL ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("imports", "import %s undone by %s", r->id, r->user->id);
	return reply_job(r);
}

static int
imports_init(struct db *db)
{
	/* Checked before the session: the file plus the multipart framing. */
	http_stream_limit((unsigned long long)IMPORT_MAX_BYTES + IMPORT_OVERHEAD);
	return db_register(db, imports_sql, IMPORTS_SQL__MAX);
}

extern const struct http_app imports_app;
static const http_init_fn imports_inits[] = { session_init, imports_init, NULL };
const struct http_app imports_app = {
	"imports",
	imports_routes,
	sizeof(imports_routes) / sizeof(imports_routes[0]),
	imports_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&imports_app);
}
#endif
