/*
 * check_jwt: HS256 tokens (common/jwt.c, spec/api.md §2.3).  The hostile
 * tokens are built here from raw header and payload JSON with
 * crypto_b64url_encode + crypto_hmac_sha256, so each row fails for the one
 * reason it names and not because its signature is accidentally wrong.
 */
#include "config.h"
#include "common/jwt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/crypto.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define NOW      1700000000LL
#define KEY      "unit-test-key-0123456789abcdef0123"
#define HS256    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
/* A payload jwt_verify accepts at NOW; rows swap one part of it. */
#define CLAIMS(extra)                                                                              \
	"{\"sub\":\"cuser00000001\",\"email\":\"a@b.co\",\"role\":\"ADMIN\",\"partnerId\":null,"   \
	"\"sid\":\"s3ss10n\",\"iat\":1699999990" extra "}"
#define EXP_OK ",\"exp\":1700003600"

static char big[6000];

/* "b64(hdr).b64(pay)" signed with key; the token is malloc'd. */
static char *
mk_len(const char *hdr, const char *pay, size_t pl, const char *key)
{
	size_t hl = strlen(hdr);
	char *t = malloc((hl + pl) * 2 + 64);
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t n;

	ck_assert_ptr_nonnull(t);
	n = crypto_b64url_encode(t, (const unsigned char *)hdr, hl);
	t[n++] = '.';
	n += crypto_b64url_encode(t + n, (const unsigned char *)pay, pl);
	ck_assert_int_eq(crypto_hmac_sha256(mac, key, strlen(key), t, n), 0);
	t[n++] = '.';
	crypto_b64url_encode(t + n, mac, sizeof(mac));
	return t;
}

static char *
mk(const char *hdr, const char *pay, const char *key)
{
	return mk_len(hdr, pay, strlen(pay), key);
}

/* Token with its middle part replaced by raw base64url text (re-signed). */
static char *
mk_rawpay(const char *pay64, const char *key)
{
	char hdr64[64], *t = malloc(strlen(pay64) + 200);
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t n;

	ck_assert_ptr_nonnull(t);
	crypto_b64url_encode(hdr64, (const unsigned char *)HS256, strlen(HS256));
	n = (size_t)sprintf(t, "%s.%s", hdr64, pay64);
	ck_assert_int_eq(crypto_hmac_sha256(mac, key, strlen(key), t, n), 0);
	t[n++] = '.';
	crypto_b64url_encode(t + n, mac, sizeof(mac));
	return t;
}

enum mangle {
	M_NONE,
	M_SWAP_PAYLOAD, /* signature of one payload, another payload */
	M_RAW,          /* hdr is the whole token text */
	M_RAWPAY,       /* pay is raw base64url text for the middle part */
	M_SIG_CHAR,     /* a non-base64url character in the signature */
	M_SIG_SHORT,    /* signature one character short */
	M_SIG_PAD,      /* "=" padding on the signature */
	M_EMPTY_SIG,    /* "hdr.pay." */
	M_EXTRA_PART,   /* fourth part */
	M_FLIP_SIG,     /* last signature character changed */
	M_PAY_NUL,      /* payload JSON followed by a NUL byte (signed) */
};

