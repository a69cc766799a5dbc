-- Statements of common/retention.c: automatic retention (FR-39, SR-41).

-- name: retention_due
-- The leads retention acts on, in id order after $6, at most $7.  A lead falls
-- due at the earlier of:
--   RETENTION_PERIOD    it is no longer processed (a closed status or
--                       UNQUALIFIED), $1 months after creation and $2 months
--                       after its last activity, whichever is later;
--   CONSENTS_WITHDRAWN  it has given consents and every one is withdrawn: $3
--                       days after the last withdrawal.
-- Activity = creation, contact, notes, status changes, audited changes (not
-- retention's own, nor exports), the client's form and messages.  Never
-- anonymised leads only; MERGED leads go with their survivor.
-- $5 picks the list:
--   'notice'     due within $4 days, not yet notified, not whitelisted;
--   'anonymise'  due now, notified at least $4 days ago, not whitelisted;
--   'exempt'     due now but whitelisted (reported, untouched).
-- $8 restricts to one lead (the re-check under the row lock), NULL for all.
-- Columns: id, rule, dueAt, retentionNoticeAt.
WITH c AS (
	SELECT l.id, l."retentionExempt" AS exempt, l."retentionNoticeAt" AS noticed,
	       CASE WHEN l.status IN ('UNQUALIFIED', 'CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING',
	                              'CANCELLED')
	            THEN greatest(l."createdAt" + make_interval(months => $1::int),
	                          act.last + make_interval(months => $2::int)) END AS period_due,
	       CASE WHEN wd.given > 0 AND wd.open = 0
	            THEN wd.last + make_interval(days => $3::int) END AS withdrawn_due
	FROM "Lead" l
	CROSS JOIN LATERAL (
		SELECT greatest(l."createdAt", l."leadCreatedAt", l."lastContactAt",
		       (SELECT max(n."createdAt") FROM "LeadNote" n WHERE n."leadId" = l.id),
		       (SELECT max(h."timestamp") FROM "LeadStatusHistory" h WHERE h."leadId" = l.id),
		       (SELECT max(a."createdAt") FROM "AuditLog" a
		         WHERE a."leadId" = l.id
		           AND a.action NOT IN ('data_exported', 'retention_exempt_changed',
		                                'auto_anonymization_executed')),
		       (SELECT max(greatest(f."createdAt", f."lastClientActivity", f."submittedAt"))
		          FROM "ApplicationForm" f WHERE f."leadId" = l.id),
		       (SELECT max(e."createdAt") FROM "EmailLog" e WHERE e."leadId" = l.id)) AS last
	) act
	CROSS JOIN LATERAL (
		SELECT count(*) AS given, count(*) FILTER (WHERE cr."withdrawnAt" IS NULL) AS open,
		       max(cr."withdrawnAt") AS last
		FROM "ConsentRecord" cr WHERE cr."leadId" = l.id AND cr."consentGiven"
	) wd
	WHERE l."anonymizedAt" IS NULL AND l.status <> 'MERGED'
	  AND ($8::text IS NULL OR l.id = $8::text)
), d AS (
	SELECT id, exempt, noticed, least(period_due, withdrawn_due) AS due,
	       CASE WHEN withdrawn_due IS NOT NULL AND (period_due IS NULL OR withdrawn_due <= period_due)
	            THEN 'CONSENTS_WITHDRAWN' ELSE 'RETENTION_PERIOD' END AS rule
	FROM c
)
SELECT id, rule, izzy_ts(due), izzy_ts(noticed)
FROM d
WHERE due IS NOT NULL AND id > $6::text
  AND CASE $5::text
      WHEN 'notice' THEN NOT exempt AND noticed IS NULL AND due <= now() + make_interval(days => $4::int)
      WHEN 'anonymise' THEN NOT exempt AND due <= now()
                            AND noticed <= now() - make_interval(days => $4::int)
      ELSE exempt AND due <= now() END
ORDER BY id
LIMIT $7::int

-- name: retention_lock_lead
-- The lead row lock of one anonymisation (the check-then-write rule).
SELECT id FROM "Lead" WHERE id = $1 FOR UPDATE

-- name: retention_notice_mark
-- Marks the leads $1 (a text[] literal) notified; returns those it marked, so
-- a lead is announced once even when two runs overlap.
UPDATE "Lead" SET "retentionNoticeAt" = now()
WHERE id = ANY($1::text[]) AND "retentionNoticeAt" IS NULL AND NOT "retentionExempt"
  AND "anonymizedAt" IS NULL
RETURNING id

-- name: retention_admins
-- The notice's recipients when RETENTION_NOTIFY_EMAILS is unset.
SELECT email FROM "User" WHERE role = 'ADMIN' AND status = 'ACTIVE' ORDER BY email

-- name: retention_try_lock
-- One retention run at a time across izzyctl and every worker (session lock).
SELECT pg_try_advisory_lock(hashtext('izzy.retention'))

-- name: retention_unlock
SELECT pg_advisory_unlock(hashtext('izzy.retention'))

-- name: retention_run_insert
-- The audit record of a real run (a dry run writes nothing).
--   $1 id  $2 trigger  $3 startedAt (epoch seconds)  $4 counts (JSON)
INSERT INTO "RetentionRun" (id, "trigger", "startedAt", counts)
VALUES ($1, $2, to_timestamp($3::double precision), $4::jsonb)
