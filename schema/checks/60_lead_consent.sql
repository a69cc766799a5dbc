-- check: stored lead consent state that disagrees with the consent records
--
-- "LeadConsent" (schema/migrations/0026_lead_consent.sql) is kept by triggers
-- on "ConsentRecord" and gives the lead list, the detail and the analytics
-- their consentStatus; a bulk load with triggers disabled leaves it wrong.
-- Each lead's row is compared with its records computed from scratch; a
-- missing row reads as no records.  Repair: SELECT izzy_refresh_consent_status(
-- ARRAY(SELECT id FROM "Lead")).
WITH want AS (
	SELECT l.id,
	       ARRAY(SELECT DISTINCT g."consentTemplateId" FROM "ConsentRecord" g
		WHERE g."leadId" = l.id AND g."consentGiven" AND g."withdrawnAt" IS NULL ORDER BY 1) AS given,
	       EXISTS (SELECT 1 FROM "ConsentRecord" r JOIN "ConsentTemplate" ct ON ct.id = r."consentTemplateId"
		WHERE r."leadId" = l.id AND r."withdrawnAt" IS NULL
		  AND ct."formType" = 'financing_application') AS financing,
	       (SELECT count(*) FROM "ConsentRecord" r WHERE r."leadId" = l.id) AS n
	FROM "Lead" l
)
SELECT 'LeadConsent (' || w.id || ')' AS ref,
       'given ' || coalesce(s.given, '{}')::text || ' financing ' || coalesce(s.financing, false)
       || ' records ' || coalesce(json_array_length(s.records), 0)
       || '; from the records: given ' || w.given::text || ' financing ' || w.financing
       || ' records ' || w.n AS detail
FROM want w
LEFT JOIN "LeadConsent" s ON s.id = w.id
WHERE coalesce(s.given, '{}') <> w.given OR coalesce(s.financing, false) <> w.financing
   OR coalesce(json_array_length(s.records), 0) <> w.n
