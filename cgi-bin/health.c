/*
 * health: liveness and readiness.
 *   GET /, GET /api/health   -> 200 {"status":"ok"}, no database (spec §2.11)
 *   GET /api/health/ready    -> 200 when PostgreSQL answers and the newest
 *                               migration of this build is applied, else 503;
 *                               with the outbox, worker and IMAP figures,
 *                               which are reported, never a reason for 503
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
 * The figures of health_operations into o (an object), or nulls when they
 * cannot be read (asked only when the database answered).
 */
static int
add_operations(struct req *r, cJSON *o, bool ask)
{
	static const char *const keys[] = { "outbox", "worker", "imap" };
	PGresult *res =
	    ask ? db_query(r->db, r->mem, &health_sql[SQL_HEALTH_OPERATIONS], 0, NULL) : NULL;
	cJSON *ops = res != NULL && PQntuples(res) == 1 ? cJSON_Parse(PQgetvalue(res, 0, 0)) : NULL;
	int rc = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && rc == 0; i++) {
		cJSON *v = ops != NULL ? cJSON_DetachItemFromObject(ops, keys[i]) : NULL;
		if (v == NULL)
			v = cJSON_CreateNull();
		if (v == NULL || !cJSON_AddItemToObject(o, keys[i], v)) {
			cJSON_Delete(v);
			rc = -1;
		}
	}
	cJSON_Delete(ops);
	return rc;
}

/*
 * GET /api/health/ready, public.
 * 200 {"status":"ready","database":"ok","migration":NAME,"expectedMigration":NAME,
 *      "outbox":{"backlog":N,"oldestPendingSeconds":S|null,"failed":N},
 *      "worker":{"lastHeartbeatAt":T|null,"heartbeatAgeSeconds":S|null,"stale":B},
 *      "imap":{"lastPollAt":T,"ageSeconds":S}|null}
 * 503 {"message":"Service unavailable","status":"not_ready",...} when the
 *     database is unreachable or migrations are behind this build.  The
 *     outbox, worker and imap figures never change the status: a stale
 *     worker delays mail but the API still serves (docs/operations.md).
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
	    cJSON_AddStringToObject(o, "expectedMigration", IZZY_SCHEMA_LATEST) == NULL ||
	    add_operations(r, o, res != NULL) == -1) {
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
