/*
 * auth: the /api/auth/ endpoints (spec/api.md §4.2 with its [SEC] fixes).
 * Login answers the reference's body and also sets the session cookie;
 * sessions are revocable (common/session); forgotten passwords go through
 * single-use links (common/pwtoken); failures are rate-limited per account
 * and per IP in PostgreSQL (common/ratelimit).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/db.h"
#include "common/http.h"
#include "common/outbox.h"
#include "common/jwt.h"
#include "common/log.h"
#include "common/pass.h"
#include "common/pwtoken.h"
#include "common/ratelimit.h"
#include "common/role.h"
#include "common/valid.h"

#include "auth.sql.h"

static int auth_login(struct req *);
static int auth_logout(struct req *);
static int auth_me(struct req *);
static int auth_features(struct req *);
static int auth_reset_password(struct req *);
static int auth_set_password(struct req *);

/* Body and query tables are defined below, next to what they validate. */
static const struct field_table login_in;
static const struct field_table reset_in;
static const struct field_table setpw_in;

static const struct route auth_routes[] = {
	/* method     pattern                      handler              roles           body */
	{ HTTP_POST, "/api/auth/login", auth_login, ROLES_PUBLIC, &login_in, NULL },
	{ HTTP_POST, "/api/auth/logout", auth_logout, ROLES_ANY_USER, NULL, NULL },
	{ HTTP_GET, "/api/auth/me", auth_me, ROLES_ANY_USER, NULL, NULL },
	{ HTTP_POST, "/api/auth/reset-password", auth_reset_password, ROLES_PUBLIC, &reset_in,
	    NULL },
	{ HTTP_POST, "/api/auth/set-password", auth_set_password, ROLES_PUBLIC, &setpw_in, NULL },
	{ HTTP_GET, "/api/auth/features", auth_features, ROLES_ANY_USER, NULL, NULL },
};

enum login_key { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__MAX };
static const struct field login_fields[LOGIN__MAX] = {
	[LOGIN_EMAIL] = { "email", FT_EMAIL, F_REQUIRED, 0, 0 },
	/* bcrypt reads 72 bytes; longer input cannot match and is cut off early. */
	[LOGIN_PASSWORD] = { "password", FT_STRING, F_REQUIRED, 8, 200 },
};
static const struct field_table login_in = FIELD_TABLE(login_fields);

enum reset_key { RESET_EMAIL, RESET__MAX };
static const struct field reset_fields[RESET__MAX] = {
	[RESET_EMAIL] = { "email", FT_EMAIL, F_REQUIRED, 0, 0 },
};
static const struct field_table reset_in = FIELD_TABLE(reset_fields);

static bool
is_token(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return n == 64 && s[n] == '\0';
}

enum setpw_key { SETPW_TOKEN, SETPW_PASSWORD, SETPW__MAX };
static const struct field setpw_fields[SETPW__MAX] = {
	[SETPW_TOKEN] = { "token", FT_STRING, F_REQUIRED, 1, 128 },
	[SETPW_PASSWORD] = { "password", FT_STRING, F_REQUIRED, 1, 200 },
};
static const struct field_table setpw_in = FIELD_TABLE(setpw_fields);

#define INVALID_LINK    "Link do ustawienia hasła jest nieprawidłowy lub wygasł."
#define TOO_MANY_LOGINS "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za kilka minut."

/*
 * The address as stored and compared (spec §9 item 26).  The validator only
 * lets ASCII addresses through, so tolower() agrees with SQL lower().
 */
