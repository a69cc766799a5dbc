/*
 * pwtoken: single-use, hashed, expiring links for setting a password
 * (SR-10): the forgotten-password flow, admin-triggered resets and
 * invitations.  The token is mailed through the outbox; no password is
 * ever sent by e-mail and no status changes as a side effect of issuing.
 */
#ifndef IZZY_PWTOKEN_H
#define IZZY_PWTOKEN_H

struct db;
struct arena;

enum pwtoken_purpose { PWTOKEN_RESET, PWTOKEN_INVITE, PWTOKEN__MAX };

struct pwtoken_user {
	const char *id;
	const char *email;
	const char *full_name;
};

int pwtoken_init(struct db *);
/*
 * Voids the user's earlier unused tokens, stores a new one and queues the
 * e-mail with the link, all inside the caller's transaction.  created_by
 * may be NULL (self-service).  -1 (logged) on failure.
 */
int pwtoken_issue(struct db *, struct arena *, const struct pwtoken_user *, enum pwtoken_purpose,
    const char *created_by);
/*
 * Consumes a token and sets the password hash; an invitation also
 * activates an INVITED account.  Revokes the user's sessions.  Returns 0,
 * 1 when the token is unknown, used or expired, -1 on a database error.
 * Runs its own transaction.
 */
int pwtoken_redeem(struct db *, struct arena *, const char *token, const char *hash);

#endif
