/*
 * partners: /api/partners (spec/api.md §4.4, requirements FR-8, FR-9).
 * Partner ids may be chosen by people ("seed-partner"), so the PATCH path
 * takes any key, not only a cuid.  The contact keeps name, e-mail and phone
 * and drops other keys (spec §4.4.3); slaRules is a flat object of scalars.
 * A PATCH may echo id, createdAt and updatedAt unchanged (valid.h F_ECHO):
 * the original partner form sends the partner back with its edits.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "partners.sql.h"

static int partners_me(struct req *);
static int partners_list(struct req *);
static int partners_create(struct req *);
static int partners_update(struct req *);
static int partners_rr_get(struct req *);
static int partners_rr_put(struct req *);
static int partners_keys_list(struct req *);
static int partners_keys_create(struct req *);
static int partners_keys_revoke(struct req *);
static int partners_hooks_list(struct req *);
static int partners_hooks_create(struct req *);
static int partners_hooks_update(struct req *);
static int partners_hooks_delete(struct req *);
static int partners_hooks_test(struct req *);
static int partners_hooks_deliveries(struct req *);

/* Body and query tables are defined below, next to what they validate. */
static const struct field_table list_q;
static const struct field_table create_in;
static const struct field_table update_in;
static const struct field_table rr_in;
static const struct field_table key_in;
static const struct field_table hook_in;
static const struct field_table hook_patch_in;

/* Partner API keys (issue 14): the partner's own manager, or an admin. */
#define ROLES_KEYS (ROLE_BIT(ROLE_PARTNER_MANAGER) | ROLES_ADMIN)

static const struct route partners_routes[] = {
	/* method      pattern                         handler           roles                 body        query */
	{ HTTP_GET, "/api/partners/me", partners_me, ROLES_PARTNER_SCOPED, NULL, NULL },
	{ HTTP_GET, "/api/partners", partners_list, ROLES_MANAGERS, NULL, &list_q },
	{ HTTP_POST, "/api/partners", partners_create, ROLES_ADMIN, &create_in, NULL },
	/* ":id" is any sane text: partner ids need not be cuids (spec §2.12, FR-8). */
	{ HTTP_PATCH, "/api/partners/:id", partners_update, ROLES_ADMIN, &update_in, NULL },
	{ HTTP_GET, "/api/partners/:id/round-robin", partners_rr_get, ROLES_MANAGERS, NULL, NULL },
	{ HTTP_PUT, "/api/partners/:id/round-robin", partners_rr_put, ROLES_ADMIN, &rr_in, NULL },
	{ HTTP_GET, "/api/partners/:id/api-keys", partners_keys_list, ROLES_KEYS, NULL, NULL },
	{ HTTP_POST, "/api/partners/:id/api-keys", partners_keys_create, ROLES_KEYS, &key_in,
	    NULL },
	{ HTTP_DELETE, "/api/partners/:id/api-keys/:keyId", partners_keys_revoke, ROLES_KEYS, NULL,
	    NULL },
	/* Signed event webhooks (issue 14): the same people as the API keys. */
	{ HTTP_GET, "/api/partners/:id/webhooks", partners_hooks_list, ROLES_KEYS, NULL, NULL },
	{ HTTP_POST, "/api/partners/:id/webhooks", partners_hooks_create, ROLES_KEYS, &hook_in,
	    NULL },
	{ HTTP_PATCH, "/api/partners/:id/webhooks/:hookId", partners_hooks_update, ROLES_KEYS,
	    &hook_patch_in, NULL },
	{ HTTP_DELETE, "/api/partners/:id/webhooks/:hookId", partners_hooks_delete, ROLES_KEYS,
	    NULL, NULL },
	{ HTTP_POST, "/api/partners/:id/webhooks/:hookId/test", partners_hooks_test, ROLES_KEYS,
	    NULL, NULL },
	{ HTTP_GET, "/api/partners/:id/webhooks/:hookId/deliveries", partners_hooks_deliveries,
	    ROLES_KEYS, NULL, NULL },
};

/* Database order of "PartnerStatus". */
static const char *const status_opts[] = { "ACTIVE", "INACTIVE", "PENDING", NULL };

#define NAME_MAX_CHARS   200
#define PHONE_MAX_CHARS  64
#define NOTES_MAX_CHARS  10000
#define SEARCH_MAX_CHARS 200
/* page * perPage must stay far inside bigint. */
#define PAGE_MAX         2147483647LL
#define PER_PAGE_MAX     100 /* spec §4.4.2 */
#define PER_PAGE_DEFAULT "20"

