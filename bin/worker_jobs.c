/*
 * worker_jobs: scheduled jobs in bin/izzy-worker (issue 9, OR-12).
 *
 * A job is one row of the table below and one function.  The worker calls
 * jobs_run_due() after each outbox pass; a job runs when its
 * "ScheduledJobRun"."nextRunAt" (schema 0020) has passed:
 *   1. pg_try_advisory_lock('izzy-job:<name>') -- busy: another worker runs
 *      it, skipped (one instance across workers; the lock dies with the
 *      connection, so a killed worker never blocks it);
 *   2. under the lock, "startedAt" = now() if still due (jobs_start);
 *   3. the job's function, in one transaction; it fills counts (a JSON
 *      object of what it changed);
 *   4. "endedAt", ok, counts, "lastError" and the next run: the next
 *      daily_at local time (Europe/Warsaw, APP_TIMEZONE) or now + every_min;
 *   5. the lock is released.
 * Start and end are logged with the local time and the counts (tag "jobs").
 * Jobs are idempotent (set-based UPDATE/DELETE on conditions that no longer
 * hold once done), so running one twice, or again after a crash, is safe.
 * Tests run a job at once with `izzy-worker --run-job NAME`.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/retention.h"
#include "common/tasks.h"

#include "worker_jobs.h"
#include "worker_jobs.sql.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct job_counts {
	char json[512];
	size_t len;
};

typedef int (*job_fn)(struct db *, struct job_counts *);

struct job {
	const char *name;
	const char *daily_at; /* "HH:MM" local time, or NULL */
	int every_min;        /* when daily_at is NULL: minutes between runs */
	bool own_tx;          /* the function opens and commits its own transactions */
	job_fn run;
	const char *what; /* one line for --list-jobs and the log */
};

static int job_expire_links(struct db *, struct job_counts *);
static int job_cleanup(struct db *, struct job_counts *);
static int job_retention(struct db *, struct job_counts *);
static int job_tasks_digest(struct db *, struct job_counts *);
static int job_form_reminders(struct db *, struct job_counts *);
static int job_sla(struct db *, struct job_counts *);

/* The worker's settings, for the jobs that need them (retention). */
static const struct cfg *jobs_cfg;

/* The jobs: add a row and its function (docs/DEVELOPING.md). */
static const struct job jobs[] = {
	/* name, daily_at, every_min, own_tx, function, what */
	{ "expire_links", "02:30", 0, false, job_expire_links,
	    "application-form links and client sessions past their expiry" },
	{ "cleanup", NULL, 60, false, job_cleanup,
	    "expired sessions, password tokens, rate-limit rows and the board's old change log" },
	{ "retention", "03:30", 0, true, job_retention,
	    "leads past their retention: notice to the admins, then anonymisation (RETENTION_*)" },
	{ "tasks_digest", "07:00", 0, true, job_tasks_digest,
	    "the daily e-mail of each user's tasks due today or overdue (common/tasks.c)" },
	{ "form_reminders", NULL, 60, false, job_form_reminders,
	    "reminders to clients: 24 h after the form link, 5 days before it expires" },
	{ "sla", NULL, 5, false, job_sla,
	    "response-time (SLA) breaches recorded, alerts to the assignee then the supervisors" },
};

int
jobs_init(struct db *db, const struct cfg *c)
{
	jobs_cfg = c;
	return db_register(db, worker_jobs_sql, WORKER_JOBS_SQL__MAX) == -1 ||
		audit_init(db) == -1 || outbox_init(db) == -1 || retention_init(db) == -1 ||
		tasks_init(db) == -1
	    ? -1
	    : 0;
}

/* Runs statement which; adds "key": <rows changed> to c.  -1 on failure. */
static int
count_stmt(struct db *db, struct job_counts *c, enum worker_jobs_sql which, const char *key)
{
	PGresult *res = db_run(db, &worker_jobs_sql[which], 0, NULL);
	int n;

	if (res == NULL)
		return -1;
	n = snprintf(c->json + c->len, sizeof(c->json) - c->len, "%s\"%s\":%s",
	    c->len > 1 ? "," : "", key, *PQcmdTuples(res) != '\0' ? PQcmdTuples(res) : "0");
	PQclear(res);
	if (n < 0 || (size_t)n >= sizeof(c->json) - c->len)
		return -1;
	c->len += (size_t)n;
	return 0;
}

