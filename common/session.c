#include "config.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cfg.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "jwt.h"
#include "log.h"
#include "ratelimit.h"

#include "session.sql.h"

int
session_init(struct db *db)
{
	return ratelimit_init(db) == -1 ? -1 : db_register(db, session_sql, SESSION_SQL__MAX);
}

/* The token from "Authorization: Bearer x" (exact prefix, spec §2.3) or the cookie. */
static const char *
session_token(struct req *r, bool *header_bad)
{
	*header_bad = false;
	if (r->authorization != NULL) {
		if (strncmp(r->authorization, "Bearer ", 7) != 0) {
			*header_bad = true;
			return NULL;
		}
		/* The token is the second space-separated part. */
		const char *t = r->authorization + 7;
		size_t n = strcspn(t, " ");
		return arena_strndup(r->mem, t, n);
	}
	return http_cookie(r, SESSION_COOKIE);
}

static void
copy(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src != NULL ? src : "");
}

/* Copies a column that must fit whole: a cut id would widen or shift a SQL scope. */
static bool
copy_whole(char *dst, size_t dstsz, PGresult *res, int col)
{
	const char *v = PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col);
	size_t n = strlen(v);

	if (n >= dstsz)
		return false;
	memcpy(dst, v, n + 1);
	return true;
}

bool
session_by_cookie(struct req *r)
{
	const char *c;

	return r->authorization == NULL && (c = http_cookie(r, SESSION_COOKIE)) != NULL &&
	    *c != '\0';
}

/* Scope names of "PartnerApiKey".scopes and the route flags they open. */
static unsigned
apikey_scopes(const char *list)
{
	unsigned bits = 0;

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, " ");
		if (n == strlen("leads:create") && strncmp(p, "leads:create", n) == 0)
			bits |= ROLES_APIKEY_CREATE;
		else if (n == strlen("leads:read") && strncmp(p, "leads:read", n) == 0)
			bits |= ROLES_APIKEY_READ;
		p += n;
		p += strspn(p, " ");
	}
	return bits;
}

/*
 * A partner API key: the partner-scoped principal of session.h, one audited
 * use, and the key's per-minute rate (429 beyond, the use still recorded).
 */
static enum session_outcome
apikey_authenticate(struct req *r, const char *tok)
{
	char hash[CRYPTO_SHA256_HEX], retry[24];
	const char *params[4], *key;
	struct user *u = &r->user_buf;
	long limit, count, wait;
	PGresult *res;

	crypto_sha256_hex(hash, tok, strlen(tok));
	params[0] = hash;
	params[1] = route_method_name(r->method);
	params[2] = r->route != NULL ? r->route->pattern : "";
	params[3] = r->remote_addr != NULL ? r->remote_addr : "";
	if ((res = db_query(r->db, r->mem, &session_sql[SQL_SESSION_APIKEY_LOOKUP], 4, params)) ==
	    NULL)
		return SESSION_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		log_info("session", "API key not live");
		return SESSION_INVALID;
	}
	memset(u, 0, sizeof(*u));
	if (!copy_whole(u->api_key_id, sizeof(u->api_key_id), res, 0) ||
	    !copy_whole(u->partner_id, sizeof(u->partner_id), res, 1) ||
	    !copy_whole(u->id, sizeof(u->id), res, 2) ||
	    !copy_whole(u->full_name, sizeof(u->full_name), res, 3)) {
		log_error(
		    "session", "API key %.64s: a stored value is too long", PQgetvalue(res, 0, 0));
		return SESSION_ERROR;
	}
	u->role = ROLE_PARTNER;
	u->api_scopes = apikey_scopes(PQgetvalue(res, 0, 5));
	limit = strtol(PQgetvalue(res, 0, 4), NULL, 10);
	if ((key = ratelimit_key(r->mem, "apikey", u->api_key_id)) == NULL)
		return SESSION_ERROR;
	if (ratelimit_take(r->db, r->mem, key, 60, &count, &wait) == -1)
		return SESSION_UNAVAILABLE;
	if (count > limit) {
		log_warn("session", "API key %s over its rate (%ld/min)", u->api_key_id, limit);
		snprintf(retry, sizeof(retry), "%ld", wait);
		if (http_header(r, "Retry-After", retry) == -1)
			return SESSION_ERROR;
		return SESSION_THROTTLED;
	}
	r->user = u;
	return SESSION_OK;
}

