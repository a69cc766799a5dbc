/*
 * leads_bulk: one action on many leads (issue 13): assign, change status or
 * export a selection of the list or the board, given as ids or as the
 * list's filter.  One request, one transaction: the selected rows are
 * locked in id order, every lead is checked against the access rule
 * (izzy_lead_visible, as lead_begin) and the status policy under its lock,
 * the leads that pass are changed with set-based statements and get one
 * audit entry each; the others are listed as failed with their reason.  A
 * lead is changed whole or not at all: a database error rolls back all.
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
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_bulk.sql.h"

/* At most this many leads per action: one transaction holds all their row locks. */
#define BULK_MAX          1000

#define CLIENT_ACTIVE_MSG "Klient nadal edytuje formularz. Spróbuj ponownie, gdy sesja wygaśnie."

static const char *const action_values[] = { "assign", "status", "export", NULL };
enum bulk_action { BA_ASSIGN, BA_STATUS, BA_EXPORT };

static const char *const assigned_values[] = { "unassigned", NULL };

/* The list's filters (GET /api/leads), status as an array. */
static const struct field status_elem = {
	.name = "status", .type = FT_ENUM, .options = domain_lead_statuses
};
enum filter_key { FI_STATUS, FI_PARTNER, FI_ASSIGNED_USER, FI_ASSIGNED, FI_SEARCH, FI__MAX };
static const struct field filter_fields[FI__MAX] = {
	[FI_STATUS] = { "status", FT_ARRAY, 0, 0, DOMAIN_LEAD_STATUS_COUNT, NULL, NULL,
	    &status_elem },
	[FI_PARTNER] = { "partnerId", FT_STRING, F_NULLABLE, 0, 64 },
	[FI_ASSIGNED_USER] = { "assignedUserId", FT_STRING, F_NULLABLE, 0, 64 },
	[FI_ASSIGNED] = { "assigned", FT_ENUM, F_NULLABLE, 0, 0, assigned_values },
	[FI_SEARCH] = { "search", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
};
static const struct field_table filter_in = FIELD_TABLE(filter_fields);

static const struct field id_elem = { .name = "id", .type = FT_STRING, .min = 1, .max = 64 };
static const char *const format_values[] = { "csv", "xlsx", NULL };
enum bulk_key {
	BU_ACTION,
	BU_IDS,
	BU_FILTER,
	BU_USER,
	BU_STATUS,
	BU_REASON,
	BU_NOTES,
	BU_FORMAT,
	BU__MAX
};
static const struct field bulk_fields[BU__MAX] = {
	[BU_ACTION] = { "action", FT_ENUM, F_REQUIRED, 0, 0, action_values },
	[BU_IDS] = { "ids", FT_ARRAY, 0, 1, BULK_MAX, NULL, NULL, &id_elem },
	[BU_FILTER] = { "filter", FT_OBJECT, 0, 0, 0, NULL, &filter_in },
	/* assign: the operator to assign, null to unassign. */
	[BU_USER] = { "userId", FT_STRING, F_NULLABLE | F_TRIM, 0, 64 },
	/* status: the target, with one reason and notes for all. */
	[BU_STATUS] = { "status", FT_ENUM, 0, 0, 0, domain_lead_statuses },
	[BU_REASON] = { "reason", FT_STRING, 0, 1, 64 },
	[BU_NOTES] = { "notes", FT_STRING, F_TRIM | F_MULTILINE, 0, 2000 },
	/* export: the file's format, csv (default) or xlsx (leads_sheet.c). */
	[BU_FORMAT] = { "format", FT_ENUM, 0, 0, 0, format_values },
};
const struct field_table leads_bulk_in = FIELD_TABLE(bulk_fields);

int
leads_bulk_init(struct db *db)
{
	return db_register(db, leads_bulk_sql, LEADS_BULK_SQL__MAX);
}

/* --- helpers ------------------------------------------------------------- */

/* Destructor for arena_defer(). */
static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A text[] literal of v[0..n): every element double-quoted with '"' and '\'
 * escaped, so any id reaches PostgreSQL as it was sent.  NULL when out of
 * memory.
 */
static const char *
pg_array(struct req *r, const char *const *v, size_t n)
{
	size_t len = 3;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) * 2 + 3;
	if ((out = p = arena_alloc(r->mem, len)) == NULL)
		return NULL;
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		for (const char *s = v[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

/* Parses a text[] result cell of plain ids (no quoting needed: cuids) into *out. */
static int
split_ids(struct req *r, const char *lit, const char ***out, size_t *n)
{
	size_t cap = 1, k = 0;
	char *s, *tok, *save = NULL;
	const char **v;

	for (const char *p = lit; *p != '\0'; p++)
		cap += *p == ',';
	if ((s = arena_strdup(r->mem, lit)) == NULL ||
	    (v = arena_alloc(r->mem, cap * sizeof(*v))) == NULL)
		return -1;
	s[strcspn(s, "}")] = '\0';
	for (tok = strtok_r(s + (*s == '{'), ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*tok == '"') {
			tok++;
			tok[strcspn(tok, "\"")] = '\0';
		}
		v[k++] = tok;
	}
	*out = v;
	*n = k;
	return 0;
}

/* '%term%' for ILIKE with the term's own wildcards made literal. */
static const char *
like_pattern(struct req *r, const char *term)
{
	char *out = arena_alloc(r->mem, strlen(term) * 2 + 3), *p;

	if (out == NULL)
		return NULL;
	p = out;
	*p++ = '%';
	for (; *term != '\0'; term++) {
		if (*term == '%' || *term == '_' || *term == '\\')
			*p++ = '\\';
		*p++ = *term;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

/*
 * The selection: the body's ids (sorted, duplicates dropped) or the leads
 * matching its filter.  0 with *ids and *n set; 1 with the response set (400);
 * -1 out of memory or database error (response set).
 */
static int
selection(struct req *r, const char ***ids, size_t *n)
{
	const struct value *v = r->in->v;

	if (v[BU_IDS].present && v[BU_FILTER].present) {
		http_fail(r, 400, NULL, "Send ids or filter, not both");
		return 1;
	}
	if (v[BU_IDS].present && !v[BU_IDS].null) {
		const char **a = arena_alloc(r->mem, v[BU_IDS].n * sizeof(*a));
		size_t k = 0;

		if (a == NULL) {
			leads_fail_500(r);
			return -1;
		}
		for (size_t i = 0; i < v[BU_IDS].n; i++)
			a[i] = v[BU_IDS].arr[i].s;
		qsort(a, v[BU_IDS].n, sizeof(*a), cmp_str);
		for (size_t i = 0; i < v[BU_IDS].n; i++)
			if (k == 0 || strcmp(a[k - 1], a[i]) != 0)
				a[k++] = a[i];
		*ids = a;
		*n = k;
		return 0;
	}
	if (v[BU_FILTER].present && !v[BU_FILTER].null) {
		const struct value *f = v[BU_FILTER].obj->v;
		const char *st[DOMAIN_LEAD_STATUS_COUNT], *search = json_in_nonempty(&f[FI_SEARCH]);
		const char *partner = json_in_nonempty(&f[FI_PARTNER]), *params[9];
		const struct user *u = r->user;
		PGresult *res;

		if (u->role == ROLE_OPERATOR && u->partner_id[0] != '\0' && partner != NULL &&
		    strcmp(partner, u->partner_id) != 0) {
			http_fail(r, 403, NULL, "Cannot view leads for other partners");
			return 1;
		}
		for (size_t i = 0; f[FI_STATUS].present && i < f[FI_STATUS].n; i++)
			st[i] = f[FI_STATUS].arr[i].s;
		params[0] = role_name(u->role);
		params[1] = u->id;
		params[2] = u->partner_id[0] != '\0' ? u->partner_id : NULL;
		params[3] = partner;
		params[4] = f[FI_STATUS].present && !f[FI_STATUS].null && f[FI_STATUS].n > 0
		    ? pg_array(r, st, f[FI_STATUS].n)
		    : NULL;
		params[5] = f[FI_ASSIGNED].present && !f[FI_ASSIGNED].null ? "true" : "false";
		params[6] = json_in_nonempty(&f[FI_ASSIGNED_USER]);
		params[7] = search != NULL ? like_pattern(r, search) : NULL;
		params[8] = arena_printf(r->mem, "%d", BULK_MAX + 1);
		if (params[8] == NULL || (search != NULL && params[7] == NULL)) {
			leads_fail_500(r);
			return -1;
		}
		if ((res = db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_FILTER_IDS], 9,
			 params)) == NULL) {
			http_fail_db(r);
			return -1;
		}
		if (strtol(PQgetvalue(res, 0, 1), NULL, 10) > BULK_MAX) {
			http_fail(r, 400, "BULK_LIMIT",
			    "Too many leads selected (at most 1000 per action)");
			return 1;
		}
		if (split_ids(r, PQgetvalue(res, 0, 0), ids, n) == -1) {
			leads_fail_500(r);
			return -1;
		}
		/* The database's collation may order them otherwise; decide() searches them. */
		qsort(*ids, *n, sizeof(**ids), cmp_str);
		return 0;
	}
	http_fail_field(r, "ids", "Required");
	return 1;
}

/* failed: [{id, message, code?}]; -1 when out of memory. */
static int
add_failure(cJSON *failed, const char *id, const char *code, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(failed, o))
		return cJSON_Delete(o), -1;
	return cJSON_AddStringToObject(o, "id", id) == NULL ||
		cJSON_AddStringToObject(o, "message", message) == NULL ||
		(code != NULL && cJSON_AddStringToObject(o, "code", code) == NULL)
	    ? -1
	    : 0;
}

/* --- assign and status ---------------------------------------------------- */

struct plan {
	enum bulk_action action;
	int target;          /* status: domain_lead_statuses index */
	const char *user_id; /* assign: the new assignee or NULL */
	const char *notes, *reason;
};

/*
 * Checks a to-be action up front (the same for every lead): 0, or 1 with the
 * response set.
 */
static int
plan_check(struct req *r, struct plan *p)
{
	const struct value *v = r->in->v;
	bool is_operator = r->user->role == ROLE_OPERATOR;
	PGresult *res;

	if (p->action == BA_ASSIGN) {
		if (!v[BU_USER].present)
			return http_fail_field(r, "userId", "Required"), 1;
		p->user_id = json_in_nonempty(&v[BU_USER]);
		/* Operators may take leads, as a status change to FIRST_CONTACT does (§4.6.1). */
		if (is_operator && p->user_id == NULL)
			return http_fail(r, 403, NULL, "Cannot unassign lead"), 1;
		if (is_operator && strcmp(p->user_id, r->user->id) != 0)
			return http_fail(r, 403, NULL, "Cannot assign lead to another user"), 1;
		if (p->user_id != NULL && !is_operator) {
			if ((res = leads_user_get(r, p->user_id)) == NULL)
				return http_fail_db(r), 1;
			if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "ACTIVE") != 0)
				return http_fail(r, 404, NULL, "User not found"), 1;
			if (strcmp(PQgetvalue(res, 0, 0), "OPERATOR") != 0)
				return http_fail(
					   r, 400, NULL, "Only operators can be assigned to leads"),
				       1;
		}
		return 0;
	}
	if (!v[BU_STATUS].present)
		return http_fail_field(r, "status", "Required"), 1;
	p->target = v[BU_STATUS].e;
	p->notes = json_in_nonempty(&v[BU_NOTES]);
	p->reason = v[BU_REASON].present ? v[BU_REASON].s : NULL;
	if (strcmp(domain_lead_statuses[p->target], "MERGED") == 0)
		return http_fail(r, 400, NULL, "Status MERGED is set only by merging leads"), 1;
	if (p->reason != NULL) {
		const char *const *codes = leads_reason_codes();
		size_t i = 0;
		while (codes[i] != NULL && strcmp(codes[i], p->reason) != 0)
			i++;
		if (codes[i] == NULL)
			return http_fail_field(r, "reason", "Invalid reason"), 1;
	}
	if (leads_reason_required(p->target) && p->reason == NULL) {
		if (p->notes == NULL)
			return http_fail_field(r, "reason", "Reason is required for this status"),
			       1;
		p->reason = "OTHER";
	}
	if (p->reason != NULL && strcmp(p->reason, "OTHER") == 0 && p->notes == NULL)
		return http_fail(r, 400, NULL, "Notes are required for reason OTHER"), 1;
	return 0;
}