enum list_key { LIST_PAGE, LIST_PER_PAGE, LIST_STATUS, LIST_SEARCH, LIST__MAX };
static const struct field list_fields[LIST__MAX] = {
	[LIST_PAGE] = { "page", FT_INT, 0, 1, PAGE_MAX },
	[LIST_PER_PAGE] = { "perPage", FT_INT, 0, 1, PER_PAGE_MAX },
	[LIST_STATUS] = { "status", FT_ENUM, 0, 0, 0, status_opts },
	[LIST_SEARCH] = { "search", FT_STRING, F_TRIM, 0, SEARCH_MAX_CHARS },
};
static const struct field_table list_q = FIELD_TABLE(list_fields);

/* F_OPEN on the field below: keys not listed here are dropped, not refused. */
enum contact_key { CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE, CONTACT__MAX };
static const struct field contact_fields[CONTACT__MAX] = {
	[CONTACT_NAME] = { "name", FT_STRING, F_TRIM, 1, NAME_MAX_CHARS },
	[CONTACT_EMAIL] = { "email", FT_EMAIL, 0, 0, 0 },
	[CONTACT_PHONE] = { "phone", FT_STRING, F_TRIM, 0, PHONE_MAX_CHARS },
};
static const struct field_table contact_in = FIELD_TABLE(contact_fields);

/*
 * One table for create and update; "name" is required only on create.  The
 * update table adds the partner's read-only fields, which a PATCH may echo.
 */
enum partner_key {
	P_NAME,
	P_STATUS,
	P_CONTACT,
	P_SLA,
	P_NOTES,
	P_WRITABLE, /* create's fields end here */
	P_ID = P_WRITABLE,
	P_CREATED_AT,
	P_UPDATED_AT,
	P__MAX
};
#define PARTNER_FIELDS(name_flags)                                                                 \
	[P_NAME] = { "name", FT_STRING, (name_flags) | F_TRIM, 1, NAME_MAX_CHARS },                \
	[P_STATUS] = { "status", FT_ENUM, 0, 0, 0, status_opts },                                  \
	[P_CONTACT] = { "contact", FT_OBJECT, F_NULLABLE | F_OPEN, 0, 0, NULL, &contact_in },      \
	[P_SLA] = { "slaRules", FT_JSON, F_NULLABLE, 0, 0 },                                       \
	[P_NOTES] = { "notes", FT_STRING, F_NULLABLE | F_MULTILINE, 0, NOTES_MAX_CHARS }
static const struct field create_fields[P_WRITABLE] = { PARTNER_FIELDS(F_REQUIRED) };
static const struct field_table create_in = FIELD_TABLE(create_fields);
static const struct field update_fields[P__MAX] = {
	PARTNER_FIELDS(0),
	[P_ID] = FIELD_ECHO("id"),
	[P_CREATED_AT] = FIELD_ECHO("createdAt"),
	[P_UPDATED_AT] = FIELD_ECHO("updatedAt"),
};
static const struct field_table update_in = FIELD_TABLE(update_fields);

#define MSG_NOT_FOUND      "Partner not found"
#define MSG_HOOK_NOT_FOUND "Webhook not found"

/* The stored contact: only the known keys that were given (spec §4.4.3). */
static int
contact_text(struct req *r, const struct value *v, const char **out)
{
	cJSON *o;
	bool okay;

	*out = NULL;
	if (v->null)
		return 0;
	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	okay = true;
	for (size_t i = 0; i < CONTACT__MAX && okay; i++) {
		const struct value *f = &v->obj->v[i];
		if (f->present)
			okay = cJSON_AddStringToObject(o, contact_fields[i].name, f->s) != NULL;
	}
	if (okay)
		*out = json_print(r->mem, o);
	cJSON_Delete(o);
	return *out != NULL ? 0 : -1;
}

/*
 * The keys of slaRules the response-time timers read (schema 0030_sla.sql,
 * docs/sla.md); null leaves a key unset.  Other keys stay free-form scalars.
 */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const sla_count_keys[] = { "leadResponseMinutes", "followUpDays",
	"escalateMinutes", "contractTurnaroundDays" };
static const char *const sla_time_keys[] = { "workStart", "workEnd" };

/* "HH:MM", 00:00-23:59. */
static bool
sla_hhmm(const char *s)
{
	return strlen(s) == 5 && s[2] == ':' && ((s[0] >= '0' && s[0] <= '1') || s[0] == '2') &&
	    s[1] >= '0' && s[1] <= '9' && (s[0] != '2' || s[1] <= '3') && s[3] >= '0' &&
	    s[3] <= '5' && s[4] >= '0' && s[4] <= '9';
}

