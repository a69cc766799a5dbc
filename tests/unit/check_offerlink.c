/*
 * check_offerlink: signed special-offer links (common/offerlink.c, FR-25,
 * SR-30).  Links are built, then taken apart and tampered with one way per
 * row; the key comes from OFFER_LINK_SECRET or, outside production only,
 * from JWT_SECRET.
 */
#include "config.h"
#include "common/offerlink.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define NOW      1700000000LL
#define LEAD     "clead0000000000000000001"

static struct offerlink_key key = { "unit-test-offer-key-0123456789abcdef", 36 };

/* Splits a built URL's offer and sig parameters into the caller's buffers. */
static void
params_of(const char *url, char *offer, size_t osz, char *sig, size_t ssz)
{
	const char *o = strstr(url, "offer="), *s = strstr(url, "&sig=");

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(s);
	snprintf(offer, osz, "%.*s", (int)(s - o - 6), o + 6);
	snprintf(sig, ssz, "%.*s", (int)strcspn(s + 5, "&#"), s + 5);
}

static char *
build(struct arena *a, const char *base, long long discount, int64_t exp)
{
	struct offerlink l = { LEAD, discount, exp };
	char *url = offerlink_build(a, &key, base, &l);

	ck_assert_ptr_nonnull(url);
	return url;
}

