/*
 * check_respcache: answers kept between requests (common/respcache.c): a
 * slot is found by key while it has not expired, replaced in place, dropped,
 * and reused round-robin once every slot is taken.
 */
#include "config.h"
#include "common/respcache.h"

#include <stdio.h>

#include <check.h>

START_TEST(test_get_put_expire)
{
	static struct respcache_slot slots[4];
	struct respcache c = RESPCACHE("test", slots);
	const struct respcache_slot *s;

	ck_assert_ptr_null(respcache_get(&c, "a", 100));
	respcache_put(&c, "a", "body-a", "snap|", 200);
	s = respcache_get(&c, "a", 100);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->body, "body-a");
	ck_assert_str_eq(s->tag, "snap|");
	ck_assert_ptr_null(respcache_get(&c, "a", 200)); /* expired at 200 */
	ck_assert_ptr_null(respcache_get(&c, "b", 100));
	respcache_free(&c);
	ck_assert_ptr_null(respcache_get(&c, "a", 100));
}
END_TEST

START_TEST(test_replace_and_drop)
{
	static struct respcache_slot slots[4];
	struct respcache c = RESPCACHE("test", slots);
	const struct respcache_slot *s;

	respcache_put(&c, "a", "old", NULL, 200);
	respcache_put(&c, "b", "other", NULL, 200);
	respcache_put(&c, "a", "new", "t", 300);
	s = respcache_get(&c, "a", 250);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->body, "new");
	ck_assert_str_eq(s->tag, "t");
	ck_assert_int_eq(c.next, 2); /* the replacement took no new slot */
	respcache_drop(&c, "a");
	ck_assert_ptr_null(respcache_get(&c, "a", 100));
	ck_assert_str_eq(respcache_get(&c, "b", 100)->body, "other");
	respcache_drop(&c, "nosuch");
	respcache_free(&c);
}
END_TEST

START_TEST(test_round_robin)
{
	static struct respcache_slot slots[3];
	struct respcache c = RESPCACHE("test", slots);
	char key[8];

	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		respcache_put(&c, key, key, NULL, 100);
	}
	/* Three slots: k0 and k1 were reused for k3 and k4. */
	ck_assert_ptr_null(respcache_get(&c, "k0", 1));
	ck_assert_ptr_null(respcache_get(&c, "k1", 1));
	for (int i = 2; i < 5; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_ptr_nonnull(respcache_get(&c, key, 1));
		ck_assert_str_eq(respcache_get(&c, key, 1)->body, key);
	}
	respcache_free(&c);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("respcache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get_put_expire);
	tcase_add_test(tc, test_replace_and_drop);
	tcase_add_test(tc, test_round_robin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
