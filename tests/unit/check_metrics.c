/*
 * check_metrics: the Prometheus text exposition format 0.0.4 — a whole page
 * byte for byte, value formatting, escaping, name checks, histogram buckets.
 */
#include "config.h"
#include "common/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_page)
{
	static const double bounds[] = { 0.005, 0.1, 1, 2.5 };
	uint64_t counts[NELEM(bounds) + 1] = { 0 };
	struct metrics_histogram h = { bounds, NELEM(bounds), counts, 0, 0 };
	const struct metrics_label req[] = { { "program", "leads" }, { "route", "/api/leads/:id" },
		{ "status", "200" } };
	const struct metrics_label lat[] = { { "program", "leads" },
		{ "route", "/api/leads/:id" } };
	const struct metrics_label mail[] = { { "channel", "email" } };
	struct metrics_buf b;
	static const char want[] =
	    "# HELP izzy_http_requests_total Requests answered, by program, route and status.\n"
	    "# TYPE izzy_http_requests_total counter\n"
	    "izzy_http_requests_total{program=\"leads\",route=\"/api/leads/:id\",status=\"200\"} "
	    "1027\n"
	    "# HELP izzy_http_request_duration_seconds Time to answer a request.\n"
	    "# TYPE izzy_http_request_duration_seconds histogram\n"
	    "izzy_http_request_duration_seconds_bucket{program=\"leads\",route=\"/api/leads/"
	    ":id\",le=\"0.005\"} 1\n"
	    "izzy_http_request_duration_seconds_bucket{program=\"leads\",route=\"/api/leads/"
	    ":id\",le=\"0.1\"} 3\n"
	    "izzy_http_request_duration_seconds_bucket{program=\"leads\",route=\"/api/leads/"
	    ":id\",le=\"1\"} 4\n"
	    "izzy_http_request_duration_seconds_bucket{program=\"leads\",route=\"/api/leads/"
	    ":id\",le=\"2.5\"} 4\n"
	    "izzy_http_request_duration_seconds_bucket{program=\"leads\",route=\"/api/leads/"
	    ":id\",le=\"+Inf\"} 5\n"
	    "izzy_http_request_duration_seconds_sum{program=\"leads\",route=\"/api/leads/:id\"} "
	    "3.6\n"
	    "izzy_http_request_duration_seconds_count{program=\"leads\",route=\"/api/leads/:id\"} "
	    "5\n"
	    "# HELP izzy_outbox_pending Outbox rows waiting for delivery.\n"
	    "# TYPE izzy_outbox_pending gauge\n"
	    "izzy_outbox_pending{channel=\"email\"} 3\n"
	    "# HELP izzy_db_errors_total Database connection errors.\n"
	    "# TYPE izzy_db_errors_total counter\n"
	    "izzy_db_errors_total 0\n";

	/* 0.001 <= 0.005; 0.1 is "le" its own bound; 0.05 in 0.1; 0.5 in 1; 2.949 past 2.5: +Inf. */
	metrics_histogram_observe(&h, 0.001);
	metrics_histogram_observe(&h, 0.1);
	metrics_histogram_observe(&h, 0.05);
	metrics_histogram_observe(&h, 0.5);
	metrics_histogram_observe(&h, 2.949);
	ck_assert_uint_eq(h.count, 5);
	ck_assert(fabs(h.sum - 3.6) < 1e-9);
	h.sum = 3.6; /* exactly, so that the text is predictable */

	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_family(&b, "izzy_http_requests_total", METRICS_COUNTER,
			     "Requests answered, by program, route and status."),
	    0);
	ck_assert_int_eq(metrics_sample(&b, "izzy_http_requests_total", req, 3, 1027), 0);
	ck_assert_int_eq(metrics_family(&b, "izzy_http_request_duration_seconds", METRICS_HISTOGRAM,
			     "Time to answer a request."),
	    0);
	ck_assert_int_eq(
	    metrics_histogram_write(&b, "izzy_http_request_duration_seconds", lat, 2, &h), 0);
	ck_assert_int_eq(metrics_family(&b, "izzy_outbox_pending", METRICS_GAUGE,
			     "Outbox rows waiting for delivery."),
	    0);
	ck_assert_int_eq(metrics_sample(&b, "izzy_outbox_pending", mail, 1, 3), 0);
	ck_assert_int_eq(metrics_family(&b, "izzy_db_errors_total", METRICS_COUNTER,
			     "Database connection errors."),
	    0);
	ck_assert_int_eq(metrics_sample(&b, "izzy_db_errors_total", NULL, 0, 0), 0);
	ck_assert(!b.failed);
	ck_assert_str_eq(b.data, want);
	ck_assert_uint_eq(b.len, strlen(want));
	metrics_buf_free(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_values)
{
	static const struct {
		double v;
		const char *want;
	} rows[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ -3, "-3" },
		{ 1027, "1027" },
		{ 0.1, "0.1" },
		{ 0.005, "0.005" },
		{ 2.5, "2.5" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 1e-9, "1e-09" },
		{ 1e21, "1e+21" },
		{ 9007199254740992.0, "9007199254740992" },
	};
	char out[64];

	for (size_t i = 0; i < NELEM(rows); i++) {
		metrics_format_value(out, sizeof(out), rows[i].v);
		ck_assert_msg(strcmp(out, rows[i].want) == 0, "row %zu: got %s", i, out);
		ck_assert_msg(
		    strtod(out, NULL) == rows[i].v, "row %zu: %s does not read back", i, out);
	}
	metrics_format_value(out, sizeof(out), INFINITY);
	ck_assert_str_eq(out, "+Inf");
	metrics_format_value(out, sizeof(out), -INFINITY);
	ck_assert_str_eq(out, "-Inf");
	metrics_format_value(out, sizeof(out), NAN);
	ck_assert_str_eq(out, "NaN");
}
END_TEST

