-- 0005_reference_upgrade: bring columns of an existing reference database to the
-- target types and rules of spec/data-model.md section 0.3/section 0.4 and section 7.4. On a fresh
-- database every step finds nothing to do.
--
--   timestamp(3) without time zone -> timestamptz(3); the reference always wrote
--       UTC, so values are read AT TIME ZONE 'UTC' (the instant is kept whatever
--       the session TimeZone is)
--   DEFAULT CURRENT_TIMESTAMP -> DEFAULT now() (same value, one spelling)
--   "updatedAt" gets DEFAULT now() (the trigger of 0007_functions.sql keeps it current)
--   text[] columns: NULL -> '{}', NOT NULL DEFAULT '{}'
--   JSON literal null -> SQL NULL in optional jsonb columns, since the rewrite
--       writes SQL NULL and readers would otherwise need to handle both. AuditLog
--       values are evidence and stay byte-for-byte as recorded.
--
-- This must run before the updatedAt triggers exist (0007), so that the data
-- repairs below do not touch "updatedAt".

SET LOCAL client_min_messages = warning;

DO $$
DECLARE
	model  text[] := ARRAY['Partner', 'User', 'Lead', 'CustomerProfile', 'VehicleCurrent',
		'VehicleDesired', 'FinancingApplication', 'Document', 'Offer', 'Agreement',
		'Reminder', 'AuditLog', 'LeadNote', 'LeadStatusHistory', 'MessageDraft',
		'ApplicationForm', 'EmailLog', 'ConsentTemplate', 'ConsentRecord',
		'InsuranceOnboardingSession', 'ContactSchedule', 'CommunicationLog',
		'MessageTemplate', 'Session', 'PasswordToken', 'Outbox', 'RateLimit'];
	r      record;
BEGIN
	-- One ALTER TABLE per table, so each table is rewritten once.
	FOR r IN
		SELECT c.table_name,
		       string_agg(format('ALTER COLUMN %I TYPE timestamptz(3) USING %s',
		           c.column_name,
		           CASE WHEN c.data_type = 'timestamp without time zone'
		                THEN format('%I AT TIME ZONE ''UTC''', c.column_name)
		                ELSE quote_ident(c.column_name) END),
		           ', ' ORDER BY c.ordinal_position) AS alters
		  FROM information_schema.columns c
		 WHERE c.table_schema = current_schema()
		   AND c.table_name = ANY (model)
		   AND (c.data_type = 'timestamp without time zone'
		        OR (c.data_type = 'timestamp with time zone' AND c.datetime_precision <> 3))
		 GROUP BY c.table_name
	LOOP
		EXECUTE format('ALTER TABLE %I %s', r.table_name, r.alters);
	END LOOP;

	FOR r IN
		SELECT cl.relname, a.attname
		  FROM pg_attrdef d
		  JOIN pg_class cl ON cl.oid = d.adrelid
		  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
		 WHERE cl.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
		   AND cl.relname = ANY (model)
		   AND pg_get_expr(d.adbin, d.adrelid) ILIKE '%CURRENT_TIMESTAMP%'
	LOOP
		EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT now()', r.relname, r.attname);
	END LOOP;

	FOR r IN
		SELECT c.table_name
		  FROM information_schema.columns c
		 WHERE c.table_schema = current_schema()
		   AND c.table_name = ANY (model)
		   AND c.column_name = 'updatedAt'
		   AND c.column_default IS NULL
	LOOP
		EXECUTE format('ALTER TABLE %I ALTER COLUMN "updatedAt" SET DEFAULT now()', r.table_name);
	END LOOP;
END
$$;

UPDATE "CustomerProfile" SET "alternateEmails" = '{}' WHERE "alternateEmails" IS NULL;
ALTER TABLE "CustomerProfile"
	ALTER COLUMN "alternateEmails" SET DEFAULT '{}',
	ALTER COLUMN "alternateEmails" SET NOT NULL;

UPDATE "ConsentTemplate" SET "tags" = '{}' WHERE "tags" IS NULL;
ALTER TABLE "ConsentTemplate"
	ALTER COLUMN "tags" SET DEFAULT '{}',
	ALTER COLUMN "tags" SET NOT NULL;

UPDATE "MessageDraft" SET "links" = '{}' WHERE "links" IS NULL;
ALTER TABLE "MessageDraft"
	ALTER COLUMN "links" SET DEFAULT '{}',
	ALTER COLUMN "links" SET NOT NULL;

UPDATE "Partner" SET "contact" = NULL WHERE "contact" = 'null'::jsonb;
UPDATE "Partner" SET "slaRules" = NULL WHERE "slaRules" = 'null'::jsonb;
UPDATE "Lead" SET "sourceMetadata" = NULL WHERE "sourceMetadata" = 'null'::jsonb;
UPDATE "CustomerProfile" SET "employmentInfo" = NULL WHERE "employmentInfo" = 'null'::jsonb;
UPDATE "CustomerProfile" SET "address" = NULL WHERE "address" = 'null'::jsonb;
UPDATE "VehicleDesired" SET "preferences" = NULL WHERE "preferences" = 'null'::jsonb;
UPDATE "LeadNote" SET "metadata" = NULL WHERE "metadata" = 'null'::jsonb;
UPDATE "ApplicationForm" SET "formData" = NULL WHERE "formData" = 'null'::jsonb;
UPDATE "ApplicationForm" SET "unlockHistory" = NULL WHERE "unlockHistory" = 'null'::jsonb;
UPDATE "EmailLog" SET "payload" = NULL WHERE "payload" = 'null'::jsonb;
UPDATE "CommunicationLog" SET "payload" = NULL WHERE "payload" = 'null'::jsonb;
