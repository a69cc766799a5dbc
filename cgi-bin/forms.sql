-- Statements of cgi-bin/forms.c (spec/api.md §4.6.9, §4.8; SR-17..20).

-- name: forms_contact
-- The client's e-mail and phone for the link messages (no profile: no row).
SELECT cp.email, cp.phone FROM "CustomerProfile" cp WHERE cp."leadId" = $1

-- name: forms_upsert
-- The lead's one form: a new one, or the existing one reset (spec 4.6.9 step 1)
-- with the new token hash and PIN hash; formData, history and records are kept.
INSERT INTO "ApplicationForm" (id, "leadId", status, "createdByUserId", "uniqueLink",
	"accessCodeHash", "linkGeneratedAt", "linkExpiresAt", "consentsSince")
VALUES ($1, $2, 'DRAFT', $3, $4, $5, now(), now() + make_interval(days => $6::int), now())
ON CONFLICT ("leadId") DO UPDATE SET
	status = 'DRAFT', "createdByUserId" = EXCLUDED."createdByUserId",
	"uniqueLink" = EXCLUDED."uniqueLink", "accessCodeHash" = EXCLUDED."accessCodeHash",
	"linkGeneratedAt" = now(), "linkExpiresAt" = EXCLUDED."linkExpiresAt",
	"isClientActive" = false, "lastClientActivity" = NULL, "clientActiveSince" = NULL,
	"submittedByClient" = false, "submittedAt" = NULL, "completionPercent" = 0,
	"currentStep" = 1, "updatedAt" = now()
RETURNING id, izzy_ts("linkExpiresAt")

-- name: forms_sessions_revoke
UPDATE "ClientSession" SET "revokedAt" = now()
WHERE "applicationFormId" = $1 AND "revokedAt" IS NULL

-- name: forms_note
INSERT INTO "LeadNote" (id, "leadId", "authorId", content, type) VALUES ($1, $2, $3, $4, 'MANUAL')

-- name: forms_email_log
-- The form's message log (spec 4.6.9 step 4, 4.8.6 step 4); the payload holds no token.
INSERT INTO "EmailLog" (id, "applicationFormId", "leadId", type, status, "sentTo", payload,
	"noteCreated", "noteId")
VALUES ($1, $2, $3, $4::"EmailLogType", 'SENT', $5, $6::jsonb, $7::boolean, $8)

-- name: forms_outbox_sms
-- An SMS for izzy-worker (the Outbox table has the SMS channel; delivery is the
-- communication work's).
INSERT INTO "Outbox" (id, channel, recipient, "bodyText", template, "leadId", "dedupeKey")
VALUES ($1, 'SMS', $2, $3, $4, $5, $6)
ON CONFLICT ("dedupeKey") DO NOTHING

-- name: forms_outbox_event
-- A domain event for the webhook channel, once per dedupe key.
INSERT INTO "Outbox" (id, channel, recipient, "bodyText", payload, template, "leadId", "dedupeKey")
VALUES ($1, 'WEBHOOK', $2::text, $3::text, $3::jsonb, $2::text, $4, $5)
ON CONFLICT ("dedupeKey") DO NOTHING

-- name: forms_by_token
SELECT f.id, f."leadId", f.status::text, f."accessCodeHash",
       f."linkExpiresAt" IS NULL OR f."linkExpiresAt" <= now() OR l."anonymizedAt" IS NOT NULL
FROM "ApplicationForm" f JOIN "Lead" l ON l.id = f."leadId"
WHERE f."uniqueLink" = $1

-- name: forms_attempt_log
-- Every PIN attempt in the form's history with IP and user agent, never the code (SR-17).
UPDATE "ApplicationForm" SET "unlockHistory" = (CASE
		WHEN jsonb_typeof("unlockHistory") = 'array' THEN "unlockHistory"
		WHEN "unlockHistory" IS NULL THEN '[]'::jsonb
		ELSE jsonb_build_array("unlockHistory") END)
	|| jsonb_build_array(jsonb_build_object('type', 'CLIENT_ATTEMPT', 'timestamp', izzy_ts(now()),
		'success', $2::boolean, 'outcome', $3::text, 'ipAddress', $4::text, 'userAgent', $5::text))
WHERE id = $1

-- name: forms_lockout
-- Repeated lockouts invalidate the link (SR-17): once $2 wrong PINs were logged
-- since the link was generated (a lockout every 5), the link expires now and the
-- history says why.  Under the row lock with the condition re-checked, so only
-- the attempt that crosses the line gets a row: the lead, its assignee's e-mail
-- and the link's generation time (the alert's dedupe key).
UPDATE "ApplicationForm" f SET "linkExpiresAt" = now(), "updatedAt" = now(),
	"isClientActive" = false,
	"unlockHistory" = f."unlockHistory" || jsonb_build_array(jsonb_build_object(
		'type', 'LINK_REVOKED', 'timestamp', izzy_ts(now()), 'reason', 'TOO_MANY_LOCKOUTS'))