/* The issue of one known rule's value, or NULL (fine, unknown or null). */
static const char *
sla_rule_issue(const cJSON *k)
{
	if (cJSON_IsNull(k))
		return NULL;
	for (size_t i = 0; i < NELEM(sla_count_keys); i++)
		if (strcmp(k->string, sla_count_keys[i]) == 0) {
			if (!cJSON_IsNumber(k))
				return "Expected number";
			/* Up to a million: far above any promise, and within int. */
			if (k->valuedouble < 0 || k->valuedouble > 1000000)
				return "Must be between 0 and 1000000";
			/* contractTurnaroundDays is only shown: fractions stay allowed. */
			if (strcmp(k->string, "contractTurnaroundDays") != 0 &&
			    k->valuedouble != (double)(long)k->valuedouble)
				return "Expected integer";
			return NULL;
		}
	for (size_t i = 0; i < NELEM(sla_time_keys); i++)
		if (strcmp(k->string, sla_time_keys[i]) == 0)
			return cJSON_IsString(k) && sla_hhmm(k->valuestring)
			    ? NULL
			    : "Expected time HH:MM";
	if (strcmp(k->string, "weekendCoverage") == 0 && !cJSON_IsBool(k))
		return "Expected boolean";
	return NULL;
}

/* workStart (default 08:00) not before workEnd (default 16:00); the values are valid. */
static bool
sla_hours_issue(const cJSON *j)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "workStart");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "workEnd");
	const char *start = cJSON_IsString(a) ? a->valuestring : "08:00";
	const char *end = cJSON_IsString(b) ? b->valuestring : "16:00";

	return strcmp(start, end) >= 0;
}

/*
 * slaRules: null, or an object whose values are strings, numbers, booleans
 * or null (spec §4.4.3); the timers' keys hold their types and ranges.  Appends issues; on success *out is the JSON text
 * (NULL for null).  -1 when invalid or out of memory (issues then empty).
 */
static int
sla_text(struct req *r, const struct value *v, cJSON *issues, const char **out)
{
	static const char *const top[] = { "slaRules" };
	const cJSON *j = v->json;
	bool okay = true;

	*out = NULL;
	if (v->null)
		return 0;
	if (!cJSON_IsObject(j)) {
		if (valid_issue_custom(issues, top, 1, "Expected object") == -1)
			log_error("partners", "out of memory");
		return -1;
	}
	for (const cJSON *k = j->child; k != NULL; k = k->next) {
		const char *const path[] = { "slaRules", k->string };
		const char *msg = NULL;
		if (cJSON_IsObject(k) || cJSON_IsArray(k))
			msg = "Expected string, number, boolean or null";
		for (const cJSON *k2 = j->child; msg == NULL && k2 != k; k2 = k2->next)
			if (strcmp(k2->string, k->string) == 0)
				msg = "Duplicate key";
		if (msg == NULL)
			msg = sla_rule_issue(k);
		if (msg != NULL) {
			okay = false;
			if (valid_issue_custom(issues, path, 2, msg) == -1)
				return -1;
		}
	}
	if (okay && sla_hours_issue(j)) {
		const char *const path[] = { "slaRules", "workEnd" };
		okay = false;
		if (valid_issue_custom(issues, path, 2, "Must be later than workStart") == -1)
			return -1;
	}
	if (!okay)
		return -1;
	return (*out = json_print(r->mem, j)) != NULL ? 0 : -1;
}

/*
 * Validates and serialises contact and slaRules.  0, or -1 with the
 * response set (400 issues on slaRules, 500 out of memory).
 */
static int
json_fields(struct req *r, const char **contact, const char **sla)
{
	const struct value *v = r->in->v;
	cJSON *issues;

	*contact = *sla = NULL;
	if (v[P_SLA].present) {
		if ((issues = cJSON_CreateArray()) == NULL)
			goto oom;
		if (sla_text(r, &v[P_SLA], issues, sla) == -1) {
			if (cJSON_GetArraySize(issues) == 0) {
				cJSON_Delete(issues);
				goto oom;
			}
			http_fail_issues(r, issues);
			return -1;
		}
		cJSON_Delete(issues);
	}
	if (v[P_CONTACT].present && contact_text(r, &v[P_CONTACT], contact) == -1)
		goto oom;
	return 0;
oom:
	http_fail(r, 500, NULL, "Internal server error");
	return -1;
}

