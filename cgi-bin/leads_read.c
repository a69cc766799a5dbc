/*
 * leads_read: listing and reading leads (spec/api.md §4.5.2, §4.5.3, FR-15,
 * FR-31..33) and the duplicate check behind the create form's live warning.
 * PostgreSQL builds the responses.  Statements per request, the session
 * lookup included: a list page two (session, leads_list) and one more for a
 * search (its page first); the detail two (session, leads_detail with the
 * access check in it).  When the worker holds an answer, leads_answer_fresh
 * (leads_detail_fresh) first, and nothing more while the answer holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/respcache.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_read.sql.h"

/* --- GET /api/leads query (§4.5.2; status is parsed by parse_status()) --------- */

static const char *const assigned_values[] = { "unassigned", NULL };

/*
 * The list's filters come first, in the order of enum leads_filter_key
 * (leads.h), so that the export's query table (leads_sheet_q) shares them
 * and leads_filter() reads either.
 */
#define LIST_FILTER_FIELDS                                                                         \
	[LF_PARTNER] = { "partnerId", FT_STRING, 0, 0, 64 },                                       \
	[LF_ASSIGNED_USER] = { "assignedUserId", FT_STRING, 0, 0, 64 },                            \
	[LF_ASSIGNED] = { "assigned", FT_ENUM, 0, 0, 0, assigned_values },                         \
	[LF_SEARCH] = { "search", FT_STRING, F_TRIM, 0, 200 }

enum list_key { LI_PAGE = LF__MAX, LI_PER_PAGE, LI__MAX };
static const struct field list_fields[LI__MAX] = {
	LIST_FILTER_FIELDS,
	[LI_PAGE] = { "page", FT_INT, 0, 1, 1000000000 },
	[LI_PER_PAGE] = { "perPage", FT_INT, 0, 1, 100 },
};
const struct field_table leads_list_q = FIELD_TABLE(list_fields);

/* GET /api/leads/export: the list's filters, the format and the columns (leads_sheet.c). */
static const char *const sheet_formats[] = { "csv", "xlsx", NULL };
static const struct field sheet_fields[LS__MAX] = {
	LIST_FILTER_FIELDS,
	[LS_FORMAT] = { "format", FT_ENUM, 0, 0, 0, sheet_formats },
	[LS_COLUMNS] = { "columns", FT_STRING, F_TRIM, 0, 200 },
};
const struct field_table leads_sheet_q = FIELD_TABLE(sheet_fields);

/* The status filter as parse_status() checks it: an array of LeadStatus. */
static const struct field status_elem = {
	.name = "status", .type = FT_ENUM, .options = domain_lead_statuses
};
static const struct field status_fields[] = {
	{ .name = "status", .type = FT_ARRAY, .elem = &status_elem },
};
static const struct field_table status_q = FIELD_TABLE(status_fields);

enum dup_key { DU_EMAIL, DU_PHONE, DU__MAX };
static const struct field dup_fields[DU__MAX] = {
	[DU_EMAIL] = { "email", FT_STRING, F_TRIM, 0, 254 },
	[DU_PHONE] = { "phone", FT_STRING, F_TRIM, 0, 40 },
};
const struct field_table leads_dup_q = FIELD_TABLE(dup_fields);

/*
 * The streaming replica's connection when DATABASE_READ_URL is set (process
 * lifetime).  Only the lead list reads there: a page a few seconds old is
 * acceptable, and the statements write nothing.  The detail stays on the
 * primary (SQL_LEADS_DETAIL switches a stale client-activity flag off).  A
 * request from a client that wrote a moment ago (nginx sets the cookie
 * READ_WROTE_COOKIE on every successful non-GET answer, nginx/snippets) reads
 * the primary, so that a user sees their own write; and a replica that cannot
 * be reached is skipped for the primary, never an error.
 */
#define READ_WROTE_COOKIE "izzy_wrote"
static struct db *read_db;

/*
 * The board's, the list's and the detail's answers (common/respcache.h): a
 * team looks at the same board, the same first pages and the same leads far
 * more often than they change, and a board is 950 cards.  Kept per scope and
 * query with the snapshot they were built in; served again only while
 * leads_answer_fresh (leads_detail_fresh) says no write to what they read
 * committed since (schema 0037..0039) and no deadline in them has passed, so
 * a cached answer is exactly the one the query would give.  The session is
 * still looked up at every request, so a revoked session is refused at once.
 * Board: 8 slots of up to ~0.5 MB; list: 32 of up to ~80 KB (100
 * summaries); detail: 32 (a lead's notes, history and 50 audit entries).
 * ANSWER_CACHE_SECONDS only bounds how long memory holds an answer nobody
 * asks for.
 */
