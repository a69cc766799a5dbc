-- Statements of bin/izzy-worker.c (ARCHITECTURE.md §5).  A claimed row is
-- leased: "nextAttemptAt" is pushed 10 minutes ahead while it is SENDING, so
-- that a row left SENDING by a crashed worker is due again after 10 minutes.

-- name: worker_requeue_stuck
UPDATE "Outbox" SET status = 'PENDING'
WHERE status = 'SENDING' AND "nextAttemptAt" <= now()

-- name: worker_claim
-- $1 = the configured channels, e.g. {EMAIL,SMS}; the others wait.  A
-- partner's webhook delivery ("webhookId" set, issue 14) needs no
-- configuration and is always claimed; it brings the subscription's URL and
-- signing secret (columns 9 to 11).
UPDATE "Outbox" SET status = 'SENDING', attempts = attempts + 1,
	"nextAttemptAt" = now() + interval '10 minutes'
WHERE id IN (SELECT id FROM "Outbox"
	WHERE (channel = ANY ($1::text[]) OR "webhookId" IS NOT NULL)
		AND status = 'PENDING' AND "nextAttemptAt" <= now()
	ORDER BY "nextAttemptAt" LIMIT 20 FOR UPDATE SKIP LOCKED)
RETURNING id, recipient, coalesce(subject, ''), "bodyText", "bodyHtml", coalesce(template, 'unknown'),
	attempts, channel, coalesce("dedupeKey", id), "webhookId",
	(SELECT w.url FROM "PartnerWebhook" w WHERE w.id = "Outbox"."webhookId"),
	(SELECT w.secret FROM "PartnerWebhook" w WHERE w.id = "Outbox"."webhookId")

-- name: worker_sent
-- The row SENT and its SENT row in the lead's communication log, in one
-- statement: a worker killed at any point leaves both or neither.
-- $2 = the log row's id, $3 = the provider's message id or NULL.
WITH s AS (
	UPDATE "Outbox" SET status = 'SENT', "sentAt" = now(), "lastError" = NULL
	WHERE id = $1 AND status = 'SENDING'
	RETURNING id, "leadId", channel, template, recipient, attempts
)
INSERT INTO "CommunicationLog" (id, "leadId", "outboxId", channel, "templateKey", status, "sentTo",
	direction, attempts, retries, "providerMessageId", "sentAt")
SELECT $2, s."leadId", s.id, s.channel::"CommChannel", s.template, 'SENT',
	CASE WHEN s.channel <> 'WEBHOOK' THEN s.recipient END, 'OUTBOUND', s.attempts,
	greatest(s.attempts - 1, 0), $3, now()
FROM s

-- name: worker_hold
-- Renews the lease of a delivered row whose SENT update failed, so that
-- worker_requeue_stuck never hands it out again while the update is retried.
UPDATE "Outbox" SET "nextAttemptAt" = now() + interval '10 minutes'
WHERE id = $1 AND status = 'SENDING'

-- name: worker_retry
-- $2 = error text, $3 = maximum attempts; back-off 30 s x 2^(attempts-1), at most 1 h.
-- Returns the new status: FAILED = the dead letter.
UPDATE "Outbox" SET
	status = CASE WHEN attempts >= $3::int THEN 'FAILED' ELSE 'PENDING' END,
	"lastError" = $2,
	"nextAttemptAt" = now() + least(interval '30 seconds' * power(2, greatest(attempts - 1, 0)),
		interval '1 hour')
WHERE id = $1 AND status = 'SENDING'
RETURNING status

-- name: worker_refused
UPDATE "Outbox" SET status = 'FAILED', "lastError" = $2
WHERE id = $1 AND status = 'SENDING'

-- name: worker_release
-- A claimed row not tried because the worker is stopping: as if never claimed.
UPDATE "Outbox" SET status = 'PENDING', attempts = greatest(attempts - 1, 0), "nextAttemptAt" = now()
WHERE id = $1 AND status = 'SENDING'

-- name: worker_heartbeat
-- $1 = the loop ('outbox'), $2 = its poll interval in seconds; read by /api/health/ready and
-- /metrics (schema/migrations/0016_observability.sql).
INSERT INTO "WorkerHeartbeat" (name, "beatAt", "pollSeconds") VALUES ($1, now(), $2::int)
ON CONFLICT (name) DO UPDATE SET "beatAt" = now(), "pollSeconds" = EXCLUDED."pollSeconds"

-- name: worker_log_attempt
-- One row of the lead's communication log per attempt outcome: $3 = SENT,
-- FAILED (to be retried) or DEAD; $4 = error text, $5 = provider message id.
-- sentTo: the address or number (shown masked by the API), never the webhook URL.
INSERT INTO "CommunicationLog" (id, "leadId", "outboxId", channel, "templateKey", status, "sentTo",
	direction, attempts, retries, "errorMessage", "providerMessageId", "sentAt")
SELECT $1, o."leadId", o.id, o.channel::"CommChannel", o.template, $3::text::"CommStatus",
	CASE WHEN o.channel <> 'WEBHOOK' THEN o.recipient END, 'OUTBOUND', o.attempts,
	greatest(o.attempts - 1, 0), $4, $5, CASE WHEN $3 = 'SENT' THEN now() END
FROM "Outbox" o WHERE o.id = $2

-- name: worker_http_status
-- The HTTP status of a partner webhook's last attempt (NULL = no answer), for
-- its delivery log (GET /api/partners/:id/webhooks/:hookId/deliveries).
UPDATE "Outbox" SET "lastHttpStatus" = $2::int WHERE id = $1