/*
 * The audit entries of the changed leads ok[0..n), one per lead as
 * audit_log() writes it, with one statement: olds are the old statuses
 * (status) and prev the old assignees ('' none; assign).  -1 on failure.
 */
static int
audit_all(struct req *r, const struct plan *p, const char **ok, const char **olds, const char **ovr,
    const char **prev, size_t n)
{
	const char **aid = arena_alloc(r->mem, n * sizeof(*aid));
	const char *params[10];

	if (aid == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char *a = arena_alloc(r->mem, ID_SIZE);
		if (a == NULL || id_new(a) == -1)
			return -1;
		aid[i] = a;
	}
	params[0] = pg_array(r, aid, n);
	params[1] = pg_array(r, ok, n);
	params[2] = pg_array(r, p->action == BA_ASSIGN ? prev : olds, n);
	params[3] = pg_array(r, ovr, n);
	params[4] = r->user->id;
	params[5] = p->action == BA_ASSIGN ? "assign" : "status";
	params[6] = p->user_id;
	params[7] = p->action == BA_ASSIGN ? NULL : domain_lead_statuses[p->target];
	params[8] = p->action == BA_ASSIGN ? NULL : p->notes;
	params[9] = p->action == BA_ASSIGN ? NULL : p->reason;
	if (params[0] == NULL || params[1] == NULL || params[2] == NULL || params[3] == NULL)
		return -1;
	if (db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_AUDIT], 10, params) == NULL) {
		log_error("leads", "cannot record the bulk %s audit", params[5]);
		return -1;
	}
	return 0;
}