START_TEST(test_url_shapes)
{
	/* Where the parameters go: query kept, bare origins gain "/", fragments stay last. */
	static const struct {
		const char *base, *prefix, *suffix;
	} rows[] = {
		{ "https://carsalon.pl/oferta", "https://carsalon.pl/oferta?offer=", "" },
		{ "https://x.pl", "https://x.pl/?offer=", "" },
		{ "https://x.pl?a=1", "https://x.pl/?a=1&offer=", "" },
		{ "https://x.pl/p?a=1&b=2", "https://x.pl/p?a=1&b=2&offer=", "" },
		{ "https://x.pl/p?", "https://x.pl/p?offer=", "" },
		{ "http://x.pl:8080/p#top", "http://x.pl:8080/p?offer=", "#top" },
		{ "https://x.pl#f", "https://x.pl/?offer=", "#f" },
	};
	struct arena *a = arena_new(1 << 20);

	for (size_t i = 0; i < NELEM(rows); i++) {
		char *url = build(a, rows[i].base, 5000, NOW + 60);
		size_t n = strlen(url), sl = strlen(rows[i].suffix);
		ck_assert_msg(strncmp(url, rows[i].prefix, strlen(rows[i].prefix)) == 0, "%s -> %s",
		    rows[i].base, url);
		ck_assert_msg(n > sl && strcmp(url + n - sl, rows[i].suffix) == 0, "%s -> %s",
		    rows[i].base, url);
		ck_assert_msg(strstr(url, "&sig=") != NULL, "%s has no sig", url);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_roundtrip)
{
	struct arena *a = arena_new(1 << 20);
	char offer[OFFERLINK_PARAM_MAX + 1], sig[64], json[OFFERLINK_PARAM_MAX];
	struct offerlink got;
	long n;

	params_of(build(a, "https://carsalon.pl/oferta", 5000, NOW + 3600), offer, sizeof(offer),
	    sig, sizeof(sig));
	ck_assert_uint_eq(strlen(sig), 43);
	ck_assert_int_eq(offerlink_verify(&key, offer, sig, NOW, &got), OFFERLINK_OK);
	ck_assert_str_eq(got.lead_id, LEAD);
	ck_assert_int_eq(got.discount_pln, 5000);
	ck_assert_int_eq(got.exp, NOW + 3600);
	/* The payload is readable JSON: nothing secret, only integrity is added. */
	n = crypto_b64url_decode((unsigned char *)json, offer, strlen(offer));
	ck_assert_int_gt(n, 0);
	json[n] = '\0';
	ck_assert_str_eq(json, "{\"leadId\":\"" LEAD "\",\"discountPln\":5000,\"exp\":1700003600}");
	arena_free(a);
}
END_TEST

/* b64url(json) for forged payloads. */
static void
enc(char *out, const char *json)
{
	crypto_b64url_encode(out, (const unsigned char *)json, strlen(json));
}

START_TEST(test_tampering)
{
	struct arena *a = arena_new(1 << 20);
	char offer[OFFERLINK_PARAM_MAX + 1], sig[64], forged[OFFERLINK_PARAM_MAX + 1];
	char fsig[44], bad[80];
	unsigned char mac[CRYPTO_SHA256_LEN];
	struct offerlink got;
	struct offerlink_key other = { "another-key-0123456789abcdef0123456", 35 };

	params_of(
	    build(a, "https://x.pl/o", 5000, NOW + 3600), offer, sizeof(offer), sig, sizeof(sig));

	/* A raised discount with the old signature. */
	enc(forged, "{\"leadId\":\"" LEAD "\",\"discountPln\":50000,\"exp\":1700003600}");
	ck_assert_int_eq(offerlink_verify(&key, forged, sig, NOW, &got), OFFERLINK_INVALID);
	/* One flipped signature character, a truncated one, a padded one. */
	snprintf(bad, sizeof(bad), "%s", sig);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(offerlink_verify(&key, offer, bad, NOW, &got), OFFERLINK_INVALID);
	bad[10] = sig[10];
	bad[42] = '\0';
	ck_assert_int_eq(offerlink_verify(&key, offer, bad, NOW, &got), OFFERLINK_INVALID);
	snprintf(bad, sizeof(bad), "%s=", sig);
	ck_assert_int_eq(offerlink_verify(&key, offer, bad, NOW, &got), OFFERLINK_INVALID);
	/* Signed with another key. */
	ck_assert_int_eq(offerlink_verify(&other, offer, sig, NOW, &got), OFFERLINK_INVALID);
	/* Empty and missing parameters. */
	ck_assert_int_eq(offerlink_verify(&key, "", sig, NOW, &got), OFFERLINK_INVALID);
	ck_assert_int_eq(offerlink_verify(&key, offer, "", NOW, &got), OFFERLINK_INVALID);
	ck_assert_int_eq(offerlink_verify(&key, NULL, sig, NOW, &got), OFFERLINK_INVALID);

	/* Correctly signed but malformed payloads are refused too. */
	static const char *const payloads[] = {
		"{\"leadId\":\"" LEAD "\",\"discountPln\":-5,\"exp\":1700003600}",
		"{\"leadId\":\"" LEAD "\",\"discountPln\":1.5,\"exp\":1700003600}",
		"{\"leadId\":\"" LEAD "\",\"discountPln\":\"5000\",\"exp\":1700003600}",
		"{\"leadId\":\"not a cuid\",\"discountPln\":5,\"exp\":1700003600}",
		"{\"leadId\":\"" LEAD "\",\"discountPln\":5}",
		"[1,2]",
		"offerDiscount=5000",
	};
	for (size_t i = 0; i < NELEM(payloads); i++) {
		enc(forged, payloads[i]);
		crypto_hmac_sha256(mac, key.k, key.len, forged, strlen(forged));
		crypto_b64url_encode(fsig, mac, sizeof(mac));
		ck_assert_msg(offerlink_verify(&key, forged, fsig, NOW, &got) == OFFERLINK_INVALID,
		    "accepted %s", payloads[i]);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_expiry)
{
	struct arena *a = arena_new(1 << 20);
	char offer[OFFERLINK_PARAM_MAX + 1], sig[64];
	struct offerlink got;

	params_of(build(a, "https://x.pl/o", 0, NOW + 10), offer, sizeof(offer), sig, sizeof(sig));
	ck_assert_int_eq(offerlink_verify(&key, offer, sig, NOW + 9, &got), OFFERLINK_OK);
	ck_assert_int_eq(got.discount_pln, 0);
	ck_assert_int_eq(offerlink_verify(&key, offer, sig, NOW + 10, &got), OFFERLINK_EXPIRED);
	ck_assert_int_eq(offerlink_verify(&key, offer, sig, NOW + 86400, &got), OFFERLINK_EXPIRED);
	arena_free(a);
}
END_TEST

START_TEST(test_key)
{
	struct cfg c;
	struct offerlink_key k1, k2;
	unsigned char want[CRYPTO_SHA256_LEN];
	static const char jwt[] = "jwt-secret-for-the-unit-test-000000000";

	memset(&c, 0, sizeof(c));
	c.env = CFG_ENV_TEST;
	c.jwt_secret = jwt;
	c.offer_link_secret = "offer-secret-for-the-unit-test-0000000";
	ck_assert_int_eq(offerlink_key(&c, &k1), 0);
	ck_assert_uint_eq(k1.len, strlen(c.offer_link_secret));
	ck_assert(memcmp(k1.k, c.offer_link_secret, k1.len) == 0);

	/* Unset outside production: derived from JWT_SECRET, never equal to it. */
	c.offer_link_secret = NULL;
	ck_assert_int_eq(offerlink_key(&c, &k2), 0);
	crypto_hmac_sha256(want, jwt, strlen(jwt), "izzy offer-link v1", 18);
	ck_assert_uint_eq(k2.len, CRYPTO_SHA256_LEN);
	ck_assert(memcmp(k2.k, want, sizeof(want)) == 0);
	ck_assert(memcmp(k2.k, jwt, CRYPTO_SHA256_LEN) != 0);
	/* Same inputs, same key: links survive a restart. */
	ck_assert_int_eq(offerlink_key(&c, &k1), 0);
	ck_assert(k1.len == k2.len && memcmp(k1.k, k2.k, k1.len) == 0);

	/* Production never falls back. */
	c.env = CFG_ENV_PRODUCTION;
	ck_assert_int_eq(offerlink_key(&c, &k1), -1);
}
END_TEST

static Suite *
offerlink_suite(void)
{
	Suite *s = suite_create("offerlink");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_url_shapes);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_tampering);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_key);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(offerlink_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
