-- Statements of cgi-bin/leads_notes.c: e-mail drafts (notes are in leads.sql).

-- name: leads_notes_draft_upsert
-- One draft per (lead, user); $6 is a JSON array of the links.
INSERT INTO "MessageDraft" AS d (id, "leadId", "userId", subject, body, links)
VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT jsonb_array_elements_text($6::jsonb)))
ON CONFLICT ("leadId", "userId") DO UPDATE SET
	subject = EXCLUDED.subject, body = EXCLUDED.body, links = EXCLUDED.links
RETURNING json_build_object('id', d.id, 'leadId', d."leadId", 'userId', d."userId",
	'subject', d.subject, 'body', d.body, 'links', to_json(d.links),
	'createdAt', izzy_ts(d."createdAt"), 'updatedAt', izzy_ts(d."updatedAt"))

-- name: leads_notes_draft_get
SELECT json_build_object('id', d.id, 'leadId', d."leadId", 'userId', d."userId",
	'subject', d.subject, 'body', d.body, 'links', to_json(d.links),
	'createdAt', izzy_ts(d."createdAt"), 'updatedAt', izzy_ts(d."updatedAt"))
FROM "MessageDraft" d WHERE d."leadId" = $1 AND d."userId" = $2
