/*
 * leads_status: a lead's place in the pipeline (spec/api.md §4.6.1, §4.6.3,
 * §7.3): status transitions with their history and the policy behind them
 * (GET /api/leads/status-policy: the one copy of the transition table, the
 * UI loads it), and the admin's assignment.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
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
#include "leads_status.sql.h"

/* --- statuses and the transition table (data-model §3.2) ----------------- */

enum lead_status {
	ST_NEW,
	ST_ONBOARDING_CONFIRMED,
	ST_FIRST_CONTACT,
	ST_FOLLOW_UP,
	ST_VERIFICATION,
	ST_UNQUALIFIED,
	ST_GATHERING_DOCUMENTS,
	ST_CREDIT_ANALYSIS,
	ST_OFFER_PRESENTED,
	ST_NEGOTIATIONS,
	ST_TERMS_ACCEPTED,
	ST_CONTRACT_IN_PREPARATION,
	ST_CONTRACT_SIGNING,
	ST_CLOSED_WON,
	ST_CLOSED_LOST,
	ST_CLOSED_NO_FINANCING,
	ST_CANCELLED,
	ST_MERGED,
	ST_INBOUND,
	ST__MAX
};

/* ST_* index domain_lead_statuses (common/domain.h), the database order. */
_Static_assert(ST__MAX == DOMAIN_LEAD_STATUS_COUNT, "ST_* must match domain_lead_statuses");

#define S(x) (1u << (x))
/* The recommended paths; terminal statuses have none (0). */
static const unsigned transitions[ST__MAX] = {
	[ST_NEW] = S(ST_ONBOARDING_CONFIRMED) | S(ST_FIRST_CONTACT) | S(ST_UNQUALIFIED) |
	    S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_ONBOARDING_CONFIRMED] =
	    S(ST_FIRST_CONTACT) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_FIRST_CONTACT] = S(ST_FOLLOW_UP) | S(ST_VERIFICATION) | S(ST_UNQUALIFIED) | S(ST_NEW) |
	    S(ST_ONBOARDING_CONFIRMED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_FOLLOW_UP] =
	    S(ST_VERIFICATION) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_VERIFICATION] =
	    S(ST_GATHERING_DOCUMENTS) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_GATHERING_DOCUMENTS] = S(ST_CREDIT_ANALYSIS) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CREDIT_ANALYSIS] =
	    S(ST_OFFER_PRESENTED) | S(ST_CLOSED_LOST) | S(ST_CLOSED_NO_FINANCING) | S(ST_CANCELLED),
	[ST_OFFER_PRESENTED] =
	    S(ST_NEGOTIATIONS) | S(ST_TERMS_ACCEPTED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_NEGOTIATIONS] = S(ST_TERMS_ACCEPTED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_TERMS_ACCEPTED] = S(ST_CONTRACT_IN_PREPARATION) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CONTRACT_IN_PREPARATION] = S(ST_CONTRACT_SIGNING) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CONTRACT_SIGNING] = S(ST_CLOSED_WON) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_INBOUND] =
	    S(ST_NEW) | S(ST_UNQUALIFIED) | S(ST_MERGED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
};
/* The pipeline in lifecycle order, as the UI lists it (data-model §3.1). */
static const enum lead_status lifecycle[] = { ST_INBOUND, ST_NEW, ST_ONBOARDING_CONFIRMED,
	ST_FIRST_CONTACT, ST_FOLLOW_UP, ST_VERIFICATION, ST_GATHERING_DOCUMENTS, ST_CREDIT_ANALYSIS,
	ST_OFFER_PRESENTED, ST_NEGOTIATIONS, ST_TERMS_ACCEPTED, ST_CONTRACT_IN_PREPARATION,
	ST_CONTRACT_SIGNING, ST_CLOSED_WON, ST_UNQUALIFIED, ST_CLOSED_LOST, ST_CLOSED_NO_FINANCING,
	ST_CANCELLED, ST_MERGED };
_Static_assert(sizeof(lifecycle) / sizeof(lifecycle[0]) == ST__MAX, "every status once");

