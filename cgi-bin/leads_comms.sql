-- Statements of cgi-bin/leads_comms.c: the lead's communication log
-- (issue 9, FR-67) and the dead-letter re-queue.

-- name: leads_comms_list
-- Every message of the lead, newest first, one entry per row of:
--   "CommunicationLog" (source "log": queued, each attempt outcome, inbound),
--   "Outbox" rows with no log row yet (source "outbox": e-mail queued by
--       outbox_mail() and not attempted yet is "queued"),
--   "EmailLog" (source "emailLog": the reference's form-mail log).
-- $1 lead id  $2 'true': addresses in full, else masked (j***@d***.pl, ***789)
-- $3 'true': the actor may re-queue dead letters (canRetry on the newest row
--    of a message whose Outbox row is FAILED = the dead letter).
-- Status: queued, sent, failed (will be retried), dead.
WITH c AS (
	SELECT cl.id, 'log' AS source, cl."outboxId", cl.channel::text AS channel, cl.direction,
		cl."templateKey" AS template,
		CASE cl.status::text WHEN 'PENDING' THEN 'queued' WHEN 'SENT' THEN 'sent'
			WHEN 'DELIVERED' THEN 'sent' WHEN 'FAILED' THEN 'failed' ELSE 'dead' END AS status,
		cl.attempts, cl."errorMessage" AS last_error, cl."sentTo" AS addr,
		cl."createdAt", cl."sentAt"
	FROM "CommunicationLog" cl WHERE cl."leadId" = $1
	UNION ALL
	SELECT o.id, 'outbox', o.id, o.channel, 'OUTBOUND', o.template,
		CASE o.status WHEN 'SENT' THEN 'sent' WHEN 'FAILED' THEN 'dead' ELSE 'queued' END,
		o.attempts, o."lastError", CASE WHEN o.channel <> 'WEBHOOK' THEN o.recipient END,
		o."createdAt", o."sentAt"
	FROM "Outbox" o
	WHERE o."leadId" = $1
	  AND NOT EXISTS (SELECT 1 FROM "CommunicationLog" x WHERE x."outboxId" = o.id)
	UNION ALL
	SELECT e.id, 'emailLog', NULL, 'EMAIL', 'OUTBOUND', e.type::text,
		CASE e.status::text WHEN 'FAILED' THEN 'failed' ELSE 'sent' END,
		1, NULL, e."sentTo", e."createdAt", e."sentAt"
	FROM "EmailLog" e WHERE e."leadId" = $1
), r AS (
	SELECT c.*, row_number() OVER (PARTITION BY c."outboxId"
		ORDER BY c."createdAt" DESC, c.attempts DESC, c.status = 'queued', c.id DESC) AS newest
	FROM c
)
SELECT json_build_object('data', coalesce(json_agg(json_build_object(
	'id', r.id, 'source', r.source, 'outboxId', r."outboxId", 'channel', r.channel,
	'direction', r.direction, 'template', r.template, 'status', r.status,
	'attempts', r.attempts, 'lastError', r.last_error,
	'to', CASE WHEN r.addr IS NULL OR $2::boolean THEN r.addr
		WHEN position('@' IN r.addr) > 0 THEN
			left(r.addr, 1) || '***@' || left(split_part(r.addr, '@', 2), 1) || '***'
			|| coalesce(substring(split_part(r.addr, '@', 2) FROM '\.[^.]*$'), '')
		ELSE '***' || right(regexp_replace(r.addr, '\D', '', 'g'), 3) END,
	'subject', o.subject,
	'messageStatus', CASE o.status WHEN 'SENT' THEN 'sent' WHEN 'FAILED' THEN 'dead'
		WHEN 'PENDING' THEN CASE WHEN o.attempts > 0 THEN 'failed' ELSE 'queued' END
		WHEN 'SENDING' THEN 'queued' END,
	'canRetry', $3::boolean AND o.status = 'FAILED' AND r."outboxId" IS NOT NULL AND r.newest = 1,
	'createdAt', izzy_ts(r."createdAt"), 'sentAt', izzy_ts(r."sentAt"))
	ORDER BY r."createdAt" DESC, r.attempts DESC, r.id DESC), '[]'::json))::text
FROM r LEFT JOIN "Outbox" o ON o.id = r."outboxId"

-- name: leads_comms_lock
-- The message under the lead, locked for the re-queue: its status, channel,
-- template, address (not for webhooks), the audit's old value and metadata
-- (no address) and the answer.
SELECT status, channel, coalesce(template, 'unknown'),
	CASE WHEN channel <> 'WEBHOOK' THEN recipient END,
	json_build_object('status', 'dead', 'attempts', attempts)::text,
	json_build_object('outboxId', id, 'channel', channel, 'template', template)::text,
	json_build_object('id', id, 'status', 'queued')::text
FROM "Outbox" WHERE id = $1 AND "leadId" = $2
FOR UPDATE

-- name: leads_comms_requeue
-- The dead letter is due again with a fresh set of attempts (the old
-- attempts and errors stay in the communication log).
UPDATE "Outbox" SET status = 'PENDING', attempts = 0, "nextAttemptAt" = now(), "lastError" = NULL
WHERE id = $1 AND status = 'FAILED'

-- name: leads_comms_log_requeued
-- $1 id  $2 lead  $3 Outbox id  $4 channel  $5 template  $6 address
INSERT INTO "CommunicationLog" (id, "leadId", "outboxId", channel, "templateKey", status, "sentTo",
	direction, attempts)
VALUES ($1, $2, $3, $4::text::"CommChannel", $5, 'PENDING', $6, 'OUTBOUND', 0)
