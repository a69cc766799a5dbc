-- Statements of cgi-bin/leads_write.c: status, customer, vehicles, financing,
-- assignment, notes, drafts, e-mail, anonymisation and merge of one lead.
-- Parameters are text with explicit casts; responses are JSON built here
-- (timestamps through izzy_ts, money through izzy_money).  "Patch" parameters
-- are JSON objects holding only the keys the client sent, so "absent =
-- unchanged" and "null = clear" stay distinct without building SQL.

-- name: leads_write_lock
-- The lead's state under a row lock, for checks that must hold until commit.
SELECT status::text, "anonymizedAt" IS NOT NULL, "assignedUserId"
FROM "Lead" WHERE id = $1
FOR UPDATE

-- name: leads_write_user
SELECT role::text, status::text FROM "User" WHERE id = $1

-- name: leads_write_summary
SELECT izzy_lead_summary($1, false)

-- name: leads_write_status_update
--   $3 'true': set "assignedUserId" to $4 (NULL unassigns)
--   $5 'now' | 'clear' | anything else keeps "claimedAt"
UPDATE "Lead"
SET status = $2::"LeadStatus",
    "assignedUserId" = CASE WHEN $3::boolean THEN $4::text ELSE "assignedUserId" END,
    "claimedAt" = CASE $5::text WHEN 'now' THEN now() WHEN 'clear' THEN NULL ELSE "claimedAt" END,
    "lastContactAt" = coalesce($6::timestamptz, "lastContactAt"),
    "nextActionAt" = coalesce($7::timestamptz, "nextActionAt")
WHERE id = $1

-- name: leads_write_history_insert
INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "changedById", reason,
    "reasonCode", override)
VALUES ($1, $2, $3::"LeadStatus", $4::"LeadStatus", $5, $6, $7, $8::boolean)

-- name: leads_write_note_insert
-- The lead note of api.md section 4.5 (with author) and the note_added audit value.
WITH n AS (
	INSERT INTO "LeadNote" (id, "leadId", "authorId", content, link, type)
	VALUES ($1, $2, $3, $4, $5, 'MANUAL')
	RETURNING id, "leadId", "authorId", content, link, type, metadata, "createdAt"
)
SELECT json_build_object('id', n.id, 'leadId', n."leadId", 'authorId', n."authorId",
           'content', n.content, 'link', n.link, 'type', n.type, 'metadata', n.metadata,
           'createdAt', izzy_ts(n."createdAt"),
           'author', (SELECT json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email)
                        FROM "User" u WHERE u.id = n."authorId")),
       json_build_object('id', n.id, 'content', n.content, 'link', n.link)
FROM n

-- name: leads_write_customer_upsert
-- $3: patch of firstName, lastName, email, phone; $4: patch of the address keys.
-- The stored address keeps only its four known keys, overlaid with $4
-- (api.md section 4.6.2).  A missing profile is created with empty names.
INSERT INTO "CustomerProfile" AS c (id, "leadId", "firstName", "lastName", email, phone, address)
VALUES ($1, $2, coalesce($3::jsonb->>'firstName', ''), coalesce($3::jsonb->>'lastName', ''),
        $3::jsonb->>'email', $3::jsonb->>'phone', $4::jsonb)
ON CONFLICT ("leadId") DO UPDATE SET
	"firstName" = CASE WHEN $3::jsonb ? 'firstName' THEN EXCLUDED."firstName" ELSE c."firstName" END,
	"lastName" = CASE WHEN $3::jsonb ? 'lastName' THEN EXCLUDED."lastName" ELSE c."lastName" END,
	email = CASE WHEN $3::jsonb ? 'email' THEN EXCLUDED.email ELSE c.email END,
	phone = CASE WHEN $3::jsonb ? 'phone' THEN EXCLUDED.phone ELSE c.phone END,
	address = coalesce((SELECT jsonb_object_agg(e.key, e.value)
	                      FROM jsonb_each(CASE WHEN jsonb_typeof(c.address) = 'object'
	                                           THEN c.address ELSE '{}'::jsonb END) e
	                     WHERE e.key IN ('city', 'voivodeship', 'postalCode', 'customerType')),
	                   '{}'::jsonb) || $4::jsonb
