-- 0019_inbound_mail: the lead inbox (IMAP) and the signed inbound webhook
-- (issue 9, spec/api.md §5.2, §5.3, §4.14; FR-64, SR-2, SR-28).
--
-- "InboundMessage": one row per inbound e-mail taken, keyed by its
-- Message-ID (unique), so the same message from IMAP and from the webhook,
-- or fetched twice, makes one note or one lead.  The row is written in the
-- transaction that writes the note or the lead; IMAP marks the message
-- \Seen only after that commit.  "senderHash" (SHA-256 of the lower-cased
-- sender address, never the address) and "outcome" = LEAD feed the caps on
-- auto-created leads per sender and per hour.
--   outcome: NOTE (attached to an existing lead), LEAD (new lead),
--            NO_PARTNER (LEAD_INBOX_PARTNER_ID unset), RATE_LIMITED.
-- "InboundWebhookNonce": the signatures of accepted webhook calls of the
-- last minutes; a replayed signature is refused (401).

CREATE TABLE IF NOT EXISTS "InboundMessage" (
	"id"         text NOT NULL,
	"messageId"  text NOT NULL,
	"source"     text NOT NULL,
	"outcome"    text NOT NULL,
	"leadId"     text,
	"noteId"     text,
	"senderHash" text NOT NULL,
	"receivedAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "InboundMessage_messageId_key" UNIQUE ("messageId"),
	CONSTRAINT "InboundMessage_source_check" CHECK ("source" IN ('IMAP', 'WEBHOOK')),
	CONSTRAINT "InboundMessage_outcome_check"
		CHECK ("outcome" IN ('NOTE', 'LEAD', 'NO_PARTNER', 'RATE_LIMITED')),
	CONSTRAINT "InboundMessage_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "InboundMessage_receivedAt_idx" ON "InboundMessage" ("receivedAt");
CREATE INDEX IF NOT EXISTS "InboundMessage_senderHash_receivedAt_idx"
	ON "InboundMessage" ("senderHash", "receivedAt");
CREATE INDEX IF NOT EXISTS "InboundMessage_leadId_idx" ON "InboundMessage" ("leadId");

CREATE TABLE IF NOT EXISTS "InboundWebhookNonce" (
	"signature"  text NOT NULL,
	"receivedAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "InboundWebhookNonce_pkey" PRIMARY KEY ("signature")
);
CREATE INDEX IF NOT EXISTS "InboundWebhookNonce_receivedAt_idx"
	ON "InboundWebhookNonce" ("receivedAt");
