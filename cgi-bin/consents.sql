-- Statements of cgi-bin/consents.c.

-- name: consents_templates_list
-- spec §4.9.1: one form type, active ones (within their validity window,
-- SR-36) unless $2 asks for all, in ConsentType declaration order, newest
-- version first.
SELECT json_build_object('data', coalesce(json_agg(json_build_object(
	'id', t.id, 'consentType', t."consentType", 'formType', t."formType",
	'title', t.title, 'content', t.content, 'helpText', t."helpText",
	'version', t.version, 'validFrom', izzy_ts(t."validFrom"), 'validTo', izzy_ts(t."validTo"),
	'isActive', t."isActive", 'isRequired', t."isRequired", 'tags', t.tags,
	'createdByUserId', t."createdByUserId", 'createdAt', izzy_ts(t."createdAt"),
	'updatedAt', izzy_ts(t."updatedAt"))
	ORDER BY t."consentType", t.version DESC), '[]'::json))::text
FROM "ConsentTemplate" t
WHERE t."formType" = $1
  AND ($2::boolean OR (t."isActive"
	AND (t."validFrom" IS NULL OR t."validFrom" <= now())
	AND (t."validTo" IS NULL OR t."validTo" > now())))
