/*
 * respcache: answers kept in a program's own memory (respcache.h).
 * The slots are searched linearly: a program keeps a few dozen at most, and a
 * string compare per slot costs nothing next to the query it saves.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "respcache.h"

static struct respcache_slot *
find(struct respcache *c, const char *key)
{
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slot[i].key != NULL && strcmp(c->slot[i].key, key) == 0)
			return &c->slot[i];
	return NULL;
}

static void
clear(struct respcache_slot *s)
{
	free(s->key);
	free(s->body);
	free(s->tag);
	*s = (struct respcache_slot){ 0 };
}

const struct respcache_slot *
respcache_get(struct respcache *c, const char *key, int64_t now)
{
	const struct respcache_slot *s = find(c, key);

	return s != NULL && s->expires > now ? s : NULL;
}

void
respcache_put(
    struct respcache *c, const char *key, const char *body, const char *tag, int64_t expires)
{
	struct respcache_slot *s = find(c, key);
	char *k = strdup(key), *b = strdup(body), *t = tag != NULL ? strdup(tag) : NULL;

	if (k == NULL || b == NULL || (tag != NULL && t == NULL)) {
		free(k);
		free(b);
		free(t);
		log_warn(c->name, "out of memory: answer not cached");
		return;
	}
	if (s == NULL) {
		s = &c->slot[c->next];
		c->next = (c->next + 1) % c->nslots;
	}
	clear(s);
	s->key = k;
	s->body = b;
	s->tag = t;
	s->expires = expires;
}

void
respcache_drop(struct respcache *c, const char *key)
{
	struct respcache_slot *s = find(c, key);

	if (s != NULL)
		clear(s);
}

void
respcache_free(struct respcache *c)
{
	for (size_t i = 0; i < c->nslots; i++)
		clear(&c->slot[i]);
	c->next = 0;
}
