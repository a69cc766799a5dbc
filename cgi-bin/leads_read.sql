-- Statements of cgi-bin/leads_read.c: lead list, detail, duplicates.
-- Parameters are text; casts are explicit.  The responses are built here as
-- JSON text (timestamps through izzy_ts, money through izzy_money).

-- name: leads_list
-- One list page (spec/api.md section 4.5.2) in one statement: the total and the
-- page's ids from izzy_lead_page() (0036: its statements keep generic plans, so
-- nothing is planned per request) or, for a search, from leads_list_search_page
-- run just before, then the lead summaries (section 4.5 "Lead summary") of those
-- ids in that order, with consentStatus (section 7.5): the active templates once,
-- each lead's records and given templates from its "LeadConsent" row (0026; no
-- row: no records).
--   $1 actor role  $2 actor id  $3 actor partner (NULL: none)
--   $4 partnerId filter  $5 status filter (text[] literal, NULL: any)
--   $6 'true': unassigned only  $7 assignedUserId filter  $8 page  $9 perPage
--   $10 NULL, or the page's ids (text[] literal) found by leads_list_search_page
--   $11 with $10: the search's total
-- (The two sources are one-time filters of one statement: the search's own
-- query stays out of it, so this statement keeps its generic plan.)
-- Result: total, summaries (JSON array text), the statement's snapshot and the
-- epoch of the earliest instant at which a summary changes without a write (an
-- SLA deadline of izzy_sla_next_due(), 0038, or a template's validity bound,
-- 0039; NULL: none), for the program's cache (leads_read.c, schema 0037/0038).
WITH pg AS MATERIALIZED (
	SELECT p.total, p.ids
	FROM izzy_lead_page($1, $2, $3, $4, $5::text[], $6::boolean, $7, $8::bigint, $9::int, NULL) p
	WHERE $10::text IS NULL
	UNION ALL
	SELECT $11::bigint, $10::text[]
	WHERE $10::text IS NOT NULL
), tpl AS (
	SELECT coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'lead_creation'), '{}') AS req_lead,
	       coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'financing_application'), '{}') AS req_fin,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'lead_creation'), '{}') AS opt_lead,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'financing_application'), '{}') AS opt_fin
	FROM "ConsentTemplate"
	WHERE "isActive" AND "formType" IN ('lead_creation', 'financing_application')
	  AND "validFrom" <= now() AND ("validTo" IS NULL OR "validTo" > now())
)
SELECT (SELECT total FROM pg),
       coalesce(json_agg(json_build_object(
	'id', l.id,
	'status', l.status,
	'partnerId', l."partnerId",
	'leadCreatedAt', izzy_ts(l."leadCreatedAt"),
	'claimedAt', izzy_ts(l."claimedAt"),
	'lastContactAt', izzy_ts(l."lastContactAt"),
	'nextActionAt', izzy_ts(l."nextActionAt"),
	'sla', izzy_sla_json(sl),
	'createdByUserId', l."createdByUserId",
	'assignedUser', CASE WHEN u.id IS NOT NULL THEN
		json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email) END,
	'partner', json_build_object('id', pa.id, 'name', pa.name),
	'customerProfile', CASE WHEN cp.id IS NOT NULL THEN
		json_build_object('firstName', cp."firstName", 'lastName', cp."lastName",
		    'email', cp.email, 'phone', cp.phone) END,
	'consentRecords', coalesce(c.records, '[]'),
	'applicationForm', CASE WHEN af.id IS NOT NULL THEN
		json_build_object('id', af.id, 'status', af.status) END,
	'insuranceOnboarding', CASE WHEN io.id IS NOT NULL THEN
		json_build_object('status', io.status) END,
	'consentStatus', izzy_consent_status(
		CASE WHEN af.id IS NOT NULL OR c.financing THEN t.req_lead || t.req_fin ELSE t.req_lead END,
		CASE WHEN af.id IS NOT NULL OR c.financing THEN t.opt_lead || t.opt_fin ELSE t.opt_lead END,
		c.given)) ORDER BY p.n), '[]')::text,
       pg_current_snapshot()::text,
       extract(epoch FROM least(min(izzy_sla_next_due(sl)), izzy_consent_templates_next_change()))
