/*
 * metrics: the Prometheus text exposition format (version 0.0.4), written
 * into a growable buffer, and fixed-bucket histograms to feed it.  No
 * registry and no client library: whoever serves /metrics gathers its
 * numbers (from PostgreSQL, from the workers) and writes them here.
 *
 *   struct metrics_buf b;
 *   metrics_buf_init(&b);
 *   metrics_family(&b, "izzy_http_requests_total", METRICS_COUNTER, "Requests answered.");
 *   metrics_sample(&b, "izzy_http_requests_total", labels, 3, 42);
 *   ... http_ok_raw(r, b.data) with METRICS_CONTENT_TYPE ...
 *   metrics_buf_free(&b);
 *
 * Names are checked (metric [a-zA-Z_:][a-zA-Z0-9_:]*, label [a-zA-Z_][a-zA-Z0-9_]*,
 * never "__"-prefixed); label values and help texts are escaped.  Label
 * values must never carry personal data: ids, routes, channels only.
 */
#ifndef IZZY_METRICS_H
#define IZZY_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum metrics_type { METRICS_COUNTER, METRICS_GAUGE, METRICS_HISTOGRAM, METRICS__MAX };

struct metrics_buf {
	char *data; /* NUL-terminated text so far; NULL until the first write */
	size_t len, cap;
	bool failed; /* a write failed: the text is incomplete, do not serve it */
};

struct metrics_label {
	const char *name;
	const char *value;
};

/* Upper bounds in increasing order; counts has nbounds + 1 slots, the last one for +Inf. */
struct metrics_histogram {
	const double *bounds;
	size_t nbounds;
	uint64_t *counts; /* per bucket, not cumulative: written cumulatively */
	double sum;
	uint64_t count;
};

void metrics_buf_init(struct metrics_buf *);
/* Frees the text; the buffer may be initialised again. */
void metrics_buf_free(struct metrics_buf *);

/*
 * "# HELP name help" and "# TYPE name type" lines, once per metric before its
 * samples.  -1 on a bad name or type (logged) or out of memory; the buffer is
 * then marked failed.
 */
int metrics_family(struct metrics_buf *, const char *name, enum metrics_type, const char *help);
/* "name{l1="v1",…} value"; -1 as metrics_family. */
int metrics_sample(struct metrics_buf *, const char *name, const struct metrics_label *labels,
    size_t nlabels, double value);
/*
 * A histogram's name_bucket{…,le="…"} lines (cumulative, ending with
 * le="+Inf"), name_sum and name_count.  -1 as metrics_family.
 */
int metrics_histogram_write(struct metrics_buf *, const char *name,
    const struct metrics_label *labels, size_t nlabels, const struct metrics_histogram *);

/* Counts v in the first bucket whose bound is >= v (Prometheus' "le"), and in sum/count. */
void metrics_histogram_observe(struct metrics_histogram *, double v);

/*
 * Per-process request counters (common/http.c).  The FastCGI programs are
 * prefork workers: each one counts its requests here, in memory, and
 * http.c adds the counts to PostgreSQL ("HttpMetric", "ProgramMetric";
 * common/metrics.sql) at most every IZZY_METRICS_FLUSH_SECONDS, then
 * resets them; cgi-bin/metrics renders the sums.  A slot is one
 * (method, route, status); method and route must be static strings
 * (route_method_name(), a route table's pattern), so only pointers are kept.
 */
#define METRICS_LATENCY_NBOUNDS 11
extern const double metrics_latency_bounds[METRICS_LATENCY_NBOUNDS]; /* seconds */
#define METRICS_ACC_MAX 128

struct metrics_req {
	const char *method, *route;
	int status;
	uint64_t count;
	double sum;                                    /* seconds */
	uint64_t buckets[METRICS_LATENCY_NBOUNDS + 1]; /* per bucket, the last one +Inf */
};

struct metrics_acc {
	struct metrics_req req[METRICS_ACC_MAX];
	size_t nreq;
	uint64_t pending; /* observations since the last reset */
	uint64_t dropped; /* observations that found no free slot (more series than slots) */
};

/* Counts one answered request of the given latency. */
void metrics_acc_observe(
    struct metrics_acc *, const char *method, const char *route, int status, double seconds);
/* Forgets every count (after they were added to the database). */
void metrics_acc_reset(struct metrics_acc *);
/* n counts as a PostgreSQL array literal "{1,0,3}"; -1 when dst is too small. */
int metrics_array_literal(char *dst, size_t dstsz, const uint64_t *v, size_t n);
/*
 * Parses "1,0,3" (array_to_string of a bigint[]) into n counts, adding
 * them to v; -1 on anything else, including a different number of values.
 */
int metrics_array_add(uint64_t *v, size_t n, const char *text);

/* v as the format writes it: shortest text that reads back exactly, +Inf, -Inf, NaN. */
void metrics_format_value(char *dst, size_t dstsz, double v);
/* True for a valid metric name (labels: metrics_label_name_ok). */
bool metrics_name_ok(const char *);
bool metrics_label_name_ok(const char *);

#endif
