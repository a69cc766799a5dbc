-- Statements of cgi-bin/health.c.

-- name: health_latest_migration
-- The newest applied migration; readiness compares it with the build's.
SELECT coalesce(max(name), '') FROM "_izzy_migrations" WHERE "rolledBackAt" IS NULL

-- name: health_operations
-- Report-only figures of readiness (docs/operations.md, Monitoring): the outbox backlog (PENDING
-- and SENDING) and the age of its oldest message, FAILED messages, the worker's heartbeat (stale
-- after 3 poll intervals, at least 60 s; no row: never beat) and IMAP polling (null when no
-- poller has ever reported, i.e. IMAP is not configured).
SELECT json_build_object(
	'outbox', json_build_object(
		'backlog', (SELECT count(*) FROM "Outbox" WHERE status IN ('PENDING', 'SENDING')),
		'oldestPendingSeconds', (SELECT floor(extract(epoch FROM now() - min("createdAt")))::bigint
			FROM "Outbox" WHERE status IN ('PENDING', 'SENDING')),
		'failed', (SELECT count(*) FROM "Outbox" WHERE status = 'FAILED')),
	'worker', json_build_object(
		'lastHeartbeatAt', izzy_ts(w."beatAt"),
		'heartbeatAgeSeconds', floor(extract(epoch FROM now() - w."beatAt"))::bigint,
		'stale', w."beatAt" IS NULL
			OR now() - w."beatAt" > greatest(3 * w."pollSeconds", 60) * interval '1 second'),
	'imap', CASE WHEN i.name IS NOT NULL THEN json_build_object(
		'lastPollAt', izzy_ts(i."beatAt"),
		'ageSeconds', floor(extract(epoch FROM now() - i."beatAt"))::bigint) END)::text
FROM (SELECT 1) AS one
LEFT JOIN "WorkerHeartbeat" w ON w.name = 'outbox'
LEFT JOIN "WorkerHeartbeat" i ON i.name = 'imap'