FROM pg
CROSS JOIN LATERAL unnest(pg.ids) WITH ORDINALITY AS p(id, n)
JOIN "Lead" l ON l.id = p.id
JOIN "Partner" pa ON pa.id = l."partnerId"
LEFT JOIN "User" u ON u.id = l."assignedUserId"
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
LEFT JOIN "ApplicationForm" af ON af."leadId" = l.id
LEFT JOIN "InsuranceOnboardingSession" io ON io."leadId" = l.id
CROSS JOIN tpl t
LEFT JOIN "LeadConsent" c ON c.id = l.id
LEFT JOIN "LeadSla" sl ON sl."leadId" = l.id

-- name: leads_list_search_page
-- The page of a list search (section 4.5.2), for leads_list: the total, the
-- page's ids (text[] literal) and this statement's snapshot (the older of the
-- two, so the one a cached answer is checked against: a write committed
-- between the two statements then counts).  $1..$9 as leads_list, $10 an ILIKE pattern
-- ('%term%' with the term's wildcards escaped by the handler) matched against
-- the customer's first name, last name, e-mail and phone, each through its
-- trigram index (0006).  The matching customers' lead ids are collected first
-- and their leads fetched by primary key (a join would hash every lead); the
-- few matches are then counted and sorted once.  The pattern is wrapped in a
-- sub-select, so that neither planning runs it against the column statistics
-- (which costs more than the search) nor a generic plan gives up the indexes:
-- the plan is the same for every pattern and is kept.
WITH f AS MATERIALIZED (
	SELECT l.id, l."leadCreatedAt"
	FROM "Lead" l
	WHERE l.id = ANY (ARRAY(SELECT s."leadId" FROM "CustomerProfile" s
		WHERE s."firstName" ILIKE (SELECT $10::text) OR s."lastName" ILIKE (SELECT $10::text)
		   OR s.email ILIKE (SELECT $10::text) OR s.phone ILIKE (SELECT $10::text)))
	  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
	  AND ($5::text[] IS NULL OR l.status = ANY ($5::text[]::"LeadStatus"[]))
	  AND (CASE WHEN $6::boolean THEN l."assignedUserId" IS NULL
	            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7::text
	            ELSE true END)
)
SELECT (SELECT count(*) FROM f),
       (SELECT coalesce(array_agg(id), '{}') FROM (
		SELECT id FROM f
		ORDER BY "leadCreatedAt" DESC, id DESC
		LIMIT $9::int OFFSET ($8::bigint - 1) * $9::int) p)::text,
       pg_current_snapshot()::text

-- name: leads_detail
-- The whole detail (spec/api.md section 4.5.3) in one statement, the access
-- check included (lead_access() for reading, in the same round trip), with the
-- stale client-activity flag switched off on the way (FR-26; reported as false).
--   $1 lead id  $2 'true' for partner-scoped actors: no formData, unlock
--   history or uniqueLink (the client's own link), no audit trail, no consent
--   IP/user agent ([SEC] of 4.5.3).  $3 actor role  $4 actor id  $5 actor
--   partner (NULL: none).
-- No row: no such lead (404).  visible false: the actor may not see it (403);
-- nothing is then built or written.
-- Nobody gets a document's storageKey or a consent's accessCodeHash.
-- Result: visible, the detail (JSON text), the statement's snapshot and the
-- epoch of the earliest instant at which the detail changes without a write
-- (its SLA deadline, the client-activity flag's 5 minutes running out, a
-- template's validity bound; NULL: none), for the program's cache
-- (leads_read.c, schema 0039).
WITH lk AS (
	SELECT l.id,
	       izzy_lead_visible($3, $4, $5, l."partnerId", l."assignedUserId", l."createdByUserId")
	           IS TRUE AS visible
	FROM "Lead" l
	WHERE l.id = $1
), stale AS (
	UPDATE "ApplicationForm" SET "isClientActive" = false
	WHERE "leadId" = $1 AND "isClientActive" AND (SELECT visible FROM lk)
	  AND ("lastClientActivity" IS NULL OR "lastClientActivity" < now() - interval '5 minutes')
	RETURNING id
), tpl AS (
	SELECT coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'lead_creation'), '{}') AS req_lead,
	       coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'financing_application'), '{}') AS req_fin,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'lead_creation'), '{}') AS opt_lead,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'financing_application'), '{}') AS opt_fin
	FROM "ConsentTemplate"
	WHERE "isActive" AND "formType" IN ('lead_creation', 'financing_application')
	  AND "validFrom" <= now() AND ("validTo" IS NULL OR "validTo" > now())
), cons AS (
	SELECT json_agg(json_build_object(
		'id', r.id,
		'consentTemplateId', r."consentTemplateId",
		'consentType', r."consentType",
		'applicationFormId', r."applicationFormId",
		'leadId', r."leadId",
		'consentGiven', r."consentGiven",
		'consentMethod', r."consentMethod",
		'ipAddress', CASE WHEN NOT $2::boolean THEN r."ipAddress" END,
		'userAgent', CASE WHEN NOT $2::boolean THEN r."userAgent" END,
		'recordedByUserId', r."recordedByUserId",
		'partnerId', r."partnerId",
		'recordedAt', izzy_ts(r."recordedAt"),
		'withdrawnAt', izzy_ts(r."withdrawnAt"),
		'notes', r.notes,
		'version', r.version,
		'consentText', r."consentText",
		'helpTextSnapshot', r."helpTextSnapshot",
		'createdAt', izzy_ts(r."createdAt"),
		'updatedAt', izzy_ts(r."updatedAt"),
		'consentTemplate', json_build_object('id', ct.id, 'title', ct.title, 'content', ct.content,
			'version', ct.version, 'isRequired', ct."isRequired", 'formType', ct."formType"),
		'recordedBy', CASE WHEN ru.id IS NOT NULL THEN
			json_build_object('id', ru.id, 'fullName', ru."fullName", 'email', ru.email) END,
		'partner', CASE WHEN rp.id IS NOT NULL THEN json_build_object('id', rp.id, 'name', rp.name) END)
		ORDER BY r."recordedAt" DESC, r.id) AS records
	FROM "ConsentRecord" r
	JOIN "ConsentTemplate" ct ON ct.id = r."consentTemplateId"
	LEFT JOIN "User" ru ON ru.id = r."recordedByUserId"
	LEFT JOIN "Partner" rp ON rp.id = r."partnerId"
	WHERE r."leadId" = $1 AND (SELECT visible FROM lk)
)
SELECT lk.visible, CASE WHEN lk.visible THEN json_build_object(
	'id', l.id,
	'partnerId', l."partnerId",
	'assignedUserId', l."assignedUserId",
	'createdByUserId', l."createdByUserId",
	'status', l.status,
	'sourceMetadata', l."sourceMetadata",
	'leadCreatedAt', izzy_ts(l."leadCreatedAt"),
	'claimedAt', izzy_ts(l."claimedAt"),
	'lastContactAt', izzy_ts(l."lastContactAt"),
	'nextActionAt', izzy_ts(l."nextActionAt"),
	'sla', izzy_sla_json(sl),
	'createdAt', izzy_ts(l."createdAt"),
	'updatedAt', izzy_ts(l."updatedAt"),
	'mergedIntoId', l."mergedIntoId",
	'anonymizedAt', izzy_ts(l."anonymizedAt"),
	'anonymizedById', l."anonymizedById",
	'leadNotesText', l.notes,
	'partner', json_build_object('id', pa.id, 'name', pa.name),
	'assignedUser', CASE WHEN u.id IS NOT NULL THEN
		json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email) END,
	'customerProfile', CASE WHEN cp.id IS NOT NULL THEN json_build_object(
		'id', cp.id, 'leadId', cp."leadId", 'firstName', cp."firstName", 'lastName', cp."lastName",
		'dateOfBirth', izzy_ts(cp."dateOfBirth"), 'nationalIdHash', cp."nationalIdHash",
		'email', cp.email, 'phone', cp.phone, 'alternateEmails', cp."alternateEmails",
		'employmentInfo', cp."employmentInfo", 'address', cp.address,
		'createdAt', izzy_ts(cp."createdAt"), 'updatedAt', izzy_ts(cp."updatedAt")) END,
	'vehicleCurrent', (SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make,
		'model', v.model, 'year', v.year, 'mileage', v.mileage, 'ownershipStatus', v."ownershipStatus",
		'vin', v.vin) FROM "VehicleCurrent" v WHERE v."leadId" = l.id),
	'vehicleDesired', (SELECT json_build_object('id', v.id, 'leadId', v."leadId", 'make', v.make,
		'model', v.model, 'year', v.year, 'budget', izzy_money(v.budget), 'preferences', v.preferences)
		FROM "VehicleDesired" v WHERE v."leadId" = l.id),
	'applicationForm', CASE WHEN af.id IS NOT NULL THEN CASE WHEN $2::boolean THEN json_build_object(
		'id', af.id, 'status', af.status,
		'isClientActive', af."isClientActive" AND NOT EXISTS (SELECT 1 FROM stale),
		'linkExpiresAt', izzy_ts(af."linkExpiresAt"),
		'submittedAt', izzy_ts(af."submittedAt"), 'lastClientActivity', izzy_ts(af."lastClientActivity"))
	ELSE json_build_object(
		'id', af.id, 'status', af.status,
		'isClientActive', af."isClientActive" AND NOT EXISTS (SELECT 1 FROM stale),
		'uniqueLink', af."uniqueLink", 'linkExpiresAt', izzy_ts(af."linkExpiresAt"),
		'submittedAt', izzy_ts(af."submittedAt"), 'lastClientActivity', izzy_ts(af."lastClientActivity"),
		'unlockHistory', af."unlockHistory", 'formData', af."formData") END END,
	'financingApps', coalesce((SELECT json_agg(json_build_object('id', f.id, 'leadId', f."leadId",
		'bank', f.bank, 'loanAmount', izzy_money(f."loanAmount"), 'downPayment', izzy_money(f."downPayment"),
		'termMonths', f."termMonths", 'income', izzy_money(f.income), 'expenses', izzy_money(f.expenses),
		'creditScore', f."creditScore", 'submittedBy', f."submittedBy", 'submittedAt', izzy_ts(f."submittedAt"),
		'bankReference', f."bankReference", 'decision', f.decision, 'decisionAt', izzy_ts(f."decisionAt"),
		'createdAt', izzy_ts(f."createdAt"), 'updatedAt', izzy_ts(f."updatedAt"))
		ORDER BY f."createdAt" DESC, f.id) FROM "FinancingApplication" f WHERE f."leadId" = l.id), '[]'),
	'documents', coalesce((SELECT json_agg(json_build_object('id', d.id, 'leadId', d."leadId",
		'type', d.type,
		-- a stored file opens through the documents program's authorised path (SR-27)
		'filePath', CASE WHEN d."storageProvider" IS NULL THEN d."filePath"
			ELSE '/api/leads/' || d."leadId" || '/documents/' || d.id || '/download' END,
		'version', d.version, 'uploadedBy', d."uploadedBy",
		'uploadedAt', izzy_ts(d."uploadedAt"), 'checksum', d.checksum, 'originalName', d."originalName",
		'mimeType', d."mimeType", 'sizeBytes', d."sizeBytes", 'storageProvider', d."storageProvider")
		ORDER BY d."uploadedAt" DESC, d.id) FROM "Document" d WHERE d."leadId" = l.id), '[]'),
	'offers', coalesce((SELECT json_agg(json_build_object('id', o.id, 'leadId', o."leadId",
		'title', o.title, 'url', o.url, 'price', izzy_money(o.price), 'currency', o.currency,
		'availabilityStatus', o."availabilityStatus",
		'availabilityCheckedAt', izzy_ts(o."availabilityCheckedAt"), 'notes', o.notes,
		'createdAt', izzy_ts(o."createdAt"), 'updatedAt', izzy_ts(o."updatedAt"))
		ORDER BY o."createdAt" DESC, o.id) FROM "Offer" o WHERE o."leadId" = l.id), '[]'),
	'agreement', (SELECT json_build_object('id', a.id, 'leadId', a."leadId", 'version', a.version,
		'draftFilePath', a."draftFilePath", 'signatureStatus', a."signatureStatus",
		'signedFilePath', a."signedFilePath", 'signedAt', izzy_ts(a."signedAt"),
		'signatureMethod', a."signatureMethod", 'notes', a.notes,
		'createdAt', izzy_ts(a."createdAt"), 'updatedAt', izzy_ts(a."updatedAt"))
		FROM "Agreement" a WHERE a."leadId" = l.id),
	'reminders', coalesce((SELECT json_agg(json_build_object('id', m.id, 'leadId', m."leadId",
		'assignedUserId', m."assignedUserId", 'dueAt', izzy_ts(m."dueAt"), 'description', m.description,
		'status', m.status, 'createdAt', izzy_ts(m."createdAt"), 'updatedAt', izzy_ts(m."updatedAt"))
		ORDER BY m."dueAt", m.id) FROM "Reminder" m WHERE m."leadId" = l.id), '[]'),
	'auditLogs', CASE WHEN $2::boolean THEN '[]'::json ELSE coalesce((SELECT json_agg(json_build_object(
		'id', x.id, 'leadId', x."leadId", 'userId', x."userId", 'action', x.action, 'field', x.field,
		'oldValue', x."oldValue", 'newValue', x."newValue", 'metadata', x.metadata,
		'createdAt', izzy_ts(x."createdAt"),
		'user', CASE WHEN x.uid IS NOT NULL THEN
			json_build_object('id', x.uid, 'fullName', x."fullName", 'email', x.email) END)
		ORDER BY x."createdAt" DESC, x.id DESC)
		FROM (SELECT g.id, g."leadId", g."userId", g.action, g.field, g."oldValue", g."newValue",
		             g.metadata, g."createdAt", gu.id AS uid, gu."fullName", gu.email
		      FROM "AuditLog" g LEFT JOIN "User" gu ON gu.id = g."userId"
		      WHERE g."leadId" = l.id
		      ORDER BY g."createdAt" DESC, g.id DESC LIMIT 50) x), '[]') END,
	'consentRecords', coalesce(c.records, '[]'),
	'notes', coalesce((SELECT json_agg(json_build_object('id', n.id, 'leadId', n."leadId",
		'authorId', n."authorId", 'content', n.content, 'link', n.link, 'type', n.type,
		'metadata', n.metadata, 'createdAt', izzy_ts(n."createdAt"),
		'author', CASE WHEN na.id IS NOT NULL THEN
			json_build_object('id', na.id, 'fullName', na."fullName", 'email', na.email) END)
		ORDER BY n."createdAt" DESC, n.id DESC)
		FROM "LeadNote" n LEFT JOIN "User" na ON na.id = n."authorId" WHERE n."leadId" = l.id), '[]'),
	'statusHistory', coalesce((SELECT json_agg(json_build_object('id', h.id, 'leadId', h."leadId",
		'oldStatus', h."oldStatus", 'newStatus', h."newStatus", 'changedById', h."changedById",
		'timestamp', izzy_ts(h."timestamp"), 'reason', h.reason,
		'reasonCode', h."reasonCode", 'override', h.override,
		'changedBy', CASE WHEN hu.id IS NOT NULL THEN
			json_build_object('id', hu.id, 'fullName', hu."fullName", 'email', hu.email) END)
		ORDER BY h."timestamp" DESC, h.id DESC)
		FROM "LeadStatusHistory" h LEFT JOIN "User" hu ON hu.id = h."changedById"
		WHERE h."leadId" = l.id), '[]'),
	'consentStatus', izzy_consent_status(
		CASE WHEN af.id IS NOT NULL OR lc.financing THEN t.req_lead || t.req_fin ELSE t.req_lead END,
		CASE WHEN af.id IS NOT NULL OR lc.financing THEN t.opt_lead || t.opt_fin ELSE t.opt_lead END,
		lc.given)
)::text END,
	pg_current_snapshot()::text,
	extract(epoch FROM least(izzy_sla_next_due(sl),
		CASE WHEN af."isClientActive" AND NOT EXISTS (SELECT 1 FROM stale)
			THEN af."lastClientActivity" + interval '5 minutes' END,
		izzy_consent_templates_next_change()))
