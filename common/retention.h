/*
 * retention: automatic anonymisation of leads past their retention (FR-39,
 * SR-41), for `izzyctl retention run [--dry-run]` and the worker's nightly
 * job alike.  The rules and the lists are common/retention.sql; the
 * anonymisation itself is common/anonymise.c (the admin's one).
 */
#ifndef IZZY_RETENTION_H
#define IZZY_RETENTION_H

#include <stdbool.h>
#include <stdio.h>

struct db;
struct cfg;

/* One run's outcome; a dry run counts what a real run would do now. */
struct retention_counts {
	long noticed;    /* leads announced to the admins (due within the notice period) */
	long anonymised; /* leads anonymised (their merged duplicates go with them) */
	long exempt;     /* due, but on the whitelist ("retentionExempt") */
	long skipped;    /* listed, but no longer due under the row lock */
	long batches;    /* transactions of at most RETENTION_BATCH leads */
	long mails;      /* notice e-mails queued in the outbox */
};

/* At most this many leads per transaction (FR-39). */
#define RETENTION_BATCH 100

/*
 * Registers retention's statements and the anonymisation's
 * (anonymise_init).  The caller also registers audit_init and outbox_init,
 * which most programs already do.
 */
int retention_init(struct db *);
/*
 * One run with the settings of c (RETENTION_*).  First the notice: leads
 * due within RETENTION_NOTICE_DAYS and not yet announced are marked and
 * listed (ids and dates only) in one outbox e-mail per recipient and batch.
 * Then the anonymisation: leads due now and announced at least
 * RETENTION_NOTICE_DAYS ago, in transactions of RETENTION_BATCH leads, each
 * lead row locked and re-checked, anonymised by anonymise_lead() and audited
 * as auto_anonymization_executed.  A real run ends with a "RetentionRun" row
 * (trigger, e.g. "izzyctl" or "worker", and the counts).
 * dry_run: lists and counts the same, writes nothing.
 * report (may be NULL) gets one line per lead: "<action> <leadId> <rule>
 * <dueAt>", action notice, anonymise or exempt.
 * Returns 0 (counts in *out), 1 when another run holds the retention lock
 * (nothing done), -1 (logged) on failure: the batch in progress is rolled
 * back, the batches before it stay.
 */
int retention_run(struct db *, const struct cfg *c, bool dry_run, const char *trigger, FILE *report,
    struct retention_counts *out);

#endif