static const char *
lower_email(struct req *r, const char *email)
{
	char *s = arena_strdup(r->mem, email);

	for (char *p = s; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* 429 for a login over a limit, with Retry-After. */
static int
login_throttled(struct req *r, long wait)
{
	char retry[24];

	log_warn("auth", "login throttled for %s", r->remote_addr);
	snprintf(retry, sizeof(retry), "%ld", wait);
	http_header(r, "Retry-After", retry);
	return http_fail(r, 429, "TOO_MANY_ATTEMPTS", TOO_MANY_LOGINS);
}

static cJSON *
user_json(PGresult *res)
{
	cJSON *u = cJSON_CreateObject(), *partner;

	if (u == NULL || cJSON_AddStringToObject(u, "id", PQgetvalue(res, 0, 0)) == NULL ||
	    cJSON_AddStringToObject(u, "email", PQgetvalue(res, 0, 6)) == NULL ||
	    cJSON_AddStringToObject(u, "role", PQgetvalue(res, 0, 3)) == NULL)
		goto oom;
	if (PQgetisnull(res, 0, 4)) {
		if (cJSON_AddNullToObject(u, "partnerId") == NULL ||
		    cJSON_AddNullToObject(u, "partner") == NULL)
			goto oom;
	} else if (cJSON_AddStringToObject(u, "partnerId", PQgetvalue(res, 0, 4)) == NULL ||
	    (partner = cJSON_AddObjectToObject(u, "partner")) == NULL ||
	    cJSON_AddStringToObject(partner, "id", PQgetvalue(res, 0, 4)) == NULL ||
	    cJSON_AddStringToObject(partner, "name", PQgetvalue(res, 0, 5)) == NULL)
		goto oom;
	return u;
oom:
	cJSON_Delete(u);
	return NULL;
}

/*
 * POST /api/auth/login, public.
 * 200 {"token","user":{id,email,role,partnerId,partner}} + session cookie.
 * 400 validation; 401 "Invalid credentials" for an unknown e-mail, an
 * invited account without a password, or a wrong password (same body, one
 * bcrypt run each: pass_verify); 403 "User is not active" (right password);
 * 429 TOO_MANY_ATTEMPTS with Retry-After once the account or the address
 * has used up its attempts in the window (SR-8).  Each attempt is counted
 * before the password is checked, atomically, so parallel guesses cannot all
 * pass the limit; a right password gives its attempt back.
 */
static int
auth_login(struct req *r)
{
	const struct cfg *cfg = cfg_get();
	const char *email = r->in->v[LOGIN_EMAIL].s, *pw = r->in->v[LOGIN_PASSWORD].s;
	const char *lower = lower_email(r, email);
	const char *acct_key = lower != NULL ? ratelimit_key(r->mem, "login-acct", lower) : NULL,
		   *ip_key = ratelimit_key(r->mem, "login-ip", r->remote_addr);
	const char *params[1] = { email };
	char token[JWT_MAX];
	long count, wait;
	struct user u;
	PGresult *res;
	cJSON *out, *user;

	if (acct_key == NULL || ip_key == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (ratelimit_take(r->db, r->mem, acct_key, cfg->login_window_s, &count, &wait) == -1)
		return http_fail_db(r);
	if (count > cfg->login_max_per_account)
		return login_throttled(r, wait);
	if (ratelimit_take(r->db, r->mem, ip_key, cfg->login_window_s, &count, &wait) == -1)
		return http_fail_db(r);
	if (count > cfg->login_max_per_ip)
		return login_throttled(r, wait);
	if ((res = db_query(r->db, r->mem, &auth_sql[SQL_AUTH_USER_BY_EMAIL], 1, params)) == NULL)
		return http_fail_db(r);
	/* One bcrypt run whether or not the account exists or has a password. */
	if (!pass_verify(pw, PQntuples(res) == 1 ? PQgetvalue(res, 0, 1) : NULL)) {
		if (PQntuples(res) == 1)
			log_info("auth", "login failed: wrong password for user %s",
			    PQgetvalue(res, 0, 0));
		else
			log_info("auth", "login failed: unknown account");
		return http_fail(r, 401, NULL, "Invalid credentials");
	}
	/* The right password is not a guess: it does not count against either limit. */
	if (ratelimit_give_back(r->db, r->mem, ip_key) == -1)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 2), "ACTIVE") != 0) {
		log_info("auth", "login refused: user %s is %s", PQgetvalue(res, 0, 0),
		    PQgetvalue(res, 0, 2));
		if (ratelimit_give_back(r->db, r->mem, acct_key) == -1)
			return http_fail_db(r);
		return http_fail(r, 403, NULL, "User is not active");
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), "%s", PQgetvalue(res, 0, 0));
	snprintf(u.email, sizeof(u.email), "%s", PQgetvalue(res, 0, 6));
	snprintf(u.full_name, sizeof(u.full_name), "%s", PQgetvalue(res, 0, 7));
	snprintf(u.partner_id, sizeof(u.partner_id), "%s", PQgetvalue(res, 0, 4));
	if (role_parse(PQgetvalue(res, 0, 3), &u.role) == -1) {
		log_error("auth", "user %s has an unknown role", u.id);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	if (ratelimit_clear(r->db, r->mem, acct_key) == -1 ||
	    session_create(r, &u, token, sizeof(token)) == -1)
		return http_fail_db(r);
	if ((out = cJSON_CreateObject()) == NULL || (user = user_json(res)) == NULL ||
	    cJSON_AddStringToObject(out, "token", token) == NULL ||
	    !cJSON_AddItemToObject(out, "user", user)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	if (session_set_cookie(r, token) == -1) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	explicit_bzero(token, sizeof(token));
	log_info("auth", "login ok user %s", u.id);
	return http_ok(r, out);
}

/* POST /api/auth/logout, any user: revokes this session, clears the cookie. 204. */
static int
auth_logout(struct req *r)
{
	if (session_revoke(r, r->user->session_id, "logout") == -1)
		return http_fail_db(r);
	session_set_cookie(r, NULL);
	log_info("auth", "logout user %s", r->user->id);
	return http_no_content(r);
}

/* GET /api/auth/me, any user: 200 {"user":{...}} as stored now. */
static int
auth_me(struct req *r)
{
	const char *params[1] = { r->user->id };
	PGresult *res = db_query(r->db, r->mem, &auth_sql[SQL_AUTH_ME], 1, params);

	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 401, NULL, "Invalid or expired token");
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/auth/features, any user: 200 {"features":{"analytics":true,...}},
 * every optional feature and whether IZZY_FEATURES has it on (the UI hides
 * what is off; its endpoints answer 404).
 */
static int
auth_features(struct req *r)
{
	cJSON *o = cJSON_CreateObject(),
	      *f = o != NULL ? cJSON_AddObjectToObject(o, "features") : NULL;
	const char *name;

	if (f == NULL) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	for (size_t i = 0; (name = feature_name(i)) != NULL; i++)
		if (cJSON_AddBoolToObject(f, name, feature_enabled(name)) == NULL) {
			cJSON_Delete(o);
			return http_fail(r, 500, NULL, "Internal server error");
		}
	return http_ok(r, o);
}

/*
 * POST /api/auth/reset-password, public: always 204 after validation.
 * For an existing, not deactivated account: a single-use link by e-mail
 * (SR-10), at most 3 per hour per account; nothing else changes.
 */
static int
auth_reset_password(struct req *r)
{
	const char *email = r->in->v[RESET_EMAIL].s;
	const char *params[1] = { email };
	const char *lower = lower_email(r, email);
	const char *key = lower != NULL ? ratelimit_key(r->mem, "reset", lower) : NULL;
	struct pwtoken_user u;
	PGresult *res;
	long count, wait;

	if (key == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (ratelimit_take(r->db, r->mem, key, 3600, &count, &wait) == -1)
		return http_fail_db(r);
	if (count > 3) {
		log_warn("auth", "reset throttled");
		return http_no_content(r);
	}
	if ((res = db_query(r->db, r->mem, &auth_sql[SQL_AUTH_USER_BY_EMAIL], 1, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 2), "INACTIVE") == 0) {
		log_info("auth", "reset requested for an unknown or inactive account");
		return http_no_content(r);
	}
	u.id = PQgetvalue(res, 0, 0);
	u.email = PQgetvalue(res, 0, 6);
	u.full_name = PQgetvalue(res, 0, 7);
	if (db_begin(r->db) == -1 ||
	    pwtoken_issue(r->db, r->mem, &u,
		strcmp(PQgetvalue(res, 0, 2), "INVITED") == 0 ? PWTOKEN_INVITE : PWTOKEN_RESET,
		NULL) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	return http_no_content(r);
}

/*
 * POST /api/auth/set-password, public: {token, password} from the e-mailed
 * link.  204 on success (the token is spent, all sessions end, an invited
 * account becomes active); 400 with an issue on ["password"] when the
 * policy fails; 400 INVALID_TOKEN when the link is malformed, unknown, used
 * or expired.
 */
static int
auth_set_password(struct req *r)
{
	const char *pw = r->in->v[SETPW_PASSWORD].s, *policy;
	char hash[PASS_HASH_SIZE];
	int rc;

	/* A mangled link is just an invalid link to the user. */
	if (!is_token(r->in->v[SETPW_TOKEN].s))
		return http_fail(r, 400, "INVALID_TOKEN", INVALID_LINK);
	if ((policy = pass_policy_error(pw)) != NULL) {
		return http_fail_field(r, "password", policy);
	}
	if (pass_hash(hash, pw) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	rc = pwtoken_redeem(r->db, r->mem, r->in->v[SETPW_TOKEN].s, hash);
	if (rc == -1)
		return http_fail_db(r);
	if (rc == 1)
		return http_fail(r, 400, "INVALID_TOKEN", INVALID_LINK);
	return http_no_content(r);
}

static int
auth_init(struct db *db)
{
	return db_register(db, auth_sql, AUTH_SQL__MAX) == -1 || pwtoken_init(db) == -1 ? -1 : 0;
}

extern const struct http_app auth_app;
static const http_init_fn auth_inits[] = { session_init, ratelimit_init, outbox_init, auth_init,
	NULL };
const struct http_app auth_app = {
	"auth",
	auth_routes,
	sizeof(auth_routes) / sizeof(auth_routes[0]),
	auth_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&auth_app);
}
#endif
