#include "config.h"
#include "mail.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

/* <openssl/ssl.h> first: libesmtp.h declares smtp_starttls_set_ctx only after it. */
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <auth-client.h>
#include <libesmtp.h>

#include "crypto.h"

/* Protocol timeouts (ms): far below RFC 5321's minutes, a worker must not hang. */
#define MAIL_TIMEOUT_MS 60000L
#define MAX_RCPT        50

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* ap is started on the line above; clang-analyzer 14 loses track of it here. */
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = 1;
		return;
	}
	buf_add(b, tmp, (size_t)n);
}

static const char hexd[] = "0123456789ABCDEF";

/*
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: "\n" and "\r\n" become hard
 * CRLF line breaks, lines are soft-broken before 76 columns.
 */
static void
qp_encode(struct buf *b, const char *s)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		char tok[4];
		size_t n;
		int eol_next;

		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			if (*p == '\r')
				p++;
			buf_str(b, "\r\n");
			col = 0;
			continue;
		}
		eol_next = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !eol_next)) {
			tok[0] = (char)*p;
			n = 1;
		} else {
			tok[0] = '=';
			tok[1] = hexd[*p >> 4];
			tok[2] = hexd[*p & 15];
			n = 3;
		}
		if (col + n > 75) {
			buf_str(b, "=\r\n");
			col = 0;
		}
		buf_add(b, tok, n);
		col += n;
	}
	buf_str(b, "\r\n");
}

static void
b64_encode(struct buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[4];

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[0] = tab[(v >> 18) & 63];
		out[1] = tab[(v >> 12) & 63];
		out[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[3] = i + 2 < n ? tab[v & 63] : '=';
		buf_add(b, out, 4);
	}
}

/* Subject header value: as is when short printable ASCII, else RFC 2047 B-words. */
static void
subject_encode(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int ascii = n <= 900;

	for (size_t k = 0; k < n && ascii; k++)
		if (p[k] < 32 || p[k] > 126)
			ascii = 0;
	/* "=?" could be read as an encoded word: encode those too. */
	if (ascii && strstr(s, "=?") == NULL) {
		buf_add(b, s, n);
		return;
	}
	if (n == 0)
		return;
	while (i < n) {
		size_t end = i + 42 < n ? i + 42 : n;

		/* Never split a UTF-8 sequence across two words (RFC 2047 5). */
		while (end < n && end > i + 1 && (p[end] & 0xC0) == 0x80)
			end--;
		if (i > 0)
			buf_str(b, "\r\n ");
		buf_str(b, "=?UTF-8?B?");
		b64_encode(b, p + i, end - i);
		buf_str(b, "?=");
		i = end;
	}
}

