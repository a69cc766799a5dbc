-- 0006_indexes: indexes the API's queries need beyond the reference's (the
-- "Recommendation" notes of spec/data-model.md section 1 and the list/search screens).
--
-- Lead lists filter by partner, status, owner and creator (row scope, api.md
-- section 2.5) and sort by "leadCreatedAt" (newest first). Every 1:N child of Lead is
-- read by "leadId"; the 1:1 children already have their unique "leadId" index.

SET LOCAL client_min_messages = warning;

CREATE INDEX IF NOT EXISTS "Lead_leadCreatedAt_idx" ON "Lead" ("leadCreatedAt");
CREATE INDEX IF NOT EXISTS "Lead_status_idx" ON "Lead" ("status");
CREATE INDEX IF NOT EXISTS "Lead_partnerId_idx" ON "Lead" ("partnerId");
CREATE INDEX IF NOT EXISTS "Lead_assignedUserId_idx" ON "Lead" ("assignedUserId");
CREATE INDEX IF NOT EXISTS "Lead_createdByUserId_idx" ON "Lead" ("createdByUserId");

CREATE INDEX IF NOT EXISTS "FinancingApplication_leadId_idx" ON "FinancingApplication" ("leadId");
CREATE INDEX IF NOT EXISTS "Document_leadId_idx" ON "Document" ("leadId");
CREATE INDEX IF NOT EXISTS "Offer_leadId_idx" ON "Offer" ("leadId");
CREATE INDEX IF NOT EXISTS "Reminder_leadId_idx" ON "Reminder" ("leadId");
CREATE INDEX IF NOT EXISTS "LeadNote_leadId_idx" ON "LeadNote" ("leadId");
-- The lead detail shows the latest 50 audit entries (section 1.12).
CREATE INDEX IF NOT EXISTS "AuditLog_leadId_createdAt_idx" ON "AuditLog" ("leadId", "createdAt");

-- Inbound e-mail is matched to a lead by exact CustomerProfile.email (section 6.3).
CREATE INDEX IF NOT EXISTS "CustomerProfile_email_idx" ON "CustomerProfile" ("email");

-- Substring search (ILIKE '%...%') over customer names, e-mail and phone. pg_trgm
-- ships with PostgreSQL and is a trusted extension (a database owner may create
-- it), but a host may still refuse it; the search then works without these
-- indexes, only slower, so its absence is a warning, not a failed migration.
DO $$
DECLARE
	ops text;
	col text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		BEGIN
			CREATE EXTENSION pg_trgm;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'pg_trgm not available (%): customer search runs without trigram indexes',
				SQLERRM;
			RETURN;
		END;
	END IF;

	-- The extension may live in another schema than ours.
	SELECT format('%I.gin_trgm_ops', n.nspname) INTO ops
	  FROM pg_opclass o
	  JOIN pg_namespace n ON n.oid = o.opcnamespace
	  JOIN pg_am am ON am.oid = o.opcmethod
	 WHERE o.opcname = 'gin_trgm_ops' AND am.amname = 'gin';

	FOREACH col IN ARRAY ARRAY['firstName', 'lastName', 'email', 'phone'] LOOP
		EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON "CustomerProfile" USING gin (%I %s)',
			'CustomerProfile_' || col || '_trgm_idx', col, ops);
	END LOOP;
END
$$;
