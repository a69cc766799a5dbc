/*
 * respcache: answers kept in a program's own memory between requests.
 *
 * A cache is a fixed set of slots (the caller's static array), each a key, the answer's body, a tag the
 * caller uses to tell whether the answer still holds (analytics: none, the
 * expiry is the rule; the board: the snapshot it was built in, schema 0037)
 * and an expiry in seconds since the epoch.  Slots are reused round-robin.
 * Strings are copied with malloc and live until replaced or respcache_free().
 * Best effort: out of memory only means the answer is not kept.
 */
#ifndef IZZY_RESPCACHE_H
#define IZZY_RESPCACHE_H

#include <stddef.h>
#include <stdint.h>

struct respcache_slot {
	char *key;
	char *body;
	char *tag; /* NULL: none */
	int64_t expires;
};

struct respcache {
	const char *name; /* the log tag */
	struct respcache_slot *slot;
	size_t nslots;
	size_t next;
};
/* static struct respcache c = RESPCACHE("tag", slots); with slots an array */
#define RESPCACHE(tag, slots)                                                                      \
	{                                                                                          \
		(tag), (slots), sizeof(slots) / sizeof((slots)[0]), 0                              \
	}

/* The live slot of key at time now, or NULL. */
const struct respcache_slot *respcache_get(struct respcache *, const char *key, int64_t now);
/* Keeps body (and tag, may be NULL) under key until expires, replacing key's slot. */
void respcache_put(
    struct respcache *, const char *key, const char *body, const char *tag, int64_t expires);
/* Forgets key (an answer found stale). */
void respcache_drop(struct respcache *, const char *key);
void respcache_free(struct respcache *);

#endif
