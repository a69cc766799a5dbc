-- Statements of cgi-bin/partners.c.  Parameters are text; casts are explicit.
-- Every statement answers the partner shape of spec §4.4 as JSON text.

-- name: partners_get
SELECT json_build_object(
	'id', p.id, 'name', p.name, 'status', p.status, 'contact', p.contact,
	'slaRules', p."slaRules", 'notes', p.notes,
	'createdAt', izzy_ts(p."createdAt"), 'updatedAt', izzy_ts(p."updatedAt"))::text
FROM "Partner" p
WHERE p.id = $1

-- name: partners_lock
-- PATCH: the partner as GET shows it (for the echo rule), locked until commit.
SELECT json_build_object(
	'id', p.id, 'name', p.name, 'status', p.status, 'contact', p.contact,
	'slaRules', p."slaRules", 'notes', p.notes,
	'createdAt', izzy_ts(p."createdAt"), 'updatedAt', izzy_ts(p."updatedAt"))::text
FROM "Partner" p
WHERE p.id = $1
FOR UPDATE OF p

-- name: partners_list
-- GET /api/partners: one page and the envelope (spec §2.8, §4.4.2).
-- $1 status (NULL = any), $2 search ('' = none; LIKE wildcards in it match
-- literally), $3 perPage, $4 page.  Newest first; id breaks ties.
WITH s AS (
	SELECT CASE WHEN $2 = '' THEN NULL
		ELSE '%' || replace(replace(replace($2, '#', '##'), '%', '#%'), '_', '#_') || '%' END AS pat
), m AS (
	SELECT p.id, p.name, p.status, p.contact, p."slaRules", p.notes, p."createdAt", p."updatedAt"
	FROM "Partner" p, s
	WHERE ($1::text IS NULL OR p.status = $1::"PartnerStatus")
	  AND (s.pat IS NULL OR p.name ILIKE s.pat ESCAPE '#' OR p.notes ILIKE s.pat ESCAPE '#')
), pg AS (
	SELECT * FROM m ORDER BY "createdAt" DESC, id DESC
	LIMIT $3::int OFFSET ($4::bigint - 1) * $3::int
), total AS (
	SELECT count(*) AS n FROM m
)
SELECT json_build_object(
	'data', coalesce((
		SELECT json_agg(json_build_object(
			'id', pg.id, 'name', pg.name, 'status', pg.status, 'contact', pg.contact,
			'slaRules', pg."slaRules", 'notes', pg.notes,
			'createdAt', izzy_ts(pg."createdAt"), 'updatedAt', izzy_ts(pg."updatedAt"))
			ORDER BY pg."createdAt" DESC, pg.id DESC)
		FROM pg), '[]'::json),
	'meta', json_build_object('page', $4::bigint, 'perPage', $3::int, 'total', total.n,
		'totalPages', greatest(1, ceil(total.n::numeric / $3::int))::bigint))::text
FROM total

-- name: partners_insert
-- $3 status NULL = the column default (ACTIVE); $4/$5 JSON texts or NULL.
WITH p AS (
	INSERT INTO "Partner" (id, name, status, contact, "slaRules", notes)
	VALUES ($1, $2, coalesce($3::"PartnerStatus", 'ACTIVE'), $4::jsonb, $5::jsonb, $6)
	RETURNING id, name, status, contact, "slaRules", notes, "createdAt", "updatedAt"
)
SELECT json_build_object(
	'id', p.id, 'name', p.name, 'status', p.status, 'contact', p.contact,
	'slaRules', p."slaRules", 'notes', p.notes,
	'createdAt', izzy_ts(p."createdAt"), 'updatedAt', izzy_ts(p."updatedAt"))::text
FROM p

-- name: partners_update
-- PATCH: each field comes as a flag ('t' = given) and a value, so absent
-- fields keep their value and null clears (SQL NULL).  No row = not found.
WITH p AS (
	UPDATE "Partner" SET
		name = CASE WHEN $2::boolean THEN $3 ELSE name END,
		status = CASE WHEN $4::boolean THEN $5::"PartnerStatus" ELSE status END,
		contact = CASE WHEN $6::boolean THEN $7::jsonb ELSE contact END,
		"slaRules" = CASE WHEN $8::boolean THEN $9::jsonb ELSE "slaRules" END,
		notes = CASE WHEN $10::boolean THEN $11 ELSE notes END
	WHERE id = $1
	RETURNING id, name, status, contact, "slaRules", notes, "createdAt", "updatedAt"
)
SELECT json_build_object(
	'id', p.id, 'name', p.name, 'status', p.status, 'contact', p.contact,
	'slaRules', p."slaRules", 'notes', p.notes,
	'createdAt', izzy_ts(p."createdAt"), 'updatedAt', izzy_ts(p."updatedAt"))::text
FROM p
