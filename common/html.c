#include "config.h"
#include "html.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arena.h"

/* The entity of c, or NULL when c stands for itself. */
static const char *
entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/*
 * Two passes: the exact length first, so one allocation fits and no string
 * is cut.  Bytes other than the five are copied as they are (UTF-8 stays).
 */
static char *
escape(struct arena *mem, const char *s, bool lines)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p != '\0'; p++) {
		const char *e = entity(*p);
		if (lines && (*p == '\r' || *p == '\n')) {
			if (*p == '\r' && p[1] == '\n')
				p++;
			n += 4;
		} else
			n += e != NULL ? strlen(e) : 1;
	}
	if ((out = arena_alloc(mem, n + 1)) == NULL)
		return NULL;
	o = out;
	for (const char *p = s; *p != '\0'; p++) {
		const char *e = entity(*p);
		if (lines && (*p == '\r' || *p == '\n')) {
			if (*p == '\r' && p[1] == '\n')
				p++;
			memcpy(o, "<br>", 4);
			o += 4;
		} else if (e != NULL) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *
html_escape(struct arena *mem, const char *s)
{
	return escape(mem, s, false);
}

char *
html_escape_lines(struct arena *mem, const char *s)
{
	return escape(mem, s, true);
}
