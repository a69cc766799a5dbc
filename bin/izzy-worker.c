/*
 * izzy-worker: delivers the "Outbox" (ARCHITECTURE.md §5): EMAIL over SMTP,
 * SMS through SMSAPI.pl (spec §5.6, OR-17) and the CRM webhook (§5.7, SR-29),
 * both over HTTPS with libcurl.  Every attempt outcome is also a row of the
 * lead's "CommunicationLog" (SENT, FAILED = retried later, DEAD = dead letter).
 *
 * Each pass: rows left SENDING by a crashed worker (lease of 10 minutes
 * expired) go back to PENDING; then due rows of the configured channels are claimed 20 at a time
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
 * stay PENDING; the same for SMS without SMSAPI_TOKEN and webhooks without
 * CRM_WEBHOOK_URL.
 * SMS: POST SMSAPI_URL?to=<digits>&message=...&format=json&encoding=utf-8
 * &from=<SMSAPI_SENDER_NAME>[&test=1], Bearer SMSAPI_TOKEN; the answer is
 * classified by outbox_smsapi_outcome (error 14 is a dead letter, 5xx and
 * time-outs are retried).  Webhook: POST CRM_WEBHOOK_URL with the stored JSON,
 * Bearer CRM_WEBHOOK_TOKEN, Idempotency-Key; 2xx sent, 5xx/time-out retried,
 * other 4xx dead.  Time-out IZZY_WORKER_HTTP_TIMEOUT_SECONDS (10).
 * Partner webhooks (issue 14): WEBHOOK rows with a "webhookId" go to the
 * subscription's URL, signed (deliver_partner_hook); they need no setting.
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
 *
 * Scheduled jobs (bin/worker_jobs.c, OR-12) run after each pass when due.
 * `izzy-worker --run-job NAME` runs one job now and exits (0 done, 1 failed,
 * 2 unknown job, 3 running elsewhere); `--list-jobs` lists them.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "common/cfg.h"
#include "common/crypto.h"
#include "common/netaddr.h"
#include "common/db.h"
#include "common/id.h"
#include "common/log.h"
#include "common/mail.h"
#include "common/outbox.h"

#include "izzy-worker.sql.h"
#include "worker_jobs.h"

/* The lead-inbox poller (IMAP, spec §5.2). */
#include "bin/worker_imap.h"

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
 * Marks a delivered row SENT, with its SENT row in the lead's communication
 * log in the same statement (worker_sent).  The message is already with the recipient's
 * server, so sending it again would duplicate it: on failure the UPDATE is
 * retried (db_run reconnects), backing off from 1 s to 30 s, and the row's
 * SENDING lease is renewed each time so that no worker takes it up again.
 * Even after SIGTERM it keeps trying for STOP_GRACE_MS before it gives up
 * with an error naming the row.
 */
#define STOP_GRACE_MS 20000L
static void
record_sent(struct db *db, const char *tag, const char *id, const char *msgid)
{
	char lid[ID_SIZE] = "";
	const char *params[3] = { id, lid, msgid != NULL && *msgid != '\0' ? msgid : NULL };
	long wait_ms = 1000, waited_after_stop = 0;
	PGresult *res;

	for (int attempt = 1;; attempt++) {
		if ((*lid != '\0' || id_new(lid) == 0) &&
		    (res = db_run(db, &worker_sql[SQL_WORKER_SENT], 3, params)) != NULL) {
			PQclear(res);
			if (attempt > 1)
				log_info(tag, "%s %s recorded as SENT after %d attempts", tag, id,
				    attempt);
			return;
		}
		if (stopping && waited_after_stop >= STOP_GRACE_MS) {
			log_error(tag,
			    "%s %s was delivered but could not be recorded as SENT; "
			    "it stays SENDING and may be sent again when its lease ends",
			    tag, id);
			return;
		}
		log_warn(tag,
		    "%s %s was delivered but recording it as SENT failed (attempt %d); "
		    "retrying the update in %ld ms, not the delivery",
		    tag, id, attempt, wait_ms);
		pause_ms(wait_ms);
		if (stopping)
			waited_after_stop += wait_ms;
		if ((res = db_run(db, &worker_sql[SQL_WORKER_HOLD], 1, params)) != NULL)
			PQclear(res);
		wait_ms = wait_ms * 2 > 30000 ? 30000 : wait_ms * 2;
	}
}

