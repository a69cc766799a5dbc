/*
 * analytics: /api/analytics/dashboard and /api/analytics/monitoring
 * (spec/api.md §4.13 and §7.11, requirements FR-74, FR-75, FR-42).
 *
 * Each endpoint is one statement of analytics.sql that builds the whole
 * response in PostgreSQL; this file validates the query, picks the scope and
 * the clock, and passes the JSON through.  The statements only read, so when
 * DATABASE_READ_URL is set they run on that server (a streaming replica,
 * ARCHITECTURE.md §10) while the session lookup stays on DATABASE_URL, where
 * sessions are written.
 *
 * Scope: the lead list's (spec §2.5.2, izzy_lead_visible): operators see the
 * leads assigned to them (and their partner's, if they have one), partner
 * users their partner's leads (a partner employee only those they created),
 * supervisors and admins every lead.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/respcache.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "analytics.sql.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* spec §4.13.1: rangeDays is 1-365, 30 when absent or empty. */
#define RANGE_MIN     1
#define RANGE_MAX     365
#define RANGE_DEFAULT 30

static int analytics_dashboard(struct req *);
static int analytics_monitoring(struct req *);
static int analytics_sla(struct req *);

/* Body and query tables are defined below, next to what they validate. */
static const struct field_table dash_q;
static const struct field_table sla_q;

#define ROLES_ANALYTICS (ROLES_STAFF | ROLES_PARTNER_SCOPED)

static const struct route analytics_routes[] = {
	/* method   pattern                       handler               roles            body  query */
	{ HTTP_GET, "/api/analytics/dashboard", analytics_dashboard, ROLES_ANALYTICS, NULL,
	    &dash_q },
	{ HTTP_GET, "/api/analytics/monitoring", analytics_monitoring, ROLES_ANALYTICS, NULL,
	    NULL },
	{ HTTP_GET, "/api/analytics/sla", analytics_sla, ROLES_ANALYTICS, NULL, &sla_q },
};

/* rangeDays arrives as text: "" means the default, which an FT_INT field
 * would turn into 0 (spec §2.7 coercion) and refuse. */
enum dash_key { DASH_RANGE, DASH_PARTNER, DASH__MAX };
static const struct field dash_fields[DASH__MAX] = {
	[DASH_RANGE] = { "rangeDays", FT_STRING, 0, 0, 0 },
	[DASH_PARTNER] = { "partnerId", FT_STRING, 0, 1, 64 },
};
static const struct field_table dash_q = FIELD_TABLE(dash_fields);

/* The rule rangeDays is held to once it is not empty. */
static const struct field range_fields[] = {
	{ .name = "rangeDays", .type = FT_INT, .min = RANGE_MIN, .max = RANGE_MAX },
};
static const struct field_table range_t = FIELD_TABLE(range_fields);

/* The replica's connection when DATABASE_READ_URL is set (process lifetime). */
static struct db *read_db;

static struct db *
stmt_db(const struct req *r)
{
	return read_db != NULL ? read_db : r->db;
}

/* http_fail_db() for a statement that ran on stmt_db(). */
static int
fail_db(struct req *r)
{
	if (read_db == NULL)
		return http_fail_db(r);
	return db_http_status(db_sqlstate(read_db)) == 503
	    ? http_fail(r, 503, NULL, "Service unavailable")
	    : http_fail(r, 500, NULL, "Internal server error");
}

/*
 * Response cache (common/respcache.h).  Each answer aggregates every visible
 * lead, and a dashboard is reloaded far more often than its figures move, so
 * a worker may answer the same scope and parameters from its last result for
 * IZZY_ANALYTICS_CACHE_SECONDS (0: off).  Figures can thus lag by that long,
 * also across local midnight.  The key holds no request time; supervisors and
 * admins see the same data, so they share one key.
 */
static struct respcache_slot cache_slots[32];
static struct respcache cache = RESPCACHE("analytics", cache_slots);

