/*
 * outbox: everything that leaves the machine is first a row in "Outbox",
 * written in the same transaction as the change that caused it
 * (ARCHITECTURE.md §5).  bin/izzy-worker delivers the rows.
 */
#ifndef IZZY_OUTBOX_H
#define IZZY_OUTBOX_H

struct db;
struct arena;

struct outbox_mail {
	const char *to;         /* one address, validated by the caller */
	const char *subject;    /* no CR/LF (refused) */
	const char *text;       /* plain-text body */
	const char *html;       /* optional HTML body, already escaped */
	const char *template;   /* template key for the log, e.g. "password_reset" */
	const char *lead_id;    /* optional */
	const char *dedupe_key; /* optional: a second insert with the same key is a no-op */
};

int outbox_init(struct db *);
/*
 * Queues an e-mail inside the caller's transaction and writes the new row's
 * id into id_out (ID_SIZE bytes) unless it is NULL; -1 (logged, without the
 * recipient) on failure.
 */
int outbox_mail(struct db *, struct arena *, const struct outbox_mail *, char *id_out);

#endif
