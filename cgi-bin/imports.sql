-- Statements of cgi-bin/imports.c: the lead import (issue 14).

-- name: imports_insert
-- $1 id, $2 user, $3 file name, $4 format, $5 file (bytea, binary), $6 size,
-- $7 header columns (jsonb array of names), $8 total data rows.
INSERT INTO "ImportJob" (id, "userId", "fileName", format, file, "fileSize", columns, "totalRows")
VALUES ($1, $2, $3, $4, $5, $6::int, $7::jsonb, $8::int)

-- name: imports_mapping_get
-- The user's remembered mapping {header name: field}, or no row.
SELECT mapping::text FROM "ImportMapping" WHERE "userId" = $1

-- name: imports_mapping_put
INSERT INTO "ImportMapping" ("userId", mapping, "updatedAt") VALUES ($1, $2::jsonb, now())
ON CONFLICT ("userId") DO UPDATE SET mapping = "ImportMapping".mapping || EXCLUDED.mapping,
	"updatedAt" = now()

-- name: imports_get
-- The job as GET /api/imports/:id answers it; only its owner sees it (and
-- ADMIN).  $1 id, $2 user, $3 role.
SELECT json_build_object('id', j.id, 'status', j.status, 'fileName', j."fileName",
	'format', j.format, 'partnerId', j."partnerId", 'columns', j.columns,
	'mapping', j.mapping, 'totalRows', j."totalRows", 'validRows', j."validRows",
	'processedRows', j."processedRows", 'createdCount', j."createdCount",
	'skippedCount', j."skippedCount",
	'progress', CASE WHEN j.status IN ('DONE', 'UNDONE') THEN 100
		WHEN j."validRows" = 0 THEN 0
		ELSE least(100, (100 * j."processedRows") / j."validRows") END,
	'createdLeadIds', to_json(j."createdLeadIds"),
	'createdAt', izzy_ts(j."createdAt"), 'startedAt', izzy_ts(j."startedAt"),
	'finishedAt', izzy_ts(j."finishedAt"), 'undoneAt', izzy_ts(j."undoneAt"),
	'undoUntil', izzy_ts(j."finishedAt" + interval '1 hour'),
	'canUndo', j.status = 'DONE' AND j."finishedAt" > now() - interval '1 hour')::text
FROM "ImportJob" j
WHERE j.id = $1 AND (j."userId" = $2 OR $3 = 'ADMIN')

-- name: imports_timeout
-- The import's transactions work on thousands of rows at once (a 250-lead
-- batch, the duplicate check of a whole file, the undo): they get two minutes
-- instead of the programs' default, for this transaction only.
SELECT set_config('statement_timeout', '120000', true)

-- name: imports_lock
-- The job row under lock, for the state changes.  $1 id, $2 user, $3 role.
SELECT status, "partnerId", mapping::text, file,
       "finishedAt" > now() - interval '1 hour', "createdLeadIds"::text
FROM "ImportJob"
WHERE id = $1 AND ("userId" = $2 OR $3 = 'ADMIN')
FOR UPDATE

-- name: imports_file
-- The file of a job whose lock the caller holds (binary result).
SELECT file FROM "ImportJob" WHERE id = $1

-- name: imports_validated
-- $1 id, $2 partner, $3 mapping (jsonb array), $4 report, $5 valid rows.
UPDATE "ImportJob" SET status = 'VALIDATED', "partnerId" = $2, mapping = $3::jsonb,
	report = $4::jsonb, "validRows" = $5::int
WHERE id = $1

-- name: imports_known
-- Which of the partner ids $1 and consent template ids $2 exist.
SELECT coalesce((SELECT json_agg(id) FROM "Partner" WHERE id = ANY ($1::text[])), '[]')::text,
       coalesce((SELECT json_agg(id) FROM "ConsentTemplate" WHERE id = ANY ($2::text[])), '[]')::text

