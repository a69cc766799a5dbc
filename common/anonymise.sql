-- Statements of common/anonymise.c: the one anonymisation (SR-42), used by
-- POST /api/leads/{id}/anonymize (cgi-bin/leads_gdpr.c) and by automatic
-- retention (common/retention.c).

-- name: anonymise_lead
-- SR-42 / FR-38 in one statement: every personal datum of the lead's client,
-- wherever it was copied.  Kept for statistics and evidence: ids, dates,
-- statuses, partner, "sourceMetadata".source, financing amounts and decisions, consent facts
-- (template, version, text, given, method, times) and the audit trail's
-- actions, fields and times.  The duplicates merged into the lead hold the
-- same client's data and go with it.  No row when the lead is already
-- anonymised (the UPDATE's WHERE makes a concurrent second call a no-op).
--   $1 lead  $2 acting admin (NULL: automatic retention, common/retention.c)
WITH RECURSIVE family AS (
	SELECT id FROM "Lead" WHERE id = $1
	UNION
	SELECT l.id FROM "Lead" l JOIN family f ON l."mergedIntoId" = f.id
), lead AS (
	UPDATE "Lead"
	SET notes = NULL,
	    "sourceMetadata" = CASE WHEN jsonb_typeof("sourceMetadata"->'source') = 'string'
	                            THEN jsonb_build_object('source', "sourceMetadata"->'source') END,
	    "anonymizedAt" = now(), "anonymizedById" = $2
	WHERE id IN (SELECT id FROM family) AND "anonymizedAt" IS NULL
	  AND EXISTS (SELECT 1 FROM "Lead" WHERE id = $1 AND "anonymizedAt" IS NULL)
	RETURNING id, "anonymizedAt"
), profile AS (
	UPDATE "CustomerProfile"
	SET "firstName" = 'ANONIMIZOWANY', "lastName" = 'UŻYTKOWNIK_' || substr(id, 1, 8),
	    email = NULL, phone = NULL, address = NULL, "employmentInfo" = NULL, "dateOfBirth" = NULL,
	    "nationalIdHash" = NULL, "alternateEmails" = '{}'
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), notes AS (
	-- E-mail bodies, envelopes and manual notes.
	UPDATE "LeadNote" SET content = '[zanonimizowano]', metadata = NULL, link = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), drafts AS (
	DELETE FROM "MessageDraft" WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), form AS (
	-- The client's answers (PESEL, ID document, addresses, employer, income) go;
	-- unlock-history entries keep only who/when/success; the link dies.
	UPDATE "ApplicationForm"
	SET "formData" = NULL, "ipAddress" = NULL, "userAgent" = NULL, "isClientActive" = false,
	    "unlockHistory" = CASE WHEN jsonb_typeof("unlockHistory") = 'array' THEN (
	        SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object'
	                                       THEN e - ARRAY['client', 'ipAddress', 'userAgent', 'reason']
	                                       ELSE e END ORDER BY n), '[]'::jsonb)
	          FROM jsonb_array_elements("unlockHistory") WITH ORDINALITY AS x(e, n)) END,
	    "linkExpiresAt" = CASE WHEN "linkExpiresAt" IS NULL OR "linkExpiresAt" > now()
	                           THEN now() ELSE "linkExpiresAt" END
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), consents AS (
	UPDATE "ConsentRecord" SET "ipAddress" = NULL, "userAgent" = NULL, notes = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), emails AS (
	UPDATE "EmailLog" SET "sentTo" = NULL, payload = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), onboarding AS (
	UPDATE "InsuranceOnboardingSession"
	SET "ipAddress" = NULL, "userAgent" = NULL,
	    "tokenExpiresAt" = CASE WHEN "tokenExpiresAt" > now() THEN now() ELSE "tokenExpiresAt" END
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), comms AS (
	UPDATE "CommunicationLog" SET "sentTo" = NULL, payload = NULL, "errorMessage" = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	   OR "sessionId" IN (SELECT s.id FROM "InsuranceOnboardingSession" s
	                       WHERE s."leadId" IN (SELECT id FROM lead))
	RETURNING 1
), slots AS (
	-- When the client is reachable: personal, and useless without a client.
	DELETE FROM "ContactSchedule" WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), vehicle AS (
	UPDATE "VehicleCurrent" SET vin = NULL WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), wishes AS (
	-- preferences is opaque (any key may be free text): it goes whole.  Makes,
	-- models and budgets stay for statistics.
	UPDATE "VehicleDesired" SET preferences = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), audit AS (
	-- Kept: a status value that is a LeadStatus, an assignee value that is a
	-- user's id, and metadata entries that cannot be free text (booleans,
	-- numbers, upper-case codes, *Id keys holding an id, *At keys holding a
	-- time, "moved" counts).  Everything else (notes, reasons, addresses,
	-- quoted mail, …) goes, whatever the key.
	UPDATE "AuditLog"
	SET "oldValue" = CASE
	        WHEN action = 'status_change' AND jsonb_typeof("oldValue") = 'string'
	             AND "oldValue" #>> '{}' IN (SELECT unnest(enum_range(NULL::"LeadStatus"))::text) THEN "oldValue"
	        WHEN action = 'assignment_change' AND (jsonb_typeof("oldValue") = 'null'
	             OR ("oldValue" = jsonb_build_object('assignedUserId', "oldValue"->'assignedUserId')
	                 AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = "oldValue"->>'assignedUserId'))) THEN "oldValue"
	    END,
	    "newValue" = CASE
	        WHEN action = 'status_change' AND jsonb_typeof("newValue") = 'string'
	             AND "newValue" #>> '{}' IN (SELECT unnest(enum_range(NULL::"LeadStatus"))::text) THEN "newValue"
	        WHEN action = 'assignment_change' AND (jsonb_typeof("newValue") = 'null'
	             OR ("newValue" = jsonb_build_object('assignedUserId', "newValue"->'assignedUserId')
	                 AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = "newValue"->>'assignedUserId'))) THEN "newValue"
	    END,
	    metadata = (SELECT jsonb_object_agg(e.key, e.value)
	                  FROM jsonb_each(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata
	                                       ELSE '{}'::jsonb END) e
	                 WHERE jsonb_typeof(e.value) IN ('boolean', 'number', 'null')
	                    OR (jsonb_typeof(e.value) = 'string' AND (e.value #>> '{}' ~ '^[A-Z][A-Z0-9_]*$'
	                        OR (e.key ~ 'Id$' AND e.value #>> '{}' ~ '^[a-z0-9]{20,40}$')
	                        OR (e.key ~ 'At$' AND e.value #>> '{}' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$')))
	                    OR (e.key = 'moved' AND jsonb_typeof(e.value) = 'object'
	                        AND NOT EXISTS (SELECT 1 FROM jsonb_each(e.value) x
	                                         WHERE jsonb_typeof(x.value) NOT IN ('number', 'boolean'))))
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), history AS (
	UPDATE "LeadStatusHistory" SET reason = '[zanonimizowano]'
	WHERE "leadId" IN (SELECT id FROM lead) AND reason IS NOT NULL
	RETURNING 1
), outbox AS (
	-- Undelivered mail about the client is never sent; provider errors may
	-- quote the address, so they go too.
	UPDATE "Outbox"
	SET recipient = '', subject = NULL, "bodyText" = '', "bodyHtml" = NULL, payload = NULL,
	    status = CASE WHEN status IN ('PENDING', 'SENDING') THEN 'FAILED' ELSE status END,
	    "lastError" = CASE WHEN status IN ('PENDING', 'SENDING') THEN 'lead anonymized' END
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), docs AS (
	-- The stored files are deleted by the documents program (erasureRequestedAt).
	UPDATE "Document" SET "originalName" = NULL, "erasureRequestedAt" = now()
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), fin AS (
	-- Amounts and decision stay; the bank (free text: a branch, an adviser's
	-- name), free-text names and the bank's case number go.
	UPDATE "FinancingApplication"
	SET bank = '[zanonimizowano]', "submittedBy" = NULL, "bankReference" = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), offers AS (
	UPDATE "Offer" SET notes = NULL, title = '[zanonimizowano]', url = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), agreement AS (
	UPDATE "Agreement" SET notes = NULL WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), inbound AS (
	-- The sender's address survives only as a hash (the per-sender cap); a hash of an
	-- address is still personal data, so it goes too.  The Message-ID stays (exactly once).
	UPDATE "InboundMessage" SET "senderHash" = 'anonymised'
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), reminders AS (
	UPDATE "Reminder" SET description = '[zanonimizowano]' WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
), web_form AS (
	-- The web form's submission (0034): where it was sent and confirmed from.  The
	-- ticked purposes stay (template ids and versions, no personal data).
	UPDATE "WebLeadSubmission"
	SET "ipAddress" = NULL, "userAgent" = NULL, "confirmIp" = NULL, "confirmUserAgent" = NULL
	WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
)
SELECT izzy_ts(lead."anonymizedAt"), (SELECT count(*) FROM docs), (SELECT count(*) - 1 FROM lead)
FROM lead WHERE lead.id = $1
