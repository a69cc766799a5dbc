-- Statements of common/leadaccess.c.

-- name: leadaccess_load
SELECT l.id, l."partnerId", l."assignedUserId", l."createdByUserId", l.status::text,
       izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId"),
       l."anonymizedAt" IS NOT NULL
FROM "Lead" l
WHERE l.id = $1

-- name: leadaccess_lock
-- leadaccess_load under the lead's row lock, for lead_begin(): every lead
-- write holds it until commit, so no write can slip past an anonymisation.
SELECT l.id, l."partnerId", l."assignedUserId", l."createdByUserId", l.status::text,
       izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId"),
       l."anonymizedAt" IS NOT NULL
FROM "Lead" l
WHERE l.id = $1
FOR UPDATE OF l

-- name: leadaccess_client_active
-- The lead's form if its client is active right now; a stale flag (no
-- activity for 5 minutes) is switched off on the way (spec §2.5.3).
WITH f AS (
	SELECT id, "isClientActive", "lastClientActivity", "clientActiveSince"
	FROM "ApplicationForm" WHERE "leadId" = $1
), stale AS (
	UPDATE "ApplicationForm" SET "isClientActive" = false
	WHERE id IN (SELECT id FROM f WHERE "isClientActive"
		AND ("lastClientActivity" IS NULL OR "lastClientActivity" < now() - interval '5 minutes'))
)
SELECT id, izzy_ts("lastClientActivity"),
       coalesce(izzy_ts("clientActiveSince"), izzy_ts("lastClientActivity"))
FROM f
WHERE "isClientActive" AND "lastClientActivity" >= now() - interval '5 minutes'

-- name: leadaccess_supervisors
SELECT id, email FROM "User" WHERE role = 'SUPERVISOR' AND status = 'ACTIVE' ORDER BY id