/* Negative terminal statuses need a predefined reason (FR-20, data-model §3.4). */
#define NEEDS_REASON                                                                               \
	(S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CLOSED_NO_FINANCING) | S(ST_CANCELLED))

/*
 * The predefined reasons (the examples of FR-20 and data-model §3.1) as
 * stable codes; the UI shows the Polish labels.  OTHER needs notes.
 *   NO_CREDIT_CAPACITY       Brak zdolności kredytowej
 *   NEGATIVE_CREDIT_HISTORY  Negatywna historia kredytowa
 *   CLIENT_RESIGNED          Klient zrezygnował
 *   NO_CONTACT               Brak kontaktu po wielu próbach
 *   COMPETITOR_OFFER         Lepsza oferta konkurencji
 *   LONG_WAIT                Długi czas oczekiwania
 *   MISSING_DOCUMENTS        Brak wymaganych dokumentów
 *   DATA_ERROR               Błąd w danych klienta
 *   PRODUCT_WITHDRAWN        Produkt wycofany z oferty
 *   REGULATION_CHANGE        Zmiana regulacji prawnych
 *   OTHER                    Inny powód (opisany w notatce)
 */
enum reason { RS_OTHER = 10 };
static const char *const reason_codes[] = {
	"NO_CREDIT_CAPACITY",
	"NEGATIVE_CREDIT_HISTORY",
	"CLIENT_RESIGNED",
	"NO_CONTACT",
	"COMPETITOR_OFFER",
	"LONG_WAIT",
	"MISSING_DOCUMENTS",
	"DATA_ERROR",
	"PRODUCT_WITHDRAWN",
	"REGULATION_CHANGE",
	[RS_OTHER] = "OTHER",
	NULL,
};

/* --- body and query tables ---------------------------------------------- */

enum status_key {
	STATUS_STATUS,
	STATUS_NOTES,
	STATUS_ASSIGN,
	STATUS_UNASSIGN,
	STATUS_LAST_CONTACT,
	STATUS_NEXT_ACTION,
	STATUS_OVERRIDE,
	STATUS_REASON,
	STATUS_NEXT_CONTACT,
	STATUS__MAX
};

/* "nextContact": the task the change creates ("następny kontakt", issue 13). */
#define NEXT_CONTACT_DEFAULT "Następny kontakt"
enum next_contact_key { NC_DUE, NC_DESC, NC__MAX };
static const struct field next_contact_fields[NC__MAX] = {
	[NC_DUE] = { "dueAt", FT_DATE, F_REQUIRED, 0, 0 },
	[NC_DESC] = { "description", FT_STRING, F_TRIM | F_MULTILINE, 1, 1000 },
};
static const struct field_table next_contact_in = FIELD_TABLE(next_contact_fields);
static const struct field status_fields[STATUS__MAX] = {
	[STATUS_STATUS] = { "status", FT_ENUM, F_REQUIRED, 0, 0, domain_lead_statuses },
	[STATUS_NOTES] = { "notes", FT_STRING, F_TRIM | F_MULTILINE, 0, 2000 },
	/* Any string: an unknown user is "Related record not found" (§4.6.1 step 10). */
	[STATUS_ASSIGN] = { "assignToUserId", FT_STRING, F_TRIM, 0, 64 },
	[STATUS_UNASSIGN] = { "unassign", FT_BOOL, 0, 0, 0 },
	[STATUS_LAST_CONTACT] = { "lastContactAt", FT_DATE, 0, 0, 0 },
	[STATUS_NEXT_ACTION] = { "nextActionAt", FT_DATE, 0, 0, 0 },
	[STATUS_OVERRIDE] = { "override", FT_BOOL, 0, 0, 0 },
	[STATUS_REASON] = { "reason", FT_ENUM, 0, 0, 0, reason_codes },
	[STATUS_NEXT_CONTACT] = { "nextContact", FT_OBJECT, 0, 0, 0, NULL, &next_contact_in },
};
const struct field_table leads_status_in = FIELD_TABLE(status_fields);

