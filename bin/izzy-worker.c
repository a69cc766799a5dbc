/*
 * izzy-worker: delivers the "Outbox" (ARCHITECTURE.md §5).  This version
 * handles the EMAIL channel only.
 *
 * Each pass: rows left SENDING by a crashed worker (lease of 10 minutes
 * expired) go back to PENDING; then due EMAIL rows are claimed 20 at a time
 * with one UPDATE ... FOR UPDATE SKIP LOCKED (several workers never send the
 * same row) and sent one by one over SMTP (common/mail.c):
 *   sent     -> SENT, "sentAt" = now(), "lastError" = NULL; when that
 *               UPDATE fails (database gone, a lock timeout, ...), it is
 *               retried and logged until it succeeds, never the delivery:
 *               the row keeps its SENDING lease meanwhile (record_sent)
 *   failure  -> PENDING again after 30 s x 2^(attempts-1) (at most 1 h),
 *               "lastError" = SMTP status text; FAILED after 8 attempts
 *   refused  -> FAILED at once (CR/LF in a header, no recipient address)
 * Mail not configured (no SMTP_HOST or EMAIL_FROM): one WARN per pass, rows
 * stay PENDING.
 *
 * Heartbeat: each pass, and each batch of a long pass, sets "WorkerHeartbeat"
 * row 'outbox' to now() with the poll interval; /api/health/ready and
 * /metrics report its age (a failed beat is logged, never fatal).
 *
 * Configuration (common/cfg.c cfg_load_worker): DATABASE_URL, EMAIL_FROM,
 * SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_SECURE,
 * IZZY_WORKER_POLL_SECONDS (5), IZZY_WORKER_ONCE (one pass, then exit).
 * SIGTERM/SIGINT: the row being sent is finished, the rest of the claimed
 * batch is released, exit 0.  Logs carry ids and template keys only.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cfg.h"
#include "common/db.h"
#include "common/log.h"
#include "common/mail.h"

#include "izzy-worker.sql.h"

#define MAX_ATTEMPTS "8"

static volatile sig_atomic_t stopping;
static struct cfg cfg;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
run_simple(struct db *db, enum worker_sql which, const char *id, const char *a, const char *b)
{
	const char *params[3] = { id, a, b };
	int n = b != NULL ? 3 : a != NULL ? 2 : 1;
	PGresult *res = db_run(db, &worker_sql[which], id != NULL ? n : 0, params);

	if (res != NULL)
		PQclear(res);
}

/* Sleeps ms milliseconds; a signal only shortens it. */
static void
pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Marks a delivered row SENT.  The message is already with the recipient's
 * server, so sending it again would duplicate it: on failure the UPDATE is
 * retried (db_run reconnects), backing off from 1 s to 30 s, and the row's
 * SENDING lease is renewed each time so that no worker takes it up again.
 * Even after SIGTERM it keeps trying for STOP_GRACE_MS before it gives up
 * with an error naming the row.
 */
#define STOP_GRACE_MS 20000L
static void
record_sent(struct db *db, const char *id)
{
	const char *params[1] = { id };
	long wait_ms = 1000, waited_after_stop = 0;
	PGresult *res;

	for (int attempt = 1;; attempt++) {
		if ((res = db_run(db, &worker_sql[SQL_WORKER_SENT], 1, params)) != NULL) {
			PQclear(res);
			if (attempt > 1)
				log_info("mail", "mail %s recorded as SENT after %d attempts", id,
				    attempt);
			return;
		}
		if (stopping && waited_after_stop >= STOP_GRACE_MS) {
			log_error("mail",
			    "mail %s was delivered but could not be recorded as SENT; "
			    "it stays SENDING and may be sent again when its lease ends",
			    id);
			return;
		}
		log_warn("mail",
		    "mail %s was delivered but recording it as SENT failed (attempt %d); "
		    "retrying the update in %ld ms, not the delivery",
		    id, attempt, wait_ms);
		pause_ms(wait_ms);
		if (stopping)
			waited_after_stop += wait_ms;
		if ((res = db_run(db, &worker_sql[SQL_WORKER_HOLD], 1, params)) != NULL)
			PQclear(res);
		wait_ms = wait_ms * 2 > 30000 ? 30000 : wait_ms * 2;
	}
}

