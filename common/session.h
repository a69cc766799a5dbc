/*
 * session: revocable login sessions (ARCHITECTURE.md §4, SR-9).  The JWT
 * carries a random session secret ("sid"); the "Session" table stores its
 * SHA-256.  Every authenticated request re-reads the user's role and status
 * and the session's idle (30 min) and absolute (12 h) limits in one query.
 */
#ifndef IZZY_SESSION_H
#define IZZY_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "id.h"
#include "role.h"

struct req;
struct db;

/* The browser's cookie; HttpOnly, SameSite=Strict, Secure outside development. */
#define SESSION_COOKIE "izzy_session"
/* The start of every partner API key. */
#define SESSION_APIKEY_PREFIX "izk_"

/* Values that do not fit fail the request (500), never truncate. */
struct user {
	char id[64];
	char email[256];
	char full_name[1024]; /* 200 characters of UTF-8 */
	enum role role;
	char partner_id[64]; /* "" when the user has no partner */
	char session_id[64]; /* "Session".id of this login */
	/*
	 * A partner API key's principal (Authorization: Bearer izk_...): the
	 * key's id, and its scopes as route flags (role.h ROLES_APIKEY_*).
	 * Such a user has role PARTNER and the key's partner_id; id is the
	 * user who created the key (the acting user of what the key writes);
	 * session_id is "".  api_key_id is "" for a login session.
	 */
	char api_key_id[64];
	unsigned api_scopes;
};

/* Registers the session (and rate limit) statements with db; -1 on failure. */
int session_init(struct db *);

/* What session_authenticate found; http.c turns it into the response. */
enum session_outcome {
	SESSION_OK,          /* r->user is set */
	SESSION_MISSING,     /* 401 "Missing authorization header" */
	SESSION_INVALID,     /* 401 "Invalid or expired token" */
	SESSION_UNAVAILABLE, /* database error: http_fail_db() */
	SESSION_ERROR,       /* logged; 500 */
	SESSION_THROTTLED,   /* an API key over its rate: 429, Retry-After is set */
};

/*
 * Resolves the request's credentials (Authorization: Bearer, else the
 * cookie) into r->user.  Writes no response, except the Retry-After header
 * of SESSION_THROTTLED.  A bearer token starting "izk_" is a partner API key
 * (migration 0029): SHA-256 looked up, each use recorded, counted against
 * the key's rateLimitPerMinute (common/ratelimit, kind "apikey").
 */
enum session_outcome session_authenticate(struct req *);
/*
 * True when the request's credential is the session cookie (no
 * Authorization header, a non-empty cookie): the case CSRF rules apply to.
 */
bool session_by_cookie(struct req *);

/*
 * Starts a session for user u: inserts the row and writes the signed JWT
 * into token (tokensz >= JWT_MAX).  -1 (logged) on failure.
 */
int session_create(struct req *, const struct user *u, char *token, size_t tokensz);
/* Sets the Set-Cookie header carrying token, or clearing it when NULL. */
int session_set_cookie(struct req *, const char *token);
/* Revokes one session (logout). */
int session_revoke(struct req *, const char *session_id, const char *reason);
/* Revokes every live session of a user (deactivation, role or password change). */
int session_revoke_user(struct db *, const char *user_id, const char *reason);

#endif
