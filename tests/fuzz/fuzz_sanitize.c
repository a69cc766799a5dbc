/*
 * fuzz_sanitize: the consent-text HTML allow-list (common/sanitize.c) on
 * hostile markup.  Besides the sanitizers, the oracles are its promises:
 * every tag that comes out is an allow-listed one (with at most the href and
 * rel of a link), and sanitising the output again changes nothing.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const allowed[] = { "a>", "a href=\"", "b>", "blockquote>", "br>", "em>", "h3>",
	"h4>", "i>", "li>", "ol>", "p>", "strong>", "u>", "ul>" };

static bool
tag_ok(const char *p)
{
	const char *q = p + 1 + (p[1] == '/');

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strncmp(q, allowed[i], strlen(allowed[i])) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(64u * 1024 * 1024);
	char *in, *once, *twice;

	if (a == NULL || (in = arena_strndup(a, (const char *)data, size)) == NULL) {
		arena_free(a);
		return 0;
	}
	if ((once = sanitize_html(a, in)) != NULL) {
		for (const char *p = once; (p = strchr(p, '<')) != NULL; p++)
			if (!tag_ok(p))
				abort();
		if ((twice = sanitize_html(a, once)) != NULL && strcmp(once, twice) != 0)
			abort();
	}
	arena_free(a);
	return 0;
}
