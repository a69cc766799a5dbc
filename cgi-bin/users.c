/* PLACEHOLDER until /api/users lands (issue 3): replaced wholesale. */
#include "config.h"

#include "common/db.h"
#include "common/http.h"
#include "common/role.h"

#include "users.sql.h"

static int
users_placeholder(struct req *r)
{
	return http_fail(r, 501, NULL, "Not implemented");
}

static const struct route users_routes[] = {
	{ HTTP_GET, "/api/_users", users_placeholder, ROLES_ADMIN, NULL, NULL },
};

static int
users_init(struct db *db)
{
	return db_register(db, users_sql, USERS_SQL__MAX);
}

extern const struct http_app users_app;
const struct http_app users_app = {
	"users", users_routes, sizeof(users_routes) / sizeof(users_routes[0]), users_init,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&users_app);
}
#endif