/* --- assignment body --- */

/* --- field rules -------------------------------------------------------- */

static bool
cuid_or_empty(const char *s)
{
	return *s == '\0' || id_is_cuid(s);
}
enum assign_key { ASSIGN_USER, ASSIGN__MAX };
static const struct field assign_fields[ASSIGN__MAX] = {
	/* null, "" and absent all unassign (§4.6.3 COMPAT: the frontend sends null). */
	[ASSIGN_USER] = { "userId", FT_STRING, F_NULLABLE | F_TRIM, 0, 64, NULL, NULL, NULL,
	    cuid_or_empty, "Invalid cuid" },
};
const struct field_table leads_assign_in = FIELD_TABLE(assign_fields);

/* 400 Validation failed with an issue on ["reason"]: a terminal status needs one. */
static int
fail_reason_required(struct req *r)
{
	static const char *const path[] = { "reason" };
	cJSON *issues = NULL;

	if (leads_add_issue(&issues, path, 1, "Reason is required for this status") == -1) {
		cJSON_Delete(issues);
		return leads_fail_500(r);
	}
	return http_fail_issues(r, issues);
}

/* 400 Validation failed with an issue on ["nextContact", "dueAt"]: not in the future. */
static int
fail_next_contact_past(struct req *r)
{
	static const char *const path[] = { "nextContact", "dueAt" };
	cJSON *issues = NULL;

	if (leads_add_issue(&issues, path, 2, "Must be in the future") == -1) {
		cJSON_Delete(issues);
		return leads_fail_500(r);
	}
	return http_fail_issues(r, issues);
}

/* The body's "nextContact" (NULL: none); its dueAt must lie in the future. */
static const struct value *
next_contact(const struct value *v)
{
	return v[STATUS_NEXT_CONTACT].present && !v[STATUS_NEXT_CONTACT].null
	    ? v[STATUS_NEXT_CONTACT].obj->v
	    : NULL;
}