/* One row of the lead's communication log for an attempt outcome. */
static void
log_attempt(struct db *db, const char *id, const char *status, const char *err, const char *msgid)
{
	char lid[ID_SIZE];
	const char *params[5] = { lid, id, status, err != NULL && *err != '\0' ? err : NULL,
		msgid != NULL && *msgid != '\0' ? msgid : NULL };
	PGresult *res;

	if (id_new(lid) == -1)
		return;
	if ((res = db_run(db, &worker_sql[SQL_WORKER_LOG_ATTEMPT], 5, params)) != NULL)
		PQclear(res);
	else
		log_error("worker", "could not log the %s attempt of message %s", status, id);
}

/*
 * Records a failed attempt: back to PENDING with back-off, or the dead letter
 * (FAILED) after MAX_ATTEMPTS or at once when dead; returns true when dead.
 */
static bool
record_failure(struct db *db, const char *id, const char *err, bool dead)
{
	const char *params[3] = { id, err, MAX_ATTEMPTS };
	PGresult *res;
	bool is_dead = dead;

	if (dead)
		run_simple(db, SQL_WORKER_REFUSED, id, err, NULL);
	else if ((res = db_run(db, &worker_sql[SQL_WORKER_RETRY], 3, params)) != NULL) {
		is_dead = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "FAILED") == 0;
		PQclear(res);
	}
	log_attempt(db, id, is_dead ? "DEAD" : "FAILED", err, NULL);
	return is_dead;
}

/* Sends one claimed e-mail row and records the outcome. */
static void
deliver_mail(struct db *db, const struct mail_transport *t, PGresult *res, int row)
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
		record_sent(db, "mail", id, NULL);
		break;
	case MAIL_REFUSED:
		record_failure(db, id, err, true);
		log_error("mail", "[mail] Failed to send message %s: %s", id, err);
		break;
	case MAIL_RETRY:
		record_failure(db, id, err, false);
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

/* The answer of an HTTP call, at most 4 KB kept. */
struct http_answer {
	char body[4096];
	size_t len;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct http_answer *a = arg;
	size_t take = size * n;

	if (take > sizeof(a->body) - 1 - a->len)
		take = sizeof(a->body) - 1 - a->len;
	memcpy(a->body + a->len, p, take);
	a->len += take;
	a->body[a->len] = '\0';
	return size * n;
}

/*
 * Where a URL typed outside the company (a partner's webhook) may connect:
 * public addresses only, checked on the address curl is about to connect to
 * (after DNS, so a name that resolves to 127.0.0.1 or the cloud's metadata
 * service is caught, also on a redirect or a re-resolution).  refused says
 * the request ended for that reason.
 */
struct addr_guard {
	bool refused;
};