WHERE f.id = $1 AND f."linkExpiresAt" > now() AND jsonb_typeof(f."unlockHistory") = 'array'
  AND (SELECT count(*) FROM jsonb_array_elements(f."unlockHistory") e
	WHERE e->>'type' = 'CLIENT_ATTEMPT' AND e->>'outcome' = 'INVALID_CODE'
	  AND (e->>'timestamp')::timestamptz >= f."linkGeneratedAt") >= $2::int
RETURNING f."leadId", izzy_ts(f."linkGeneratedAt"),
	(SELECT u.email FROM "Lead" l JOIN "User" u ON u.id = l."assignedUserId"
	 WHERE l.id = f."leadId" AND u.status = 'ACTIVE')

-- name: forms_supervisors
-- Who else hears of an invalidated link: the active supervisors.
SELECT u.email FROM "User" u WHERE u.role = 'SUPERVISOR' AND u.status = 'ACTIVE' ORDER BY u.email

-- name: forms_session_create
INSERT INTO "ClientSession" (id, "applicationFormId", "tokenHash", "ipAddress", "userAgent",
	"expiresAt")
VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::int))

-- name: forms_session
-- The live client session of a cookie: its form; 30 minutes idle, absolute cap, not revoked.
SELECT s.id, s."applicationFormId" FROM "ClientSession" s
WHERE s."tokenHash" = $1 AND s."revokedAt" IS NULL AND s."expiresAt" > now()
  AND s."lastSeenAt" > now() - make_interval(secs => $2::int)

-- name: forms_session_seen
UPDATE "ClientSession" SET "lastSeenAt" = now() WHERE id = $1

-- name: forms_lock
-- The form under its row lock, for every client call and the unlock.
SELECT f.id, f."leadId", f.status::text,
       f."linkExpiresAt" IS NULL OR f."linkExpiresAt" <= now() OR l."anonymizedAt" IS NOT NULL,
       l."anonymizedAt" IS NOT NULL
FROM "ApplicationForm" f JOIN "Lead" l ON l.id = f."leadId"
WHERE f.id = $1
FOR UPDATE OF f

-- name: forms_touch
-- The client is active now (verify-access, heartbeat): the staff guard of
-- common/leadaccess reads these columns; a new active period starts
-- clientActiveSince.
UPDATE "ApplicationForm" SET "isClientActive" = true, "lastClientActivity" = now(),
	"clientActiveSince" = CASE WHEN "isClientActive"
		AND "lastClientActivity" >= now() - interval '5 minutes'
		THEN coalesce("clientActiveSince", now()) ELSE now() END
WHERE id = $1

-- name: forms_get
SELECT json_build_object('id', f.id, 'status', f.status, 'submittedAt', izzy_ts(f."submittedAt"),
	'formData', coalesce(f."formData", '{}'::jsonb), 'currentStep', f."currentStep",
	'completionPercent', f."completionPercent", 'isClientActive', f."isClientActive",
	'lastClientActivity', izzy_ts(f."lastClientActivity"), 'lastAutoSave', izzy_ts(f."lastAutoSave"),
	'linkExpiresAt', izzy_ts(f."linkExpiresAt"))::text
FROM "ApplicationForm" f WHERE f.id = $1

-- name: forms_autosave
UPDATE "ApplicationForm" SET "formData" = $2::jsonb, "currentStep" = $3::int,
	"completionPercent" = $4::int, status = 'IN_PROGRESS', "isClientActive" = true,
	"clientActiveSince" = CASE WHEN "isClientActive"
		AND "lastClientActivity" >= now() - interval '5 minutes'
		THEN coalesce("clientActiveSince", now()) ELSE now() END,
	"lastClientActivity" = now(), "lastAutoSave" = now(), "updatedAt" = now()
WHERE id = $1
RETURNING json_build_object('id', id, 'lastAutoSave', izzy_ts("lastAutoSave"))::text

-- name: forms_data
-- The stored answers, for the completeness check of a submit without formData.
SELECT coalesce("formData", '{}'::jsonb)::text FROM "ApplicationForm" WHERE id = $1

-- name: forms_missing_consent
-- A current required financing_application template the client has not
-- accepted for this form since its consentsSince (SR-20), or no row.
SELECT c.id FROM "ConsentTemplate" c, "ApplicationForm" f
WHERE f.id = $1 AND c."formType" = 'financing_application' AND c."isRequired"
  AND c.id = izzy_consent_current(c."consentType", c."formType")
  AND NOT EXISTS (SELECT 1 FROM "ConsentRecord" r
	WHERE r."applicationFormId" = f.id AND r."consentTemplateId" = c.id AND r."consentGiven"
	  AND r."withdrawnAt" IS NULL AND r."recordedAt" >= coalesce(f."consentsSince", '-infinity'))
