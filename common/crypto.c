#include "config.h"
#include "crypto.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/err.h>

#include "log.h"

int
crypto_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("crypto", "getrandom: %s", strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
crypto_hex(char *out, const unsigned char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
crypto_token_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];

	if (nbytes > sizeof(buf) || crypto_random(buf, nbytes) == -1)
		return -1;
	crypto_hex(out, buf, nbytes);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

void
crypto_sha256_hex(char out[CRYPTO_SHA256_HEX], const void *data, size_t len)
{
	unsigned char md[CRYPTO_SHA256_LEN];
	unsigned int mdlen = 0;

	/* EVP_Digest cannot fail for SHA-256 on in-memory input short of OOM. */
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		log_error("crypto", "EVP_Digest failed: %lu", ERR_get_error());
		memset(md, 0, sizeof(md));
	}
	crypto_hex(out, md, CRYPTO_SHA256_LEN);
}

int
crypto_hmac_sha256(unsigned char mac[CRYPTO_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t len)
{
	unsigned int maclen = 0;

	if (keylen > 0x7fffffff ||
	    HMAC(EVP_sha256(), key, (int)keylen, data, len, mac, &maclen) == NULL ||
	    maclen != CRYPTO_SHA256_LEN) {
		log_error("crypto", "HMAC failed: %lu", ERR_get_error());
		return -1;
	}
	return 0;
}

int
crypto_webhook_sign(char hex[CRYPTO_SHA256_HEX], const char *secret, size_t secretlen,
    const char *timestamp, const void *body, size_t bodylen)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t maclen = 0;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	int rc = -1;

	/* Streamed, so that a large body is never copied to put the timestamp in front. */
	if (ctx != NULL &&
	    EVP_MAC_init(ctx, (const unsigned char *)secret, secretlen, params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)timestamp, strlen(timestamp)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
	    (bodylen == 0 || EVP_MAC_update(ctx, body, bodylen) == 1) &&
	    EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) == 1 && maclen == sizeof(mac)) {
		crypto_hex(hex, mac, sizeof(mac));
		rc = 0;
	} else
		log_error("crypto", "webhook HMAC failed: %lu", ERR_get_error());
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

bool
crypto_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
crypto_b64url_encode(char *out, const unsigned char *in, size_t len)
{
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
crypto_b64url_decode(unsigned char *out, const char *in, size_t len)
{
	unsigned acc = 0;
	int bits = 0;
	long o = 0;

	/* A lone trailing sextet cannot encode a byte. */
	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value(in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	/* Non-zero padding bits mean a non-canonical encoding. */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return o;
}
