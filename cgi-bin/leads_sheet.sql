-- Statements of cgi-bin/leads_sheet.c: the lead list as a spreadsheet file
-- (issue 14) and the bulk export's file.

-- name: leads_sheet_ids
-- The ids of the leads the actor may see under the list's filters, in the
-- list's order (newest first), at most $9 of them (the handler asks for one
-- more than its cap), and how many that is.
--   $1..$7 as leads_list_page (role, actor, actor partner, partnerId,
--   status text[], unassigned only, assignedUserId); $8 the search's ILIKE
--   pattern or NULL (leads_list_search_page's fields).
SELECT coalesce(array_agg(id ORDER BY n), '{}')::text, count(*) FROM (
	SELECT l.id, row_number() OVER (ORDER BY l."leadCreatedAt" DESC, l.id DESC) AS n
	FROM "Lead" l
	WHERE izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
	  AND ($5::text[] IS NULL OR l.status = ANY ($5::text[]::"LeadStatus"[]))
	  AND (CASE WHEN $6::boolean THEN l."assignedUserId" IS NULL
	            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7::text
	            ELSE true END)
	  AND ($8::text IS NULL OR l.id = ANY (ARRAY(SELECT s."leadId" FROM "CustomerProfile" s
		WHERE s."firstName" ILIKE $8::text OR s."lastName" ILIKE $8::text
		   OR s.email ILIKE $8::text OR s.phone ILIKE $8::text)))
	ORDER BY l."leadCreatedAt" DESC, l.id DESC
	LIMIT $9::int) p

-- name: leads_sheet_rows
-- One row per lead of $1 (text[]) the actor ($2 role, $3 id, $4 partner) may
-- see, newest first, with what the list shows (the lead summary of
-- leads_list_rows): id, first name, last name, e-mail, phone, status,
-- consent status (its Polish label, as the list's badge), the assignee,
-- the partner, the creation time in $5's time zone (APP_TIMEZONE) as
-- 'YYYY-MM-DD HH24:MI:SS', and the desired vehicle's budget (2 decimals).
WITH tpl AS (
	SELECT coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'lead_creation'), '{}') AS req_lead,
	       coalesce(array_agg(id) FILTER (WHERE "isRequired" AND "formType" = 'financing_application'), '{}') AS req_fin,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'lead_creation'), '{}') AS opt_lead,
	       coalesce(array_agg(id) FILTER (WHERE NOT "isRequired" AND "formType" = 'financing_application'), '{}') AS opt_fin
	FROM "ConsentTemplate"
	WHERE "isActive" AND "formType" IN ('lead_creation', 'financing_application')
	  AND "validFrom" <= now() AND ("validTo" IS NULL OR "validTo" > now())
)
SELECT l.id, cp."firstName", cp."lastName", cp.email, cp.phone, l.status::text,
       CASE izzy_consent_status(
		CASE WHEN af.id IS NOT NULL OR c.financing THEN t.req_lead || t.req_fin ELSE t.req_lead END,
		CASE WHEN af.id IS NOT NULL OR c.financing THEN t.opt_lead || t.opt_fin ELSE t.opt_lead END,
		c.given)
		WHEN 'complete' THEN 'Zgody kompletne'
		WHEN 'incomplete' THEN 'Zgody niepełne'
		WHEN 'missing_required' THEN 'Brak wymaganych zgód'
		WHEN 'no_templates' THEN 'Brak wzorów zgód' END,
       coalesce(u."fullName", u.email), pa.name,
       to_char(l."leadCreatedAt" AT TIME ZONE $5::text, 'YYYY-MM-DD HH24:MI:SS'),
       round(vd.budget, 2)::text
FROM "Lead" l
JOIN "Partner" pa ON pa.id = l."partnerId"
LEFT JOIN "User" u ON u.id = l."assignedUserId"
LEFT JOIN "CustomerProfile" cp ON cp."leadId" = l.id
LEFT JOIN "ApplicationForm" af ON af."leadId" = l.id
LEFT JOIN "VehicleDesired" vd ON vd."leadId" = l.id
CROSS JOIN tpl t
LEFT JOIN "LeadConsent" c ON c.id = l.id
WHERE l.id = ANY ($1::text[])
  AND izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId")
ORDER BY l."leadCreatedAt" DESC, l.id DESC

-- name: leads_sheet_audit
-- The export's audit entry (issue 14): "UserAuditLog" holds the actions of a
-- user that concern no single lead ("AuditLog" needs one); the actor is also
-- the target.  $3 the JSON of {format, filter, columns, rows}.
INSERT INTO "UserAuditLog" (id, "actorId", "targetUserId", action, "newValue")
VALUES ($1, $2, $2, 'LEADS_EXPORTED', $3::jsonb)
