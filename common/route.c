#include "config.h"
#include "route.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "role.h"
#include "valid.h"

static const char *const method_names[HTTP__MAX] = {
	[HTTP_GET] = "GET",
	[HTTP_HEAD] = "HEAD",
	[HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",
	[HTTP_PATCH] = "PATCH",
	[HTTP_DELETE] = "DELETE",
	[HTTP_OPTIONS] = "OPTIONS",
};

const char *
route_method_name(enum http_method m)
{
	return (unsigned)m < HTTP__MAX ? method_names[m] : "?";
}

int
route_method_parse(const char *s, enum http_method *out)
{
	for (int i = 0; i < HTTP__MAX; i++)
		if (strcmp(s, method_names[i]) == 0) {
			*out = (enum http_method)i;
			return 0;
		}
	return -1;
}

/* The capture segment at seg (just after its ':'), up to '/' or the end. */
static int
cap_parse(const char *seg, char name[ROUTE_CAP_NAME_MAX], enum route_cap_type *type)
{
	static const char cuid[] = "(cuid)";
	size_t len = strcspn(seg, "/"), n = 0;

	while (n < len && (isalnum((unsigned char)seg[n]) || seg[n] == '_'))
		n++;
	if (n == 0 || n >= ROUTE_CAP_NAME_MAX)
		return -1;
	if (n == len)
		*type = ROUTE_CAP_ANY;
	else if (len - n == sizeof(cuid) - 1 && strncmp(seg + n, cuid, len - n) == 0)
		*type = ROUTE_CAP_CUID;
	else
		return -1;
	memcpy(name, seg, n);
	name[n] = '\0';
	return 0;
}

int
route_cap_info(const char *pattern, int i, char name[ROUTE_CAP_NAME_MAX], enum route_cap_type *type)
{
	int k = 0;

	for (const char *p = pattern; p != NULL && *p != '\0'; p = strchr(p + 1, '/')) {
		if (p[0] == '/' && p[1] == ':' && k++ == i)
			return cap_parse(p + 2, name, type);
	}
	return -1;
}

int
route_check(const struct route *rt, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &rt[i];
		int caps = 0;
		/* API key flags only on a route partners may call (role.h). */
		if ((r->roles & ROLES_ANY_USER) == 0 && (r->roles & ROLES_PUBLIC) == 0) {
			log_error("route", "row %zu (%s): no role", i,
			    r->pattern != NULL ? r->pattern : "?");
			return -1;
		}
		if ((r->roles & ~(ROLES_ANY_USER | ROLES_PUBLIC | ROLES_APIKEY)) != 0 ||
		    ((r->roles & ROLES_PUBLIC) && (r->roles & (ROLES_ANY_USER | ROLES_APIKEY))) ||
		    ((r->roles & ROLES_APIKEY) && !(r->roles & ROLE_BIT(ROLE_PARTNER)))) {
			log_error("route",
			    "row %zu (%s): role set must be non-empty and either public or roles",
			    i, r->pattern != NULL ? r->pattern : "?");
			return -1;
		}
		if (r->pattern == NULL || r->pattern[0] != '/' || r->handler == NULL ||
		    (unsigned)r->method >= HTTP__MAX) {
			log_error("route", "row %zu: bad method, pattern or handler", i);
			return -1;
		}
		for (const char *p = r->pattern; *p != '\0'; p++) {
			char name[ROUTE_CAP_NAME_MAX];
			enum route_cap_type type;
			if (*p != ':')
				continue;
			/* A capture is a whole segment with a name that fits. */
			if (p[-1] != '/' || cap_parse(p + 1, name, &type) == -1) {
				log_error("route", "row %zu (%s): bad capture", i, r->pattern);
				return -1;
			}
			caps++;
		}
		if (caps > ROUTE_MAX_CAPS) {
			log_error("route", "row %zu (%s): too many captures", i, r->pattern);
			return -1;
		}
	}
	return 0;
}

/* A capture value worth a handler's time: short UTF-8 text without control bytes. */
static bool
cap_sane(const char *s, size_t len)
{
	if (len == 0 || len > ROUTE_CAP_MAX || !valid_utf8(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Matches one pattern; captures go into capbuf.  false on mismatch/overflow. */
static bool
match_one(const char *pat, const char *path, char *capbuf, size_t capbufsz, const char **caps)
{
	size_t used = 0;
	int ncap = 0;

	for (;;) {
		if (*pat == '\0') {
			/* One trailing slash is tolerated. */
			return *path == '\0' || (path[0] == '/' && path[1] == '\0');
		}
		if (*path != '/' || *pat != '/')
			return false;
		pat++;
		path++;
		size_t plen = strcspn(pat, "/"), slen = strcspn(path, "/");
		if (*pat == ':') {
			if (!cap_sane(path, slen) || used + slen + 1 > capbufsz ||
			    ncap == ROUTE_MAX_CAPS)
				return false;
			memcpy(capbuf + used, path, slen);
			capbuf[used + slen] = '\0';
			caps[ncap++] = capbuf + used;
			used += slen + 1;
		} else if (plen != slen || strncasecmp(pat, path, plen) != 0)
			return false;
		pat += plen;
		path += slen;
	}
}

const struct route *
route_match(const struct route *rt, size_t n, enum http_method m, const char *path, char *capbuf,
    size_t capbufsz, const char **caps)
{
	for (size_t i = 0; i < n; i++) {
		/* HEAD is answered by the GET row. */
		if (rt[i].method != m && !(m == HTTP_HEAD && rt[i].method == HTTP_GET))
			continue;
		/* A row that failed half-way must not leave its captures behind. */
		for (int c = 0; c < ROUTE_MAX_CAPS; c++)
			caps[c] = NULL;
		if (match_one(rt[i].pattern, path, capbuf, capbufsz, caps))
			return &rt[i];
	}
	return NULL;
}
