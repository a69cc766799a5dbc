/*
 * check_json: the shared cJSON and typed-value helpers (common/json.c).
 * Each helper once existed twice with different meanings; these rows pin
 * the one meaning each has now.
 */
#include "config.h"
#include "common/json.h"

#include <stdbool.h>
#include <string.h>

#include <check.h>

#include "common/arena.h"
#include "common/valid.h"

START_TEST(test_print)
{
	struct arena *a = arena_new(1 << 16);
	cJSON *o = cJSON_CreateObject();

	ck_assert_ptr_nonnull(cJSON_AddStringToObject(o, "k", "w\"x"));
	ck_assert_str_eq(json_print(a, o), "{\"k\":\"w\\\"x\"}");
	/* json_print leaves the item to the caller, json_print_take deletes it. */
	ck_assert_ptr_nonnull(cJSON_AddNumberToObject(o, "n", 2));
	ck_assert_str_eq(json_print_take(a, o), "{\"k\":\"w\\\"x\",\"n\":2}");
	ck_assert_ptr_null(json_print(a, NULL));
	ck_assert_ptr_null(json_print_take(a, NULL));
	arena_free(a);
}
END_TEST

START_TEST(test_add)
{
	struct arena *a = arena_new(1 << 16);
	cJSON *o = cJSON_CreateObject();

	ck_assert_int_eq(json_add_str_skip(o, "a", "x"), 0);
	ck_assert_int_eq(json_add_str_skip(o, "b", NULL), 0);
	ck_assert_int_eq(json_add_str_null(o, "c", "y"), 0);
	ck_assert_int_eq(json_add_str_null(o, "d", NULL), 0);
	ck_assert_int_eq(json_add_str_skip(o, "e", ""), 0);
	ck_assert_str_eq(json_print_take(a, o), "{\"a\":\"x\",\"c\":\"y\",\"d\":null,\"e\":\"\"}");
	arena_free(a);
}
END_TEST

START_TEST(test_in)
{
	struct value absent = { 0 }, null = { .present = true, .null = true };
	struct value empty = { .present = true, .s = "" }, text = { .present = true, .s = "t" };

	ck_assert_ptr_null(json_in_str(&absent));
	ck_assert_ptr_null(json_in_str(&null));
	ck_assert_str_eq(json_in_str(&empty), "");
	ck_assert_str_eq(json_in_str(&text), "t");
	ck_assert_ptr_null(json_in_nonempty(&absent));
	ck_assert_ptr_null(json_in_nonempty(&null));
	ck_assert_ptr_null(json_in_nonempty(&empty));
	ck_assert_str_eq(json_in_nonempty(&text), "t");
	ck_assert_ptr_null(json_in_str(NULL));
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_in);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
