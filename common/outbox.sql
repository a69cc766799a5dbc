-- Statements of common/outbox.c.

-- name: outbox_insert_email
INSERT INTO "Outbox" (id, channel, recipient, subject, "bodyText", "bodyHtml", template, "leadId", "dedupeKey")
VALUES ($1, 'EMAIL', $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT ("dedupeKey") DO NOTHING