RETURNING json_build_object('customerProfile', json_build_object(
	'id', c.id, 'leadId', c."leadId", 'firstName', c."firstName", 'lastName', c."lastName",
	'dateOfBirth', izzy_ts(c."dateOfBirth"), 'nationalIdHash', c."nationalIdHash",
	'email', c.email, 'phone', c.phone, 'alternateEmails', to_json(c."alternateEmails"),
	'employmentInfo', c."employmentInfo", 'address', c.address,
	'createdAt', izzy_ts(c."createdAt"), 'updatedAt', izzy_ts(c."updatedAt"))),
          json_build_object('firstName', c."firstName", 'lastName', c."lastName", 'email', c.email,
	'phone', c.phone, 'address', c.address)

-- name: leads_write_current_upsert
-- $3: patch of make, model, year, mileage, ownershipStatus, vin (no nulls: an
-- absent field keeps its value, api.md section 4.6.4).
INSERT INTO "VehicleCurrent" AS v (id, "leadId", make, model, year, mileage, "ownershipStatus", vin)
VALUES ($1, $2, $3::jsonb->>'make', $3::jsonb->>'model', ($3::jsonb->>'year')::integer,
        ($3::jsonb->>'mileage')::integer, $3::jsonb->>'ownershipStatus', $3::jsonb->>'vin')
ON CONFLICT ("leadId") DO UPDATE SET
	make = coalesce(EXCLUDED.make, v.make),
	model = coalesce(EXCLUDED.model, v.model),
	year = coalesce(EXCLUDED.year, v.year),
	mileage = coalesce(EXCLUDED.mileage, v.mileage),
	"ownershipStatus" = coalesce(EXCLUDED."ownershipStatus", v."ownershipStatus"),
	vin = coalesce(EXCLUDED.vin, v.vin)

-- name: leads_write_current_delete
DELETE FROM "VehicleCurrent" WHERE "leadId" = $1

-- name: leads_write_desired_upsert
-- $3: patch of make, model, year (no nulls), budget and preferences (null clears).
-- preferences is stored as sent: jsonb keeps every key, array and string.
INSERT INTO "VehicleDesired" AS v (id, "leadId", make, model, year, budget, preferences)
VALUES ($1, $2, $3::jsonb->>'make', $3::jsonb->>'model', ($3::jsonb->>'year')::integer,
        ($3::jsonb->>'budget')::numeric, nullif($3::jsonb->'preferences', 'null'::jsonb))
ON CONFLICT ("leadId") DO UPDATE SET
	make = coalesce(EXCLUDED.make, v.make),
	model = coalesce(EXCLUDED.model, v.model),
	year = coalesce(EXCLUDED.year, v.year),
	budget = CASE WHEN $3::jsonb ? 'budget' THEN EXCLUDED.budget ELSE v.budget END,
	preferences = CASE WHEN $3::jsonb ? 'preferences' THEN EXCLUDED.preferences ELSE v.preferences END

-- name: leads_write_desired_delete
DELETE FROM "VehicleDesired" WHERE "leadId" = $1

-- name: leads_write_amount_available
-- amountAvailable is the down payment of the most recent financing application;
-- without one, a non-null amount creates {bank: "TBD", downPayment} ($3 = new id).
WITH latest AS (
	SELECT id FROM "FinancingApplication" WHERE "leadId" = $1
	ORDER BY "createdAt" DESC, id DESC LIMIT 1
), upd AS (
	UPDATE "FinancingApplication" f
	SET "downPayment" = $2::numeric, bank = CASE WHEN f.bank = '' THEN 'TBD' ELSE f.bank END
	FROM latest WHERE f.id = latest.id
	RETURNING f.id
)
INSERT INTO "FinancingApplication" (id, "leadId", bank, "downPayment")
SELECT $3, $1, 'TBD', $2::numeric
WHERE NOT EXISTS (SELECT 1 FROM latest) AND $2::numeric IS NOT NULL

-- name: leads_write_vehicles_get
-- The response of PATCH .../vehicles and the vehicle_updated audit value
-- ($2: amountAvailable as sent, or NULL).
SELECT json_build_object('vehicleCurrent', vc, 'vehicleDesired', vd, 'financingApps', fa),
       json_build_object('vehicleCurrent', vc, 'vehicleDesired', vd, 'amountAvailable', $2::text)