-- name: imports_duplicates
-- The duplicate check of POST /api/leads (leads_create.sql: the same e-mail,
-- phone key or PESEL hash on a lead the actor can see, not merged nor
-- anonymised), for every row at once, plus the duplicates inside the file
-- (a row repeating an earlier row's key).  $1 jsonb [{row, email, phone,
-- pesel}], $2..$4 the actor.  Each key its own equi-join, so PostgreSQL can
-- hash them.  Answers [{row, leadIds, sameAsRow}] for the rows with any.
WITH r AS (
	SELECT (e->>'row')::int AS row, lower(e->>'email') AS email,
	       izzy_phone_key(e->>'phone') AS phone, e->>'pesel' AS pesel
	FROM jsonb_array_elements($1::jsonb) e
), cand AS (
	SELECT r.row, cp."leadId" FROM r JOIN "CustomerProfile" cp ON lower(cp.email) = r.email
	UNION
	SELECT r.row, cp."leadId" FROM r JOIN "CustomerProfile" cp ON izzy_phone_key(cp.phone) = r.phone
	UNION
	SELECT r.row, cp."leadId" FROM r JOIN "CustomerProfile" cp ON cp."nationalIdHash" = r.pesel
), ext AS (
	SELECT c.row, array_agg(l.id ORDER BY l."leadCreatedAt" DESC, l.id DESC) AS ids
	FROM cand c JOIN "Lead" l ON l.id = c."leadId"
	WHERE izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND l.status <> 'MERGED' AND l."anonymizedAt" IS NULL
	GROUP BY c.row
), inn AS (
	SELECT row, min(first) AS first FROM (
		SELECT a.row, b.row AS first FROM r a JOIN r b ON b.row < a.row AND b.email = a.email
		UNION ALL
		SELECT a.row, b.row FROM r a JOIN r b ON b.row < a.row AND b.phone = a.phone
		UNION ALL
		SELECT a.row, b.row FROM r a JOIN r b ON b.row < a.row AND b.pesel = a.pesel
	) x GROUP BY row
)
SELECT coalesce(json_agg(json_build_object('row', k.row, 'leadIds', to_json(ext.ids),
	'sameAsRow', inn.first) ORDER BY k.row), '[]')::text
FROM (SELECT row FROM ext UNION SELECT row FROM inn) k
LEFT JOIN ext ON ext.row = k.row
LEFT JOIN inn ON inn.row = k.row

-- name: imports_start
UPDATE "ImportJob" SET status = 'RUNNING', "startedAt" = now(), "processedRows" = 0,
	"createdCount" = 0, "createdLeadIds" = '{}'
WHERE id = $1

-- name: imports_create_batch
-- One batch of leads, the rows leads_create.sql writes for a lead without
-- vehicles or financing (an import has none), from the documents
-- leads_create_doc() builds for POST /api/leads: $1 jsonb array of them.
-- The same round-robin rule (0028: the rotation's trigger assigns, not the
-- creator) and so the same triggers per row.  $2 jsonb array of the consents
-- with their evidence from the file: [{id, templateId, leadId, method,
-- recordedAt, source, actorId, partnerId}]; the text and version come from
-- the template (SR-37).  Answers the number of leads.
WITH d AS (
	SELECT e AS j, n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
), lead AS (
	INSERT INTO "Lead" (id, "partnerId", "assignedUserId", "createdByUserId", status, "sourceMetadata", notes)
	SELECT j->>'id', j->>'partnerId',
	       CASE WHEN izzy_round_robin_on(j->>'partnerId') THEN NULL ELSE j->>'assignedUserId' END,
	       j->>'actorId', 'NEW', j->'sourceMetadata', j->>'notes'
	FROM d ORDER BY n
	RETURNING id
), prof AS (
	INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", "dateOfBirth", "nationalIdHash",
		email, phone, address)
	SELECT c->>'id', j->>'id', c->>'firstName', c->>'lastName', (c->>'dateOfBirth')::timestamptz,
	       c->>'nationalIdHash', c->>'email', c->>'phone', c->'address'
	FROM (SELECT j, j->'customer' AS c FROM d) x
), cons AS (
	INSERT INTO "ConsentRecord" (id, "consentTemplateId", "consentType", "leadId", "consentGiven",
		"consentMethod", "recordedByUserId", "partnerId", "recordedAt", notes, version, "consentText",
		"helpTextSnapshot", "userAgent")
	SELECT e->>'id', t.id, t."consentType", e->>'leadId', true, (e->>'method')::"ConsentMethod",
	       e->>'actorId', e->>'partnerId', (e->>'recordedAt')::timestamptz,
	       'Import, źródło: ' || (e->>'source'), t.version, t.content, t."helpText", 'izzy-import'
	FROM jsonb_array_elements($2::jsonb) e
	JOIN "ConsentTemplate" t ON t.id = e->>'templateId'
)
SELECT count(*) FROM lead