START_TEST(test_escaping)
{
	const struct metrics_label l[] = { { "route", "a\"b\\c\nd" }, { "empty", NULL } };
	struct metrics_buf b;

	metrics_buf_init(&b);
	ck_assert_int_eq(
	    metrics_family(&b, "x", METRICS_GAUGE, "help with \\ and\nnewline \"q\""), 0);
	ck_assert_int_eq(metrics_sample(&b, "x", l, 2, 1), 0);
	/* In HELP only backslash and newline are escaped; in label values the quote too. */
	ck_assert_str_eq(b.data,
	    "# HELP x help with \\\\ and\\nnewline \"q\"\n"
	    "# TYPE x gauge\n"
	    "x{route=\"a\\\"b\\\\c\\nd\",empty=\"\"} 1\n");
	metrics_buf_free(&b);
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		const char *name;
		bool metric, label;
	} rows[] = {
		{ "izzy_http_requests_total", true, true },
		{ "_x", true, true },
		{ "a:b", true, false },
		{ ":a", true, false },
		{ "a1", true, true },
		{ "1a", false, false },
		{ "", false, false },
		{ "a-b", false, false },
		{ "a b", false, false },
		{ "zażółć", false, false },
		{ "__name__", true, false },
		{ "_a", true, true },
	};
	const struct metrics_label le[] = { { "le", "1" } };
	const struct metrics_label reserved[] = { { "__x", "1" } };
	struct metrics_buf b;

	for (size_t i = 0; i < NELEM(rows); i++) {
		ck_assert_msg(
		    metrics_name_ok(rows[i].name) == rows[i].metric, "metric %s", rows[i].name);
		ck_assert_msg(
		    metrics_label_name_ok(rows[i].name) == rows[i].label, "label %s", rows[i].name);
	}
	ck_assert(!metrics_name_ok(NULL));

	/* A bad name fails the call and marks the page failed: later writes fail too. */
	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_family(&b, "bad-name", METRICS_COUNTER, "x"), -1);
	ck_assert(b.failed);
	ck_assert_int_eq(metrics_sample(&b, "good", NULL, 0, 1), -1);
	metrics_buf_free(&b);
	ck_assert(!b.failed);

	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_sample(&b, "h", le, 1, 1), -1);
	metrics_buf_free(&b);
	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_sample(&b, "h", reserved, 1, 1), -1);
	metrics_buf_free(&b);
	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_family(&b, "t", METRICS__MAX, "x"), -1);
	metrics_buf_free(&b);
}
END_TEST

/* Many series: the buffer grows and the text stays whole. */
START_TEST(test_growth)
{
	struct metrics_buf b;
	char v[16];
	const struct metrics_label l[] = { { "route", v } };

	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_family(&b, "n", METRICS_GAUGE, "many"), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(v, sizeof(v), "r%d", i);
		ck_assert_int_eq(metrics_sample(&b, "n", l, 1, i), 0);
	}
	ck_assert(strstr(b.data, "n{route=\"r0\"} 0\n") != NULL);
	ck_assert(strstr(b.data, "n{route=\"r4999\"} 4999\n") != NULL);
	ck_assert_uint_eq(strlen(b.data), b.len);
	metrics_buf_free(&b);
}
END_TEST

