#include "config.h"
#include "leadaccess.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "role.h"

#include "leadaccess.sql.h"

#define CLIENT_ACTIVE_MSG "Klient nadal edytuje formularz. Spróbuj ponownie, gdy sesja wygaśnie."

int
leadaccess_init(struct db *db)
{
	return db_register(db, leadaccess_sql, LEADACCESS_SQL__MAX) == -1 || audit_init(db) == -1
	    ? -1
	    : 0;
}

static void
copy(char *dst, size_t sz, PGresult *res, int col)
{
	snprintf(dst, sz, "%s", PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col));
}

/*
 * 409 CLIENT_ACTIVE for an operator while the client edits the form: audit
 * the block and alert every active supervisor once per client session (the
 * outbox dedupe key carries the session start).  Mail trouble never changes
 * the 409 (spec §2.5.3 QUIRK).
 */
static int
client_active_block(struct req *r, const char *lead_id, PGresult *form)
{
	const char *form_id = PQgetvalue(form, 0, 0), *last = PQgetvalue(form, 0, 1);
	const char *since = PQgetvalue(form, 0, 2);
	const char *meta = arena_printf(
	    r->mem, "{\"applicationFormId\":\"%s\",\"lastClientActivity\":\"%s\"}", form_id, last);
	struct audit_entry a = { lead_id, r->user->id, "CLIENT_ACTIVE_BLOCK", NULL, NULL, NULL,
		meta };
	PGresult *sup;

	if (meta == NULL || db_begin(r->db) == -1)
		goto reply;
	if (audit_log(r->db, r->mem, &a) == -1)
		goto rollback;
	if ((sup = db_query(r->db, r->mem, &leadaccess_sql[SQL_LEADACCESS_SUPERVISORS], 0, NULL)) ==
	    NULL)
		goto rollback;
	for (int i = 0; i < PQntuples(sup); i++) {
		struct outbox_mail m = {
			.to = PQgetvalue(sup, i, 1),
			.subject = arena_printf(r->mem, "Operator blocked for lead %s", lead_id),
			.text = arena_printf(r->mem,
			    "Operator userId: %s\nLeadId: %s\nApplicationFormId: %s\nLast client "
			    "activity: %s\n",
			    r->user->id, lead_id, form_id, *last != '\0' ? last : "unknown"),
			.template = "client_active_alert",
			.lead_id = lead_id,
			.dedupe_key = arena_printf(r->mem, "client-active:%s:%s:%s", form_id, since,
			    PQgetvalue(sup, i, 0)),
		};
		if (m.subject == NULL || m.text == NULL || m.dedupe_key == NULL ||
		    outbox_mail(r->db, r->mem, &m, NULL) == -1)
			goto rollback;
	}
	if (db_commit(r->db) == 0)
		goto reply;
rollback:
	db_rollback(r->db);
	log_error("leadaccess", "client-active alert for lead %s not recorded", lead_id);
reply:
	log_info(
	    "leadaccess", "operator %s blocked on lead %s: client active", r->user->id, lead_id);
	return http_fail(r, 409, "CLIENT_ACTIVE", CLIENT_ACTIVE_MSG);
}

/* Fills ref from a leadaccess_load/lock row. */
static void
ref_fill(struct lead_ref *ref, PGresult *res)
{
	memset(ref, 0, sizeof(*ref));
	copy(ref->id, sizeof(ref->id), res, 0);
	copy(ref->partner_id, sizeof(ref->partner_id), res, 1);
	copy(ref->assigned_user_id, sizeof(ref->assigned_user_id), res, 2);
	copy(ref->created_by, sizeof(ref->created_by), res, 3);
	copy(ref->status, sizeof(ref->status), res, 4);
	ref->anonymized = strcmp(PQgetvalue(res, 0, 6), "t") == 0;
	ref->merged = strcmp(ref->status, "MERGED") == 0;
}

/*
 * Loads (or with lock, locks) the lead and checks that it exists and that
 * r->user may see it.  0 with *ref filled; -1 with the response set.
 */
static int
load(struct req *r, const char *lead_id, bool lock, struct lead_ref *ref)
{
	const struct user *u = r->user;
	const char *params[4] = { lead_id, role_name(u->role), u->id,
		u->partner_id[0] != '\0' ? u->partner_id : NULL };
	PGresult *res;

	res = db_query(r->db, r->mem,
	    &leadaccess_sql[lock ? SQL_LEADACCESS_LOCK : SQL_LEADACCESS_LOAD], 4, params);
	if (res == NULL) {
		http_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		http_fail(r, 404, NULL, "Lead not found");
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 5), "t") != 0) {
		log_info("leadaccess", "user %s (%s) denied lead %s", u->id, role_name(u->role),
		    lead_id);
		http_fail(r, 403, NULL, "Access denied");
		return -1;
	}
	ref_fill(ref, res);
	return 0;
}

/*
 * The operator client-activity guard (FR-46).  0 when the operator may go
 * on; -1 with the form row in *form when the client is active, or with the
 * response set (*form NULL) on a database error.
 */
static int
client_active(struct req *r, const char *lead_id, PGresult **form)
{
	const char *params[1] = { lead_id };

	*form = NULL;
	if (r->user->role != ROLE_OPERATOR)
		return 0;
	if ((*form = db_query(r->db, r->mem, &leadaccess_sql[SQL_LEADACCESS_CLIENT_ACTIVE], 1,
		 params)) == NULL) {
		http_fail_db(r);
		return -1;
	}
	return PQntuples(*form) == 1 ? -1 : 0;
}

int
lead_access(struct req *r, const char *lead_id, enum lead_need need, struct lead_ref *out)
{
	struct lead_ref ref;
	PGresult *form;

	if (load(r, lead_id, false, &ref) == -1)
		return -1;
	if (need != LEAD_READ && client_active(r, lead_id, &form) == -1) {
		if (form != NULL)
			client_active_block(r, lead_id, form);
		return -1;
	}
	if (out != NULL)
		*out = ref;
	return 0;
}

int
lead_begin(struct req *r, enum lead_need need, struct lead_ref *out)
{
	struct lead_ref ref;
	PGresult *form = NULL;

	if (db_begin(r->db) == -1) {
		http_fail_db(r);
		return -1;
	}
	if (load(r, r->id, true, &ref) == -1)
		goto fail;
	if (ref.anonymized) {
		http_fail(r, 409, NULL,
		    need == LEAD_ANONYMIZE ? "Lead already anonymized" : "Lead is anonymized");
		goto fail;
	}
	if (need != LEAD_READ && client_active(r, r->id, &form) == -1) {
		db_rollback(r->db);
		/* After the rollback: the block is audited in a transaction of its own. */
		if (form != NULL)
			client_active_block(r, r->id, form);
		return -1;
	}
	if (out != NULL)
		*out = ref;
	return 0;
fail:
	db_rollback(r->db);
	return -1;
}
