#include "config.h"
#include "jwt.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crypto.h"
#include "log.h"

/* The only header we ever produce; its base64url form is fixed. */
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static const char *const jwt_errs[JWT__MAX] = {
	[JWT_OK] = "ok",
	[JWT_MALFORMED] = "malformed token",
	[JWT_BAD_ALG] = "algorithm not allowed",
	[JWT_BAD_SIG] = "bad signature",
	[JWT_EXPIRED] = "token expired",
};

const char *
jwt_strerror(enum jwt_err e)
{
	return e < JWT__MAX ? jwt_errs[e] : "unknown";
}

int
jwt_sign(char *out, size_t outsz, const struct jwt_claims *c, const void *key, size_t keylen)
{
	char hdr64[64], *payload = NULL, pay64[2048], sig64[64];
	unsigned char mac[CRYPTO_SHA256_LEN];
	cJSON *o = cJSON_CreateObject();
	size_t plen, n;
	int rc = -1;

	if (o == NULL || cJSON_AddStringToObject(o, "sub", c->sub) == NULL ||
	    cJSON_AddStringToObject(o, "email", c->email) == NULL ||
	    cJSON_AddStringToObject(o, "role", c->role) == NULL ||
	    (c->partner_id[0] != '\0' ? cJSON_AddStringToObject(o, "partnerId", c->partner_id)
				      : cJSON_AddNullToObject(o, "partnerId")) == NULL ||
	    (c->sid[0] != '\0' && cJSON_AddStringToObject(o, "sid", c->sid) == NULL) ||
	    cJSON_AddNumberToObject(o, "iat", (double)c->iat) == NULL ||
	    cJSON_AddNumberToObject(o, "exp", (double)c->exp) == NULL ||
	    (payload = cJSON_PrintUnformatted(o)) == NULL) {
		log_error("jwt", "cannot build payload: out of memory");
		goto out;
	}
	plen = strlen(payload);
	if ((plen + 2) / 3 * 4 + 1 > sizeof(pay64)) {
		log_error("jwt", "payload too large");
		goto out;
	}
	crypto_b64url_encode(hdr64, (const unsigned char *)jwt_header, sizeof(jwt_header) - 1);
	crypto_b64url_encode(pay64, (const unsigned char *)payload, plen);
	n = (size_t)snprintf(out, outsz, "%s.%s", hdr64, pay64);
	if (n >= outsz)
		goto small;
	if (crypto_hmac_sha256(mac, key, keylen, out, n) == -1)
		goto out;
	crypto_b64url_encode(sig64, mac, sizeof(mac));
	if (n + 1 + strlen(sig64) + 1 > outsz)
		goto small;
	out[n] = '.';
	memcpy(out + n + 1, sig64, strlen(sig64) + 1);
	rc = 0;
	goto out;
small:
	log_error("jwt", "output buffer of %zu bytes too small", outsz);
out:
	cJSON_free(payload);
	cJSON_Delete(o);
	return rc;
}

/* Decodes one base64url part into a parsed JSON object, or NULL. */
static cJSON *
jwt_part(const char *p, size_t len)
{
	unsigned char buf[JWT_MAX];
	long n;

	if (len == 0 || len * 3 / 4 + 3 > sizeof(buf))
		return NULL;
	if ((n = crypto_b64url_decode(buf, p, len)) < 0)
		return NULL;
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n) != NULL)
		return NULL;
	/* n + 1 and require_null_terminated: trailing bytes after the object are malformed. */
	cJSON *o = cJSON_ParseWithLengthOpts((const char *)buf, (size_t)n + 1, NULL, true);
	if (o != NULL && !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Copies a string claim; false if present with the wrong type or too long. */
static bool
claim_str(const cJSON *o, const char *name, char *dst, size_t dstsz, bool nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	dst[0] = '\0';
	if (v == NULL || (nullable && cJSON_IsNull(v)))
		return true;
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= dstsz)
		return false;
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return true;
}

static bool
claim_num(const cJSON *o, const char *name, int64_t *dst, bool *present)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	*present = v != NULL;
	if (v == NULL)
		return true;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e13)
		return false;
	*dst = (int64_t)v->valuedouble;
	return true;
}

enum jwt_err
jwt_verify(const char *token, const void *key, size_t keylen, int64_t now, struct jwt_claims *out)
{
	const char *dot1, *dot2;
	size_t len;
	unsigned char mac[CRYPTO_SHA256_LEN], sig[CRYPTO_SHA256_LEN + 3];
	cJSON *hdr = NULL, *pay = NULL;
	const cJSON *alg;
	struct jwt_claims c;
	enum jwt_err e = JWT_MALFORMED;
	bool has_exp, has_iat, has_nbf;
	int64_t nbf = 0;

	if (token == NULL || (len = strnlen(token, JWT_MAX + 1)) > JWT_MAX)
		return JWT_MALFORMED;
	if ((dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))) == NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return JWT_MALFORMED;
	if ((hdr = jwt_part(token, (size_t)(dot1 - token))) == NULL)
		goto out;
	alg = cJSON_GetObjectItemCaseSensitive(hdr, "alg");
	if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "HS256") != 0) {
		e = JWT_BAD_ALG;
		goto out;
	}
	/* The signature must decode to exactly one HMAC-SHA256. */
	if (strlen(dot2 + 1) != 43 || crypto_b64url_decode(sig, dot2 + 1, 43) != CRYPTO_SHA256_LEN)
		goto out;
	if (crypto_hmac_sha256(mac, key, keylen, token, (size_t)(dot2 - token)) == -1)
		goto out;
	if (!crypto_equal(mac, sig, sizeof(mac))) {
		e = JWT_BAD_SIG;
		goto out;
	}
	if ((pay = jwt_part(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL)
		goto out;
	memset(&c, 0, sizeof(c));
	if (!claim_str(pay, "sub", c.sub, sizeof(c.sub), false) ||
	    !claim_str(pay, "email", c.email, sizeof(c.email), false) ||
	    !claim_str(pay, "role", c.role, sizeof(c.role), false) ||
	    !claim_str(pay, "partnerId", c.partner_id, sizeof(c.partner_id), true) ||
	    !claim_str(pay, "sid", c.sid, sizeof(c.sid), false) ||
	    !claim_num(pay, "iat", &c.iat, &has_iat) || !claim_num(pay, "exp", &c.exp, &has_exp) ||
	    !claim_num(pay, "nbf", &nbf, &has_nbf) || c.sub[0] == '\0')
		goto out;
	if (!has_exp || c.exp <= now || (has_nbf && nbf > now)) {
		e = JWT_EXPIRED;
		goto out;
	}
	*out = c;
	e = JWT_OK;
out:
	cJSON_Delete(hdr);
	cJSON_Delete(pay);
	return e;
}
