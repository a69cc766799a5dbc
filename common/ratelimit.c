#include "config.h"
#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cfg.h"
#include "crypto.h"
#include "db.h"
#include "log.h"

#include "ratelimit.sql.h"

int
ratelimit_init(struct db *db)
{
	return db_register(db, ratelimit_sql, RATELIMIT_SQL__MAX);
}

const char *
ratelimit_key(struct arena *mem, const char *kind, const char *value)
{
	const struct cfg *cfg = cfg_get();
	unsigned char mac[CRYPTO_SHA256_LEN];
	char hex[CRYPTO_SHA256_HEX];
	const char *key;

	if (cfg == NULL || cfg->jwt_secret == NULL) {
		log_error("ratelimit", "no JWT_SECRET to key the counters with");
		return NULL;
	}
	if (crypto_hmac_sha256(
		mac, cfg->jwt_secret, strlen(cfg->jwt_secret), value, strlen(value)) == -1)
		return NULL;
	crypto_hex(hex, mac, sizeof(mac));
	if ((key = arena_printf(mem, "%s:%s", kind, hex)) == NULL)
		log_error("ratelimit", "out of memory");
	return key;
}

int
ratelimit_take(struct db *db, struct arena *mem, const char *key, long window_s, long *count,
    long *retry_after)
{
	char win[24];
	const char *params[2] = { key, win };
	PGresult *res;

	snprintf(win, sizeof(win), "%ld", window_s);
	if ((res = db_query(db, mem, &ratelimit_sql[SQL_RATELIMIT_TAKE], 2, params)) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		log_error("ratelimit", "ratelimit_take returned %d rows", PQntuples(res));
		return -1;
	}
	*count = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	*retry_after = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	return 0;
}

int
ratelimit_give_back(struct db *db, struct arena *mem, const char *key)
{
	const char *params[1] = { key };
	const struct db_stmt *s = &ratelimit_sql[SQL_RATELIMIT_GIVE_BACK];

	return db_query(db, mem, s, 1, params) == NULL ? -1 : 0;
}

int
ratelimit_clear(struct db *db, struct arena *mem, const char *key)
{
	const char *params[1] = { key };

	return db_query(db, mem, &ratelimit_sql[SQL_RATELIMIT_CLEAR], 1, params) == NULL ? -1 : 0;
}
