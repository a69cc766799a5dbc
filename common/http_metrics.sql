-- Statements of common/http.c's metrics flush (common/metrics.h): each
-- FastCGI worker adds the counts it gathered since its last flush.

-- name: metrics_add_request
-- $7: the latency buckets, non-cumulative, as a bigint[] literal; added element by element.
INSERT INTO "HttpMetric" (program, method, route, status, "count", "sumSeconds", buckets)
VALUES ($1, $2, $3, $4::int, $5::bigint, $6::float8, $7::bigint[])
ON CONFLICT (program, method, route, status) DO UPDATE SET
	"count" = "HttpMetric"."count" + EXCLUDED."count",
	"sumSeconds" = "HttpMetric"."sumSeconds" + EXCLUDED."sumSeconds",
	buckets = CASE WHEN cardinality("HttpMetric".buckets) = cardinality(EXCLUDED.buckets)
		THEN ARRAY(SELECT t.a + t.b
			FROM unnest("HttpMetric".buckets, EXCLUDED.buckets) WITH ORDINALITY AS t(a, b, i)
			ORDER BY t.i)
		ELSE EXCLUDED.buckets END

-- name: metrics_add_counter
INSERT INTO "ProgramMetric" (program, name, value) VALUES ($1, $2, $3::bigint)
ON CONFLICT (program, name) DO UPDATE SET value = "ProgramMetric".value + EXCLUDED.value
