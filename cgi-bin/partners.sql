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

-- name: partners_rr_get
-- GET /api/partners/:id/round-robin (0028): the toggle and the team (the
-- partner's OPERATOR users), "available" = would get the next leads today.
SELECT json_build_object(
	'partnerId', p.id, 'enabled', p."roundRobinEnabled", 'lastUserId', s."lastUserId",
	'team', coalesce((
		SELECT json_agg(json_build_object(
			'userId', u.id, 'fullName', u."fullName", 'status', u.status,
			'weight', u."roundRobinWeight", 'absentFrom', u."absentFrom",
			'absentUntil', u."absentUntil",
			'available', u.status = 'ACTIVE' AND u."roundRobinWeight" > 0 AND NOT izzy_user_absent(
				u."absentFrom", u."absentUntil", (now() AT TIME ZONE 'Europe/Warsaw')::date))
			ORDER BY u."fullName", u.id)
		FROM "User" u WHERE u."partnerId" = p.id AND u.role = 'OPERATOR'), '[]'::json))::text
FROM "Partner" p
LEFT JOIN "RoundRobinState" s ON s."partnerId" = p.id
WHERE p.id = $1

-- name: partners_rr_check
-- PUT round-robin: is every listed member an OPERATOR of partner $1, each
-- listed once?  $2 the team array (JSON) or NULL.
SELECT coalesce(bool_and(u.id IS NOT NULL), true)
       AND count(*) = count(DISTINCT t.e->>'userId')
FROM jsonb_array_elements(coalesce($2::jsonb, '[]'::jsonb)) AS t(e)
LEFT JOIN "User" u ON u.id = t.e->>'userId' AND u."partnerId" = $1 AND u.role = 'OPERATOR'

-- name: partners_rr_update
-- PUT round-robin: the toggle $2 and the weights of $3 (JSON array or NULL),
-- each change audited in "RoundRobinAuditLog" by actor $4.
WITH t AS (
	SELECT e->>'userId' AS uid, (e->>'weight')::int AS w
	FROM jsonb_array_elements(coalesce($3::jsonb, '[]'::jsonb)) AS e
), ow AS (
	SELECT u.id, u."roundRobinWeight" AS old, t.w
	FROM t JOIN "User" u ON u.id = t.uid
	WHERE u."roundRobinWeight" <> t.w
	FOR NO KEY UPDATE OF u
), upw AS (
	UPDATE "User" u SET "roundRobinWeight" = ow.w FROM ow WHERE u.id = ow.id
	RETURNING u.id
), op AS (
	SELECT "roundRobinEnabled" AS old FROM "Partner" WHERE id = $1 AND "roundRobinEnabled" <> $2::boolean
), upp AS (
	UPDATE "Partner" SET "roundRobinEnabled" = $2::boolean WHERE id = $1 AND EXISTS (SELECT 1 FROM op)
	RETURNING id
), aw AS (
	INSERT INTO "RoundRobinAuditLog" (id, "actorId", "partnerId", action, "oldValue", "newValue")
	SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), $4, $1, 'ROUND_ROBIN_WEIGHT_CHANGED',
	       jsonb_build_object('userId', ow.id, 'weight', ow.old),
	       jsonb_build_object('userId', ow.id, 'weight', ow.w)
	FROM ow
)
INSERT INTO "RoundRobinAuditLog" (id, "actorId", "partnerId", action, "oldValue", "newValue")
SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), $4, $1,
       CASE WHEN $2::boolean THEN 'ROUND_ROBIN_ENABLED' ELSE 'ROUND_ROBIN_DISABLED' END,
       to_jsonb(op.old), to_jsonb($2::boolean)
FROM op

-- The shape of one API key in GET/POST /api/partners/:id/api-keys (issue 14):
-- never the key nor its hash.
-- name: partners_keys_list
-- $1 partner.  One row: whether the partner exists, and its keys newest first.
SELECT EXISTS (SELECT 1 FROM "Partner" WHERE id = $1),
	coalesce(json_agg(json_build_object(
		'id', k.id, 'name', k.name, 'prefix', k.prefix, 'scopes', to_json(k.scopes),
		'rateLimitPerMinute', k."rateLimitPerMinute", 'expiresAt', izzy_ts(k."expiresAt"),
		'revokedAt', izzy_ts(k."revokedAt"), 'lastUsedAt', izzy_ts(k."lastUsedAt"),
		'useCount', k."useCount", 'createdByUserId', k."createdByUserId",
		'createdAt', izzy_ts(k."createdAt"))
		ORDER BY k."createdAt" DESC, k.id) FILTER (WHERE k.id IS NOT NULL), '[]')::text