static bool
in_future(long long ms)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return false;
	return ms > (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* --- status ------------------------------------------------------------- */

/*
 * POST /api/leads/:id/status, OPERATOR (scoped, client guard), SUPERVISOR, ADMIN.
 * Checks in the order of §4.6.1, with the recommended policy of §7.3:
 *   400 validation; 404 Lead not found; 403 Access denied;
 *   400 "Cannot assign and unassign at once" (FR-19);
 *   403 "Cannot assign lead to another user" / "Cannot unassign lead" (operators);
 *   400 "Unassign is only allowed when returning to NEW";
 *   409 CLIENT_ACTIVE (operators);
 *   400 "Lead already in requested status";
 *   400 "Status MERGED is set only by merging leads"; 409 "Lead already merged";
 *   with ENFORCE_STATUS_TRANSITIONS (default): an OPERATOR outside the
 *       table gets 400 "Status transition not allowed"; a SUPERVISOR/ADMIN
 *       move outside it is an audited override (history override = true,
 *       audit metadata override: true); the "override" flag is accepted and
 *       not needed.  Off: no table for anyone (the reference);
 *   a terminal status (UNQUALIFIED, CLOSED_LOST, CLOSED_NO_FINANCING,
 *       CANCELLED) needs a reason: a "reason" code, or non-empty notes,
 *       which then are the reason text with code OTHER; neither -> 400
 *       Validation failed, issue on ["reason"];
 *   400 "Notes are required for reason OTHER" (code OTHER sent without notes);
 *   400 "Related record not found" for an unknown assignee.
 * Effects in one transaction: status; FIRST_CONTACT claims (assignee =
 * assignToUserId or the actor, claimedAt = now); NEW releases; notes become a
 * LeadNote and the history reason (Lead.notes is left alone: QUIRK fixed);
 * a LeadStatusHistory row; AuditLog status_change; with "nextContact":
 * {"dueAt": a future date-time, "description"?: 1-1000 (default "Następny
 * kontakt")} a task (Reminder) held by the actor, the lead's nextActionAt
 * following the earliest open task and AuditLog reminder_created (issue 13).
 * A dueAt not in the future: 400 Validation failed on ["nextContact",
 * "dueAt"] "Must be in the future", before anything else.
 * 200: the lead summary without consentStatus.
 */
int
leads_status(struct req *r)
{
	const struct value *v = r->in->v;
	int target = v[STATUS_STATUS].e, cur;
	const char *notes = json_in_nonempty(&v[STATUS_NOTES]),
		   *assign_to = json_in_nonempty(&v[STATUS_ASSIGN]);
	const char *reason = v[STATUS_REASON].present ? v[STATUS_REASON].s : NULL;
	bool unassign = v[STATUS_UNASSIGN].present && v[STATUS_UNASSIGN].b;
	bool overridden = false;
	bool is_operator = r->user->role == ROLE_OPERATOR, set_assignee = false;
	const char *assignee = NULL, *claimed = "keep", *meta, *old_json, *new_json;
	const struct value *nc = next_contact(v);
	char hist_id[ID_SIZE], note_id[ID_SIZE], task_id[ID_SIZE];
	struct lead_ref ref;
	cJSON *m;
	PGresult *res;

	if (nc != NULL && !in_future(nc[NC_DUE].i))
		return fail_next_contact_past(r);

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if (unassign && assign_to != NULL)
		return http_fail(r, 400, NULL, "Cannot assign and unassign at once");
	if (is_operator && assign_to != NULL && strcmp(assign_to, r->user->id) != 0)
		return http_fail(r, 403, NULL, "Cannot assign lead to another user");
	if (is_operator && unassign)
		return http_fail(r, 403, NULL, "Cannot unassign lead");
	if (unassign && target != ST_NEW)
		return http_fail(r, 400, NULL, "Unassign is only allowed when returning to NEW");
	if (lead_begin(r, LEAD_WRITE, &ref) == -1)
		return 0;
	if ((cur = domain_lead_status_parse(ref.status)) == -1) {
		log_error("leads", "lead %s has an unknown status", r->id);
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if (cur == target)
		return tx_fail(r, 400, "Lead already in requested status");
	if (target == ST_MERGED)
		return tx_fail(r, 400, "Status MERGED is set only by merging leads");
	if (cur == ST_MERGED)
		return tx_fail(r, 409, "Lead already merged");
	if (cfg_get()->enforce_status_transitions && !(transitions[cur] & S(target))) {
		if (is_operator)
			return tx_fail(r, 400, "Status transition not allowed");
		overridden = true; /* managers: an audited override, nothing more to send */
	}
	if ((NEEDS_REASON & S(target)) && reason == NULL) {
		if (notes == NULL) {
			db_rollback(r->db);
			return fail_reason_required(r);
		}
		reason = reason_codes[RS_OTHER]; /* the notes are the reason (original frontend) */
	}
	if (reason != NULL && strcmp(reason, reason_codes[RS_OTHER]) == 0 && notes == NULL)
		return tx_fail(r, 400, "Notes are required for reason OTHER");

	if (unassign || assign_to != NULL) {
		set_assignee = true;
		assignee = assign_to;
	}
	if (target == ST_FIRST_CONTACT) {
		set_assignee = true;
		assignee = assign_to != NULL ? assign_to : r->user->id;
		claimed = "now";
	} else if (target == ST_NEW) {
		set_assignee = true;
		assignee = NULL;
		claimed = "clear";
	}
	if (assignee != NULL && strcmp(assignee, r->user->id) != 0) {
		const char *p[1] = { assignee };
		if ((res = leads_user_get(r, p[0])) == NULL)
			return tx_fail_db(r);
		if (PQntuples(res) != 1)
			return tx_fail(r, 400, "Related record not found");
	}

	{
		const char *p[7] = { r->id, domain_lead_statuses[target],
			set_assignee ? "true" : "false", assignee, claimed,
			v[STATUS_LAST_CONTACT].present ? v[STATUS_LAST_CONTACT].s : NULL,
			v[STATUS_NEXT_ACTION].present ? v[STATUS_NEXT_ACTION].s : NULL };
		if (db_query(r->db, r->mem, &leads_status_sql[SQL_LEADS_STATUS_UPDATE], 7, p) ==
		    NULL)
			return tx_fail_db(r);
	}
	if (id_new(hist_id) == -1 || (notes != NULL && id_new(note_id) == -1)) {
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	{
		const char *p[8] = { hist_id, r->id, domain_lead_statuses[cur],
			domain_lead_statuses[target], r->user->id, notes, reason,
			overridden ? "true" : "false" };
		if (leads_history_insert(r, p) == -1)
			return tx_fail_db(r);
	}
	if (notes != NULL) {
		const char *p[5] = { note_id, r->id, r->user->id, notes, NULL };
		if (leads_note_insert(r, p) == NULL)
			return tx_fail_db(r);
	}

	/* Metadata keys as the reference (notes?, assignedUserId?) plus override and reason. */
	m = cJSON_CreateObject();
	if (m == NULL || (notes != NULL && cJSON_AddStringToObject(m, "notes", notes) == NULL) ||
	    ((unassign || assign_to != NULL) &&
		(assign_to != NULL ? cJSON_AddStringToObject(m, "assignedUserId", assign_to)
				   : cJSON_AddNullToObject(m, "assignedUserId")) == NULL) ||
	    cJSON_AddBoolToObject(m, "override", overridden) == NULL ||
	    (reason != NULL && cJSON_AddStringToObject(m, "reason", reason) == NULL)) {
		cJSON_Delete(m);
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	meta = json_print_take(r->mem, m);
	old_json = arena_printf(r->mem, "\"%s\"", domain_lead_statuses[cur]);
	new_json = arena_printf(r->mem, "\"%s\"", domain_lead_statuses[target]);
	if (meta == NULL || old_json == NULL || new_json == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "status_change", "status", old_json,
		    new_json, meta }) == -1)
		return tx_fail_db(r);
	/* "Następny kontakt": the actor's task, in the same transaction as the change. */
	if (nc != NULL) {
		if (id_new(task_id) == -1) {
			db_rollback(r->db);
			return leads_fail_500(r);
		}
		if (leads_tasks_add(r, r->id, task_id, r->user->id, nc[NC_DUE].s,
			nc[NC_DESC].present ? nc[NC_DESC].s : NEXT_CONTACT_DEFAULT) == -1)
			return tx_fail_db(r);
	}
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s status %s -> %s by %s%s", r->id, domain_lead_statuses[cur],
	    domain_lead_statuses[target], r->user->id, overridden ? " (override)" : "");
	return leads_reply_summary(r, r->id);
}

/* --- assignment --------------------------------------------------------- */

static const char *
assignee_json(struct req *r, const char *user_id)
{
	cJSON *o;

	if (user_id == NULL)
		return "null";
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "assignedUserId", user_id) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/*
 * PATCH /api/leads/:id/assignment, ADMIN.  {"userId": cuid | "" | null}; ""
 * null and absent unassign (§4.6.3 COMPAT).
 * 400 validation; 404 Lead not found; 404 "User not found" (unknown or not
 * ACTIVE); 400 "Only operators can be assigned to leads".
 * claimedAt and status stay.  AuditLog assignment_change.
 * 200: the lead summary without consentStatus.
 */
int
leads_assignment(struct req *r)
{
	const char *user_id = json_in_nonempty(&r->in->v[ASSIGN_USER]), *old_json, *new_json;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_WRITE, NULL) == -1)
		return 0;
	if (user_id != NULL) {
		const char *p[1] = { user_id };
		if ((res = leads_user_get(r, p[0])) == NULL)
			return http_fail_db(r);
		if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "ACTIVE") != 0)
			return http_fail(r, 404, NULL, "User not found");
		if (strcmp(PQgetvalue(res, 0, 0), "OPERATOR") != 0)
			return http_fail(r, 400, NULL, "Only operators can be assigned to leads");
	}
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[2] = { r->id, user_id };
		res = db_query(r->db, r->mem, &leads_status_sql[SQL_LEADS_STATUS_ASSIGN], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "Lead not found");
	old_json = assignee_json(r, PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0));
	new_json = assignee_json(r, user_id);
	if (old_json == NULL || new_json == NULL) {
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "assignment_change", "assignedUserId",
		    old_json, new_json, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s assigned to %s by %s", r->id,
	    user_id != NULL ? user_id : "nobody", r->user->id);
	return leads_reply_summary(r, r->id);
}

