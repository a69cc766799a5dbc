/* Table-driven tests of common/domain: the Polish field rules and value lists. */
#include "config.h"
#include "common/domain.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	bool (*fn)(const char *);
	const char *in;
	bool want;
} rule_rows[] = {
	{ domain_postal_code, "00-950", true },
	{ domain_postal_code, "30-001", true },
	{ domain_postal_code, "00950", false },
	{ domain_postal_code, "00-9500", false },
	{ domain_postal_code, "0a-950", false },
	{ domain_postal_code, "00 950", false },
	{ domain_postal_code, "", false },
	{ domain_vin, "TMBJJ7NE5F0123456", true },
	{ domain_vin, "tmbjj7ne5f0123456", true },
	{ domain_vin, "TMBJJ7NE5F012345-", false },
	{ domain_vin, "TMBJJ7NE5F01234Ą", false },
	{ domain_pesel, "44051401359", true },
	{ domain_pesel, "02070803628", true },
	{ domain_pesel, "44051401358", false },
	{ domain_pesel, "4405140135", false },
	{ domain_pesel, "440514013590", false },
	{ domain_pesel, "4405140135a", false },
};

START_TEST(test_rules)
{
	for (size_t i = 0; i < NELEM(rule_rows); i++)
		ck_assert_msg(rule_rows[i].fn(rule_rows[i].in) == rule_rows[i].want,
		    "row %zu: \"%s\" should be %s", i, rule_rows[i].in,
		    rule_rows[i].want ? "accepted" : "refused");
}
END_TEST

START_TEST(test_lists)
{
	size_t n = 0;

	while (domain_lead_statuses[n] != NULL)
		n++;
	ck_assert_uint_eq(n, DOMAIN_LEAD_STATUS_COUNT);
	ck_assert_str_eq(domain_lead_statuses[0], "NEW");
	ck_assert_str_eq(domain_lead_statuses[DOMAIN_LEAD_STATUS_COUNT - 1], "INBOUND");
	ck_assert_int_eq(domain_lead_status_parse("MERGED"), 17);
	ck_assert_int_eq(domain_lead_status_parse("merged"), -1);
	for (n = 0; domain_voivodeships[n] != NULL; n++)
		;
	ck_assert_uint_eq(n, 16);
	ck_assert_str_eq(domain_customer_types[2], "spółka");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_lists);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
