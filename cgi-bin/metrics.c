/*
 * metrics: GET /metrics, the Prometheus text exposition format 0.0.4.
 *
 * nginx answers it only to the addresses of IZZY_METRICS_ALLOW (default
 * 127.0.0.1 and ::1; scripts/lib/stack.sh), so the route itself is public.
 * The numbers come from PostgreSQL, where every FastCGI worker of every
 * program adds its own counts (common/http.c, common/metrics.h), plus live
 * figures of the outbox and the worker heartbeats:
 *   izzy_http_requests_total{program,method,route,status}       counter
 *   izzy_http_request_duration_seconds{program,method,route}    histogram
 *   izzy_http_server_errors_total{program,method,route}         counter (5xx)
 *   izzy_db_errors_total{program}                               counter
 *   izzy_outbox_messages{channel,status}                        gauge (PENDING, SENDING, FAILED)
 *   izzy_outbox_oldest_pending_seconds{channel}                 gauge
 *   izzy_worker_heartbeat_age_seconds{worker}                   gauge
 * Labels carry program names, route patterns, channels: never personal data.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/role.h"

#include "metrics.sql.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int metrics_get(struct req *);

static const struct route metrics_routes[] = {
	/* method    pattern     handler      roles          body  query */
	{ HTTP_GET, "/metrics", metrics_get, ROLES_PUBLIC, NULL, NULL },
};

static PGresult *
page_query(struct req *r, enum metrics_sql which)
{
	return db_query(r->db, r->mem, &metrics_sql[which], 0, NULL);
}

static double
num(const PGresult *res, int row, int col)
{
	return strtod(PQgetvalue(res, row, col), NULL);
}

/* True when rows a and b are of the same program, method and route. */
static bool
same_series(const PGresult *res, int a, int b)
{
	for (int c = 0; c < 3; c++)
		if (strcmp(PQgetvalue(res, a, c), PQgetvalue(res, b, c)) != 0)
			return false;
	return true;
}

static void
write_requests(struct metrics_buf *b, const PGresult *res)
{
	int n = PQntuples(res);

	metrics_family(b, "izzy_http_requests_total", METRICS_COUNTER,
	    "Requests answered, by program, method, route and status.");
	for (int i = 0; i < n; i++) {
		const struct metrics_label l[] = { { "program", PQgetvalue(res, i, 0) },
			{ "method", PQgetvalue(res, i, 1) }, { "route", PQgetvalue(res, i, 2) },
			{ "status", PQgetvalue(res, i, 3) } };
		metrics_sample(b, "izzy_http_requests_total", l, NELEM(l), num(res, i, 4));
	}
	metrics_family(b, "izzy_http_request_duration_seconds", METRICS_HISTOGRAM,
	    "Time to answer a request, by program, method and route.");
	for (int i = 0; i < n;) {
		uint64_t counts[METRICS_LATENCY_NBOUNDS + 1] = { 0 };
		struct metrics_histogram h = { metrics_latency_bounds, METRICS_LATENCY_NBOUNDS,
			counts, 0, 0 };
		const struct metrics_label l[] = { { "program", PQgetvalue(res, i, 0) },
			{ "method", PQgetvalue(res, i, 1) }, { "route", PQgetvalue(res, i, 2) } };
		int j = i;
		for (; j < n && same_series(res, i, j); j++) {
			if (metrics_array_add(counts, NELEM(counts), PQgetvalue(res, j, 6)) == -1) {
				log_error("metrics", "HttpMetric buckets of %s %s are malformed",
				    PQgetvalue(res, j, 1), PQgetvalue(res, j, 2));
				b->failed = true;
				return;
			}
			h.count += (uint64_t)strtoull(PQgetvalue(res, j, 4), NULL, 10);
			h.sum += num(res, j, 5);
		}
		metrics_histogram_write(b, "izzy_http_request_duration_seconds", l, NELEM(l), &h);
		i = j;
	}
	metrics_family(b, "izzy_http_server_errors_total", METRICS_COUNTER,
	    "Requests answered with a 5xx status, by program, method and route.");
	for (int i = 0; i < n;) {
		const struct metrics_label l[] = { { "program", PQgetvalue(res, i, 0) },
			{ "method", PQgetvalue(res, i, 1) }, { "route", PQgetvalue(res, i, 2) } };
		double errors = 0;
		int j = i;
		for (; j < n && same_series(res, i, j); j++)
			if (atoi(PQgetvalue(res, j, 3)) >= 500)
				errors += num(res, j, 4);
		metrics_sample(b, "izzy_http_server_errors_total", l, NELEM(l), errors);
		i = j;
	}
}

