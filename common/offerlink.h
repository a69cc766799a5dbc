/*
 * offerlink: tamper-proof special-offer links (FR-25, SR-30).  The
 * reference put a plain base64 "offerDiscount=<N>" into the URL, so anyone
 * could raise the discount.  Here the parameters travel as
 *   offer = base64url({"leadId":…,"discountPln":N,"exp":<epoch seconds>})
 *   sig   = base64url(HMAC-SHA256(key, offer))
 * appended to the marketplace URL; the marketplace (which shares the key)
 * or GET /api/leads/offer-link/verify checks the signature in constant time
 * and the expiry.
 */
#ifndef IZZY_OFFERLINK_H
#define IZZY_OFFERLINK_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct arena;
struct cfg;

/* Default and allowed validity of a link, in days. */
#define OFFERLINK_TTL_DAYS     14
#define OFFERLINK_TTL_MAX_DAYS 90
/* Longest "offer" parameter we produce or accept (the JSON is ~100 bytes). */
#define OFFERLINK_PARAM_MAX 512

struct offerlink_key {
	unsigned char k[256];
	size_t len;
};

struct offerlink {
	char lead_id[64];
	long long discount_pln; /* >= 0 */
	int64_t exp;            /* seconds since the epoch */
};

enum offerlink_err {
	OFFERLINK_OK,
	OFFERLINK_INVALID, /* malformed, or the signature does not match */
	OFFERLINK_EXPIRED, /* signature good, exp in the past */
	OFFERLINK__MAX
};

/*
 * The signing key: OFFER_LINK_SECRET, or outside production (where cfg_load
 * already refuses a missing secret) a key derived from JWT_SECRET with
 * HMAC-SHA256(JWT_SECRET, "izzy offer-link v1"), with a warning logged once
 * per process.  -1 (logged) when neither is usable.
 */
int offerlink_key(const struct cfg *, struct offerlink_key *out);
/*
 * The final URL: base_url (an absolute http(s) URL) with "offer" and "sig"
 * appended to its query, before any fragment; a bare origin gains a "/"
 * path (spec §5.9).  Arena memory; NULL (logged) on failure.
 */
char *offerlink_build(
    struct arena *, const struct offerlink_key *, const char *base_url, const struct offerlink *);
/* Checks a link's two parameters at time now; fills *out only on OFFERLINK_OK. */
enum offerlink_err offerlink_verify(const struct offerlink_key *, const char *offer,
    const char *sig, int64_t now, struct offerlink *out);

#endif
