-- 0003_keys: unique indexes, the spec's non-unique indexes and all foreign keys of
-- the model (spec/data-model.md section 1, section 4).
--
-- Unique keys are unique *indexes* named "<Table>_<cols>_key", as the reference
-- (Prisma) created them, so an upgraded reference database and a fresh one end
-- up with the same objects. Foreign keys follow section 0.5: ON UPDATE CASCADE, ON
-- DELETE RESTRICT for required columns and SET NULL for optional ones.

SET LOCAL client_min_messages = warning;

CREATE UNIQUE INDEX IF NOT EXISTS "User_email_key" ON "User" ("email");
CREATE UNIQUE INDEX IF NOT EXISTS "CustomerProfile_leadId_key" ON "CustomerProfile" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "VehicleCurrent_leadId_key" ON "VehicleCurrent" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "VehicleDesired_leadId_key" ON "VehicleDesired" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "Agreement_leadId_key" ON "Agreement" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "MessageDraft_leadId_userId_key"
	ON "MessageDraft" ("leadId", "userId");
CREATE UNIQUE INDEX IF NOT EXISTS "ApplicationForm_leadId_key" ON "ApplicationForm" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "ApplicationForm_uniqueLink_key"
	ON "ApplicationForm" ("uniqueLink");
CREATE UNIQUE INDEX IF NOT EXISTS "ConsentTemplate_consentType_formType_version_key"
	ON "ConsentTemplate" ("consentType", "formType", "version");
-- NULL form ids never conflict here (section 1.19): only form consents are de-duplicated.
CREATE UNIQUE INDEX IF NOT EXISTS "ConsentRecord_applicationFormId_consentTemplateId_version_key"
	ON "ConsentRecord" ("applicationFormId", "consentTemplateId", "version");
CREATE UNIQUE INDEX IF NOT EXISTS "InsuranceOnboardingSession_leadId_key"
	ON "InsuranceOnboardingSession" ("leadId");
CREATE UNIQUE INDEX IF NOT EXISTS "InsuranceOnboardingSession_token_key"
	ON "InsuranceOnboardingSession" ("token");
CREATE UNIQUE INDEX IF NOT EXISTS "ContactSchedule_sessionId_key" ON "ContactSchedule" ("sessionId");
CREATE UNIQUE INDEX IF NOT EXISTS "MessageTemplate_key_key" ON "MessageTemplate" ("key");

CREATE INDEX IF NOT EXISTS "LeadStatusHistory_leadId_idx" ON "LeadStatusHistory" ("leadId");
CREATE INDEX IF NOT EXISTS "LeadStatusHistory_changedById_idx"
	ON "LeadStatusHistory" ("changedById");
CREATE INDEX IF NOT EXISTS "EmailLog_applicationFormId_type_idx"
	ON "EmailLog" ("applicationFormId", "type");
CREATE INDEX IF NOT EXISTS "EmailLog_leadId_idx" ON "EmailLog" ("leadId");
CREATE INDEX IF NOT EXISTS "ConsentTemplate_formType_isActive_idx"
	ON "ConsentTemplate" ("formType", "isActive");
CREATE INDEX IF NOT EXISTS "ConsentRecord_leadId_idx" ON "ConsentRecord" ("leadId");
CREATE INDEX IF NOT EXISTS "ConsentRecord_consentTemplateId_idx"
	ON "ConsentRecord" ("consentTemplateId");
CREATE INDEX IF NOT EXISTS "ContactSchedule_leadId_idx" ON "ContactSchedule" ("leadId");
CREATE INDEX IF NOT EXISTS "CommunicationLog_sessionId_idx" ON "CommunicationLog" ("sessionId");

-- The reference also has plain indexes duplicating the two unique ones of the
-- onboarding session; section 1.20 allows omitting them, and dropping them makes an
-- upgraded database identical to a fresh one.
DROP INDEX IF EXISTS "InsuranceOnboardingSession_token_idx";
DROP INDEX IF EXISTS "InsuranceOnboardingSession_leadId_idx";

-- Foreign keys. An existing constraint of the same name is kept when it already
-- has the wanted target and actions, and replaced otherwise (early reference
-- migrations had EmailLog ON DELETE CASCADE and a required recordedByUserId).
DO $$
DECLARE
	fk     record;
	want   "char";
	con    record;
