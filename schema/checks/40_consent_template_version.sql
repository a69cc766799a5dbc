-- check: consent records that answer a template version which does not exist
--
-- A ConsentRecord keeps the type and version of the template text the client
-- saw (spec/data-model.md section 1.19); that version is a ConsentTemplate row
-- of the same consent type and form type (unique key consentType, formType,
-- version).  A record whose version or type matches no template cannot be
-- shown to prove what the client agreed to.
SELECT 'ConsentRecord ' || c.id AS ref,
       CASE WHEN t.id IS NULL THEN 'consentTemplateId ' || c."consentTemplateId" || ' does not exist'
            ELSE 'version ' || c.version || ' of ' || c."consentType" || '/' || t."formType" ||
                 ' is no ConsentTemplate (template ' || t.id || ' is ' || t."consentType" ||
                 ' version ' || t.version || ')'
       END AS detail
FROM "ConsentRecord" c
LEFT JOIN "ConsentTemplate" t ON t.id = c."consentTemplateId"
WHERE t.id IS NULL
   OR NOT EXISTS (SELECT 1 FROM "ConsentTemplate" v
                  WHERE v."consentType" = c."consentType" AND v."formType" = t."formType"
                    AND v.version = c.version)
ORDER BY c.id
