/*
 * route: table dispatch (cgit's cmd.c).  Each row: method, path pattern of
 * literal segments and ":name" captures, handler, the roles allowed and the
 * body/query field tables.  Nothing is reachable unless a row allows it.
 *
 * Captures:
 *   ":name"        any non-empty segment of at most ROUTE_CAP_MAX bytes of
 *                  UTF-8 without control bytes; anything else does not match
 *                  (404), so junk never reaches SQL.  An unknown id is the
 *                  handler's 404 ("Lead not found").
 *   ":name(cuid)"  the same, and the dispatcher answers 400 "Invalid cuid"
 *                  (issue on [name]) unless it is a cuid (onboarding paths).
 * Names are [A-Za-z0-9_], 1..ROUTE_CAP_NAME_MAX-1 bytes (route_check).
 */
#ifndef IZZY_ROUTE_H
#define IZZY_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

struct req;
struct field_table;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP__MAX
};

typedef int (*route_fn)(struct req *);

struct route {
	enum http_method method;
	const char *pattern; /* "/api/leads/:id/notes" */
	route_fn handler;
	unsigned roles;                  /* ROLE_BIT()s or ROLES_PUBLIC; never 0 */
	const struct field_table *body;  /* NULL: the body must be empty or {} */
	const struct field_table *query; /* NULL: query parameters are ignored */
};

#define ROUTE_MAX_CAPS 4
/* Longest capture value in bytes (ids are 25; partner keys are people's text). */
#define ROUTE_CAP_MAX 200
/* Capture names, NUL included. */
#define ROUTE_CAP_NAME_MAX 32

enum route_cap_type {
	ROUTE_CAP_ANY,  /* ":name" */
	ROUTE_CAP_CUID, /* ":name(cuid)" */
};

/*
 * Checks a table (roles set, patterns well-formed, capture names that fit
 * and known capture types); -1 and a log line if not.
 */
int route_check(const struct route *, size_t n);
/*
 * Name and type of capture i (0-based) of a pattern route_check accepted;
 * -1 if there is no such capture or it is malformed.
 */
int route_cap_info(
    const char *pattern, int i, char name[ROUTE_CAP_NAME_MAX], enum route_cap_type *type);
/* Parses "GET"...; -1 if unknown. */
int route_method_parse(const char *, enum http_method *);
const char *route_method_name(enum http_method);
/*
 * Finds the row for method and path.  Literal segments compare
 * case-insensitively and one trailing slash is tolerated (Express
 * defaults).  Captures are copied into caps (caller's buffer of
 * ROUTE_MAX_CAPS pointers into capbuf).  NULL when nothing matches.
 */
const struct route *route_match(const struct route *, size_t n, enum http_method, const char *path,
    char *capbuf, size_t capbufsz, const char **caps);

#endif