FROM "PartnerApiKey" k
WHERE k."partnerId" = $1

-- name: partners_keys_insert
-- $1 key id, $2 partner, $3 name, $4 prefix, $5 SHA-256 of the key, $6 scopes
-- (a text[] literal of known scope names), $7 rateLimitPerMinute (NULL =
-- default), $8 expiresAt (NULL = never), $9 actor, $10 event id.  No row when
-- the partner does not exist.  The creation is one "PartnerApiKeyEvent".
WITH p AS (
	SELECT id FROM "Partner" WHERE id = $2
), k AS (
	INSERT INTO "PartnerApiKey" ("id", "partnerId", "name", "prefix", "keyHash", "scopes",
		"rateLimitPerMinute", "expiresAt", "createdByUserId")
	SELECT $1, p.id, $3, $4, $5, ARRAY(SELECT DISTINCT s FROM unnest($6::text[]) s ORDER BY s),
		coalesce($7::int, 60), $8::timestamptz, $9
	FROM p
	RETURNING *
), e AS (
	INSERT INTO "PartnerApiKeyEvent" ("id", "keyId", "actorId", "action")
	SELECT $10, k.id, $9, 'API_KEY_CREATED' FROM k
)
SELECT json_build_object(
	'id', k.id, 'name', k.name, 'prefix', k.prefix, 'scopes', to_json(k.scopes),
	'rateLimitPerMinute', k."rateLimitPerMinute", 'expiresAt', izzy_ts(k."expiresAt"),
	'revokedAt', NULL, 'lastUsedAt', NULL, 'useCount', 0,
	'createdByUserId', k."createdByUserId", 'createdAt', izzy_ts(k."createdAt"))::text
FROM k

-- name: partners_keys_revoke
-- $1 partner, $2 key, $3 actor, $4 event id.  One row when the key of the
-- partner exists: "revoked" true when this call revoked it (and wrote the
-- "PartnerApiKeyEvent"), false when it was revoked already.
WITH k AS (
	UPDATE "PartnerApiKey" SET "revokedAt" = now()
	WHERE id = $2 AND "partnerId" = $1 AND "revokedAt" IS NULL
	RETURNING id
), e AS (
	INSERT INTO "PartnerApiKeyEvent" ("id", "keyId", "actorId", "action")
	SELECT $4, k.id, $3, 'API_KEY_REVOKED' FROM k
)
SELECT EXISTS (SELECT 1 FROM k)
FROM "PartnerApiKey" x
WHERE x.id = $2 AND x."partnerId" = $1

-- The shape of one webhook subscription in /api/partners/:id/webhooks (issue
-- 14): never the secret, only its first 12 characters ("secretPrefix").
-- name: partners_hooks_list
-- $1 partner.  One row: whether the partner exists, and its subscriptions
-- newest first.
SELECT EXISTS (SELECT 1 FROM "Partner" WHERE id = $1),
	coalesce(json_agg(json_build_object(
		'id', w.id, 'url', w.url, 'events', to_json(w.events), 'active', w.active,
		'secretPrefix', left(w.secret, 12), 'createdByUserId', w."createdByUserId",
		'createdAt', izzy_ts(w."createdAt"), 'updatedAt', izzy_ts(w."updatedAt"))
		ORDER BY w."createdAt" DESC, w.id) FILTER (WHERE w.id IS NOT NULL), '[]')::text
FROM (SELECT 1) one
LEFT JOIN "PartnerWebhook" w ON w."partnerId" = $1

-- name: partners_hooks_insert
-- $1 id, $2 partner, $3 url, $4 events (a text[] literal of known event
-- names), $5 active (NULL = true), $6 secret, $7 actor.  No row when the
-- partner does not exist.
INSERT INTO "PartnerWebhook" (id, "partnerId", url, events, secret, active, "createdByUserId")
SELECT $1, p.id, $3, ARRAY(SELECT DISTINCT e FROM unnest($4::text[]) e ORDER BY e), $6,
	coalesce($5::boolean, true), $7
