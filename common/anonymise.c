/*
 * anonymise: one lead's anonymisation, for the admin's request and for
 * automatic retention alike (see anonymise.h).
 */
#include "config.h"

#include "common/anonymise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/arena.h"
#include "common/db.h"

#include "common/anonymise.sql.h"

int
anonymise_init(struct db *db)
{
	return db_register(db, anonymise_sql, ANONYMISE_SQL__MAX);
}

int
anonymise_lead(struct db *db, struct arena *mem, const char *lead_id, const char *actor_id,
    struct anonymise_result *out)
{
	const char *p[2] = { lead_id, actor_id };
	PGresult *res = db_query(db, mem, &anonymise_sql[SQL_ANONYMISE_LEAD], 2, p);

	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1)
		return 0;
	if (out != NULL) {
		snprintf(out->at, sizeof(out->at), "%s", PQgetvalue(res, 0, 0));
		out->files = strtol(PQgetvalue(res, 0, 1), NULL, 10);
		out->merged = strtol(PQgetvalue(res, 0, 2), NULL, 10);
	}
	return 1;
}
