-- 0036_lead_list_page: which leads a list page shows, planned once per connection
-- (issue 15: fewer round trips and less planning per lead request).
--
--   izzy_lead_page()   the total and the ordered ids of one page of the lead list
--                      (spec/api.md section 4.5.2) under the actor's scope and the
--                      list's filters; cgi-bin/leads_read.sql "leads_list" reads the
--                      summaries of those ids in the same statement
--
-- Why a function: as a prepared statement the page was planned for its actual
-- values at every request (a generic plan of "LIMIT $n" is costed for 10% of the
-- leads, so PostgreSQL never chose it), which cost more than running it.  Here its
-- two statements keep one generic plan per connection (plan_cache_mode below):
-- the total sums the counter groups of 0010, the page walks
-- "Lead_leadCreatedAt_idx" backwards and stops after perPage visible rows.  The
-- caller's statement sees one row of known shape, so it keeps its own generic
-- plan too.
--   actor_role, actor_id, actor_partner (NULL: none)   the actor
--   f_partner, f_status (NULL: any), f_unassigned, f_assigned   the filters
--   page (from 1), per_page
--   search      an ILIKE pattern ('%term%', the term's wildcards escaped by the
--               caller) matched against the customer's first name, last name,
--               e-mail and phone, each through its trigram index (0006); NULL: none
-- The total: '' is "none" in the counters; only a PARTNER_EMPLOYEE's scope needs
-- the creator.

SET LOCAL client_min_messages = warning;

CREATE OR REPLACE FUNCTION izzy_lead_page(actor_role text, actor_id text, actor_partner text,
	f_partner text, f_status text[], f_unassigned boolean, f_assigned text,
	page bigint, per_page int, search text, OUT total bigint, OUT ids text[])
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
	IF search IS NOT NULL THEN
		-- The matching customers' lead ids first, their leads by primary key (a
		-- join would hash every lead); the few matches counted and sorted once.
		-- Run through EXECUTE, so planned for this pattern: a generic plan cannot
		-- tell a selective pattern from '%%' and gave up the trigram indexes.
		EXECUTE $q$
		WITH f AS MATERIALIZED (
			SELECT l.id, l."leadCreatedAt"
			FROM "Lead" l
			WHERE l.id = ANY (ARRAY(SELECT s."leadId" FROM "CustomerProfile" s
				WHERE s."firstName" ILIKE $10 OR s."lastName" ILIKE $10
				   OR s.email ILIKE $10 OR s.phone ILIKE $10))
			  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
			  AND ($4::text IS NULL OR l."partnerId" = $4)
			  AND ($5::text[] IS NULL OR l.status = ANY ($5::"LeadStatus"[]))
			  AND (CASE WHEN $6 THEN l."assignedUserId" IS NULL
			            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7
			            ELSE true END)
		)
		SELECT (SELECT count(*) FROM f),
		       (SELECT coalesce(array_agg(p.id), '{}') FROM (
				SELECT f.id FROM f
				ORDER BY f."leadCreatedAt" DESC, f.id DESC
				LIMIT $9 OFFSET ($8 - 1) * $9) p)
		$q$
		INTO total, ids
		USING actor_role, actor_id, actor_partner, f_partner, f_status, f_unassigned, f_assigned,
			page, per_page, search;
		RETURN;
	END IF;
	IF actor_role = 'PARTNER_EMPLOYEE' THEN
		SELECT coalesce(sum(k.n), 0) INTO total FROM "LeadCountByCreator" k
		WHERE izzy_lead_visible(actor_role, actor_id, actor_partner,
			k."partnerId", k."assignedUserId", k."createdByUserId")
		  AND (f_partner IS NULL OR k."partnerId" = f_partner)
		  AND (f_status IS NULL OR k.status = ANY (f_status::"LeadStatus"[]))
		  AND (CASE WHEN f_unassigned THEN k."assignedUserId" = ''
		            WHEN f_assigned IS NOT NULL THEN k."assignedUserId" = f_assigned
		            ELSE true END);
	ELSE
		SELECT coalesce(sum(k.n), 0) INTO total FROM "LeadCount" k
		WHERE izzy_lead_visible(actor_role, actor_id, actor_partner,
			k."partnerId", k."assignedUserId", NULL)
		  AND (f_partner IS NULL OR k."partnerId" = f_partner)
		  AND (f_status IS NULL OR k.status = ANY (f_status::"LeadStatus"[]))
		  AND (CASE WHEN f_unassigned THEN k."assignedUserId" = ''
		            WHEN f_assigned IS NOT NULL THEN k."assignedUserId" = f_assigned
		            ELSE true END);
	END IF;
	SELECT coalesce(array_agg(p.id), '{}') INTO ids FROM (
		SELECT l.id FROM "Lead" l
		WHERE izzy_lead_visible(actor_role, actor_id, actor_partner,
			l."partnerId", l."assignedUserId", l."createdByUserId")
		  AND (f_partner IS NULL OR l."partnerId" = f_partner)
		  AND (f_status IS NULL OR l.status = ANY (f_status::"LeadStatus"[]))
		  AND (CASE WHEN f_unassigned THEN l."assignedUserId" IS NULL
		            WHEN f_assigned IS NOT NULL THEN l."assignedUserId" = f_assigned
		            ELSE true END)
		ORDER BY l."leadCreatedAt" DESC, l.id DESC
		LIMIT per_page OFFSET (page - 1) * per_page) p;
END
$$;
