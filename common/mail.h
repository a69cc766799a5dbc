/*
 * mail: one outbound e-mail over SMTP with libesmtp (spec/api.md §5.4, §6.3).
 * Only bin/izzy-worker sends mail; requests queue it with outbox_mail().
 *
 * The message is built here: From = EMAIL_FROM, To, Subject (RFC 2047
 * encoded words when not ASCII), Date, Message-ID, MIME-Version, and a
 * quoted-printable UTF-8 text body, or multipart/alternative text + HTML.
 * CR or LF in From, To or Subject is refused (header injection, SR-24).
 */
#ifndef IZZY_MAIL_H
#define IZZY_MAIL_H

#include <stdbool.h>
#include <stddef.h>

struct mail_transport {
	const char *host;     /* SMTP_HOST */
	long port;            /* SMTP_PORT */
	const char *user;     /* SMTP_USER: AUTH when user and password are set */
	const char *password; /* SMTP_PASSWORD */
	bool secure;          /* SMTP_SECURE: TLS required (see mail.c) */
	const char *from;     /* EMAIL_FROM: "addr" or "Name <addr>" */
};

struct mail_message {
	const char *to;      /* one address or a comma-separated list */
	const char *subject; /* UTF-8 */
	const char *text;    /* UTF-8 plain text */
	const char *html;    /* optional UTF-8 HTML */
};

enum mail_result {
	MAIL_SENT = 0,
	MAIL_RETRY = -1,  /* transient: connection, TLS, 4xx, ... */
	MAIL_REFUSED = -2 /* never deliverable as it stands (bad header, 5xx) */
};

/*
 * Renders the message (CRLF line ends) into a malloc'd string; NULL with
 * err set when a header holds CR/LF or memory runs out.
 */
char *mail_render(const struct mail_message *, const char *from, char *err, size_t errlen);
/*
 * Sends one message.  On failure err holds the SMTP status text (or the
 * connection error) with e-mail addresses blanked out.
 */
enum mail_result mail_send(
    const struct mail_transport *, const struct mail_message *, char *err, size_t errlen);

#endif
