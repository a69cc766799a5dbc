-- 0010_lead_read: SQL helpers and indexes of the lead list, detail, create and
-- duplicate check (cgi-bin/leads_read.sql).
--
--   izzy_consent_status()  the lead consent status of spec/api.md section 7.5 as one
--                          expression, so the list computes it for a whole page in
--                          the same query (no per-lead round trip)
--   izzy_phone_key()       the duplicate-detection key of a phone number (FR-28):
--                          its last 9 digits, so "+48 600-100-200" and "600100200" match
--   indexes                duplicate lookups by e-mail (case-insensitive), phone key
--                          and PESEL hash (SR-43 keyed hash in "nationalIdHash")

SET LOCAL client_min_messages = warning;

-- required / optional: ids of the active templates of the form types relevant
-- to the lead; given: ids of the templates the lead has a given, not withdrawn
-- record for (withdrawn records no longer count: the section 7.5 QUIRK fixed).
-- IMMUTABLE and free of sub-queries so the planner inlines it.
CREATE OR REPLACE FUNCTION izzy_consent_status(required text[], optional text[], given text[])
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN coalesce(cardinality(required), 0) = 0 THEN
			CASE WHEN coalesce(cardinality(given), 0) > 0 THEN 'complete' ELSE 'no_templates' END
		WHEN NOT (required <@ coalesce(given, '{}'::text[])) THEN 'missing_required'
		WHEN NOT (coalesce(optional, '{}'::text[]) <@ coalesce(given, '{}'::text[])) THEN 'incomplete'
		ELSE 'complete'
	END
$$;

-- NULL when the number has fewer than 9 digits: too short to identify anyone.
CREATE OR REPLACE FUNCTION izzy_phone_key(phone text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT CASE WHEN length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 9
		THEN right(regexp_replace(phone, '[^0-9]', '', 'g'), 9) END
$$;

CREATE INDEX IF NOT EXISTS "CustomerProfile_email_lower_idx" ON "CustomerProfile" (lower("email"));
CREATE INDEX IF NOT EXISTS "CustomerProfile_phone_key_idx" ON "CustomerProfile" (izzy_phone_key("phone"));
CREATE INDEX IF NOT EXISTS "CustomerProfile_nationalIdHash_idx" ON "CustomerProfile" ("nationalIdHash");

-- izzy_lead_visible (0008), same rule, in a shape the planner can use indexes
-- for: without the outer coalesce, a custom plan folds the CASE into plain
-- comparisons ("assignedUserId" = $x OR "partnerId" = $y -> BitmapOr), where
-- the coalesce forced a sequential scan of every lead.  A comparison with a
-- NULL column now yields NULL instead of false; WHERE treats both alike, and
-- callers that need a strict boolean write "IS TRUE".
CREATE OR REPLACE FUNCTION izzy_lead_visible(actor_role text, actor_id text, actor_partner text,
	lead_partner text, lead_assigned text, lead_creator text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN actor_role IN ('ADMIN', 'SUPERVISOR') THEN true
		WHEN actor_partner IS NULL AND actor_role = 'OPERATOR' THEN lead_assigned = actor_id
		WHEN actor_partner IS NULL THEN false
		WHEN actor_role IN ('PARTNER', 'PARTNER_MANAGER') THEN lead_partner = actor_partner
		WHEN actor_role = 'PARTNER_EMPLOYEE' THEN lead_partner = actor_partner AND lead_creator = actor_id
		WHEN actor_role = 'OPERATOR' THEN lead_assigned = actor_id OR lead_partner = actor_partner
		ELSE false
	END
$$;