START_TEST(test_verify_table)
{
	static const struct {
		const char *what;
		const char *hdr, *pay, *key;
		enum mangle m;
		enum jwt_err want;
	} rows[] = {
		{ "valid", HS256, CLAIMS(EXP_OK), KEY, M_NONE, JWT_OK },
		{ "valid, header keys reordered", "{\"typ\":\"JWT\",\"alg\":\"HS256\"}",
		    CLAIMS(EXP_OK), KEY, M_NONE, JWT_OK },
		{ "valid, no typ", "{\"alg\":\"HS256\"}", CLAIMS(EXP_OK), KEY, M_NONE, JWT_OK },
		{ "valid, nbf now", HS256, CLAIMS(EXP_OK ",\"nbf\":1700000000"), KEY, M_NONE,
		    JWT_OK },
		{ "valid, unknown claim ignored", HS256, CLAIMS(EXP_OK ",\"x\":[1,{}]"), KEY,
		    M_NONE, JWT_OK },
		/* Algorithm pinning. */
		{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY,
		    M_EMPTY_SIG, JWT_BAD_ALG },
		{ "alg none, signed", "{\"alg\":\"none\",\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY,
		    M_NONE, JWT_BAD_ALG },
		{ "alg HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY, M_NONE,
		    JWT_BAD_ALG },
		{ "alg RS256", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY, M_NONE,
		    JWT_BAD_ALG },
		{ "alg hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY, M_NONE,
		    JWT_BAD_ALG },
		{ "alg missing", "{\"typ\":\"JWT\"}", CLAIMS(EXP_OK), KEY, M_NONE, JWT_BAD_ALG },
		{ "alg not a string", "{\"alg\":256}", CLAIMS(EXP_OK), KEY, M_NONE, JWT_BAD_ALG },
		{ "alg null", "{\"alg\":null}", CLAIMS(EXP_OK), KEY, M_NONE, JWT_BAD_ALG },
		/* Signature. */
		{ "payload modified", HS256, CLAIMS(EXP_OK), KEY, M_SWAP_PAYLOAD, JWT_BAD_SIG },
		{ "wrong key", HS256, CLAIMS(EXP_OK), "another-key-0123456789abcdef", M_NONE,
		    JWT_BAD_SIG },
		{ "signature flipped", HS256, CLAIMS(EXP_OK), KEY, M_FLIP_SIG, JWT_BAD_SIG },
		{ "signature empty", HS256, CLAIMS(EXP_OK), KEY, M_EMPTY_SIG, JWT_MALFORMED },
		{ "signature short", HS256, CLAIMS(EXP_OK), KEY, M_SIG_SHORT, JWT_MALFORMED },
		{ "signature padded", HS256, CLAIMS(EXP_OK), KEY, M_SIG_PAD, JWT_MALFORMED },
		{ "signature bad char", HS256, CLAIMS(EXP_OK), KEY, M_SIG_CHAR, JWT_MALFORMED },
		/* Time. */
		{ "expired", HS256, CLAIMS(",\"exp\":1699999999"), KEY, M_NONE, JWT_EXPIRED },
		{ "exp == now", HS256, CLAIMS(",\"exp\":1700000000"), KEY, M_NONE, JWT_EXPIRED },
		{ "exp now+1", HS256, CLAIMS(",\"exp\":1700000001"), KEY, M_NONE, JWT_OK },
		{ "exp missing", HS256, CLAIMS(""), KEY, M_NONE, JWT_EXPIRED },
		{ "nbf in the future", HS256, CLAIMS(EXP_OK ",\"nbf\":1700000060"), KEY, M_NONE,
		    JWT_EXPIRED },
		{ "exp as string", HS256, CLAIMS(",\"exp\":\"1700003600\""), KEY, M_NONE,
		    JWT_MALFORMED },
		{ "exp negative", HS256, CLAIMS(",\"exp\":-5"), KEY, M_NONE, JWT_MALFORMED },
		{ "exp huge", HS256, CLAIMS(",\"exp\":1e300"), KEY, M_NONE, JWT_MALFORMED },
		{ "nbf as bool", HS256, CLAIMS(EXP_OK ",\"nbf\":true"), KEY, M_NONE,
		    JWT_MALFORMED },
		/* Claims. */
		{ "sub missing", HS256,
		    "{\"email\":\"a@b.co\",\"role\":\"ADMIN\",\"exp\":1700003600}", KEY, M_NONE,
		    JWT_MALFORMED },
		{ "sub empty", HS256, "{\"sub\":\"\",\"exp\":1700003600}", KEY, M_NONE,
		    JWT_MALFORMED },
		{ "sub a number", HS256, "{\"sub\":12,\"exp\":1700003600}", KEY, M_NONE,
		    JWT_MALFORMED },
		{ "partnerId a number", HS256,
		    "{\"sub\":\"cu\",\"partnerId\":5,\"exp\":1700003600}", KEY, M_NONE,
		    JWT_MALFORMED },
		{ "role null", HS256, "{\"sub\":\"cu\",\"role\":null,\"exp\":1700003600}", KEY,
		    M_NONE, JWT_MALFORMED },
		{ "sid too long", HS256,
		    "{\"sub\":\"cu\",\"exp\":1700003600,\"sid\":\""
		    "0123456789012345678901234567890123456789"
		    "01234567890123456789012345678901234567890123456789012345\"}",
		    KEY, M_NONE, JWT_MALFORMED },
		/* Shape. */
		{ "payload an array", HS256, "[1,2]", KEY, M_NONE, JWT_MALFORMED },
		{ "payload a string", HS256, "\"x\"", KEY, M_NONE, JWT_MALFORMED },
		{ "payload a number", HS256, "1700003600", KEY, M_NONE, JWT_MALFORMED },
		{ "payload not JSON", HS256, "{sub:1}", KEY, M_NONE, JWT_MALFORMED },
		{ "payload with NUL", HS256, CLAIMS(EXP_OK), KEY, M_PAY_NUL, JWT_MALFORMED },
		{ "header not JSON", "alg=HS256", CLAIMS(EXP_OK), KEY, M_NONE, JWT_MALFORMED },
		{ "header an array", "[\"HS256\"]", CLAIMS(EXP_OK), KEY, M_NONE, JWT_MALFORMED },
		{ "payload part bad char", NULL, "eyJzdWIiOiJjdSJ9!", KEY, M_RAWPAY,
		    JWT_MALFORMED },
		{ "payload part padded", NULL, "eyJzdWIiOiJjdSJ9==", KEY, M_RAWPAY, JWT_MALFORMED },
		{ "payload part empty", NULL, "", KEY, M_RAWPAY, JWT_MALFORMED },
		{ "four parts", HS256, CLAIMS(EXP_OK), KEY, M_EXTRA_PART, JWT_MALFORMED },
		{ "two parts", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdSJ9", NULL, NULL, M_RAW,
		    JWT_MALFORMED },
		{ "one part", "eyJhbGciOiJIUzI1NiJ9", NULL, NULL, M_RAW, JWT_MALFORMED },
		{ "empty", "", NULL, NULL, M_RAW, JWT_MALFORMED },
		{ "dots only", "..", NULL, NULL, M_RAW, JWT_MALFORMED },
		{ "header bad char", "eyJhbGciOiJIUzI1NiJ9*.eyJzdWIiOiJjdSJ9.x", NULL, NULL, M_RAW,
		    JWT_MALFORMED },
		{ "spaces", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.e30", NULL, NULL, M_RAW,
		    JWT_MALFORMED },
		/* Length: longer than JWT_MAX is malformed even when correctly signed. */
		{ "oversize", HS256, big, KEY, M_NONE, JWT_MALFORMED },
	};
	struct jwt_claims c;

	/* A payload whose token is well over JWT_MAX. */
	snprintf(big, sizeof(big), "{\"sub\":\"cu\",\"exp\":1700003600,\"pad\":\"%04000d\"}", 0);

	for (size_t i = 0; i < NELEM(rows); i++) {
		char *t = NULL;
		enum jwt_err e;
		size_t n;

		switch (rows[i].m) {
		case M_RAW:
			t = strdup(rows[i].hdr);
			break;
		case M_RAWPAY:
			t = mk_rawpay(rows[i].pay, rows[i].key);
			break;
		case M_PAY_NUL:
			t = mk_len(rows[i].hdr, rows[i].pay, strlen(rows[i].pay) + 1, rows[i].key);
			break;
		case M_SWAP_PAYLOAD: {
			char *a = mk(rows[i].hdr, rows[i].pay, rows[i].key);
			char *b = mk(rows[i].hdr, CLAIMS(",\"exp\":1800000000"), rows[i].key);
			char *adot = strrchr(a, '.');
			t = malloc(strlen(a) + strlen(b));
			/* b's header and payload, a's signature. */
			sprintf(t, "%.*s%s", (int)(strrchr(b, '.') - b), b, adot);
			free(a);
			free(b);
			break;
		}
		default:
			t = mk(rows[i].hdr, rows[i].pay, rows[i].key);
			break;
		}
		ck_assert_ptr_nonnull(t);
		t = realloc(t, strlen(t) + 8);
		n = strlen(t);
		switch (rows[i].m) {
		case M_SIG_CHAR:
			t[n - 5] = '+';
			break;
		case M_SIG_SHORT:
			t[n - 1] = '\0';
			break;
		case M_SIG_PAD:
			strcat(t, "=");
			break;
		case M_EMPTY_SIG:
			strrchr(t, '.')[1] = '\0';
			break;
		case M_EXTRA_PART:
			strcat(t, ".e30");
			break;
		case M_FLIP_SIG:
			/* The second-last character carries 6 full bits. */
			t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
			break;
		default:
			break;
		}
		memset(&c, 0x5a, sizeof(c));
		e = jwt_verify(t, KEY, strlen(KEY), NOW, &c);
		ck_assert_msg(e == rows[i].want, "%s: got %s, want %s", rows[i].what,
		    jwt_strerror(e), jwt_strerror(rows[i].want));
		if (e != JWT_OK)
			ck_assert_msg(((unsigned char *)&c)[0] == 0x5a,
			    "%s: claims written on failure", rows[i].what);
		free(t);
	}
	ck_assert_int_eq(jwt_verify(NULL, KEY, strlen(KEY), NOW, &c), JWT_MALFORMED);
}
END_TEST

