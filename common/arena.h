/*
 * arena: request-lifetime memory.  Everything allocated from an arena is
 * released by one arena_reset() after the response is emitted.  Foreign
 * objects (PGresult, cJSON, OpenSSL) are not arena memory: register their
 * destructor with arena_defer() so the reset frees them too.
 *
 * With ARENA_DEBUG (--enable-debug-arena, implied by --enable-sanitizers)
 * each allocation is its own malloc, so ASan sees overflows and
 * use-after-reset.
 */
#ifndef IZZY_ARENA_H
#define IZZY_ARENA_H

#include <stddef.h>

struct arena;

/* A new arena capped at cap bytes; NULL (logged) if out of memory. */
struct arena *arena_new(size_t cap);
/* Frees everything, including the arena itself. NULL is a no-op. */
void arena_free(struct arena *);
/* Runs the deferred destructors (newest first) and releases all memory. */
void arena_reset(struct arena *);

/*
 * Zeroed memory aligned for any type; NULL (logged once) when the cap would
 * be exceeded or malloc fails.
 */
void *arena_alloc(struct arena *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_printf(struct arena *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Calls fn(p) at the next reset; -1 if out of memory (fn(p) is then called now). */
int arena_defer(struct arena *, void (*fn)(void *), void *p);
/* Bytes handed out since the last reset (for tests and limits). */
size_t arena_used(const struct arena *);

#endif
