#include "config.h"
#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"

#include "ratelimit.sql.h"

int
ratelimit_init(struct db *db)
{
	return db_register(db, ratelimit_sql, RATELIMIT_SQL__MAX);
}

int
ratelimit_blocked(
    struct db *db, struct arena *mem, const char *key, long limit, long window_s, long *retry_after)
{
	char win[24];
	const char *params[2] = { key, win };
	PGresult *res;

	snprintf(win, sizeof(win), "%ld", window_s);
	if ((res = db_query(db, mem, &ratelimit_sql[SQL_RATELIMIT_PEEK], 2, params)) == NULL)
		return -1;
	if (PQntuples(res) == 0 || strtol(PQgetvalue(res, 0, 0), NULL, 10) < limit)
		return 0;
	*retry_after = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	return 1;
}

int
ratelimit_hit(struct db *db, struct arena *mem, const char *key, long window_s)
{
	char win[24];
	const char *params[2] = { key, win };

	snprintf(win, sizeof(win), "%ld", window_s);
	return db_query(db, mem, &ratelimit_sql[SQL_RATELIMIT_HIT], 2, params) == NULL ? -1 : 0;
}

int
ratelimit_clear(struct db *db, struct arena *mem, const char *key)
{
	const char *params[1] = { key };

	return db_query(db, mem, &ratelimit_sql[SQL_RATELIMIT_CLEAR], 1, params) == NULL ? -1 : 0;
}
