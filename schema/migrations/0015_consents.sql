-- 0015_consents: what cgi-bin/consents needs for versioned templates and
-- append-only consent evidence (issue 10; requirements FR-30..37, SR-36..40, SR-45).
--
--   "ConsentRecord"."needsClientConfirmation"  SR-39: the consent was declared by a
--                                      partner on the client's behalf; the client
--                                      journey collects the client's own consent.
--                                      Set by a trigger for every PARTNER_SUBMISSION
--                                      record, whichever path inserts it.
--   "ConsentRecord"."withdrawnByUserId", "withdrawalChannel"
--                                      SR-40: who recorded the withdrawal and how the
--                                      client asked for it
--   "ConsentRecord"."clientSessionId"  SR-37: the authenticated client session
--                                      (form or onboarding) a capture came through
--   "ConsentRecord_applicationFormId_consentTemplateId_version_key" is dropped: SR-37
--                                      makes records append-only, so a re-consent after
--                                      an unlock adds rows with the same key
--   "ConsentAuditLog"                  SR-45 accountability for what is not one lead's:
--                                      template changes and archive exports
--   izzy_consent_capture()             the one capture core every path calls (staff,
--                                      client form, onboarding): checks the answers
--                                      against the current template versions and
--                                      inserts the records with the snapshot texts
--                                      taken from the database
--   izzy_csv_cell()                    one RFC 4180 CSV cell, formula-injection safe

SET LOCAL client_min_messages = warning;

