/*
 * imap: IMAP over libcurl; see imap.h.  Every command is a CURLOPT_CUSTOMREQUEST
 * on the mailbox URL; libcurl hands each response line (and the literal of a
 * FETCH) to the header callback, which collects them in a buffer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "imap.h"

struct imap {
	CURL *c;
	char url[512];
	char err[256];
	char *buf; /* the response lines of the last command */
	size_t len, cap, max;
	bool over; /* the response was longer than max */
};

static size_t
on_lines(char *p, size_t size, size_t n, void *arg)
{
	struct imap *im = arg;
	size_t take = size * n;

	if (im->len + take + 1 > im->max) {
		im->over = true;
		return size * n;
	}
	if (im->len + take + 1 > im->cap) {
		size_t cap = im->cap * 2 > im->len + take + 1 ? im->cap * 2 : im->len + take + 1;
		char *b = realloc(im->buf, cap);
		if (b == NULL)
			return 0;
		im->buf = b;
		im->cap = cap;
	}
	memcpy(im->buf + im->len, p, take);
	im->len += take;
	im->buf[im->len] = '\0';
	return size * n;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

struct imap *
imap_open(const struct imap_account *a)
{
	struct imap *im = calloc(1, sizeof(*im));

	if (im == NULL)
		return NULL;
	if ((im->c = curl_easy_init()) == NULL ||
	    (size_t)snprintf(im->url, sizeof(im->url), "%s://%s:%ld/%s",
		a->secure ? "imaps" : "imap", a->host, a->port, a->mailbox) >= sizeof(im->url)) {
		imap_close(im);
		return NULL;
	}
	curl_easy_setopt(im->c, CURLOPT_URL, im->url);
	curl_easy_setopt(im->c, CURLOPT_USERNAME, a->user);
	curl_easy_setopt(im->c, CURLOPT_PASSWORD, a->password);
	curl_easy_setopt(im->c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(im->c, CURLOPT_USE_SSL, a->secure ? CURLUSESSL_ALL : CURLUSESSL_TRY);
	curl_easy_setopt(im->c, CURLOPT_CONNECTTIMEOUT, a->timeout_s);
	curl_easy_setopt(im->c, CURLOPT_TIMEOUT, a->timeout_s * 4);
	curl_easy_setopt(im->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(im->c, CURLOPT_HEADERFUNCTION, on_lines);
	curl_easy_setopt(im->c, CURLOPT_HEADERDATA, im);
	curl_easy_setopt(im->c, CURLOPT_WRITEFUNCTION, discard);
	/* Room for long lines of a message. */
	curl_easy_setopt(im->c, CURLOPT_BUFFERSIZE, 512L * 1024L);
	return im;
}

void
imap_close(struct imap *im)
{
	if (im == NULL)
		return;
	if (im->c != NULL)
		curl_easy_cleanup(im->c); /* sends LOGOUT */
	free(im->buf);
	free(im);
}

const char *
imap_error(const struct imap *im)
{
	return im->err;
}

/* Runs one command; its response lines are in im->buf.  -1 on error. */
static int
command(struct imap *im, const char *cmd, size_t max)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	im->len = 0;
	im->over = false;
	im->max = max;
	if (im->buf != NULL)
		im->buf[0] = '\0';
	curl_easy_setopt(im->c, CURLOPT_CUSTOMREQUEST, cmd);
	curl_easy_setopt(im->c, CURLOPT_ERRORBUFFER, ebuf);
	rc = curl_easy_perform(im->c);
	curl_easy_setopt(im->c, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		snprintf(
		    im->err, sizeof(im->err), "%s", *ebuf != '\0' ? ebuf : curl_easy_strerror(rc));
		return -1;
	}
	if (im->over) {
		snprintf(im->err, sizeof(im->err), "response longer than %zu bytes", max);
		return -1;
	}
	if (im->buf == NULL) {
		snprintf(im->err, sizeof(im->err), "empty response");
		return -1;
	}
	return 0;
}

int
imap_search_unseen(struct imap *im, unsigned long **uids, size_t *n)
{
	const char *p;
	size_t cap = 0;

	*uids = NULL;
	*n = 0;
	if (command(im, "UID SEARCH UNSEEN", 4u << 20) == -1)
		return -1;
	for (p = strstr(im->buf, "* SEARCH"); p != NULL; p = strstr(p, "* SEARCH")) {
		p += 8;
		while (*p == ' ') {
			char *end;
			unsigned long uid = strtoul(p + 1, &end, 10);

			if (end == p + 1)
				break;
			if (*n == cap) {
				unsigned long *v =
				    realloc(*uids, (cap = cap * 2 + 16) * sizeof(**uids));
				if (v == NULL) {
					free(*uids);
					*uids = NULL;
					snprintf(im->err, sizeof(im->err), "out of memory");
					return -1;
				}
				*uids = v;
			}
			(*uids)[(*n)++] = uid;
			p = end;
		}
	}
	return 0;
}

int
imap_size(struct imap *im, unsigned long uid, long long *size)
{
	char cmd[64];
	const char *p;

	snprintf(cmd, sizeof(cmd), "UID FETCH %lu (RFC822.SIZE)", uid);
	if (command(im, cmd, 65536) == -1)
		return -1;
	if ((p = strstr(im->buf, "RFC822.SIZE ")) == NULL) {
		snprintf(im->err, sizeof(im->err), "no size for UID %lu", uid);
		return -1;
	}
	*size = strtoll(p + 12, NULL, 10);
	return 0;
}

int
imap_fetch(struct imap *im, unsigned long uid, size_t max, char **raw, size_t *len)
{
	char cmd[64], *end;
	const char *p;
	unsigned long long n;

	*raw = NULL;
	*len = 0;
	snprintf(cmd, sizeof(cmd), "UID FETCH %lu (BODY.PEEK[])", uid);
	if (command(im, cmd, max + 65536) == -1)
		return -1;
	/* "* n FETCH (UID u BODY[] {size}\r\n" then size bytes. */
	if ((p = strstr(im->buf, "BODY[] {")) == NULL) {
		snprintf(im->err, sizeof(im->err), "no body for UID %lu", uid);
		return -1;
	}
	n = strtoull(p + 8, &end, 10);
	if (end[0] != '}' || end[1] != '\r' || end[2] != '\n' || n > max ||
	    (size_t)(end + 3 - im->buf) + n > im->len) {
		snprintf(im->err, sizeof(im->err), "malformed body for UID %lu", uid);
		return -1;
	}
	if ((*raw = malloc(n + 1)) == NULL) {
		snprintf(im->err, sizeof(im->err), "out of memory");
		return -1;
	}
	memcpy(*raw, end + 3, n);
	(*raw)[n] = '\0';
	*len = n;
	return 0;
}

int
imap_add_flags(struct imap *im, unsigned long uid, const char *flags)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "UID STORE %lu +FLAGS.SILENT (%s)", uid, flags);
	return command(im, cmd, 65536);
}
