/*
 * outbox: everything that leaves the machine is first a row in "Outbox",
 * written in the same transaction as the change that caused it
 * (ARCHITECTURE.md §5).  bin/izzy-worker delivers the rows.
 */
#ifndef IZZY_OUTBOX_H
#define IZZY_OUTBOX_H

#include <stddef.h>

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

/*
 * Queues an SMS to phone (any spelling: every non-digit is dropped, spec
 * §5.6) inside the caller's transaction, with a PENDING row in the lead's
 * communication log.  text is UTF-8 and may hold the SMSAPI short-link macro
 * [%idzdo:URL%] (left to the provider).  lead_id may be NULL.  -1 (logged
 * without the number or text) on failure or when phone has no digits.
 */
int outbox_sms(struct db *, struct arena *, const char *lead_id, const char *phone,
    const char *text, const char *template);
/*
 * Queues a CRM webhook event (spec §5.7) inside the caller's transaction:
 * payload_json is POSTed as is to CRM_WEBHOOK_URL with the header
 * Idempotency-Key: idempotency_key.  A second event with the same key is a
 * no-op (returns 0).  -1 (logged) on failure or when payload_json is not JSON.
 */
int outbox_webhook(struct db *, struct arena *, const char *lead_id, const char *event,
    const char *payload_json, const char *idempotency_key);

/*
 * Writes the digits of phone into out (size n, NUL-terminated); returns the
 * number of digits, or -1 when there are none or they do not fit.
 */
int outbox_phone_digits(const char *phone, char *out, size_t n);

/* The outcome of one delivery attempt of an SMS or webhook (bin/izzy-worker). */
enum outbox_outcome { OUTBOX_SENT, OUTBOX_RETRY, OUTBOX_DEAD };
/*
 * Classifies SMSAPI's answer (spec §5.6): http_status 0 = no answer
 * (connection refused, time-out).  Success = 2xx and no "error" in the JSON;
 * the message id (list[0].id) goes to msgid.  Retried: no answer, 5xx, 408,
 * 429 and the provider's temporary errors (103 no credit, 201, 203, 999);
 * any other error (14 unregistered sender, 13 bad number, 101 bad token, a
 * 4xx, ...) is permanent.  err gets "SMSAPI error <code or status>:
 * <message>" (the provider's message; never logged, kept in the row).
 */
enum outbox_outcome outbox_smsapi_outcome(
    long http_status, const char *body, char *err, size_t errlen, char *msgid, size_t msgidlen);
/* The CRM webhook's answer: 2xx sent; no answer, 5xx, 408, 429 retried; else dead. */
enum outbox_outcome outbox_webhook_outcome(long http_status);

#endif