ALTER TABLE "ConsentRecord"
	ADD COLUMN IF NOT EXISTS "needsClientConfirmation" boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "withdrawnByUserId"       text,
	ADD COLUMN IF NOT EXISTS "withdrawalChannel"       text,
	ADD COLUMN IF NOT EXISTS "clientSessionId"         text;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ConsentRecord_withdrawnByUserId_fkey') THEN
		ALTER TABLE "ConsentRecord" ADD CONSTRAINT "ConsentRecord_withdrawnByUserId_fkey"
			FOREIGN KEY ("withdrawnByUserId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
	END IF;
END
$$;

DROP INDEX IF EXISTS "ConsentRecord_applicationFormId_consentTemplateId_version_key";
CREATE INDEX IF NOT EXISTS "ConsentRecord_applicationFormId_idx" ON "ConsentRecord" ("applicationFormId");
-- The archive's default order (FR-35: newest first).
CREATE INDEX IF NOT EXISTS "ConsentRecord_recordedAt_idx" ON "ConsentRecord" ("recordedAt");

-- Records a partner declared before this migration need the client's confirmation too.
UPDATE "ConsentRecord" SET "needsClientConfirmation" = true
 WHERE "consentMethod" = 'PARTNER_SUBMISSION' AND NOT "needsClientConfirmation";

CREATE OR REPLACE FUNCTION izzy_consent_partner_flag() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."consentMethod" = 'PARTNER_SUBMISSION' THEN
		NEW."needsClientConfirmation" := true;
	END IF;
	RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS "ConsentRecord_partner_flag" ON "ConsentRecord";
CREATE TRIGGER "ConsentRecord_partner_flag" BEFORE INSERT ON "ConsentRecord"
	FOR EACH ROW EXECUTE FUNCTION izzy_consent_partner_flag();

CREATE TABLE IF NOT EXISTS "ConsentAuditLog" (
	"id"         text NOT NULL,
	"actorId"    text,
	"action"     text NOT NULL,
	"templateId" text,
	"metadata"   jsonb,
	"createdAt"  timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "ConsentAuditLog_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "ConsentAuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE,
	CONSTRAINT "ConsentAuditLog_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "ConsentTemplate" ("id")
		ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "ConsentAuditLog_createdAt_idx" ON "ConsentAuditLog" ("createdAt");

-- The current version of a template family (consentType, formType): the newest
-- active one inside its validity window (SR-36), NULL when there is none.
CREATE OR REPLACE FUNCTION izzy_consent_current(ctype "ConsentType", ftype text) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT c.id FROM "ConsentTemplate" c
	 WHERE c."consentType" = ctype AND c."formType" = ftype AND c."isActive"
	   AND c."validFrom" <= now() AND (c."validTo" IS NULL OR c."validTo" > now())
	 ORDER BY c.version DESC LIMIT 1
$$;

-- izzy_consent_capture: records one person's answers (FR-32, SR-37, SR-38).
--   lead_id, form_id       the lead; the application form or NULL
--   form_type              the answered templates must belong to it; NULL = any
--   items                  [{"consentTemplateId", "version", "consentGiven"}] as
--                          shown to and answered by the person; "consentGiven" must
--                          be an explicit boolean (nothing is pre-ticked or implied)
--   method                 ONLINE_FORM / PHONE_CALL / PARTNER_SUBMISSION
--   ip, user_agent         from the request, never from the body
--   recorded_by, partner_id, notes, client_session
--   enforce_required       true on the person's own paths (client form, onboarding):
--                          a required template refused or not answered is refused
-- Returns {"problem": null, "records": [ids]} after inserting one new record per item
-- (append-only: nothing is updated), or, inserting nothing, the first problem:
--   {"problem":"implicit", "consentTemplateId"}      consentGiven missing / not boolean
--   {"problem":"duplicate", "consentTemplateId"}     the same template twice
--   {"problem":"missing", "consentTemplateId"}       unknown, of another form type, or
--                                                    its family has no current version
--   {"problem":"outdated", "consentTemplateId", "latestTemplateId", "latestVersion"}
--   {"problem":"refused", "consentTemplateId"}       required and refused (enforce_required)
--   {"problem":"absent", "consentTemplateId"}        required current template of form_type
--                                                    not answered (enforce_required)
-- The answered templates are locked FOR SHARE, so a template edit (which closes the
-- old version under FOR UPDATE) waits until this capture commits, or this waits for it.
CREATE OR REPLACE FUNCTION izzy_consent_capture(lead_id text, form_id text, form_type text,
	items jsonb, method "ConsentMethod", ip text, user_agent text, recorded_by text,
	partner_id text, notes text, client_session text, enforce_required boolean)
RETURNS jsonb
	LANGUAGE plpgsql
AS $$
DECLARE
	it record;
	t "ConsentTemplate"%ROWTYPE;
	cur "ConsentTemplate"%ROWTYPE;
	tid text;
	ids text[];
BEGIN
	IF jsonb_typeof(items) IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION 'izzy_consent_capture: items must be an array' USING ERRCODE = '22023';
	END IF;
	FOR it IN SELECT e, n FROM jsonb_array_elements(items) WITH ORDINALITY AS x(e, n) ORDER BY n LOOP
		tid := it.e->>'consentTemplateId';
		IF jsonb_typeof(it.e->'consentGiven') IS DISTINCT FROM 'boolean' THEN
			RETURN jsonb_build_object('problem', 'implicit', 'consentTemplateId', tid);
		END IF;
		IF (SELECT count(*) FROM jsonb_array_elements(items) AS y(e)
		     WHERE y.e->>'consentTemplateId' = tid) > 1 THEN
			RETURN jsonb_build_object('problem', 'duplicate', 'consentTemplateId', tid);
		END IF;
		SELECT * INTO t FROM "ConsentTemplate" c WHERE c.id = tid FOR SHARE;
		IF NOT FOUND OR (form_type IS NOT NULL AND t."formType" <> form_type) THEN
			RETURN jsonb_build_object('problem', 'missing', 'consentTemplateId', tid);
		END IF;
		SELECT * INTO cur FROM "ConsentTemplate" c
		 WHERE c.id = izzy_consent_current(t."consentType", t."formType") FOR SHARE;
		IF NOT FOUND THEN
			RETURN jsonb_build_object('problem', 'missing', 'consentTemplateId', tid);
		END IF;
		IF cur.id <> t.id OR (it.e->>'version') IS DISTINCT FROM t.version::text THEN
			RETURN jsonb_build_object('problem', 'outdated', 'consentTemplateId', tid,
				'latestTemplateId', cur.id, 'latestVersion', cur.version);
		END IF;
		IF enforce_required AND t."isRequired" AND NOT (it.e->>'consentGiven')::boolean THEN
			RETURN jsonb_build_object('problem', 'refused', 'consentTemplateId', tid);
		END IF;
	END LOOP;
	IF enforce_required AND form_type IS NOT NULL THEN
		SELECT c.id INTO tid FROM "ConsentTemplate" c
		 WHERE c."formType" = form_type AND c."isRequired"
		   AND c.id = izzy_consent_current(c."consentType", c."formType")
		   AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(items) AS y(e)
		                    WHERE y.e->>'consentTemplateId' = c.id)
		 ORDER BY c."consentType" LIMIT 1;
		IF FOUND THEN
			RETURN jsonb_build_object('problem', 'absent', 'consentTemplateId', tid);
		END IF;
	END IF;

	WITH ins AS (
		INSERT INTO "ConsentRecord" (id, "consentTemplateId", "consentType", "applicationFormId",
			"leadId", "consentGiven", "consentMethod", "ipAddress", "userAgent", "recordedByUserId",
			"partnerId", "recordedAt", notes, version, "consentText", "helpTextSnapshot",
			"clientSessionId")
		SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), c.id, c."consentType", form_id,
		       lead_id, (x.e->>'consentGiven')::boolean, method, ip, user_agent, recorded_by,
		       partner_id, now(), notes, c.version, c.content, c."helpText", client_session
		  FROM jsonb_array_elements(items) WITH ORDINALITY AS x(e, n)
		  JOIN "ConsentTemplate" c ON c.id = x.e->>'consentTemplateId'
		 ORDER BY x.n
		RETURNING id
	)
	SELECT array_agg(id) INTO ids FROM ins;
	RETURN jsonb_build_object('problem', NULL, 'records', to_jsonb(coalesce(ids, '{}'::text[])));
