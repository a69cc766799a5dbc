/*
 * check_id: cuid-shaped ids (common/id.c, spec/api.md §2.12) and the API's
 * loose "looks like a cuid" rule ^c[^\s-]{8,}$ (case-insensitive).
 */
#include "config.h"
#include "common/id.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NIDS     10000

START_TEST(test_new_shape)
{
	for (int i = 0; i < 100; i++) {
		char id[ID_SIZE];
		memset(id, 'X', sizeof(id));
		ck_assert_int_eq(id_new(id), 0);
		ck_assert_uint_eq(strlen(id), ID_LEN);
		ck_assert_uint_eq(strlen(id), 25);
		ck_assert_int_eq(id[0], 'c');
		ck_assert_msg(
		    strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz") == ID_LEN, "%s", id);
		ck_assert_msg(id_is_cuid(id), "%s fails id_is_cuid", id);
	}
}
END_TEST

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(test_new_unique)
{
	char(*ids)[ID_SIZE] = calloc(NIDS, ID_SIZE);

	ck_assert_ptr_nonnull(ids);
	for (int i = 0; i < NIDS; i++)
		ck_assert_int_eq(id_new(ids[i]), 0);
	qsort(ids, NIDS, ID_SIZE, cmp);
	for (int i = 1; i < NIDS; i++)
		ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "duplicate id %s", ids[i]);
	free(ids);
}
END_TEST

START_TEST(test_is_cuid)
{
	static const struct {
		const char *in;
		bool ok;
	} rows[] = {
		{ "ckxyz1234abcd5678efgh9012", true },
		{ "c12345678", true }, /* 8 after the c: the minimum */
		{ "c1234567", false }, /* 7 after the c */
		{ "C12345678", true }, /* case-insensitive */
		{ "CABCDEFGH", true },
		{ "c_:.!@#$%", true }, /* anything but whitespace and '-' */
		{ "cżółćżółć", true },
		{ "seed-partner", false },
		{ "partner123", false },
		{ "", false },
		{ "c", false },
		{ "c1234-5678", false },
		{ "c1234 5678", false },
		{ "c1234\t5678", false },
		{ "c12345678\n", false },
		{ " c12345678", false },
		{ "d12345678", false },
		{ "c\r12345678", false },
		{ "c\v12345678", false },
		{ "c\f12345678", false },
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(id_is_cuid(rows[i].in) == rows[i].ok, "\"%s\": want %d", rows[i].in,
		    rows[i].ok);
	ck_assert(!id_is_cuid(NULL));
}
END_TEST

static Suite *
id_suite(void)
{
	Suite *s = suite_create("id");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_new_shape);
	tcase_add_test(tc, test_new_unique);
	tcase_add_test(tc, test_is_cuid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(id_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
