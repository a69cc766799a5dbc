/*
 * users: /api/users (spec/api.md §4.3) with the rewrite's fixes: no password
 * is ever mailed, new accounts get a set-password link (SR-10, FR-4); the
 * privilege boundaries of SR-13 (only ADMIN manages ADMIN and SUPERVISOR
 * accounts, nobody changes their own role or deactivates themselves, the
 * last active ADMIN stays); the account state machine of L24; sessions end
 * on deactivation, role change and password change (SR-9); every change is
 * written to "UserAuditLog" in its transaction (FR-80).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/outbox.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pass.h"
#include "common/pwtoken.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "users.sql.h"

static int users_list(struct req *);
static int users_create(struct req *);
static int users_update(struct req *);
static int users_reset_password(struct req *);
static int users_absence(struct req *);
static int users_absence_get(struct req *);

/* Body and query tables are defined below, next to what they validate. */
static const struct field_table list_q;
static const struct field_table create_in;
static const struct field_table update_in;
static const struct field_table reset_in;
static const struct field_table absence_in;

static const struct route users_routes[] = {
	/* method      pattern                            handler               roles           body        query */
	{ HTTP_GET, "/api/users", users_list, ROLES_MANAGERS, NULL, &list_q },
	{ HTTP_POST, "/api/users", users_create, ROLES_MANAGERS, &create_in, NULL },
	{ HTTP_PATCH, "/api/users/:id", users_update, ROLES_MANAGERS, &update_in, NULL },
	{ HTTP_POST, "/api/users/:id/reset-password", users_reset_password, ROLES_MANAGERS,
	    &reset_in, NULL },
	{ HTTP_GET, "/api/users/:id/absence", users_absence_get, ROLES_STAFF, NULL, NULL },
	{ HTTP_PUT, "/api/users/:id/absence", users_absence, ROLES_STAFF, &absence_in, NULL },
};

/* Database order of "UserRole" and "UserStatus", as the reference lists them. */
static const char *const role_opts[] = { "PARTNER", "OPERATOR", "SUPERVISOR", "ADMIN", "AUDITOR",
	"PARTNER_MANAGER", "PARTNER_EMPLOYEE", NULL };
static const char *const status_opts[] = { "ACTIVE", "INACTIVE", "INVITED", NULL };

/* Text limits: generous for real names and numbers, small enough to keep rows sane. */
#define NAME_MAX_CHARS  200
#define PHONE_MAX_CHARS 64
#define KEY_MAX_CHARS   200
/* The password policy (pass_policy_error) decides; this only bounds the input. */
#define PASSWORD_MAX_CHARS 200
/* page * perPage must stay far inside bigint. */
#define PAGE_MAX         2147483647LL
#define PER_PAGE_MAX     200 /* spec §2.8: users allow up to 200 */
#define PER_PAGE_DEFAULT "20"

enum list_key {
	LIST_PAGE,
	LIST_PER_PAGE,
	LIST_ROLE,
	LIST_STATUS,
	LIST_PARTNER,
	LIST_SEARCH,
	LIST__MAX
};
static const struct field list_fields[LIST__MAX] = {
	[LIST_PAGE] = { "page", FT_INT, 0, 1, PAGE_MAX },
	[LIST_PER_PAGE] = { "perPage", FT_INT, 0, 1, PER_PAGE_MAX },
	[LIST_ROLE] = { "role", FT_ENUM, 0, 0, 0, role_opts },
	[LIST_STATUS] = { "status", FT_ENUM, 0, 0, 0, status_opts },
	[LIST_PARTNER] = { "partnerId", FT_STRING, 0, 0, KEY_MAX_CHARS },
	[LIST_SEARCH] = { "search", FT_STRING, F_TRIM, 0, NAME_MAX_CHARS },
};
static const struct field_table list_q = FIELD_TABLE(list_fields);

