/* PLACEHOLDER until the leads_write handlers land (issue 3): replaced wholesale. */
#include "config.h"

#include "common/db.h"
#include "common/http.h"
#include "common/role.h"

#include "leads.h"
#include "leads_write.sql.h"

static int
leads_write_placeholder(struct req *r)
{
	return http_fail(r, 501, NULL, "Not implemented");
}

const struct route leads_write_routes[] = {
	{ HTTP_GET, "/api/_leads_write", leads_write_placeholder, ROLES_ADMIN, NULL, NULL },
};
const size_t leads_write_nroutes = sizeof(leads_write_routes) / sizeof(leads_write_routes[0]);

int
leads_write_init(struct db *db)
{
	return db_register(db, leads_write_sql, LEADS_WRITE_SQL__MAX);
}
