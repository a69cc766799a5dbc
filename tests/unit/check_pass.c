/*
 * check_pass: bcrypt hashes through libcrypt (common/pass.c) and the SR-11
 * password policy.  A cost-12 bcrypt takes about 250 ms, so this suite makes
 * few hashing calls; everything else is table-driven and cheap.
 */
#include "config.h"
#include "common/pass.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* tests/fixtures/reference-db.sql: ref.admin@example.com / RefAdmin123!. */
#define REF_HASH "$2b$12$OlaAPSa1iSQrc8LxUHEYb.lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq"
/* The same scheme with the $2a$ prefix older bcrypt libraries write
 * (python3 crypt.crypt('Operator#2024x', '$2a$12$F08WkVknucale292hucD7m')). */
#define REF_HASH_2A "$2a$12$F08WkVknucale292hucD7edS/PrScNQGNvjYjml6ZodXBiGk/PGFe"

START_TEST(test_hash_verify)
{
	char h[PASS_HASH_SIZE];
	const char *pw = "Zażółć-Gęślą-1";

	ck_assert_int_eq(pass_hash(h, pw), 0);
	ck_assert_uint_eq(strlen(h), 7 + 53);
	ck_assert_msg(strncmp(h, "$2b$12$", 7) == 0, "%s", h);
	ck_assert_uint_eq(
	    strspn(h + 7, "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), 53);
	ck_assert(pass_verify(pw, h));
	ck_assert(!pass_verify("Zażółć-Gęślą-2", h));
}
END_TEST

/* Hashes written by the reference (and by other bcrypt libraries) verify. */
START_TEST(test_reference_hashes)
{
	ck_assert(pass_verify("RefAdmin123!", REF_HASH));
	ck_assert(pass_verify("Operator#2024x", REF_HASH_2A));
}
END_TEST

/*
 * None of these is a usable hash: each is checked against the dummy (one
 * cost-12 run, as for a real account, so the time tells nothing) and fails.
 */
START_TEST(test_malformed)
{
	static const char *const rows[] = {
		"",
		"plain",
		"$",
		"$2",
		"$2b$",
		"$2b$12$",
		"$1$saltsalt$0123456789abcdefghijkl",
		"$6$saltsalt$0123456789abcdefghijkl",
		"2b$12$OlaAPSa1iSQrc8LxUHEYb.lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq",
		"$2b$03$OlaAPSa1iSQrc8LxUHEYb.lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq",
		"$2b$99$OlaAPSa1iSQrc8LxUHEYb.lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq",
		"$2b$12$!!!!!!!!!!!!!!!!!!!!!!lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq",
		"$2z$12$OlaAPSa1iSQrc8LxUHEYb.lLg/Qf9GFtz5t8fOwIDEHiJswnJBVoq",
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(
		    pass_is_dummy(pass_verify_target(rows[i])), "\"%s\" is used", rows[i]);
	/* Two full runs are enough to show the dummy never verifies. */
	ck_assert(!pass_verify("RefAdmin123!", rows[0]));
	ck_assert(!pass_verify("RefAdmin123!", rows[NELEM(rows) - 1]));
}
END_TEST

/*
 * Timing without a clock: which hash bcrypt runs against.  An unknown account
 * (NULL), an invited one ("!invited", users.c NO_PASSWORD) and a real one all
 * get one bcrypt of the same cost; only a real hash can verify.
 */
START_TEST(test_verify_target)
{
	char cost[8];
	const char *dummy = pass_verify_target(NULL);

	ck_assert(pass_is_dummy(dummy));
	snprintf(cost, sizeof(cost), "$2b$%02d$", PASS_COST);
	ck_assert_msg(strncmp(dummy, cost, 7) == 0, "dummy %s is not cost %d", dummy, PASS_COST);
	ck_assert_uint_eq(strlen(dummy), 60);
	ck_assert(pass_verify_target("!invited") == dummy);
	ck_assert(pass_verify_target("!") == dummy);
	ck_assert(pass_verify_target("") == dummy);
	ck_assert(!pass_is_dummy(pass_verify_target(REF_HASH)));
	ck_assert_str_eq(pass_verify_target(REF_HASH), REF_HASH);
	ck_assert_str_eq(pass_verify_target(REF_HASH_2A), REF_HASH_2A);
	ck_assert(!pass_verify("!invited", "!invited"));
	/* The dummy is a real hash: bcrypt does the full work on it. */
	ck_assert_int_eq(
	    strspn(dummy + 7, "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
	    53);
}
END_TEST

/* bcrypt reads 72 bytes: longer passwords are refused, not truncated. */
START_TEST(test_too_long)
{
	char pw[80], h[PASS_HASH_SIZE];

	memset(pw, 'a', 73);
	pw[73] = '\0';
	ck_assert_int_eq(pass_hash(h, pw), -1);
	/* The reference hash's password plus 61 bytes: a truncating bcrypt would say yes. */
	memcpy(pw, "RefAdmin123!", 12);
	ck_assert(!pass_verify(pw, REF_HASH));
	pass_dummy_verify(pw);
}
END_TEST

START_TEST(test_policy)
{
	static const struct {
		const char *pw;
		const char *err; /* substring of the message; NULL when accepted */
	} rows[] = {
		{ "GoodPassw0rd!", NULL }, { "Abcdefghij1!", NULL }, /* exactly 12 */
		{ "Abcdefghi1!", "12 znaków" },                      /* 11 */
		{ "", "12 znaków" }, { "Short1!", "12 znaków" }, { "alllowercase1!", "wielką" },
		{ "ALLUPPERCASE1!", "wielką" }, { "NoDigitsHere!!", "cyfrę" },
		{ "NoSpecial12345", "znak specjalny" },
		{ "Has Space 123", NULL }, /* a space is a special character */
		/* Characters, not bytes: each Polish letter counts once. */
		{ "Aaąąąąąąą1!", "12 znaków" }, /* 11 characters, 19 bytes */
		{ "Aaąąąąąąąą1!", NULL },       /* 12 characters */
		{ "Zażółć gęślą1", NULL }, { "Aa1!ĄĘŁŃÓŚŹŻ", NULL },
		/* 72 bytes is the limit. */
		{ "Aa1!xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		    NULL },
		{ "Aa1!xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		    "72" },
		{ "Aa1!ąąąąąąąąąąąąąąąąąąąąąąąąąąąąąąąąąąą", "72" }, /* 39 characters, 74 bytes */
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *e = pass_policy_error(rows[i].pw);
		if (rows[i].err == NULL)
			ck_assert_msg(e == NULL, "\"%s\": refused with \"%s\"", rows[i].pw, e);
		else
			ck_assert_msg(e != NULL && strstr(e, rows[i].err) != NULL,
			    "\"%s\": got \"%s\", want \"%s\"", rows[i].pw, e != NULL ? e : "NULL",
			    rows[i].err);
	}
}
END_TEST

static Suite *
pass_suite(void)
{
	Suite *s = suite_create("pass");
	TCase *tc = tcase_create("core");

	/* About eight cost-12 bcrypt runs; sanitizer builds are several times slower. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hash_verify);
	tcase_add_test(tc, test_reference_hashes);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_verify_target);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_policy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pass_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