#define ANSWER_CACHE_SECONDS 300
static struct respcache_slot board_slots[8];
static struct respcache board_cache = RESPCACHE("leads", board_slots);
static struct respcache_slot list_slots[32];
static struct respcache list_cache = RESPCACHE("leads", list_slots);
static struct respcache_slot detail_slots[32];
static struct respcache detail_cache = RESPCACHE("leads", detail_slots);

static void
read_db_free(void)
{
	db_free(read_db);
	read_db = NULL;
	respcache_free(&board_cache);
	respcache_free(&list_cache);
	respcache_free(&detail_cache);
}

int
leads_read_init(struct db *db)
{
	const struct cfg *c = cfg_get();

	static bool registered;

	if (!registered) {
		if (atexit(read_db_free) != 0)
			return -1;
		registered = true;
	}
	if (c != NULL && c->database_read_url != NULL && read_db == NULL) {
		if ((read_db = db_new(c->database_read_url, c->db_statement_timeout_ms)) == NULL ||
		    db_register(read_db, leads_read_sql, LEADS_READ_SQL__MAX) == -1)
			return -1;
		log_info("leads", "the lead list reads DATABASE_READ_URL");
	}
	return db_register(db, leads_read_sql, LEADS_READ_SQL__MAX);
}

/* A replica that failed is left alone for this long (a connect to a host that is down may take
 * the URL's connect_timeout each time). */
#define READ_DB_RETRY_SECONDS 10
static time_t read_db_down_until;

/* The connection a lag-tolerant read of r uses: the replica when there is one,
 * the request is a GET, the client wrote nothing a moment ago and the replica
 * answers; else the primary. */
static struct db *
list_db(struct req *r)
{
	time_t now = time(NULL);

	if (read_db == NULL || r->method != HTTP_GET || http_cookie(r, READ_WROTE_COOKIE) != NULL ||
	    now < read_db_down_until)
		return r->db;
	if (!db_ok(read_db)) {
		log_warn("leads", "DATABASE_READ_URL unreachable: reading the primary for %d s",
		    READ_DB_RETRY_SECONDS);
		read_db_down_until = now + READ_DB_RETRY_SECONDS;
		return r->db;
	}
	return read_db;
}

/* db_query on *db, once more on the primary if *db is the replica and failed;
 * *db is the primary from then on, for the request's next statements. */
static PGresult *
list_query(struct req *r, struct db **db, const struct db_stmt *s, int n, const char *const *p)
{
	PGresult *res = db_query(*db, r->mem, s, n, p);

	if (res == NULL && *db != r->db) {
		log_warn("leads", "%s failed on DATABASE_READ_URL: reading the primary", s->name);
		if (!db_ok(*db))
			read_db_down_until = time(NULL) + READ_DB_RETRY_SECONDS;
		*db = r->db;
		res = db_query(r->db, r->mem, s, n, p);
	}
	return res;
}

/* --- helpers ------------------------------------------------------------------ */

/* Destructor for arena_defer(). */
static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

static bool
is_partner_scoped(enum role role)
{
	return (ROLE_BIT(role) & ROLES_PARTNER_SCOPED) != 0;
}

static bool
has(const struct value *v)
{
	return v->present && !v->null;
}

/* The actor's partner for SQL: NULL when the user has none. */
static const char *
actor_partner(const struct req *r)
{
	return r->user->partner_id[0] != '\0' ? r->user->partner_id : NULL;
}

/* --- cached answers (board, list, detail) ----------------------------------------- */

/*
 * The cache key of a board, list or detail request: its kind ('B', 'L', 'D'), the scope
 * (managers see every lead; partners their partner's; others by role, id
 * and partner) and the n query values after the actor's three (NULL: none),
 * each as length:value, so that no value can pass for two.  NULL out of
 * memory.
 */
