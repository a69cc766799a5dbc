-- Statements of cgi-bin/webleads.c: the embeddable web-to-lead form (issue 14).

-- name: webleads_form
-- The form of a public key ($1), enabled or not, and whether origin $2
-- (normalised, or NULL) is one of its allowed origins.
SELECT w."partnerId", w."enabled", ($2::text IS NOT NULL AND $2 = ANY (w."allowedOrigins")),
	w."rateLimitPerHour"
FROM "PartnerWebForm" w
JOIN "Partner" p ON p.id = w."partnerId"
WHERE w."formKey" = $1

-- name: webleads_form_json
-- What the hosted form shows: the partner's name and the current version of each
-- chosen purpose, in the chosen order.  $1 partner, $2 the signed form token.
SELECT json_build_object(
	'partnerName', p.name,
	'formToken', $2::text,
	'purposes', coalesce((
		SELECT json_agg(json_build_object(
			'consentTemplateId', c.id, 'version', c.version, 'consentType', c."consentType",
			'title', c.title, 'content', c.content, 'helpText', c."helpText",
			'isRequired', c."isRequired") ORDER BY x.n)
		FROM unnest(w."templateIds") WITH ORDINALITY AS x(id, n)
		JOIN "ConsentTemplate" t ON t.id = x.id
		JOIN "ConsentTemplate" c ON c.id = izzy_consent_current(t."consentType", t."formType")
	), '[]'))::text
FROM "PartnerWebForm" w
JOIN "Partner" p ON p.id = w."partnerId"
WHERE w."partnerId" = $1

