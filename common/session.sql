-- Statements of common/session.c.  Parameters are text; casts are explicit.

-- name: session_lookup
-- One query per authenticated request: the live session, the user's current
-- role and status, and a lastSeenAt bump at most every 30 seconds.
WITH s AS (
	SELECT s.id AS sid, u.id, u.email, u."fullName", u.role::text AS role, u."partnerId"
	FROM "Session" s
	JOIN "User" u ON u.id = s."userId"
	WHERE s."tokenHash" = $1
	  AND s."revokedAt" IS NULL
	  AND s."expiresAt" > now()
	  AND s."lastSeenAt" > now() - make_interval(secs => $2::int)
	  AND u.status = 'ACTIVE'
), touch AS (
	UPDATE "Session" SET "lastSeenAt" = now()
	WHERE id = (SELECT sid FROM s) AND "lastSeenAt" < now() - interval '30 seconds'
)
SELECT sid, id, email, "fullName", role, "partnerId" FROM s

-- name: session_insert
INSERT INTO "Session" (id, "userId", "tokenHash", "expiresAt", ip, "userAgent")
VALUES ($1, $2, $3, now() + make_interval(secs => $4::int), $5, $6)

-- name: session_revoke_one
UPDATE "Session" SET "revokedAt" = now(), "revokeReason" = $2
WHERE id = $1 AND "revokedAt" IS NULL

-- name: session_revoke_user
UPDATE "Session" SET "revokedAt" = now(), "revokeReason" = $2
WHERE "userId" = $1 AND "revokedAt" IS NULL

-- name: session_apikey_lookup
-- A partner API key (Authorization: Bearer izk_...): the live key of a
-- partner that is not INACTIVE, whose creator still exists (the acting user
-- of what the key writes).  Every lookup that finds the key is one row of
-- "PartnerApiKeyUse" (the audit of use, migration 0029) and bumps lastUsedAt
-- and useCount.  $1 key hash, $2 method, $3 route pattern, $4 client address.
WITH k AS (
	SELECT k.id, k."partnerId", k."createdByUserId", k.name, k."rateLimitPerMinute",
		array_to_string(k.scopes, ' ') AS scopes
	FROM "PartnerApiKey" k
	JOIN "Partner" p ON p.id = k."partnerId"
	WHERE k."keyHash" = $1
	  AND k."revokedAt" IS NULL
	  AND (k."expiresAt" IS NULL OR k."expiresAt" > now())
	  AND k."createdByUserId" IS NOT NULL
	  AND p.status <> 'INACTIVE'
), used AS (
	INSERT INTO "PartnerApiKeyUse" ("keyId", "method", "route", "ip")
	SELECT id, $2, $3, nullif($4, '') FROM k
), touch AS (
	UPDATE "PartnerApiKey" SET "lastUsedAt" = now(), "useCount" = "useCount" + 1
	WHERE id = (SELECT id FROM k)
)
SELECT id, "partnerId", "createdByUserId", name, "rateLimitPerMinute", scopes FROM k