/* The set-based writes for the leads that passed: ok[0..n), their old statuses and overrides. */
static int
apply(struct req *r, const struct plan *p, const char **ok, const char **olds, const char **ovr,
    size_t n)
{
	const char *ids = pg_array(r, ok, n);

	if (ids == NULL)
		return -1;
	if (p->action == BA_ASSIGN) {
		const char *params[2] = { ids, p->user_id };
		return db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_ASSIGN], 2, params) ==
			NULL
		    ? -1
		    : 0;
	}
	{
		const char *target = domain_lead_statuses[p->target];
		const char *mode = strcmp(target, "FIRST_CONTACT") == 0 ? "claim"
		    : strcmp(target, "NEW") == 0                        ? "release"
									: "keep";
		const char *params[4] = { ids, target, mode, r->user->id };
		if (db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_STATUS], 4, params) ==
		    NULL)
			return -1;
	}
	{
		const char **hist = arena_alloc(r->mem, n * sizeof(*hist));
		const char **notes = arena_alloc(r->mem, n * sizeof(*notes));
		const char *params[8];

		if (hist == NULL || notes == NULL)
			return -1;
		for (size_t i = 0; i < n; i++) {
			char *h = arena_alloc(r->mem, ID_SIZE), *t = arena_alloc(r->mem, ID_SIZE);
			if (h == NULL || t == NULL || id_new(h) == -1 || id_new(t) == -1)
				return -1;
			hist[i] = h;
			notes[i] = t;
		}
		params[0] = pg_array(r, hist, n);
		params[1] = ids;
		params[2] = pg_array(r, olds, n);
		params[3] = pg_array(r, ovr, n);
		params[4] = domain_lead_statuses[p->target];
		params[5] = r->user->id;
		params[6] = p->notes;
		params[7] = p->reason;
		if (params[0] == NULL || params[2] == NULL || params[3] == NULL ||
		    db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_HISTORY], 8, params) ==
			NULL)
			return -1;
		if (p->notes != NULL) {
			const char *np[4] = { pg_array(r, notes, n), ids, r->user->id, p->notes };
			if (np[0] == NULL ||
			    db_query(r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_NOTES], 4, np) ==
				NULL)
				return -1;
		}
	}
	return 0;
}