enum session_outcome
session_authenticate(struct req *r)
{
	const struct cfg *cfg = cfg_get();
	struct jwt_claims c;
	enum jwt_err e;
	const char *tok, *params[2];
	char hash[CRYPTO_SHA256_HEX], idle[24];
	struct user *u = &r->user_buf;
	PGresult *res;
	bool header_bad;

	if ((tok = session_token(r, &header_bad)) == NULL || *tok == '\0')
		return SESSION_MISSING;
	if (r->authorization != NULL &&
	    strncmp(tok, SESSION_APIKEY_PREFIX, strlen(SESSION_APIKEY_PREFIX)) == 0)
		return apikey_authenticate(r, tok);
	e = jwt_verify(tok, cfg->jwt_secret, strlen(cfg->jwt_secret), r->now, &c);
	if (e != JWT_OK || c.sid[0] == '\0') {
		log_info("session", "token rejected: %s",
		    e != JWT_OK ? jwt_strerror(e) : "no session id");
		return SESSION_INVALID;
	}
	crypto_sha256_hex(hash, c.sid, strlen(c.sid));
	snprintf(idle, sizeof(idle), "%ld", cfg->session_idle_s);
	params[0] = hash;
	params[1] = idle;
	if ((res = db_query(r->db, r->mem, &session_sql[SQL_SESSION_LOOKUP], 2, params)) == NULL)
		return SESSION_UNAVAILABLE;
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), c.sub) != 0) {
		log_info("session", "session not live for user %s", c.sub);
		return SESSION_INVALID;
	}
	memset(u, 0, sizeof(*u));
	if (!copy_whole(u->session_id, sizeof(u->session_id), res, 0) ||
	    !copy_whole(u->id, sizeof(u->id), res, 1) ||
	    !copy_whole(u->email, sizeof(u->email), res, 2) ||
	    !copy_whole(u->full_name, sizeof(u->full_name), res, 3) ||
	    !copy_whole(u->partner_id, sizeof(u->partner_id), res, 5)) {
		log_error("session", "user %.64s: a stored value is too long for the session",
		    PQgetvalue(res, 0, 1));
		return SESSION_ERROR;
	}
	if (role_parse(PQgetvalue(res, 0, 4), &u->role) == -1) {
		log_error("session", "user %s has unknown role", u->id);
		return SESSION_ERROR;
	}
	r->user = u;
	return SESSION_OK;
}

int
session_create(struct req *r, const struct user *u, char *token, size_t tokensz)
{
	const struct cfg *cfg = cfg_get();
	char sid[65], hash[CRYPTO_SHA256_HEX], id[ID_SIZE], life[24];
	const char *params[6];
	struct jwt_claims c;
	long lifetime;

	/* The JWT never outlives the session's absolute limit. */
	lifetime =
	    cfg->jwt_expires_s < cfg->session_max_s ? cfg->jwt_expires_s : cfg->session_max_s;
	if (crypto_token_hex(sid, 32) == -1 || id_new(id) == -1)
		return -1;
	crypto_sha256_hex(hash, sid, strlen(sid));
	snprintf(life, sizeof(life), "%ld", lifetime);
	params[0] = id;
	params[1] = u->id;
	params[2] = hash;
	params[3] = life;
	params[4] = r->remote_addr;
	params[5] = r->user_agent;
	if (db_query(r->db, r->mem, &session_sql[SQL_SESSION_INSERT], 6, params) == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	copy(c.sub, sizeof(c.sub), u->id);
	copy(c.email, sizeof(c.email), u->email);
	copy(c.role, sizeof(c.role), role_name(u->role));
	copy(c.partner_id, sizeof(c.partner_id), u->partner_id);
	copy(c.sid, sizeof(c.sid), sid);
	c.iat = r->now;
	c.exp = r->now + lifetime;
	if (jwt_sign(token, tokensz, &c, cfg->jwt_secret, strlen(cfg->jwt_secret)) == -1)
		return -1;
	explicit_bzero(sid, sizeof(sid));
	return 0;
}

int
session_set_cookie(struct req *r, const char *token)
{
	const struct cfg *cfg = cfg_get();
	const char *v;

	if (token != NULL)
		v = arena_printf(r->mem, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		    SESSION_COOKIE, token, cfg->session_max_s,
		    cfg->cookie_secure ? "; Secure" : "");
	else
		v = arena_printf(r->mem, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		    SESSION_COOKIE, cfg->cookie_secure ? "; Secure" : "");
	if (v == NULL)
		return -1;
	return http_header(r, "Set-Cookie", v);
}

int
session_revoke(struct req *r, const char *session_id, const char *reason)
{
	const char *params[2] = { session_id, reason };

	return db_query(r->db, r->mem, &session_sql[SQL_SESSION_REVOKE_ONE], 2, params) == NULL ? -1
												: 0;
}

int
session_revoke_user(struct db *db, const char *user_id, const char *reason)
{
	const char *params[2] = { user_id, reason };
	PGresult *res = db_run(db, &session_sql[SQL_SESSION_REVOKE_USER], 2, params);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}
