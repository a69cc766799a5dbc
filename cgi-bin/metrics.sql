-- Statements of cgi-bin/metrics.c: the numbers of GET /metrics.

-- name: metrics_page_requests
-- Ordered so that the rows of one (program, method, route) are adjacent: their buckets are summed
-- into one histogram over all statuses.
SELECT program, method, route, status, "count", "sumSeconds", array_to_string(buckets, ',')
FROM "HttpMetric" ORDER BY program, method, route, status

-- name: metrics_page_counters
SELECT program, name, value FROM "ProgramMetric" ORDER BY name, program

-- name: metrics_page_outbox
-- Messages not delivered (yet): the backlog and the failures, by channel.  SENT rows are left out
-- (they are most of the table and say nothing about health).
SELECT channel, status, count(*),
	coalesce(extract(epoch FROM now() - min("createdAt") FILTER (WHERE status IN ('PENDING', 'SENDING'))), 0)
FROM "Outbox" WHERE status IN ('PENDING', 'SENDING', 'FAILED')
GROUP BY channel, status ORDER BY channel, status

-- name: metrics_page_heartbeats
SELECT name, extract(epoch FROM now() - "beatAt") FROM "WorkerHeartbeat" ORDER BY name
