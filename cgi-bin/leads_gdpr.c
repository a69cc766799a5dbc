/*
 * leads_gdpr: anonymisation (FR-38, SR-42) and merging duplicates (FR-28).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/anonymise.h"
#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_gdpr.sql.h"

enum merge_key { MERGE_TARGET, MERGE__MAX };
static const struct field merge_fields[MERGE__MAX] = {
	[MERGE_TARGET] = { "targetLeadId", FT_CUID, F_REQUIRED, 0, 0 },
};
const struct field_table leads_merge_in = FIELD_TABLE(merge_fields);

/* --- anonymisation ------------------------------------------------------ */

/*
 * POST /api/leads/:id/anonymize, ADMIN (FR-38, SR-42).  No body.
 * Erases, in one transaction, every personal datum of the client wherever
 * the system copied it (common/anonymise.c, shared with retention), also
 * in the duplicates merged into the lead, and sets anonymizedAt and
 * anonymizedById; AuditLog LEAD_ANONYMIZED {anonymizedAt} on the lead.
 * Stored document files are flagged (Document.erasureRequestedAt) for the
 * documents program to delete.
 * 404 Lead not found; 409 "Lead already anonymized".
 * 200 {"message":"Lead anonymized successfully"}.
 */
int
leads_anonymize(struct req *r)
{
	struct anonymise_result a;
	const char *meta;
	cJSON *m, *o;
	int rc;

	if (lead_begin(r, LEAD_ANONYMIZE, NULL) == -1)
		return 0;
	if ((rc = anonymise_lead(r->db, r->mem, r->id, r->user->id, &a)) == -1)
		return tx_fail_db(r);
	if (rc == 0)
		return tx_fail(r, 409, "Lead already anonymized");
	if ((m = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(m, "anonymizedAt", a.at) == NULL) {
		cJSON_Delete(m);
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if ((meta = json_print_take(r->mem, m)) == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "LEAD_ANONYMIZED", NULL, NULL, NULL, meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s anonymized by %s (+%ld merged); %ld file(s) to erase", r->id,
	    r->user->id, a.merged, a.files);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "message", "Lead anonymized successfully") == NULL) {
		cJSON_Delete(o);
		return leads_fail_500(r);
	}
	return http_ok(r, o);
}

/* --- merge -------------------------------------------------------------- */

static const char *
merge_meta(struct req *r, const char *key, const char *lead_id, const char *moved)
{
	cJSON *o = cJSON_CreateObject(), *mv = moved != NULL ? cJSON_Parse(moved) : NULL;

	if (o == NULL || mv == NULL || cJSON_AddStringToObject(o, key, lead_id) == NULL ||
	    !cJSON_AddItemToObject(o, "moved", mv)) {
		cJSON_Delete(o);
		cJSON_Delete(mv);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/*
 * POST /api/leads/:id/merge, SUPERVISOR, ADMIN (FR-28, data-model §6.3).
 * {"targetLeadId": cuid}: lead :id (the duplicate) is merged into the target.
 * 400 validation; 404 Lead not found (either); 403 Access denied (either);
 * 400 "Cannot merge a lead into itself"; 409 "Lead already merged" /
 * "Target lead already merged"; 409 "Anonymized leads cannot be merged".
 * Moves notes, documents, consent records, financing applications, offers,
 * reminders, audit entries and status history to the target; the form (with
 * its e-mail log) only if the target has none; the duplicate's e-mail
 * addresses join the target's alternateEmails.  The duplicate becomes MERGED
 * (mergedIntoId, a history row); AuditLog LEAD_MERGED on both.
 * 200 {"mergedLeadId","targetLeadId"}.
 */
int
leads_merge(struct req *r)
{
	const char *target = r->in->v[MERGE_TARGET].s, *moved, *src_status = NULL;
	const char *src_meta, *dst_meta, *reason;
	char hist_id[ID_SIZE];
	cJSON *o;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_WRITE, NULL) == -1 ||
	    lead_access(r, target, LEAD_WRITE, NULL) == -1)
		return 0;
	if (strcmp(r->id, target) == 0)
		return http_fail(r, 400, NULL, "Cannot merge a lead into itself");
	if (id_new(hist_id) == -1)
		return leads_fail_500(r);
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	{
		const char *p[2] = { r->id, target };
		res = db_query(r->db, r->mem, &leads_gdpr_sql[SQL_LEADS_GDPR_MERGE_LOCK], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 2)
		return tx_fail(r, 404, "Lead not found");
	for (int i = 0; i < 2; i++) {
		bool is_src = strcmp(PQgetvalue(res, i, 0), r->id) == 0;
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0)
			return tx_fail(r, 409, "Anonymized leads cannot be merged");
		if (strcmp(PQgetvalue(res, i, 1), "MERGED") == 0)
			return tx_fail(
			    r, 409, is_src ? "Lead already merged" : "Target lead already merged");
		if (is_src)
			src_status = arena_strdup(r->mem, PQgetvalue(res, i, 1));
	}
	{
		const char *p[2] = { r->id, target };
		res = db_query(r->db, r->mem, &leads_gdpr_sql[SQL_LEADS_GDPR_MERGE_MOVE], 2, p);
	}
	if ((moved = leads_cell(r, res, 0)) == NULL || src_status == NULL)
		return tx_fail_db(r);
	reason = arena_printf(r->mem, "merged into %s", target);
	{
		const char *p[8] = { hist_id, r->id, src_status, "MERGED", r->user->id, reason,
			NULL, "false" };
		if (reason == NULL || leads_history_insert(r, p) == -1)
			return tx_fail_db(r);
	}
	src_meta = merge_meta(r, "targetLeadId", target, moved);
	dst_meta = merge_meta(r, "sourceLeadId", r->id, moved);
	if (src_meta == NULL || dst_meta == NULL) {
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "LEAD_MERGED", NULL, NULL, NULL, src_meta }) == -1 ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){
		    target, r->user->id, "LEAD_MERGED", NULL, NULL, NULL, dst_meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s merged into %s by %s", r->id, target, r->user->id);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "mergedLeadId", r->id) == NULL ||
	    cJSON_AddStringToObject(o, "targetLeadId", target) == NULL) {
		cJSON_Delete(o);
		return leads_fail_500(r);
	}
	return http_ok(r, o);
}

int
leads_gdpr_init(struct db *db)
{
	return anonymise_init(db) == -1 ? -1 : db_register(db, leads_gdpr_sql, LEADS_GDPR_SQL__MAX);
}
