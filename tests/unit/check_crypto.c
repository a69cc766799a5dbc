/*
 * check_crypto: SHA-256, HMAC-SHA256 (RFC 4231), base64url (RFC 4648 §5,
 * no padding, canonical only), constant-time compare and random tokens.
 */
#include "config.h"
#include "common/crypto.h"

#include <stdbool.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_sha256)
{
	static const struct {
		const char *in;
		const char *hex;
	} rows[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char out[CRYPTO_SHA256_HEX];
		memset(out, 'x', sizeof(out));
		crypto_sha256_hex(out, rows[i].in, strlen(rows[i].in));
		ck_assert_msg(strcmp(out, rows[i].hex) == 0, "\"%s\": %s", rows[i].in, out);
	}
}
END_TEST

START_TEST(test_hmac)
{
	/* RFC 4231 test cases 1, 2, 3 and 6. */
	static unsigned char k1[20], k3[20], k6[131], d3[50];
	static const struct {
		const unsigned char *key;
		size_t keylen;
		const void *data;
		size_t len;
		const char *hex;
	} rows[] = {
		{ k1, sizeof(k1), "Hi There", 8,
		    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ (const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28,
		    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ k3, sizeof(k3), d3, sizeof(d3),
		    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	};

	memset(k1, 0x0b, sizeof(k1));
	memset(k3, 0xaa, sizeof(k3));
	memset(d3, 0xdd, sizeof(d3));
	memset(k6, 0xaa, sizeof(k6));
	for (size_t i = 0; i < NELEM(rows); i++) {
		unsigned char mac[CRYPTO_SHA256_LEN];
		char hex[CRYPTO_SHA256_HEX];
		ck_assert_int_eq(
		    crypto_hmac_sha256(mac, rows[i].key, rows[i].keylen, rows[i].data, rows[i].len),
		    0);
		crypto_hex(hex, mac, sizeof(mac));
		ck_assert_msg(strcmp(hex, rows[i].hex) == 0, "case %zu: %s", i, hex);
	}
}
END_TEST

/* Webhook signatures (docs/partner-api.md): the vectors are Python's hmac over "<ts>.<body>". */
START_TEST(test_webhook_sign)
{
	static const char body[] = "{\"id\":\"evt_1\",\"type\":\"lead.created\"}";
	char hex[CRYPTO_SHA256_HEX];

	ck_assert_int_eq(
	    crypto_webhook_sign(hex, "whsec_test", 10, "1700000000", body, strlen(body)), 0);
	ck_assert_str_eq(hex, "b05d3640f2b57a63571590bc68c9de40faec2638da1b635f60bd8d02848b23fa");
	ck_assert_int_eq(crypto_webhook_sign(hex, "whsec_test", 10, "1700000000", "", 0), 0);
	ck_assert_str_eq(hex, "5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc");
	ck_assert_int_eq(
	    crypto_webhook_sign(hex, "whsec_tesu", 10, "1700000000", body, strlen(body)), 0);
	ck_assert_str_ne(hex, "b05d3640f2b57a63571590bc68c9de40faec2638da1b635f60bd8d02848b23fa");
}
END_TEST

START_TEST(test_hex)
{
	static const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof(in) + 1];

	crypto_hex(out, in, sizeof(in));
	ck_assert_str_eq(out, "00017f80abff");
	crypto_hex(out, in, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_b64url_vectors)
{
	static const struct {
		const char *raw;
		size_t len;
		const char *enc;
	} rows[] = {
		{ "", 0, "" },
		{ "f", 1, "Zg" },
		{ "fo", 2, "Zm8" },
		{ "foo", 3, "Zm9v" },
		{ "foob", 4, "Zm9vYg" },
		{ "fooba", 5, "Zm9vYmE" },
		{ "foobar", 6, "Zm9vYmFy" },
		/* The URL alphabet: '-' and '_' instead of '+' and '/'. */
		{ "\xfb\xff", 2, "-_8" },
		{ "\xfb\xff\xbf", 3, "-_-_" },
		{ "\x00", 1, "AA" },
		{ "\x00\x00\x00", 3, "AAAA" },
		{ "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27,
		    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		char enc[64];
		unsigned char dec[64];
		size_t n =
		    crypto_b64url_encode(enc, (const unsigned char *)rows[i].raw, rows[i].len);
		long m;

		ck_assert_msg(strcmp(enc, rows[i].enc) == 0, "row %zu: encoded \"%s\"", i, enc);
		ck_assert_uint_eq(n, strlen(rows[i].enc));
		m = crypto_b64url_decode(dec, rows[i].enc, strlen(rows[i].enc));
		ck_assert_msg(m == (long)rows[i].len, "row %zu: decoded %ld bytes", i, m);
		ck_assert_msg(
		    memcmp(dec, rows[i].raw, rows[i].len) == 0, "row %zu: decoded wrong", i);
	}
}
END_TEST

START_TEST(test_b64url_reject)
{
	static const char *const rows[] = {
		"Z", /* len % 4 == 1 cannot encode a byte */
		"Zm9vY",
		"Zg==", /* no padding in base64url */
		"Zg=",
		"Zm+v", /* standard alphabet */
		"Zm/v",
		"Zm9 ",
		"Zm\n9",
		"Zm.v",
		"Zh",  /* non-canonical: trailing bits set */
		"Zm9", /* canonical "fo" is Zm8 */
		"-_9",
		"\xc3\xa9xx",
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		unsigned char dec[16];
		ck_assert_msg(crypto_b64url_decode(dec, rows[i], strlen(rows[i])) == -1,
		    "\"%s\" was accepted", rows[i]);
	}
}
END_TEST

START_TEST(test_b64url_roundtrip)
{
	unsigned char in[200], dec[200 + 3];
	char enc[4 * 67 + 1];

	ck_assert_int_eq(crypto_random(in, sizeof(in)), 0);
	for (size_t len = 0; len <= sizeof(in); len++) {
		size_t n = crypto_b64url_encode(enc, in, len);
		ck_assert_uint_eq(n, (len * 4 + 2) / 3);
		ck_assert_uint_eq(strspn(enc,
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789-_"),
		    n);
		ck_assert_int_eq(crypto_b64url_decode(dec, enc, n), (long)len);
		ck_assert_msg(memcmp(dec, in, len) == 0, "len %zu: round trip differs", len);
	}
}
END_TEST

START_TEST(test_equal)
{
	static const struct {
		const char *a, *b;
		size_t len;
		bool eq;
	} rows[] = {
		{ "", "", 0, true },
		{ "abc", "abc", 3, true },
		{ "abc", "abd", 3, false },
		{ "abc", "abd", 2, true },
		{ "xbc", "abc", 3, false },
		{ "a\0c", "a\0d", 3, false },
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(
		    crypto_equal(rows[i].a, rows[i].b, rows[i].len) == rows[i].eq, "row %zu", i);
}
END_TEST

START_TEST(test_token_hex)
{
	static const size_t sizes[] = { 1, 16, 32, 64 };
	char a[129], b[129];

	for (size_t i = 0; i < NELEM(sizes); i++) {
		ck_assert_int_eq(crypto_token_hex(a, sizes[i]), 0);
		ck_assert_int_eq(crypto_token_hex(b, sizes[i]), 0);
		ck_assert_uint_eq(strlen(a), 2 * sizes[i]);
		ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 2 * sizes[i]);
		if (sizes[i] >= 16)
			ck_assert_str_ne(a, b);
	}
	/* More than the internal buffer is refused, not overflowed. */
	ck_assert_int_eq(crypto_token_hex(a, 65), -1);
}
END_TEST

static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sha256);
	tcase_add_test(tc, test_hmac);
	tcase_add_test(tc, test_webhook_sign);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_b64url_vectors);
	tcase_add_test(tc, test_b64url_reject);
	tcase_add_test(tc, test_b64url_roundtrip);
	tcase_add_test(tc, test_equal);
	tcase_add_test(tc, test_token_hex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