/*
 * The per-lead checks under the locks, in the order of lead_begin and
 * POST /api/leads/:id/status; fills ok/olds/ovr with the leads that pass and
 * failed with the others.  -1 when out of memory.
 */
static int
decide(struct req *r, const struct plan *p, PGresult *locked, const char **ids, size_t n,
    const char **ok, const char **olds, const char **ovr, const char **prev_assignee, size_t *nok,
    cJSON *failed)
{
	bool is_operator = r->user->role == ROLE_OPERATOR;
	bool enforced = cfg_get()->enforce_status_transitions;
	bool *seen = arena_alloc(r->mem, n + 1);
	int rows = PQntuples(locked);

	if (seen == NULL)
		return -1;
	memset(seen, 0, n + 1);
	*nok = 0;
	for (int i = 0; i < rows; i++) {
		const char *id = PQgetvalue(locked, i, 0), *st = PQgetvalue(locked, i, 1);
		const char **hit = bsearch(&id, ids, n, sizeof(*ids), cmp_str);
		const char *msg = NULL, *code = NULL;
		bool overridden = false;
		int cur = domain_lead_status_parse(st);

		if (hit != NULL)
			seen[hit - ids] = true;
		if (strcmp(PQgetvalue(locked, i, 2), "t") != 0)
			msg = "Access denied";
		else if (strcmp(PQgetvalue(locked, i, 3), "t") == 0)
			msg = LEADS_ANONYMIZED_MSG;
		else if (is_operator && strcmp(PQgetvalue(locked, i, 5), "t") == 0) {
			msg = CLIENT_ACTIVE_MSG;
			code = "CLIENT_ACTIVE";
		} else if (p->action == BA_STATUS) {
			if (cur == p->target)
				msg = "Lead already in requested status";
			else if (strcmp(st, "MERGED") == 0)
				msg = "Lead already merged";
			else if (enforced && !leads_transition_recommended(cur, p->target)) {
				if (is_operator)
					msg = "Status transition not allowed";
				else
					overridden = true;
			}
		} else if (strcmp(st, "MERGED") == 0)
			msg = "Lead already merged";
		if (msg != NULL) {
			if (add_failure(failed, id, code, msg) == -1)
				return -1;
			continue;
		}
		ok[*nok] = id;
		olds[*nok] = st;
		ovr[*nok] = overridden ? "t" : "f";
		prev_assignee[*nok] = PQgetvalue(locked, i, 4);
		(*nok)++;
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i] && add_failure(failed, ids[i], NULL, "Lead not found") == -1)
			return -1;
	return 0;
}

