-- Statements of common/inbound.c: the inbound e-mail procedure (spec/api.md §5.3),
-- shared by the IMAP poller (bin/izzy-worker) and POST /api/webhooks/email/incoming.
-- Run inside one transaction per message.

-- name: inbound_claim
-- Records the message by its Message-ID; no row back = already taken (exactly once).
-- A concurrent taker of the same Message-ID waits here for this transaction.
-- $4 = the sender address: only its SHA-256 (lower-cased) is stored.
INSERT INTO "InboundMessage" (id, "messageId", source, outcome, "senderHash")
VALUES ($1, $2, $3, 'NOTE', encode(sha256(convert_to(lower($4), 'UTF8')), 'hex'))
ON CONFLICT ("messageId") DO NOTHING
RETURNING id

-- name: inbound_find_lead
-- The newest live lead whose customer has this address (e-mail or alternate
-- e-mail, any case), locked so that the note never races an anonymisation.
SELECT l.id
FROM "CustomerProfile" cp
JOIN "Lead" l ON l.id = cp."leadId"
WHERE (lower(cp.email) = lower($1)
       OR lower($1) = ANY (SELECT lower(a) FROM unnest(cp."alternateEmails") AS a))
  AND l."anonymizedAt" IS NULL AND l.status <> 'MERGED'
ORDER BY l."leadCreatedAt" DESC, l.id DESC
LIMIT 1
FOR UPDATE OF l

-- name: inbound_cap_lock
-- One cap check at a time (transaction-scoped advisory lock).
SELECT pg_advisory_xact_lock(hashtext('izzy-inbound-lead-cap'))

-- name: inbound_cap_count
-- Leads auto-created in the last hour: from this sender ($1 = address), and in all.
SELECT count(*) FILTER (WHERE "senderHash" = encode(sha256(convert_to(lower($1), 'UTF8')), 'hex')),
       count(*)
FROM "InboundMessage"
WHERE outcome = 'LEAD' AND "receivedAt" > now() - interval '1 hour'

-- name: inbound_outcome
-- $1 = InboundMessage id, $2 = outcome without a lead (NO_PARTNER, RATE_LIMITED).
UPDATE "InboundMessage" SET outcome = $2 WHERE id = $1

-- name: inbound_create_lead
-- The auto-created lead (status INBOUND, unassigned, no creator) and its customer.
-- $1 lead id, $2 partner id, $3 sourceMetadata (JSON), $4 notes, $5 profile id,
-- $6 first name, $7 last name, $8 e-mail, $9 phone or NULL.
WITH lead AS (
	INSERT INTO "Lead" (id, "partnerId", "assignedUserId", "createdByUserId", status,
		"sourceMetadata", notes)
	VALUES ($1, $2, NULL, NULL, 'INBOUND', $3::jsonb, $4)
	RETURNING id
)
INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", email, phone)
SELECT $5, lead.id, $6, $7, $8, $9 FROM lead

-- name: inbound_note
-- The EMAIL_RECEIVED note, the lead's communication log row and the outcome.
-- $1 note id, $2 lead id, $3 content, $4 metadata (JSON), $5 log id,
-- $6 InboundMessage id, $7 outcome (NOTE or LEAD), $8 Message-ID.
WITH note AS (
	INSERT INTO "LeadNote" (id, "leadId", "authorId", content, type, metadata)
	VALUES ($1, $2, NULL, $3, 'EMAIL_RECEIVED', $4::jsonb)
	RETURNING id
), clog AS (
	INSERT INTO "CommunicationLog" (id, "leadId", channel, "templateKey", status, direction,
		attempts, "providerMessageId", payload, "sentAt", "deliveredAt")
	SELECT $5, $2, 'EMAIL', 'inbound_email', 'DELIVERED', 'INBOUND', 1, $8,
		jsonb_build_object('noteId', note.id, 'messageId', $8::text,
			'source', (SELECT source FROM "InboundMessage" WHERE id = $6)),
		now(), now()
	FROM note
	RETURNING id
)
UPDATE "InboundMessage" SET outcome = $7, "leadId" = $2, "noteId" = (SELECT id FROM note)
WHERE id = $6 AND EXISTS (SELECT 1 FROM clog)

-- name: inbound_heartbeat
-- The IMAP poller is alive ("WorkerHeartbeat" row 'imap', read by /api/health/ready).
INSERT INTO "WorkerHeartbeat" (name, "beatAt", "pollSeconds") VALUES ('imap', now(), $1::int)
ON CONFLICT (name) DO UPDATE SET "beatAt" = now(), "pollSeconds" = EXCLUDED."pollSeconds"
