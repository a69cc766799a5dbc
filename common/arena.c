#include "config.h"
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ARENA_ALIGN 16
/* Blocks are this big unless one allocation needs more. */
#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	/* Aligned so that every allocation is aligned for any type. */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	size_t cap, used;
	struct arena_block *blocks;
	struct arena_defer *defers;
};

struct arena *
arena_new(size_t cap)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		log_error("arena", "calloc: out of memory");
		return NULL;
	}
	a->cap = cap;
	return a;
}

void
arena_reset(struct arena *a)
{
	struct arena_defer *d;
	struct arena_block *b;

	if (a == NULL)
		return;
	/* Destructors first: they may still read arena memory. */
	while ((d = a->defers) != NULL) {
		a->defers = d->next;
		d->fn(d->p);
#ifdef ARENA_DEBUG
		free(d);
#endif
	}
	while ((b = a->blocks) != NULL) {
		a->blocks = b->next;
		free(b);
	}
	a->used = 0;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a);
}

static void *
arena_raw(struct arena *a, size_t n)
{
	struct arena_block *b;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (need < n || a->used + need > a->cap || a->used + need < a->used) {
		log_error("arena", "request memory cap of %zu bytes exceeded", a->cap);
		return NULL;
	}
#ifdef ARENA_DEBUG
	b = malloc(sizeof(*b) + n);
	if (b == NULL) {
		log_error("arena", "malloc(%zu): out of memory", n);
		return NULL;
	}
	b->size = b->used = n;
	b->next = a->blocks;
	a->blocks = b;
	a->used += need;
	memset(b->data, 0, n);
	return b->data;
#else
	b = a->blocks;
	if (b == NULL || b->size - b->used < need) {
		size_t sz = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		b = malloc(sizeof(*b) + sz);
		if (b == NULL) {
			log_error("arena", "malloc(%zu): out of memory", sz);
			return NULL;
		}
		b->size = sz;
		b->used = 0;
		b->next = a->blocks;
		a->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += need;
	a->used += need;
	memset(p, 0, n);
	return p;
#endif
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_raw(a, n == 0 ? 1 : n);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	if ((p = arena_raw(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((p = arena_raw(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	return p;
}

int
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct arena_defer *d;

#ifdef ARENA_DEBUG
	d = malloc(sizeof(*d));
#else
	d = arena_raw(a, sizeof(*d));
#endif
	if (d == NULL) {
		fn(p);
		return -1;
	}
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
