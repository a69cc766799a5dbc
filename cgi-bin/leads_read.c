/* PLACEHOLDER until the leads_read handlers land (issue 3): replaced wholesale. */
#include "config.h"

#include "common/db.h"
#include "common/http.h"
#include "common/role.h"

#include "leads.h"
#include "leads_read.sql.h"

static int
leads_read_placeholder(struct req *r)
{
	return http_fail(r, 501, NULL, "Not implemented");
}

const struct route leads_read_routes[] = {
	{ HTTP_GET, "/api/_leads_read", leads_read_placeholder, ROLES_ADMIN, NULL, NULL },
};
const size_t leads_read_nroutes = sizeof(leads_read_routes) / sizeof(leads_read_routes[0]);

int
leads_read_init(struct db *db)
{
	return db_register(db, leads_read_sql, LEADS_READ_SQL__MAX);
}
