/*
 * tasks: the daily e-mail digest of tasks; see tasks.h.  Logs carry user ids
 * and counts only, never the tasks or the customers.
 */
#include "config.h"

#include "common/tasks.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/outbox.h"

#include "common/tasks.sql.h"

/* A digest lists a user's due tasks: a few kB each; far above a day's batch. */
#define TASKS_ARENA   (4 * 1024 * 1024)
#define DEDUPE_PREFIX "tasks-digest:"

enum { C_USER, C_EMAIL, C_NAME, C_DUE, C_DESC, C_LEAD, C_CUSTOMER, C_OVERDUE };

int
tasks_init(struct db *db)
{
	return db_register(db, tasks_sql, TASKS_SQL__MAX);
}

/* Queues the digest of rows [from, to) of res (one user's); -1 on failure. */
static int
queue_one(struct db *db, struct arena *mem, PGresult *res, int from, int to, const char *day,
    const char *base)
{
	int overdue = 0;
	const char *text, *subject, *key;

	for (int i = from; i < to; i++)
		overdue += PQgetvalue(res, i, C_OVERDUE)[0] == 't';
	text =
	    arena_printf(mem, "Dzień dobry %s,\n\nTwoje zadania na %s (%d, w tym zaległe: %d):\n\n",
		PQgetvalue(res, from, C_NAME), day, to - from, overdue);
	for (int i = from; text != NULL && i < to; i++) {
		text = arena_printf(mem, "- %s%s: %s\n  Klient: %s\n", PQgetvalue(res, i, C_DUE),
		    PQgetvalue(res, i, C_OVERDUE)[0] == 't' ? " (zaległe)" : "",
		    PQgetvalue(res, i, C_DESC), PQgetvalue(res, i, C_CUSTOMER));
		if (text != NULL)
			text = base != NULL && base[0] != '\0'
			    ? arena_printf(
				  mem, "%s  %s/leads/%s\n", text, base, PQgetvalue(res, i, C_LEAD))
			    : arena_printf(mem, "%s  Lead: %s\n", text, PQgetvalue(res, i, C_LEAD));
	}
	subject = arena_printf(mem, "Zadania na %s: %d (zaległe: %d)", day, to - from, overdue);
	key = arena_printf(mem, DEDUPE_PREFIX "%s:%s", PQgetvalue(res, from, C_USER), day);
	if (text == NULL || subject == NULL || key == NULL)
		return -1;
	return outbox_mail(db, mem,
	    &(struct outbox_mail){
		PQgetvalue(res, from, C_EMAIL), subject, text, NULL, "tasks_digest", NULL, key },
	    NULL);
}

int
tasks_digest_run(struct db *db, const char *app_base_url, const char *day, long *mails)
{
	struct arena *mem;
	PGresult *res;
	const char *d;
	int rc = -1, n;

	*mails = 0;
	if ((mem = arena_new(TASKS_ARENA)) == NULL)
		return -1;
	res = db_query(db, mem, &tasks_sql[SQL_TASKS_DIGEST_DAY], 1, &day);
	if (res == NULL || PQntuples(res) != 1 ||
	    (d = arena_strdup(mem, PQgetvalue(res, 0, 0))) == NULL)
		goto out;
	if (db_begin(db) == -1)
		goto out;
	{
		const char *p[2] = { d, DEDUPE_PREFIX };
		res = db_query(db, mem, &tasks_sql[SQL_TASKS_DIGEST_DUE], 2, p);
	}
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	for (int from = 0, to; from < n; from = to) {
		for (to = from + 1; to < n &&
		     strcmp(PQgetvalue(res, to, C_USER), PQgetvalue(res, from, C_USER)) == 0;
		     to++)
			;
		if (queue_one(db, mem, res, from, to, d, app_base_url) == -1)
			goto fail;
		log_info("tasks", "digest %s for user %s: %d task(s)", d,
		    PQgetvalue(res, from, C_USER), to - from);
		++*mails;
	}
	if (db_commit(db) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	*mails = 0;
out:
	arena_free(mem);
	if (rc == -1)
		log_error("tasks", "digest run failed");
	return rc;
}