/* The bare address of "addr" or "Name <addr>" into out; -1 if none. */
static int
bare_address(const char *s, char *out, size_t outsz)
{
	const char *lt = strrchr(s, '<'), *gt;
	size_t n;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
		s = lt + 1;
		n = (size_t)(gt - s);
	} else {
		while (isspace((unsigned char)*s))
			s++;
		n = strlen(s);
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	if (n == 0 || n >= outsz || memchr(s, '@', n) == NULL)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int
has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

char *
mail_render(const struct mail_message *m, const char *from, char *err, size_t errlen)
{
	struct buf b = { 0 };
	char from_addr[320], rnd[33], date[64];
	const char *dom;
	time_t now = time(NULL);
	struct tm tm;
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec" };

	if (m->to == NULL || m->subject == NULL || m->text == NULL || from == NULL) {
		snprintf(err, errlen, "incomplete message");
		return NULL;
	}
	/* Header injection (SR-24). */
	if (has_crlf(m->to) || has_crlf(m->subject) || has_crlf(from)) {
		snprintf(err, errlen, "refused: CR/LF in a header");
		return NULL;
	}
	if (bare_address(from, from_addr, sizeof(from_addr)) == -1) {
		snprintf(err, errlen, "EMAIL_FROM holds no address");
		return NULL;
	}
	if (crypto_token_hex(rnd, 16) == -1) {
		snprintf(err, errlen, "no randomness");
		return NULL;
	}
	dom = strrchr(from_addr, '@') + 1;
	gmtime_r(&now, &tm);
	snprintf(date, sizeof(date), "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday],
	    tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);

	buf_fmt(&b, "Date: %s\r\n", date);
	buf_str(&b, "From: ");
	buf_str(&b, from);
	buf_str(&b, "\r\nTo: ");
	buf_str(&b, m->to);
	buf_str(&b, "\r\nSubject: ");
	subject_encode(&b, m->subject);
	buf_fmt(&b, "\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", rnd, dom);
	if (m->html != NULL && *m->html != '\0') {
		char bnd[48];

		snprintf(bnd, sizeof(bnd), "=_izzy_%.24s", rnd + 8);
		buf_fmt(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", bnd);
		buf_str(&b, "This is a multi-part message in MIME format.\r\n");
		buf_fmt(&b, "\r\n--%s\r\n", bnd);
		buf_str(&b,
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->text);
		buf_fmt(&b, "\r\n--%s\r\n", bnd);
		buf_str(&b,
		    "Content-Type: text/html; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->html);
		buf_fmt(&b, "\r\n--%s--\r\n", bnd);
	} else {
		buf_str(&b,
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->text);
	}
	if (b.oom) {
		free(b.p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return b.p;
}

/* Server text into err, one line, every word holding an '@' blanked (no addresses in logs). */
static void
status_text(char *err, size_t errlen, const char *what, const smtp_status_t *st)
{
	struct buf b = { 0 };
	const char *s = st->text != NULL ? st->text : "";

	buf_fmt(&b, "%s %d ", what, st->code);
	while (*s != '\0') {
		size_t n = strcspn(s, " \t\r\n");

		if (n == 0) {
			buf_str(&b, " ");
			s += strspn(s, " \t\r\n");
			continue;
		}
		if (memchr(s, '@', n) != NULL)
			buf_str(&b, "<address>");
		else
			buf_add(&b, s, n);
		s += n;
	}
	if (b.oom || b.p == NULL) {
		snprintf(err, errlen, "%s %d", what, st->code);
	} else {
		size_t n = b.len;

		while (n > 0 && b.p[n - 1] == ' ')
			b.p[--n] = '\0';
		snprintf(err, errlen, "%s", b.p);
	}
	free(b.p);
}

static void
session_error(char *err, size_t errlen)
{
	char tmp[200];
	int e = smtp_errno();
	const char *s = smtp_strerror(e, tmp, sizeof(tmp));

	snprintf(err, errlen, "%s", s != NULL ? s : "SMTP session failed");
}

/* libesmtp asks for the SASL fields here: user name and password. */
static int
auth_interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	const struct mail_transport *t = arg;

	for (int i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = (char *)t->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = (char *)t->password;
		else
			return 0;
	}
	return 1;
}

/* Where on_event writes why libesmtp refused the TLS session. */
struct tls_note {
	char *err;
	size_t errlen;
};

/*
 * libesmtp's events: the certificate checks of STARTTLS are refused (ok
 * stays 0), and the reason goes to the caller's error text, so that
 * "lastError" says why nothing was sent instead of "No Error".
 */
static void
on_event(smtp_session_t session, int event, void *arg, ...)
{
	struct tls_note *n = arg;
	va_list ap;
	long vfy;

	(void)session;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
		vfy = va_arg(ap, long); // NOLINT(clang-analyzer-valist.Uninitialized)
		snprintf(n->err, n->errlen, "STARTTLS: untrusted server certificate (%s)",
		    X509_verify_cert_error_string(vfy));
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		snprintf(
		    n->err, n->errlen, "STARTTLS: the certificate does not name the SMTP host");
		break;
	case SMTP_EV_NO_PEER_CERTIFICATE:
		snprintf(n->err, n->errlen, "STARTTLS: no server certificate");
		break;
	case SMTP_EV_WEAK_CIPHER:
		snprintf(n->err, n->errlen, "STARTTLS: cipher too weak");
		break;
	case SMTP_EV_UNUSABLE_CA_LIST:
		snprintf(n->err, n->errlen, "STARTTLS: unusable CA list");
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		snprintf(n->err, n->errlen, "STARTTLS required but not offered by the server");
		break;
	default:
		break;
	}
	va_end(ap);
}

/*
 * The STARTTLS context: made once per process and given to every session.
 * libesmtp 1.1 keeps the context it makes itself in a static variable but frees
 * it when the first session that used it ends, so the next TLS session of the
 * process used freed memory (a crash in SSL_new, or a session dropped right
 * after STARTTLS).  A context set with smtp_starttls_set_ctx is reference-counted
 * by libesmtp instead.  Trust is what libesmtp's own context trusts:
 * $HOME/.config/libesmtp/ca.pem when that file exists (mode 0600, owned by the
 * worker's user, as libesmtp demands), else the system's CAs.  libesmtp checks
 * the verification result and the host name after the handshake (on_event).
 */
static SSL_CTX *
tls_context(void)
{
	static SSL_CTX *ctx;
	static int tried;
	const char *home = getenv("HOME");
	char ca[1024];
	struct stat st;

	if (tried)
		return ctx;
	tried = 1;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	/*
	 * TLS 1.2 at most: under TLS 1.3 the server sends its session tickets after
	 * the handshake, and libesmtp 1.1's reader takes the record that carries no
	 * data for a dropped connection (about one session in three in
	 * tests/worker/smtp_tls.sh; none with a server that sends no tickets).
	 */
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	(void)SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (home != NULL &&
	    snprintf(ca, sizeof(ca), "%s/.config/libesmtp/ca.pem", home) < (int)sizeof(ca) &&
	    stat(ca, &st) == 0) {
		if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 || st.st_uid != getuid() ||
		    SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
			/* libesmtp refused such a file too: trust nothing rather than guess. */
			SSL_CTX_free(ctx);
			ctx = NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

enum mail_result
mail_send(const struct mail_transport *t, const struct mail_message *m, char *err, size_t errlen)
{
	smtp_session_t session = NULL;
	smtp_message_t msg;
	smtp_recipient_t rcpt[MAX_RCPT];
	auth_context_t auth = NULL;
	char from_addr[320], hostport[300], *body = NULL, *list = NULL, *save, *tok;
	const smtp_status_t *st;
	enum mail_result rc = MAIL_RETRY;
	int nrcpt = 0;
	static int auth_ready;
	struct tls_note note = { err, errlen };
	SSL_CTX *tls;

	*err = '\0';
	if ((body = mail_render(m, t->from, err, errlen)) == NULL)
		return MAIL_REFUSED;
	(void)bare_address(t->from, from_addr, sizeof(from_addr));
	snprintf(hostport, sizeof(hostport), "%s:%ld", t->host, t->port);
	if ((session = smtp_create_session()) == NULL ||
	    (msg = smtp_add_message(session)) == NULL || smtp_set_server(session, hostport) == 0 ||
	    smtp_set_reverse_path(msg, from_addr) == 0 || smtp_set_message_str(msg, body) == 0) {
		session_error(err, errlen);
		goto out;
	}
	for (int w = Timeout_GREETING; w <= Timeout_DATA2; w++)
		smtp_set_timeout(session, w | Timeout_OVERRIDE_RFC2822_MINIMUM, MAIL_TIMEOUT_MS);
	/*
	 * libesmtp 1.1 has no implicit TLS (SMTPS): SMTP_SECURE=true makes
	 * STARTTLS mandatory instead; otherwise it is used when offered.
	 */
	smtp_starttls_enable(session, t->secure ? Starttls_REQUIRED : Starttls_ENABLED);
	if ((tls = tls_context()) == NULL) {
		snprintf(err, errlen, "STARTTLS: unusable CA list");
		goto out;
	}
	(void)smtp_starttls_set_ctx(session, tls);
	smtp_set_eventcb(session, on_event, &note);
	smtp_option_require_all_recipients(session, 1);
	if ((list = strdup(m->to)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char addr[320];

		if (bare_address(tok, addr, sizeof(addr)) == -1)
			continue;
		if (nrcpt == MAX_RCPT || (rcpt[nrcpt] = smtp_add_recipient(msg, addr)) == NULL) {
			snprintf(err, errlen, "too many recipients");
			rc = MAIL_REFUSED;
			goto out;
		}
		nrcpt++;
	}
	if (nrcpt == 0) {
		snprintf(err, errlen, "no recipient address");
		rc = MAIL_REFUSED;
		goto out;
	}
	if (t->user != NULL && t->password != NULL) {
		if (!auth_ready) {
			auth_client_init();
			auth_ready = 1;
		}
		if ((auth = auth_create_context()) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		/* PLAIN/LOGIN are fine: over TLS when the server offers STARTTLS. */
		auth_set_mechanism_flags(auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(auth, auth_interact, (void *)t);
		smtp_auth_set_context(session, auth);
	}
	if (smtp_start_session(session) == 0) {
		session_error(err, errlen);
		goto out;
	}
	st = smtp_message_transfer_status(msg);
	if (st->code >= 200 && st->code < 300) {
		rc = MAIL_SENT;
		goto out;
	}
	if ((st = smtp_reverse_path_status(msg))->code >= 400) {
		status_text(err, errlen, "MAIL FROM", st);
		goto out;
	}
	for (int i = 0; i < nrcpt; i++)
		if ((st = smtp_recipient_status(rcpt[i]))->code >= 400) {
			status_text(err, errlen, "RCPT TO", st);
			goto out;
		}
	st = smtp_message_transfer_status(msg);
	if (st->code != 0)
		status_text(err, errlen, "DATA", st);
	else if (*err == '\0') /* else on_event has said why */
		session_error(err, errlen);
out:
	if (session != NULL)
		smtp_destroy_session(session);
	if (auth != NULL)
		auth_destroy_context(auth);
	free(list);
	free(body);
	if (rc != MAIL_SENT && *err == '\0')
		snprintf(err, errlen, "SMTP failure");
	return rc;
}
