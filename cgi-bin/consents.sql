-- Statements of cgi-bin/consents.c.

-- name: consents_templates_list
-- spec §4.9.1: one form type, active ones (within their validity window,
-- SR-36) unless $2 asks for all, in ConsentType declaration order, newest
-- version first.
SELECT json_build_object('data', coalesce(json_agg(json_build_object(
	'id', t.id, 'consentType', t."consentType", 'formType', t."formType",
	'title', t.title, 'content', t.content, 'helpText', t."helpText",
	'version', t.version, 'validFrom', izzy_ts(t."validFrom"), 'validTo', izzy_ts(t."validTo"),
	'isActive', t."isActive", 'isRequired', t."isRequired", 'tags', t.tags,
	'createdByUserId', t."createdByUserId", 'createdAt', izzy_ts(t."createdAt"),
	'updatedAt', izzy_ts(t."updatedAt"))
	ORDER BY t."consentType", t.version DESC), '[]'::json))::text
FROM "ConsentTemplate" t
WHERE t."formType" = $1
  AND ($2::boolean OR (t."isActive"
	AND (t."validFrom" IS NULL OR t."validFrom" <= now())
	AND (t."validTo" IS NULL OR t."validTo" > now())))

-- name: consents_template_get
-- One template (§4.9 shape) plus "current" (it is the version new records get)
-- and "versions": every version of its family (consentType, formType), newest first.
SELECT json_build_object(
	'id', t.id, 'consentType', t."consentType", 'formType', t."formType",
	'title', t.title, 'content', t.content, 'helpText', t."helpText",
	'version', t.version, 'validFrom', izzy_ts(t."validFrom"), 'validTo', izzy_ts(t."validTo"),
	'isActive', t."isActive", 'isRequired', t."isRequired", 'tags', t.tags,
	'createdByUserId', t."createdByUserId", 'createdAt', izzy_ts(t."createdAt"),
	'updatedAt', izzy_ts(t."updatedAt"),
	'current', t.id IS NOT DISTINCT FROM izzy_consent_current(t."consentType", t."formType"),
	'versions', (SELECT json_agg(json_build_object('id', v.id, 'version', v.version,
		'title', v.title, 'validFrom', izzy_ts(v."validFrom"), 'validTo', izzy_ts(v."validTo"),
		'isActive', v."isActive", 'createdByUserId', v."createdByUserId",
		'records', (SELECT count(*) FROM "ConsentRecord" r WHERE r."consentTemplateId" = v.id))
		ORDER BY v.version DESC)
		FROM "ConsentTemplate" v
		WHERE v."consentType" = t."consentType" AND v."formType" = t."formType"))::text
FROM "ConsentTemplate" t
WHERE t.id = $1

-- name: consents_template_insert
-- §4.9.2.  $7 the version, NULL = the next of its family (SR-36 automatic
-- numbering); $10 the tags as a JSON array.  A taken version is 23505.
INSERT INTO "ConsentTemplate" (id, "consentType", "formType", title, content, "helpText", version,
	"isActive", "isRequired", tags, "createdByUserId", "validFrom", "validTo")
SELECT $1, $2::"ConsentType", $3, $4, $5, $6,
       coalesce($7::int, (SELECT coalesce(max(v.version), 0) + 1 FROM "ConsentTemplate" v
                          WHERE v."consentType" = $2::"ConsentType" AND v."formType" = $3)),
       $8::boolean, $9::boolean, ARRAY(SELECT jsonb_array_elements_text($10::jsonb)), $11, now(), NULL
RETURNING id

-- name: consents_template_lock
-- The row a PUT edits, locked so two edits (or an edit and a capture, which
-- holds it FOR SHARE) cannot both act on the same version.
SELECT "consentType", "formType", title, content, "helpText", version, "isActive"::text,
       "isRequired"::text, array_to_json(tags)::text,
       ("validTo" IS NOT NULL AND "validTo" <= now())::text AS closed
FROM "ConsentTemplate"
WHERE id = $1
FOR UPDATE