static curl_socket_t
open_public_only(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct addr_guard *g = clientp;

	(void)purpose;
	if (!netaddr_is_public(&addr->addr)) {
		g->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/*
 * POSTs body (may be empty) to url with headers; returns the HTTP status, 0
 * when there was no answer (curl's error text in cerr).  The transfer is not
 * interrupted by SIGTERM: the message in hand is finished.  With a guard, only
 * public addresses are reached, without a proxy.
 */
static long
http_post(const char *url, struct curl_slist *headers, const char *body, struct http_answer *a,
    struct addr_guard *guard, char *cerr, size_t cerrlen)
{
	CURL *c = curl_easy_init();
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	a->len = 0;
	a->body[0] = '\0';
	if (c == NULL) {
		snprintf(cerr, cerrlen, "curl_easy_init failed");
		return 0;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg.worker_http_timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg.worker_http_timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	if (guard != NULL) {
		guard->refused = false;
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public_only);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, guard);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(cerr, cerrlen, "%s", *ebuf != '\0' ? ebuf : curl_easy_strerror(rc));
	curl_easy_cleanup(c);
	return status;
}

/* Appends "Authorization: Bearer <token>" to h; NULL on failure. */
static struct curl_slist *
add_bearer(struct curl_slist *h, const char *token)
{
	char line[1024];

	if ((size_t)snprintf(line, sizeof(line), "Authorization: Bearer %s", token) >= sizeof(line))
		return NULL;
	return curl_slist_append(h, line);
}

/* Sends one claimed SMS row through SMSAPI and records the outcome. */
static void
deliver_sms(struct db *db, PGresult *res, int row)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *tmpl = PQgetvalue(res, row, 5);
	const char *attempt = PQgetvalue(res, row, 6);
	char to[32], err[512] = "", cerr[256] = "", msgid[128], *url = NULL;
	char *msg = NULL, *from = NULL;
	struct curl_slist *h = NULL;
	struct http_answer a;
	enum outbox_outcome oc;
	long status;
	size_t n;

	if (outbox_phone_digits(PQgetvalue(res, row, 1), to, sizeof(to)) == -1) {
		record_failure(db, id, "no valid phone number", true);
		log_error("sms", "[sms] Failed to send sms %s: no valid phone number", id);
		return;
	}
	msg = curl_easy_escape(NULL, PQgetvalue(res, row, 3), 0);
	from = curl_easy_escape(NULL, cfg.smsapi_sender, 0);
	n = strlen(cfg.smsapi_url) + strlen(to) + (msg != NULL ? strlen(msg) : 0) +
	    (from != NULL ? strlen(from) : 0) + 128;
	if (msg == NULL || from == NULL || (url = malloc(n)) == NULL ||
	    (h = add_bearer(NULL, cfg.smsapi_token)) == NULL) {
		record_failure(db, id, "out of memory", false);
		goto out;
	}
	snprintf(url, n, "%s%sto=%s&message=%s&format=json&encoding=utf-8&from=%s%s",
	    cfg.smsapi_url, strchr(cfg.smsapi_url, '?') != NULL ? "&" : "?", to, msg, from,
	    cfg.smsapi_test ? "&test=1" : "");
	status = http_post(url, h, "", &a, NULL, cerr, sizeof(cerr));
	oc = outbox_smsapi_outcome(status, a.body, err, sizeof(err), msgid, sizeof(msgid));
	if (status == 0)
		snprintf(err, sizeof(err), "SMSAPI error: %s", cerr);
	switch (oc) {
	case OUTBOX_SENT:
		log_info("sms", "[sms] Sent %s sms %s (msgId: %s, attempt: %s)", tmpl, id,
		    *msgid != '\0' ? msgid : "n/a", attempt);
		record_sent(db, "sms", id, msgid);
		break;
	case OUTBOX_RETRY:
	case OUTBOX_DEAD:
		/* The provider's message may quote the number: only the status or code is logged. */
		if (record_failure(db, id, err, oc == OUTBOX_DEAD))
			log_error("sms", "[sms] Failed to send sms %s after %s attempts (HTTP %ld)",
			    id, attempt, status);
		else
			log_warn("sms", "[sms] Attempt %s/%s failed for sms %s (HTTP %ld)", attempt,
			    MAX_ATTEMPTS, id, status);
		break;
	}
out:
	curl_slist_free_all(h);
	free(url);
	curl_free(msg);
	curl_free(from);
}

/* Sends one claimed webhook row to the CRM and records the outcome. */
static void
deliver_webhook(struct db *db, PGresult *res, int row)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *event = PQgetvalue(res, row, 5);
	const char *attempt = PQgetvalue(res, row, 6);
	char line[512], err[512], cerr[256] = "";
	struct curl_slist *h = NULL;
	struct http_answer a;
	enum outbox_outcome oc;
	long status;

	snprintf(line, sizeof(line), "Idempotency-Key: %s", PQgetvalue(res, row, 8));
	if ((h = curl_slist_append(NULL, "Content-Type: application/json")) == NULL ||
	    curl_slist_append(h, line) == NULL ||
	    (cfg.crm_webhook_token != NULL && add_bearer(h, cfg.crm_webhook_token) == NULL)) {
		record_failure(db, id, "out of memory", false);
		curl_slist_free_all(h);
		return;
	}
	status = http_post(
	    cfg.crm_webhook_url, h, PQgetvalue(res, row, 3), &a, NULL, cerr, sizeof(cerr));
	curl_slist_free_all(h);
	oc = outbox_webhook_outcome(status);
	if (status == 0)
		snprintf(err, sizeof(err), "Failed to send webhook: %s", cerr);
	else
		snprintf(err, sizeof(err), "Non-200 response %ld", status);
	switch (oc) {
	case OUTBOX_SENT:
		log_info("crm-webhook",
		    "[crm-webhook] Delivered %s event %s (HTTP %ld, attempt %s)", event, id, status,
		    attempt);
		record_sent(db, "crm-webhook", id, NULL);
		break;
	case OUTBOX_RETRY:
	case OUTBOX_DEAD:
		if (record_failure(db, id, err, oc == OUTBOX_DEAD))
			log_error("crm-webhook",
			    "[crm-webhook] %s for event %s; dead letter after %s attempts", err, id,
			    attempt);
		else
			log_warn("crm-webhook", "[crm-webhook] %s for event %s (attempt %s of %s)",
			    err, id, attempt, MAX_ATTEMPTS);
		break;
	}
}