/*
 * expire_links, nightly: forms whose link has expired stop counting as
 * "client active", and their client sessions end.  Offer links (FR-25,
 * common/offerlink.h) carry their expiry inside the signed link and are
 * refused by verify once expired: nothing of them is stored to expire.
 */
static int
job_expire_links(struct db *db, struct job_counts *c)
{
	return count_stmt(db, c, SQL_JOBS_EXPIRE_FORMS, "formsDeactivated") == -1 ||
		count_stmt(db, c, SQL_JOBS_EXPIRE_CLIENT_SESSIONS, "clientSessionsRevoked") == -1
	    ? -1
	    : 0;
}

/* cleanup, hourly: rows nobody can use any more. */
static int
job_cleanup(struct db *db, struct job_counts *c)
{
	return count_stmt(db, c, SQL_JOBS_CLEANUP_SESSIONS, "sessions") == -1 ||
		count_stmt(db, c, SQL_JOBS_CLEANUP_CLIENT_SESSIONS, "clientSessions") == -1 ||
		count_stmt(db, c, SQL_JOBS_CLEANUP_PASSWORD_TOKENS, "passwordTokens") == -1 ||
		count_stmt(db, c, SQL_JOBS_CLEANUP_RATE_LIMITS, "rateLimits") == -1 ||
		count_stmt(db, c, SQL_JOBS_CLEANUP_LEAD_CHANGES, "leadChanges") == -1
	    ? -1
	    : 0;
}

/*
 * retention, nightly: common/retention.c, the same run as `izzyctl retention
 * run`; it commits batch by batch (own_tx), so a failure keeps the batches
 * before it.  Another run holding the retention lock is not a failure.
 */
static int
job_retention(struct db *db, struct job_counts *c)
{
	struct retention_counts rc = { 0 };
	int r = retention_run(db, jobs_cfg, false, "worker", NULL, &rc);
	int n;

	if (r == -1)
		return -1;
	n = snprintf(c->json + c->len, sizeof(c->json) - c->len,
	    "\"noticed\":%ld,\"anonymised\":%ld,\"exempt\":%ld,\"skipped\":%ld,\"mails\":%ld%s",
	    rc.noticed, rc.anonymised, rc.exempt, rc.skipped, rc.mails,
	    r == 1 ? ",\"lockedElsewhere\":true" : "");
	if (n < 0 || (size_t)n >= sizeof(c->json) - c->len)
		return -1;
	c->len += (size_t)n;
	return 0;
}

/* tasks_digest, every morning: common/tasks.c, as `izzyctl tasks digest`, which opens and
 * commits its own transaction (own_tx). */
static int
job_tasks_digest(struct db *db, struct job_counts *c)
{
	long mails = 0;
	int n;

	if (tasks_digest_run(db, jobs_cfg->app_base_url, NULL, &mails) == -1)
		return -1;
	n = snprintf(c->json + c->len, sizeof(c->json) - c->len, "\"mails\":%ld", mails);
	if (n < 0 || (size_t)n >= sizeof(c->json) - c->len)
		return -1;
	c->len += (size_t)n;
	return 0;
}

/*
 * form_reminders, hourly (FR-54): one e-mail per due reminder, through the
 * outbox with the reminder's dedupe key, so a second run (or a second
 * worker) queues nothing twice.
 */