/* A histogram without observations: every bucket 0, sum and count 0. */
START_TEST(test_empty_histogram)
{
	static const double bounds[] = { 1 };
	uint64_t counts[2] = { 0 };
	const struct metrics_histogram h = { bounds, 1, counts, 0, 0 };
	struct metrics_buf b;

	metrics_buf_init(&b);
	ck_assert_int_eq(metrics_histogram_write(&b, "d", NULL, 0, &h), 0);
	ck_assert_str_eq(
	    b.data, "d_bucket{le=\"1\"} 0\nd_bucket{le=\"+Inf\"} 0\nd_sum 0\nd_count 0\n");
	metrics_buf_free(&b);
}
END_TEST

START_TEST(test_acc)
{
	static struct metrics_acc a;
	char route[METRICS_ACC_MAX + 1][16];
	uint64_t total = 0;

	metrics_acc_reset(&a);
	metrics_acc_observe(&a, "GET", "/api/leads", 200, 0.003);
	metrics_acc_observe(&a, "GET", "/api/leads", 200, 0.2);
	metrics_acc_observe(&a, "GET", "/api/leads", 500, 20);
	metrics_acc_observe(&a, "POST", "/api/leads", 200, 0.01);
	/* A negative or NaN latency (a clock step) counts as 0, never as garbage. */
	metrics_acc_observe(&a, "GET", "/api/leads", 200, -1);
	metrics_acc_observe(&a, "GET", "/api/leads", 200, NAN);
	ck_assert_uint_eq(a.nreq, 3);
	ck_assert_uint_eq(a.pending, 6);
	ck_assert_str_eq(a.req[0].method, "GET");
	ck_assert_int_eq(a.req[0].status, 200);
	ck_assert_uint_eq(a.req[0].count, 4);
	ck_assert(fabs(a.req[0].sum - 0.203) < 1e-12);
	ck_assert_uint_eq(a.req[0].buckets[0], 3); /* le 0.005: 0.003, -1 and NaN as 0 */
	ck_assert_uint_eq(a.req[0].buckets[5], 1); /* le 0.25 */
	ck_assert_int_eq(a.req[1].status, 500);
	ck_assert_uint_eq(a.req[1].buckets[METRICS_LATENCY_NBOUNDS], 1); /* +Inf */
	ck_assert_uint_eq(a.req[2].buckets[1], 1);                       /* le 0.01 is inclusive */
	for (size_t i = 0; i < a.nreq; i++)
		for (size_t b = 0; b <= METRICS_LATENCY_NBOUNDS; b++)
			total += a.req[i].buckets[b];
	ck_assert_uint_eq(total, 6);

	/* More series than slots: counted as dropped, nothing overwritten. */
	metrics_acc_reset(&a);
	ck_assert_uint_eq(a.nreq, 0);
	ck_assert_uint_eq(a.pending, 0);
	for (int i = 0; i <= METRICS_ACC_MAX; i++) {
		snprintf(route[i], sizeof(route[i]), "/r/%d", i);
		metrics_acc_observe(&a, "GET", route[i], 200, 0.001);
	}
	ck_assert_uint_eq(a.nreq, METRICS_ACC_MAX);
	ck_assert_uint_eq(a.dropped, 1);
	ck_assert_str_eq(a.req[METRICS_ACC_MAX - 1].route, route[METRICS_ACC_MAX - 1]);
}
END_TEST

START_TEST(test_array_text)
{
	uint64_t v[3] = { 1, 0, 18446744073709551615ULL }, sum[3] = { 0 };
	char buf[64];

	ck_assert_int_eq(metrics_array_literal(buf, sizeof(buf), v, 3), 0);
	ck_assert_str_eq(buf, "{1,0,18446744073709551615}");
	ck_assert_int_eq(metrics_array_literal(buf, 10, v, 3), -1);
	ck_assert_int_eq(metrics_array_literal(buf, sizeof(buf), v, 0), 0);
	ck_assert_str_eq(buf, "{}");

	/* What array_to_string() of the stored buckets gives back, summed element by element. */
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,2,3"), 0);
	ck_assert_int_eq(metrics_array_add(sum, 3, "10,0,7"), 0);
	ck_assert_uint_eq(sum[0], 11);
	ck_assert_uint_eq(sum[1], 2);
	ck_assert_uint_eq(sum[2], 10);
	/* Malformed or a different length: refused, and nothing added. */
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,2"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,2,3,4"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,-2,3"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, "1, 2,3"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,2,x"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, "1,2,99999999999999999999999"), -1);
	ck_assert_int_eq(metrics_array_add(sum, 3, ""), -1);
	ck_assert_uint_eq(sum[0], 11);
	ck_assert_uint_eq(sum[2], 10);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_page);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_empty_histogram);
	tcase_add_test(tc, test_acc);
	tcase_add_test(tc, test_array_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
