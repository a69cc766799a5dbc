/*
 * inbound: the inbound e-mail procedure of spec/api.md §5.3, one for both
 * ways a message comes in: the IMAP poller of bin/izzy-worker and
 * POST /api/webhooks/email/incoming (cgi-bin/webhooks).
 *
 * One message = one transaction:
 *   1. the Message-ID is recorded ("InboundMessage", unique); already there
 *      -> INBOUND_DUPLICATE, nothing written (the same message from IMAP and
 *      the webhook, or fetched twice, makes one note or one lead);
 *   2. a live lead whose customer has the sender's address (e-mail or an
 *      alternate e-mail, any case) -> an EMAIL_RECEIVED note on it
 *      (INBOUND_NOTE);
 *   3. otherwise, without LEAD_INBOX_PARTNER_ID -> INBOUND_NO_PARTNER;
 *      over INBOUND_MAX_LEADS_PER_SENDER_HOUR or INBOUND_MAX_LEADS_PER_HOUR
 *      auto-created leads in the last hour -> INBOUND_RATE_LIMITED;
 *      else a new lead on the inbox partner, status INBOUND, unassigned,
 *      with the name, phone and customer-type rules of §5.3, and the note
 *      (INBOUND_LEAD).
 * The note: content = the plain-text part (or the text of the HTML part when
 * there is none, or "(No content)"); metadata {from, senderEmail, to,
 * subject, html (sanitised, common/sanitize), direction "INCOMING",
 * messageId, receivedVia "IMAP"|"WEBHOOK", attachments [{name, size}]}.
 * Each note also writes a "CommunicationLog" row (channel EMAIL, direction
 * INBOUND, status DELIVERED, template inbound_email) keyed by the lead.
 * Logs (tag email-inbound) carry ids and outcomes, never an address or body.
 */
#ifndef IZZY_INBOUND_H
#define IZZY_INBOUND_H

#include <stddef.h>

#include "cfg.h"
#include "id.h"

struct arena;
struct db;

struct inbound_attachment {
	const char *name; /* file name as sent (may be NULL) */
	long long size;   /* decoded bytes */
};

struct inbound_msg {
	const char *source;     /* "IMAP" or "WEBHOOK" */
	const char *from;       /* From as text: "Name <addr>" or addr (UTF-8) */
	const char *to;         /* may be NULL */
	const char *subject;    /* may be NULL */
	const char *text;       /* plain-text part, may be NULL */
	const char *html;       /* HTML part (unsanitised), may be NULL */
	const char *message_id; /* with or without <>, may be NULL */
	/* Identity when there is no Message-ID, e.g. the SHA-256 of the raw message. */
	const char *fallback_id;
	const struct inbound_attachment *att;
	size_t natt;
};

enum inbound_result {
	INBOUND_NOTE,
	INBOUND_LEAD,
	INBOUND_NO_PARTNER,
	INBOUND_RATE_LIMITED,
	INBOUND_DUPLICATE,
	INBOUND_NO_SENDER, /* no address in From: nothing written */
	INBOUND_ERROR      /* database or memory: nothing written (rolled back) */
};

/* Registers the statements of inbound.sql; -1 on failure. */
int inbound_init(struct db *);

/*
 * Runs the procedure for m in its own transaction (none may be open).
 * lead_id receives the lead's id for NOTE and LEAD ("" otherwise).
 */
enum inbound_result inbound_process(struct db *, struct arena *, const struct cfg_inbound *,
    const struct inbound_msg *m, char lead_id[ID_SIZE]);

/* The reference's answer text of a result (§4.14), e.g. "Rate limited". */
const char *inbound_result_message(enum inbound_result);
/* "note", "lead", "no-partner", ... for logs and metrics. */
const char *inbound_result_name(enum inbound_result);

/* §5.3 rules, exposed for tests.  All results are arena copies; NULL only when out of memory. */
/* The address: between the first '<' and the last '>', else from itself, trimmed. */
char *inbound_sender(struct arena *, const char *from);
/* First and last name from the display name, or the local part of a bare address; Unknown / Sender. */
int inbound_name(struct arena *, const char *from, const char *sender, char **first, char **last);
/* The first phone-like number in body, spaces removed; NULL when none (*found false). */
char *inbound_phone(struct arena *, const char *body);
/* "firma" or "osoba prywatna". */
const char *inbound_customer_type(const char *subject, const char *body);
/* Readable text of (sanitised) HTML: tags dropped, block ends as new lines, entities decoded. */
char *inbound_html_text(struct arena *, const char *html);

#endif