/*
 * GET /api/partners/me, PARTNER, PARTNER_MANAGER, PARTNER_EMPLOYEE.
 * 200 the user's partner; 404 "Partner not assigned" when the user has no
 * partner, "Partner not found" when the row is gone.
 */
static int
partners_me(struct req *r)
{
	const char *params[1] = { r->user->partner_id };
	PGresult *res;

	if (r->user->partner_id[0] == '\0')
		return http_fail(r, 404, NULL, "Partner not assigned");
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_GET], 1, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/partners, SUPERVISOR and ADMIN.
 * 200 page envelope of partners, newest first (spec §4.4.2, §2.8); filters
 * status, search (name or notes, case-insensitive substring).
 * 400 validation (perPage 1..100, page >= 1, unknown status).
 */
static int
partners_list(struct req *r)
{
	const struct value *v = r->q->v;
	const char *params[4];
	PGresult *res;

	params[0] = v[LIST_STATUS].present ? v[LIST_STATUS].s : NULL;
	params[1] = v[LIST_SEARCH].present ? v[LIST_SEARCH].s : "";
	params[2] = v[LIST_PER_PAGE].present ? arena_printf(r->mem, "%lld", v[LIST_PER_PAGE].i)
					     : PER_PAGE_DEFAULT;
	params[3] = v[LIST_PAGE].present ? arena_printf(r->mem, "%lld", v[LIST_PAGE].i) : "1";
	if (params[2] == NULL || params[3] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_LIST], 4, params)) == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * POST /api/partners, ADMIN.
 * 201 the new partner (status default ACTIVE; contact keeps name, email,
 * phone; null contact/slaRules/notes store nothing).
 * 400 validation, slaRules not a flat object of scalars.
 */
static int
partners_create(struct req *r)
{
	const struct value *v = r->in->v;
	const char *params[6], *contact, *sla;
	char id[ID_SIZE];
	PGresult *res;

	if (json_fields(r, &contact, &sla) == -1)
		return 0;
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	params[0] = id;
	params[1] = v[P_NAME].s;
	params[2] = v[P_STATUS].present ? v[P_STATUS].s : NULL;
	params[3] = contact;
	params[4] = sla;
	params[5] = v[P_NOTES].present && !v[P_NOTES].null ? v[P_NOTES].s : NULL;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_INSERT], 6, params)) == NULL)
		return http_fail_db(r);
	log_info("partners", "partner %s created by %s", id, r->user->id);
	return http_created_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* Ends the transaction with the response already set. */
static int
tx_end(struct req *r)
{
	db_rollback(r->db);
	return 0;
}

/*
 * PATCH /api/partners/:id, ADMIN.  Absent fields stay; null contact,
 * slaRules or notes clear; id, createdAt and updatedAt may be echoed
 * unchanged and are ignored.
 * 200 the updated partner; 400 validation (also an echoed field that
 * differs); 404 "Partner not found".
 */