/* "endpoint|scope|partner|range|zone" (arena); NULL out of memory. */
static const char *
cache_key(struct req *r, const char *endpoint, const char *partner, const char *range)
{
	const struct user *u = r->user;
	bool all = u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR;

	return arena_printf(r->mem, "%s|%s|%s|%s|%s|%s|%s", endpoint,
	    all ? "*" : role_name(u->role), all ? "*" : u->id,
	    all || u->partner_id[0] == '\0' ? "-" : u->partner_id, partner != NULL ? partner : "-",
	    range != NULL ? range : "-", cfg_get()->app_timezone);
}

static const char *
cache_get(const char *key, int64_t now)
{
	const struct respcache_slot *s = respcache_get(&cache, key, now);

	return s != NULL ? s->body : NULL;
}

static void
cache_put(const char *key, const char *body, int64_t now)
{
	long ttl = cfg_get()->analytics_cache_s;

	if (ttl > 0)
		respcache_put(&cache, key, body, NULL, now + ttl);
}

/* The instant "today" is taken from: the request time, or the test clock. */
static const char *
now_text(struct req *r)
{
	const struct cfg *c = cfg_get();
	long long now = c != NULL && c->test_now > 0 ? c->test_now : (long long)r->now;

	return arena_printf(r->mem, "%lld", now);
}

static bool
is_partner_scoped(enum role role)
{
	return (ROLE_BIT(role) & ROLES_PARTNER_SCOPED) != 0;
}

static const char *
actor_partner(const struct req *r)
{
	return r->user->partner_id[0] != '\0' ? r->user->partner_id : NULL;
}

/*
 * The lead list's partner rules (spec §2.5.2): a partner user needs a
 * partner, and partner users and operators with a partner may not ask for
 * another one.  0 when allowed, else the 403 is set.
 */
static int
check_scope(struct req *r, const char *partner)
{
	const struct user *u = r->user;

	if (is_partner_scoped(u->role) && actor_partner(r) == NULL) {
		http_fail(r, 403, NULL, "Partner context is missing");
		return -1;
	}
	if ((is_partner_scoped(u->role) ||
		(u->role == ROLE_OPERATOR && actor_partner(r) != NULL)) &&
	    partner != NULL && strcmp(partner, u->partner_id) != 0) {
		http_fail(r, 403, NULL, "Cannot view leads for other partners");
		return -1;
	}
	return 0;
}

static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

/*
 * rangeDays as text for SQL: RANGE_DEFAULT when absent or empty, otherwise
 * checked like a query integer (spec §2.6 issues: "abc" is not a number,
 * 2.5 not an integer, 0 and 366 out of range).  0 with *out set; 1 with the
 * 400 set; -1 out of memory.
 */
static int
parse_range(struct req *r, const struct value *v, const char **out)
{
	cJSON *in, *issues;
	struct valid_out *vo;
	const char *s = v->present && !v->null ? v->s : NULL;
	char *end;
	double d;

	*out = NULL;
	if (s == NULL || *s == '\0') {
		*out = arena_printf(r->mem, "%d", RANGE_DEFAULT);
		return *out != NULL ? 0 : -1;
	}
	if ((in = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, in) == -1)
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || isnan(d) || isinf(d)) {
		if (cJSON_AddStringToObject(in, "rangeDays", s) == NULL)
			return -1;
	} else if (cJSON_AddNumberToObject(in, "rangeDays", d) == NULL)
		return -1;
	if ((issues = cJSON_CreateArray()) == NULL)
		return -1;
	if (valid_json(r->mem, &range_t, in, &vo, issues) == -1) {
		if (cJSON_GetArraySize(issues) == 0) {
			cJSON_Delete(issues);
			return -1;
		}
		http_fail_issues(r, issues);
		return 1;
	}
	cJSON_Delete(issues);
	*out = arena_printf(r->mem, "%lld", vo->v[0].i);
	return *out != NULL ? 0 : -1;
}

