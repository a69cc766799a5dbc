/*
 * leads_sheet: the lead list as a spreadsheet file (issue 14): the filters
 * of GET /api/leads (leads_filter(), the same parsing and scope), its
 * visible columns and its order, as CSV or XLSX (common/sheet_write.h);
 * and the file of the bulk export (POST /api/leads/bulk, action export).
 * Only the leads the actor may see (izzy_lead_visible); the list hides no
 * field of a lead it shows, so neither does the file.  At most
 * SHEET_EXPORT_MAX rows: a filter that matches more is refused with a
 * Polish message rather than cut, so no one takes a partial file for the
 * whole.  Every export leaves a "UserAuditLog" row (who, format, filter,
 * columns, row count) and a log line with ids only.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/role.h"
#include "common/sheet_write.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_sheet.sql.h"

/* A spreadsheet of 10,000 leads is about 2 MB of CSV: well within the 8 MiB request arena. */
#define SHEET_EXPORT_MAX 10000
#define SHEET_LIMIT_CODE "EXPORT_LIMIT"
#define SHEET_LIMIT_MSG  "Eksport obejmuje więcej niż 10000 leadów. Zawęź filtry i spróbuj ponownie."

/* The result columns of leads_sheet_rows. */
enum row_field {
	RF_ID,
	RF_FIRST,
	RF_LAST,
	RF_EMAIL,
	RF_PHONE,
	RF_STATUS,
	RF_CONSENTS,
	RF_ASSIGNEE,
	RF_PARTNER,
	RF_CREATED,
	RF_BUDGET
};

/*
 * The export's columns by the list's column keys (www/js/screens/leads.js),
 * in the list's order; "client" is the customer's four fields.  The ID
 * always comes first.  docs/leads-export.md lists the API field of each.
 */
static const struct {
	const char *key;
	struct sheet_col cols[4];
	size_t n;
} column_keys[] = {
	{ "client",
	    { { "Imię", SHEET_TEXT, RF_FIRST }, { "Nazwisko", SHEET_TEXT, RF_LAST },
		{ "E-mail", SHEET_TEXT, RF_EMAIL }, { "Telefon", SHEET_TEXT, RF_PHONE } },
	    4 },
	{ "status", { { "Status", SHEET_TEXT, RF_STATUS } }, 1 },
	{ "consents", { { "Zgody", SHEET_TEXT, RF_CONSENTS } }, 1 },
	{ "assignee", { { "Opiekun", SHEET_TEXT, RF_ASSIGNEE } }, 1 },
	{ "partner", { { "Partner", SHEET_TEXT, RF_PARTNER } }, 1 },
	{ "created", { { "Data utworzenia", SHEET_DATETIME, RF_CREATED } }, 1 },
	{ "budget", { { "Budżet (PLN)", SHEET_NUMBER, RF_BUDGET } }, 1 },
};
static const struct sheet_col id_col = { "ID", SHEET_TEXT, RF_ID };
#define SHEET_COLS_MAX (1 + 4 + 6)

int
leads_sheet_init(struct db *db)
{
	return db_register(db, leads_sheet_sql, LEADS_SHEET_SQL__MAX);
}

/* Destructor for arena_defer(). */
static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

/*
 * The columns of "a,b,c" (NULL or "": all) into cols (ID first) and their
 * keys into keys (a JSON array for the audit).  0, or 1 with a 400 on
 * ["columns"] for an unknown or repeated key; -1 out of memory.
 */
