/*
 * metrics: the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
#include "config.h"
#include "metrics.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static const char *const type_names[METRICS__MAX] = {
	[METRICS_COUNTER] = "counter",
	[METRICS_GAUGE] = "gauge",
	[METRICS_HISTOGRAM] = "histogram",
};

/* A /metrics page of a few hundred series stays far below this; more is a bug. */
#define METRICS_MAX_BYTES (16 * 1024 * 1024)

void
metrics_buf_init(struct metrics_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
metrics_buf_free(struct metrics_buf *b)
{
	free(b->data);
	metrics_buf_init(b);
}

/* Appends n bytes of s; -1 (logged, buffer marked failed) when it cannot grow. */
static int
put(struct metrics_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;
		char *p;

		while (cap < b->len + n + 1 && cap <= METRICS_MAX_BYTES)
			cap *= 2;
		if (cap > METRICS_MAX_BYTES || (p = realloc(b->data, cap)) == NULL) {
			log_error("metrics", "exposition larger than %d bytes or out of memory",
			    METRICS_MAX_BYTES);
			b->failed = true;
			return -1;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static int
put_str(struct metrics_buf *b, const char *s)
{
	return put(b, s, strlen(s));
}

/* s with backslash and newline escaped, and with QUOTE also the double quote. */
static int
put_escaped(struct metrics_buf *b, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		int rc;
		if (*s == '\\')
			rc = put(b, "\\\\", 2);
		else if (*s == '\n')
			rc = put(b, "\\n", 2);
		else if (*s == '"' && quote)
			rc = put(b, "\\\"", 2);
		else
			rc = put(b, s, 1);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static bool
name_ok(const char *s, bool colon)
{
	if (s == NULL || *s == '\0')
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		    (colon && c == ':');
		if (!alpha && !(p > s && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

bool
metrics_name_ok(const char *s)
{
	return name_ok(s, true);
}

bool
metrics_label_name_ok(const char *s)
{
	/* Names starting with "__" are reserved for Prometheus itself. */
	return name_ok(s, false) && strncmp(s, "__", 2) != 0;
}

static int
bad(struct metrics_buf *b, const char *what, const char *name)
{
	log_error("metrics", "BUG: invalid %s \"%s\"", what, name != NULL ? name : "(null)");
	b->failed = true;
	return -1;
}

void
metrics_format_value(char *dst, size_t dstsz, double v)
{
	if (isnan(v)) {
		snprintf(dst, dstsz, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(dst, dstsz, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* The shortest of %.15g..%.17g that reads back as the same double: 0.1, not 0.1000…01. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(dst, dstsz, "%.*g", prec, v);
		if (strtod(dst, NULL) == v)
			return;
	}
}

/* "{a="x",b="y"[,le="…"]}", or nothing without labels. */
static int
put_labels(struct metrics_buf *b, const struct metrics_label *labels, size_t n, const char *le)
{
	if (n == 0 && le == NULL)
		return 0;
	if (put(b, "{", 1) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!metrics_label_name_ok(labels[i].name) || strcmp(labels[i].name, "le") == 0)
			return bad(b, "label name", labels[i].name);
		if ((i > 0 && put(b, ",", 1) == -1) || put_str(b, labels[i].name) == -1 ||
		    put(b, "=\"", 2) == -1 ||
		    put_escaped(b, labels[i].value != NULL ? labels[i].value : "", true) == -1 ||
		    put(b, "\"", 1) == -1)
			return -1;
	}
	if (le != NULL &&
	    ((n > 0 && put(b, ",", 1) == -1) || put(b, "le=\"", 4) == -1 || put_str(b, le) == -1 ||
		put(b, "\"", 1) == -1))
		return -1;
	return put(b, "}", 1);
}

int
metrics_family(struct metrics_buf *b, const char *name, enum metrics_type type, const char *help)
{
	if (!metrics_name_ok(name))
		return bad(b, "metric name", name);
	if (type >= METRICS__MAX)
		return bad(b, "metric type of", name);
	if (put_str(b, "# HELP ") == -1 || put_str(b, name) == -1 || put(b, " ", 1) == -1 ||
	    put_escaped(b, help != NULL ? help : "", false) == -1 ||
	    put_str(b, "\n# TYPE ") == -1 || put_str(b, name) == -1 || put(b, " ", 1) == -1 ||
	    put_str(b, type_names[type]) == -1 || put(b, "\n", 1) == -1)
		return -1;
	return 0;
}

/* name SUFFIX {labels[,le]} value\n */
static int
put_sample(struct metrics_buf *b, const char *name, const char *suffix,
    const struct metrics_label *labels, size_t n, const char *le, double value)
{
	char num[64];

	metrics_format_value(num, sizeof(num), value);
	if (put_str(b, name) == -1 || put_str(b, suffix) == -1 ||
	    put_labels(b, labels, n, le) == -1 || put(b, " ", 1) == -1 || put_str(b, num) == -1 ||
	    put(b, "\n", 1) == -1)
		return -1;
	return 0;
}

int
metrics_sample(struct metrics_buf *b, const char *name, const struct metrics_label *labels,
    size_t nlabels, double value)
{
	if (!metrics_name_ok(name))
		return bad(b, "metric name", name);
	return put_sample(b, name, "", labels, nlabels, NULL, value);
}

int
metrics_histogram_write(struct metrics_buf *b, const char *name, const struct metrics_label *labels,
    size_t nlabels, const struct metrics_histogram *h)
{
	char le[64];
	uint64_t cum = 0;

	if (!metrics_name_ok(name))
		return bad(b, "metric name", name);
	for (size_t i = 0; i <= h->nbounds; i++) {
		cum += h->counts[i];
		if (i < h->nbounds)
			metrics_format_value(le, sizeof(le), h->bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		if (put_sample(b, name, "_bucket", labels, nlabels, le, (double)cum) == -1)
			return -1;
	}
	if (put_sample(b, name, "_sum", labels, nlabels, NULL, h->sum) == -1 ||
	    put_sample(b, name, "_count", labels, nlabels, NULL, (double)h->count) == -1)
		return -1;
	return 0;
}

void
metrics_histogram_observe(struct metrics_histogram *h, double v)
{
	size_t i = 0;

	while (i < h->nbounds && v > h->bounds[i])
		i++;
	h->counts[i]++;
	h->sum += v;
	h->count++;
}

const double metrics_latency_bounds[METRICS_LATENCY_NBOUNDS] = { 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5, 5, 10 };

void
metrics_acc_observe(
    struct metrics_acc *a, const char *method, const char *route, int status, double seconds)
{
	struct metrics_req *q = NULL;
	uint64_t counts[METRICS_LATENCY_NBOUNDS + 1] = { 0 };
	struct metrics_histogram h = { metrics_latency_bounds, METRICS_LATENCY_NBOUNDS, counts, 0,
		0 };

	for (size_t i = 0; i < a->nreq && q == NULL; i++)
		if (a->req[i].status == status && strcmp(a->req[i].method, method) == 0 &&
		    strcmp(a->req[i].route, route) == 0)
			q = &a->req[i];
	if (q == NULL) {
		if (a->nreq == METRICS_ACC_MAX) {
			a->dropped++;
			return;
		}
		q = &a->req[a->nreq++];
		memset(q, 0, sizeof(*q));
		q->method = method;
		q->route = route;
		q->status = status;
	}
	if (!(seconds >= 0))
		seconds = 0;
	metrics_histogram_observe(&h, seconds);
	for (size_t i = 0; i <= METRICS_LATENCY_NBOUNDS; i++)
		q->buckets[i] += counts[i];
	q->count++;
	q->sum += seconds;
	a->pending++;
}

void
metrics_acc_reset(struct metrics_acc *a)
{
	a->nreq = 0;
	a->pending = 0;
}

int
metrics_array_literal(char *dst, size_t dstsz, const uint64_t *v, size_t n)
{
	size_t o = 0;
	int k;

	if (dstsz < 3)
		return -1;
	dst[o++] = '{';
	for (size_t i = 0; i < n; i++) {
		k = snprintf(
		    dst + o, dstsz - o, "%s%llu", i > 0 ? "," : "", (unsigned long long)v[i]);
		if (k < 0 || (size_t)k >= dstsz - o)
			return -1;
		o += (size_t)k;
	}
	if (o + 2 > dstsz)
		return -1;
	dst[o++] = '}';
	dst[o] = '\0';
	return 0;
}

int
metrics_array_add(uint64_t *v, size_t n, const char *text)
{
	uint64_t tmp[METRICS_LATENCY_NBOUNDS + 1];
	const char *p = text;
	size_t i;

	if (n > sizeof(tmp) / sizeof(tmp[0]))
		return -1;
	for (i = 0; i < n; i++) {
		char *end;
		unsigned long long x;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		x = strtoull(p, &end, 10);
		if (errno != 0)
			return -1;
		tmp[i] = (uint64_t)x;
		p = end;
		if (i + 1 < n) {
			if (*p != ',')
				return -1;
			p++;
		}
	}
	if (*p != '\0')
		return -1;
	for (i = 0; i < n; i++)
		v[i] += tmp[i];
	return 0;
}