FROM (SELECT
	(SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make, 'model', v.model,
	            'year', v.year, 'mileage', v.mileage, 'ownershipStatus', v."ownershipStatus", 'vin', v.vin)
	   FROM "VehicleCurrent" v WHERE v."leadId" = $1) AS vc,
	(SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make, 'model', v.model,
	            'year', v.year, 'budget', izzy_money(v.budget), 'preferences', v.preferences)
	   FROM "VehicleDesired" v WHERE v."leadId" = $1) AS vd,
	coalesce((SELECT json_agg(json_build_object('id', f.id, 'leadId', f."leadId", 'bank', f.bank,
	            'loanAmount', izzy_money(f."loanAmount"), 'downPayment', izzy_money(f."downPayment"),
	            'termMonths', f."termMonths", 'income', izzy_money(f.income),
	            'expenses', izzy_money(f.expenses), 'creditScore', f."creditScore",
	            'submittedBy', f."submittedBy", 'submittedAt', izzy_ts(f."submittedAt"),
	            'bankReference', f."bankReference", 'decision', f.decision,
	            'decisionAt', izzy_ts(f."decisionAt"), 'createdAt', izzy_ts(f."createdAt"),
	            'updatedAt', izzy_ts(f."updatedAt")))
	   FROM (SELECT * FROM "FinancingApplication" WHERE "leadId" = $1
	         ORDER BY "createdAt" DESC, id DESC LIMIT 1) f), '[]'::json) AS fa
) s

-- name: leads_write_financing_owned
-- The application to replace, only if it belongs to the lead (SR-16).
SELECT id FROM "FinancingApplication" WHERE id = $1 AND "leadId" = $2 FOR UPDATE

-- name: leads_write_financing_insert
INSERT INTO "FinancingApplication" (id, "leadId", bank, "loanAmount", "downPayment", "termMonths",
    income, expenses, "creditScore", "submittedBy", "submittedAt", "bankReference", decision,
    "decisionAt")
VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::integer, $7::numeric, $8::numeric, $9::integer,
        $10, $11::timestamptz, $12, $13::"BankDecisionStatus", $14::timestamptz)

-- name: leads_write_financing_update
-- Full replacement: every field not sent is NULL (api.md section 4.6.5).
UPDATE "FinancingApplication"
SET bank = $3, "loanAmount" = $4::numeric, "downPayment" = $5::numeric, "termMonths" = $6::integer,
    income = $7::numeric, expenses = $8::numeric, "creditScore" = $9::integer, "submittedBy" = $10,
    "submittedAt" = $11::timestamptz, "bankReference" = $12,
    decision = $13::"BankDecisionStatus", "decisionAt" = $14::timestamptz
WHERE id = $1 AND "leadId" = $2

-- name: leads_write_financing_get
SELECT json_build_object('id', f.id, 'leadId', f."leadId", 'bank', f.bank,
           'loanAmount', izzy_money(f."loanAmount"), 'downPayment', izzy_money(f."downPayment"),
           'termMonths', f."termMonths", 'income', izzy_money(f.income),
           'expenses', izzy_money(f.expenses), 'creditScore', f."creditScore",
           'submittedBy', f."submittedBy", 'submittedAt', izzy_ts(f."submittedAt"),
           'bankReference', f."bankReference", 'decision', f.decision,
           'decisionAt', izzy_ts(f."decisionAt"), 'createdAt', izzy_ts(f."createdAt"),
           'updatedAt', izzy_ts(f."updatedAt"))
FROM "FinancingApplication" f WHERE f.id = $1

-- name: leads_write_assign
-- Sets the assignee; returns the previous one (claimedAt and status untouched).
WITH old AS (SELECT id, "assignedUserId" FROM "Lead" WHERE id = $1 FOR UPDATE)
UPDATE "Lead" l SET "assignedUserId" = $2
FROM old WHERE l.id = old.id
RETURNING old."assignedUserId"

-- name: leads_write_draft_upsert
-- One draft per (lead, user); $6 is a JSON array of the links.
INSERT INTO "MessageDraft" AS d (id, "leadId", "userId", subject, body, links)
VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT jsonb_array_elements_text($6::jsonb)))
ON CONFLICT ("leadId", "userId") DO UPDATE SET
	subject = EXCLUDED.subject, body = EXCLUDED.body, links = EXCLUDED.links
