/*
 * check_role: the UserRole enum (spec/data-model.md §2.1) and the role bit
 * sets route tables use.
 */
#include "config.h"
#include "common/role.h"

#include <stddef.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Every enum slot has a name, and the name parses back to the slot. */
START_TEST(test_names_roundtrip)
{
	for (int i = 0; i < ROLE__MAX; i++) {
		const char *n = role_name((enum role)i);
		enum role r = ROLE__MAX;
		ck_assert_msg(n != NULL && *n != '\0', "role %d has no name", i);
		ck_assert_int_eq(role_parse(n, &r), 0);
		ck_assert_int_eq(r, i);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(n, role_name((enum role)j));
	}
	ck_assert_ptr_null(role_name(ROLE__MAX));
	ck_assert_ptr_null(role_name((enum role) - 1));
	ck_assert_ptr_null(role_name((enum role)1000));
}
END_TEST

START_TEST(test_parse_table)
{
	static const struct {
		const char *in;
		int rc;
		enum role want;
	} rows[] = {
		{ "PARTNER", 0, ROLE_PARTNER },
		{ "PARTNER_MANAGER", 0, ROLE_PARTNER_MANAGER },
		{ "PARTNER_EMPLOYEE", 0, ROLE_PARTNER_EMPLOYEE },
		{ "OPERATOR", 0, ROLE_OPERATOR },
		{ "SUPERVISOR", 0, ROLE_SUPERVISOR },
		{ "ADMIN", 0, ROLE_ADMIN },
		{ "AUDITOR", 0, ROLE_AUDITOR },
		{ "admin", -1, 0 },
		{ "Admin", -1, 0 },
		{ "ADMIN ", -1, 0 },
		{ " ADMIN", -1, 0 },
		{ "ADMINISTRATOR", -1, 0 },
		{ "PARTNER_", -1, 0 },
		{ "", -1, 0 },
		{ "ROOT", -1, 0 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		enum role r = ROLE__MAX;
		ck_assert_msg(role_parse(rows[i].in, &r) == rows[i].rc, "\"%s\"", rows[i].in);
		ck_assert_msg(
		    r == (rows[i].rc == 0 ? rows[i].want : ROLE__MAX), "\"%s\": %d", rows[i].in, r);
	}
}
END_TEST

static int
popcount(unsigned v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

START_TEST(test_sets)
{
	static const struct {
		const char *name;
		unsigned set;
		int bits;
	} rows[] = {
		{ "ROLES_ANY_USER", ROLES_ANY_USER, 7 },
		{ "ROLES_PARTNER_SCOPED", ROLES_PARTNER_SCOPED, 3 },
		{ "ROLES_STAFF", ROLES_STAFF, 3 },
		{ "ROLES_MANAGERS", ROLES_MANAGERS, 2 },
		{ "ROLES_ADMIN", ROLES_ADMIN, 1 },
		{ "ROLES_PUBLIC", ROLES_PUBLIC, 1 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		ck_assert_msg(popcount(rows[i].set) == rows[i].bits, "%s has %d bits", rows[i].name,
		    popcount(rows[i].set));
		/* Every named set is public or a subset of the user roles, never both. */
		if (rows[i].set != ROLES_PUBLIC)
			ck_assert_msg((rows[i].set & ~ROLES_ANY_USER) == 0, "%s", rows[i].name);
	}
	ck_assert_uint_eq(ROLES_PUBLIC & ROLES_ANY_USER, 0);
	ck_assert_uint_eq(ROLES_PARTNER_SCOPED & ROLES_STAFF, 0);
	ck_assert_uint_eq(ROLES_MANAGERS & ~ROLES_STAFF, 0);
	ck_assert_uint_eq(ROLES_ADMIN & ~ROLES_MANAGERS, 0);
	/* The auditor is a user but neither staff nor partner. */
	ck_assert_uint_ne(ROLES_ANY_USER & ROLE_BIT(ROLE_AUDITOR), 0);
	ck_assert_uint_eq((ROLES_STAFF | ROLES_PARTNER_SCOPED) & ROLE_BIT(ROLE_AUDITOR), 0);
	ck_assert_uint_eq(
	    ROLES_STAFF | ROLES_PARTNER_SCOPED | ROLE_BIT(ROLE_AUDITOR), ROLES_ANY_USER);
	/* ROLES_PUBLIC stays clear of any role a future enum value could take. */
	ck_assert_int_lt(ROLE__MAX, 15);
}
END_TEST

static Suite *
role_suite(void)
{
	Suite *s = suite_create("role");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names_roundtrip);
	tcase_add_test(tc, test_parse_table);
	tcase_add_test(tc, test_sets);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(role_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
