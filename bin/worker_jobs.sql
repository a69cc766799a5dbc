-- Statements of bin/worker_jobs.c: the scheduler (ScheduledJobRun, 0020)
-- and the jobs.  Every job statement is set-based and idempotent: a second
-- run finds nothing left to do.

-- name: jobs_try_lock
-- The job's advisory lock (session level: released by jobs_unlock, or by
-- PostgreSQL when the worker's connection ends, e.g. after SIGKILL).
SELECT pg_try_advisory_lock(hashtext('izzy-job:' || $1::text))

-- name: jobs_unlock
SELECT pg_advisory_unlock(hashtext('izzy-job:' || $1::text))

-- name: jobs_ensure
INSERT INTO "ScheduledJobRun" (name) VALUES ($1) ON CONFLICT (name) DO NOTHING

-- name: jobs_start
-- Under the lock: starts the run when it is due ($2 = 'true' forces it).
-- Returns the start time in $3's time zone for the log.
UPDATE "ScheduledJobRun" SET "startedAt" = now(), "endedAt" = NULL, ok = NULL,
	runs = runs + 1
WHERE name = $1 AND ("nextRunAt" <= now() OR $2::boolean)
RETURNING to_char(now() AT TIME ZONE $3::text, 'YYYY-MM-DD HH24:MI:SS')