/* Appends "<name>: <value>" to h; NULL on failure (h is then still the caller's). */
static struct curl_slist *
add_header(struct curl_slist *h, const char *name, const char *value)
{
	char line[512];

	if ((size_t)snprintf(line, sizeof(line), "%s: %s", name, value) >= sizeof(line))
		return NULL;
	return curl_slist_append(h, line);
}

/*
 * Sends one claimed partner webhook row (issue 14, docs/partner-api.md) to
 * its subscription's URL and records the outcome; the HTTP path, outcome
 * rule, back-off and dead letter are the CRM webhook's.  Headers:
 * X-Izzy-Event, X-Izzy-Delivery (the Outbox id: the same on every retry, so
 * the partner can drop a repeat), X-Izzy-Timestamp (Unix seconds of this
 * attempt) and X-Izzy-Signature: sha256=<HMAC of "<timestamp>.<body>">
 * (crypto_webhook_sign).  An http:// URL is a dead letter in production.
 */
static void
deliver_partner_hook(struct db *db, PGresult *res, int row)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *event = PQgetvalue(res, row, 5);
	const char *attempt = PQgetvalue(res, row, 6);
	const char *body = PQgetvalue(res, row, 3);
	const char *url = PQgetvalue(res, row, 10);
	const char *secret = PQgetvalue(res, row, 11);
	char ts[32], sig[CRYPTO_SHA256_HEX], sigh[CRYPTO_SHA256_HEX + 8], code[16];
	char err[512], cerr[256] = "";
	const char *params[2] = { id, code };
	struct curl_slist *h = NULL;
	struct http_answer a;
	struct addr_guard guard = { false };
	enum outbox_outcome oc;
	PGresult *r2;
	long status;

	if (cfg.env == CFG_ENV_PRODUCTION && strncmp(url, "https://", 8) != 0) {
		record_failure(db, id, "the webhook URL must be https:// in production", true);
		log_error(
		    "partner-webhook", "[partner-webhook] delivery %s refused: not https", id);
		return;
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	if (crypto_webhook_sign(sig, secret, strlen(secret), ts, body, strlen(body)) == -1) {
		record_failure(db, id, "signing failed", false);
		return;
	}
	snprintf(sigh, sizeof(sigh), "sha256=%s", sig);
	if ((h = curl_slist_append(NULL, "Content-Type: application/json")) == NULL ||
	    add_header(h, "X-Izzy-Event", event) == NULL ||
	    add_header(h, "X-Izzy-Delivery", id) == NULL ||
	    add_header(h, "X-Izzy-Timestamp", ts) == NULL ||
	    add_header(h, "X-Izzy-Signature", sigh) == NULL) {
		record_failure(db, id, "out of memory", false);
		curl_slist_free_all(h);
		return;
	}
	status = http_post(
	    url, h, body, &a, cfg.webhook_public_only ? &guard : NULL, cerr, sizeof(cerr));
	curl_slist_free_all(h);
	if (guard.refused) {
		record_failure(db, id, "the webhook URL leads to a private or local address", true);
		log_error("partner-webhook",
		    "[partner-webhook] delivery %s refused: a private or local address", id);
		return;
	}
	snprintf(code, sizeof(code), "%ld", status);
	if (status == 0)
		params[1] = NULL;
	if ((r2 = db_run(db, &worker_sql[SQL_WORKER_HTTP_STATUS], 2, params)) != NULL)
		PQclear(r2);
	oc = outbox_webhook_outcome(status);
	if (status == 0)
		snprintf(err, sizeof(err), "Failed to send webhook: %s", cerr);
	else
		snprintf(err, sizeof(err), "Non-2xx response %ld", status);
	switch (oc) {
	case OUTBOX_SENT:
		log_info("partner-webhook",
		    "[partner-webhook] Delivered %s delivery %s (HTTP %ld, attempt %s)", event, id,
		    status, attempt);
		record_sent(db, "partner-webhook", id, NULL);
		break;
	case OUTBOX_RETRY:
	case OUTBOX_DEAD:
		if (record_failure(db, id, err, oc == OUTBOX_DEAD))
			log_error("partner-webhook",
			    "[partner-webhook] %s for delivery %s; dead letter after %s attempts",
			    err, id, attempt);
		else
			log_warn("partner-webhook",
			    "[partner-webhook] %s for delivery %s (attempt %s of %s)", err, id,
			    attempt, MAX_ATTEMPTS);
		break;
	}
}