-- name: webleads_answers
-- The ticked purposes ($2, template ids) against what the form of partner $1
-- shows now.  One row: the answers to record ([{consentTemplateId, version,
-- consentGiven: true}] in the form's order), the first ticked id that is not
-- shown (unknown, another partner's, or an older version), and the first
-- required purpose left unticked.
WITH shown AS (
	SELECT c.id, c.version, c."isRequired", min(x.n) AS n
	FROM "PartnerWebForm" w
	CROSS JOIN LATERAL unnest(w."templateIds") WITH ORDINALITY AS x(id, n)
	JOIN "ConsentTemplate" t ON t.id = x.id
	JOIN "ConsentTemplate" c ON c.id = izzy_consent_current(t."consentType", t."formType")
	WHERE w."partnerId" = $1
	GROUP BY c.id, c.version, c."isRequired"
)
SELECT coalesce((SELECT json_agg(json_build_object('consentTemplateId', s.id,
		'version', s.version, 'consentGiven', true) ORDER BY s.n)
	FROM shown s WHERE s.id = ANY ($2::text[])), '[]')::text,
	(SELECT a.id FROM unnest($2::text[]) WITH ORDINALITY AS a(id, n)
	 WHERE NOT EXISTS (SELECT 1 FROM shown s WHERE s.id = a.id) ORDER BY a.n LIMIT 1),
	(SELECT s.id FROM shown s WHERE s."isRequired" AND NOT (s.id = ANY ($2::text[]))
	 ORDER BY s.n LIMIT 1)

-- name: webleads_create
-- The INBOUND lead, its customer and the pending submission in one statement.
-- $1 lead id, $2 partner, $3 sourceMetadata, $4 notes, $5 profile id,
-- $6 first name, $7 last name, $8 e-mail, $9 phone, $10 submission id,
-- $11 answers, $12 address, $13 user agent, $14 origin, $15 token hash,
-- $16 days the confirmation link is valid.
WITH lead AS (
	INSERT INTO "Lead" (id, "partnerId", "assignedUserId", "createdByUserId", status,
		"sourceMetadata", notes)
	VALUES ($1, $2, NULL, NULL, 'INBOUND', $3::jsonb, $4)
	RETURNING id
), prof AS (
	INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", email, phone)
	SELECT $5, lead.id, $6, $7, $8, nullif(regexp_replace($9, '[\s-]', '', 'g'), '') FROM lead
)
INSERT INTO "WebLeadSubmission" (id, "partnerId", "leadId", answers, "ipAddress", "userAgent",
	origin, "tokenHash", "expiresAt")
SELECT $10, $2, lead.id, $11::jsonb, $12, $13, $14, $15, now() + make_interval(days => $16::int)
FROM lead

-- name: webleads_confirm_lock
-- The submission of a confirmation token hash, locked: its lead, partner,
-- answers, the submitting address and user agent, whether it was confirmed,
-- whether the link expired, and whether the lead was anonymised since.
SELECT s.id, s."leadId", s."partnerId", s.answers::text, s."ipAddress", s."userAgent",
	s."confirmedAt" IS NOT NULL, s."expiresAt" <= now(), l."anonymizedAt" IS NOT NULL
FROM "WebLeadSubmission" s
JOIN "Lead" l ON l.id = s."leadId"
WHERE s."tokenHash" = $1
FOR UPDATE OF s

-- name: webleads_confirm_done
-- $1 submission, $2 address, $3 user agent.  The lead's sourceMetadata notes
-- when the address was confirmed.
WITH s AS (
	UPDATE "WebLeadSubmission" SET "confirmedAt" = now(), "confirmIp" = $2, "confirmUserAgent" = $3
	WHERE id = $1
	RETURNING "leadId", "confirmedAt"
)
UPDATE "Lead" l SET "sourceMetadata" = coalesce(l."sourceMetadata", '{}'::jsonb)
	|| jsonb_build_object('emailConfirmedAt', izzy_ts(s."confirmedAt"))
FROM s WHERE l.id = s."leadId"

-- name: webleads_settings
-- The settings of partner $1 (defaults when it has no form yet) with the
-- current active template versions a purpose may be chosen from.  NULL row
-- values when the partner does not exist.
SELECT EXISTS (SELECT 1 FROM "Partner" WHERE id = $1),
	json_build_object(
		'partnerId', $1::text,
		'enabled', coalesce(w."enabled", false),
		'formKey', w."formKey",
		'allowedOrigins', to_json(coalesce(w."allowedOrigins", '{}')),
		'templateIds', to_json(coalesce(w."templateIds", '{}')),
		'rateLimitPerHour', coalesce(w."rateLimitPerHour", 100),
		'updatedAt', izzy_ts(w."updatedAt"),
		'availableTemplates', coalesce((
			SELECT json_agg(json_build_object('id', c.id, 'title', c.title,
				'consentType', c."consentType", 'formType', c."formType",
				'version', c.version, 'isRequired', c."isRequired")
				ORDER BY c."formType", c."consentType")
			FROM "ConsentTemplate" c
			WHERE c.id = izzy_consent_current(c."consentType", c."formType")), '[]'))::text
FROM (SELECT 1) one
LEFT JOIN "PartnerWebForm" w ON w."partnerId" = $1

-- name: webleads_settings_check
-- The first of the chosen template ids ($1) that is not a current version.
SELECT a.id FROM unnest($1::text[]) WITH ORDINALITY AS a(id, n)
WHERE NOT EXISTS (SELECT 1 FROM "ConsentTemplate" c
	WHERE c.id = a.id AND c.id = izzy_consent_current(c."consentType", c."formType"))
ORDER BY a.n LIMIT 1

-- name: webleads_settings_put
-- Creates or updates the form of partner $1; a new form gets key $2.
-- $3 enabled, $4 origins, $5 template ids, $6 rate limit, $7 actor.
INSERT INTO "PartnerWebForm" ("partnerId", "formKey", "enabled", "allowedOrigins", "templateIds",
	"rateLimitPerHour", "updatedByUserId")
VALUES ($1, $2, $3::boolean, $4::text[], $5::text[], $6::int, $7)
ON CONFLICT ("partnerId") DO UPDATE SET "enabled" = EXCLUDED."enabled",
	"allowedOrigins" = EXCLUDED."allowedOrigins", "templateIds" = EXCLUDED."templateIds",
	"rateLimitPerHour" = EXCLUDED."rateLimitPerHour",
	"updatedByUserId" = EXCLUDED."updatedByUserId"