static int
job_form_reminders(struct db *db, struct job_counts *c)
{
	const char *p[1] = { jobs_cfg->app_timezone };
	struct arena *mem = arena_new(64 * 1024);
	PGresult *res;
	long queued = 0;
	int n, rc = 0;

	if (mem == NULL)
		return -1;
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_FORM_REMINDERS_DUE], 1, p)) == NULL) {
		arena_free(mem);
		return -1;
	}
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		bool expiry = strcmp(PQgetvalue(res, i, 4), "expiry") == 0;
		const char *name = PQgetvalue(res, i, 3);
		const char *text = arena_printf(mem,
		    "Dzień dobry%s%s,\n\n%s\n\nAby kontynuować, otwórz link z naszej wcześniejszej "
		    "wiadomości i podaj kod dostępu. Link jest ważny do %s.\n\nJeśli wniosek nie "
		    "jest już "
		    "aktualny, zignoruj tę wiadomość.\n",
		    *name != '\0' ? " " : "", name,
		    expiry ? "przypominamy, że link do wniosku o finansowanie wkrótce wygaśnie."
			   : "przypominamy o rozpoczętym wniosku o finansowanie.",
		    PQgetvalue(res, i, 6));
		struct outbox_mail m = {
			.to = PQgetvalue(res, i, 2),
			.subject =
			    expiry ? "Link do wniosku wkrótce wygaśnie" : "Przypomnienie o wniosku",
			.text = text,
			.template = expiry ? "form_reminder_expiry" : "form_reminder_24h",
			.lead_id = PQgetvalue(res, i, 1),
			.dedupe_key = PQgetvalue(res, i, 5),
		};
		if (text == NULL || outbox_mail(db, mem, &m, NULL) == -1)
			rc = -1;
		else
			queued++;
	}
	PQclear(res);
	arena_free(mem);
	if (rc == -1)
		return -1;
	n = snprintf(c->json + c->len, sizeof(c->json) - c->len, "\"mails\":%ld", queued);
	if (n < 0 || (size_t)n >= sizeof(c->json) - c->len)
		return -1;
	c->len += (size_t)n;
	return 0;
}

/* Columns of jobs_sla_alerts_due. */
enum {
	SLA_LEAD,
	SLA_KIND,
	SLA_DUE,
	SLA_LEVEL,
	SLA_USER,
	SLA_EMAIL,
	SLA_NAME,
	SLA_CUSTOMER,
	SLA_KEY
};

/*
 * sla, every 5 minutes (issue 13, schema 0030): records the breaches of
 * deadlines passed unmet, then queues one e-mail per alert due (the lead's
 * assignee first, the supervisors after escalateMinutes) with its dedupe
 * key, so a second run, or a second worker, queues nothing twice.
 */
static int
job_sla(struct db *db, struct job_counts *c)
{
	struct arena *mem;
	PGresult *res;
	long queued = 0;
	int n, rc = 0;

	if (count_stmt(db, c, SQL_JOBS_SLA_BREACH_FIRST, "firstContactBreaches") == -1 ||
	    count_stmt(db, c, SQL_JOBS_SLA_BREACH_FOLLOW_UP, "followUpBreaches") == -1)
		return -1;
	if ((mem = arena_new(256 * 1024)) == NULL)
		return -1;
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_SLA_ALERTS_DUE], 0, NULL)) == NULL) {
		arena_free(mem);
		return -1;
	}
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		bool first = strcmp(PQgetvalue(res, i, SLA_KIND), "FIRST_CONTACT") == 0;
		bool sup = strcmp(PQgetvalue(res, i, SLA_LEVEL), "supervisor") == 0;
		const char *base = jobs_cfg != NULL && jobs_cfg->app_base_url != NULL
		    ? jobs_cfg->app_base_url
		    : "";
		const char *what = first ? "pierwszego kontaktu" : "kolejnego kontaktu";
		const char *text = arena_printf(mem,
		    "Dzień dobry %s,\n\n%s termin %s z klientem (%s) minął %s i nadal nie ma "
		    "kontaktu.\n\n%s/leads/%s\n",
		    PQgetvalue(res, i, SLA_NAME),
		    sup ? "Eskalacja SLA:" : "Przekroczono SLA:", what,
		    PQgetvalue(res, i, SLA_CUSTOMER), PQgetvalue(res, i, SLA_DUE), base,
		    PQgetvalue(res, i, SLA_LEAD));
		const char *subject = arena_printf(mem, "%s: brak %s (termin %s)",
		    sup ? "Eskalacja SLA" : "Przekroczone SLA", what, PQgetvalue(res, i, SLA_DUE));
		struct outbox_mail m = {
			.to = PQgetvalue(res, i, SLA_EMAIL),
			.subject = subject,
			.text = text,
			.template = sup ? "sla_breach_supervisor" : "sla_breach_assignee",
			.dedupe_key = PQgetvalue(res, i, SLA_KEY),
		};
		if (text == NULL || subject == NULL || outbox_mail(db, mem, &m, NULL) == -1)
			rc = -1;
		else {
			log_info("jobs", "sla alert %s %s for lead %s to user %s",
			    PQgetvalue(res, i, SLA_KIND), PQgetvalue(res, i, SLA_LEVEL),
			    PQgetvalue(res, i, SLA_LEAD), PQgetvalue(res, i, SLA_USER));
			queued++;
		}
	}
	PQclear(res);
	arena_free(mem);
	if (rc == -1)
		return -1;
	n = snprintf(c->json + c->len, sizeof(c->json) - c->len, ",\"mails\":%ld", queued);
	if (n < 0 || (size_t)n >= sizeof(c->json) - c->len)
		return -1;
	c->len += (size_t)n;
	return 0;
}