FROM "Lead" l
JOIN lk ON lk.id = l.id
JOIN "Partner" pa ON pa.id = l."partnerId"
LEFT JOIN "User" u ON u.id = l."assignedUserId"
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
LEFT JOIN "ApplicationForm" af ON af."leadId" = l.id
LEFT JOIN "LeadSla" sl ON sl."leadId" = l.id
CROSS JOIN tpl t
CROSS JOIN cons c
LEFT JOIN "LeadConsent" lc ON lc.id = l.id
WHERE l.id = $1

-- name: leads_duplicates
-- Leads the actor may see whose customer has the e-mail (case-insensitive),
-- the phone (last 9 digits) or the PESEL hash given (FR-28).  Merged and
-- anonymised leads are left out.  $1..$3 actor, $4 e-mail, $5 phone,
-- $6 PESEL hash, $7 lead to leave out.
SELECT coalesce(json_agg(json_build_object(
	'id', d.id, 'status', d.status,
	'customerProfile', json_build_object('firstName', d."firstName", 'lastName', d."lastName",
		'email', d.email, 'phone', d.phone),
	'leadCreatedAt', izzy_ts(d."leadCreatedAt")) ORDER BY d."leadCreatedAt" DESC, d.id DESC), '[]')::text
FROM (
	SELECT l.id, l.status, l."leadCreatedAt", cp."firstName", cp."lastName", cp.email, cp.phone
	FROM "CustomerProfile" cp
	JOIN "Lead" l ON l.id = cp."leadId"
	WHERE (lower(cp.email) = lower($4::text)
	       OR izzy_phone_key(cp.phone) = izzy_phone_key($5::text)
	       OR cp."nationalIdHash" = $6::text)
	  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND l.status <> 'MERGED' AND l."anonymizedAt" IS NULL
	  AND l.id IS DISTINCT FROM $7::text
	ORDER BY l."leadCreatedAt" DESC, l.id DESC
	LIMIT 20
) d

