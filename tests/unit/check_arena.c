/*
 * check_arena: request-lifetime memory (common/arena.c).  Every row runs
 * in both the block build and the one-malloc-per-allocation debug build
 * (--enable-sanitizers), so nothing here depends on the block size.
 */
#include "config.h"
#include "common/arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const size_t alloc_sizes[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 100, 1000, 4095, 70000,
	200000 };

START_TEST(test_alloc_zeroed)
{
	struct arena *a = arena_new(8 * 1024 * 1024);

	ck_assert_ptr_nonnull(a);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < NELEM(alloc_sizes); i++) {
			unsigned char *p = arena_alloc(a, alloc_sizes[i]);
			ck_assert_msg(p != NULL, "size %zu: NULL", alloc_sizes[i]);
			size_t j = 0;
			while (j < alloc_sizes[i] && p[j] == 0)
				j++;
			ck_assert_msg(
			    j == alloc_sizes[i], "size %zu: byte %zu not zero", alloc_sizes[i], j);
			/* Dirty it so the next round proves a reset hands out zeroes again. */
			memset(p, 0xa5, alloc_sizes[i]);
		}
		arena_reset(a);
	}
	arena_free(a);
}
END_TEST

/* arena.h promises memory "aligned for any type". */
START_TEST(test_alloc_aligned)
{
	struct arena *a = arena_new(8 * 1024 * 1024);

	for (size_t i = 0; i < NELEM(alloc_sizes); i++) {
		void *p = arena_alloc(a, alloc_sizes[i]);
		ck_assert_msg(p != NULL, "size %zu: NULL", alloc_sizes[i]);
		/* Every allocation is aligned for any type, whatever the block header's size. */
		ck_assert_msg((uintptr_t)p % alignof(max_align_t) == 0,
		    "size %zu: %p not aligned to %zu", alloc_sizes[i], p, alignof(max_align_t));
	}
	arena_free(a);
}
END_TEST

START_TEST(test_strings)
{
	static const struct {
		const char *src;
		size_t n; /* strndup length; (size_t)-1 means strdup */
		const char *want;
	} rows[] = {
		{ "", (size_t)-1, "" },
		{ "hello", (size_t)-1, "hello" },
		{ "zażółć gęślą jaźń", (size_t)-1, "zażółć gęślą jaźń" },
		{ "hello", 0, "" },
		{ "hello", 3, "hel" },
		{ "hello", 5, "hello" },
		{ "a\0b", 3, "a" },
	};
	struct arena *a = arena_new(1024 * 1024);

	for (size_t i = 0; i < NELEM(rows); i++) {
		char *s = rows[i].n == (size_t)-1 ? arena_strdup(a, rows[i].src)
						  : arena_strndup(a, rows[i].src, rows[i].n);
		ck_assert_msg(s != NULL, "row %zu: NULL", i);
		ck_assert_msg(strcmp(s, rows[i].want) == 0, "row %zu: got \"%s\"", i, s);
		ck_assert_msg(s != rows[i].src, "row %zu: not a copy", i);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_printf)
{
	struct arena *a = arena_new(1024 * 1024);
	char big[5000];
	char *s;

	ck_assert_str_eq(arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
	ck_assert_str_eq(arena_printf(a, "%s", ""), "");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(a, "<%s>", big);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), sizeof(big) + 1);
	ck_assert_int_eq(s[0], '<');
	ck_assert_int_eq(s[sizeof(big)], '>');
	arena_free(a);
}
END_TEST