static int
partners_update(struct req *r)
{
	const struct value *v = r->in->v;
	const char *params[11], *contact, *sla;
	PGresult *res;

	if (json_fields(r, &contact, &sla) == -1)
		return 0;
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	params[0] = r->id;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_LOCK], 1, params)) == NULL) {
		http_fail_db(r);
		return tx_end(r);
	}
	if (PQntuples(res) != 1) {
		http_fail(r, 404, NULL, MSG_NOT_FOUND);
		return tx_end(r);
	}
	if (http_echo_check(r, PQgetvalue(res, 0, 0)) == -1)
		return tx_end(r);
	params[1] = v[P_NAME].present ? "t" : "f";
	params[2] = v[P_NAME].s;
	params[3] = v[P_STATUS].present ? "t" : "f";
	params[4] = v[P_STATUS].s;
	params[5] = v[P_CONTACT].present ? "t" : "f";
	params[6] = contact;
	params[7] = v[P_SLA].present ? "t" : "f";
	params[8] = sla;
	params[9] = v[P_NOTES].present ? "t" : "f";
	params[10] = v[P_NOTES].present && !v[P_NOTES].null ? v[P_NOTES].s : NULL;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_UPDATE], 11, params)) ==
		NULL ||
	    PQntuples(res) != 1) {
		http_fail_db(r);
		return tx_end(r);
	}
	if (db_commit(r->db) == -1) {
		http_fail_db(r);
		return tx_end(r);
	}
	log_info("partners", "partner %s updated by %s", r->id, r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/partners/:id/round-robin, managers: the partner's rotation
 * (migration 0028): {partnerId, enabled, lastUserId, team:[{userId, fullName,
 * status, weight, absentFrom, absentUntil, available}]}, the team being the
 * partner's OPERATOR users.  200; 401; 403; 404 "Partner not found".
 */
static int
partners_rr_get(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_RR_GET], 1, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

#define RR_TEAM_MAX   500
#define RR_WEIGHT_MAX 100
#define MSG_RR_MEMBER "Team members must be operators of this partner, each once"

enum rr_member_key { RM_USER, RM_WEIGHT, RM__MAX };
static const struct field rr_member_fields[RM__MAX] = {
	[RM_USER] = { "userId", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL, NULL, NULL, NULL },
	[RM_WEIGHT] = { "weight", FT_INT, F_REQUIRED, 0, RR_WEIGHT_MAX, NULL, NULL, NULL, NULL,
	    NULL },
};
static const struct field_table rr_member = FIELD_TABLE(rr_member_fields);
static const struct field rr_member_elem = { NULL, FT_OBJECT, 0, 0, 0, NULL, &rr_member, NULL, NULL,
	NULL };

enum rr_key { RR_ENABLED, RR_TEAM, RR__MAX };
static const struct field rr_fields[RR__MAX] = {
	[RR_ENABLED] = { "enabled", FT_BOOL, F_REQUIRED, 0, 0, NULL, NULL, NULL, NULL, NULL },
	[RR_TEAM] = { "team", FT_ARRAY, 0, 0, RR_TEAM_MAX, NULL, NULL, &rr_member_elem, NULL,
	    NULL },
};
static const struct field_table rr_in = FIELD_TABLE(rr_fields);

/*
 * PUT /api/partners/:id/round-robin, ADMIN: {enabled, team?:[{userId,
 * weight 0..100}]} switches the rotation and sets the listed operators'
 * weights (0 = left out).  Every change is one RoundRobinAuditLog row.
 * 200 the GET shape; 400 validation or a member who is not an operator of
 * the partner (or listed twice); 401; 403; 404 "Partner not found".
 */
static int
partners_rr_put(struct req *r)
{
	const struct value *v = r->in->v;
	const char *params[4], *team = NULL;
	PGresult *res;

	if (v[RR_TEAM].present && !v[RR_TEAM].null &&
	    (team = json_print(r->mem, v[RR_TEAM].json)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	params[0] = r->id;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_LOCK], 1, params)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, MSG_NOT_FOUND);
	params[1] = team;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_RR_CHECK], 2, params)) ==
	    NULL)
		return tx_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return tx_fail(r, 400, MSG_RR_MEMBER);
	params[1] = v[RR_ENABLED].b ? "true" : "false";
	params[2] = team;
	params[3] = r->user->id;
	if (db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_RR_UPDATE], 4, params) == NULL)
		return tx_fail_db(r);
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_RR_GET], 1, params)) ==
		NULL ||
	    PQntuples(res) != 1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("partners", "round robin of partner %s set by %s", r->id, r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* POST /api/partners/:id/api-keys: the new key's settings. */
static const char *const scope_opts[] = { "leads:create", "leads:read", NULL };
static const struct field scope_elem = { .name = "scope", .type = FT_ENUM, .options = scope_opts };
#define KEY_NAME_MAX_CHARS 100
#define KEY_RATE_MAX       10000
enum key_key { K_NAME, K_SCOPES, K_EXPIRES, K_RATE, K__MAX };
static const struct field key_fields[K__MAX] = {
	[K_NAME] = { "name", FT_STRING, F_REQUIRED | F_TRIM, 1, KEY_NAME_MAX_CHARS },
	[K_SCOPES] = { "scopes", FT_ARRAY, F_REQUIRED, 1, 2, NULL, NULL, &scope_elem },
	[K_EXPIRES] = { "expiresAt", FT_DATE, F_NULLABLE, 0, 0 },
	[K_RATE] = { "rateLimitPerMinute", FT_INT, 0, 1, KEY_RATE_MAX },
};
static const struct field_table key_in = FIELD_TABLE(key_fields);

/* Characters of a key shown in lists: "izk_" and 8 hex digits. */
#define KEY_PREFIX_LEN 12
/* Random bytes of a key (256 bits; the brief asks for at least 128). */
#define KEY_RANDOM_BYTES 32

/*
 * A partner manager reaches only their own partner; 0, or -1 with 403.
 * Another partner's keys answer 403 whether or not that partner exists.
 */
static int
keys_allowed(struct req *r)
{
	if (r->user->role == ROLE_ADMIN || strcmp(r->user->partner_id, r->id) == 0)
		return 0;
	log_info("partners", "user %s refused on the API keys of another partner", r->user->id);
	http_fail(r, 403, NULL, "Forbidden");
	return -1;
}

/*
 * GET /api/partners/:id/api-keys, PARTNER_MANAGER (own partner), ADMIN.
 * 200 [{id, name, prefix, scopes, rateLimitPerMinute, expiresAt, revokedAt,
 *     lastUsedAt, useCount, createdByUserId, createdAt}] newest first; never
 *     the key or its hash.
 * 403 another partner's keys; 404 "Partner not found".
 */
static int
partners_keys_list(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_KEYS_LIST], 1, params)) ==
	    NULL)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 1)));
}

