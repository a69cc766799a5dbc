/*
 * check_route: pattern matching and table checks (common/route.c), plus a
 * walk over every program's real route table: each must pass route_check(),
 * name a non-empty role set and have every row reachable.  The Makefile links
 * the programs' sources in with -DIZZY_NO_MAIN; a new program adds its
 * source there and one line to apps[] below.
 */
#include "config.h"
#include "common/route.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/http.h"
#include "common/role.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

extern const struct http_app health_app, auth_app, users_app, partners_app, consents_app, leads_app;
extern const struct http_app analytics_app, metrics_app, forms_app;
extern const struct http_app onboarding_app;

/* Every program, with what its main() runs before http_serve(), if anything. */
static const struct {
	const struct http_app *app;
	int (*prepare)(void);
} apps[] = {
	{ &health_app, NULL },
	{ &auth_app, NULL },
	{ &users_app, NULL },
	{ &partners_app, NULL },
	{ &consents_app, NULL },
	{ &analytics_app, NULL },
	{ &metrics_app, NULL },
	{ &leads_app, NULL },
	{ &forms_app, NULL },
	{ &onboarding_app, NULL },
};

static int
h_ok(struct req *r)
{
	(void)r;
	return 0;
}

static const struct route rt[] = {
	/* 0 */ { HTTP_GET, "/api/leads", h_ok, ROLES_ANY_USER, NULL, NULL },
	/* 1 */ { HTTP_POST, "/api/leads", h_ok, ROLES_ANY_USER, NULL, NULL },
	/* 2 */ { HTTP_GET, "/api/leads/:id", h_ok, ROLES_ANY_USER, NULL, NULL },
	/* 3 */ { HTTP_GET, "/api/leads/:id/notes/:noteId", h_ok, ROLES_STAFF, NULL, NULL },
	/* 4 */ { HTTP_DELETE, "/api/leads/:id", h_ok, ROLES_ADMIN, NULL, NULL },
	/* 5 */ { HTTP_PATCH, "/api/leads/:id/status", h_ok, ROLES_STAFF, NULL, NULL },
	/* 6 */ { HTTP_GET, "/x/:a/:b/c", h_ok, ROLES_PUBLIC, NULL, NULL },
	/* 7 */ { HTTP_GET, "/x/:id/2", h_ok, ROLES_PUBLIC, NULL, NULL },
	/* 8 */ { HTTP_GET, "/", h_ok, ROLES_PUBLIC, NULL, NULL },
	/* 9 */ { HTTP_OPTIONS, "/api/Health", h_ok, ROLES_PUBLIC, NULL, NULL },
	/* 10 */ { HTTP_GET, "/onb/:leadId(cuid)/x", h_ok, ROLES_PUBLIC, NULL, NULL },
};

