#include "config.h"
#include "sanitize.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"

/* Nesting deeper than this is not a consent text; deeper tags are dropped. */
#define SAN_DEPTH 32
#define SAN_NAME  16

static const char *const keep_tags[] = { "a", "b", "blockquote", "br", "em", "h3", "h4", "i", "li",
	"ol", "p", "strong", "u", "ul" };
static const char *const drop_tags[] = { "script", "style", "iframe", "object", "embed", "noscript",
	"template", "textarea", "select", "svg", "math", "title", "head" };
static const char *const schemes[] = { "http://", "https://", "mailto:" };

struct out {
	char *p, *end;
	const char *open[SAN_DEPTH]; /* allow-listed tags not yet closed */
	size_t depth;
};

static bool
in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

static const char *
kept(const char *name)
{
	for (size_t i = 0; i < sizeof(keep_tags) / sizeof(keep_tags[0]); i++)
		if (strcmp(name, keep_tags[i]) == 0)
			return keep_tags[i];
	return NULL;
}

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	/* The buffer is sized for the worst case (sanitize_html), so this never cuts. */
	if ((size_t)(o->end - o->p) > n) {
		memcpy(o->p, s, n);
		o->p += n;
	}
}

static void
putc_(struct out *o, char c)
{
	if (o->p < o->end - 1)
		*o->p++ = c;
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Length of a well-formed entity at s ("&amp;", "&#39;", "&#x2F;"), 0 if none. */
static size_t
entity_len(const char *s)
{
	size_t i = 1, n = 0;

	if (s[i] == '#') {
		i++;
		if (s[i] == 'x' || s[i] == 'X') {
			i++;
			while (n < 6 &&
			    ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
				(s[i] >= 'A' && s[i] <= 'F')))
				i++, n++;
		} else
			while (n < 7 && s[i] >= '0' && s[i] <= '9')
				i++, n++;
	} else
		while (n < 31 && is_alnum(s[i]))
			i++, n++;
	return n > 0 && s[i] == ';' ? i + 1 : 0;
}

/* Text or an attribute value: entities kept, everything that could open markup escaped. */
static void
put_text(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t e;

		switch (s[i]) {
		case '&':
			if ((e = entity_len(s + i)) > 0 && i + e <= len) {
				for (size_t k = 0; k < e; k++)
					putc_(o, s[i + k]);
				i += e - 1;
			} else
				put(o, "&amp;");
			break;
		case '<':
			put(o, "&lt;");
			break;
		case '>':
			put(o, "&gt;");
			break;
		case '"':
			put(o, "&quot;");
			break;
		default:
			putc_(o, s[i]);
		}
	}
}

