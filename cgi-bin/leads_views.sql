-- Statements of cgi-bin/leads_views.c: saved views of the lead list (issue 13,
-- table "SavedView" of 0025).  $1 is always the actor.

-- name: leads_views_list
-- The actor's own views and the views others share, by name.
SELECT coalesce(json_agg(json_build_object(
	'id', v.id, 'name', v.name, 'state', v.state, 'shared', v.shared,
	'mine', v."userId" = $1,
	'owner', json_build_object('id', u.id, 'fullName', u."fullName"),
	'createdAt', izzy_ts(v."createdAt"), 'updatedAt', izzy_ts(v."updatedAt"))
	ORDER BY v."userId" <> $1, lower(v.name), v.id), '[]')::text
FROM "SavedView" v
JOIN "User" u ON u.id = v."userId"
WHERE v."userId" = $1 OR v.shared

-- name: leads_views_insert
-- $2 id, $3 name, $4 state (JSON object), $5 shared.  No row: the name is taken.
WITH v AS (
	INSERT INTO "SavedView" (id, "userId", name, state, shared)
	VALUES ($2, $1, $3, $4::jsonb, $5::boolean)
	ON CONFLICT ("userId", name) DO NOTHING
	RETURNING id, "userId", name, state, shared, "createdAt", "updatedAt"
)
SELECT json_build_object('id', v.id, 'name', v.name, 'state', v.state, 'shared', v.shared,
	'mine', true, 'owner', json_build_object('id', u.id, 'fullName', u."fullName"),
	'createdAt', izzy_ts(v."createdAt"), 'updatedAt', izzy_ts(v."updatedAt"))::text
FROM v JOIN "User" u ON u.id = v."userId"

-- name: leads_views_lock
-- The view $2 if the actor may see it (own or shared), locked; whether it is the actor's.
SELECT v."userId" = $1 FROM "SavedView" v
WHERE v.id = $2 AND (v."userId" = $1 OR v.shared)
FOR UPDATE

-- name: leads_views_name_taken
SELECT 1 FROM "SavedView" WHERE "userId" = $1 AND name = $3 AND id <> $2

-- name: leads_views_update
-- $3 name, $4 state, $5 shared: NULL keeps the stored value.
WITH v AS (
	UPDATE "SavedView"
	SET name = coalesce($3, name), state = coalesce($4::jsonb, state),
	    shared = coalesce($5::boolean, shared)
	WHERE id = $2 AND "userId" = $1
	RETURNING id, "userId", name, state, shared, "createdAt", "updatedAt"
)
SELECT json_build_object('id', v.id, 'name', v.name, 'state', v.state, 'shared', v.shared,
	'mine', true, 'owner', json_build_object('id', u.id, 'fullName', u."fullName"),
	'createdAt', izzy_ts(v."createdAt"), 'updatedAt', izzy_ts(v."updatedAt"))::text
FROM v JOIN "User" u ON u.id = v."userId"

-- name: leads_views_delete
DELETE FROM "SavedView" WHERE id = $2 AND "userId" = $1
