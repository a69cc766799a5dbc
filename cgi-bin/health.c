/*
 * health: liveness and readiness.
 *   GET /, GET /api/health   -> 200 {"status":"ok"}, no database (spec §2.11)
 *   GET /api/health/ready    -> 200 when PostgreSQL answers and the newest
 *                               migration of this build is applied, else 503
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "common/db.h"
#include "common/http.h"
#include "common/role.h"
#include "common/schema_version.h"

#include "health.sql.h"

static int health_live(struct req *);
static int health_ready(struct req *);

static const struct route health_routes[] = {
	/* method    pattern               handler        roles          body  query */
	{ HTTP_GET, "/", health_live, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/api/health", health_live, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_GET, "/api/health/ready", health_ready, ROLES_PUBLIC, NULL, NULL },
};

/* GET /api/health, public: always 200 {"status":"ok"}. */
static int
health_live(struct req *r)
{
	return http_ok_raw(r, "{\"status\":\"ok\"}");
}

/*
 * GET /api/health/ready, public.
 * 200 {"status":"ready","database":"ok","migration":NAME}
 * 503 {"message":"Service unavailable","status":"not_ready",...} when the
 *     database is unreachable or migrations are behind this build.
 */
static int
health_ready(struct req *r)
{
	PGresult *res = db_query(r->db, r->mem, &health_sql[SQL_HEALTH_LATEST_MIGRATION], 0, NULL);
	const char *applied = res != NULL && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : NULL;
	bool current = applied != NULL && strcmp(applied, IZZY_SCHEMA_LATEST) >= 0;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((!current && cJSON_AddStringToObject(o, "message", "Service unavailable") == NULL) ||
	    cJSON_AddStringToObject(o, "status", current ? "ready" : "not_ready") == NULL ||
	    cJSON_AddStringToObject(o, "database", res != NULL ? "ok" : "unreachable") == NULL ||
	    cJSON_AddStringToObject(o, "migration", applied != NULL ? applied : "") == NULL ||
	    cJSON_AddStringToObject(o, "expectedMigration", IZZY_SCHEMA_LATEST) == NULL) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	http_ok(r, o);
	if (!current)
		r->resp.status = 503;
	return 0;
}

static int
health_init(struct db *db)
{
	return db_register(db, health_sql, HEALTH_SQL__MAX);
}

extern const struct http_app health_app;
static const http_init_fn health_inits[] = { health_init, NULL };
const struct http_app health_app = {
	"health",
	health_routes,
	sizeof(health_routes) / sizeof(health_routes[0]),
	health_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&health_app);
}
#endif