-- name: consents_template_next
-- SR-36: an edit of a published version is version N+1 of its family, valid
-- from now; the edited version is closed (validTo = now).  $1 the edited id,
-- $2 the new id; NULL fields keep the old value, $6 says whether $5 (helpText,
-- which may become NULL) was given; $9 tags as JSON or NULL.
WITH old AS (
	SELECT o.* FROM "ConsentTemplate" o WHERE o.id = $1
), closed AS (
	UPDATE "ConsentTemplate" c SET "validTo" = now()
	FROM old WHERE c.id = old.id
	RETURNING c.id
)
INSERT INTO "ConsentTemplate" (id, "consentType", "formType", title, content, "helpText", version,
	"isActive", "isRequired", tags, "createdByUserId", "validFrom", "validTo")
SELECT $2, o."consentType", o."formType", coalesce($3, o.title), coalesce($4, o.content),
       CASE WHEN $6::boolean THEN $5 ELSE o."helpText" END,
       (SELECT max(v.version) + 1 FROM "ConsentTemplate" v
        WHERE v."consentType" = o."consentType" AND v."formType" = o."formType"),
       coalesce($7::boolean, o."isActive"), coalesce($8::boolean, o."isRequired"),
       CASE WHEN $9::jsonb IS NULL THEN o.tags ELSE ARRAY(SELECT jsonb_array_elements_text($9::jsonb)) END, $10, now(), NULL
FROM old o, closed
RETURNING id

-- name: consents_template_flags
-- What an edit may change in place: whether the version is offered and its
-- free labels; neither is part of the text a person answered.
UPDATE "ConsentTemplate"
SET "isActive" = coalesce($2::boolean, "isActive"),
    tags = CASE WHEN $3::jsonb IS NULL THEN tags ELSE ARRAY(SELECT jsonb_array_elements_text($3::jsonb)) END
WHERE id = $1
RETURNING id

-- name: consents_template_deactivate
-- FR-30/SR-36: deleting a template only deactivates it; records keep pointing
-- at the exact version the person saw.
UPDATE "ConsentTemplate" SET "isActive" = false WHERE id = $1 RETURNING id

-- name: consents_template_diff
-- Two versions of the family of template $1: "to" is version $3 (default: $1's
-- own), "from" version $2 (default: the newest below "to").  Columns: the two
-- template JSONs (NULL when missing), then their contents.
WITH t AS (
	SELECT "consentType", "formType", version FROM "ConsentTemplate" WHERE id = $1
), tov AS (
	SELECT v.* FROM "ConsentTemplate" v, t
	WHERE v."consentType" = t."consentType" AND v."formType" = t."formType"
	  AND v.version = coalesce($3::int, t.version)
), fromv AS (
	SELECT v.* FROM "ConsentTemplate" v, t
	WHERE v."consentType" = t."consentType" AND v."formType" = t."formType"
	  AND ($2::int IS NULL AND v.version < coalesce($3::int, t.version) OR v.version = $2::int)
	ORDER BY v.version DESC LIMIT 1
)
SELECT (SELECT json_build_object('id', f.id, 'version', f.version, 'title', f.title,
		'helpText', f."helpText", 'isRequired', f."isRequired", 'isActive', f."isActive",
		'validFrom', izzy_ts(f."validFrom"), 'validTo', izzy_ts(f."validTo"))::text FROM fromv f),
       (SELECT json_build_object('id', o.id, 'version', o.version, 'title', o.title,
		'helpText', o."helpText", 'isRequired', o."isRequired", 'isActive', o."isActive",
		'validFrom', izzy_ts(o."validFrom"), 'validTo', izzy_ts(o."validTo"))::text FROM tov o),
       (SELECT content FROM fromv), (SELECT content FROM tov),
       EXISTS (SELECT 1 FROM t)