/* One pass over the due messages; -1 when the database is unreachable. */
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
	bool mail_on = t.host != NULL && t.from != NULL;
	char channels[64];
	const char *params[1] = { channels };
	PGresult *res;

	heartbeat(db);
	if ((res = db_run(db, &worker_sql[SQL_WORKER_REQUEUE_STUCK], 0, NULL)) == NULL)
		return -1;
	if (strcmp(PQcmdTuples(res), "0") != 0)
		log_warn("worker", "%s message(s) left SENDING by a stopped worker are due again",
		    PQcmdTuples(res));
	PQclear(res);
	if (!mail_on)
		log_warn("mail", "[mail] Transport not configured");
	snprintf(channels, sizeof(channels), "{%s%s%s}", mail_on ? "EMAIL," : "",
	    cfg.smsapi_token != NULL ? "SMS," : "", cfg.crm_webhook_url != NULL ? "WEBHOOK," : "");
	/* Partner webhooks need no configuration: the pass runs even with "{}". */
	if (strcmp(channels, "{}") != 0) {
		channels[strlen(channels) - 2] = '}';
		channels[strlen(channels) - 1] = '\0';
	}
	while (!stopping) {
		int n, i;

		if ((res = db_run(db, &worker_sql[SQL_WORKER_CLAIM], 1, params)) == NULL)
			return -1;
		n = PQntuples(res);
		for (i = 0; i < n && !stopping; i++) {
			const char *ch = PQgetvalue(res, i, 7);

			if (strcmp(ch, "SMS") == 0)
				deliver_sms(db, res, i);
			else if (strcmp(ch, "WEBHOOK") == 0 && !PQgetisnull(res, i, 9))
				deliver_partner_hook(db, res, i);
			else if (strcmp(ch, "WEBHOOK") == 0)
				deliver_webhook(db, res, i);
			else
				deliver_mail(db, &t, res, i);
		}
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
main(int argc, char **argv)
{
	char err[256];
	struct db *db;
	struct sigaction sa;
	int rc = 0;
	const char *run_job = NULL;

	log_init("izzy-worker");
	if (argc == 2 && strcmp(argv[1], "--list-jobs") == 0) {
		jobs_list();
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--run-job") == 0)
		run_job = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: izzy-worker [--run-job NAME | --list-jobs]\n");
		return 2;
	}
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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("worker", "curl_global_init failed");
		return 1;
	}
	if ((db = db_new(cfg.database_url, cfg.db_statement_timeout_ms)) == NULL)
		return 1;
	db_set_test_now(db, cfg.test_now);
	if (db_register(db, worker_sql, WORKER_SQL__MAX) == -1 || jobs_init(db, &cfg) == -1) {
		db_free(db);
		return 1;
	}
	if (run_job != NULL) {
		rc = jobs_run_now(db, cfg.app_timezone, run_job);
		db_free(db);
		curl_global_cleanup();
		return rc;
	}
	/* The lead inbox: IMAP_POLL_SECONDS, its own interval (bin/worker_imap.c). */
	if (worker_imap_init(db) == -1) {
		db_free(db);
		return 1;
	}
	log_info("worker", "started (e-mail %s, sms %s%s, crm-webhook %s, poll %lds)",
	    cfg.smtp_host != NULL && cfg.email_from != NULL ? "on" : "off",
	    cfg.smsapi_token != NULL ? "on" : "off", cfg.smsapi_test ? " test mode" : "",
	    cfg.crm_webhook_url != NULL ? "on" : "off", cfg.worker_poll_s);
	while (!stopping) {
		if (pass(db) == -1 && cfg.worker_once)
			rc = 1;
		worker_imap_tick(db, &stopping);
		if (!stopping && jobs_run_due(db, cfg.app_timezone) == -1 && cfg.worker_once)
			rc = 1;
		if (cfg.worker_once)
			break;
		log_debug("worker", "idle for %lds", cfg.worker_poll_s);
		nap(cfg.worker_poll_s);
	}
	log_info("worker", "stopped");
	db_free(db);
	curl_global_cleanup();
	return rc;
}
