/*
 * leads_comms: the lead's communication log (issue 9, FR-67, L13) and the
 * re-queue of a dead letter.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"

#include "leads.h"
#include "leads_comms.sql.h"

/*
 * Who sees the customer's address or number in full: SUPERVISOR, ADMIN and
 * the OPERATOR the lead is assigned to; any other operator (one who sees
 * the lead through the partner) gets it masked (j***@d***.pl, ***789;
 * SR-35), and so does everyone on an anonymised lead.
 */
static bool
sees_addresses(const struct req *r, const struct lead_ref *ref)
{
	if (ref->anonymized)
		return false;
	if (r->user->role == ROLE_SUPERVISOR || r->user->role == ROLE_ADMIN)
		return true;
	return r->user->role == ROLE_OPERATOR && strcmp(ref->assigned_user_id, r->user->id) == 0;
}

/*
 * GET /api/leads/:id/communications, OPERATOR (lead scope), SUPERVISOR,
 * ADMIN (issue 9, FR-67).
 * 200 {"data":[{id, source: "log"|"outbox"|"emailLog", outboxId|null,
 *   channel: EMAIL|SMS|WEBHOOK, direction: OUTBOUND|INBOUND, template,
 *   status: queued|sent|failed|dead, attempts, lastError|null, to|null
 *   (masked, see sees_addresses; never the webhook URL), subject|null,
 *   messageStatus: the message's state now (queued|failed|sent|dead, null
 *   without an Outbox row), canRetry (managers, on the newest entry of a
 *   dead letter), createdAt, sentAt|null}]} newest first: one entry per
 *   log row (queued, each attempt outcome, inbound) plus Outbox messages
 *   not attempted yet ("queued").
 * 401; 403 {"message":"Forbidden"} (partner roles, AUDITOR); 404 Lead not
 * found; 403 Access denied (an operator outside the lead's scope).
 */
int
leads_communications(struct req *r)
{
	struct lead_ref ref;
	const char *p[3];
	bool manager = r->user->role == ROLE_SUPERVISOR || r->user->role == ROLE_ADMIN;
	PGresult *res;
	const char *json;

	if (lead_access(r, r->id, LEAD_READ, &ref) == -1)
		return 0;
	p[0] = r->id;
	p[1] = sees_addresses(r, &ref) ? "true" : "false";
	p[2] = manager ? "true" : "false";
	if ((res = db_query(r->db, r->mem, &leads_comms_sql[SQL_LEADS_COMMS_LIST], 3, p)) == NULL)
		return http_fail_db(r);
	if ((json = leads_cell(r, res, 0)) == NULL)
		return leads_fail_500(r);
	return http_ok_raw(r, json);
}

/*
 * POST /api/leads/:id/communications/:outboxId/retry, SUPERVISOR, ADMIN
 * (issue 9): re-queues a dead letter (Outbox FAILED) of the lead.  Under the
 * lead lock (lead_begin) the Outbox row is locked and re-checked: PENDING
 * again, due now, attempts reset to 0 (a fresh 8), lastError cleared; a
 * "queued" row in the communication log; AuditLog message_requeued
 * {outboxId, channel, template} (no address).
 * 200 {"id":<outboxId>,"status":"queued"}; 401; 403 Forbidden (other roles);
 * 404 Lead not found; 409 Lead is anonymized; 404 {"message":"Message not
 * found"} (no such message on this lead); 409 {"message":"Only a dead
 * letter can be retried","code":"NOT_DEAD"} (queued, being sent or sent).
 */
int
leads_comms_retry(struct req *r)
{
	const char *oid = r->caps[1];
	char log_id[ID_SIZE];
	const char *channel, *tmpl, *addr, *old_json, *meta, *answer;
	PGresult *res;

	if (id_new(log_id) == -1)
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[2] = { oid, r->id };
		res = db_query(r->db, r->mem, &leads_comms_sql[SQL_LEADS_COMMS_LOCK], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "Message not found");
	if (strcmp(PQgetvalue(res, 0, 0), "FAILED") != 0) {
		db_rollback(r->db);
		return http_fail(r, 409, "NOT_DEAD", "Only a dead letter can be retried");
	}
	channel = leads_cell(r, res, 1);
	tmpl = leads_cell(r, res, 2);
	addr = leads_cell(r, res, 3);
	old_json = leads_cell(r, res, 4);
	meta = leads_cell(r, res, 5);
	answer = leads_cell(r, res, 6);
	if (channel == NULL || tmpl == NULL || old_json == NULL || meta == NULL || answer == NULL)
		return tx_fail(r, 500, "Internal server error");
	{
		const char *p[1] = { oid };
		if (db_query(r->db, r->mem, &leads_comms_sql[SQL_LEADS_COMMS_REQUEUE], 1, p) ==
		    NULL)
			return tx_fail_db(r);
	}
	{
		const char *p[6] = { log_id, r->id, oid, channel, tmpl, addr };
		if (db_query(r->db, r->mem, &leads_comms_sql[SQL_LEADS_COMMS_LOG_REQUEUED], 6, p) ==
		    NULL)
			return tx_fail_db(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "message_requeued", "communications",
		    old_json, "{\"status\":\"queued\"}", meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info(
	    "leads", "lead %s message %s (%s) re-queued by %s", r->id, oid, channel, r->user->id);
	return http_ok_raw(r, answer);
}

int
leads_comms_init(struct db *db)
{
	return db_register(db, leads_comms_sql, LEADS_COMMS_SQL__MAX);
}