static void
unlock(struct db *db, const char *name)
{
	const char *p[1] = { name };
	PGresult *res = db_run(db, &worker_jobs_sql[SQL_JOBS_UNLOCK], 1, p);

	if (res != NULL)
		PQclear(res);
}

/*
 * One job, if due (or forced).  Returns 0 done or not due, 1 the job
 * failed, 3 locked elsewhere, -1 the database is unreachable.
 */
static int
run_job(struct db *db, const char *tz, const struct job *j, bool force)
{
	const char *p[7];
	char every[16], started[32];
	struct job_counts c = { "{", 1 };
	PGresult *res;
	bool ok;

	p[0] = j->name;
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_TRY_LOCK], 1, p)) == NULL)
		return -1;
	ok = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!ok) {
		log_info("jobs", "job %s is running in another worker; skipped", j->name);
		return 3;
	}
	p[1] = force ? "true" : "false";
	p[2] = tz;
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_ENSURE], 1, p)) == NULL)
		goto lost;
	PQclear(res);
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_START], 3, p)) == NULL)
		goto lost;
	if (PQntuples(res) != 1) { /* another worker ran it meanwhile */
		PQclear(res);
		unlock(db, j->name);
		return 0;
	}
	snprintf(started, sizeof(started), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	log_info("jobs", "job %s started at %s %s", j->name, started, tz);

	if (j->own_tx)
		ok = j->run(db, &c) == 0;
	else
		ok = db_begin(db) == 0 && j->run(db, &c) == 0 && db_commit(db) == 0;
	if (!ok) {
		if (!j->own_tx)
			db_rollback(db);
		snprintf(c.json, sizeof(c.json), "{}");
	} else {
		snprintf(c.json + c.len, sizeof(c.json) - c.len, "}");
	}
	snprintf(every, sizeof(every), "%d", j->every_min > 0 ? j->every_min : 60);
	p[1] = ok ? "true" : "false";
	p[2] = c.json;
	p[3] = ok ? NULL : "the job failed; see the worker log";
	p[4] = j->daily_at;
	p[5] = every;
	p[6] = tz;
	if ((res = db_run(db, &worker_jobs_sql[SQL_JOBS_END], 7, p)) == NULL)
		goto lost;
	if (PQntuples(res) == 1) {
		if (ok)
			log_info("jobs", "job %s ended at %s %s: %s; next run %s", j->name,
			    PQgetvalue(res, 0, 0), tz, c.json, PQgetvalue(res, 0, 1));
		else
			log_error("jobs", "job %s failed at %s %s; next run %s", j->name,
			    PQgetvalue(res, 0, 0), tz, PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	unlock(db, j->name);
	return ok ? 0 : 1;
lost:
	log_error("jobs", "job %s: the database is unreachable", j->name);
	unlock(db, j->name);
	return -1;
}

int
jobs_run_due(struct db *db, const char *tz)
{
	for (size_t i = 0; i < NELEM(jobs); i++)
		if (run_job(db, tz, &jobs[i], false) == -1)
			return -1;
	return 0;
}

int
jobs_run_now(struct db *db, const char *tz, const char *name)
{
	for (size_t i = 0; i < NELEM(jobs); i++)
		if (strcmp(jobs[i].name, name) == 0) {
			int rc = run_job(db, tz, &jobs[i], true);
			return rc == -1 ? 1 : rc;
		}
	log_error("jobs", "no job called %s", name);
	return 2;
}

void
jobs_list(void)
{
	for (size_t i = 0; i < NELEM(jobs); i++) {
		if (jobs[i].daily_at != NULL)
			printf("%s\tdaily %s\t%s\n", jobs[i].name, jobs[i].daily_at, jobs[i].what);
		else
			printf("%s\tevery %d min\t%s\n", jobs[i].name, jobs[i].every_min,
			    jobs[i].what);
	}
}