enum create_key {
	CREATE_EMAIL,
	CREATE_FULL_NAME,
	CREATE_PHONE,
	CREATE_ROLE,
	CREATE_PARTNER,
	CREATE_STATUS,
	CREATE_PASSWORD,
	CREATE__MAX
};
static const struct field create_fields[CREATE__MAX] = {
	/* Stored lower-cased (spec §9 item 26). */
	[CREATE_EMAIL] = { "email", FT_EMAIL, F_REQUIRED | F_LOWER, 0, 0 },
	[CREATE_FULL_NAME] = { "fullName", FT_STRING, F_REQUIRED | F_TRIM, 1, NAME_MAX_CHARS },
	[CREATE_PHONE] = { "phone", FT_STRING, F_NULLABLE | F_TRIM, 0, PHONE_MAX_CHARS },
	[CREATE_ROLE] = { "role", FT_ENUM, F_REQUIRED, 0, 0, role_opts },
	[CREATE_PARTNER] = { "partnerId", FT_STRING, F_NULLABLE, 0, KEY_MAX_CHARS },
	[CREATE_STATUS] = { "status", FT_ENUM, 0, 0, 0, status_opts },
	[CREATE_PASSWORD] = { "password", FT_STRING, 0, 0, PASSWORD_MAX_CHARS },
};
static const struct field_table create_in = FIELD_TABLE(create_fields);

/*
 * "email" cannot be changed: like the other read-only fields of the user
 * summary it may only be echoed unchanged (valid.h F_ECHO), else 400.
 */
enum update_key {
	UPDATE_FULL_NAME,
	UPDATE_PHONE,
	UPDATE_ROLE,
	UPDATE_STATUS,
	UPDATE_PARTNER,
	UPDATE_PASSWORD,
	UPDATE_ECHO_ID, /* the echoed read-only fields from here on */
	UPDATE_ECHO_EMAIL,
	UPDATE_ECHO_PARTNER,
	UPDATE_ECHO_CREATED_AT,
	UPDATE_ECHO_UPDATED_AT,
	UPDATE__MAX
};
static const struct field update_fields[UPDATE__MAX] = {
	[UPDATE_FULL_NAME] = { "fullName", FT_STRING, F_TRIM, 1, NAME_MAX_CHARS },
	[UPDATE_PHONE] = { "phone", FT_STRING, F_NULLABLE | F_TRIM, 0, PHONE_MAX_CHARS },
	[UPDATE_ROLE] = { "role", FT_ENUM, 0, 0, 0, role_opts },
	[UPDATE_STATUS] = { "status", FT_ENUM, 0, 0, 0, status_opts },
	[UPDATE_PARTNER] = { "partnerId", FT_STRING, F_NULLABLE, 0, KEY_MAX_CHARS },
	[UPDATE_PASSWORD] = { "password", FT_STRING, 0, 0, PASSWORD_MAX_CHARS },
	[UPDATE_ECHO_ID] = FIELD_ECHO("id"),
	[UPDATE_ECHO_EMAIL] = FIELD_ECHO("email"),
	[UPDATE_ECHO_PARTNER] = FIELD_ECHO("partner"),
	[UPDATE_ECHO_CREATED_AT] = FIELD_ECHO("createdAt"),
	[UPDATE_ECHO_UPDATED_AT] = FIELD_ECHO("updatedAt"),
};
static const struct field_table update_in = FIELD_TABLE(update_fields);

/* {} or no body: mail a link.  {"password"}: the reference's direct set. */
enum reset_key { RESET_PASSWORD, RESET__MAX };
static const struct field reset_fields[RESET__MAX] = {
	[RESET_PASSWORD] = { "password", FT_STRING, 0, 0, PASSWORD_MAX_CHARS },
};
static const struct field_table reset_in = FIELD_TABLE(reset_fields);

#define MSG_CREATE_ADMIN     "Only admins can create admin accounts"
#define MSG_ESCALATE         "Only admins can escalate accounts to admin role"
#define MSG_MANAGE           "Only admins can manage admin and supervisor accounts"
#define MSG_OWN_ROLE         "You cannot change your own role"
#define MSG_OWN_STATUS       "You cannot deactivate your own account"
#define MSG_LAST_ADMIN       "Cannot remove the last active admin"
#define MSG_EMAIL_TAKEN      "Email already in use"
#define MSG_NO_PARTNER       "Partner not found"
#define MSG_PARTNER_REQUIRED "Partner is required for partner roles"
#define MSG_TRANSITION       "Status transition not allowed"
#define MSG_NOT_FOUND        "User not found"

