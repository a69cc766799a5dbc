/*
 * retention: automatic anonymisation (FR-39, SR-41); see retention.h.
 * Logs carry lead ids and counts only, never what the leads hold.
 */
#include "config.h"

#include "common/retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "common/anonymise.h"
#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/valid.h"

#include "common/retention.sql.h"

/* One batch's lists and mail bodies are small; this is far above them. */
#define RETENTION_ARENA (4 * 1024 * 1024)
#define MAX_RECIPIENTS  32

struct run {
	struct db *db;
	struct arena *mem;
	const struct cfg *cfg;
	bool dry_run;
	FILE *report;
	struct retention_counts *n;
	char months[24], inactive[24], withdrawn[24], notice[24];
};

int
retention_init(struct db *db)
{
	return anonymise_init(db) == -1 ? -1 : db_register(db, retention_sql, RETENTION_SQL__MAX);
}

/* retention_due for mode after the id after (one lead when only != NULL); NULL logged. */
static PGresult *
due_list(struct run *u, const char *mode, const char *after, const char *only, int limit)
{
	char lim[16];
	const char *p[8] = { u->months, u->inactive, u->withdrawn, u->notice, mode, after, lim,
		only };

	snprintf(lim, sizeof(lim), "%d", limit);
	return db_query(u->db, u->mem, &retention_sql[SQL_RETENTION_DUE], 8, p);
}

static void
report_rows(struct run *u, const char *action, PGresult *res)
{
	if (u->report == NULL)
		return;
	for (int i = 0; i < PQntuples(res); i++)
		fprintf(u->report, "%s %s %s %s\n", action, PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
}

/* A PostgreSQL text[] literal of column 0 of res, every element quoted; NULL on OOM. */
static const char *
id_array(struct arena *mem, PGresult *res)
{
	size_t len = 3;
	char *s, *w;

	for (int i = 0; i < PQntuples(res); i++)
		len += 2 * strlen(PQgetvalue(res, i, 0)) + 3;
	if ((s = arena_alloc(mem, len)) == NULL)
		return NULL;
	w = s;
	*w++ = '{';
	for (int i = 0; i < PQntuples(res); i++) {
		if (i > 0)
			*w++ = ',';
		*w++ = '"';
		for (const char *c = PQgetvalue(res, i, 0); *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				*w++ = '\\';
			*w++ = *c;
		}
		*w++ = '"';
	}
	*w++ = '}';
	*w = '\0';
	return s;
}

/* The notice's recipients: RETENTION_NOTIFY_EMAILS, else every ACTIVE admin; count or -1. */
static int
recipients(struct run *u, const char **to, int max)
{
	int n = 0;

	if (u->cfg->retention_notify_emails != NULL) {
		char *list = arena_strdup(u->mem, u->cfg->retention_notify_emails), *save = NULL;

		if (list == NULL)
			return -1;
		for (char *t = strtok_r(list, ", ", &save); t != NULL && n < max;
		     t = strtok_r(NULL, ", ", &save)) {
			if (!valid_email(t)) {
				log_error("retention",
				    "RETENTION_NOTIFY_EMAILS: an entry is not an "
				    "e-mail address; skipped");
				continue;
			}
			to[n++] = t;
		}
		return n;
	}
	PGresult *res = db_query(u->db, u->mem, &retention_sql[SQL_RETENTION_ADMINS], 0, NULL);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res) && n < max; i++)
		if (!PQgetisnull(res, i, 0))
			to[n++] = PQgetvalue(res, i, 0);
	return n;
}

/* The notice mail's text: the marked leads (ids and dates, no personal data). */
static const char *
notice_text(struct run *u, PGresult *due, PGresult *marked)
{
	const char *text = arena_printf(u->mem,
	    "Dzień dobry,\n\n"
	    "poniższe leady zostaną automatycznie zanonimizowane (retencja danych, RODO) "
	    "najwcześniej za %s dni. Aby zachować lead, zaznacz na nim \"Wyłącz z automatycznej "
	    "anonimizacji\".\n\n",
	    u->notice);

	for (int i = 0; text != NULL && i < PQntuples(due); i++) {
		const char *id = PQgetvalue(due, i, 0);
		bool is_marked = false;

		for (int j = 0; j < PQntuples(marked) && !is_marked; j++)
			is_marked = strcmp(id, PQgetvalue(marked, j, 0)) == 0;
		if (is_marked)
			text = arena_printf(u->mem, "%s- %s (%s, termin %s)\n", text, id,
			    strcmp(PQgetvalue(due, i, 1), "CONSENTS_WITHDRAWN") == 0
				? "wycofane zgody"
				: "okres retencji",
			    PQgetvalue(due, i, 2));
	}
	return text;
}