-- name: leads_board
-- The pipeline board (issue 13): per status, the number of leads the actor
-- may see under the list's filters and the first $8 of them, newest first
-- (the list's order, so "more" is GET /api/leads?status=X&page=N), in one
-- statement.  $1..$7 as leads_list_page, $8 perColumn.
-- The totals sum the counter groups of 0010 (as the list's total), grouped
-- by status in one pass; each column walks "Lead_status_leadCreatedAt_idx"
-- (0025) and stops after $8 rows; the customer's name comes from the
-- covering "CustomerProfile_leadId_names_idx" (0031, no heap visit); the
-- answer is concatenated as text (no json_object_agg copy of 950 cards).  A card, kept small (950 of them per answer): id, status, partner,
-- assignee, the customer's name, leadCreatedAt (the age) and "sla" (the
-- badge's part of the lead's "LeadSla" row, izzy_sla_card_json of schema 0037;
-- null when the badge shows nothing).
-- Columns 2 and 3 let leads_read.c cache the answer (schema 0037): the
-- statement's snapshot, and the epoch of the earliest open deadline among the
-- cards still ahead of izzy_now() (a card's "breached" turns true then; NULL:
-- none).
WITH k AS MATERIALIZED (
	SELECT k.status, sum(k.n) AS n FROM "LeadCount" k
	WHERE $1 <> 'PARTNER_EMPLOYEE'
	  AND izzy_lead_visible($1, $2, $3, k."partnerId", k."assignedUserId", NULL)
	  AND ($4::text IS NULL OR k."partnerId" = $4::text)
	  AND (CASE WHEN $6::boolean THEN k."assignedUserId" = ''
	            WHEN $7::text IS NOT NULL THEN k."assignedUserId" = $7::text
	            ELSE true END)
	GROUP BY k.status
	UNION ALL
	SELECT k.status, sum(k.n) FROM "LeadCountByCreator" k
	WHERE $1 = 'PARTNER_EMPLOYEE'
	  AND izzy_lead_visible($1, $2, $3, k."partnerId", k."assignedUserId", k."createdByUserId")
	  AND ($4::text IS NULL OR k."partnerId" = $4::text)
	  AND (CASE WHEN $6::boolean THEN k."assignedUserId" = ''
	            WHEN $7::text IS NOT NULL THEN k."assignedUserId" = $7::text
	            ELSE true END)
	GROUP BY k.status
)
SELECT '{"perColumn":' || $8::int || ',"columns":{' || string_agg(
	to_json(s.status::text)::text || ':{"total":' || coalesce(k.n, 0) || ',"leads":'
	|| coalesce(c.cards, '[]') || '}', ',') || '}}',
	pg_current_snapshot()::text,
	extract(epoch FROM min(c.next_due))
FROM unnest(coalesce($5::text[]::"LeadStatus"[], enum_range(NULL::"LeadStatus"))) AS s(status)
LEFT JOIN k ON k.status = s.status
LEFT JOIN LATERAL (
	SELECT json_agg(json_build_object(
		'id', l.id,
		'status', l.status,
		'partnerId', l."partnerId",
		'partner', json_build_object('id', pa.id, 'name', pa.name),
		'assignedUser', CASE WHEN u.id IS NOT NULL THEN
			json_build_object('id', u.id, 'fullName', u."fullName") END,
		'customerProfile', CASE WHEN cp.id IS NOT NULL THEN
			json_build_object('firstName', cp."firstName", 'lastName', cp."lastName") END,
		'leadCreatedAt', izzy_ts(l."leadCreatedAt"),
		'sla', izzy_sla_card_json(sl)) ORDER BY l."leadCreatedAt" DESC, l.id DESC)::text AS cards,
		min(izzy_sla_next_due(sl)) AS next_due
	FROM (
		SELECT l.id, l.status, l."partnerId", l."assignedUserId", l."leadCreatedAt"
		FROM "Lead" l
		WHERE l.status = s.status
		  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
		  AND ($4::text IS NULL OR l."partnerId" = $4::text)
		  AND (CASE WHEN $6::boolean THEN l."assignedUserId" IS NULL
		            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7::text
		            ELSE true END)
		ORDER BY l."leadCreatedAt" DESC, l.id DESC
		LIMIT $8::int
	) l
	JOIN "Partner" pa ON pa.id = l."partnerId"
	LEFT JOIN "User" u ON u.id = l."assignedUserId"
	LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
	LEFT JOIN "LeadSla" sl ON sl."leadId" = l.id
) c ON true

-- name: leads_answer_fresh
-- Whether a cached board or list answer still holds (leads_read.c): no write to
-- what they read committed since its snapshot $1 (schema 0037, 0038), and its
-- earliest open deadline $2 (an epoch; NULL: none) not yet passed.
SELECT NOT izzy_lead_change_since($1::pg_snapshot, '{L}')
	AND ($2::double precision IS NULL OR izzy_now() < to_timestamp($2::double precision))

-- name: leads_detail_fresh
-- leads_answer_fresh for a cached detail: no write to anything the detail reads
-- (schema 0039: either kind of "LeadChange").
SELECT NOT izzy_lead_change_since($1::pg_snapshot, '{L,D}')
	AND ($2::double precision IS NULL OR izzy_now() < to_timestamp($2::double precision))

-- name: leads_board_search
-- leads_board with the list's search ($9, an ILIKE pattern as in
-- leads_list_search_page): the few matching leads are collected once, then
-- counted and cut per status.
WITH f AS MATERIALIZED (
	SELECT l.id, l.status, l."partnerId", l."assignedUserId", l."leadCreatedAt",
	       row_number() OVER (PARTITION BY l.status ORDER BY l."leadCreatedAt" DESC, l.id DESC) AS rn
	FROM "Lead" l
	WHERE l.id = ANY (ARRAY(SELECT s."leadId" FROM "CustomerProfile" s
		WHERE s."firstName" ILIKE (SELECT $9::text) OR s."lastName" ILIKE (SELECT $9::text)
		   OR s.email ILIKE (SELECT $9::text) OR s.phone ILIKE (SELECT $9::text)))
	  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
	  AND ($5::text[] IS NULL OR l.status = ANY ($5::text[]::"LeadStatus"[]))
	  AND (CASE WHEN $6::boolean THEN l."assignedUserId" IS NULL
	            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7::text
	            ELSE true END)
), s AS (
	SELECT e AS status
	FROM unnest(coalesce($5::text[]::"LeadStatus"[], enum_range(NULL::"LeadStatus"))) e
)
SELECT json_build_object('perColumn', $8::int, 'columns', json_object_agg(s.status, json_build_object(
	'total', (SELECT count(*) FROM f WHERE f.status = s.status),
	'leads', coalesce((SELECT json_agg(json_build_object(
		'id', f.id,
		'status', f.status,
		'partnerId', f."partnerId",
		'partner', json_build_object('id', pa.id, 'name', pa.name),
		'assignedUser', CASE WHEN u.id IS NOT NULL THEN
			json_build_object('id', u.id, 'fullName', u."fullName") END,
		'customerProfile', CASE WHEN cp.id IS NOT NULL THEN
			json_build_object('firstName', cp."firstName", 'lastName', cp."lastName") END,
		'leadCreatedAt', izzy_ts(f."leadCreatedAt"),
		'sla', izzy_sla_card_json(sl)) ORDER BY f."leadCreatedAt" DESC, f.id DESC)
		FROM f
		JOIN "Partner" pa ON pa.id = f."partnerId"
		LEFT JOIN "User" u ON u.id = f."assignedUserId"
		LEFT JOIN "CustomerProfile" cp ON cp."leadId" = f.id
		LEFT JOIN "LeadSla" sl ON sl."leadId" = f.id
		WHERE f.status = s.status AND f.rn <= $8::int), '[]'::json))))::text
FROM s
