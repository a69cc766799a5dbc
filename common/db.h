/*
 * db: one PostgreSQL connection per process (libpq), opened lazily and
 * re-opened after a failure.  SQL runs only as named prepared statements
 * generated at build time from <resource>.sql files (build-aux/sql2c.sh):
 * every registered statement is prepared on each (re)connect.
 */
#ifndef IZZY_DB_H
#define IZZY_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

struct arena;

struct db_stmt {
	const char *name;
	const char *sql;
};

struct db;

/* Allocates the handle; connects on first use.  NULL (logged) on OOM. */
struct db *db_new(const char *conninfo, long statement_timeout_ms);
void db_free(struct db *);
/*
 * The SLA clock of the connection (schema 0030, izzy_now()): seconds since
 * the epoch from IZZY_TEST_NOW (cfg refuses it in production), or 0 for the
 * real clock.  Takes effect at the next db_connect().
 */
void db_set_test_now(struct db *, long long test_now);
/* Adds statements to prepare on connect; the table must outlive db.  -1 if full. */
int db_register(struct db *, const struct db_stmt *v, size_t n);
/* Connects and prepares if not connected; -1 (logged) on failure. */
int db_connect(struct db *);
bool db_ok(struct db *);

/*
 * Runs a prepared statement with text parameters (NULL = SQL NULL).
 * Returns a result with status TUPLES_OK or COMMAND_OK, which the caller
 * PQclear()s; NULL on error, logged with the statement name and SQLSTATE
 * (never the parameters).  A broken connection is re-opened next call.
 */
PGresult *db_run(struct db *, const struct db_stmt *, int n, const char *const *params);
/* db_run whose result is freed at the arena's reset. */
PGresult *db_query(
    struct db *, struct arena *, const struct db_stmt *, int n, const char *const *params);
/* Plain SQL with no parameters (transactions, izzyctl scripts). -1 logged. */
int db_exec(struct db *, const char *sql);

int db_begin(struct db *);
int db_commit(struct db *);
/* Never fails from the caller's view; logs. */
void db_rollback(struct db *);

/* SQLSTATE of the last failure ("" if none); the HTTP status it maps to. */
const char *db_sqlstate(const struct db *);
int db_http_status(const char *sqlstate);

/* Failed connects and statements of this process so far (for /metrics). */
unsigned long long db_error_count(void);

/* Raw connection for izzyctl's COPY-free helpers; NULL if not connected. */
PGconn *db_conn(struct db *);

#endif
