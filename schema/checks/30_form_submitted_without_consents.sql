-- check: application forms the client completed that hold no consent records
--
-- A form becomes READY when the client records consents on the consent page
-- and SUBMITTED on the final submit, which stores the consents of formData;
-- submittedByClient is set by the consent page (spec/data-model.md section
-- 3.7).  Either way ConsentRecord rows of the form must exist.  The same
-- transitions set submittedAt.
SELECT 'ApplicationForm ' || f.id AS ref,
       'status ' || f.status || CASE WHEN f."submittedByClient" THEN ', submitted by the client' ELSE '' END ||
       ', no ConsentRecord' AS detail
FROM "ApplicationForm" f
WHERE (f.status IN ('READY', 'SUBMITTED') OR f."submittedByClient")
  AND NOT EXISTS (SELECT 1 FROM "ConsentRecord" c WHERE c."applicationFormId" = f.id)
UNION ALL
SELECT 'ApplicationForm ' || f.id, 'status ' || f.status || ' without submittedAt'
FROM "ApplicationForm" f
WHERE f.status IN ('READY', 'SUBMITTED') AND f."submittedAt" IS NULL
ORDER BY 1, 2
