-- Statements of cgi-bin/leads_status.c: status transitions and assignment.

-- name: leads_status_update
--   $3 'true': set "assignedUserId" to $4 (NULL unassigns)
--   $5 'now' | 'clear' | anything else keeps "claimedAt"
UPDATE "Lead"
SET status = $2::"LeadStatus",
    "assignedUserId" = CASE WHEN $3::boolean THEN $4::text ELSE "assignedUserId" END,
    "claimedAt" = CASE $5::text WHEN 'now' THEN now() WHEN 'clear' THEN NULL ELSE "claimedAt" END,
    "lastContactAt" = coalesce($6::timestamptz, "lastContactAt"),
    "nextActionAt" = coalesce($7::timestamptz, "nextActionAt")
WHERE id = $1

-- name: leads_status_assign
-- Sets the assignee; returns the previous one (claimedAt and status untouched).
WITH old AS (SELECT id, "assignedUserId" FROM "Lead" WHERE id = $1 FOR UPDATE)
UPDATE "Lead" l SET "assignedUserId" = $2
FROM old WHERE l.id = old.id
RETURNING old."assignedUserId"