-- name: consents_audit
-- SR-45: template changes and archive exports (not one lead's, so not AuditLog).
INSERT INTO "ConsentAuditLog" (id, "actorId", action, "templateId", metadata)
VALUES ($1, $2, $3, $4, $5::jsonb)

-- name: consents_records_list
-- §4.10.1: one page of the archive as {"data":[record + relations], "count"}.
-- $1..$3 the actor, $4..$16 the filters and order, $17 skip, $18 take.
WITH page AS (
	SELECT p.id, p.ord FROM izzy_consent_records_page($1, $2, $3, $4, $5, $6, $7::boolean, $8, $9,
		$10::timestamptz, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14, $15, $16,
		$17::bigint, $18::bigint) p
)
SELECT json_build_object('data', coalesce((
	SELECT json_agg(json_build_object(
		'id', r.id, 'consentTemplateId', r."consentTemplateId", 'consentType', r."consentType",
		'applicationFormId', r."applicationFormId", 'leadId', r."leadId",
		'consentGiven', r."consentGiven", 'consentMethod', r."consentMethod",
		'ipAddress', r."ipAddress", 'userAgent', r."userAgent",
		'recordedByUserId', r."recordedByUserId", 'partnerId', r."partnerId",
		'recordedAt', izzy_ts(r."recordedAt"), 'withdrawnAt', izzy_ts(r."withdrawnAt"),
		'notes', r.notes, 'version', r.version, 'consentText', r."consentText",
		'helpTextSnapshot', r."helpTextSnapshot",
		'createdAt', izzy_ts(r."createdAt"), 'updatedAt', izzy_ts(r."updatedAt"),
		'needsClientConfirmation', r."needsClientConfirmation",
		'awaitingClientConfirmation', r."needsClientConfirmation" AND r."consentGiven"
			AND r."withdrawnAt" IS NULL AND NOT EXISTS (SELECT 1 FROM "ConsentRecord" c
				WHERE c."leadId" = r."leadId" AND c."consentType" = r."consentType"
				  AND c."consentMethod" = 'ONLINE_FORM' AND c."consentGiven"
				  AND c."recordedAt" >= r."recordedAt"),
		'withdrawnByUserId', r."withdrawnByUserId", 'withdrawalChannel', r."withdrawalChannel",
		'lead', json_build_object('id', l.id, 'customerProfile', CASE WHEN cp.id IS NOT NULL THEN
			json_build_object('firstName', cp."firstName", 'lastName', cp."lastName",
				'email', cp.email, 'phone', cp.phone) END),
		'recordedBy', CASE WHEN u.id IS NOT NULL THEN
			json_build_object('id', u.id, 'email', u.email, 'fullName', u."fullName") END,
		'partner', CASE WHEN pa.id IS NOT NULL THEN json_build_object('id', pa.id, 'name', pa.name) END,
		'consentTemplate', json_build_object('id', t.id, 'title', t.title, 'version', t.version))
		ORDER BY page.ord)
	FROM page
	JOIN "ConsentRecord" r ON r.id = page.id
	JOIN "Lead" l ON l.id = r."leadId"
	LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
	LEFT JOIN "User" u ON u.id = r."recordedByUserId"
	LEFT JOIN "Partner" pa ON pa.id = r."partnerId"
	JOIN "ConsentTemplate" t ON t.id = r."consentTemplateId"), '[]'::json),
	'count', (SELECT count(*) FROM izzy_consent_records_page($1, $2, $3, $4, $5, $6, $7::boolean, $8,
		$9, $10::timestamptz, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14, $15, $16,
		0, NULL)))::text

-- name: consents_records_export_json
-- §4.10.2 JSON: every match (no paging) with the relations of 4.10.1,
-- pretty-printed with 2-space indentation (jsonb_pretty indents by 4; a JSON text
-- has no raw line breaks inside strings, so every line starts with indentation
-- only); second column the number of records.
WITH page AS (
	SELECT p.id, p.ord FROM izzy_consent_records_page($1, $2, $3, $4, $5, $6, $7::boolean, $8, $9,
		$10::timestamptz, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14, $15, $16,
		0, NULL) p
), rows AS (
	SELECT page.ord, jsonb_build_object(
		'id', r.id, 'consentTemplateId', r."consentTemplateId", 'consentType', r."consentType",
		'applicationFormId', r."applicationFormId", 'leadId', r."leadId",
		'consentGiven', r."consentGiven", 'consentMethod', r."consentMethod",
		'ipAddress', r."ipAddress", 'userAgent', r."userAgent",
		'recordedByUserId', r."recordedByUserId", 'partnerId', r."partnerId",
		'recordedAt', izzy_ts(r."recordedAt"), 'withdrawnAt', izzy_ts(r."withdrawnAt"),
		'notes', r.notes, 'version', r.version, 'consentText', r."consentText",
		'helpTextSnapshot', r."helpTextSnapshot",
		'createdAt', izzy_ts(r."createdAt"), 'updatedAt', izzy_ts(r."updatedAt"),
		'needsClientConfirmation', r."needsClientConfirmation",
		'withdrawnByUserId', r."withdrawnByUserId", 'withdrawalChannel', r."withdrawalChannel",
		'lead', jsonb_build_object('id', l.id, 'customerProfile', CASE WHEN cp.id IS NOT NULL THEN
			jsonb_build_object('firstName', cp."firstName", 'lastName', cp."lastName",
				'email', cp.email, 'phone', cp.phone) END),
		'recordedBy', CASE WHEN u.id IS NOT NULL THEN
			jsonb_build_object('id', u.id, 'email', u.email, 'fullName', u."fullName") END,
		'partner', CASE WHEN pa.id IS NOT NULL THEN jsonb_build_object('id', pa.id, 'name', pa.name) END,
		'consentTemplate', jsonb_build_object('id', t.id, 'title', t.title, 'version', t.version)) AS j
	FROM page
	JOIN "ConsentRecord" r ON r.id = page.id
	JOIN "Lead" l ON l.id = r."leadId"
	LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
	LEFT JOIN "User" u ON u.id = r."recordedByUserId"
	LEFT JOIN "Partner" pa ON pa.id = r."partnerId"
	JOIN "ConsentTemplate" t ON t.id = r."consentTemplateId"
)
SELECT (SELECT string_agg(repeat(' ', (length(l) - length(ltrim(l, ' '))) / 2) || ltrim(l, ' '), chr(10) ORDER BY n)
	  FROM regexp_split_to_table(jsonb_pretty(coalesce((SELECT jsonb_agg(j ORDER BY ord) FROM rows), '[]'::jsonb)),
	                             chr(10)) WITH ORDINALITY AS x(l, n)),
       (SELECT count(*) FROM rows)

-- name: consents_records_export_csv
-- §4.10.2 CSV, RFC 4180 with formula-injection protection (the [SEC] fix):
-- the header and one line per record joined by \n, no trailing newline; an
-- empty text when nothing matches.  Second column the number of records.
WITH page AS (
	SELECT p.id, p.ord FROM izzy_consent_records_page($1, $2, $3, $4, $5, $6, $7::boolean, $8, $9,
		$10::timestamptz, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14, $15, $16,
		0, NULL) p
), lines AS (
	SELECT page.ord, concat_ws(',', izzy_csv_cell(r.id), izzy_csv_cell(izzy_ts(r."recordedAt")),
		izzy_csv_cell(r."leadId"), izzy_csv_cell(cp."firstName"), izzy_csv_cell(cp."lastName"),
		izzy_csv_cell(cp.email), izzy_csv_cell(cp.phone), izzy_csv_cell(t.title),
		izzy_csv_cell(r.version::text), izzy_csv_cell(r."consentGiven"::text),
		izzy_csv_cell(r."consentMethod"::text), izzy_csv_cell(u.email), izzy_csv_cell(u."fullName"),
		izzy_csv_cell(pa.name), izzy_csv_cell(r."ipAddress"), izzy_csv_cell(r."userAgent"),
		izzy_csv_cell(izzy_ts(r."withdrawnAt"))) AS line
	FROM page
	JOIN "ConsentRecord" r ON r.id = page.id
	LEFT JOIN "CustomerProfile" cp ON cp."leadId" = r."leadId"
	LEFT JOIN "User" u ON u.id = r."recordedByUserId"
	LEFT JOIN "Partner" pa ON pa.id = r."partnerId"
	JOIN "ConsentTemplate" t ON t.id = r."consentTemplateId"
)
SELECT CASE WHEN count(*) = 0 THEN ''
	ELSE 'recordId,recordedAt,leadId,clientFirstName,clientLastName,clientEmail,clientPhone,'
	     || 'consentTitle,consentTemplateVersion,consentGiven,consentMethod,recordedByEmail,'
	     || 'recordedByFullName,partnerName,ipAddress,userAgent,withdrawnAt' || chr(10)
	     || string_agg(line, chr(10) ORDER BY ord) END,
       count(*)
FROM lines

-- name: consents_record_lock
-- The record a withdrawal changes, locked (a second withdrawal waits, then sees it).
SELECT "leadId", "consentType", ("withdrawnAt" IS NOT NULL)::text
FROM "ConsentRecord"
WHERE id = $1
FOR UPDATE

-- name: consents_record_withdraw
-- SR-40: the only change a record ever gets.  Answers the record (§4.10.3,
-- no relations) and the withdrawal time.
UPDATE "ConsentRecord"
SET "withdrawnAt" = now(), "withdrawnByUserId" = $2, "withdrawalChannel" = $3
WHERE id = $1
RETURNING json_build_object(
	'id', id, 'consentTemplateId', "consentTemplateId", 'consentType', "consentType",
	'applicationFormId', "applicationFormId", 'leadId', "leadId",
	'consentGiven', "consentGiven", 'consentMethod', "consentMethod",
	'ipAddress', "ipAddress", 'userAgent', "userAgent",
	'recordedByUserId', "recordedByUserId", 'partnerId', "partnerId",
	'recordedAt', izzy_ts("recordedAt"), 'withdrawnAt', izzy_ts("withdrawnAt"),
	'notes', notes, 'version', version, 'consentText', "consentText",
	'helpTextSnapshot', "helpTextSnapshot",
	'createdAt', izzy_ts("createdAt"), 'updatedAt', izzy_ts("updatedAt"),
	'needsClientConfirmation', "needsClientConfirmation",
	'withdrawnByUserId', "withdrawnByUserId", 'withdrawalChannel', "withdrawalChannel")::text,
	izzy_ts("withdrawnAt")

-- name: consents_records_by_ids
-- The records a capture created ($1 a JSON array of ids), in capture order.
-- Partner users do not get the IP and user agent ($2 true), as in the lead detail.
-- The 201 body of a capture: {"processed": n, "data": [record]}.
SELECT json_build_object('processed', count(r.id), 'data', coalesce(json_agg(json_build_object(
	'id', r.id, 'consentTemplateId', r."consentTemplateId", 'consentType', r."consentType",
	'applicationFormId', r."applicationFormId", 'leadId', r."leadId",
	'consentGiven', r."consentGiven", 'consentMethod', r."consentMethod",
	'ipAddress', CASE WHEN NOT $2::boolean THEN r."ipAddress" END,
	'userAgent', CASE WHEN NOT $2::boolean THEN r."userAgent" END,
	'recordedByUserId', r."recordedByUserId", 'partnerId', r."partnerId",
	'recordedAt', izzy_ts(r."recordedAt"), 'withdrawnAt', izzy_ts(r."withdrawnAt"),
	'notes', r.notes, 'version', r.version, 'consentText', r."consentText",
	'helpTextSnapshot', r."helpTextSnapshot",
	'createdAt', izzy_ts(r."createdAt"), 'updatedAt', izzy_ts(r."updatedAt"),
	'needsClientConfirmation', r."needsClientConfirmation")
	ORDER BY x.n) FILTER (WHERE r.id IS NOT NULL), '[]'::json))::text
FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, n)
LEFT JOIN "ConsentRecord" r ON r.id = x.id