static int
pick_columns(struct req *r, const char *spec, struct sheet_col *cols, size_t *ncols, cJSON *keys)
{
	bool used[NELEM(column_keys)] = { false };
	char *s, *tok, *save = NULL;

	cols[0] = id_col;
	*ncols = 1;
	if (spec == NULL || *spec == '\0') {
		for (size_t k = 0; k < NELEM(column_keys); k++) {
			memcpy(
			    cols + *ncols, column_keys[k].cols, column_keys[k].n * sizeof(*cols));
			*ncols += column_keys[k].n;
			if (!cJSON_AddItemToArray(keys, cJSON_CreateString(column_keys[k].key)))
				return -1;
		}
		return 0;
	}
	if ((s = arena_strdup(r->mem, spec)) == NULL)
		return -1;
	for (tok = strtok_r(s, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		size_t k = 0;
		while (k < NELEM(column_keys) && strcmp(column_keys[k].key, tok) != 0)
			k++;
		if (k == NELEM(column_keys) || used[k]) {
			http_fail_field(r, "columns",
			    k == NELEM(column_keys) ? "Unknown column" : "Repeated column");
			return 1;
		}
		used[k] = true;
		memcpy(cols + *ncols, column_keys[k].cols, column_keys[k].n * sizeof(*cols));
		*ncols += column_keys[k].n;
		if (!cJSON_AddItemToArray(keys, cJSON_CreateString(tok)))
			return -1;
	}
	return 0;
}

/*
 * The rows of the ids in ids_lit as a file: the audit row, then 200 with
 * the file.  The audit row is written before the answer: an export that
 * could not be recorded is not given out.
 */
static int
send_sheet(struct req *r, enum sheet_fmt fmt, const char *ids_lit, const struct sheet_col *cols,
    size_t ncols, cJSON *audit, long long requested)
{
	const struct user *u = r->user;
	const char *p[5] = { ids_lit, role_name(u->role), u->id,
		u->partner_id[0] != '\0' ? u->partner_id : NULL, cfg_get()->app_timezone };
	char *file, aid[ID_SIZE];
	const char *audit_json, *disp, *skipped = NULL;
	size_t len;
	PGresult *res;
	int rows;

	if ((res = db_query(r->db, r->mem, &leads_sheet_sql[SQL_LEADS_SHEET_ROWS], 5, p)) == NULL)
		return http_fail_db(r);
	rows = PQntuples(res);
	if (cJSON_AddNumberToObject(audit, "rows", rows) == NULL ||
	    (audit_json = json_print(r->mem, audit)) == NULL || id_new(aid) == -1)
		return leads_fail_500(r);
	if (sheet_write(r->mem, fmt, cols, ncols, res, &file, &len) == -1)
		return leads_fail_500(r);
	{
		const char *ap[3] = { aid, u->id, audit_json };
		if (db_query(r->db, r->mem, &leads_sheet_sql[SQL_LEADS_SHEET_AUDIT], 3, ap) == NULL)
			return http_fail_db(r);
	}
	disp = arena_printf(r->mem, "attachment; filename=\"leady.%s\"", sheet_suffix(fmt));
	if (requested >= 0 &&
	    (skipped = arena_printf(r->mem, "%lld", requested - (long long)rows)) == NULL)
		return leads_fail_500(r);
	if (disp == NULL || http_header(r, "Content-Disposition", disp) == -1 ||
	    (skipped != NULL && http_header(r, "X-Bulk-Skipped", skipped) == -1))
		return leads_fail_500(r);
	log_info("leads", "export (%s) of %d leads by %s", sheet_suffix(fmt), rows, u->id);
	return http_ok_bytes(r, sheet_mime(fmt), file, len);
}

/*
 * GET /api/leads/export?format=csv|xlsx&columns=a,b&<the list's filters> —
 * the six lead roles, the scope of GET /api/leads (issue 14).
 * columns: the list's column keys (client, status, consents, assignee,
 * partner, created) and budget, comma-separated, in the file's order;
 * absent: all.  format: csv (default) or xlsx.
 * 200 the file (Content-Disposition: attachment; filename="leady.csv" or
 *     "leady.xlsx"): the header row, then the leads the actor may see under
 *     the filters, newest first.
 * 400 validation (format, columns "Unknown column"/"Repeated column",
 *     status, assigned); EXPORT_LIMIT when more than 10000 leads match.
 * 403 as GET /api/leads (partner context, another partner's leads).
 */
int
leads_sheet(struct req *r)
{
	const struct value *q = r->q->v;
	enum sheet_fmt fmt = q[LS_FORMAT].present ? (enum sheet_fmt)q[LS_FORMAT].e : SHEET_CSV;
	struct sheet_col cols[SHEET_COLS_MAX];
	struct leads_filter f;
	const char *params[9];
	size_t ncols;
	cJSON *audit, *keys, *filter;
	PGresult *res;
	int rc;

	if (leads_filter(r, &f) != 0)
		return 0;
	if ((audit = cJSON_CreateObject()) == NULL ||
	    arena_defer(r->mem, json_delete, audit) == -1) {
		cJSON_Delete(audit);
		return leads_fail_500(r);
	}
	if (cJSON_AddStringToObject(audit, "format", sheet_suffix(fmt)) == NULL ||
	    (filter = cJSON_AddObjectToObject(audit, "filter")) == NULL ||
	    json_add_str_skip(filter, "partnerId", f.params[3]) == -1 ||
	    json_add_str_skip(filter, "status", f.params[4]) == -1 ||
	    (strcmp(f.params[5], "true") == 0 &&
		cJSON_AddStringToObject(filter, "assigned", "unassigned") == NULL) ||
	    json_add_str_skip(filter, "assignedUserId", f.params[6]) == -1 ||
	    (f.search != NULL && cJSON_AddBoolToObject(filter, "search", true) == NULL) ||
	    (keys = cJSON_AddArrayToObject(audit, "columns")) == NULL)
		return leads_fail_500(r);
	if ((rc = pick_columns(r, json_in_nonempty(&q[LS_COLUMNS]), cols, &ncols, keys)) != 0)
		return rc == 1 ? 0 : leads_fail_500(r);

	memcpy(params, f.params, sizeof(f.params));
	params[7] = f.search;
	if ((params[8] = arena_printf(r->mem, "%d", SHEET_EXPORT_MAX + 1)) == NULL)
		return leads_fail_500(r);
	if ((res = db_query(r->db, r->mem, &leads_sheet_sql[SQL_LEADS_SHEET_IDS], 9, params)) ==
	    NULL)
		return http_fail_db(r);
	if (strtol(PQgetvalue(res, 0, 1), NULL, 10) > SHEET_EXPORT_MAX)
		return http_fail(r, 400, SHEET_LIMIT_CODE, SHEET_LIMIT_MSG);
	return send_sheet(r, fmt, PQgetvalue(res, 0, 0), cols, ncols, audit, -1);
}

/*
 * The bulk export (leads_bulk.c): every column, the visible ones of the
 * selection, X-Bulk-Skipped the selected leads the actor may not see or
 * that do not exist.  format: 0 CSV, 1 XLSX.
 */
int
leads_sheet_bulk(struct req *r, const char *ids_lit, size_t requested, int format)
{
	enum sheet_fmt fmt = format == 1 ? SHEET_XLSX : SHEET_CSV;
	struct sheet_col cols[SHEET_COLS_MAX];
	size_t ncols;
	cJSON *audit, *keys;

	if ((audit = cJSON_CreateObject()) == NULL ||
	    arena_defer(r->mem, json_delete, audit) == -1) {
		cJSON_Delete(audit);
		return leads_fail_500(r);
	}
	if (cJSON_AddStringToObject(audit, "format", sheet_suffix(fmt)) == NULL ||
	    cJSON_AddBoolToObject(audit, "bulk", true) == NULL ||
	    cJSON_AddNumberToObject(audit, "requested", (double)requested) == NULL ||
	    (keys = cJSON_AddArrayToObject(audit, "columns")) == NULL ||
	    pick_columns(r, NULL, cols, &ncols, keys) != 0)
		return leads_fail_500(r);
	return send_sheet(r, fmt, ids_lit, cols, ncols, audit, (long long)requested);
}
