-- Statements of common/tasks.c: the daily digest of tasks (issue 13).

-- name: tasks_digest_day
-- The digest's day: $1 (YYYY-MM-DD) or today in Europe/Warsaw.
SELECT to_char(coalesce($1::date, (now() AT TIME ZONE 'Europe/Warsaw')::date), 'YYYY-MM-DD')

-- name: tasks_digest_due
-- Open tasks due before the end of day $1 (Europe/Warsaw; earlier days = overdue) of
-- active staff users who still see the lead, per user by due time; users whose
-- digest for the day is already queued ($2 || userId || ':' || $1 as the dedupe key) are left out.
SELECT u.id, u.email, u."fullName",
	to_char(t."dueAt" AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'),
	t.description, t."leadId",
	coalesce(nullif(trim(concat_ws(' ', cp."firstName", cp."lastName")), ''), '-'),
	CASE WHEN t."dueAt" < now() THEN 't' ELSE 'f' END
FROM "Reminder" t
JOIN "User" u ON u.id = t."assignedUserId"
JOIN "Lead" l ON l.id = t."leadId"
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
WHERE t.status = 'OPEN' AND u.status = 'ACTIVE'
  AND u.role IN ('OPERATOR', 'SUPERVISOR', 'ADMIN')
  AND t."dueAt" < ($1::date + 1)::timestamp AT TIME ZONE 'Europe/Warsaw'
  AND izzy_lead_visible(u.role::text, u.id, u."partnerId", l."partnerId", l."assignedUserId",
	l."createdByUserId")
  AND NOT EXISTS (SELECT 1 FROM "Outbox" o WHERE o."dedupeKey" = $2 || u.id || ':' || $1)
ORDER BY u.id, t."dueAt", t.id
