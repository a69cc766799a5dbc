-- Statements of cgi-bin/leads_gdpr.c: merge (the anonymisation is common/anonymise.sql).

-- name: leads_gdpr_merge_lock
-- Both leads under a row lock, in id order so two merges cannot deadlock.
SELECT id, status::text, "anonymizedAt" IS NOT NULL
FROM "Lead" WHERE id IN ($1, $2)
ORDER BY id
FOR UPDATE

-- name: leads_gdpr_merge_move
-- Moves the history of lead $1 to lead $2 (FR-28).  The application form
-- moves (with its e-mail log) only if the target has none; the source's
-- e-mail addresses join the target's alternates.  Returns what moved.
WITH notes AS (
	UPDATE "LeadNote" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), docs AS (
	UPDATE "Document" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), consents AS (
	UPDATE "ConsentRecord" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), fin AS (
	UPDATE "FinancingApplication" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), offers AS (
	UPDATE "Offer" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), reminders AS (
	UPDATE "Reminder" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), audit AS (
	UPDATE "AuditLog" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), history AS (
	UPDATE "LeadStatusHistory" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), inbound AS (
	UPDATE "InboundMessage" SET "leadId" = $2 WHERE "leadId" = $1 RETURNING 1
), form AS (
	UPDATE "ApplicationForm" SET "leadId" = $2
	WHERE "leadId" = $1 AND NOT EXISTS (SELECT 1 FROM "ApplicationForm" WHERE "leadId" = $2)
	RETURNING id
), emails AS (
	UPDATE "EmailLog" SET "leadId" = $2 WHERE "applicationFormId" IN (SELECT id FROM form)
	RETURNING 1
), profile AS (
	UPDATE "CustomerProfile" t
	SET "alternateEmails" = ARRAY(
		SELECT DISTINCT e FROM unnest(t."alternateEmails" || s.email || s."alternateEmails") AS x(e)
		WHERE e IS NOT NULL AND e <> '' AND e IS DISTINCT FROM t.email ORDER BY e)
	FROM "CustomerProfile" s
	WHERE t."leadId" = $2 AND s."leadId" = $1
	RETURNING 1
), src AS (
	UPDATE "Lead" SET status = 'MERGED', "mergedIntoId" = $2 WHERE id = $1 RETURNING 1
)
SELECT json_build_object('notes', (SELECT count(*) FROM notes), 'documents', (SELECT count(*) FROM docs),
	'consentRecords', (SELECT count(*) FROM consents), 'financingApps', (SELECT count(*) FROM fin),
	'offers', (SELECT count(*) FROM offers), 'reminders', (SELECT count(*) FROM reminders),
	'auditLogs', (SELECT count(*) FROM audit), 'statusHistory', (SELECT count(*) FROM history),
	'applicationForm', EXISTS (SELECT 1 FROM form), 'emailLogs', (SELECT count(*) FROM emails),
	'alternateEmails', EXISTS (SELECT 1 FROM profile), 'source', EXISTS (SELECT 1 FROM src))
