-- Statements of cgi-bin/webhooks.c: POST /api/webhooks/email/incoming.

-- name: webhooks_nonce
-- A signature is accepted once: no row back = a replay.  Signatures older than
-- twice the accepted age ($2 seconds) are forgotten: their timestamps fail anyway.
WITH gone AS (
	DELETE FROM "InboundWebhookNonce"
	WHERE "receivedAt" < now() - make_interval(secs => 2 * $2::int)
)
INSERT INTO "InboundWebhookNonce" (signature) VALUES ($1)
ON CONFLICT (signature) DO NOTHING
RETURNING signature
