/* PLACEHOLDER until /api/partners lands (issue 3): replaced wholesale. */
#include "config.h"

#include "common/db.h"
#include "common/http.h"
#include "common/role.h"

#include "partners.sql.h"

static int
partners_placeholder(struct req *r)
{
	return http_fail(r, 501, NULL, "Not implemented");
}

static const struct route partners_routes[] = {
	{ HTTP_GET, "/api/_partners", partners_placeholder, ROLES_ADMIN, NULL, NULL },
};

static int
partners_init(struct db *db)
{
	return db_register(db, partners_sql, PARTNERS_SQL__MAX);
}

extern const struct http_app partners_app;
const struct http_app partners_app = {
	"partners", partners_routes, sizeof(partners_routes) / sizeof(partners_routes[0]), partners_init,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&partners_app);
}
#endif