/* Announces one batch of leads; the number listed (0 ends the loop) or -1. */
static int
notice_batch(struct run *u, char *after, size_t after_size)
{
	const char *to[MAX_RECIPIENTS], *ids, *text;
	PGresult *due, *marked;
	int n, nto;

	if ((due = due_list(u, "notice", after, NULL, RETENTION_BATCH)) == NULL)
		return -1;
	if ((n = PQntuples(due)) == 0)
		return 0;
	snprintf(after, after_size, "%s", PQgetvalue(due, n - 1, 0));
	if (u->dry_run) {
		report_rows(u, "notice", due);
		u->n->noticed += n;
		return n;
	}
	if ((nto = recipients(u, to, MAX_RECIPIENTS)) == -1)
		return -1;
	if (nto == 0) {
		/* No notice, no anonymisation: the leads stay unmarked for the next run. */
		log_error("retention",
		    "no recipient for the retention notice (no ACTIVE ADMIN, "
		    "RETENTION_NOTIFY_EMAILS unset); %d lead(s) not announced",
		    n);
		return n;
	}
	if ((ids = id_array(u->mem, due)) == NULL || db_begin(u->db) == -1)
		return -1;
	if ((marked = db_query(
		 u->db, u->mem, &retention_sql[SQL_RETENTION_NOTICE_MARK], 1, &ids)) == NULL ||
	    (text = notice_text(u, due, marked)) == NULL)
		goto fail;
	if (PQntuples(marked) > 0)
		for (int i = 0; i < nto; i++) {
			if (outbox_mail(u->db, u->mem,
				&(struct outbox_mail){ to[i],
				    "Retencja danych: leady do anonimizacji", text, NULL,
				    "retention_notice", NULL, NULL },
				NULL) == -1)
				goto fail;
			u->n->mails++;
		}
	if (db_commit(u->db) == -1)
		goto fail;
	report_rows(u, "notice", due);
	u->n->noticed += PQntuples(marked);
	u->n->batches++;
	return n;
fail:
	db_rollback(u->db);
	return -1;
}

static const char *
auto_meta(struct run *u, const char *at, const char *rule)
{
	cJSON *m = cJSON_CreateObject();

	if (m == NULL || cJSON_AddStringToObject(m, "anonymizedAt", at) == NULL ||
	    cJSON_AddStringToObject(m, "rule", rule) == NULL) {
		cJSON_Delete(m);
		return NULL;
	}
	return json_print_take(u->mem, m);
}

/* Anonymises one batch in one transaction; the number listed (0 ends) or -1. */
static int
anonymise_batch(struct run *u, char *after, size_t after_size)
{
	PGresult *due;
	int n;

	if ((due = due_list(u, "anonymise", after, NULL, RETENTION_BATCH)) == NULL)
		return -1;
	if ((n = PQntuples(due)) == 0)
		return 0;
	snprintf(after, after_size, "%s", PQgetvalue(due, n - 1, 0));
	if (u->dry_run) {
		report_rows(u, "anonymise", due);
		u->n->anonymised += n;
		return n;
	}
	if (db_begin(u->db) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *id = PQgetvalue(due, i, 0), *meta;
		struct anonymise_result a;
		PGresult *again;
		int rc;

		/* Check, lock, check again: a lead touched since the list stays. */
		if (db_query(u->db, u->mem, &retention_sql[SQL_RETENTION_LOCK_LEAD], 1, &id) ==
			NULL ||
		    (again = due_list(u, "anonymise", "", id, 1)) == NULL)
			goto fail;
		if (PQntuples(again) != 1) {
			u->n->skipped++;
			continue;
		}
		if ((rc = anonymise_lead(u->db, u->mem, id, NULL, &a)) == -1)
			goto fail;
		if (rc == 0) {
			u->n->skipped++;
			continue;
		}
		if ((meta = auto_meta(u, a.at, PQgetvalue(again, 0, 1))) == NULL ||
		    audit_log(u->db, u->mem,
			&(struct audit_entry){ id, NULL, "auto_anonymization_executed", NULL, NULL,
			    NULL, meta }) == -1)
			goto fail;
		if (u->report != NULL)
			fprintf(u->report, "anonymise %s %s %s\n", id, PQgetvalue(again, 0, 1),
			    PQgetvalue(again, 0, 2));
		log_info("retention", "lead %s anonymised (%s, +%ld merged, %ld file(s) to erase)",
		    id, PQgetvalue(again, 0, 1), a.merged, a.files);
		u->n->anonymised++;
	}
	if (db_commit(u->db) == -1)
		goto fail;
	u->n->batches++;
	return n;
fail:
	db_rollback(u->db);
	return -1;
}

