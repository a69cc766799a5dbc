/*
 * imap: the few IMAP commands the lead-inbox poller needs, over libcurl
 * (imaps:// with implicit TLS, or imap:// with STARTTLS when the server
 * offers it).  One handle = one connection, logged in on first use and
 * logged out by imap_close().  Messages are read with BODY.PEEK[], so
 * reading never sets \Seen: the caller sets it after its commit.
 * Errors: -1 with a short reason in the handle (imap_error), never the
 * password or message content.
 */
#ifndef IZZY_IMAP_H
#define IZZY_IMAP_H

#include <stdbool.h>
#include <stddef.h>

struct imap;

struct imap_account {
	const char *host;
	long port;
	bool secure; /* implicit TLS */
	const char *user, *password, *mailbox;
	long timeout_s;
};

/* NULL when out of memory. */
struct imap *imap_open(const struct imap_account *);
void imap_close(struct imap *);
const char *imap_error(const struct imap *);

/* UIDs of the UNSEEN messages (malloc'd, caller frees) and their count; -1 on error. */
int imap_search_unseen(struct imap *, unsigned long **uids, size_t *n);
/* The RFC822.SIZE of a message; -1 on error. */
int imap_size(struct imap *, unsigned long uid, long long *size);
/* The raw message (malloc'd, NUL-terminated, caller frees) of at most max bytes; -1 on error. */
int imap_fetch(struct imap *, unsigned long uid, size_t max, char **raw, size_t *len);
/* Adds flags, e.g. "\\Seen" or "\\Seen \\Flagged"; -1 on error. */
int imap_add_flags(struct imap *, unsigned long uid, const char *flags);

#endif
