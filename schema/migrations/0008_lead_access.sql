-- The one lead-visibility rule (spec/api.md §2.5, FR-14, SR-14), as a SQL
-- function so that the list query (WHERE) and common/leadaccess.c (detail
-- and every lead-scoped change) evaluate exactly the same expression.
--   ADMIN, SUPERVISOR        every lead
--   PARTNER, PARTNER_MANAGER leads of their partner
--   PARTNER_EMPLOYEE         leads of their partner that they created
--   OPERATOR                 leads assigned to them, plus their partner's leads if they have one
--   anything else (AUDITOR)  none
-- LANGUAGE sql and IMMUTABLE so the planner inlines it into the caller's query.
CREATE OR REPLACE FUNCTION izzy_lead_visible(actor_role text, actor_id text, actor_partner text,
	lead_partner text, lead_assigned text, lead_creator text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(CASE
		WHEN actor_role IN ('ADMIN', 'SUPERVISOR') THEN true
		WHEN actor_role IN ('PARTNER', 'PARTNER_MANAGER') THEN lead_partner = actor_partner
		WHEN actor_role = 'PARTNER_EMPLOYEE' THEN lead_partner = actor_partner AND lead_creator = actor_id
		WHEN actor_role = 'OPERATOR' THEN lead_assigned = actor_id OR lead_partner = actor_partner
		ELSE false
	END, false)
$$;

-- Start of the client's current editing session on the form: set by the
-- client heartbeat when isClientActive turns on.  The operator guard keys its
-- supervisor alert on it, so an alert goes out at most once per client session.
ALTER TABLE "ApplicationForm" ADD COLUMN IF NOT EXISTS "clientActiveSince" timestamptz(3);
