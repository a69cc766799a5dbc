-- check: rows of an application form that name another lead than the form
--
-- EmailLog.leadId and ConsentRecord.leadId copy the lead of their form
-- (spec/data-model.md sections 1.17, 1.19); a lead merge moves the form
-- together with its e-mail log.  A difference sends the history of one
-- customer to another.
SELECT 'EmailLog ' || e.id AS ref,
       'leadId ' || e."leadId" || ', but its ApplicationForm ' || f.id || ' belongs to lead ' || f."leadId" AS detail
FROM "EmailLog" e JOIN "ApplicationForm" f ON f.id = e."applicationFormId"
WHERE e."leadId" <> f."leadId"
UNION ALL
SELECT 'ConsentRecord ' || c.id,
       'leadId ' || c."leadId" || ', but its ApplicationForm ' || f.id || ' belongs to lead ' || f."leadId"
FROM "ConsentRecord" c JOIN "ApplicationForm" f ON f.id = c."applicationFormId"
WHERE c."leadId" <> f."leadId"
ORDER BY 1