/* --- the policy, for the UI ---------------------------------------------- */

/* The statuses of mask in lifecycle order. */
static cJSON *
status_list(unsigned mask)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a != NULL && i < NELEM(lifecycle); i++) {
		if (!(mask & S(lifecycle[i])))
			continue;
		if (!cJSON_AddItemToArray(
			a, cJSON_CreateString(domain_lead_statuses[lifecycle[i]]))) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static bool
add_list(cJSON *o, const char *key, cJSON *list)
{
	if (list == NULL)
		return false;
	if (!cJSON_AddItemToObject(o, key, list)) {
		cJSON_Delete(list);
		return false;
	}
	return true;
}

/*
 * GET /api/leads/status-policy, OPERATOR, SUPERVISOR, ADMIN: the one copy
 * of the status rules, for the UI (§7.3).
 * 200 {"enforced": ENFORCE_STATUS_TRANSITIONS, "statuses": [lifecycle
 * order], "transitions": {"NEW": [recommended targets], …}, "terminal": [...],
 * "reasonRequired": [...], "reasons": [codes], "canOverride": whether the
 * caller may move a lead off the recommended paths}.
 */
int
leads_status_policy(struct req *r)
{
	bool enforced = cfg_get()->enforce_status_transitions;
	unsigned all = 0, terminal = 0;
	cJSON *o = cJSON_CreateObject(), *tr, *reasons;

	for (int i = 0; i < ST__MAX; i++) {
		all |= S(i);
		if (transitions[i] == 0)
			terminal |= S(i);
	}
	if (o == NULL || cJSON_AddBoolToObject(o, "enforced", enforced) == NULL ||
	    !add_list(o, "statuses", status_list(all)) ||
	    (tr = cJSON_AddObjectToObject(o, "transitions")) == NULL)
		goto oom;
	/* MERGED is never offered: only merging sets it. */
	for (size_t i = 0; i < NELEM(lifecycle); i++)
		if (!add_list(tr, domain_lead_statuses[lifecycle[i]],
			status_list(transitions[lifecycle[i]] & ~S(ST_MERGED))))
			goto oom;
	if (!add_list(o, "terminal", status_list(terminal)) ||
	    !add_list(o, "reasonRequired", status_list(NEEDS_REASON)) ||
	    (reasons = cJSON_AddArrayToObject(o, "reasons")) == NULL)
		goto oom;
	for (size_t i = 0; reason_codes[i] != NULL; i++)
		if (!cJSON_AddItemToArray(reasons, cJSON_CreateString(reason_codes[i])))
			goto oom;
	if (cJSON_AddBoolToObject(o, "canOverride", !enforced || r->user->role != ROLE_OPERATOR) ==
	    NULL)
		goto oom;
	return http_ok(r, o);
oom:
	cJSON_Delete(o);
	return leads_fail_500(r);
}

/* --- the policy, for bulk changes (leads_bulk.c) ---------------------------- */

bool
leads_transition_recommended(int from, int to)
{
	return from >= 0 && from < ST__MAX && to >= 0 && to < ST__MAX &&
	    (transitions[from] & S(to)) != 0;
}

bool
leads_reason_required(int status)
{
	return status >= 0 && status < ST__MAX && (NEEDS_REASON & S(status)) != 0;
}

const char *const *
leads_reason_codes(void)
{
	return reason_codes;
}

int
leads_status_init(struct db *db)
{
	return db_register(db, leads_status_sql, LEADS_STATUS_SQL__MAX);
}