/*
 * POST /api/leads/bulk — OPERATOR, SUPERVISOR, ADMIN (issue 13).
 * Body: {"action": "assign" | "status" | "export", "ids": [lead ids, 1..1000]
 * or "filter": {the list's filters: status[], partnerId, assignedUserId,
 * assigned, search}, and per action:
 *   assign  "userId": an active operator (managers), the actor itself
 *           (operators: taking leads), or null to unassign (managers);
 *   status  "status", "reason" (a predefined code) and "notes": one for all,
 *           with the rules of POST /api/leads/:id/status.}
 * 200 assign/status: {"action", "requested": selected leads, "updated": [ids
 *     changed], "failed": [{"id", "message", "code"?}]}: a lead that does
 *     not exist ("Lead not found"), the actor may not see ("Access denied"),
 *     is anonymised, has its client editing the form (operators,
 *     CLIENT_ACTIVE), is merged, already in the status, or off the
 *     recommended paths for an operator ("Status transition not allowed");
 *     managers' moves off them are audited overrides, as for one lead.
 * 200 export: the file of GET /api/leads/export with every column ("format":
 *     "csv" (default) or "xlsx"), the selected leads the actor may see;
 *     X-Bulk-Skipped: how many not.
 * 400 validation; "Send ids or filter, not both"; BULK_LIMIT "Too many leads
 *     selected (at most 1000 per action)" when the filter matches more;
 *     the status rules' 400s ("Reason is required for this status" on
 *     ["reason"], "Notes are required for reason OTHER", MERGED);
 *     "Only operators can be assigned to leads".
 * 403 operators: "Cannot assign lead to another user", "Cannot unassign
 *     lead", "Cannot view leads for other partners" (filter).
 * 404 "User not found" (assignee unknown or not active).
 */
