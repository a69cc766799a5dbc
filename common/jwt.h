/*
 * jwt: HS256 JSON Web Tokens (spec/api.md §2.3) through OpenSSL HMAC.
 * The algorithm is pinned to HS256, "exp" is required and checked, and the
 * signature is compared in constant time.  The session id travels in "sid".
 */
#ifndef IZZY_JWT_H
#define IZZY_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token we sign or accept; longer input is malformed. */
#define JWT_MAX 4096

enum jwt_err {
	JWT_OK,
	JWT_MALFORMED, /* not three base64url parts of JSON objects */
	JWT_BAD_ALG,   /* header alg is not HS256 */
	JWT_BAD_SIG,   /* signature mismatch */
	JWT_EXPIRED,   /* exp missing or in the past, or nbf in the future */
	JWT__MAX
};

struct jwt_claims {
	char sub[64];
	char email[256];
	char role[32];
	char partner_id[64]; /* "" when the claim is null */
	char sid[96];        /* session secret; "" if absent */
	int64_t iat, exp;
};

/* Signs claims into out (NUL-terminated); -1 (logged) if out is too small. */
int jwt_sign(char *out, size_t outsz, const struct jwt_claims *, const void *key, size_t keylen);
/* Verifies token at time now (seconds); fills *out only on JWT_OK. */
enum jwt_err jwt_verify(
    const char *token, const void *key, size_t keylen, int64_t now, struct jwt_claims *out);
const char *jwt_strerror(enum jwt_err);

#endif
