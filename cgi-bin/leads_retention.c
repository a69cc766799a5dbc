/*
 * leads_retention: the retention whitelist of one lead (FR-39): an ADMIN
 * keeps a lead out of automatic anonymisation (common/retention.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/http.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_retention.sql.h"

enum retention_key { RETENTION_EXEMPT, RETENTION__MAX };
static const struct field retention_fields[RETENTION__MAX] = {
	[RETENTION_EXEMPT] = { "retentionExempt", FT_BOOL, F_REQUIRED, 0, 0 },
};
const struct field_table leads_retention_in = FIELD_TABLE(retention_fields);

/*
 * GET /api/leads/:id/retention, ADMIN.
 * 200 {"retentionExempt": bool, "retentionNoticeAt": time|null}; 404 Lead not found.
 */
int
leads_retention_get(struct req *r)
{
	const char *p[1] = { r->id }, *json;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_retention_sql[SQL_LEADS_RETENTION_GET], 1, p)) ==
	    NULL)
		return http_fail_db(r);
	json = leads_cell(r, res, 0);
	return json != NULL ? http_ok_raw(r, json) : http_fail(r, 404, NULL, "Lead not found");
}

/*
 * PUT /api/leads/:id/retention, ADMIN.  {"retentionExempt": bool}: true puts
 * the lead on the whitelist (automatic retention leaves it alone), false
 * takes it off.  Audited as retention_exempt_changed (old/new) when it
 * changes.  400 validation; 404 Lead not found; 409 Lead is anonymized.
 * 200 as GET.
 */
int
leads_retention_put(struct req *r)
{
	bool exempt = r->in->v[RETENTION_EXEMPT].b;
	const char *p[2] = { r->id, exempt ? "true" : "false" }, *json;
	bool old;
	PGresult *res;

	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_retention_sql[SQL_LEADS_RETENTION_SET], 2, p)) ==
		NULL ||
	    PQntuples(res) != 1 || (json = leads_cell(r, res, 1)) == NULL)
		return tx_fail_db(r);
	old = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	if (old != exempt &&
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "retention_exempt_changed",
		    "retentionExempt", old ? "true" : "false", exempt ? "true" : "false", NULL }) ==
		-1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s retention exempt=%d by %s", r->id, exempt, r->user->id);
	return http_ok_raw(r, json);
}

int
leads_retention_init(struct db *db)
{
	return db_register(db, leads_retention_sql, LEADS_RETENTION_SQL__MAX);
}
