#include "config.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"

/* Every program registers its own table plus the shared ones. */
#define DB_MAX_TABLES 32

struct db {
	char *conninfo;
	long timeout_ms;
	long long test_now; /* izzy.test_now at every connection; 0: '' */
	PGconn *conn;
	struct {
		const struct db_stmt *v;
		size_t n;
	} tables[DB_MAX_TABLES];
	size_t ntables;
	char sqlstate[6];
};

/* Failures of this process, for /metrics (izzy_db_errors_total). */
static unsigned long long db_errors;

struct db *
db_new(const char *conninfo, long statement_timeout_ms)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL || (db->conninfo = strdup(conninfo)) == NULL) {
		log_error("db", "out of memory");
		free(db);
		return NULL;
	}
	db->timeout_ms = statement_timeout_ms;
	return db;
}

void
db_set_test_now(struct db *db, long long test_now)
{
	db->test_now = test_now > 0 ? test_now : 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

static int
db_prepare(struct db *db, const struct db_stmt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		PGresult *res = PQprepare(db->conn, v[i].name, v[i].sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_error("db", "prepare %s: %s", v[i].name, PQresultErrorMessage(res));
			db_errors++;
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

int
db_register(struct db *db, const struct db_stmt *v, size_t n)
{
	/* Twice the same table (session_init registers ratelimit's): once. */
	for (size_t i = 0; i < db->ntables; i++)
		if (db->tables[i].v == v)
			return 0;
	if (db->ntables == DB_MAX_TABLES) {
		log_error("db", "too many statement tables");
		return -1;
	}
	/* Registered after connecting: prepare now, the reconnect path redoes it. */
	if (db->conn != NULL && db_prepare(db, v, n) == -1)
		return -1;
	db->tables[db->ntables].v = v;
	db->tables[db->ntables].n = n;
	db->ntables++;
	return 0;
}

unsigned long long
db_error_count(void)
{
	return db_errors;
}

static void
db_set_state(struct db *db, const PGresult *res)
{
	const char *st = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	db_errors++;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", st != NULL ? st : "08000");
}

static void
db_disconnect(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

/* One-line libpq message without the trailing newline. */
static const char *
db_errmsg(struct db *db, char *buf, size_t sz)
{
	size_t n;

	snprintf(buf, sz, "%s", db->conn != NULL ? PQerrorMessage(db->conn) : "no connection");
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

int
db_connect(struct db *db)
{
	char buf[512], set[192];

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	db_disconnect(db);
	db->conn = PQconnectdb(db->conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_error("db", "connect: %s", db_errmsg(db, buf, sizeof(buf)));
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08001");
		db_errors++;
		db_disconnect(db);
		return -1;
	}
	/* All timestamps leave the database in UTC; no statement runs forever.
	 * izzy.test_now is always set (0030_sla.sql, izzy_now()): the test
	 * clock, or '' so that no PGOPTIONS or role default moves the clock. */
	if (db->test_now > 0)
		snprintf(set, sizeof(set),
		    "SET statement_timeout = %ld; SET TIME ZONE 'UTC'; SET client_min_messages = "
		    "warning; SET izzy.test_now = '%lld'",
		    db->timeout_ms, db->test_now);
	else
		snprintf(set, sizeof(set),
		    "SET statement_timeout = %ld; SET TIME ZONE 'UTC'; SET client_min_messages = "
		    "warning; SET izzy.test_now = ''",
		    db->timeout_ms);
	if (db_exec(db, set) == -1) {
		db_disconnect(db);
		return -1;
	}
	for (size_t t = 0; t < db->ntables; t++)
		if (db_prepare(db, db->tables[t].v, db->tables[t].n) == -1) {
			db_disconnect(db);
			return -1;
		}
	return 0;
}

bool
db_ok(struct db *db)
{
	return db_connect(db) == 0;
}

PGconn *
db_conn(struct db *db)
{
	return db->conn;
}

PGresult *
db_run(struct db *db, const struct db_stmt *s, int n, const char *const *params)
{
	PGresult *res;
	ExecStatusType st;

	db->sqlstate[0] = '\0';
	if (db_connect(db) == -1)
		return NULL;
	res = PQexecPrepared(db->conn, s->name, n, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	db_set_state(db, res);
	log_error("db", "%s: SQLSTATE %s: %s", s->name, db->sqlstate,
	    res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "no result");
	PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK)
		db_disconnect(db);
	return NULL;
}

static void
clear_result(void *p)
{
	PQclear(p);
}

PGresult *
db_query(
    struct db *db, struct arena *mem, const struct db_stmt *s, int n, const char *const *params)
{
	PGresult *res = db_run(db, s, n, params);

	if (res != NULL && arena_defer(mem, clear_result, res) == -1)
		return NULL;
	return res;
}

int
db_exec(struct db *db, const char *sql)
{
	PGresult *res;
	ExecStatusType st;
	char buf[512];

	db->sqlstate[0] = '\0';
	if (db->conn == NULL && db_connect(db) == -1)
		return -1;
	res = PQexec(db->conn, sql);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	db_set_state(db, res);
	log_error("db", "exec: SQLSTATE %s: %s", db->sqlstate,
	    res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
			: db_errmsg(db, buf, sizeof(buf)));
	PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK)
		db_disconnect(db);
	return -1;
}

int
db_begin(struct db *db)
{
	if (db_connect(db) == -1)
		return -1;
	return db_exec(db, "BEGIN");
}

int
db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	char keep[sizeof(db->sqlstate)];

	/* The caller still wants the SQLSTATE of the failure that led here. */
	memcpy(keep, db->sqlstate, sizeof(keep));
	if (db->conn != NULL && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		(void)db_exec(db, "ROLLBACK");
	memcpy(db->sqlstate, keep, sizeof(keep));
}

const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

int
db_http_status(const char *st)
{
	if (st == NULL || st[0] == '\0')
		return 500;
	if (strcmp(st, "23505") == 0 || strcmp(st, "23503") == 0 || strcmp(st, "40001") == 0 ||
	    strcmp(st, "40P01") == 0)
		return 409; /* unique/FK conflict, serialization failure, deadlock */
	if (strncmp(st, "22", 2) == 0 || strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0)
		return 400; /* bad data, CHECK or NOT NULL: the input was wrong */
	if (strncmp(st, "08", 2) == 0 || strcmp(st, "57014") == 0 || strcmp(st, "57P01") == 0 ||
	    strcmp(st, "53300") == 0)
		return 503; /* connection lost, timeout, shutdown, too many clients */
	return 500;
}
