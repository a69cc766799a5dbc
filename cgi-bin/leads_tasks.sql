-- Statements of cgi-bin/leads_tasks.c: tasks and reminders on a lead (issue 13).
-- A task is a "Reminder" row; "Lead"."nextActionAt" follows the earliest open one.

-- name: leads_tasks_list
-- The lead's tasks: the open ones by due time first, then the closed ones, latest first.
SELECT coalesce(json_agg(json_build_object('id', t.id, 'leadId', t."leadId",
	'dueAt', izzy_ts(t."dueAt"), 'description', t.description, 'status', t.status,
	'assignedUserId', t."assignedUserId",
	'assignedUser', CASE WHEN u.id IS NULL THEN NULL
		ELSE json_build_object('id', u.id, 'fullName', u."fullName") END,
	'overdue', t.status = 'OPEN' AND t."dueAt" < now(),
	'createdAt', izzy_ts(t."createdAt"), 'updatedAt', izzy_ts(t."updatedAt"))
	ORDER BY t.status = 'OPEN' DESC,
		CASE WHEN t.status = 'OPEN' THEN t."dueAt" END, t."dueAt" DESC, t.id), '[]')::text
FROM "Reminder" t LEFT JOIN "User" u ON u.id = t."assignedUserId"
WHERE t."leadId" = $1

-- name: leads_tasks_assignee
-- An active staff user may hold a task.
SELECT 1 FROM "User" u
WHERE u.id = $1 AND u.status = 'ACTIVE' AND u.role IN ('OPERATOR', 'SUPERVISOR', 'ADMIN')

-- name: leads_tasks_insert
INSERT INTO "Reminder" (id, "leadId", "assignedUserId", "dueAt", description)
VALUES ($1, $2, $3, $4::timestamptz, $5)
RETURNING json_build_object('id', id, 'dueAt', izzy_ts("dueAt"), 'description', description,
	'assignedUserId', "assignedUserId", 'status', status)::text

-- name: leads_tasks_lead_of
SELECT "leadId" FROM "Reminder" WHERE id = $1

-- name: leads_tasks_lock
-- Under the lead's lock: the task, still on that lead, locked; its values before the change.
SELECT json_build_object('dueAt', izzy_ts("dueAt"), 'description', description,
	'assignedUserId', "assignedUserId", 'status', status)::text
FROM "Reminder" WHERE id = $1 AND "leadId" = $2 FOR UPDATE

-- name: leads_tasks_update
--   $2 status, $3 dueAt, $4 description: NULL keeps; $5 'true' sets "assignedUserId" to $6
UPDATE "Reminder" SET
	status = coalesce($2::"ReminderStatus", status),
	"dueAt" = coalesce($3::timestamptz, "dueAt"),
	description = coalesce($4, description),
	"assignedUserId" = CASE WHEN $5::boolean THEN $6::text ELSE "assignedUserId" END
WHERE id = $1
RETURNING json_build_object('dueAt', izzy_ts("dueAt"), 'description', description,
	'assignedUserId', "assignedUserId", 'status', status)::text

-- name: leads_tasks_get
SELECT json_build_object('id', t.id, 'leadId', t."leadId",
	'dueAt', izzy_ts(t."dueAt"), 'description', t.description, 'status', t.status,
	'assignedUserId', t."assignedUserId",
	'assignedUser', CASE WHEN u.id IS NULL THEN NULL
		ELSE json_build_object('id', u.id, 'fullName', u."fullName") END,
	'overdue', t.status = 'OPEN' AND t."dueAt" < now(),
	'createdAt', izzy_ts(t."createdAt"), 'updatedAt', izzy_ts(t."updatedAt"))::text
FROM "Reminder" t LEFT JOIN "User" u ON u.id = t."assignedUserId"
WHERE t.id = $1

-- name: leads_tasks_next_action
-- "nextActionAt" follows the earliest open task (NULL when none); the lead is locked by lead_begin.
UPDATE "Lead" SET "nextActionAt" =
	(SELECT min("dueAt") FROM "Reminder" WHERE "leadId" = $1 AND status = 'OPEN')
WHERE id = $1

-- name: leads_tasks_mine
-- The notification list: open tasks on leads the actor sees, due before the end of the
-- day in Europe/Warsaw ($5 'today'), already due ('overdue') or all ('all'); only the
-- actor's own ($4 'true') or everyone's.  $1-$4: actor id, role, partner id ('' none).
WITH t AS (
	SELECT t.*, u."fullName" AS assignee_name, l.status AS lead_status,
		nullif(trim(concat_ws(' ', cp."firstName", cp."lastName")), '') AS customer
	FROM "Reminder" t
	JOIN "Lead" l ON l.id = t."leadId"
	LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
	LEFT JOIN "User" u ON u.id = t."assignedUserId"
	WHERE t.status = 'OPEN'
	  AND izzy_lead_visible($2, $1, nullif($3, ''), l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND (NOT $4::boolean OR t."assignedUserId" = $1)
	  AND CASE $5::text
		WHEN 'overdue' THEN t."dueAt" < now()
		WHEN 'today' THEN t."dueAt" < (date_trunc('day', now() AT TIME ZONE 'Europe/Warsaw')
			+ interval '1 day') AT TIME ZONE 'Europe/Warsaw'
		ELSE true END
)
SELECT json_build_object(
	'data', coalesce((SELECT json_agg(json_build_object('id', t.id, 'leadId', t."leadId",
		'dueAt', izzy_ts(t."dueAt"), 'description', t.description, 'status', t.status,
		'assignedUserId', t."assignedUserId",
		'assignedUser', CASE WHEN t."assignedUserId" IS NULL THEN NULL
			ELSE json_build_object('id', t."assignedUserId", 'fullName', t.assignee_name) END,
		'overdue', t."dueAt" < now(),
		'lead', json_build_object('id', t."leadId", 'status', t.lead_status, 'customerName', t.customer))
		ORDER BY t."dueAt", t.id) FROM (SELECT * FROM t ORDER BY "dueAt", id LIMIT 100) t), '[]'),
	'count', (SELECT count(*) FROM t),
	'overdue', (SELECT count(*) FROM t WHERE t."dueAt" < now()))::text

-- name: leads_tasks_overdue_counts
-- Managers: open overdue tasks per assignee on leads the actor sees, most first.
SELECT coalesce(json_agg(json_build_object('userId', c.uid, 'fullName', c.name, 'overdue', c.n)
	ORDER BY c.n DESC, c.name), '[]')::text
FROM (SELECT t."assignedUserId" AS uid, u."fullName" AS name, count(*) AS n
	FROM "Reminder" t
	JOIN "Lead" l ON l.id = t."leadId"
	LEFT JOIN "User" u ON u.id = t."assignedUserId"
	WHERE t.status = 'OPEN' AND t."dueAt" < now()
	  AND izzy_lead_visible($2, $1, nullif($3, ''), l."partnerId", l."assignedUserId", l."createdByUserId")
	GROUP BY t."assignedUserId", u."fullName") c