/*
 * GET /api/analytics/dashboard?rangeDays=&partnerId= — OPERATOR, SUPERVISOR,
 * ADMIN and the partner roles, each on the leads of the lead list (§4.13.1).
 * 200 {range, leadVolume, conversionByPartner, funnel, summary, compliance}
 *     (analytics.sql says what each figure counts).
 * 400 "Validation failed": rangeDays not an integer of 1-365, partnerId
 *     empty, too long or naming no partner.
 * 403 "Partner context is missing" / "Cannot view leads for other partners"
 *     (the lead list's rules).
 * 503/500 the database (or its replica) failed.
 */
static int
analytics_dashboard(struct req *r)
{
	const struct value *q = r->q->v;
	const char *partner =
	    q[DASH_PARTNER].present && !q[DASH_PARTNER].null ? q[DASH_PARTNER].s : NULL;
	const char *params[7], *body, *key;
	PGresult *res;
	int rc;

	if (check_scope(r, partner) == -1)
		return 0;
	if ((rc = parse_range(r, &q[DASH_RANGE], &params[4])) != 0)
		return rc == 1 ? 0 : http_fail(r, 500, NULL, "Internal server error");
	if ((key = cache_key(r, "dashboard", partner, params[4])) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((body = cache_get(key, r->now)) != NULL)
		return http_ok_raw(r, body);
	params[0] = role_name(r->user->role);
	params[1] = r->user->id;
	params[2] = actor_partner(r);
	params[3] = partner;
	params[5] = now_text(r);
	params[6] = cfg_get()->app_timezone;
	if (params[5] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(stmt_db(r), r->mem, &analytics_sql[SQL_ANALYTICS_DASHBOARD],
		 (int)NELEM(params), params)) == NULL)
		return fail_db(r);
	if (PQgetisnull(res, 0, 0)) {
		static const char *const path[] = { "partnerId" };
		cJSON *issues = cJSON_CreateArray();

		if (issues == NULL ||
		    valid_issue_custom(issues, path, 1, "Partner not found") == -1) {
			cJSON_Delete(issues);
			return http_fail(r, 500, NULL, "Internal server error");
		}
		return http_fail_issues(r, issues);
	}
	body = PQgetvalue(res, 0, 0);
	cache_put(key, body, r->now);
	return http_ok_raw(r, body);
}

/*
 * GET /api/analytics/monitoring — OPERATOR, SUPERVISOR, ADMIN and the partner
 * roles, on the forms of the leads they may see (§4.13.2, FR-75).
 * 200 {stuckForms:[{id, leadId, updatedAt, lastActivityAt, completionPercent,
 *     customer|null}], failedPinAttempts:{count, rangeDays:7}}.
 * 403 "Partner context is missing" (a partner user without a partner).
 * 503/500 the database (or its replica) failed.
 */
