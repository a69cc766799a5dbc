#include "config.h"
#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "log.h"

enum mp_state {
	MP_PREAMBLE, /* before the first delimiter: skipped */
	MP_TAIL,     /* after a delimiter: "--" or padding, then CRLF */
	MP_HEADERS,  /* part header lines up to the empty one */
	MP_BODY,     /* part content up to the next delimiter */
	MP_EPILOGUE, /* after the close delimiter: skipped */
	MP_FAILED
};

enum mp_tail { TAIL_START, TAIL_DASH, TAIL_PAD, TAIL_CR };

struct multipart {
	enum mp_state state;
	enum multipart_err err;
	struct multipart_cb cb;
	/* "\r\n--" boundary */
	char delim[4 + MULTIPART_BOUNDARY_MAX + 1];
	size_t dlen;
	size_t k; /* bytes of delim matched so far */
	enum mp_tail tail;
	char line[MULTIPART_LINE_MAX + 1];
	size_t llen;
	bool cr; /* the header line's CR was seen */
	int nheaders;
	bool disposition;
	struct multipart_part part;
};

/* RFC 2046 bchars: DIGIT / ALPHA / "'()+_,-./:=?" and space (not last). */
static bool
bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    strchr("'()+_,-./:=? ", c) != NULL;
}

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Reads one parameter value at p (a token, or a quoted-string in which a
 * backslash escapes only '"' and itself, as browsers send it) into out.
 * Returns the position after it, or NULL if malformed or too long.
 */
