-- Statements of cgi-bin/leads_email.c: e-mail to the customer.

-- name: leads_email_recipient
-- The customer's address; no row or NULL when there is none (api.md section 4.6.12).
SELECT nullif(btrim(c.email), '') FROM "CustomerProfile" c WHERE c."leadId" = $1

-- name: leads_email_reply_note
-- The note replied to, only if it belongs to the lead (SR-16).
SELECT id FROM "LeadNote" WHERE id = $1 AND "leadId" = $2

-- name: leads_email_note_insert
-- The EMAIL_SENT note of a mail queued in the same transaction (Outbox id
-- $12); "delivery" is the state the worker updates.  Returns the lead note of
-- api.md section 4.5 (with author) and the email_sent audit value (ids only,
-- no addresses).
--   $1 note id  $2 lead  $3 author  $4 message  $5 from  $6 to  $7 subject
--   $8 tracked links (JSON array)  $9 HTML body  $10 replyToNoteId
--   $11 quotedHtml (kept here only, never in the HTML body: SR-22)  $12 Outbox id
WITH n AS (
	INSERT INTO "LeadNote" (id, "leadId", "authorId", content, type, metadata)
	VALUES ($1, $2, $3, $4, 'EMAIL_SENT', jsonb_build_object(
	           'from', $5::text, 'to', $6::text, 'subject', $7::text, 'links', $8::jsonb,
	           'direction', 'OUTGOING', 'html', $9::text, 'messageId', gen_random_uuid()::text,
	           'replyToNoteId', $10::text, 'quotedHtml', $11::text, 'outboxId', $12::text,
	           'delivery', 'QUEUED'))
	RETURNING id, "leadId", "authorId", content, link, type, metadata, "createdAt"
)
SELECT json_build_object('id', n.id, 'leadId', n."leadId", 'authorId', n."authorId",
           'content', n.content, 'link', n.link, 'type', n.type, 'metadata', n.metadata,
           'createdAt', izzy_ts(n."createdAt"),
           'author', (SELECT json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email)
                        FROM "User" u WHERE u.id = n."authorId")),
       json_build_object('noteId', n.id, 'outboxId', $12::text)
FROM n