static bool
safe_href(const char *v, size_t len)
{
	while (len > 0 && is_space(*v))
		v++, len--;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);
		if (len > n && strncasecmp(v, schemes[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * Parses the attributes of a tag from p up to its '>'.  Returns the position
 * after the tag, or NULL when the input ends inside it.  *href and *hlen get the
 * value of an "href" attribute, if any.
 */
static const char *
attributes(const char *p, const char **href, size_t *hlen)
{
	*href = NULL;
	*hlen = 0;
	for (;;) {
		const char *name, *val = NULL;
		size_t nlen, vlen = 0;

		while (is_space(*p) || *p == '/')
			p++;
		if (*p == '\0')
			return NULL;
		if (*p == '>')
			return p + 1;
		name = p;
		while (*p != '\0' && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
			p++;
		nlen = (size_t)(p - name);
		while (is_space(*p))
			p++;
		if (*p == '=') {
			p++;
			while (is_space(*p))
				p++;
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				val = p;
				while (*p != '\0' && *p != q)
					p++;
				if (*p == '\0')
					return NULL;
				vlen = (size_t)(p - val);
				p++;
			} else {
				val = p;
				while (*p != '\0' && !is_space(*p) && *p != '>')
					p++;
				vlen = (size_t)(p - val);
			}
		}
		if (nlen == 4 && strncasecmp(name, "href", 4) == 0 && val != NULL) {
			*href = val;
			*hlen = vlen;
		}
	}
}

/* Skips to after the closing tag of name (case-insensitive), or to the end. */
static const char *
skip_element(const char *p, const char *name)
{
	size_t n = strlen(name);

	for (; *p != '\0'; p++)
		if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0 &&
		    !is_alnum(p[2 + n])) {
			const char *gt = strchr(p, '>');
			return gt != NULL ? gt + 1 : p + strlen(p);
		}
	return p;
}

static void
open_tag(struct out *o, const char *tag, const char *href, size_t hlen)
{
	if (strcmp(tag, "br") == 0) {
		put(o, "<br>");
		return;
	}
	if (o->depth == SAN_DEPTH)
		return;
	o->open[o->depth++] = tag;
	putc_(o, '<');
	put(o, tag);
	if (strcmp(tag, "a") == 0 && href != NULL && safe_href(href, hlen)) {
		put(o, " href=\"");
		while (hlen > 0 && is_space(*href))
			href++, hlen--;
		put_text(o, href, hlen);
		put(o, "\" rel=\"noopener noreferrer nofollow\"");
	}
	putc_(o, '>');
}

static void
close_tag(struct out *o, const char *tag)
{
	size_t i = o->depth;

	while (i > 0 && o->open[i - 1] != tag)
		i--;
	if (i == 0)
		return; /* not open: a stray closing tag */
	while (o->depth >= i) {
		put(o, "</");
		put(o, o->open[--o->depth]);
		putc_(o, '>');
	}
}

/* Handles the markup at p ('<'); returns where the text goes on. */
static const char *
markup(struct out *o, const char *p)
{
	char name[SAN_NAME];
	const char *href, *after, *tag;
	size_t n = 0, hlen;
	bool closing = p[1] == '/';
	const char *q = p + (closing ? 2 : 1);

	if (strncmp(p, "<!--", 4) == 0) {
		const char *end = strstr(p + 4, "-->");
		return end != NULL ? end + 3 : p + strlen(p);
	}
	if (p[1] == '!' || p[1] == '?') {
		const char *end = strchr(p, '>');
		return end != NULL ? end + 1 : p + strlen(p);
	}
	if (!is_alpha(*q)) {
		put(o, "&lt;");
		return p + 1;
	}
	while (is_alnum(*q)) {
		if (n < sizeof(name) - 1)
			name[n++] = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
		q++;
	}
	name[n] = '\0';
	if ((after = attributes(q, &href, &hlen)) == NULL)
		return p + strlen(p); /* cut inside a tag: nothing of it is kept */
	if (!closing && in_list(name, drop_tags, sizeof(drop_tags) / sizeof(drop_tags[0])))
		return skip_element(after, name);
	if ((tag = kept(name)) != NULL) {
		if (closing)
			close_tag(o, tag);
		else
			open_tag(o, tag, href, hlen);
	}
	return after;
}

char *
sanitize_html(struct arena *mem, const char *html)
{
	size_t len = strlen(html), cap;
	struct out o = { 0 };
	char *buf;
	const char *p = html;

	/*
	 * Worst case: every byte becomes "&quot;" (6), an "<a>" of three bytes
	 * gains href quoting and the rel attribute (about 40), and the closing
	 * tags added at the end; 16 per byte plus room for the closers covers it.
	 */
	if (len > (SIZE_MAX - 1024) / 16)
		return NULL;
	cap = len * 16 + SAN_DEPTH * 16 + 1;
	if ((buf = arena_alloc(mem, cap)) == NULL)
		return NULL;
	o.p = buf;
	o.end = buf + cap;
	while (*p != '\0') {
		if (*p == '<') {
			p = markup(&o, p);
			continue;
		}
		const char *start = p;
		while (*p != '\0' && *p != '<')
			p++;
		put_text(&o, start, (size_t)(p - start));
	}
	while (o.depth > 0) {
		put(&o, "</");
		put(&o, o.open[--o.depth]);
		putc_(&o, '>');
	}
	*o.p = '\0';
	return buf;
}