static void
write_counters(struct metrics_buf *b, const PGresult *res)
{
	metrics_family(b, "izzy_db_errors_total", METRICS_COUNTER,
	    "Failed database connects and statements, by program.");
	for (int i = 0; i < PQntuples(res); i++) {
		const struct metrics_label l[] = { { "program", PQgetvalue(res, i, 0) } };
		if (strcmp(PQgetvalue(res, i, 1), "db_errors") == 0)
			metrics_sample(b, "izzy_db_errors_total", l, NELEM(l), num(res, i, 2));
	}
}

static void
write_outbox(struct metrics_buf *b, const PGresult *res)
{
	static const char *const channels[] = { "EMAIL", "SMS", "WEBHOOK" };
	static const char *const statuses[] = { "PENDING", "SENDING", "FAILED" };
	int n = PQntuples(res);

	/* Every channel and status, zeros included, so that alerts see a series that goes to 0. */
	metrics_family(b, "izzy_outbox_messages", METRICS_GAUGE,
	    "Outbox messages not delivered, by channel and status.");
	for (size_t c = 0; c < NELEM(channels); c++)
		for (size_t s = 0; s < NELEM(statuses); s++) {
			const struct metrics_label l[] = { { "channel", channels[c] },
				{ "status", statuses[s] } };
			double v = 0;
			for (int i = 0; i < n; i++)
				if (strcmp(PQgetvalue(res, i, 0), channels[c]) == 0 &&
				    strcmp(PQgetvalue(res, i, 1), statuses[s]) == 0)
					v = num(res, i, 2);
			metrics_sample(b, "izzy_outbox_messages", l, NELEM(l), v);
		}
	metrics_family(b, "izzy_outbox_oldest_pending_seconds", METRICS_GAUGE,
	    "Age of the oldest message waiting for delivery (0: none), by channel.");
	for (size_t c = 0; c < NELEM(channels); c++) {
		const struct metrics_label l[] = { { "channel", channels[c] } };
		double v = 0;
		for (int i = 0; i < n; i++)
			if (strcmp(PQgetvalue(res, i, 0), channels[c]) == 0 && num(res, i, 3) > v)
				v = num(res, i, 3);
		metrics_sample(b, "izzy_outbox_oldest_pending_seconds", l, NELEM(l), v);
	}
}

static void
write_heartbeats(struct metrics_buf *b, const PGresult *res)
{
	metrics_family(b, "izzy_worker_heartbeat_age_seconds", METRICS_GAUGE,
	    "Seconds since a loop of izzy-worker last reported, by loop.");
	for (int i = 0; i < PQntuples(res); i++) {
		const struct metrics_label l[] = { { "worker", PQgetvalue(res, i, 0) } };
		metrics_sample(b, "izzy_worker_heartbeat_age_seconds", l, NELEM(l), num(res, i, 1));
	}
}

static void
free_buf(void *p)
{
	metrics_buf_free(p);
}

/* GET /metrics: 200 text/plain exposition; 503 JSON when the database does not answer. */
static int
metrics_get(struct req *r)
{
	PGresult *req = page_query(r, SQL_METRICS_PAGE_REQUESTS);
	PGresult *cnt = req != NULL ? page_query(r, SQL_METRICS_PAGE_COUNTERS) : NULL;
	PGresult *out = cnt != NULL ? page_query(r, SQL_METRICS_PAGE_OUTBOX) : NULL;
	PGresult *hb = out != NULL ? page_query(r, SQL_METRICS_PAGE_HEARTBEATS) : NULL;
	struct metrics_buf *b;

	if (hb == NULL)
		return http_fail_db(r);
	if ((b = arena_alloc(r->mem, sizeof(*b))) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	metrics_buf_init(b);
	if (arena_defer(r->mem, free_buf, b) == -1) {
		metrics_buf_free(b);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	write_requests(b, req);
	write_counters(b, cnt);
	write_outbox(b, out);
	write_heartbeats(b, hb);
	if (b->failed || b->data == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	return http_ok_text(r, METRICS_CONTENT_TYPE, b->data);
}

static int
metrics_init(struct db *db)
{
	return db_register(db, metrics_sql, METRICS_SQL__MAX);
}

extern const struct http_app metrics_app;
static const http_init_fn metrics_inits[] = { metrics_init, NULL };
const struct http_app metrics_app = {
	"metrics",
	metrics_routes,
	sizeof(metrics_routes) / sizeof(metrics_routes[0]),
	metrics_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&metrics_app);
}
#endif