/* Stored for accounts nobody has set a password for: no bcrypt hash starts with '!'. */
#define NO_PASSWORD "!invited"

static bool
is_partner_role(const char *role)
{
	enum role r;

	return role_parse(role, &r) == 0 && (ROLE_BIT(r) & ROLES_PARTNER_SCOPED) != 0;
}

/* Only an ADMIN may act on these accounts or hand out these roles (SR-13). */
static bool
is_privileged_role(const char *role)
{
	return strcmp(role, "ADMIN") == 0 || strcmp(role, "SUPERVISOR") == 0;
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A partnerId as given: null and "" mean "no partner" (spec §4.3.3). */
static const char *
partner_value(const struct value *v)
{
	return v->null || v->s == NULL || v->s[0] == '\0' ? NULL : v->s;
}

/* 400 with the policy's message as an issue on ["password"] (SR-11). */
static int
fail_policy(struct req *r, const char *msg)
{
	static const char *const path[] = { "password" };
	cJSON *issues = cJSON_CreateArray();

	if (issues == NULL || valid_issue_custom(issues, path, 1, msg) == -1) {
		cJSON_Delete(issues);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_fail_issues(r, issues);
}

/* {"key": value} as arena JSON text; NULL when out of memory. */
static const char *
kv_json(struct req *r, const char *key, const char *value)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || json_add_str_null(o, key, value) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/* One "UserAuditLog" row inside the caller's transaction; -1 on failure. */
static int
audit(struct req *r, const char *target, const char *action, const char *old_json,
    const char *new_json)
{
	char id[ID_SIZE];
	const char *params[6];

	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = r->user->id;
	params[2] = target;
	params[3] = action;
	params[4] = old_json;
	params[5] = new_json;
	return db_query(r->db, r->mem, &users_sql[SQL_USERS_AUDIT], 6, params) == NULL ? -1 : 0;
}

/*
 * The echo rule for a PATCH: compares the echoed read-only fields with the
 * (locked) row's summary.  0, or -1 with the response set.
 */
static int
check_echo(struct req *r, const char *id)
{
	const struct value *v = r->in->v;
	const char *params[1] = { id };
	bool any = false;
	PGresult *res;

	for (int i = UPDATE_ECHO_ID; i < UPDATE__MAX; i++)
		any = any || v[i].present;
	if (!any)
		return 0;
	if ((res = db_query(r->db, r->mem, &users_sql[SQL_USERS_GET], 1, params)) == NULL) {
		http_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		http_fail(r, 404, NULL, MSG_NOT_FOUND);
		return -1;
	}
	return http_echo_check(r, PQgetvalue(res, 0, 0));
}

/* Answers the user's summary with status 200 or 201. */
static int
answer_user(struct req *r, const char *id, bool created)
{
	const char *params[1] = { id };
	PGresult *res = db_query(r->db, r->mem, &users_sql[SQL_USERS_GET], 1, params);
	const char *json;

	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	json = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	return created ? http_created_raw(r, json) : http_ok_raw(r, json);
}

/* The account an admin action is about, as users_target reads it. */
struct target {
	const char *id, *email, *full_name, *phone, *role, *status, *partner_id;
	bool has_password; /* false: nobody has set one yet (NO_PASSWORD) */
	bool other_admin;  /* another ACTIVE ADMIN exists */
	bool partner_ok;   /* the partner asked about exists (or none was) */
};

static const char *
col(PGresult *res, int c)
{
	return PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
}

/* Reads and locks the target; 0 found, 1 no such user, -1 database error. */
static int
target_load(struct req *r, const char *partner, struct target *t)
{
	const char *params[2] = { r->id, partner };
	PGresult *res = db_query(r->db, r->mem, &users_sql[SQL_USERS_TARGET], 2, params);

	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1)
		return 1;
	t->id = col(res, 0);
	t->email = col(res, 1);
	t->full_name = col(res, 2);
	t->phone = col(res, 3);
	t->role = col(res, 4);
	t->status = col(res, 5);
	t->partner_id = col(res, 6);
	t->has_password = strcmp(PQgetvalue(res, 0, 7), "t") == 0;
	t->other_admin = strcmp(PQgetvalue(res, 0, 8), "t") == 0;
	t->partner_ok = strcmp(PQgetvalue(res, 0, 9), "t") == 0;
	return 0;
}

/*
 * GET /api/users, SUPERVISOR and ADMIN.
 * 200 page envelope of user summaries, newest first (spec §4.3.1, §2.8);
 * filters role, status, partnerId (exact), search (e-mail, name or phone,
 * case-insensitive substring).  400 validation (perPage 1..200, page >= 1).
 */
static int
users_list(struct req *r)
{
	const struct value *v = r->q->v;
	const char *params[6];
	PGresult *res;

	params[0] = v[LIST_ROLE].present ? v[LIST_ROLE].s : NULL;
	params[1] = v[LIST_STATUS].present ? v[LIST_STATUS].s : NULL;
	params[2] =
	    v[LIST_PARTNER].present && v[LIST_PARTNER].s[0] != '\0' ? v[LIST_PARTNER].s : NULL;
	params[3] = v[LIST_SEARCH].present ? v[LIST_SEARCH].s : "";
	params[4] = v[LIST_PER_PAGE].present ? arena_printf(r->mem, "%lld", v[LIST_PER_PAGE].i)
					     : PER_PAGE_DEFAULT;
	params[5] = v[LIST_PAGE].present ? arena_printf(r->mem, "%lld", v[LIST_PAGE].i) : "1";
	if (params[4] == NULL || params[5] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, &users_sql[SQL_USERS_LIST], 6, params)) == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * POST /api/users, SUPERVISOR and ADMIN.
 * 201 user summary.  With a password (policy-checked) the account is
 * created with it and the given status (default INVITED); without one it
 * gets an unusable hash and status INVITED.  An INVITED account is sent a
 * set-password link (SR-10: never a password).
 * 400 validation, password policy (issue on ["password"]), "Partner is
 * required for partner roles", "Partner not found"; 403 a SUPERVISOR
 * creating an ADMIN ("Only admins can create admin accounts") or a
 * SUPERVISOR ("Only admins can manage admin and supervisor accounts");
 * 409 "Email already in use".
 */
static int
users_create(struct req *r)
{
	const struct value *v = r->in->v;
	const char *email = v[CREATE_EMAIL].s, *full_name = v[CREATE_FULL_NAME].s;
	const char *role = v[CREATE_ROLE].s,
		   *pw = v[CREATE_PASSWORD].present ? v[CREATE_PASSWORD].s : NULL;
	const char *phone =
	    v[CREATE_PHONE].present && !v[CREATE_PHONE].null ? v[CREATE_PHONE].s : NULL;
	const char *partner = partner_value(&v[CREATE_PARTNER]);
	const char *status, *params[8], *policy, *created;
	char id[ID_SIZE], hash[PASS_HASH_SIZE];
	struct pwtoken_user pu;
	PGresult *res;
	cJSON *o;

	if (pw != NULL && (policy = pass_policy_error(pw)) != NULL)
		return fail_policy(r, policy);
	if (r->user->role != ROLE_ADMIN && strcmp(role, "ADMIN") == 0)
		return http_fail(r, 403, NULL, MSG_CREATE_ADMIN);
	if (r->user->role != ROLE_ADMIN && is_privileged_role(role))
		return http_fail(r, 403, NULL, MSG_MANAGE);
	if (is_partner_role(role) && partner == NULL)
		return http_fail(r, 400, NULL, MSG_PARTNER_REQUIRED);
	/* Without a password the account cannot be active: the invitation sets it. */
	status = pw != NULL && v[CREATE_STATUS].present ? v[CREATE_STATUS].s : "INVITED";
	if (pw != NULL && pass_hash(hash, pw) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	params[0] = email;
	params[1] = partner;
	if ((res = db_query(r->db, r->mem, &users_sql[SQL_USERS_CREATE_CHECK], 2, params)) == NULL)
		return tx_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		return tx_fail(r, 409, MSG_EMAIL_TAKEN);
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		return tx_fail(r, 400, MSG_NO_PARTNER);
	params[0] = id;
	params[1] = email;
	params[2] = pw != NULL ? hash : NO_PASSWORD;
	params[3] = role;
	params[4] = full_name;
	params[5] = phone;
	params[6] = status;
	params[7] = partner;
	if (db_query(r->db, r->mem, &users_sql[SQL_USERS_INSERT], 8, params) == NULL) {
		/* A concurrent request took the e-mail or removed the partner. */
		if (strcmp(db_sqlstate(r->db), "23505") == 0)
			return tx_fail(r, 409, MSG_EMAIL_TAKEN);
		if (strcmp(db_sqlstate(r->db), "23503") == 0)
			return tx_fail(r, 400, MSG_NO_PARTNER);
		return tx_fail_db(r);
	}
	if ((o = cJSON_CreateObject()) == NULL || json_add_str_null(o, "email", email) == -1 ||
	    json_add_str_null(o, "fullName", full_name) == -1 ||
	    json_add_str_null(o, "phone", phone) == -1 ||
	    json_add_str_null(o, "role", role) == -1 ||
	    json_add_str_null(o, "status", status) == -1 ||
	    json_add_str_null(o, "partnerId", partner) == -1) {
		cJSON_Delete(o);
		return tx_fail(r, 500, "Internal server error");
	}
	if ((created = json_print_take(r->mem, o)) == NULL ||
	    audit(r, id, "USER_CREATED", NULL, created) == -1)
		return tx_fail_db(r);
	if (strcmp(status, "INVITED") == 0) {
		pu.id = id;
		pu.email = email;
		pu.full_name = full_name;
		if (pwtoken_issue(r->db, r->mem, &pu, PWTOKEN_INVITE, r->user->id) == -1 ||
		    audit(r, id, "USER_INVITED", NULL, NULL) == -1)
			return tx_fail_db(r);
	}
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("users", "user %s (%s, %s) created by %s", id, role, status, r->user->id);
	return answer_user(r, id, true);
}

/* Audit rows of a PATCH: one per kind of change; -1 on failure. */
static int
audit_update(struct req *r, const struct target *t, const char *full_name, const char *phone,
    const char *role, const char *status, const char *partner, bool pw)
{
	cJSON *o = cJSON_CreateObject(), *n = cJSON_CreateObject();
	bool any = false, okay = o != NULL && n != NULL;

	if (okay && !same(t->full_name, full_name)) {
		okay = json_add_str_null(o, "fullName", t->full_name) == 0 &&
		    json_add_str_null(n, "fullName", full_name) == 0;
		any = true;
	}
	if (okay && !same(t->phone, phone)) {
		okay = json_add_str_null(o, "phone", t->phone) == 0 &&
		    json_add_str_null(n, "phone", phone) == 0;
		any = true;
	}
	if (okay && !same(t->partner_id, partner)) {
		okay = json_add_str_null(o, "partnerId", t->partner_id) == 0 &&
		    json_add_str_null(n, "partnerId", partner) == 0;
		any = true;
	}
	if (!okay) {
		cJSON_Delete(o);
		cJSON_Delete(n);
		return -1;
	}
	if (any) {
		const char *os = json_print_take(r->mem, o), *ns = json_print_take(r->mem, n);
		if (os == NULL || ns == NULL || audit(r, t->id, "USER_UPDATED", os, ns) == -1)
			return -1;
	} else {
		cJSON_Delete(o);
		cJSON_Delete(n);
	}
	if (!same(t->role, role) &&
	    audit(r, t->id, "USER_ROLE_CHANGED", kv_json(r, "role", t->role),
		kv_json(r, "role", role)) == -1)
		return -1;
	if (!same(t->status, status) &&
	    audit(r, t->id, "USER_STATUS_CHANGED", kv_json(r, "status", t->status),
		kv_json(r, "status", status)) == -1)
		return -1;
	if (pw && audit(r, t->id, "USER_PASSWORD_SET", NULL, NULL) == -1)
		return -1;
	return 0;
}

/*
 * The account state machine (L24): INVITED -> ACTIVE <-> INACTIVE, and
 * INVITED -> INACTIVE.  Nothing goes back to INVITED.  An account becomes
 * ACTIVE only with a password: from INVITED one set in the same request,
 * from INACTIVE one set now or before.
 */
static bool
transition_ok(const struct target *t, const char *to, bool pw)
{
	if (strcmp(t->status, to) == 0)
		return true;
	if (strcmp(to, "INVITED") == 0)
		return false;
	if (strcmp(to, "ACTIVE") == 0 && strcmp(t->status, "INVITED") == 0)
		return pw;
	if (strcmp(to, "ACTIVE") == 0)
		return pw || t->has_password;
	return true;
}

/*
 * PATCH /api/users/:id, SUPERVISOR and ADMIN.  Absent fields stay; phone
 * and partnerId null (or "" for partnerId) clear; e-mail cannot change;
 * id, email, partner, createdAt and updatedAt may be echoed unchanged.
 * 200 user summary.  Deactivation, a role change and a password change end
 * all the user's sessions.
 * 400 validation (unknown key, an echoed read-only field such as "email"
 * that differs from the stored one), password
 * policy, "Status transition not allowed", "Partner is required for
 * partner roles", "Partner not found"; 403 a SUPERVISOR granting ADMIN
 * ("Only admins can escalate accounts to admin role"), granting SUPERVISOR
 * or touching an ADMIN or SUPERVISOR account ("Only admins can manage admin
 * and supervisor accounts"), changing one's own role or deactivating
 * oneself; 404 "User not found"; 409 "Cannot remove the last active admin".
 */
static int
users_update(struct req *r)
{
	const struct value *v = r->in->v;
	const bool admin = r->user->role == ROLE_ADMIN;
	const char *pw = v[UPDATE_PASSWORD].present ? v[UPDATE_PASSWORD].s : NULL;
	const char *new_partner =
	    v[UPDATE_PARTNER].present ? partner_value(&v[UPDATE_PARTNER]) : NULL;
	const char *policy, *full_name, *phone, *role, *status, *partner, *params[7], *reason;
	char hash[PASS_HASH_SIZE];
	struct target t;
	bool removes_admin;
	int rc;

	if (pw != NULL && (policy = pass_policy_error(pw)) != NULL)
		return fail_policy(r, policy);
	if (!admin && v[UPDATE_ROLE].present && strcmp(v[UPDATE_ROLE].s, "ADMIN") == 0)
		return http_fail(r, 403, NULL, MSG_ESCALATE);
	if (!admin && v[UPDATE_ROLE].present && is_privileged_role(v[UPDATE_ROLE].s))
		return http_fail(r, 403, NULL, MSG_MANAGE);

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if (db_query(r->db, r->mem, &users_sql[SQL_USERS_ADMIN_LOCK], 0, NULL) == NULL ||
	    (rc = target_load(r, new_partner, &t)) == -1)
		return tx_fail_db(r);
	if (rc == 1)
		return tx_fail(r, 404, MSG_NOT_FOUND);
	if (!admin && is_privileged_role(t.role))
		return tx_fail(r, 403, MSG_MANAGE);
	if (check_echo(r, t.id) == -1) {
		db_rollback(r->db);
		return 0;
	}

	full_name = v[UPDATE_FULL_NAME].present ? v[UPDATE_FULL_NAME].s : t.full_name;
	phone = t.phone;
	if (v[UPDATE_PHONE].present)
		phone = v[UPDATE_PHONE].null ? NULL : v[UPDATE_PHONE].s;
	role = v[UPDATE_ROLE].present ? v[UPDATE_ROLE].s : t.role;
	status = v[UPDATE_STATUS].present ? v[UPDATE_STATUS].s : t.status;
	partner = v[UPDATE_PARTNER].present ? new_partner : t.partner_id;

	if (!transition_ok(&t, status, pw != NULL))
		return tx_fail(r, 400, MSG_TRANSITION);
	/* Only when role or partner is being set: older rows may lack a partner and
	 * must stay editable (e.g. deactivated) without fixing that first. */
	if ((v[UPDATE_ROLE].present || v[UPDATE_PARTNER].present) && is_partner_role(role) &&
	    partner == NULL)
		return tx_fail(r, 400, MSG_PARTNER_REQUIRED);
	if (!t.partner_ok)
		return tx_fail(r, 400, MSG_NO_PARTNER);
	/* Checked before the self-rules so the sole admin learns why. */
	removes_admin = strcmp(t.role, "ADMIN") == 0 && strcmp(t.status, "ACTIVE") == 0 &&
	    (strcmp(role, "ADMIN") != 0 || strcmp(status, "ACTIVE") != 0);
	if (removes_admin && !t.other_admin)
		return tx_fail(r, 409, MSG_LAST_ADMIN);
	if (strcmp(t.id, r->user->id) == 0 && strcmp(role, t.role) != 0)
		return tx_fail(r, 403, MSG_OWN_ROLE);
	if (strcmp(t.id, r->user->id) == 0 && strcmp(status, "INACTIVE") == 0 &&
	    strcmp(t.status, "INACTIVE") != 0)
		return tx_fail(r, 403, MSG_OWN_STATUS);

	if (pw != NULL && pass_hash(hash, pw) == -1)
		return tx_fail(r, 500, "Internal server error");
	params[0] = t.id;
	params[1] = full_name;
	params[2] = phone;
	params[3] = role;
	params[4] = status;
	params[5] = partner;
	params[6] = pw != NULL ? hash : NULL;
	if (db_query(r->db, r->mem, &users_sql[SQL_USERS_UPDATE], 7, params) == NULL) {
		if (strcmp(db_sqlstate(r->db), "23503") == 0)
			return tx_fail(r, 400, MSG_NO_PARTNER);
		return tx_fail_db(r);
	}
	if (audit_update(r, &t, full_name, phone, role, status, partner, pw != NULL) == -1)
		return tx_fail_db(r);
	if (strcmp(status, "INACTIVE") == 0 && strcmp(t.status, "INACTIVE") != 0)
		reason = "deactivated";
	else if (strcmp(role, t.role) != 0)
		reason = "role_change";
	else if (pw != NULL)
		reason = "password_change";
	else
		reason = NULL;
	if (reason != NULL && session_revoke_user(r->db, t.id, reason) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("users", "user %s updated by %s%s%s", t.id, r->user->id,
	    reason != NULL ? ", sessions revoked: " : "", reason != NULL ? reason : "");
	return answer_user(r, t.id, false);
}

/*
 * POST /api/users/:id/reset-password, SUPERVISOR and ADMIN.
 * 204.  Body {} or none: mails a single-use set-password link (an
 * invitation again for an INVITED account); the password and the status
 * stay as they are (SR-10).  Body {"password"} (the reference's form): sets
 * that password after the policy check and ends the user's sessions; the
 * password is not mailed and the status does not change.
 * 400 validation or password policy; 403 a SUPERVISOR acting on an ADMIN
 * or SUPERVISOR account; 404 "User not found".
 */
static int
users_reset_password(struct req *r)
{
	const char *pw = r->in->v[RESET_PASSWORD].present ? r->in->v[RESET_PASSWORD].s : NULL;
	const char *policy, *params[2];
	char hash[PASS_HASH_SIZE];
	struct pwtoken_user pu;
	struct target t;
	enum pwtoken_purpose purpose;
	int rc;

	if (pw != NULL && (policy = pass_policy_error(pw)) != NULL)
		return fail_policy(r, policy);
	if (pw != NULL && pass_hash(hash, pw) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((rc = target_load(r, NULL, &t)) == -1)
		return tx_fail_db(r);
	if (rc == 1)
		return tx_fail(r, 404, MSG_NOT_FOUND);
	if (r->user->role != ROLE_ADMIN && is_privileged_role(t.role))
		return tx_fail(r, 403, MSG_MANAGE);
	if (pw != NULL) {
		params[0] = t.id;
		params[1] = hash;
		if (db_query(r->db, r->mem, &users_sql[SQL_USERS_SET_PASSWORD], 2, params) ==
			NULL ||
		    session_revoke_user(r->db, t.id, "password_change") == -1 ||
		    audit(r, t.id, "USER_PASSWORD_SET", NULL, NULL) == -1)
			return tx_fail_db(r);
	} else {
		purpose = strcmp(t.status, "INVITED") == 0 ? PWTOKEN_INVITE : PWTOKEN_RESET;
		pu.id = t.id;
		pu.email = t.email;
		pu.full_name = t.full_name;
		if (pwtoken_issue(r->db, r->mem, &pu, purpose, r->user->id) == -1 ||
		    audit(r, t.id, "USER_PASSWORD_RESET_LINK", NULL,
			kv_json(r, "purpose", purpose == PWTOKEN_INVITE ? "INVITE" : "RESET")) ==
			-1)
			return tx_fail_db(r);
	}
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("users", "password %s for user %s by %s", pw != NULL ? "set" : "link issued", t.id,
	    r->user->id);
	return http_no_content(r);
}

/* A calendar day "YYYY-MM-DD" (the absence dates are days, not instants). */
static bool
is_day(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

enum absence_key { AB_FROM, AB_UNTIL, AB__MAX };
static const struct field absence_fields[AB__MAX] = {
	[AB_FROM] = { "absentFrom", FT_STRING, F_REQUIRED | F_NULLABLE, 10, 10, NULL, NULL, NULL,
	    is_day, "Invalid date (YYYY-MM-DD)" },
	[AB_UNTIL] = { "absentUntil", FT_STRING, F_REQUIRED | F_NULLABLE, 10, 10, NULL, NULL, NULL,
	    is_day, "Invalid date (YYYY-MM-DD)" },
};
static const struct field_table absence_in = FIELD_TABLE(absence_fields);

#define MSG_ABSENCE_ORDER "absentUntil must not be before absentFrom"

/* Managers reach anyone's absence, other staff only their own. */
static bool
absence_allowed(const struct req *r)
{
	return (ROLE_BIT(r->user->role) & ROLES_MANAGERS) != 0 || strcmp(r->id, r->user->id) == 0;
}

/*
 * GET /api/users/:id/absence, staff: {id, absentFrom, absentUntil} (the
 * shape PUT answers).  200; 401; 403 someone else's without a manager role;
 * 404 "User not found".
 */
static int
users_absence_get(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if (!absence_allowed(r))
		return http_fail(r, 403, NULL, "Forbidden");
	if ((res = db_query(r->db, r->mem, &users_sql[SQL_USERS_ABSENCE_GET], 1, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * PUT /api/users/:id/absence, staff: the user's absence days (inclusive,
 * Europe/Warsaw; null = open end, both null = present).  A manager sets
 * anyone's, an operator only their own.  Absent operators get no
 * round-robin leads (migration 0028).  Audited USER_ABSENCE_CHANGED.
 * 200 {id, absentFrom, absentUntil}; 400 validation or until before from;
 * 401; 403 someone else's absence without a manager role; 404 "User not found".
 */
static int
users_absence(struct req *r)
{
	const struct value *v = r->in->v;
	const char *from = v[AB_FROM].null ? NULL : v[AB_FROM].s,
		   *until = v[AB_UNTIL].null ? NULL : v[AB_UNTIL].s;
	const char *params[5];
	char id[ID_SIZE];
	PGresult *res;

	if (!absence_allowed(r))
		return http_fail(r, 403, NULL, "Forbidden");
	if (from != NULL && until != NULL && strcmp(until, from) < 0)
		return http_fail(r, 400, NULL, MSG_ABSENCE_ORDER);
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	params[0] = r->id;
	params[1] = from;
	params[2] = until;
	params[3] = id;
	params[4] = r->user->id;
	if ((res = db_query(r->db, r->mem, &users_sql[SQL_USERS_ABSENCE], 5, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	log_info("users", "absence of user %s set by %s", r->id, r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
users_init(struct db *db)
{
	return db_register(db, users_sql, USERS_SQL__MAX) == -1 || pwtoken_init(db) == -1 ? -1 : 0;
}

extern const struct http_app users_app;
static const http_init_fn users_inits[] = { session_init, outbox_init, users_init, NULL };
const struct http_app users_app = {
	"users",
	users_routes,
	sizeof(users_routes) / sizeof(users_routes[0]),
	users_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&users_app);
}
#endif
