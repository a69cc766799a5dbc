-- Statements of cgi-bin/leads_retention.c: the retention whitelist (FR-39).

-- name: leads_retention_get
-- $1 lead
SELECT json_build_object('retentionExempt', "retentionExempt",
	'retentionNoticeAt', izzy_ts("retentionNoticeAt"))
FROM "Lead" WHERE id = $1

-- name: leads_retention_set
-- Under the row lock of lead_begin(); returns the old value and the new state.
--   $1 lead  $2 exempt ('true'/'false')
UPDATE "Lead" l SET "retentionExempt" = $2::boolean
FROM (SELECT id, "retentionExempt" AS old FROM "Lead" WHERE id = $1) o
WHERE l.id = o.id
RETURNING o.old, json_build_object('retentionExempt', l."retentionExempt",
	'retentionNoticeAt', izzy_ts(l."retentionNoticeAt"))