/* Each row: cap, then a sequence of allocation sizes and whether each succeeds. */
START_TEST(test_cap)
{
	static const struct {
		size_t cap;
		size_t sizes[4];
		bool ok[4];
	} rows[] = {
		{ .cap = 1024, .sizes = { 1000, 32, 0, 0 }, .ok = { true, false, false, false } },
		{ .cap = 1024, .sizes = { 1024, 1, 0, 0 }, .ok = { true, false, false, false } },
		{ .cap = 1024, .sizes = { 1025, 0, 0, 0 }, .ok = { false, false, false, false } },
		{ .cap = 1024, .sizes = { 512, 512, 1, 0 }, .ok = { true, true, false, false } },
		{ .cap = 64, .sizes = { 16, 16, 16, 16 }, .ok = { true, true, true, true } },
		{ .cap = 0, .sizes = { 1, 0, 0, 0 }, .ok = { false, false, false, false } },
		{ .cap = 1024,
		    .sizes = { SIZE_MAX, 1, 0, 0 },
		    .ok = { false, true, false, false } },
		{ .cap = 1024,
		    .sizes = { SIZE_MAX - 8, 1, 0, 0 },
		    .ok = { false, true, false, false } },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct arena *a = arena_new(rows[i].cap);
		ck_assert_ptr_nonnull(a);
		for (size_t j = 0; j < 4 && (rows[i].sizes[j] != 0 || j == 0); j++) {
			void *p = arena_alloc(a, rows[i].sizes[j]);
			ck_assert_msg((p != NULL) == rows[i].ok[j],
			    "row %zu alloc %zu (%zu bytes): got %p", i, j, rows[i].sizes[j], p);
		}
		/* A reset gives the whole cap back. */
		arena_reset(a);
		ck_assert_uint_eq(arena_used(a), 0);
		if (rows[i].cap >= 16)
			ck_assert_ptr_nonnull(arena_alloc(a, rows[i].cap));
		arena_free(a);
	}
	/* Too big for the cap: strdup/printf fail cleanly too. */
	struct arena *a = arena_new(8);
	ck_assert_ptr_null(arena_strdup(a, "far more than eight bytes"));
	ck_assert_ptr_null(arena_printf(a, "%s", "far more than eight bytes"));
	arena_free(a);
}
END_TEST

START_TEST(test_used)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 0, 65536 };
	struct arena *a = arena_new(1024 * 1024);
	size_t before, total = 0;

	ck_assert_uint_eq(arena_used(a), 0);
	for (size_t i = 0; i < NELEM(sizes); i++) {
		size_t n = sizes[i] == 0 ? 1 : sizes[i];
		before = arena_used(a);
		ck_assert_ptr_nonnull(arena_alloc(a, sizes[i]));
		/* Rounded up to the alignment, never less than asked. */
		ck_assert_msg(arena_used(a) - before >= n && arena_used(a) - before < n + 16,
		    "size %zu: used grew by %zu", sizes[i], arena_used(a) - before);
		total += arena_used(a) - before;
	}
	ck_assert_uint_eq(arena_used(a), total);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	arena_free(a);
}
END_TEST

static int order[16];
static int norder;

static void
record(void *p)
{
	ck_assert_int_lt(norder, 16);
	order[norder++] = *(int *)p;
}

START_TEST(test_defer)
{
	static int ids[] = { 1, 2, 3, 4, 5 };
	struct arena *a = arena_new(1024 * 1024);
	char *s;

	norder = 0;
	for (size_t i = 0; i < NELEM(ids); i++)
		ck_assert_int_eq(arena_defer(a, record, &ids[i]), 0);
	ck_assert_int_eq(norder, 0);
	arena_reset(a);
	/* Newest first. */
	ck_assert_int_eq(norder, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(order[i], 5 - i);
	/* They ran once: a second reset runs nothing. */
	arena_reset(a);
	ck_assert_int_eq(norder, 5);

	/* The arena is reusable after a reset, and defers work again. */
	norder = 0;
	s = arena_strdup(a, "again");
	ck_assert_str_eq(s, "again");
	ck_assert_int_eq(arena_defer(a, record, &ids[0]), 0);
	arena_free(a);
	ck_assert_int_eq(norder, 1);
	ck_assert_int_eq(order[0], 1);
}
END_TEST

static int freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

/* A defer that cannot be recorded runs at once; either way exactly once. */
START_TEST(test_defer_full)
{
	struct arena *a = arena_new(64);
	int rc;

	freed = 0;
	ck_assert_ptr_nonnull(arena_alloc(a, 64));
	rc = arena_defer(a, count_free, malloc(8));
	ck_assert_int_eq(freed, rc == -1 ? 1 : 0);
	arena_reset(a);
	ck_assert_int_eq(freed, 1);
	arena_free(a);
	ck_assert_int_eq(freed, 1);
	arena_free(NULL);
	arena_reset(NULL);
}
END_TEST

static Suite *
arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alloc_zeroed);
	tcase_add_test(tc, test_alloc_aligned);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_printf);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_used);
	tcase_add_test(tc, test_defer);
	tcase_add_test(tc, test_defer_full);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(arena_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
