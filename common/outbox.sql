-- Statements of common/outbox.c.

-- name: outbox_insert_email
INSERT INTO "Outbox" (id, channel, recipient, subject, "bodyText", "bodyHtml", template, "leadId", "dedupeKey")
VALUES ($1, 'EMAIL', $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT ("dedupeKey") DO NOTHING

-- name: outbox_insert_sms
INSERT INTO "Outbox" (id, channel, recipient, "bodyText", template, "leadId")
VALUES ($1, 'SMS', $2, $3, $4, $5)

-- name: outbox_insert_webhook
-- recipient and template = the event name; bodyText = the exact JSON sent,
-- payload = the same as jsonb (refuses what is not JSON); dedupeKey = the
-- Idempotency-Key: the same event queued twice is one row.
INSERT INTO "Outbox" (id, channel, recipient, "bodyText", payload, template, "leadId", "dedupeKey")
VALUES ($1, 'WEBHOOK', $2, $3::text, $3::text::jsonb, $2, $4, $5)
ON CONFLICT ("dedupeKey") DO NOTHING
RETURNING id

-- name: outbox_log_queued
-- The lead's communication log: the message is queued ($4 = SMS, WEBHOOK, EMAIL).
INSERT INTO "CommunicationLog" (id, "leadId", "outboxId", channel, "templateKey", status, "sentTo",
	direction, attempts)
VALUES ($1, $2, $3, $4::text::"CommChannel", $5, 'PENDING', $6, 'OUTBOUND', 0)
