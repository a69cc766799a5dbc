-- 0011_lead_write: what the write side of the leads program needs (issue 3).
--
--   "LeadStatusHistory"."reasonCode"   the predefined reason of a negative terminal
--                                      status (requirements FR-20); the free-text
--                                      notes stay in "reason"
--   "LeadStatusHistory"."override"     the change was outside the transition table,
--                                      allowed to a supervisor/admin with a reason (FR-19)
--   "Document"."erasureRequestedAt"    the lead was anonymised: the stored file must be
--                                      deleted (SR-42); the documents program deletes
--                                      it and clears "storageKey"
--   izzy_lead_consent_status(lead)     the consentStatus of spec/api.md section 7.5 for
--                                      one lead (izzy_consent_status() of 0010)
--   izzy_lead_summary(lead, consent)   the lead summary of spec/api.md section 4.5
--                                      (list items, status change, assignment)

SET LOCAL client_min_messages = warning;

ALTER TABLE "LeadStatusHistory"
	ADD COLUMN IF NOT EXISTS "reasonCode" text,
	ADD COLUMN IF NOT EXISTS "override"   boolean NOT NULL DEFAULT false;

ALTER TABLE "Document"
	ADD COLUMN IF NOT EXISTS "erasureRequestedAt" timestamptz(3);

-- api.md section 7.5 for one lead: the same inputs as the list query of
-- cgi-bin/leads_read.sql (active templates inside their validity window; given
-- and financing-form records only when not withdrawn) fed to
-- izzy_consent_status() of 0010, so both answer alike.
CREATE OR REPLACE FUNCTION izzy_lead_consent_status(lead_id text) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	WITH rec AS (
		SELECT array_agg(r."consentTemplateId") FILTER (WHERE r."consentGiven" AND r."withdrawnAt" IS NULL) AS given,
		       coalesce(bool_or(t."formType" = 'financing_application' AND r."withdrawnAt" IS NULL), false)
		           OR EXISTS (SELECT 1 FROM "ApplicationForm" f WHERE f."leadId" = lead_id) AS fin
		  FROM "ConsentRecord" r
		  JOIN "ConsentTemplate" t ON t.id = r."consentTemplateId"
		 WHERE r."leadId" = lead_id
	), tpl AS (
		SELECT t.id, t."isRequired", t."formType"
		  FROM "ConsentTemplate" t
		 WHERE t."isActive" AND t."formType" IN ('lead_creation', 'financing_application')
		   AND t."validFrom" <= now() AND (t."validTo" IS NULL OR t."validTo" > now())
	)
	SELECT izzy_consent_status(
		coalesce((SELECT array_agg(id) FROM tpl WHERE "isRequired"
		           AND ("formType" = 'lead_creation' OR rec.fin)), '{}'),
		coalesce((SELECT array_agg(id) FROM tpl WHERE NOT "isRequired"
		           AND ("formType" = 'lead_creation' OR rec.fin)), '{}'),
		rec.given)
	  FROM rec
$$;

-- The lead summary (api.md section 4.5 "Shared shapes"), keys in the reference's
-- order; consentStatus only when with_consent (the status change and assignment
-- responses leave it out).  NULL for an unknown lead.
CREATE OR REPLACE FUNCTION izzy_lead_summary(lead_id text, with_consent boolean) RETURNS json
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT json_object_agg(k.key, k.value ORDER BY k.ord)
	  FROM "Lead" l
	 CROSS JOIN LATERAL (VALUES
		(1, 'id', to_json(l.id)),
		(2, 'status', to_json(l.status)),
		(3, 'partnerId', to_json(l."partnerId")),
		(4, 'leadCreatedAt', to_json(izzy_ts(l."leadCreatedAt"))),
		(5, 'claimedAt', to_json(izzy_ts(l."claimedAt"))),
		(6, 'lastContactAt', to_json(izzy_ts(l."lastContactAt"))),
		(7, 'nextActionAt', to_json(izzy_ts(l."nextActionAt"))),
		(8, 'createdByUserId', to_json(l."createdByUserId")),
		(9, 'assignedUser', (SELECT json_build_object('id', u.id, 'fullName', u."fullName", 'email', u.email)
		                       FROM "User" u WHERE u.id = l."assignedUserId")),
		(10, 'partner', (SELECT json_build_object('id', p.id, 'name', p.name)
		                   FROM "Partner" p WHERE p.id = l."partnerId")),
		(11, 'customerProfile', (SELECT json_build_object('firstName', c."firstName", 'lastName', c."lastName",
		                                                  'email', c.email, 'phone', c.phone)
		                           FROM "CustomerProfile" c WHERE c."leadId" = l.id)),
		(12, 'consentRecords', coalesce((
			SELECT json_agg(json_build_object('consentTemplateId', r."consentTemplateId",
			                                  'consentGiven', r."consentGiven",
			                                  'consentTemplate', json_build_object('isRequired', t."isRequired",
			                                                                       'formType', t."formType"))
			                ORDER BY r."recordedAt" DESC, r.id)
			  FROM "ConsentRecord" r JOIN "ConsentTemplate" t ON t.id = r."consentTemplateId"
			 WHERE r."leadId" = l.id), '[]'::json)),
		(13, 'applicationForm', (SELECT json_build_object('id', f.id, 'status', f.status)
		                           FROM "ApplicationForm" f WHERE f."leadId" = l.id)),
		(14, 'insuranceOnboarding', (SELECT json_build_object('status', s.status)
		                               FROM "InsuranceOnboardingSession" s WHERE s."leadId" = l.id)),
		(15, 'consentStatus', CASE WHEN with_consent THEN to_json(izzy_lead_consent_status(l.id)) END)
	 ) AS k(ord, key, value)
	 WHERE l.id = lead_id AND (k.key <> 'consentStatus' OR with_consent)
$$;