FROM "Partner" p WHERE p.id = $2
RETURNING json_build_object(
	'id', id, 'url', url, 'events', to_json(events), 'active', active,
	'secretPrefix', left(secret, 12), 'createdByUserId', "createdByUserId",
	'createdAt', izzy_ts("createdAt"), 'updatedAt', izzy_ts("updatedAt"))::text

-- name: partners_hooks_update
-- $1 partner, $2 subscription, $3 url (NULL = unchanged), $4 events literal
-- (NULL = unchanged), $5 active (NULL = unchanged).  No row when the
-- subscription is not the partner's.
UPDATE "PartnerWebhook" SET
	url = coalesce($3, url),
	events = CASE WHEN $4::text[] IS NULL THEN events
		ELSE ARRAY(SELECT DISTINCT e FROM unnest($4::text[]) e ORDER BY e) END,
	active = coalesce($5::boolean, active)
WHERE id = $2 AND "partnerId" = $1
RETURNING json_build_object(
	'id', id, 'url', url, 'events', to_json(events), 'active', active,
	'secretPrefix', left(secret, 12), 'createdByUserId', "createdByUserId",
	'createdAt', izzy_ts("createdAt"), 'updatedAt', izzy_ts("updatedAt"))::text

-- name: partners_hooks_delete
-- $1 partner, $2 subscription.  Its deliveries go with it (ON DELETE CASCADE).
DELETE FROM "PartnerWebhook" WHERE id = $2 AND "partnerId" = $1
RETURNING id

-- name: partners_hooks_test
-- $1 partner, $2 subscription, $3 delivery id, $4 event id.  Queues a
-- "webhook.test" event for this subscription only, active or not (the
-- manager is testing the endpoint).  No row when the subscription is not the
-- partner's.  Returns the delivery's log shape.
WITH w AS (
	SELECT id, "partnerId" FROM "PartnerWebhook" WHERE id = $2 AND "partnerId" = $1
), b AS (
	SELECT w.id AS wid, json_build_object('id', $4::text, 'type', 'webhook.test',
		'occurredAt', izzy_ts(now()), 'partnerId', w."partnerId",
		'data', json_build_object('message', 'Zdarzenie testowe'))::text AS body
	FROM w
), o AS (
	INSERT INTO "Outbox" (id, channel, recipient, "bodyText", payload, template, "dedupeKey",
		"webhookId")
	SELECT $3, 'WEBHOOK', 'webhook.test', b.body, b.body::jsonb, 'webhook.test',
		'pwh:' || b.wid || ':' || $4, b.wid
	FROM b
	RETURNING id, template, status, attempts, "lastHttpStatus", "lastError", "createdAt",
		"nextAttemptAt", "sentAt", "leadId"
)
SELECT json_build_object('id', o.id, 'event', o.template, 'status', o.status,
	'attempts', o.attempts, 'lastHttpStatus', o."lastHttpStatus", 'lastError', o."lastError",
	'leadId', o."leadId", 'createdAt', izzy_ts(o."createdAt"),
	'nextAttemptAt', izzy_ts(o."nextAttemptAt"), 'sentAt', izzy_ts(o."sentAt"))::text
FROM o

-- name: partners_hooks_deliveries
-- $1 partner, $2 subscription.  One row when the subscription is the
-- partner's: its last 100 deliveries, newest first.  status: PENDING,
-- SENDING, SENT or FAILED (the dead letter).
SELECT coalesce((SELECT json_agg(json_build_object('id', o.id, 'event', o.template,
		'status', o.status, 'attempts', o.attempts, 'lastHttpStatus', o."lastHttpStatus",
		'lastError', o."lastError", 'leadId', o."leadId", 'createdAt', izzy_ts(o."createdAt"),
		'nextAttemptAt', izzy_ts(o."nextAttemptAt"), 'sentAt', izzy_ts(o."sentAt"))
		ORDER BY o."createdAt" DESC, o.id)
	FROM (SELECT id, template, status, attempts, "lastHttpStatus", "lastError", "leadId",
			"createdAt", "nextAttemptAt", "sentAt"
		FROM "Outbox" WHERE "webhookId" = w.id
		ORDER BY "createdAt" DESC, id LIMIT 100) o), '[]')::text
FROM "PartnerWebhook" w
WHERE w.id = $2 AND w."partnerId" = $1