-- name: imports_progress
-- After each committed batch: $2 rows done, $3 the batch's lead ids (text[]).
UPDATE "ImportJob" SET "processedRows" = $2::int,
	"createdLeadIds" = "createdLeadIds" || $3::text[],
	"createdCount" = cardinality("createdLeadIds" || $3::text[])
WHERE id = $1

-- name: imports_audit
-- One LEAD_IMPORTED audit entry per created lead of a batch ($2 text[]).
INSERT INTO "AuditLog" (id, "leadId", "userId", action, field, "oldValue", "newValue", metadata)
SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), l, $3, 'LEAD_IMPORTED', NULL, NULL, NULL,
       jsonb_build_object('importId', $1::text)
FROM unnest($2::text[]) AS l

-- name: imports_done
UPDATE "ImportJob" SET status = 'DONE', "finishedAt" = now(), "skippedCount" = $2::int,
	file = NULL
WHERE id = $1

-- name: imports_undo
-- Deletes the job's leads and the rows the import wrote for them, if none of
-- them was changed after the import: any audit entry other than the import's
-- own (LEAD_IMPORTED, LEAD_AUTO_ASSIGNED), a note, a status change or an
-- updatedAt after the run makes the whole undo refuse (first column false).
-- $1 job id.  Answers (undone, leads deleted).
WITH j AS (
	SELECT "createdLeadIds" AS ids, "finishedAt" FROM "ImportJob" WHERE id = $1
), touched AS (
	SELECT count(*) AS n FROM j, "Lead" l
	WHERE l.id = ANY (j.ids) AND (l."updatedAt" > j."finishedAt" OR l.status <> 'NEW'
		OR EXISTS (SELECT 1 FROM "AuditLog" a WHERE a."leadId" = l.id
			AND a.action NOT IN ('LEAD_IMPORTED', 'LEAD_AUTO_ASSIGNED'))
		OR EXISTS (SELECT 1 FROM "LeadNote" n WHERE n."leadId" = l.id)
		OR EXISTS (SELECT 1 FROM "LeadStatusHistory" h WHERE h."leadId" = l.id))
)
SELECT n = 0, n FROM touched

-- name: imports_undo_delete
-- $1 job id; called only after imports_undo said yes, under the job's lock.
WITH j AS (
	SELECT "createdLeadIds" AS ids FROM "ImportJob" WHERE id = $1
), a AS (
	DELETE FROM "AuditLog" WHERE "leadId" IN (SELECT unnest(ids) FROM j)
), c AS (
	DELETE FROM "ConsentRecord" WHERE "leadId" IN (SELECT unnest(ids) FROM j)
), p AS (
	DELETE FROM "CustomerProfile" WHERE "leadId" IN (SELECT unnest(ids) FROM j)
)
SELECT 1

-- name: imports_undo_leads
DELETE FROM "Lead" WHERE id IN (SELECT unnest("createdLeadIds") FROM "ImportJob" WHERE id = $1)

-- name: imports_undone
UPDATE "ImportJob" SET status = 'UNDONE', "undoneAt" = now() WHERE id = $1