/*
 * An FT_ENUM array (API key scopes, webhook events) as a text[] literal; the
 * values are the table's options, none needs quoting.
 */
static const char *
scopes_literal(struct req *r, const struct value *v)
{
	const char *lit = "{";

	for (size_t i = 0; i < v->n && lit != NULL; i++)
		lit = arena_printf(r->mem, "%s%s%s", lit, i > 0 ? "," : "", v->arr[i].s);
	return lit != NULL ? arena_printf(r->mem, "%s}", lit) : NULL;
}

/*
 * POST /api/partners/:id/api-keys, PARTNER_MANAGER (own partner), ADMIN.
 * Body {name, scopes: ["leads:create"|"leads:read", ...], expiresAt?,
 * rateLimitPerMinute? (1..10000, default 60)}.
 * 201 the key's list shape plus "key": "izk_" + 64 hex digits, shown this
 *     once: only its SHA-256 and its first 12 characters are stored.
 * 400 validation; expiresAt not in the future.
 * 403 another partner's keys; 404 "Partner not found".
 */
static int
partners_keys_create(struct req *r)
{
	const struct value *v = r->in->v;
	char id[ID_SIZE], ev[ID_SIZE], rnd[KEY_RANDOM_BYTES * 2 + 1], hash[CRYPTO_SHA256_HEX];
	char key[sizeof(SESSION_APIKEY_PREFIX) + sizeof(rnd)], prefix[KEY_PREFIX_LEN + 1], now[32];
	const char *params[10], *rate = NULL, *expires = NULL, *out;
	struct tm tm;
	time_t t = (time_t)r->now;
	PGresult *res;
	cJSON *o;

	if (keys_allowed(r) == -1)
		return 0;
	if (v[K_EXPIRES].present && !v[K_EXPIRES].null) {
		/* Both "YYYY-MM-DDTHH:MM:SS.mmmZ": the text order is the time order. */
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S.999Z", &tm) == 0)
			return http_fail(r, 500, NULL, "Internal server error");
		expires = v[K_EXPIRES].s;
		if (strcmp(expires, now) <= 0) {
			cJSON *issues = cJSON_CreateArray();
			const char *const seg[] = { "expiresAt" };
			if (issues == NULL ||
			    valid_issue_custom(issues, seg, 1, "Must be in the future") == -1) {
				cJSON_Delete(issues);
				return http_fail(r, 500, NULL, "Internal server error");
			}
			return http_fail_issues(r, issues);
		}
	}
	if (v[K_RATE].present && (rate = arena_printf(r->mem, "%lld", v[K_RATE].i)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (id_new(id) == -1 || id_new(ev) == -1 || crypto_token_hex(rnd, KEY_RANDOM_BYTES) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	snprintf(key, sizeof(key), "%s%s", SESSION_APIKEY_PREFIX, rnd);
	memcpy(prefix, key, KEY_PREFIX_LEN);
	prefix[KEY_PREFIX_LEN] = '\0';
	crypto_sha256_hex(hash, key, strlen(key));
	params[0] = id;
	params[1] = r->id;
	params[2] = v[K_NAME].s;
	params[3] = prefix;
	params[4] = hash;
	params[5] = scopes_literal(r, &v[K_SCOPES]);
	params[6] = rate;
	params[7] = expires;
	params[8] = r->user->id;
	params[9] = ev;
	if (params[5] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_KEYS_INSERT], 10, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	if ((o = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    cJSON_AddStringToObject(o, "key", key) == NULL ||
	    (out = json_print(r->mem, o)) == NULL) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	cJSON_Delete(o);
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(key, sizeof(key));
	log_info("partners", "API key %s created for partner %s by %s", id, r->id, r->user->id);
	return http_created_raw(r, out);
}

/*
 * DELETE /api/partners/:id/api-keys/:keyId, PARTNER_MANAGER (own partner),
 * ADMIN.  Revokes the key: its next request gets 401.
 * 204 revoked (also when it was revoked already: nothing changes then).
 * 403 another partner's keys; 404 "API key not found" (not this partner's).
 */
static int
partners_keys_revoke(struct req *r)
{
	char ev[ID_SIZE];
	const char *params[4] = { r->id, r->caps[1], r->user->id, ev };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	if (id_new(ev) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_KEYS_REVOKE], 4, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, "API key not found");
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		log_info("partners", "API key %s revoked by %s", r->caps[1], r->user->id);
	return http_no_content(r);
}

/* POST/PATCH /api/partners/:id/webhooks[/:hookId]: a subscription's settings. */
static const char *const event_opts[] = { "lead.created", "lead.status_changed",
	"application.submitted", NULL };
static const struct field event_elem = { .name = "event", .type = FT_ENUM, .options = event_opts };
/* Long enough for any real endpoint with a query string; Outbox rows copy nothing of it. */
#define HOOK_URL_MAX_CHARS 2000
enum hook_key { H_URL, H_EVENTS, H_ACTIVE, H__MAX };
static const struct field hook_fields[H__MAX] = {
	[H_URL] = { "url", FT_URL, F_REQUIRED | F_TRIM, 1, HOOK_URL_MAX_CHARS },
	[H_EVENTS] = { "events", FT_ARRAY, F_REQUIRED, 1, 3, NULL, NULL, &event_elem },
	[H_ACTIVE] = { "active", FT_BOOL, 0, 0, 0 },
};
static const struct field_table hook_in = FIELD_TABLE(hook_fields);
static const struct field hook_patch_fields[H__MAX] = {
	[H_URL] = { "url", FT_URL, F_TRIM, 1, HOOK_URL_MAX_CHARS },
	[H_EVENTS] = { "events", FT_ARRAY, 0, 1, 3, NULL, NULL, &event_elem },
	[H_ACTIVE] = { "active", FT_BOOL, 0, 0, 0 },
};
static const struct field_table hook_patch_in = FIELD_TABLE(hook_patch_fields);

/* "whsec_" and 32 random bytes in hex: the signing secret, shown once. */
#define HOOK_SECRET_PREFIX       "whsec_"
#define HOOK_SECRET_RANDOM_BYTES 32

/*
 * http:// is for development and test stacks only (the CRM webhook's rule,
 * common/cfg.c): 0, or -1 with a 400 on "url".
 */
static int
hook_url_allowed(struct req *r, const char *url)
{
	const char *const seg[] = { "url" };
	cJSON *issues;

	if (url == NULL || cfg_get()->env != CFG_ENV_PRODUCTION || strncmp(url, "https://", 8) == 0)
		return 0;
	if ((issues = cJSON_CreateArray()) == NULL ||
	    valid_issue_custom(issues, seg, 1, "Must be an https:// URL") == -1) {
		cJSON_Delete(issues);
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	http_fail_issues(r, issues);
	return -1;
}

/*
 * GET /api/partners/:id/webhooks, PARTNER_MANAGER (own partner), ADMIN.
 * 200 [{id, url, events, active, secretPrefix, createdByUserId, createdAt,
 *     updatedAt}] newest first; never the secret.
 * 403 another partner's subscriptions; 404 "Partner not found".
 */
static int
partners_hooks_list(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_LIST], 1, params)) ==
	    NULL)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 1)));
}

