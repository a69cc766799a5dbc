/*
 * check_outbox: the pure parts of the SMS and webhook channels
 * (common/outbox.c): phone numbers reduced to digits (spec §5.6) and the
 * classification of SMSAPI's and the CRM's answers into sent, retry and dead
 * letter (OR-17, SR-29).  The database parts run in tests/worker/channels.sh.
 */
#include "config.h"
#include "common/outbox.h"

#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_phone_digits)
{
	static const struct {
		const char *in, *want;
		int n;
	} rows[] = {
		{ "+48 601 234 567", "48601234567", 11 },
		{ "(22) 688-77-57", "226887757", 9 },
		{ "601234567", "601234567", 9 },
		{ "tel. 0048/601.234.567 wew", "0048601234567", 13 },
		{ "brak", "", -1 },
		{ "", "", -1 },
	};
	char out[32];

	for (size_t i = 0; i < NELEM(rows); i++) {
		ck_assert_int_eq(outbox_phone_digits(rows[i].in, out, sizeof(out)), rows[i].n);
		if (rows[i].n > 0)
			ck_assert_str_eq(out, rows[i].want);
	}
	/* Too long for the buffer: refused, not cut. */
	ck_assert_int_eq(outbox_phone_digits("123456789", out, 9), -1);
	ck_assert_int_eq(outbox_phone_digits("12345678", out, 9), 8);
	ck_assert_int_eq(outbox_phone_digits(NULL, out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_smsapi)
{
	static const struct {
		long status;
		const char *body;
		enum outbox_outcome want;
		const char *err, *msgid;
	} rows[] = {
		{ 200, "{\"count\":1,\"list\":[{\"id\":\"1234\",\"points\":0.16}]}", OUTBOX_SENT,
		    "", "1234" },
		{ 200, "{\"count\":1,\"list\":[]}", OUTBOX_SENT, "", "" },
		{ 200, "{\"error\":14,\"message\":\"Invalid sender field\"}", OUTBOX_DEAD,
		    "SMSAPI error 14: Invalid sender field", "" },
		{ 200, "{\"error\":13,\"message\":\"No correct phone numbers\"}", OUTBOX_DEAD,
		    "SMSAPI error 13: No correct phone numbers", "" },
		{ 200, "{\"error\":201}", OUTBOX_RETRY, "SMSAPI error 201: Unknown error", "" },
		{ 200, "{\"error\":103,\"message\":\"Not enough points\"}", OUTBOX_RETRY,
		    "SMSAPI error 103: Not enough points", "" },
		{ 401, "{\"error\":101,\"message\":\"Authorization failed\"}", OUTBOX_DEAD,
		    "SMSAPI error 101: Authorization failed", "" },
		{ 500, "{\"error\":201,\"message\":\"System internal error\"}", OUTBOX_RETRY,
		    "SMSAPI error 201: System internal error", "" },
		{ 502, "<html>bad gateway</html>", OUTBOX_RETRY, "SMSAPI error 502: Unknown error",
		    "" },
		{ 429, "", OUTBOX_RETRY, "SMSAPI error 429: Unknown error", "" },
		{ 404, "", OUTBOX_DEAD, "SMSAPI error 404: Unknown error", "" },
		{ 0, "", OUTBOX_RETRY, "SMSAPI error: no answer", "" },
		{ 200, "{\"error\":\"x\"}", OUTBOX_DEAD, "SMSAPI error 200: Unknown error", "" },
	};
	char err[128], msgid[64];

	for (size_t i = 0; i < NELEM(rows); i++) {
		ck_assert_int_eq(outbox_smsapi_outcome(rows[i].status, rows[i].body, err,
				     sizeof(err), msgid, sizeof(msgid)),
		    rows[i].want);
		ck_assert_str_eq(err, rows[i].err);
		ck_assert_str_eq(msgid, rows[i].msgid);
	}
}
END_TEST

START_TEST(test_webhook)
{
	ck_assert_int_eq(outbox_webhook_outcome(200), OUTBOX_SENT);
	ck_assert_int_eq(outbox_webhook_outcome(204), OUTBOX_SENT);
	ck_assert_int_eq(outbox_webhook_outcome(0), OUTBOX_RETRY);
	ck_assert_int_eq(outbox_webhook_outcome(500), OUTBOX_RETRY);
	ck_assert_int_eq(outbox_webhook_outcome(503), OUTBOX_RETRY);
	ck_assert_int_eq(outbox_webhook_outcome(408), OUTBOX_RETRY);
	ck_assert_int_eq(outbox_webhook_outcome(429), OUTBOX_RETRY);
	ck_assert_int_eq(outbox_webhook_outcome(400), OUTBOX_DEAD);
	ck_assert_int_eq(outbox_webhook_outcome(401), OUTBOX_DEAD);
	ck_assert_int_eq(outbox_webhook_outcome(404), OUTBOX_DEAD);
	ck_assert_int_eq(outbox_webhook_outcome(301), OUTBOX_DEAD);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_phone_digits);
	tcase_add_test(tc, test_smsapi);
	tcase_add_test(tc, test_webhook);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(outbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