START_TEST(test_roundtrip)
{
	static const struct {
		const char *sub, *email, *role, *partner, *sid;
	} rows[] = {
		{ "cuser00000001", "a@b.co", "ADMIN", "", "" },
		{ "cuser00000002", "O'Neil+x@d-e.pl", "PARTNER_MANAGER", "cpartner0001",
		    "0123abcd" },
		{ "cuser00000003", "\"quoted\"\\back@x.com", "AUDITOR", "", "s" },
		{ "cżółć", "zażółć@gęśl.pl", "OPERATOR", "cp", "" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct jwt_claims in, out;
		char tok[JWT_MAX];

		memset(&in, 0, sizeof(in));
		snprintf(in.sub, sizeof(in.sub), "%s", rows[i].sub);
		snprintf(in.email, sizeof(in.email), "%s", rows[i].email);
		snprintf(in.role, sizeof(in.role), "%s", rows[i].role);
		snprintf(in.partner_id, sizeof(in.partner_id), "%s", rows[i].partner);
		snprintf(in.sid, sizeof(in.sid), "%s", rows[i].sid);
		in.iat = NOW;
		in.exp = NOW + 86400;
		ck_assert_int_eq(jwt_sign(tok, sizeof(tok), &in, KEY, strlen(KEY)), 0);
		/* The fixed header of spec §2.3. */
		ck_assert_msg(
		    strncmp(tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0, "%s", tok);
		ck_assert_int_eq(jwt_verify(tok, KEY, strlen(KEY), NOW, &out), JWT_OK);
		ck_assert_str_eq(out.sub, in.sub);
		ck_assert_str_eq(out.email, in.email);
		ck_assert_str_eq(out.role, in.role);
		ck_assert_str_eq(out.partner_id, in.partner_id);
		ck_assert_str_eq(out.sid, in.sid);
		ck_assert_int_eq(out.iat, NOW);
		ck_assert_int_eq(out.exp, NOW + 86400);
		ck_assert_int_eq(jwt_verify(tok, KEY, strlen(KEY), NOW + 86400, &out), JWT_EXPIRED);
		ck_assert_int_eq(jwt_verify(tok, "x", 1, NOW, &out), JWT_BAD_SIG);
	}
}
END_TEST

/* partnerId: null when empty (the reference's shape), a string otherwise. */
START_TEST(test_partner_null)
{
	struct jwt_claims in;
	char tok[JWT_MAX], pay[512];
	const char *d1, *d2;
	unsigned char raw[512];
	long n;

	memset(&in, 0, sizeof(in));
	strcpy(in.sub, "cu1");
	strcpy(in.role, "ADMIN");
	in.exp = NOW + 10;
	ck_assert_int_eq(jwt_sign(tok, sizeof(tok), &in, KEY, strlen(KEY)), 0);
	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	n = crypto_b64url_decode(raw, d1 + 1, (size_t)(d2 - d1 - 1));
	ck_assert_int_gt(n, 0);
	snprintf(pay, sizeof(pay), "%.*s", (int)n, (const char *)raw);
	ck_assert_msg(strstr(pay, "\"partnerId\":null") != NULL, "%s", pay);
	ck_assert_msg(strstr(pay, "\"sid\"") == NULL, "empty sid must be absent: %s", pay);

	strcpy(in.partner_id, "cpartner");
	strcpy(in.sid, "abc");
	ck_assert_int_eq(jwt_sign(tok, sizeof(tok), &in, KEY, strlen(KEY)), 0);
	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	n = crypto_b64url_decode(raw, d1 + 1, (size_t)(d2 - d1 - 1));
	snprintf(pay, sizeof(pay), "%.*s", (int)n, (const char *)raw);
	ck_assert_msg(strstr(pay, "\"partnerId\":\"cpartner\"") != NULL, "%s", pay);
	ck_assert_msg(strstr(pay, "\"sid\":\"abc\"") != NULL, "%s", pay);
}
END_TEST

START_TEST(test_sign_small)
{
	struct jwt_claims in;
	char tok[JWT_MAX];
	static const size_t sizes[] = { 0, 1, 37, 60, 100 };

	memset(&in, 0, sizeof(in));
	strcpy(in.sub, "cu1");
	in.exp = NOW + 10;
	ck_assert_int_eq(jwt_sign(tok, sizeof(tok), &in, KEY, strlen(KEY)), 0);
	for (size_t i = 0; i < NELEM(sizes); i++) {
		char out[128];
		memset(out, 'z', sizeof(out));
		ck_assert_msg(
		    jwt_sign(out, sizes[i], &in, KEY, strlen(KEY)) == -1, "size %zu", sizes[i]);
		ck_assert_int_eq(out[sizes[i]], 'z');
	}
	/* Exactly big enough. */
	{
		char *out = malloc(strlen(tok) + 1);
		ck_assert_int_eq(jwt_sign(out, strlen(tok) + 1, &in, KEY, strlen(KEY)), 0);
		ck_assert_str_eq(out, tok);
		free(out);
	}
}
END_TEST

START_TEST(test_strerror)
{
	for (int i = 0; i < JWT__MAX; i++) {
		ck_assert_ptr_nonnull(jwt_strerror((enum jwt_err)i));
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(
			    jwt_strerror((enum jwt_err)i), jwt_strerror((enum jwt_err)j));
	}
	ck_assert_str_eq(jwt_strerror(JWT__MAX), "unknown");
}
END_TEST

static Suite *
jwt_suite(void)
{
	Suite *s = suite_create("jwt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_verify_table);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_partner_null);
	tcase_add_test(tc, test_sign_small);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(jwt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
