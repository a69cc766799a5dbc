/*
 * ratelimit: fixed-window attempt counters in PostgreSQL (SR-8), shared by
 * all workers and surviving restarts.  A counter is named by a kind (what is
 * guarded, e.g. "login-acct") and a value (whose attempts, e.g. an e-mail
 * address or a client address).  The value is never stored: the row's key is
 * "kind:" + HMAC-SHA256(JWT_SECRET, value) in hex, so the table holds no
 * personal data and a dump alone does not tell which addresses were tried.
 */
#ifndef IZZY_RATELIMIT_H
#define IZZY_RATELIMIT_H

struct db;
struct arena;

int ratelimit_init(struct db *);
/*
 * The stored key for kind and value, in mem; NULL (logged) on failure.
 * Exposed for tests and for callers that pass it to more than one call.
 */
const char *ratelimit_key(struct arena *mem, const char *kind, const char *value);
/*
 * Counts one attempt against key within its window of window_s seconds, in
 * one atomic statement, and returns in *count the attempts of the window so
 * far (this one included) and in *retry_after the seconds until the window
 * ends.  Concurrent callers get distinct counts, so "count > limit" refuses
 * exactly the attempts over the limit.  -1 on a database error (logged).
 */
int ratelimit_take(
    struct db *, struct arena *, const char *key, long window_s, long *count, long *retry_after);
/* Gives one counted attempt back (it turned out to be legitimate); -1 on error. */
int ratelimit_give_back(struct db *, struct arena *, const char *key);
/* Forgets key (after a success); -1 on error. */
int ratelimit_clear(struct db *, struct arena *, const char *key);

#endif