END
$$;

-- A value as one CSV cell (RFC 4180): quoted when it holds a quote, a separator
-- or a line break, quotes doubled; a text starting with = + - @ or a tab/CR is
-- prefixed with ' so spreadsheets do not run it as a formula (api.md 4.10.2 [SEC]).
CREATE OR REPLACE FUNCTION izzy_csv_cell(v text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN s ~ '[",\r\n]' THEN '"' || replace(s, '"', '""') || '"' ELSE s END
	  FROM (SELECT CASE WHEN coalesce(v, '') ~ '^[=+\-@\t\r]' THEN '''' || v ELSE coalesce(v, '') END AS s) x
$$;

-- The consent archive's filter, order and page (api.md 4.10.1, FR-35) as the ids
-- of the matching records in order, so the list and both exports share one rule.
-- The actor sees only records of leads izzy_lead_visible() lets them see (SR-14;
-- the reference showed operators every lead's records).  take NULL = all.
CREATE OR REPLACE FUNCTION izzy_consent_records_page(actor_role text, actor_id text,
	actor_partner text, lead_id text, ctype text, cmethod text, given boolean,
	recorded_by text, partner_id text, rec_start timestamptz, rec_end timestamptz,
	wd_start timestamptz, wd_end timestamptz, search text, sort_by text, sort_order text,
	skip bigint, take bigint)
RETURNS TABLE (id text, ord bigint)
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT r.id, row_number() OVER (ORDER BY
		CASE WHEN sort_by = 'recordedAt' AND sort_order = 'asc' THEN r."recordedAt" END ASC,
		CASE WHEN sort_by = 'recordedAt' AND sort_order = 'desc' THEN r."recordedAt" END DESC,
		CASE WHEN sort_by = 'consentType' AND sort_order = 'asc' THEN r."consentType" END ASC,
		CASE WHEN sort_by = 'consentType' AND sort_order = 'desc' THEN r."consentType" END DESC,
		CASE WHEN sort_by = 'clientName' AND sort_order = 'asc' THEN lower(cp."lastName") END ASC,
		CASE WHEN sort_by = 'clientName' AND sort_order = 'asc' THEN lower(cp."firstName") END ASC,
		CASE WHEN sort_by = 'clientName' AND sort_order = 'desc' THEN lower(cp."lastName") END DESC,
		CASE WHEN sort_by = 'clientName' AND sort_order = 'desc' THEN lower(cp."firstName") END DESC,
		r."recordedAt" DESC, r.id)
	  FROM "ConsentRecord" r
	  JOIN "Lead" l ON l.id = r."leadId"
	  LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
	 WHERE izzy_lead_visible(actor_role, actor_id, actor_partner, l."partnerId", l."assignedUserId",
	                         l."createdByUserId") IS TRUE
	   AND (lead_id IS NULL OR r."leadId" = lead_id)
	   AND (ctype IS NULL OR r."consentType"::text = ctype)
	   AND (cmethod IS NULL OR r."consentMethod"::text = cmethod)
	   AND (given IS NULL OR r."consentGiven" = given)
	   AND (recorded_by IS NULL OR r."recordedByUserId" = recorded_by)
	   AND (partner_id IS NULL OR r."partnerId" = partner_id)
	   AND (rec_start IS NULL OR r."recordedAt" >= rec_start)
	   AND (rec_end IS NULL OR r."recordedAt" <= rec_end)
	   AND (wd_start IS NULL OR r."withdrawnAt" >= wd_start)
	   AND (wd_end IS NULL OR r."withdrawnAt" <= wd_end)
	   AND (search IS NULL OR strpos(lower(cp."firstName"), lower(search)) > 0
	        OR strpos(lower(cp."lastName"), lower(search)) > 0 OR strpos(lower(cp.email), lower(search)) > 0
	        OR strpos(lower(cp.phone), lower(search)) > 0)
	 ORDER BY 2
	OFFSET skip LIMIT take
$$;