START_TEST(test_match_table)
{
	static const struct {
		enum http_method m;
		const char *path;
		size_t capbufsz; /* 0: 256 */
		int row;         /* -1: no match */
		const char *caps[ROUTE_MAX_CAPS];
	} rows[] = {
		{ HTTP_GET, "/api/leads", 0, 0, { NULL } },
		{ HTTP_GET, "/api/leads/", 0, 0, { NULL } }, /* one trailing slash */
		{ HTTP_GET, "/api/leads//", 0, -1, { NULL } },
		{ HTTP_GET, "/API/Leads", 0, 0, { NULL } }, /* literals are case-insensitive */
		{ HTTP_OPTIONS, "/api/health", 0, 9, { NULL } },
		{ HTTP_POST, "/api/leads", 0, 1, { NULL } },
		{ HTTP_PUT, "/api/leads", 0, -1, { NULL } }, /* method mismatch */
		{ HTTP_DELETE, "/api/leads", 0, -1, { NULL } },
		{ HTTP_HEAD, "/api/leads", 0, 0, { NULL } }, /* HEAD uses the GET row */
		{ HTTP_HEAD, "/api/leads/ckabc123", 0, 2, { "ckabc123" } },
		{ HTTP_GET, "/api/leads/ckabc123", 0, 2, { "ckabc123" } },
		{ HTTP_GET, "/api/leads/CKabc123", 0, 2, { "CKabc123" } }, /* captures keep case */
		{ HTTP_GET, "/api/leads/ckabc123/", 0, 2, { "ckabc123" } },
		{ HTTP_GET, "/api/leads/ckabc123//", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/a%2Fb", 0, 2, { "a%2Fb" } }, /* no decoding here */
		{ HTTP_GET, "/api/leads/ckabc123/notes/cn1", 0, 3, { "ckabc123", "cn1" } },
		{ HTTP_GET, "/api/leads/ckabc123/NOTES/cn1/", 0, 3, { "ckabc123", "cn1" } },
		{ HTTP_GET, "/api/leads/ckabc123/notes", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/ckabc123/notes/", 0, -1, { NULL } }, /* empty capture */
		{ HTTP_GET, "/api/leads/ckabc123/notes/cn1/x", 0, -1, { NULL } },
		{ HTTP_DELETE, "/api/leads/ckabc123", 0, 4, { "ckabc123" } },
		{ HTTP_PATCH, "/api/leads/c1/status", 0, 5, { "c1" } },
		{ HTTP_PATCH, "/api/leads//status", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leadsx", 0, -1, { NULL } },
		{ HTTP_GET, "/api/lead", 0, -1, { NULL } },
		{ HTTP_GET, "/api", 0, -1, { NULL } },
		{ HTTP_GET, "api/leads", 0, -1, { NULL } },
		{ HTTP_GET, "", 0, -1, { NULL } },
		{ HTTP_GET, "/", 0, 8, { NULL } },
		{ HTTP_GET, "/x/1/2/c", 0, 6, { "1", "2" } },
		/* The capture buffer: "ckabc123" needs 9 bytes. */
		{ HTTP_GET, "/api/leads/ckabc123", 9, 2, { "ckabc123" } },
		{ HTTP_GET, "/api/leads/ckabc123", 8, -1, { NULL } },
		{ HTTP_GET, "/api/leads/ckabc123", 1, -1, { NULL } },
		{ HTTP_GET, "/api/leads/c1/notes/c2", 6, 3, { "c1", "c2" } },
		{ HTTP_GET, "/api/leads/c1/notes/c2", 5, -1, { NULL } },
		/* Captures are sane text: UTF-8, no control bytes, at most ROUTE_CAP_MAX bytes. */
		{ HTTP_GET, "/api/leads/doesnotexist", 0, 2, { "doesnotexist" } },
		{ HTTP_GET, "/api/leads/Zażółć", 0, 2, { "Zażółć" } },
		{ HTTP_GET, "/api/leads/a b", 0, 2, { "a b" } },
		{ HTTP_GET, "/api/leads/a\tb", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/\x1b[31m", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/a\x7f", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/\xc3", 0, -1, { NULL } },
		{ HTTP_GET, "/api/leads/\xc0\xaf", 0, -1, { NULL } },
		/* A typed capture matches any sane text; the dispatcher checks the type. */
		{ HTTP_GET, "/onb/not-a-cuid/x", 0, 10, { "not-a-cuid" } },
		{ HTTP_GET, "/onb/ckabc123/x", 0, 10, { "ckabc123" } },
		/* Literals need no buffer. */
		{ HTTP_GET, "/api/leads", 1, 0, { NULL } },
		/* Last, so a failure here does not hide the rows above. */
		/* A row that fails after capturing must not leave its captures set. */
		{ HTTP_GET, "/x/1/2", 0, 7, { "1" } },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char capbuf[256];
		const char *caps[ROUTE_MAX_CAPS] = { NULL };
		size_t sz = rows[i].capbufsz != 0 ? rows[i].capbufsz : sizeof(capbuf);
		const struct route *r;
		int ncaps = 0;

		memset(capbuf, 'Z', sizeof(capbuf));
		r = route_match(rt, NELEM(rt), rows[i].m, rows[i].path, capbuf, sz, caps);
		ck_assert_msg(r == (rows[i].row < 0 ? NULL : &rt[rows[i].row]),
		    "%s %s: got row %ld", route_method_name(rows[i].m), rows[i].path,
		    r != NULL ? (long)(r - rt) : -1L);
		/* Never a byte past the buffer the caller gave. */
		ck_assert_msg(
		    sz == sizeof(capbuf) || capbuf[sz] == 'Z', "%s: capbuf overrun", rows[i].path);
		if (r == NULL)
			continue;
		for (; ncaps < ROUTE_MAX_CAPS && rows[i].caps[ncaps] != NULL; ncaps++)
			ck_assert_msg(
			    caps[ncaps] != NULL && strcmp(caps[ncaps], rows[i].caps[ncaps]) == 0,
			    "%s: cap %d is \"%s\"", rows[i].path, ncaps,
			    caps[ncaps] ? caps[ncaps] : "NULL");
		/* The slot after the last capture stays NULL: dispatch stops there. */
		if (ncaps < ROUTE_MAX_CAPS)
			ck_assert_msg(caps[ncaps] == NULL, "%s: stale cap %d \"%s\"", rows[i].path,
			    ncaps, caps[ncaps]);
	}
}
END_TEST

START_TEST(test_check_table)
{
	static const struct {
		const char *what;
		struct route r;
		int rc;
	} rows[] = {
		{ "public", { HTTP_GET, "/a", h_ok, ROLES_PUBLIC, NULL, NULL }, 0 },
		{ "roles", { HTTP_POST, "/a/:id", h_ok, ROLES_STAFF, NULL, NULL }, 0 },
		{ "one role", { HTTP_DELETE, "/a/:id", h_ok, ROLE_BIT(ROLE_AUDITOR), NULL, NULL },
		    0 },
		{ "root", { HTTP_GET, "/", h_ok, ROLES_PUBLIC, NULL, NULL }, 0 },
		{ "empty role set", { HTTP_GET, "/a", h_ok, 0, NULL, NULL }, -1 },
		{ "public plus roles",
		    { HTTP_GET, "/a", h_ok, ROLES_PUBLIC | ROLES_ADMIN, NULL, NULL }, -1 },
		{ "undefined role bit", { HTTP_GET, "/a", h_ok, 1u << 10, NULL, NULL }, -1 },
		{ "undefined bit with a role",
		    { HTTP_GET, "/a", h_ok, ROLES_ADMIN | 1u << 20, NULL, NULL }, -1 },
		{ "API key flag with PARTNER",
		    { HTTP_GET, "/a", h_ok, ROLE_BIT(ROLE_PARTNER) | ROLES_APIKEY_READ, NULL,
			NULL },
		    0 },
		{ "API key flag without PARTNER",
		    { HTTP_GET, "/a", h_ok, ROLES_STAFF | ROLES_APIKEY_CREATE, NULL, NULL }, -1 },
		{ "API key flag alone", { HTTP_GET, "/a", h_ok, ROLES_APIKEY, NULL, NULL }, -1 },
		{ "API key flag on a public route",
		    { HTTP_GET, "/a", h_ok, ROLES_PUBLIC | ROLES_APIKEY_READ, NULL, NULL }, -1 },
		{ "NULL handler", { HTTP_GET, "/a", NULL, ROLES_PUBLIC, NULL, NULL }, -1 },
		{ "NULL pattern", { HTTP_GET, NULL, h_ok, ROLES_PUBLIC, NULL, NULL }, -1 },
		{ "relative pattern", { HTTP_GET, "a/b", h_ok, ROLES_PUBLIC, NULL, NULL }, -1 },
		{ "empty pattern", { HTTP_GET, "", h_ok, ROLES_PUBLIC, NULL, NULL }, -1 },
		{ "bad method", { HTTP__MAX, "/a", h_ok, ROLES_PUBLIC, NULL, NULL }, -1 },
		{ "four captures", { HTTP_GET, "/:a/:b/:c/:d", h_ok, ROLES_ADMIN, NULL, NULL }, 0 },
		{ "five captures", { HTTP_GET, "/:a/:b/:c/:d/:e", h_ok, ROLES_ADMIN, NULL, NULL },
		    -1 },
		{ "typed capture", { HTTP_GET, "/a/:id(cuid)/b", h_ok, ROLES_ADMIN, NULL, NULL },
		    0 },
		{ "unknown capture type",
		    { HTTP_GET, "/a/:id(int)", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "capture type without name",
		    { HTTP_GET, "/a/:(cuid)", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "unclosed capture type",
		    { HTTP_GET, "/a/:id(cuid", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "text after the type",
		    { HTTP_GET, "/a/:id(cuid)x", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "empty capture name", { HTTP_GET, "/a/:", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "empty name before a slash",
		    { HTTP_GET, "/a/:/b", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "capture inside a segment",
		    { HTTP_GET, "/a/x:id", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "odd capture name", { HTTP_GET, "/a/:id-x", h_ok, ROLES_ADMIN, NULL, NULL }, -1 },
		{ "31-byte capture name",
		    { HTTP_GET, "/a/:abcdefghijabcdefghijabcdefghij1", h_ok, ROLES_ADMIN, NULL,
			NULL },
		    0 },
		{ "32-byte capture name (does not fit)",
		    { HTTP_GET, "/a/:abcdefghijabcdefghijabcdefghij12", h_ok, ROLES_ADMIN, NULL,
			NULL },
		    -1 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		/* Alone, and after a good row (the bad row is found wherever it is). */
		struct route two[2] = { rt[0], rows[i].r };
		ck_assert_msg(route_check(&rows[i].r, 1) == rows[i].rc, "%s", rows[i].what);
		ck_assert_msg(route_check(two, 2) == rows[i].rc, "%s (second row)", rows[i].what);
	}
	ck_assert_int_eq(route_check(rt, 0), 0);
	ck_assert_int_eq(route_check(rt, NELEM(rt)), 0);
}
END_TEST

START_TEST(test_cap_info)
{
	char name[ROUTE_CAP_NAME_MAX];
	enum route_cap_type type;

	ck_assert_int_eq(route_cap_info("/api/leads/:id/notes/:noteId", 0, name, &type), 0);
	ck_assert_str_eq(name, "id");
	ck_assert_int_eq(type, ROUTE_CAP_ANY);
	ck_assert_int_eq(route_cap_info("/api/leads/:id/notes/:noteId", 1, name, &type), 0);
	ck_assert_str_eq(name, "noteId");
	ck_assert_int_eq(route_cap_info("/api/leads/:id/notes/:noteId", 2, name, &type), -1);
	ck_assert_int_eq(route_cap_info("/onb/:leadId(cuid)/x", 0, name, &type), 0);
	ck_assert_str_eq(name, "leadId");
	ck_assert_int_eq(type, ROUTE_CAP_CUID);
	ck_assert_int_eq(route_cap_info("/a/:id(int)", 0, name, &type), -1);
	ck_assert_int_eq(route_cap_info("/a", 0, name, &type), -1);
	ck_assert_int_eq(
	    route_cap_info("/a/:abcdefghijabcdefghijabcdefghij12", 0, name, &type), -1);
}
END_TEST

START_TEST(test_methods)
{
	static const struct {
		const char *name;
		int rc;
		enum http_method m;
	} rows[] = {
		{ "GET", 0, HTTP_GET },
		{ "HEAD", 0, HTTP_HEAD },
		{ "POST", 0, HTTP_POST },
		{ "PUT", 0, HTTP_PUT },
		{ "PATCH", 0, HTTP_PATCH },
		{ "DELETE", 0, HTTP_DELETE },
		{ "OPTIONS", 0, HTTP_OPTIONS },
		{ "get", -1, 0 },
		{ "TRACE", -1, 0 },
		{ "CONNECT", -1, 0 },
		{ "", -1, 0 },
		{ "GET ", -1, 0 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		enum http_method m = HTTP__MAX;
		ck_assert_msg(
		    route_method_parse(rows[i].name, &m) == rows[i].rc, "\"%s\"", rows[i].name);
		if (rows[i].rc == 0) {
			ck_assert_int_eq(m, rows[i].m);
			ck_assert_str_eq(route_method_name(m), rows[i].name);
		}
	}
	ck_assert_str_eq(route_method_name(HTTP__MAX), "?");
}
END_TEST

/* A request path that only this pattern's row should answer. */
static void
sample_path(char *out, size_t outsz, const char *pattern)
{
	size_t o = 0;

	for (const char *p = pattern; *p != '\0' && o + 16 < outsz;) {
		if (*p == ':') {
			o += (size_t)snprintf(out + o, outsz - o, "c000000000001");
			p += strcspn(p, "/");
		} else
			out[o++] = *p++;
	}
	out[o] = '\0';
}

START_TEST(test_program_tables)
{
	for (size_t a = 0; a < NELEM(apps); a++) {
		const struct http_app *app = apps[a].app;

		if (apps[a].prepare != NULL)
			ck_assert_int_eq(apps[a].prepare(), 0);

		ck_assert_ptr_nonnull(app->name);
		ck_assert_msg(app->nroutes > 0, "%s: no routes", app->name);
		ck_assert_msg(route_check(app->routes, app->nroutes) == 0, "%s: route_check failed",
		    app->name);
		/* A program with a route that needs a login registers the session statements
		 * (http_serve refuses to start otherwise). */
		{
			bool private_route = false, has_session = false;
			for (size_t i = 0; i < app->nroutes; i++)
				private_route =
				    private_route || !(app->routes[i].roles & ROLES_PUBLIC);
			for (const http_init_fn *f = app->inits; f != NULL && *f != NULL; f++)
				has_session = has_session || *f == session_init;
			ck_assert_msg(!private_route || has_session, "%s: no session_init in inits",
			    app->name);
			ck_assert_msg(app->inits != NULL && app->inits[0] != NULL,
			    "%s: registers no statements", app->name);
		}
		for (size_t i = 0; i < app->nroutes; i++) {
			const struct route *r = &app->routes[i];
			char path[512], capbuf[512];
			const char *caps[ROUTE_MAX_CAPS] = { NULL };

			ck_assert_msg(r->roles != 0, "%s row %zu (%s): empty role set", app->name,
			    i, r->pattern);
			/* Roles, or public; the API key flags (role.h) only beside PARTNER. */
			ck_assert_msg(r->roles == ROLES_PUBLIC ||
				(r->roles & ~(ROLES_ANY_USER | ROLES_APIKEY)) == 0,
			    "%s %s: role set 0x%x", app->name, r->pattern, r->roles);
			/* Reachable: no earlier row shadows it. */
			sample_path(path, sizeof(path), r->pattern);
			ck_assert_msg(route_match(app->routes, app->nroutes, r->method, path,
					  capbuf, sizeof(capbuf), caps) == r,
			    "%s: %s %s is shadowed by an earlier row", app->name,
			    route_method_name(r->method), r->pattern);
		}
	}
}
END_TEST

static Suite *
route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_match_table);
	tcase_add_test(tc, test_check_table);
	tcase_add_test(tc, test_cap_info);
	tcase_add_test(tc, test_methods);
	tcase_add_test(tc, test_program_tables);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(route_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