static const char *
answer_key(struct req *r, char kind, const char *const *params, size_t n)
{
	const struct user *u = r->user;
	const char *key, *v;

	if (u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR)
		key = arena_printf(r->mem, "%c*", kind);
	else if (u->role == ROLE_PARTNER || u->role == ROLE_PARTNER_MANAGER)
		key = arena_printf(r->mem, "%cP%zu:%s", kind, strlen(params[2]), params[2]);
	else
		key = arena_printf(r->mem, "%c%s|%s|%s", kind, params[0], params[1],
		    params[2] != NULL ? params[2] : "-");
	for (size_t i = 3; i < 3 + n && key != NULL; i++)
		key = (v = params[i]) != NULL ? arena_printf(r->mem, "%s|%zu:%s", key, strlen(v), v)
					      : arena_printf(r->mem, "%s|-", key);
	return key;
}

/*
 * A cached answer of key when it still holds (statement fresh, e.g.
 * leads_answer_fresh, on *db as list_query()): 1 and *body, 0 none (or no
 * longer true: dropped), -1 database error.  The slot's tag is
 * "snapshot|deadline epoch".
 */
static int
answer_cached(struct req *r, struct respcache *cache, enum leads_read_sql fresh, struct db **db,
    const char *key, const char **body)
{
	const struct respcache_slot *s = respcache_get(cache, key, r->now);
	const char *p[2], *bar;
	PGresult *res;

	if (s == NULL || s->tag == NULL || (bar = strchr(s->tag, '|')) == NULL)
		return 0;
	if ((p[0] = arena_strndup(r->mem, s->tag, (size_t)(bar - s->tag))) == NULL)
		return -1;
	p[1] = bar[1] != '\0' ? bar + 1 : NULL;
	if ((res = list_query(r, db, &leads_read_sql[fresh], 2, p)) == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		respcache_drop(cache, key);
		return 0;
	}
	*body = s->body;
	return 1;
}

/* Keeps body under key with its snapshot and deadline epoch ("" none); best effort. */
static void
answer_keep(struct req *r, struct respcache *cache, const char *key, const char *body,
    const char *snapshot, const char *deadline)
{
	const char *tag = arena_printf(r->mem, "%s|%s", snapshot, deadline);

	if (tag != NULL)
		respcache_put(cache, key, body, tag, r->now + ANSWER_CACHE_SECONDS);
}

/* Sends body as a 200 with X-Izzy-Cache saying where it came from (500 if the header fails). */
static int
answer_send(struct req *r, const char *body, bool hit)
{
	if (http_header(r, "X-Izzy-Cache", hit ? "hit" : "miss") != 0)
		return http_fail(r, 500, NULL, "Internal server error");
	return http_ok_raw(r, body);
}

/* --- list ---------------------------------------------------------------------- */

/*
 * The status filter (§4.5.2): "status=NEW,FIRST_CONTACT" or repeated
 * "status=NEW&status=FIRST_CONTACT", both at once too.  The generic query
 * validation refuses repeated keys, so the values are collected here and
 * checked as an array of LeadStatus.  *out is a text[] literal, NULL when no
 * value was given.  0, or 1 with a 400 set, or -1 out of memory.
 */
static int
parse_status(struct req *r, const char **out)
{
	const char *q = r->query;
	struct valid_out *vo;
	cJSON *in, *arr, *issues;
	char *lit, *p;
	size_t len = 3;
	int n = 0;

	*out = NULL;
	if ((in = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, in) == -1 ||
	    (arr = cJSON_AddArrayToObject(in, "status")) == NULL)
		return -1;
	while (*q != '\0') {
		size_t seg = strcspn(q, "&");
		const char *eq = memchr(q, '=', seg);
		size_t klen = eq != NULL ? (size_t)(eq - q) : seg, vlen;
		char *k = arena_alloc(r->mem, klen + 1), *val;

		if (k == NULL)
			return -1;
		/* A malformed escape is not the status key; valid_query reports it. */
		if (eq != NULL && valid_urldecode(k, q, klen) && strcmp(k, "status") == 0) {
			vlen = seg - klen - 1;
			if ((val = arena_alloc(r->mem, vlen + 1)) == NULL)
				return -1;
			if (valid_urldecode(val, eq + 1, vlen)) {
				for (char *tok = val, *end; *tok != '\0'; tok = end) {
					size_t tl = strcspn(tok, ",");
					end = tok[tl] == ',' ? tok + tl + 1 : tok + tl;
					tok[tl] = '\0';
					if (*tok == '\0')
						continue;
					if (!cJSON_AddItemToArray(arr, cJSON_CreateString(tok)))
						return -1;
					len += strlen(tok) + 1;
					n++;
				}
			}
		}
		q += seg;
		if (*q == '&')
			q++;
	}
	if (n == 0)
		return 0;
	if ((issues = cJSON_CreateArray()) == NULL)
		return -1;
	if (valid_json(r->mem, &status_q, in, &vo, issues) == -1) {
		if (cJSON_GetArraySize(issues) == 0) {
			cJSON_Delete(issues);
			return -1;
		}
		http_fail_issues(r, issues);
		return 1;
	}
	cJSON_Delete(issues);
	/* Every value is now a LeadStatus name: no quoting needed. */
	if ((lit = p = arena_alloc(r->mem, len)) == NULL)
		return -1;
	*p++ = '{';
	for (size_t i = 0; i < vo->v[0].n; i++) {
		size_t sl = strlen(vo->v[0].arr[i].s);
		if (i > 0)
			*p++ = ',';
		memcpy(p, vo->v[0].arr[i].s, sl);
		p += sl;
	}
	*p++ = '}';
	*p = '\0';
	*out = lit;
	return 0;
}