/* Counts (and reports) the whitelisted leads that are due. */
static int
exempt_pass(struct run *u)
{
	char after[256] = "";
	PGresult *res;
	int n;

	do {
		arena_reset(u->mem);
		if ((res = due_list(u, "exempt", after, NULL, RETENTION_BATCH)) == NULL)
			return -1;
		if ((n = PQntuples(res)) > 0)
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, n - 1, 0));
		report_rows(u, "exempt", res);
		u->n->exempt += n;
	} while (n == RETENTION_BATCH);
	return 0;
}

static int
record_run(struct run *u, const char *trigger, time_t started)
{
	char id[ID_SIZE], at[32];
	const char *counts, *p[4];
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddNumberToObject(o, "noticed", (double)u->n->noticed) == NULL ||
	    cJSON_AddNumberToObject(o, "anonymised", (double)u->n->anonymised) == NULL ||
	    cJSON_AddNumberToObject(o, "exempt", (double)u->n->exempt) == NULL ||
	    cJSON_AddNumberToObject(o, "skipped", (double)u->n->skipped) == NULL ||
	    cJSON_AddNumberToObject(o, "batches", (double)u->n->batches) == NULL ||
	    cJSON_AddNumberToObject(o, "mails", (double)u->n->mails) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	if ((counts = json_print_take(u->mem, o)) == NULL || id_new(id) == -1)
		return -1;
	snprintf(at, sizeof(at), "%lld", (long long)started);
	p[0] = id;
	p[1] = trigger;
	p[2] = at;
	p[3] = counts;
	return db_query(u->db, u->mem, &retention_sql[SQL_RETENTION_RUN_INSERT], 4, p) == NULL ? -1
											       : 0;
}

static int
run_passes(struct run *u, const char *trigger)
{
	char after[256] = "";
	time_t started = time(NULL);
	int n;

	do {
		arena_reset(u->mem);
		n = notice_batch(u, after, sizeof(after));
	} while (n == RETENTION_BATCH);
	if (n == -1)
		return -1;
	after[0] = '\0';
	do {
		arena_reset(u->mem);
		n = anonymise_batch(u, after, sizeof(after));
	} while (n == RETENTION_BATCH);
	if (n == -1 || exempt_pass(u) == -1)
		return -1;
	arena_reset(u->mem);
	return u->dry_run ? 0 : record_run(u, trigger, started);
}

int
retention_run(struct db *db, const struct cfg *c, bool dry_run, const char *trigger, FILE *report,
    struct retention_counts *out)
{
	struct run u = { db, NULL, c, dry_run, report, out, "", "", "", "" };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(u.months, sizeof(u.months), "%ld", c->retention_months);
	snprintf(u.inactive, sizeof(u.inactive), "%ld", c->retention_inactive_months);
	snprintf(u.withdrawn, sizeof(u.withdrawn), "%ld", c->retention_withdrawn_days);
	snprintf(u.notice, sizeof(u.notice), "%ld", c->retention_notice_days);
	if ((u.mem = arena_new(RETENTION_ARENA)) == NULL)
		return -1;
	if ((res = db_query(db, u.mem, &retention_sql[SQL_RETENTION_TRY_LOCK], 0, NULL)) == NULL) {
		arena_free(u.mem);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		log_info("retention", "another retention run holds the lock; nothing done");
		arena_free(u.mem);
		return 1;
	}
	rc = run_passes(&u, trigger);
	arena_reset(u.mem);
	if (db_query(db, u.mem, &retention_sql[SQL_RETENTION_UNLOCK], 0, NULL) == NULL)
		rc = -1;
	arena_free(u.mem);
	if (rc == 0)
		log_info("retention",
		    "%s run: %ld noticed, %ld anonymised, %ld exempt, %ld skipped, %ld mail(s)",
		    dry_run ? "dry" : "real", out->noticed, out->anonymised, out->exempt,
		    out->skipped, out->mails);
	return rc;
}
