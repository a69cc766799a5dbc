-- Statements of cgi-bin/users.c.  Parameters are text; casts are explicit.

-- name: users_list
-- GET /api/users: one page of user summaries and the page envelope (spec
-- §2.8, §4.3.1) in one statement.  $1 role, $2 status, $3 partnerId (NULL =
-- any), $4 search ('' = none; '%' and '_' in it match literally;
-- '#' escapes them because build-aux/sql2c.sh cannot carry a backslash), $5
-- perPage, $6 page.  Newest first; id breaks ties so pages never overlap.
WITH s AS (
	SELECT CASE WHEN $4 = '' THEN NULL
		ELSE '%' || replace(replace(replace($4, '#', '##'), '%', '#%'), '_', '#_') || '%' END AS pat
), m AS (
	SELECT u.id, u.email, u."fullName", u.phone, u.role, u.status, u."partnerId",
	       u."createdAt", u."updatedAt"
	FROM "User" u, s
	WHERE ($1::text IS NULL OR u.role = $1::"UserRole")
	  AND ($2::text IS NULL OR u.status = $2::"UserStatus")
	  AND ($3::text IS NULL OR u."partnerId" = $3)
	  AND (s.pat IS NULL OR u.email ILIKE s.pat ESCAPE '#' OR u."fullName" ILIKE s.pat ESCAPE '#'
	       OR u.phone ILIKE s.pat ESCAPE '#')
), pg AS (
	SELECT * FROM m ORDER BY "createdAt" DESC, id DESC
	LIMIT $5::int OFFSET ($6::bigint - 1) * $5::int
), total AS (
	SELECT count(*) AS n FROM m
)
SELECT json_build_object(
	'data', coalesce((
		SELECT json_agg(json_build_object(
			'id', pg.id, 'email', pg.email, 'fullName', pg."fullName", 'phone', pg.phone,
			'role', pg.role, 'status', pg.status,
			'partner', CASE WHEN p.id IS NULL THEN NULL
				ELSE json_build_object('id', p.id, 'name', p.name) END,
			'createdAt', izzy_ts(pg."createdAt"), 'updatedAt', izzy_ts(pg."updatedAt"))
			ORDER BY pg."createdAt" DESC, pg.id DESC)
		FROM pg LEFT JOIN "Partner" p ON p.id = pg."partnerId"), '[]'::json),
	'meta', json_build_object('page', $6::bigint, 'perPage', $5::int, 'total', total.n,
		'totalPages', greatest(1, ceil(total.n::numeric / $5::int))::bigint))::text
FROM total

-- name: users_get
-- The user summary of spec §4.3 (never the hash).
SELECT json_build_object(
	'id', u.id, 'email', u.email, 'fullName', u."fullName", 'phone', u.phone,
	'role', u.role, 'status', u.status,
	'partner', CASE WHEN p.id IS NULL THEN NULL
		ELSE json_build_object('id', p.id, 'name', p.name) END,
	'createdAt', izzy_ts(u."createdAt"), 'updatedAt', izzy_ts(u."updatedAt"))::text
FROM "User" u LEFT JOIN "Partner" p ON p.id = u."partnerId"
WHERE u.id = $1

-- name: users_create_check
-- POST /api/users preconditions: is the e-mail taken (compared lower-cased,
-- as the unique index "User_email_lower_key"), does the partner exist ($2
-- NULL = no partner).
SELECT EXISTS (SELECT 1 FROM "User" WHERE lower(email) = lower($1)),
       $2::text IS NULL OR EXISTS (SELECT 1 FROM "Partner" WHERE id = $2)

-- name: users_insert
INSERT INTO "User" (id, email, "hashedPassword", role, "fullName", phone, status, "partnerId")
VALUES ($1, lower($2), $3, $4::"UserRole", $5, $6, $7::"UserStatus", $8)

-- name: users_admin_lock
-- Serialises changes of role and status between concurrent requests, so two
-- admins demoting each other cannot both pass the "last active admin" check.
SELECT pg_advisory_xact_lock(hashtext('izzy.users.admin'))

-- name: users_target
-- The user an admin action is about, locked for the transaction, with what
-- the checks need: whether a usable password is set ('!...' = never set),
-- whether another ACTIVE ADMIN exists, whether partner $2 exists (NULL = none).
SELECT u.id, u.email, u."fullName", u.phone, u.role::text, u.status::text, u."partnerId",
       u."hashedPassword" NOT LIKE '!%',
       EXISTS (SELECT 1 FROM "User" a
               WHERE a.role = 'ADMIN' AND a.status = 'ACTIVE' AND a.id <> u.id),
       $2::text IS NULL OR EXISTS (SELECT 1 FROM "Partner" WHERE id = $2)
FROM "User" u
WHERE u.id = $1
FOR UPDATE OF u

-- name: users_update
-- PATCH /api/users/:id with the merged values; $7 NULL keeps the password.
UPDATE "User" SET "fullName" = $2, phone = $3, role = $4::"UserRole",
	status = $5::"UserStatus", "partnerId" = $6,
	"hashedPassword" = coalesce($7, "hashedPassword")
WHERE id = $1

-- name: users_set_password
UPDATE "User" SET "hashedPassword" = $2 WHERE id = $1

-- name: users_audit
-- One UserAuditLog row (FR-80): $5/$6 are JSON texts or NULL.
INSERT INTO "UserAuditLog" (id, "actorId", "targetUserId", action, "oldValue", "newValue")
VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)

-- name: users_absence
-- PUT /api/users/:id/absence (0028): $1 user, $2/$3 absentFrom/absentUntil
-- (YYYY-MM-DD or NULL), $4 audit row id, $5 actor.  The row is locked for the
-- old values of the audit entry; no row = 404.
WITH old AS (
	SELECT id, "absentFrom" AS f, "absentUntil" AS t FROM "User" WHERE id = $1 FOR NO KEY UPDATE
), up AS (
	UPDATE "User" u SET "absentFrom" = $2::date, "absentUntil" = $3::date
	  FROM old WHERE u.id = old.id
	RETURNING u.id, u."absentFrom", u."absentUntil"
), au AS (
	INSERT INTO "UserAuditLog" (id, "actorId", "targetUserId", action, "oldValue", "newValue")
	SELECT $4, $5, old.id, 'USER_ABSENCE_CHANGED',
	       jsonb_build_object('absentFrom', old.f, 'absentUntil', old.t),
	       jsonb_build_object('absentFrom', $2::date, 'absentUntil', $3::date)
	  FROM old
)
SELECT json_build_object('id', id, 'absentFrom', "absentFrom", 'absentUntil', "absentUntil")::text
FROM up

-- name: users_absence_get
-- GET /api/users/:id/absence (0028): the shape users_absence answers.
SELECT json_build_object('id', id, 'absentFrom', "absentFrom", 'absentUntil', "absentUntil")::text
FROM "User" WHERE id = $1