static int
analytics_monitoring(struct req *r)
{
	const char *params[4], *key, *body;
	PGresult *res;

	if (check_scope(r, NULL) == -1)
		return 0;
	if ((key = cache_key(r, "monitoring", NULL, NULL)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((body = cache_get(key, r->now)) != NULL)
		return http_ok_raw(r, body);
	params[0] = role_name(r->user->role);
	params[1] = r->user->id;
	params[2] = actor_partner(r);
	if ((params[3] = now_text(r)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(stmt_db(r), r->mem, &analytics_sql[SQL_ANALYTICS_MONITORING],
		 (int)NELEM(params), params)) == NULL)
		return fail_db(r);
	body = PQgetvalue(res, 0, 0);
	cache_put(key, body, r->now);
	return http_ok_raw(r, body);
}

enum sla_key { SLA_FROM, SLA_TO, SLA_PARTNER, SLA__MAX };
static const struct field sla_fields[SLA__MAX] = {
	[SLA_FROM] = { "from", FT_STRING, 0, 0, 10 },
	[SLA_TO] = { "to", FT_STRING, 0, 0, 10 },
	[SLA_PARTNER] = { "partnerId", FT_STRING, 0, 1, 64 },
};
static const struct field_table sla_q = FIELD_TABLE(sla_fields);

/* A real calendar day "YYYY-MM-DD" (years 2000-2999, the data's). */
static bool
sla_day(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/*
 * GET /api/analytics/sla?from=&to=&partnerId= — OPERATOR, SUPERVISOR, ADMIN
 * and the partner roles, on the leads of the lead list (issue 13): the
 * response-time report of the leads created from "from" to "to" (local days,
 * inclusive; default the last 30 days up to today).
 * 200 {from, to, partnerId, total, partners:[{partnerId, name, ...}],
 *     operators:[{userId|null, fullName|null, ...}]}, each with leads,
 *     withSla, met, breached, pending, shareMet (met / (met + breached),
 *     null with neither), medianFirstContactMinutes (working minutes, null
 *     without contacts), followUpBreached, breaches (analytics.sql).
 * 400 "Validation failed": from or to not a date YYYY-MM-DD, from after to.
 * 403 "Partner context is missing" / "Cannot view leads for other partners".
 * 503/500 the database (or its replica) failed.
 */
static int
analytics_sla(struct req *r)
{
	const struct value *q = r->q->v;
	const char *partner =
	    q[SLA_PARTNER].present && !q[SLA_PARTNER].null ? q[SLA_PARTNER].s : NULL;
	const char *from = q[SLA_FROM].present && !q[SLA_FROM].null && q[SLA_FROM].s[0] != '\0'
	    ? q[SLA_FROM].s
	    : NULL;
	const char *to =
	    q[SLA_TO].present && !q[SLA_TO].null && q[SLA_TO].s[0] != '\0' ? q[SLA_TO].s : NULL;
	const char *params[6], *bad = NULL, *msg = "Expected date YYYY-MM-DD";
	PGresult *res;

	if (check_scope(r, partner) == -1)
		return 0;
	if (from != NULL && !sla_day(from))
		bad = "from";
	else if (to != NULL && !sla_day(to))
		bad = "to";
	else if (from != NULL && to != NULL && strcmp(from, to) > 0) {
		bad = "from";
		msg = "Must not be after to";
	}
	if (bad != NULL) {
		const char *const path[] = { bad };
		cJSON *issues = cJSON_CreateArray();

		if (issues == NULL || valid_issue_custom(issues, path, 1, msg) == -1) {
			cJSON_Delete(issues);
			return http_fail(r, 500, NULL, "Internal server error");
		}
		return http_fail_issues(r, issues);
	}
	params[0] = role_name(r->user->role);
	params[1] = r->user->id;
	params[2] = actor_partner(r);
	params[3] = partner;
	params[4] = from;
	params[5] = to;
	if ((res = db_query(stmt_db(r), r->mem, &analytics_sql[SQL_ANALYTICS_SLA],
		 (int)NELEM(params), params)) == NULL)
		return fail_db(r);
	return http_ok_raw(r, PQgetvalue(res, 0, 0));
}

static void
analytics_free(void)
{
	respcache_free(&cache);
	db_free(read_db);
	read_db = NULL;
}

/* The statements go to the replica when there is one, else to the main db. */
static int
analytics_init(struct db *db)
{
	const struct cfg *c = cfg_get();

	http_set_feature("analytics"); /* IZZY_FEATURES=-analytics switches it off */
	if (atexit(analytics_free) != 0) {
		log_error("analytics", "atexit failed");
		return -1;
	}
	if (c != NULL && c->database_read_url != NULL) {
		if ((read_db = db_new(c->database_read_url, c->db_statement_timeout_ms)) == NULL)
			return -1;
		db_set_test_now(read_db, c->test_now);
		log_info("analytics", "read-only queries go to DATABASE_READ_URL");
		return db_register(read_db, analytics_sql, ANALYTICS_SQL__MAX);
	}
	return db_register(db, analytics_sql, ANALYTICS_SQL__MAX);
}

extern const struct http_app analytics_app;
static const http_init_fn analytics_inits[] = { session_init, analytics_init, NULL };
const struct http_app analytics_app = {
	"analytics",
	analytics_routes,
	NELEM(analytics_routes),
	analytics_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&analytics_app);
}
#endif