/* Sends one claimed row and records the outcome. */
static void
deliver(struct db *db, const struct mail_transport *t, PGresult *res, int row)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *tmpl = PQgetvalue(res, row, 5);
	struct mail_message m = {
		.to = PQgetvalue(res, row, 1),
		.subject = PQgetvalue(res, row, 2),
		.text = PQgetvalue(res, row, 3),
		.html = PQgetisnull(res, row, 4) ? NULL : PQgetvalue(res, row, 4),
	};
	char err[512];
	enum mail_result rc = mail_send(t, &m, err, sizeof(err));

	switch (rc) {
	case MAIL_SENT:
		log_info("mail", "sent %s mail %s", tmpl, id);
		record_sent(db, id);
		break;
	case MAIL_REFUSED:
		run_simple(db, SQL_WORKER_REFUSED, id, err, NULL);
		log_error("mail", "[mail] Failed to send message %s: %s", id, err);
		break;
	case MAIL_RETRY:
		run_simple(db, SQL_WORKER_RETRY, id, err, MAX_ATTEMPTS);
		log_warn("mail", "[mail] Failed to send message %s: %s (attempt %s of %s)", id, err,
		    PQgetvalue(res, row, 6), MAX_ATTEMPTS);
		break;
	}
}

/* Records that the outbox loop is alive (see the heartbeat above). */
static void
heartbeat(struct db *db)
{
	char poll[32];

	snprintf(poll, sizeof(poll), "%ld", cfg.worker_poll_s);
	run_simple(db, SQL_WORKER_HEARTBEAT, "outbox", poll, NULL);
}

/* One pass over the due e-mail; -1 when the database is unreachable. */
static int
pass(struct db *db)
{
	struct mail_transport t = {
		.host = cfg.smtp_host,
		.port = cfg.smtp_port,
		.user = cfg.smtp_user,
		.password = cfg.smtp_password,
		.secure = cfg.smtp_secure,
		.from = cfg.email_from,
	};
	PGresult *res;

	heartbeat(db);
	if ((res = db_run(db, &worker_sql[SQL_WORKER_REQUEUE_STUCK], 0, NULL)) == NULL)
		return -1;
	if (strcmp(PQcmdTuples(res), "0") != 0)
		log_warn("worker", "%s e-mail(s) left SENDING by a stopped worker are due again",
		    PQcmdTuples(res));
	PQclear(res);
	if (t.host == NULL || t.from == NULL) {
		log_warn("mail", "[mail] Transport not configured");
		return 0;
	}
	while (!stopping) {
		int n, i;

		if ((res = db_run(db, &worker_sql[SQL_WORKER_CLAIM_EMAIL], 0, NULL)) == NULL)
			return -1;
		n = PQntuples(res);
		for (i = 0; i < n && !stopping; i++)
			deliver(db, &t, res, i);
		for (; i < n; i++)
			run_simple(db, SQL_WORKER_RELEASE, PQgetvalue(res, i, 0), NULL, NULL);
		PQclear(res);
		if (n < 20)
			break;
		heartbeat(db);
	}
	return 0;
}

/* Sleeps up to s seconds, returning early on a signal. */
static void
nap(long s)
{
	struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 };

	for (long i = 0; i < s && !stopping; i++)
		nanosleep(&ts, NULL);
}

int
main(void)
{
	char err[256];
	struct db *db;
	struct sigaction sa;
	int rc = 0;

	log_init("izzy-worker");
	if (cfg_load_worker(&cfg, err, sizeof(err)) == -1) {
		log_error("worker", "%s", err);
		return 1;
	}
	cfg_set(&cfg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if ((db = db_new(cfg.database_url, cfg.db_statement_timeout_ms)) == NULL)
		return 1;
	if (db_register(db, worker_sql, WORKER_SQL__MAX) == -1) {
		db_free(db);
		return 1;
	}
	log_info("worker", "started (e-mail %s, poll %lds)",
	    cfg.smtp_host != NULL && cfg.email_from != NULL ? "on" : "off", cfg.worker_poll_s);
	while (!stopping) {
		if (pass(db) == -1 && cfg.worker_once)
			rc = 1;
		if (cfg.worker_once)
			break;
		log_debug("worker", "idle for %lds", cfg.worker_poll_s);
		nap(cfg.worker_poll_s);
	}
	log_info("worker", "stopped");
	db_free(db);
	return rc;
}
