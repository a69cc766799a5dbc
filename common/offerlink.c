#include "config.h"
#include "offerlink.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "cfg.h"
#include "id.h"
#include "log.h"

/* Domain separation: the derived key never equals the JWT key. */
static const char derive_label[] = "izzy offer-link v1";

int
offerlink_key(const struct cfg *cfg, struct offerlink_key *out)
{
	static bool warned;
	size_t n;

	if (cfg->offer_link_secret != NULL) {
		n = strlen(cfg->offer_link_secret);
		if (n > sizeof(out->k)) {
			log_error(
			    "offerlink", "OFFER_LINK_SECRET longer than %zu bytes", sizeof(out->k));
			return -1;
		}
		memcpy(out->k, cfg->offer_link_secret, n);
		out->len = n;
		return 0;
	}
	if (cfg->env == CFG_ENV_PRODUCTION || cfg->jwt_secret == NULL || *cfg->jwt_secret == '\0') {
		log_error("offerlink", "OFFER_LINK_SECRET is not set");
		return -1;
	}
	if (!warned) {
		log_warn("offerlink",
		    "OFFER_LINK_SECRET is not set: using a key derived from "
		    "JWT_SECRET (not allowed in production)");
		warned = true;
	}
	if (crypto_hmac_sha256(out->k, cfg->jwt_secret, strlen(cfg->jwt_secret), derive_label,
		sizeof(derive_label) - 1) == -1)
		return -1;
	out->len = CRYPTO_SHA256_LEN;
	return 0;
}

/* base64url(HMAC(key, offer)) into sig (44 bytes). */
static int
sign(const struct offerlink_key *key, const char *offer, size_t len, char sig[44])
{
	unsigned char mac[CRYPTO_SHA256_LEN];

	if (crypto_hmac_sha256(mac, key->k, key->len, offer, len) == -1)
		return -1;
	crypto_b64url_encode(sig, mac, sizeof(mac));
	return 0;
}

char *
offerlink_build(struct arena *mem, const struct offerlink_key *key, const char *base_url,
    const struct offerlink *l)
{
	char offer[OFFERLINK_PARAM_MAX + 1], sig[44], *json = NULL, *out = NULL;
	const char *host, *frag, *query, *sep;
	size_t jlen, hostlen, headlen;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddStringToObject(o, "leadId", l->lead_id) == NULL ||
	    cJSON_AddNumberToObject(o, "discountPln", (double)l->discount_pln) == NULL ||
	    cJSON_AddNumberToObject(o, "exp", (double)l->exp) == NULL ||
	    (json = cJSON_PrintUnformatted(o)) == NULL) {
		log_error("offerlink", "cannot build the payload: out of memory");
		goto out;
	}
	jlen = strlen(json);
	if ((jlen + 2) / 3 * 4 > OFFERLINK_PARAM_MAX) {
		log_error("offerlink", "payload too large");
		goto out;
	}
	crypto_b64url_encode(offer, (const unsigned char *)json, jlen);
	if (sign(key, offer, strlen(offer), sig) == -1)
		goto out;
	if ((host = strstr(base_url, "://")) == NULL) {
		log_error("offerlink", "base URL without a scheme");
		goto out;
	}
	host += 3;
	hostlen = strcspn(host, "/?#");
	frag = strchr(host, '#');
	headlen = frag != NULL ? (size_t)(frag - base_url) : strlen(base_url);
	query = memchr(base_url, '?', headlen);
	if (query == NULL)
		sep = "?";
	else if (base_url[headlen - 1] == '?' || base_url[headlen - 1] == '&')
		sep = "";
	else
		sep = "&";
	/* "https://x.pl" and "https://x.pl?a=1" have an empty path: give them "/". */
	out = arena_printf(mem, "%.*s%s%.*s%s%s%s&sig=%s%s", (int)(host + hostlen - base_url),
	    base_url, host[hostlen] == '/' ? "" : "/",
	    (int)(headlen - (size_t)(host + hostlen - base_url)), host + hostlen, sep,
	    "offer=", offer, sig, frag != NULL ? frag : "");
out:
	cJSON_free(json);
	cJSON_Delete(o);
	return out;
}

static bool
whole_number(const cJSON *v, double lo, double hi)
{
	return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    v->valuedouble >= lo && v->valuedouble <= hi;
}

enum offerlink_err
offerlink_verify(const struct offerlink_key *key, const char *offer, const char *sig, int64_t now,
    struct offerlink *out)
{
	unsigned char mac[CRYPTO_SHA256_LEN], got[CRYPTO_SHA256_LEN + 3];
	unsigned char json[OFFERLINK_PARAM_MAX];
	size_t olen;
	long n;
	cJSON *o = NULL;
	const cJSON *lead, *disc, *exp;
	enum offerlink_err e = OFFERLINK_INVALID;

	if (offer == NULL || sig == NULL || (olen = strnlen(offer, OFFERLINK_PARAM_MAX + 1)) == 0 ||
	    olen > OFFERLINK_PARAM_MAX)
		return OFFERLINK_INVALID;
	/* Exactly one HMAC-SHA256, canonically encoded. */
	if (strlen(sig) != 43 || crypto_b64url_decode(got, sig, 43) != CRYPTO_SHA256_LEN)
		return OFFERLINK_INVALID;
	if (crypto_hmac_sha256(mac, key->k, key->len, offer, olen) == -1)
		return OFFERLINK_INVALID;
	if (!crypto_equal(mac, got, sizeof(mac)))
		return OFFERLINK_INVALID;
	/* Signed by us: a malformed payload is still refused, never trusted blindly. */
	if ((n = crypto_b64url_decode(json, offer, olen)) <= 0 ||
	    memchr(json, '\0', (size_t)n) != NULL ||
	    (o = cJSON_ParseWithLength((const char *)json, (size_t)n)) == NULL ||
	    !cJSON_IsObject(o))
		goto out;
	lead = cJSON_GetObjectItemCaseSensitive(o, "leadId");
	disc = cJSON_GetObjectItemCaseSensitive(o, "discountPln");
	exp = cJSON_GetObjectItemCaseSensitive(o, "exp");
	if (!cJSON_IsString(lead) || !id_is_cuid(lead->valuestring) ||
	    strlen(lead->valuestring) >= sizeof(out->lead_id) || !whole_number(disc, 0, 1e15) ||
	    !whole_number(exp, 0, 1e13))
		goto out;
	if ((int64_t)exp->valuedouble <= now) {
		e = OFFERLINK_EXPIRED;
		goto out;
	}
	memcpy(out->lead_id, lead->valuestring, strlen(lead->valuestring) + 1);
	out->discount_pln = (long long)disc->valuedouble;
	out->exp = (int64_t)exp->valuedouble;
	e = OFFERLINK_OK;
out:
	cJSON_Delete(o);
	return e;
}
