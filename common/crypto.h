/*
 * crypto: the few primitives the rest of libizzy needs, on OpenSSL and the
 * kernel CSPRNG.  All random values come from getrandom(2) (SR-10).
 */
#ifndef IZZY_CRYPTO_H
#define IZZY_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_SHA256_HEX (CRYPTO_SHA256_LEN * 2 + 1)

/* Fills buf from the kernel CSPRNG; -1 (logged) on failure. */
int crypto_random(void *buf, size_t len);
/* Writes 2*len lowercase hex digits plus NUL into out. */
void crypto_hex(char *out, const unsigned char *in, size_t len);
/* A random token of nbytes rendered as hex into out (2*nbytes+1); -1 on failure. */
int crypto_token_hex(char *out, size_t nbytes);
/* SHA-256 of data as lowercase hex (CRYPTO_SHA256_HEX bytes). */
void crypto_sha256_hex(char out[CRYPTO_SHA256_HEX], const void *data, size_t len);
/* HMAC-SHA256 into mac[32]; -1 (logged) on failure. */
int crypto_hmac_sha256(unsigned char mac[CRYPTO_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t len);
/*
 * The signature of a signed webhook (the inbound one of cgi-bin/webhooks.c and
 * the partner webhooks bin/izzy-worker sends, docs/partner-api.md): hex
 * HMAC-SHA256, keyed with secret, over "<timestamp>.<body>", written into hex
 * (the header value is "sha256=" + hex).  -1 (logged) on failure.
 */
int crypto_webhook_sign(char hex[CRYPTO_SHA256_HEX], const char *secret, size_t secretlen,
    const char *timestamp, const void *body, size_t bodylen);
/* Constant-time equality of two buffers of the same length. */
bool crypto_equal(const void *a, const void *b, size_t len);

/* base64url without padding.  Encode returns the output length; out needs
 * 4*ceil(len/3)+1 bytes.  Decode returns the decoded length or -1 on a bad
 * character; out needs len*3/4+3 bytes. */
size_t crypto_b64url_encode(char *out, const unsigned char *in, size_t len);
long crypto_b64url_decode(unsigned char *out, const char *in, size_t len);

#endif