/* a b c in one arena string: the page JSON is large, so no printf on it. */
static char *
concat3(struct req *r, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *out = arena_alloc(r->mem, la + lb + lc + 1);

	if (out == NULL)
		return NULL;
	stpcpy(stpcpy(stpcpy(out, a), b), c);
	return out;
}

/* '%term%' for ILIKE, with the term's own wildcards and escapes made literal. */
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
 * The list's filters of r's query (enum leads_filter_key) as statement
 * parameters, shared by the list and its export (§4.5.2, issue 14).
 * 0, or 1 with the response set: 403 "Partner context is missing" (a
 * partner role without a partner), "Cannot view leads for other partners"
 * (a partner role or an operator with a partner asking for another
 * partnerId); 400 bad status values; 500 out of memory.
 */
int
leads_filter(struct req *r, struct leads_filter *f)
{
	const struct user *u = r->user;
	const struct value *q = r->q->v;
	const char *partner = json_in_nonempty(&q[LF_PARTNER]),
		   *search = json_in_nonempty(&q[LF_SEARCH]);
	const char *statuses;
	int rc;

	if (is_partner_scoped(u->role) && actor_partner(r) == NULL)
		return http_fail(r, 403, NULL, "Partner context is missing"), 1;
	if ((is_partner_scoped(u->role) ||
		(u->role == ROLE_OPERATOR && actor_partner(r) != NULL)) &&
	    partner != NULL && strcmp(partner, u->partner_id) != 0)
		return http_fail(r, 403, NULL, "Cannot view leads for other partners"), 1;
	if ((rc = parse_status(r, &statuses)) != 0) {
		if (rc != 1)
			http_fail(r, 500, NULL, "Internal server error");
		return 1;
	}
	f->params[0] = role_name(u->role);
	f->params[1] = u->id;
	f->params[2] = actor_partner(r);
	f->params[3] = partner;
	f->params[4] = statuses;
	f->params[5] = has(&q[LF_ASSIGNED]) ? "true" : "false";
	f->params[6] = json_in_nonempty(&q[LF_ASSIGNED_USER]);
	f->search = NULL;
	if (search != NULL && (f->search = like_pattern(r, search)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error"), 1;
	return 0;
}

/*
 * GET /api/leads — the six lead roles (§4.5.2, §2.5.2, FR-13).
 * 200 {"data":[lead summary + consentStatus], "meta":{page, perPage, total,
 *     totalPages}}, newest first, only leads the actor may see.
 * 400 validation (page, perPage, status values, assigned).
 * 403 "Partner context is missing" (partner role without a partner);
 *     "Cannot view leads for other partners" (a partner role or an operator
 *     with a partner asking for another partnerId).
 * X-Izzy-Cache: hit when the answer came from the worker's cache (exact:
 * see list_cache), miss when it was built.
 */
int
leads_list(struct req *r)
{
	const struct value *q = r->q->v;
	struct leads_filter f;
	const char *params[11], *key, *data, *meta, *body, *snapshot = NULL;
	long long page = has(&q[LI_PAGE]) ? q[LI_PAGE].i : 1;
	long long per_page = has(&q[LI_PER_PAGE]) ? q[LI_PER_PAGE].i : 20, total, pages;
	struct db *db;
	PGresult *res;
	int rc;

	if (leads_filter(r, &f) != 0)
		return 0;
	memcpy(params, f.params, sizeof(f.params));
	params[7] = arena_printf(r->mem, "%lld", page);
	params[8] = arena_printf(r->mem, "%lld", per_page);
	params[9] = f.search;
	params[10] = NULL;
	if (params[7] == NULL || params[8] == NULL || (key = answer_key(r, 'L', params, 7)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	db = list_db(r);
	if ((rc = answer_cached(r, &list_cache, SQL_LEADS_ANSWER_FRESH, &db, key, &body)) == -1)
		return http_fail_db(r);
	if (rc == 1)
		return answer_send(r, body, true);
	if (f.search != NULL) { /* the page first, by its own statement (leads_read.sql) */
		if ((res = list_query(
			 r, &db, &leads_read_sql[SQL_LEADS_LIST_SEARCH_PAGE], 10, params)) == NULL)
			return http_fail_db(r);
		params[9] = PQgetvalue(res, 0, 1);
		params[10] = PQgetvalue(res, 0, 0);
		snapshot = PQgetvalue(res, 0, 2);
	}
	if ((res = list_query(r, &db, &leads_read_sql[SQL_LEADS_LIST], 11, params)) == NULL)
		return http_fail_db(r);
	total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	data = PQgetvalue(res, 0, 1);
	/* §2.8: at least one page, also when empty. */
	pages = total > 0 ? (total + per_page - 1) / per_page : 1;
	meta = arena_printf(r->mem,
	    ",\"meta\":{\"page\":%lld,\"perPage\":%lld,\"total\":%lld,\"totalPages\":%lld}}", page,
	    per_page, total, pages);
	if (meta == NULL || (body = concat3(r, "{\"data\":", data, meta)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	answer_keep(r, &list_cache, key, body, snapshot != NULL ? snapshot : PQgetvalue(res, 0, 2),
	    PQgetvalue(res, 0, 3));
	return answer_send(r, body, false);
}

/*
 * GET /api/leads/duplicates?email=&phone= — the six lead roles (FR-28): the
 * create form's live warning.
 * 200 {"data":[{id, status, customerProfile:{firstName, lastName, email,
 *     phone}, leadCreatedAt}]}: at most 20 leads the actor may see whose
 *     customer has that e-mail (any case) or phone (same last 9 digits);
 *     empty when neither is given.
 * 400 validation.
 */
int
leads_duplicates(struct req *r)
{
	const struct value *q = r->q->v;
	const char *params[7];
	PGresult *res;

	params[0] = role_name(r->user->role);
	params[1] = r->user->id;
	params[2] = actor_partner(r);
	params[3] = json_in_nonempty(&q[DU_EMAIL]);
	params[4] = json_in_nonempty(&q[DU_PHONE]);
	params[5] = NULL;
	params[6] = NULL;
	if (params[3] == NULL && params[4] == NULL)
		return http_ok_raw(r, "{\"data\":[]}");
	if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_DUPLICATES], 7, params)) ==
	    NULL)
		return http_fail_db(r);
	return http_ok_raw(r, concat3(r, "{\"data\":", PQgetvalue(res, 0, 0), "}"));
}

/*
 * GET /api/leads/:id — the six lead roles (§4.5.3, FR-15, FR-21, FR-26).
 * 200 every lead column and relation, notes newest first with their author,
 *     statusHistory newest first, consentStatus; partner roles get no form
 *     data, unlock history, audit trail or consent IP/user agent, and nobody
 *     gets document storage keys ([SEC] of §4.5.3).  A client-activity flag
 *     older than 5 minutes is switched off on the way and reported false.
 * 400 the id is not a cuid; 404 "Lead not found"; 403 "Access denied".
 */
int
leads_get(struct req *r)
{
	const struct user *u = r->user;
	const char *params[5], *scope[5], *key, *body;
	struct db *db = r->db;
	PGresult *res;
	int rc;

	params[0] = r->id;
	params[1] = is_partner_scoped(u->role) ? "true" : "false";
	params[2] = role_name(u->role);
	params[3] = u->id;
	params[4] = actor_partner(r);
	scope[0] = params[2];
	scope[1] = params[3];
	scope[2] = params[4];
	scope[3] = params[0];
	scope[4] = params[1];
	if ((key = answer_key(r, 'D', scope, 2)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((rc = answer_cached(r, &detail_cache, SQL_LEADS_DETAIL_FRESH, &db, key, &body)) == -1)
		return http_fail_db(r);
	if (rc == 1)
		return answer_send(r, body, true);
	if ((res = db_query(db, r->mem, &leads_read_sql[SQL_LEADS_DETAIL], 5, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, "Lead not found");
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		log_info("leads", "user %s (%s) denied lead %s", u->id, role_name(u->role), r->id);
		return http_fail(r, 403, NULL, "Access denied");
	}
	/* The result lives until the arena reset, after the response is sent. */
	body = PQgetvalue(res, 0, 1);
	answer_keep(r, &detail_cache, key, body, PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3));
	return answer_send(r, body, false);
}

/* --- board --------------------------------------------------------------------- */

/* GET /api/leads/board query: the list's filters (status by parse_status()) and perColumn. */
enum board_key { BO_PARTNER, BO_ASSIGNED_USER, BO_ASSIGNED, BO_SEARCH, BO_PER_COLUMN, BO__MAX };
static const struct field board_fields[BO__MAX] = {
	[BO_PARTNER] = { "partnerId", FT_STRING, 0, 0, 64 },
	[BO_ASSIGNED_USER] = { "assignedUserId", FT_STRING, 0, 0, 64 },
	[BO_ASSIGNED] = { "assigned", FT_ENUM, 0, 0, 0, assigned_values },
	[BO_SEARCH] = { "search", FT_STRING, F_TRIM, 0, 200 },
	/* A column shows 50 cards at first (issue 13); more come from the list. */
	[BO_PER_COLUMN] = { "perColumn", FT_INT, 0, 1, 100 },
};
const struct field_table leads_board_q = FIELD_TABLE(board_fields);

/*
 * GET /api/leads/board — the six lead roles (issue 13), the list's scope
 * and filters (partnerId, assignedUserId, assigned, search, status).
 * 200 {"perColumn": n, "columns": {"<STATUS>": {"total": leads the actor
 *     may see in that status under the filters, "leads": [the first n
 *     cards, newest first]}}}: one column per status (per filtered status
 *     when status is given); the UI orders them by the status policy.
 * 400 validation; 403 as GET /api/leads (partner context).
 */
int
leads_board(struct req *r)
{
	const struct user *u = r->user;
	const struct value *q = r->q->v;
	const char *partner = json_in_nonempty(&q[BO_PARTNER]),
		   *search = json_in_nonempty(&q[BO_SEARCH]);
	const char *statuses, *params[9], *key, *body;
	long long per = has(&q[BO_PER_COLUMN]) ? q[BO_PER_COLUMN].i : 50;
	struct db *db = r->db;
	PGresult *res;
	int rc;

	if (is_partner_scoped(u->role) && actor_partner(r) == NULL)
		return http_fail(r, 403, NULL, "Partner context is missing");
	if ((is_partner_scoped(u->role) ||
		(u->role == ROLE_OPERATOR && actor_partner(r) != NULL)) &&
	    partner != NULL && strcmp(partner, u->partner_id) != 0)
		return http_fail(r, 403, NULL, "Cannot view leads for other partners");
	if ((rc = parse_status(r, &statuses)) != 0)
		return rc == 1 ? 0 : http_fail(r, 500, NULL, "Internal server error");
	params[0] = role_name(u->role);
	params[1] = u->id;
	params[2] = actor_partner(r);
	params[3] = partner;
	params[4] = statuses;
	params[5] = has(&q[BO_ASSIGNED]) ? "true" : "false";
	params[6] = json_in_nonempty(&q[BO_ASSIGNED_USER]);
	params[7] = arena_printf(r->mem, "%lld", per);
	params[8] = search != NULL ? like_pattern(r, search) : NULL;
	if (params[7] == NULL || (search != NULL && params[8] == NULL))
		return http_fail(r, 500, NULL, "Internal server error");
	if (search != NULL) { /* a search is one user's, seldom asked twice */
		if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_BOARD_SEARCH], 9,
			 params)) == NULL)
			return http_fail_db(r);
		return http_ok_raw(r, PQgetvalue(res, 0, 0));
	}
	if ((key = answer_key(r, 'B', params, 5)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((rc = answer_cached(r, &board_cache, SQL_LEADS_ANSWER_FRESH, &db, key, &body)) == -1)
		return http_fail_db(r);
	if (rc == 1)
		return answer_send(r, body, true);
	if ((res = db_query(db, r->mem, &leads_read_sql[SQL_LEADS_BOARD], 8, params)) == NULL)
		return http_fail_db(r);
	body = PQgetvalue(res, 0, 0);
	answer_keep(r, &board_cache, key, body, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	return answer_send(r, body, false);
}
