/*
 * fuzz_multipart: the streaming multipart parser (common/multipart.c) on
 * hostile bodies.  The first byte picks a piece size; the rest is the body,
 * parsed once whole and once in pieces.  Besides the sanitizers, the oracle
 * is the parser's promise that the way bytes arrive does not matter: both
 * runs must agree on the outcome and on every byte handed to the callbacks.
 * The Content-Type parser gets the same bytes as a header value.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sink {
	unsigned char hash[8192]; /* transcript, truncated */
	size_t len, total;
	int parts, open;
};

static void
put(struct sink *s, const void *p, size_t n)
{
	s->total += n;
	for (size_t i = 0; i < n && s->len < sizeof(s->hash); i++)
		s->hash[s->len++] = ((const unsigned char *)p)[i];
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct sink *s = ctx;

	if (s->open || strlen(p->name) > MULTIPART_NAME_MAX)
		abort();
	s->open = 1;
	s->parts++;
	put(s, "<", 1);
	put(s, p->name, strlen(p->name));
	put(s, p->filename, strlen(p->filename));
	return 0;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct sink *s = ctx;

	if (!s->open || n == 0)
		abort();
	put(s, buf, n);
	return 0;
}

static int
on_end(void *ctx)
{
	struct sink *s = ctx;

	if (!s->open)
		abort();
	s->open = 0;
	put(s, ">", 1);
	return 0;
}

static int
parse(struct arena *a, const char *body, size_t len, size_t piece, struct sink *s)
{
	struct multipart_cb cb = { on_begin, on_data, on_end, s };
	struct multipart *m = multipart_new(a, "b0UnD", &cb);
	int rc = 0;

	if (m == NULL)
		abort();
	for (size_t i = 0; i < len && rc == 0; i += piece)
		rc = multipart_feed(m, body + i, len - i < piece ? len - i : piece);
	if (rc == 0)
		rc = multipart_finish(m);
	return rc == 0 ? 0 : (int)multipart_error(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink whole, pieces;
	struct arena *a;
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	char *ct;
	size_t piece;
	int r1, r2;

	if (size < 1)
		return 0;
	piece = (size_t)(data[0] % 17) + 1;
	data++;
	size--;
	if ((a = arena_new(1 << 20)) == NULL)
		abort();
	memset(&whole, 0, sizeof(whole));
	memset(&pieces, 0, sizeof(pieces));
	r1 = parse(a, (const char *)data, size, size > 0 ? size : 1, &whole);
	r2 = parse(a, (const char *)data, size, piece, &pieces);
	/* A callback error in one run only means the runs differ. */
	if (r1 != r2 || whole.total != pieces.total || whole.parts != pieces.parts ||
	    whole.len != pieces.len || memcmp(whole.hash, pieces.hash, whole.len) != 0)
		abort();
	if ((ct = malloc(size + 1)) == NULL)
		abort();
	memcpy(ct, data, size);
	ct[size] = '\0';
	if (multipart_boundary(ct, boundary, sizeof(boundary)) == 0 &&
	    (strlen(boundary) == 0 || strlen(boundary) > MULTIPART_BOUNDARY_MAX ||
		strpbrk(boundary, "\r\n\"") != NULL))
		abort();
	free(ct);
	arena_free(a);
	return 0;
}