static const char *
param_value(const char *p, char *out, size_t outsz)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return NULL;
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			if (n + 1 >= outsz)
				return NULL;
			out[n++] = *p;
		}
		p++;
	} else {
		for (; *p != '\0' && *p != ';' && *p != ' ' && *p != '\t'; p++) {
			if (n + 1 >= outsz)
				return NULL;
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return p;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 5987 ext-value "UTF-8'lang'pct-encoded" into out; -1 if not UTF-8 or bad. */
static int
ext_value(const char *v, char *out, size_t outsz)
{
	const char *q;
	size_t n = 0;

	if (strncasecmp(v, "UTF-8'", 6) != 0 || (q = strchr(v + 6, '\'')) == NULL)
		return -1;
	for (q++; *q != '\0'; q++) {
		int c = (unsigned char)*q;
		if (c == '%') {
			int hi = hexval(q[1]), lo = hi >= 0 ? hexval(q[2]) : -1;
			if (lo < 0)
				return -1;
			c = hi * 16 + lo;
			q += 2;
		}
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

/* Copies a file name, cut (at a UTF-8 character boundary) to fit. */
static void
copy_name(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (n >= sz) {
		n = sz - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Content-Disposition: form-data; name="…"; filename="…"; filename*=UTF-8''… */
static int
parse_disposition(struct multipart *m, const char *v)
{
	/* Zeroed: the analyzer cannot see that param_value() terminates it. */
	char pname[32], pval[MULTIPART_LINE_MAX + 1] = { 0 };
	bool ext = false;
	size_t n;

	v = skip_ws(v);
	n = strcspn(v, "; \t");
	if (n != 9 || strncasecmp(v, "form-data", 9) != 0)
		return -1;
	v = skip_ws(v + n);
	while (*v == ';') {
		v = skip_ws(v + 1);
		if (*v == '\0')
			break;
		n = strcspn(v, "= \t;");
		if (n == 0 || n >= sizeof(pname))
			return -1;
		memcpy(pname, v, n);
		pname[n] = '\0';
		v = skip_ws(v + n);
		if (*v != '=')
			return -1;
		if ((v = param_value(skip_ws(v + 1), pval, sizeof(pval))) == NULL)
			return -1;
		v = skip_ws(v);
		if (strcasecmp(pname, "name") == 0) {
			if (strlen(pval) > MULTIPART_NAME_MAX) {
				m->err = MULTIPART_ELIMIT;
				return -1;
			}
			memcpy(m->part.name, pval, strlen(pval) + 1);
			m->disposition = true;
		} else if (strcasecmp(pname, "filename*") == 0) {
			if (ext_value(pval, m->part.filename, sizeof(m->part.filename)) == -1)
				return -1;
			m->part.has_filename = ext = true;
		} else if (strcasecmp(pname, "filename") == 0) {
			m->part.has_filename = true;
			if (!ext)
				copy_name(m->part.filename, sizeof(m->part.filename), pval);
		}
	}
	return *v == '\0' ? 0 : -1;
}

static int
header_line(struct multipart *m)
{
	const char *v;
	size_t n;

	if (++m->nheaders > MULTIPART_HEADERS_MAX) {
		m->err = MULTIPART_ELIMIT;
		return -1;
	}
	n = strcspn(m->line, ":");
	/* No folding (RFC 7578 §4.7 forbids it), no empty names. */
	if (m->line[n] != ':' || n == 0 || m->line[0] == ' ' || m->line[0] == '\t')
		return -1;
	v = skip_ws(m->line + n + 1);
	if (n == 19 && strncasecmp(m->line, "Content-Disposition", 19) == 0)
		return parse_disposition(m, v);
	if (n == 12 && strncasecmp(m->line, "Content-Type", 12) == 0) {
		size_t vl = strcspn(v, "; \t");
		if (vl >= sizeof(m->part.content_type))
			vl = sizeof(m->part.content_type) - 1;
		memcpy(m->part.content_type, v, vl);
		m->part.content_type[vl] = '\0';
	}
	return 0;
}

int
multipart_boundary(const char *ct, char *out, size_t outsz)
{
	char val[MULTIPART_LINE_MAX + 1];
	const char *p;
	size_t n;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return -1;
	p = skip_ws(ct + 19);
	while (*p == ';') {
		p = skip_ws(p + 1);
		n = strcspn(p, "= \t;");
		bool is_boundary = n == 8 && strncasecmp(p, "boundary", 8) == 0;
		p = skip_ws(p + n);
		if (*p != '=' || strlen(p) > MULTIPART_LINE_MAX)
			return -1;
		if ((p = param_value(skip_ws(p + 1), val, sizeof(val))) == NULL)
			return -1;
		p = skip_ws(p);
		if (!is_boundary)
			continue;
		n = strlen(val);
		if (n == 0 || n > MULTIPART_BOUNDARY_MAX || n + 1 > outsz || val[n - 1] == ' ')
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!bchar(val[i]))
				return -1;
		memcpy(out, val, n + 1);
		return 0;
	}
	return -1;
}

struct multipart *
multipart_new(struct arena *mem, const char *boundary, const struct multipart_cb *cb)
{
	struct multipart *m;
	size_t blen = strlen(boundary);

	if (blen == 0 || blen > MULTIPART_BOUNDARY_MAX)
		return NULL;
	if ((m = arena_alloc(mem, sizeof(*m))) == NULL)
		return NULL;
	m->cb = *cb;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, boundary, blen + 1);
	m->dlen = 4 + blen;
	m->state = MP_PREAMBLE;
	/* The first delimiter may open the body: act as if its CRLF was seen. */
	m->k = 2;
	return m;
}

static int
fail(struct multipart *m, enum multipart_err e)
{
	if (m->err == MULTIPART_OK)
		m->err = e;
	m->state = MP_FAILED;
	return -1;
}

static int
emit(struct multipart *m, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	return m->cb.data(m->cb.ctx, p, n);
}

/* The delimiter matched: what precedes it ends here. */
static int
delimiter_seen(struct multipart *m)
{
	if (m->state == MP_BODY && m->cb.end(m->cb.ctx) == -1)
		return fail(m, MULTIPART_ECALLBACK);
	m->state = MP_TAIL;
	m->tail = TAIL_START;
	m->k = 0;
	return 0;
}

/* Consumes body or preamble bytes from buf; returns how many, or -1. */
static long
scan(struct multipart *m, const char *buf, size_t n)
{
	bool body = m->state == MP_BODY;
	size_t i = 0, start = 0;

	while (i < n) {
		if (m->k == 0) {
			const char *cr = memchr(buf + i, '\r', n - i);
			if (cr == NULL) {
				i = n;
				break;
			}
			i = (size_t)(cr - buf);
			if (body && emit(m, buf + start, i - start) == -1)
				return fail(m, MULTIPART_ECALLBACK);
			m->k = 1;
			i++;
			continue;
		}
		if (buf[i] == m->delim[m->k]) {
			i++;
			if (++m->k == m->dlen)
				return delimiter_seen(m) == -1 ? -1 : (long)i;
			continue;
		}
		/* A false start: the matched bytes were content after all. */
		if (body && emit(m, m->delim, m->k) == -1)
			return fail(m, MULTIPART_ECALLBACK);
		m->k = 0;
		start = i;
	}
	if (body && m->k == 0 && emit(m, buf + start, i - start) == -1)
		return fail(m, MULTIPART_ECALLBACK);
	return (long)i;
}

static int
tail_byte(struct multipart *m, char c)
{
	switch (m->tail) {
	case TAIL_START:
		if (c == '-') {
			m->tail = TAIL_DASH;
			return 0;
		}
		/* FALLTHROUGH */
	case TAIL_PAD:
		if (c == ' ' || c == '\t')
			m->tail = TAIL_PAD;
		else if (c == '\r')
			m->tail = TAIL_CR;
		else
			return fail(m, MULTIPART_ESYNTAX);
		return 0;
	case TAIL_DASH:
		if (c != '-')
			return fail(m, MULTIPART_ESYNTAX);
		m->state = MP_EPILOGUE;
		return 0;
	case TAIL_CR:
		if (c != '\n')
			return fail(m, MULTIPART_ESYNTAX);
		m->state = MP_HEADERS;
		m->llen = 0;
		m->cr = false;
		m->nheaders = 0;
		m->disposition = false;
		memset(&m->part, 0, sizeof(m->part));
		return 0;
	}
	return fail(m, MULTIPART_ESYNTAX);
}

static int
header_byte(struct multipart *m, char c)
{
	if (m->cr) {
		if (c != '\n')
			return fail(m, MULTIPART_ESYNTAX);
		m->cr = false;
		m->line[m->llen] = '\0';
		if (m->llen > 0) {
			m->llen = 0;
			return header_line(m) == -1 ? fail(m, MULTIPART_ESYNTAX) : 0;
		}
		/* The empty line: RFC 7578 §4.2 requires a name. */
		if (!m->disposition)
			return fail(m, MULTIPART_ESYNTAX);
		if (m->cb.begin(m->cb.ctx, &m->part) == -1)
			return fail(m, MULTIPART_ECALLBACK);
		m->state = MP_BODY;
		m->k = 0;
		return 0;
	}
	if (c == '\r') {
		m->cr = true;
		return 0;
	}
	if (c == '\n' || c == '\0')
		return fail(m, MULTIPART_ESYNTAX);
	if (m->llen == MULTIPART_LINE_MAX)
		return fail(m, MULTIPART_ELIMIT);
	m->line[m->llen++] = c;
	return 0;
}

int
multipart_feed(struct multipart *m, const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		long used;
		switch (m->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			if ((used = scan(m, buf + i, n - i)) == -1)
				return -1;
			i += (size_t)used;
			break;
		case MP_TAIL:
			if (tail_byte(m, buf[i++]) == -1)
				return -1;
			break;
		case MP_HEADERS:
			if (header_byte(m, buf[i++]) == -1)
				return -1;
			break;
		case MP_EPILOGUE:
			return 0;
		case MP_FAILED:
			return -1;
		}
	}
	return m->state == MP_FAILED ? -1 : 0;
}

int
multipart_finish(struct multipart *m)
{
	if (m->state == MP_FAILED)
		return -1;
	if (m->state != MP_EPILOGUE)
		return fail(m, MULTIPART_ETRUNCATED);
	return 0;
}

enum multipart_err
multipart_error(const struct multipart *m)
{
	return m->err;
}