ORDER BY c."consentType" LIMIT 1

-- name: forms_submit
UPDATE "ApplicationForm" SET status = 'SUBMITTED', "submittedAt" = now(),
	"submittedByClient" = true, "isClientActive" = false,
	"formData" = coalesce($2::jsonb, "formData"), "updatedAt" = now()
WHERE id = $1
RETURNING json_build_object('id', id, 'status', status, 'submittedAt', izzy_ts("submittedAt"))::text,
	json_build_object('event', 'application.ready_for_review', 'applicationFormId', id,
		'leadId', "leadId", 'submittedAt', izzy_ts("submittedAt"))::text,
	'application.ready_for_review:' || id || ':' || izzy_ts("linkGeneratedAt")

-- name: forms_submitted
SELECT json_build_object('id', id, 'status', status, 'submittedAt', izzy_ts("submittedAt"))::text
FROM "ApplicationForm" WHERE id = $1

-- name: forms_unlock
-- Spec 4.8.6 with the fixes: a new token (the old link stops working), a new
-- consent epoch, one history entry.
UPDATE "ApplicationForm" f SET status = 'UNLOCKED', "uniqueLink" = $2, "linkGeneratedAt" = now(),
	"linkExpiresAt" = now() + interval '7 days', "isClientActive" = false,
	"lastClientActivity" = NULL, "clientActiveSince" = NULL, "consentsSince" = now(),
	"updatedAt" = now(),
	"unlockHistory" = (CASE
		WHEN jsonb_typeof(f."unlockHistory") = 'array' THEN f."unlockHistory"
		WHEN f."unlockHistory" IS NULL THEN '[]'::jsonb
		ELSE jsonb_build_array(f."unlockHistory") END)
	|| jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('unlockedBy', $3::text,
		'unlockedAt', izzy_ts(now()), 'reason', $4::text,
		'unlockedByUser', (SELECT jsonb_build_object('id', u.id, 'email', u.email,
			'fullName', u."fullName") FROM "User" u WHERE u.id = $3)))
		|| jsonb_build_object('reason', $4::text))
WHERE f.id = $1
RETURNING izzy_ts(f."linkExpiresAt")

-- name: forms_staff
-- The staff view of lead $1's form (lead detail): progress, the link, the PIN
-- attempts since the link was generated and within the last $2 seconds, the
-- lockouts (one per $3 wrong PINs) and the whole history (attempts with IP and
-- user agent, unlocks, LINK_REVOKED), newest first.  No formData, no token.
WITH f AS (
	SELECT f.*, CASE WHEN jsonb_typeof(f."unlockHistory") = 'array' THEN f."unlockHistory"
		WHEN f."unlockHistory" IS NULL THEN '[]'::jsonb
		ELSE jsonb_build_array(f."unlockHistory") END AS hist
	FROM "ApplicationForm" f WHERE f."leadId" = $1
), h AS (
	SELECT e.v, e.n, (e.v->>'timestamp')::timestamptz AS at
	FROM f CROSS JOIN LATERAL jsonb_array_elements(f.hist) WITH ORDINALITY AS e(v, n)
), a AS (
	SELECT count(*) FILTER (WHERE h.v->>'outcome' = 'INVALID_CODE'
			AND h.at >= f."linkGeneratedAt") AS since_link,
		count(*) FILTER (WHERE h.v->>'outcome' = 'INVALID_CODE'
			AND h.at >= now() - make_interval(secs => $2::int)) AS recent,
		max(h.at) FILTER (WHERE h.v->>'type' = 'CLIENT_ATTEMPT') AS last_at
	FROM f LEFT JOIN h ON true GROUP BY f."linkGeneratedAt"
)
SELECT json_build_object('id', f.id, 'leadId', f."leadId", 'status', f.status,
	'currentStep', f."currentStep", 'completionPercent', f."completionPercent",
	'lastAutoSave', izzy_ts(f."lastAutoSave"), 'lastClientActivity', izzy_ts(f."lastClientActivity"),
	'isClientActive', f."isClientActive" AND f."lastClientActivity" >= now() - interval '5 minutes',
	'submittedAt', izzy_ts(f."submittedAt"), 'linkGeneratedAt', izzy_ts(f."linkGeneratedAt"),
	'linkExpiresAt', izzy_ts(f."linkExpiresAt"),
	'linkExpired', f."linkExpiresAt" IS NULL OR f."linkExpiresAt" <= now(),
	'attempts', json_build_object('failedSinceLink', a.since_link, 'failedRecent', a.recent,
		'lockouts', a.since_link / $3::int, 'lockedOut', a.recent >= $3::int,
		'lastAttemptAt', izzy_ts(a.last_at)),
	'history', coalesce((SELECT json_agg(h.v ORDER BY h.n DESC) FROM h), '[]'))::text
FROM f CROSS JOIN a
