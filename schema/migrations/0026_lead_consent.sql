-- 0026_lead_consent: the consent state of each lead kept with the lead (issue 15),
-- so that the lead list, the detail and the analytics compliance block read one
-- row per lead instead of aggregating "ConsentRecord" per lead at every request.
--
--   "LeadConsent"                     one row per lead that has, or had, consent records,
--                                     keyed by the lead's id ("id", as 1:1 rows are named
--                                     by the checks of schema/checks):
--     "given"                         the templates with a given, not withdrawn record
--                                     (sorted, distinct)
--     "financing"                     a not withdrawn record on a financing_application
--                                     template exists (spec/api.md 7.5 step 1)
--     "types"                         the consent types with a given, not withdrawn record,
--                                     as bits (1 << position in the "ConsentType" enum)
--     "records"                       the lead summary's "consentRecords" (section 4.5),
--                                     newest first
--   A lead without a row reads as given '{}', no financing record, no types, no records.
--   izzy_refresh_consent_status()     re-computes the rows of some leads from their records
--
-- What is stored does not depend on the templates' state: consentStatus (7.5) is
-- izzy_consent_status() of the current template set (isActive, validFrom/validTo
-- against the clock) and of these columns, and the readers compute it with the
-- template set read once per statement (a handful of rows).  A template's formType
-- and isRequired never change in place (an edit is a new version, 0015); what does
-- change -- a new version, (de)activation, validTo passing with time -- is picked up
-- by the next read with no re-computation of any lead, so no batch job can lag
-- behind and no status goes stale when a validity window opens or closes.
--
-- Maintenance: statement-level triggers on "ConsentRecord" (insert, update, delete,
-- truncate) call izzy_refresh_consent_status() with the leads the statement touched
-- (old and new "leadId": a merge moves records between leads), in the writer's own
-- transaction.  Triggers rather than a call in each handler, because the record
-- writers are several programs (consents, leads create, forms, onboarding through
-- the capture core izzy_consent_capture(), merge, anonymisation, bulk loads) and a
-- trigger cannot be forgotten by the next one; statement level with transition
-- tables, so a capture of n answers or a merge costs one refresh, not n.  Lead
-- creation and deletion need nothing: no row reads as "no records", and the row
-- goes with its lead (ON DELETE CASCADE).
--
-- Concurrency: the refresh locks the leads' rows (creating missing ones first) in
-- id order and only then reads the records, in a new statement: a second writer of
-- the same lead waits for the first to commit and then sees its records.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "LeadConsent" (
	"id"        text NOT NULL,
	"given"     text[] NOT NULL DEFAULT '{}',
	"financing" boolean NOT NULL DEFAULT false,
	"types"     bigint NOT NULL DEFAULT 0,
	"records"   json NOT NULL DEFAULT '[]',
	"updatedAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "LeadConsent_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "LeadConsent_id_fkey" FOREIGN KEY ("id")
		REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
DROP TRIGGER IF EXISTS "LeadConsent_set_updatedAt" ON "LeadConsent";
CREATE TRIGGER "LeadConsent_set_updatedAt" BEFORE UPDATE ON "LeadConsent"
	FOR EACH ROW EXECUTE FUNCTION izzy_set_updated_at();

-- The consent-type bit of 0026 (the analytics compliance block counts leads per type).
CREATE OR REPLACE FUNCTION izzy_consent_type_bit(t "ConsentType")
RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT 1::bigint << array_position(enum_range(NULL::"ConsentType"), t)
$$;

CREATE OR REPLACE FUNCTION izzy_refresh_consent_status(lead_ids text[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	IF lead_ids IS NULL OR cardinality(lead_ids) = 0 THEN
		RETURN;
	END IF;
	-- Every lead still there gets a row, then the rows are locked in id order.
	INSERT INTO "LeadConsent" (id)
	SELECT l.id FROM "Lead" l WHERE l.id = ANY (lead_ids) ORDER BY l.id
	ON CONFLICT (id) DO NOTHING;
	PERFORM 1 FROM "LeadConsent" s WHERE s.id = ANY (lead_ids) ORDER BY s.id FOR UPDATE;
	-- A new statement, a new snapshot: records committed by a writer we waited for count.
	UPDATE "LeadConsent" s
	SET "given" = x.given, "financing" = x.financing, "types" = x.types,
	    "records" = x.records
	FROM (
		SELECT l.id,
		       coalesce(c.given, '{}') AS given, coalesce(c.financing, false) AS financing,
		       coalesce(c.types, 0) AS types, coalesce(c.records, '[]') AS records
		FROM "Lead" l
		LEFT JOIN LATERAL (
			SELECT ARRAY(SELECT DISTINCT g."consentTemplateId" FROM "ConsentRecord" g
				WHERE g."leadId" = l.id AND g."consentGiven" AND g."withdrawnAt" IS NULL
				ORDER BY 1) AS given,
			       bool_or(ct."formType" = 'financing_application' AND r."withdrawnAt" IS NULL) AS financing,
			       coalesce(bit_or(izzy_consent_type_bit(r."consentType"))
				FILTER (WHERE r."consentGiven" AND r."withdrawnAt" IS NULL), 0) AS types,
			       json_agg(json_build_object(
				'consentTemplateId', r."consentTemplateId",
				'consentGiven', r."consentGiven",
				'consentTemplate', json_build_object('isRequired', ct."isRequired", 'formType', ct."formType"))
				ORDER BY r."recordedAt" DESC, r.id) AS records
			FROM "ConsentRecord" r
			JOIN "ConsentTemplate" ct ON ct.id = r."consentTemplateId"
			WHERE r."leadId" = l.id
		) c ON true
		WHERE l.id = ANY (lead_ids)
	) x
	WHERE s.id = x.id;
END
$$;

CREATE OR REPLACE FUNCTION izzy_lead_consent_trigger() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM "LeadConsent";
	ELSIF TG_OP = 'INSERT' THEN
		PERFORM izzy_refresh_consent_status(ARRAY(SELECT DISTINCT n."leadId" FROM new_rows n));
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM izzy_refresh_consent_status(ARRAY(SELECT DISTINCT o."leadId" FROM old_rows o));
	ELSE
		PERFORM izzy_refresh_consent_status(ARRAY(
			SELECT n."leadId" FROM new_rows n UNION SELECT o."leadId" FROM old_rows o));
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "ConsentRecord_lead_consent_ins" ON "ConsentRecord";
CREATE TRIGGER "ConsentRecord_lead_consent_ins" AFTER INSERT ON "ConsentRecord"
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_consent_trigger();
DROP TRIGGER IF EXISTS "ConsentRecord_lead_consent_upd" ON "ConsentRecord";
CREATE TRIGGER "ConsentRecord_lead_consent_upd" AFTER UPDATE ON "ConsentRecord"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_consent_trigger();
DROP TRIGGER IF EXISTS "ConsentRecord_lead_consent_del" ON "ConsentRecord";
CREATE TRIGGER "ConsentRecord_lead_consent_del" AFTER DELETE ON "ConsentRecord"
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_consent_trigger();
DROP TRIGGER IF EXISTS "ConsentRecord_lead_consent_trunc" ON "ConsentRecord";
CREATE TRIGGER "ConsentRecord_lead_consent_trunc" AFTER TRUNCATE ON "ConsentRecord"
	FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_consent_trigger();

-- Backfill: every lead with records (a lead without keeps reading as none).
SELECT izzy_refresh_consent_status(ARRAY(SELECT DISTINCT "leadId" FROM "ConsentRecord"));