-- name: jobs_end
-- $2 ok, $3 counts (JSON), $4 error, $5 daily time "HH:MM" in $7's zone or
-- NULL, $6 interval in minutes or NULL.  The next run: the next $5 local
-- time after now, or now + $6 minutes.  Returns the end time (local) and
-- the next run (local).
UPDATE "ScheduledJobRun" SET "endedAt" = now(), ok = $2::boolean, counts = $3::jsonb,
	"lastError" = $4,
	"nextRunAt" = CASE WHEN $5::text IS NOT NULL THEN
		((date_trunc('day', now() AT TIME ZONE $7::text) + $5::time
		  + CASE WHEN date_trunc('day', now() AT TIME ZONE $7::text) + $5::time
		              <= now() AT TIME ZONE $7::text
		         THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE $7::text)
		ELSE now() + make_interval(mins => $6::int) END
WHERE name = $1
RETURNING to_char(now() AT TIME ZONE $7::text, 'YYYY-MM-DD HH24:MI:SS'),
	to_char("nextRunAt" AT TIME ZONE $7::text, 'YYYY-MM-DD HH24:MI:SS')

-- name: jobs_expire_forms
-- Application-form links past "linkExpiresAt": the client is no longer
-- "active" on the form (the operator guard of FR-46 releases the lead).
UPDATE "ApplicationForm" SET "isClientActive" = false, "clientActiveSince" = NULL
WHERE "linkExpiresAt" <= now() AND "isClientActive"

-- name: jobs_expire_client_sessions
-- Client sessions of forms whose link has expired, or past their own expiry,
-- end now (revoked; deleted later by jobs_cleanup_client_sessions).
UPDATE "ClientSession" s SET "revokedAt" = now()
FROM "ApplicationForm" f
WHERE f.id = s."applicationFormId" AND s."revokedAt" IS NULL
  AND (f."linkExpiresAt" <= now() OR s."expiresAt" <= now())

-- name: jobs_cleanup_sessions
-- Staff sessions expired or revoked more than a day ago.
DELETE FROM "Session"
WHERE "expiresAt" < now() - interval '1 day' OR "revokedAt" < now() - interval '1 day'

-- name: jobs_cleanup_client_sessions
DELETE FROM "ClientSession"
WHERE "expiresAt" < now() - interval '1 day' OR "revokedAt" < now() - interval '1 day'

-- name: jobs_cleanup_password_tokens
-- Set-password tokens expired or used more than a day ago.
DELETE FROM "PasswordToken"
WHERE "expiresAt" < now() - interval '1 day' OR "usedAt" < now() - interval '1 day'

-- name: jobs_cleanup_rate_limits
-- Rate-limit windows are at most a day long (IZZY_LOGIN_WINDOW_SECONDS <= 86400):
-- a row whose window started over a day ago counts nothing any more.
DELETE FROM "RateLimit" WHERE "windowStart" < now() - interval '1 day'

-- name: jobs_cleanup_lead_changes
-- Schema 0037: the transactions below the oldest one still running have
-- ended, and every snapshot taken from now on sees them; their rows go and
-- the limit is recorded, so that an answer cached with an older snapshot is
-- no longer trusted (izzy_lead_change_since).  The horizon row first: a
-- snapshot that sees the deletions sees the new limit too.
WITH h AS (
	UPDATE "LeadChangeHorizon"
	SET "prunedBelow" = greatest("prunedBelow", pg_snapshot_xmin(pg_current_snapshot())),
	    "prunedAt" = now()
	WHERE id = 1
	RETURNING "prunedBelow"
)
DELETE FROM "LeadChange" WHERE xid < (SELECT "prunedBelow" FROM h)

-- name: jobs_form_reminders_due
-- FR-54: application forms still waiting for the client (link live, not
-- submitted or locked) due a reminder: "24h" a day after the link was sent
-- (unless the expiry reminder is already due), "expiry" 5 days before the
-- link expires.  Each reminder once per link: the outbox dedupe key names
-- the kind, the form and the link's generation time, so a regenerated link
-- gets its own reminders.  The link itself is stored hashed, so the mail
-- points the client to the message that carried it.
--   $1 time zone for the expiry shown in the mail
SELECT f.id, f."leadId", cp.email, coalesce(cp."firstName", ''), k.kind,
	'form-reminder:' || k.kind || ':' || f.id || ':' ||
		(extract(epoch FROM f."linkGeneratedAt") * 1000)::bigint,
	to_char(f."linkExpiresAt" AT TIME ZONE $1::text, 'DD.MM.YYYY HH24:MI')
FROM "ApplicationForm" f
JOIN "Lead" l ON l.id = f."leadId" AND l."anonymizedAt" IS NULL AND l."mergedIntoId" IS NULL
JOIN "CustomerProfile" cp ON cp."leadId" = l.id AND cp.email IS NOT NULL
CROSS JOIN LATERAL (VALUES
	('24h', f."linkGeneratedAt" + interval '24 hours'),
	('expiry', f."linkExpiresAt" - interval '5 days')) AS k(kind, "dueAt")
WHERE f.status IN ('DRAFT', 'IN_PROGRESS', 'UNLOCKED')
  AND f."uniqueLink" IS NOT NULL AND f."linkGeneratedAt" IS NOT NULL
  AND f."linkExpiresAt" > now() AND k."dueAt" <= now()
  AND (k.kind = 'expiry' OR f."linkExpiresAt" - interval '5 days' > now())
  AND NOT EXISTS (SELECT 1 FROM "Outbox" o WHERE o."dedupeKey" =
	'form-reminder:' || k.kind || ':' || f.id || ':' ||
		(extract(epoch FROM f."linkGeneratedAt") * 1000)::bigint)
ORDER BY f.id, k.kind
LIMIT 500

-- name: jobs_sla_breach_first
-- sla (issue 13, schema 0030): first-contact deadlines passed unmet get their
-- breach recorded at the job's clock (izzy_now()); merged and anonymised
-- leads are left alone.  Idempotent: a recorded breach is not matched again.
UPDATE "LeadSla" s SET "firstContactBreachedAt" = izzy_now()
FROM "Lead" l
WHERE l.id = s."leadId" AND s."firstContactAt" IS NULL AND s."firstContactBreachedAt" IS NULL
  AND s."firstContactDueAt" < izzy_now()
  AND l."anonymizedAt" IS NULL AND l.status <> 'MERGED'

-- name: jobs_sla_breach_follow_up
-- The same for the follow-up deadlines.
UPDATE "LeadSla" s SET "followUpBreachedAt" = izzy_now()
FROM "Lead" l
WHERE l.id = s."leadId" AND s."followUpAt" IS NULL AND s."followUpBreachedAt" IS NULL
  AND s."followUpDueAt" < izzy_now()
  AND l."anonymizedAt" IS NULL AND l.status <> 'MERGED'

-- name: jobs_sla_alerts_due
-- The alerts of breached deadlines that are still unmet, one row per
-- recipient not yet queued (the dedupe key sla:<lead>:<kind>:<level>:<user>):
-- the lead's ACTIVE assignee at once; the ACTIVE supervisors who see the lead
-- (none: the ACTIVE admins) once the deadline is escalateMinutes working
-- minutes (default 60) past, or at once when the lead has no active assignee.
-- Columns: lead, kind, due (local text), level, user id, e-mail, name,
-- customer name, dedupe key.
WITH o AS (
	SELECT s."leadId", 'FIRST_CONTACT' AS kind, s."firstContactDueAt" AS due,
	       l."partnerId", l."assignedUserId", l."createdByUserId", izzy_sla_rules(l."partnerId") AS rules
	FROM "LeadSla" s JOIN "Lead" l ON l.id = s."leadId"
	WHERE s."firstContactAt" IS NULL AND s."firstContactBreachedAt" IS NOT NULL
	  AND l."anonymizedAt" IS NULL AND l.status <> 'MERGED'
	UNION ALL
	SELECT s."leadId", 'FOLLOW_UP', s."followUpDueAt",
	       l."partnerId", l."assignedUserId", l."createdByUserId", izzy_sla_rules(l."partnerId")
	FROM "LeadSla" s JOIN "Lead" l ON l.id = s."leadId"
	WHERE s."followUpAt" IS NULL AND s."followUpBreachedAt" IS NOT NULL
	  AND l."anonymizedAt" IS NULL AND l.status <> 'MERGED'
), a AS (
	SELECT o.*, EXISTS (SELECT 1 FROM "User" x WHERE x.id = o."assignedUserId" AND x.status = 'ACTIVE')
	       AS has_assignee
	FROM o
), r AS (
	SELECT a."leadId", a.kind, a.due, 'assignee' AS level, u.id AS uid, u.email, u."fullName"
	FROM a JOIN "User" u ON u.id = a."assignedUserId" AND u.status = 'ACTIVE'
	UNION ALL
	SELECT a."leadId", a.kind, a.due, 'supervisor', u.id, u.email, u."fullName"
	FROM a JOIN "User" u ON u.status = 'ACTIVE'
	 AND izzy_lead_visible(u.role::text, u.id, u."partnerId", a."partnerId", a."assignedUserId",
		a."createdByUserId")
	 AND (u.role = 'SUPERVISOR' OR (u.role = 'ADMIN' AND NOT EXISTS (
		SELECT 1 FROM "User" x WHERE x.role = 'SUPERVISOR' AND x.status = 'ACTIVE'
		   AND izzy_lead_visible('SUPERVISOR', x.id, x."partnerId", a."partnerId",
			a."assignedUserId", a."createdByUserId"))))
	WHERE NOT a.has_assignee
	   OR izzy_working_minutes(a.due, izzy_now(), a.rules)
		>= coalesce(izzy_sla_int(a.rules, 'escalateMinutes'), 60)
)
SELECT r."leadId", r.kind, to_char(r.due AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'),
       r.level, r.uid, r.email, r."fullName",
       coalesce(nullif(trim(concat_ws(' ', cp."firstName", cp."lastName")), ''), '-'),
       'sla:' || r."leadId" || ':' || r.kind || ':' || r.level || ':' || r.uid
FROM r
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = r."leadId"
WHERE NOT EXISTS (SELECT 1 FROM "Outbox" x
                   WHERE x."dedupeKey" = 'sla:' || r."leadId" || ':' || r.kind || ':' || r.level || ':' || r.uid)
ORDER BY r."leadId", r.kind, r.level, r.uid