int
leads_bulk(struct req *r)
{
	struct plan p = { .action = (enum bulk_action)r->in->v[BU_ACTION].e };
	const char **ids, **ok, **olds, **ovr, **prev;
	const char *ids_lit;
	size_t n, nok;
	cJSON *out, *failed, *updated;
	PGresult *locked;

	if (p.action != BA_EXPORT && plan_check(r, &p) != 0)
		return 0;
	if (selection(r, &ids, &n) != 0)
		return 0;
	if ((ids_lit = pg_array(r, ids, n)) == NULL)
		return leads_fail_500(r);
	if (p.action == BA_EXPORT)
		return leads_sheet_bulk(
		    r, ids_lit, n, r->in->v[BU_FORMAT].present ? r->in->v[BU_FORMAT].e : 0);

	if ((out = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, out) == -1) {
		cJSON_Delete(out);
		return leads_fail_500(r);
	}
	ok = arena_alloc(r->mem, (n + 1) * sizeof(*ok));
	olds = arena_alloc(r->mem, (n + 1) * sizeof(*olds));
	ovr = arena_alloc(r->mem, (n + 1) * sizeof(*ovr));
	prev = arena_alloc(r->mem, (n + 1) * sizeof(*prev));
	if (ok == NULL || olds == NULL || ovr == NULL || prev == NULL ||
	    json_add_str_skip(out, "action", action_values[p.action]) == -1 ||
	    cJSON_AddNumberToObject(out, "requested", (double)n) == NULL ||
	    (updated = cJSON_AddArrayToObject(out, "updated")) == NULL ||
	    (failed = cJSON_AddArrayToObject(out, "failed")) == NULL)
		return leads_fail_500(r);

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	{
		const struct user *u = r->user;
		const char *params[4] = { ids_lit, role_name(u->role), u->id,
			u->partner_id[0] != '\0' ? u->partner_id : NULL };
		if ((locked = db_query(
			 r->db, r->mem, &leads_bulk_sql[SQL_LEADS_BULK_LOCK], 4, params)) == NULL)
			return tx_fail_db(r);
	}
	if (decide(r, &p, locked, ids, n, ok, olds, ovr, prev, &nok, failed) == -1) {
		db_rollback(r->db);
		return leads_fail_500(r);
	}
	if (nok > 0 && apply(r, &p, ok, olds, ovr, nok) == -1)
		return tx_fail_db(r);
	if (nok > 0 && audit_all(r, &p, ok, olds, ovr, prev, nok) == -1)
		return tx_fail_db(r);
	for (size_t i = 0; i < nok; i++) {
		if (!cJSON_AddItemToArray(updated, cJSON_CreateString(ok[i]))) {
			db_rollback(r->db);
			return leads_fail_500(r);
		}
	}
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "bulk %s by %s: %zu of %zu leads changed", action_values[p.action],
	    r->user->id, nok, n);
	{
		const char *body = json_print(r->mem, out);
		return body != NULL ? http_ok_raw(r, body) : leads_fail_500(r);
	}
}