/*
 * POST /api/partners/:id/webhooks, PARTNER_MANAGER (own partner), ADMIN.
 * Body {url, events: ["lead.created"|"lead.status_changed"|
 * "application.submitted", ...], active? (default true)}.
 * 201 the list shape plus "secret": "whsec_" + 64 hex digits, shown this
 *     once (the worker signs every delivery with it).
 * 400 validation; an http:// URL in production.
 * 403 another partner's subscriptions; 404 "Partner not found".
 */
static int
partners_hooks_create(struct req *r)
{
	const struct value *v = r->in->v;
	char id[ID_SIZE], rnd[HOOK_SECRET_RANDOM_BYTES * 2 + 1];
	char secret[sizeof(HOOK_SECRET_PREFIX) + sizeof(rnd)];
	const char *params[7], *out;
	PGresult *res;
	cJSON *o;

	if (keys_allowed(r) == -1 || hook_url_allowed(r, v[H_URL].s) == -1)
		return 0;
	if (id_new(id) == -1 || crypto_token_hex(rnd, HOOK_SECRET_RANDOM_BYTES) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	snprintf(secret, sizeof(secret), "%s%s", HOOK_SECRET_PREFIX, rnd);
	params[0] = id;
	params[1] = r->id;
	params[2] = v[H_URL].s;
	params[3] = scopes_literal(r, &v[H_EVENTS]);
	params[4] = v[H_ACTIVE].present ? (v[H_ACTIVE].b ? "true" : "false") : NULL;
	params[5] = secret;
	params[6] = r->user->id;
	if (params[3] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_INSERT], 7, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	if ((o = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    cJSON_AddStringToObject(o, "secret", secret) == NULL ||
	    (out = json_print(r->mem, o)) == NULL) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	cJSON_Delete(o);
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(secret, sizeof(secret));
	log_info("partners", "webhook %s created for partner %s by %s", id, r->id, r->user->id);
	return http_created_raw(r, out);
}

/*
 * PATCH /api/partners/:id/webhooks/:hookId, PARTNER_MANAGER (own partner),
 * ADMIN.  Body {url?, events?, active?}: what is absent stays.
 * 200 the list shape.
 * 400 validation; an http:// URL in production.
 * 403 another partner's subscriptions; 404 "Webhook not found".
 */
static int
partners_hooks_update(struct req *r)
{
	const struct value *v = r->in->v;
	const char *params[5] = { r->id, r->caps[1], NULL, NULL, NULL };
	PGresult *res;

	if (keys_allowed(r) == -1 ||
	    hook_url_allowed(r, v[H_URL].present ? v[H_URL].s : NULL) == -1)
		return 0;
	if (v[H_URL].present)
		params[2] = v[H_URL].s;
	if (v[H_EVENTS].present && (params[3] = scopes_literal(r, &v[H_EVENTS])) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (v[H_ACTIVE].present)
		params[4] = v[H_ACTIVE].b ? "true" : "false";
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_UPDATE], 5, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_HOOK_NOT_FOUND);
	log_info("partners", "webhook %s changed by %s", r->caps[1], r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * DELETE /api/partners/:id/webhooks/:hookId, PARTNER_MANAGER (own partner),
 * ADMIN.  The subscription and its deliveries (queued ones are not sent).
 * 204 deleted; 403 another partner's; 404 "Webhook not found".
 */
static int
partners_hooks_delete(struct req *r)
{
	const char *params[2] = { r->id, r->caps[1] };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_DELETE], 2, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_HOOK_NOT_FOUND);
	log_info("partners", "webhook %s deleted by %s", r->caps[1], r->user->id);
	return http_no_content(r);
}

/*
 * POST /api/partners/:id/webhooks/:hookId/test, PARTNER_MANAGER (own
 * partner), ADMIN.  No body.  Queues a signed "webhook.test" event for this
 * subscription (also when it is inactive); the worker delivers it like any
 * other.
 * 201 the delivery's log shape {id, event, status:"PENDING", attempts, ...}.
 * 403 another partner's; 404 "Webhook not found".
 */
static int
partners_hooks_test(struct req *r)
{
	char id[ID_SIZE], evt[ID_SIZE + 4];
	const char *params[4] = { r->id, r->caps[1], id, evt };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	snprintf(evt, sizeof(evt), "evt_%s", id);
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_TEST], 4, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_HOOK_NOT_FOUND);
	log_info(
	    "partners", "test event %s queued for webhook %s by %s", id, r->caps[1], r->user->id);
	return http_created_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/partners/:id/webhooks/:hookId/deliveries, PARTNER_MANAGER (own
 * partner), ADMIN.
 * 200 [{id (the X-Izzy-Delivery id), event, status (PENDING, SENDING, SENT,
 *     FAILED = dead letter), attempts, lastHttpStatus, lastError, leadId,
 *     createdAt, nextAttemptAt, sentAt}], the last 100, newest first.
 * 403 another partner's; 404 "Webhook not found".
 */
static int
partners_hooks_deliveries(struct req *r)
{
	const char *params[2] = { r->id, r->caps[1] };
	PGresult *res;

	if (keys_allowed(r) == -1)
		return 0;
	res = db_query(r->db, r->mem, &partners_sql[SQL_PARTNERS_HOOKS_DELIVERIES], 2, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_HOOK_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
partners_init(struct db *db)
{
	return db_register(db, partners_sql, PARTNERS_SQL__MAX);
}

extern const struct http_app partners_app;
static const http_init_fn partners_inits[] = { session_init, partners_init, NULL };
const struct http_app partners_app = {
	"partners",
	partners_routes,
	sizeof(partners_routes) / sizeof(partners_routes[0]),
	partners_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&partners_app);
}
#endif
