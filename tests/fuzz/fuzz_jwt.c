/*
 * fuzz_jwt: jwt_verify on arbitrary bytes with a fixed key, then a
 * sign/verify round trip of claims built from the same bytes.  Oracles: a
 * forged token never verifies, and every token jwt_sign writes verifies
 * back to the same claims (or fails for the one reason the claims give).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define KEY "fuzz-jwt-key-0123456789abcdef0123456789"
#define NOW 1700000000LL

/* Copies the next NUL-separated piece of the input into dst. */
static void
take(char *dst, size_t dstsz, const uint8_t **p, const uint8_t *end)
{
	size_t n = 0;

	while (*p < end && **p != '\0' && n + 1 < dstsz)
		dst[n++] = (char)*(*p)++;
	dst[n] = '\0';
	if (*p < end)
		(*p)++;
}

static int64_t
take_num(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (int i = 0; i < 6 && *p < end; i++)
		v = v << 8 | *(*p)++;
	return (int64_t)(v % 20000000000000ULL) - 2000000000LL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok = malloc(size + 1), out[JWT_MAX];
	const uint8_t *p = data, *end = data + size;
	struct jwt_claims c, v;
	enum jwt_err e;

	if (tok == NULL)
		abort();
	memcpy(tok, data, size);
	tok[size] = '\0';
	/* Forging HMAC-SHA256 is not something a fuzzer does: anything OK is a bug. */
	e = jwt_verify(tok, KEY, strlen(KEY), NOW, &v);
	if (e == JWT_OK || (unsigned)e >= JWT__MAX || jwt_strerror(e) == NULL)
		abort();
	free(tok);

	memset(&c, 0, sizeof(c));
	take(c.sub, sizeof(c.sub), &p, end);
	take(c.email, sizeof(c.email), &p, end);
	take(c.role, sizeof(c.role), &p, end);
	take(c.partner_id, sizeof(c.partner_id), &p, end);
	take(c.sid, sizeof(c.sid), &p, end);
	c.iat = take_num(&p, end);
	c.exp = take_num(&p, end);
	if (jwt_sign(out, sizeof(out), &c, KEY, strlen(KEY)) == -1)
		return 0;
	if (strlen(out) > JWT_MAX - 1)
		abort();
	memset(&v, 0, sizeof(v));
	e = jwt_verify(out, KEY, strlen(KEY), NOW, &v);
	if (c.sub[0] == '\0' || c.iat < 0 || c.exp < 0 || c.iat > 10000000000000LL ||
	    c.exp > 10000000000000LL) {
		if (e != JWT_MALFORMED)
			abort();
	} else if (c.exp <= NOW) {
		if (e != JWT_EXPIRED)
			abort();
	} else if (e != JWT_OK || strcmp(v.sub, c.sub) != 0 || strcmp(v.email, c.email) != 0 ||
	    strcmp(v.role, c.role) != 0 || strcmp(v.partner_id, c.partner_id) != 0 ||
	    strcmp(v.sid, c.sid) != 0 || v.iat != c.iat || v.exp != c.exp)
		abort();
	/* The wrong key never verifies a real token. */
	if (jwt_verify(out, "another-key", 11, NOW, &v) == JWT_OK)
		abort();
	return 0;
}