BEGIN
	FOR fk IN SELECT * FROM (VALUES
		('User',                       'partnerId',         'Partner',                    'SET NULL'),
		('Lead',                       'partnerId',         'Partner',                    'RESTRICT'),
		('Lead',                       'assignedUserId',    'User',                       'SET NULL'),
		('Lead',                       'createdByUserId',   'User',                       'SET NULL'),
		('CustomerProfile',            'leadId',            'Lead',                       'RESTRICT'),
		('VehicleCurrent',             'leadId',            'Lead',                       'RESTRICT'),
		('VehicleDesired',             'leadId',            'Lead',                       'RESTRICT'),
		('FinancingApplication',       'leadId',            'Lead',                       'RESTRICT'),
		('Document',                   'leadId',            'Lead',                       'RESTRICT'),
		('Offer',                      'leadId',            'Lead',                       'RESTRICT'),
		('Agreement',                  'leadId',            'Lead',                       'RESTRICT'),
		('Reminder',                   'leadId',            'Lead',                       'RESTRICT'),
		('Reminder',                   'assignedUserId',    'User',                       'SET NULL'),
		('AuditLog',                   'leadId',            'Lead',                       'RESTRICT'),
		('AuditLog',                   'userId',            'User',                       'SET NULL'),
		('LeadNote',                   'leadId',            'Lead',                       'RESTRICT'),
		('LeadNote',                   'authorId',          'User',                       'SET NULL'),
		('LeadStatusHistory',          'leadId',            'Lead',                       'RESTRICT'),
		('LeadStatusHistory',          'changedById',       'User',                       'SET NULL'),
		('MessageDraft',               'leadId',            'Lead',                       'RESTRICT'),
		('MessageDraft',               'userId',            'User',                       'RESTRICT'),
		('ApplicationForm',            'leadId',            'Lead',                       'RESTRICT'),
		('ApplicationForm',            'createdByUserId',   'User',                       'SET NULL'),
		('EmailLog',                   'applicationFormId', 'ApplicationForm',            'RESTRICT'),
		('EmailLog',                   'leadId',            'Lead',                       'RESTRICT'),
		('ConsentTemplate',            'createdByUserId',   'User',                       'SET NULL'),
		('ConsentRecord',              'consentTemplateId', 'ConsentTemplate',            'RESTRICT'),
		('ConsentRecord',              'applicationFormId', 'ApplicationForm',            'SET NULL'),
		('ConsentRecord',              'leadId',            'Lead',                       'RESTRICT'),
		('ConsentRecord',              'recordedByUserId',  'User',                       'SET NULL'),
		('ConsentRecord',              'partnerId',         'Partner',                    'SET NULL'),
		('InsuranceOnboardingSession', 'leadId',            'Lead',                       'RESTRICT'),
		('InsuranceOnboardingSession', 'sentByUserId',      'User',                       'SET NULL'),
		('ContactSchedule',            'sessionId',         'InsuranceOnboardingSession', 'RESTRICT'),
		('ContactSchedule',            'leadId',            'Lead',                       'RESTRICT'),
		('CommunicationLog',           'sessionId',         'InsuranceOnboardingSession', 'RESTRICT')
	) AS t(tbl, col, ref, on_delete)
	LOOP
		want := CASE fk.on_delete WHEN 'RESTRICT' THEN 'r' WHEN 'SET NULL' THEN 'n' END;

		SELECT c.confrelid, c.confdeltype, c.confupdtype,
		       (SELECT array_agg(a.attname::text ORDER BY k.i)
		          FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
		          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols
		  INTO con
		  FROM pg_constraint c
		 WHERE c.conrelid = quote_ident(fk.tbl)::regclass
		   AND c.conname = fk.tbl || '_' || fk.col || '_fkey'
		   AND c.contype = 'f';

		IF FOUND AND con.confrelid = quote_ident(fk.ref)::regclass
		   AND con.confdeltype = want AND con.confupdtype = 'c'
		   AND con.cols = ARRAY[fk.col] THEN
			CONTINUE;
		END IF;
		IF FOUND THEN
			EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I',
				fk.tbl, fk.tbl || '_' || fk.col || '_fkey');
		END IF;
		EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) '
			'REFERENCES %I ("id") ON DELETE %s ON UPDATE CASCADE',
			fk.tbl, fk.tbl || '_' || fk.col || '_fkey', fk.col, fk.ref, fk.on_delete);
	END LOOP;
END
$$;
