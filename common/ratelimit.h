/*
 * ratelimit: fixed-window failure counters in PostgreSQL (SR-8), shared by
 * all workers and surviving restarts.  Keys name the thing being guarded,
 * e.g. "login:ip:203.0.113.7"; never put personal data in a key (hash it).
 */
#ifndef IZZY_RATELIMIT_H
#define IZZY_RATELIMIT_H

struct db;
struct arena;

int ratelimit_init(struct db *);
/*
 * 1 when key has reached limit within the current window (and *retry_after
 * is the seconds left), 0 when not, -1 on a database error (logged).
 */
int ratelimit_blocked(
    struct db *, struct arena *, const char *key, long limit, long window_s, long *retry_after);
/* Counts one failure; -1 on error. */
int ratelimit_hit(struct db *, struct arena *, const char *key, long window_s);
/* Forgets key (after a success); -1 on error. */
int ratelimit_clear(struct db *, struct arena *, const char *key);

#endif
