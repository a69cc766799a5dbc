-- Statements shared by the files of cgi-bin/leads (leads.c): users, the lead
-- summary, status history and manual notes.  Parameters are text with
-- explicit casts; responses are JSON built here (timestamps through izzy_ts).

-- name: leads_user
SELECT role::text, status::text FROM "User" WHERE id = $1

-- name: leads_summary
SELECT izzy_lead_summary($1, false)

-- name: leads_history_insert
INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "changedById", reason,
    "reasonCode", override)
VALUES ($1, $2, $3::"LeadStatus", $4::"LeadStatus", $5, $6, $7, $8::boolean)

-- name: leads_note_insert
-- The lead note of api.md section 4.5 (with author) and the note_added audit value.
WITH n AS (
	INSERT INTO "LeadNote" (id, "leadId", "authorId", content, link, type)
	VALUES ($1, $2, $3, $4, $5, 'MANUAL')
	RETURNING id, "leadId", "authorId", content, link, type, metadata, "createdAt"
)
SELECT json_build_object('id', n.id, 'leadId', n."leadId", 'authorId', n."authorId",
           'content', n.content, 'link', n.link, 'type', n.type, 'metadata', n.metadata,
           'createdAt', izzy_ts(n."createdAt"),
           'author', (SELECT json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email)
                        FROM "User" u WHERE u.id = n."authorId")),
       json_build_object('id', n.id, 'content', n.content, 'link', n.link)
FROM n