RETURNING json_build_object('id', d.id, 'leadId', d."leadId", 'userId', d."userId",
	'subject', d.subject, 'body', d.body, 'links', to_json(d.links),
	'createdAt', izzy_ts(d."createdAt"), 'updatedAt', izzy_ts(d."updatedAt"))

-- name: leads_write_draft_get
SELECT json_build_object('id', d.id, 'leadId', d."leadId", 'userId', d."userId",
	'subject', d.subject, 'body', d.body, 'links', to_json(d.links),
	'createdAt', izzy_ts(d."createdAt"), 'updatedAt', izzy_ts(d."updatedAt"))
FROM "MessageDraft" d WHERE d."leadId" = $1 AND d."userId" = $2

-- name: leads_write_email_recipient
-- The customer's address; no row or NULL when there is none (api.md section 4.6.12).
SELECT nullif(btrim(c.email), '') FROM "CustomerProfile" c WHERE c."leadId" = $1

-- name: leads_write_email_reply_note
-- The note replied to, only if it belongs to the lead (SR-16).
SELECT id FROM "LeadNote" WHERE id = $1 AND "leadId" = $2

-- name: leads_write_email_note_insert
-- The EMAIL_SENT note of a mail queued in the same transaction (Outbox id
-- $12); "delivery" is the state the worker updates.  Returns the lead note of
-- api.md section 4.5 (with author) and the email_sent audit value (ids only,
-- no addresses).
--   $1 note id  $2 lead  $3 author  $4 message  $5 from  $6 to  $7 subject
--   $8 tracked links (JSON array)  $9 HTML body  $10 replyToNoteId
--   $11 quotedHtml (kept here only, never in the HTML body: SR-22)  $12 Outbox id
WITH n AS (
	INSERT INTO "LeadNote" (id, "leadId", "authorId", content, type, metadata)
	VALUES ($1, $2, $3, $4, 'EMAIL_SENT', jsonb_build_object(
	           'from', $5::text, 'to', $6::text, 'subject', $7::text, 'links', $8::jsonb,
	           'direction', 'OUTGOING', 'html', $9::text, 'messageId', gen_random_uuid()::text,
	           'replyToNoteId', $10::text, 'quotedHtml', $11::text, 'outboxId', $12::text,
	           'delivery', 'QUEUED'))
	RETURNING id, "leadId", "authorId", content, link, type, metadata, "createdAt"
)
SELECT json_build_object('id', n.id, 'leadId', n."leadId", 'authorId', n."authorId",
           'content', n.content, 'link', n.link, 'type', n.type, 'metadata', n.metadata,
           'createdAt', izzy_ts(n."createdAt"),
           'author', (SELECT json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email)
                        FROM "User" u WHERE u.id = n."authorId")),
       json_build_object('noteId', n.id, 'outboxId', $12::text)
FROM n

-- name: leads_write_anonymize
-- SR-42 / FR-38 in one statement: every personal datum of the lead's client,
-- wherever it was copied.  Kept for statistics and evidence: ids, dates,
-- statuses, partner, "sourceMetadata".source, financing amounts and decisions, consent facts
-- (template, version, text, given, method, times) and the audit trail's
-- actions, fields and times.  The duplicates merged into the lead hold the
-- same client's data and go with it.  No row when the lead is already
-- anonymised (the UPDATE's WHERE makes a concurrent second call a no-op).
--   $1 lead  $2 acting admin
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
	WHERE "sessionId" IN (SELECT s.id FROM "InsuranceOnboardingSession" s
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
), reminders AS (
	UPDATE "Reminder" SET description = '[zanonimizowano]' WHERE "leadId" IN (SELECT id FROM lead)
	RETURNING 1
)
SELECT izzy_ts(lead."anonymizedAt"), (SELECT count(*) FROM docs), (SELECT count(*) - 1 FROM lead)
FROM lead WHERE lead.id = $1

-- name: leads_write_merge_lock
-- Both leads under a row lock, in id order so two merges cannot deadlock.
SELECT id, status::text, "anonymizedAt" IS NOT NULL
FROM "Lead" WHERE id IN ($1, $2)
ORDER BY id
FOR UPDATE

-- name: leads_write_merge_move
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
