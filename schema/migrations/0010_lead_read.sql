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
--   "LeadCount", "LeadCountByCreator"
--                          numbers of leads per group, kept exact by triggers on
--                          "Lead": the list's total is a sum over a few groups
--                          instead of a count over every lead
--   izzy_lead_visible()    the rule of 0008 in an index-friendly shape (below)

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

-- The list's total (meta.total) is a sum over counter rows instead of a count
-- over every lead: the scope and filters of the list (partner, assignee,
-- creator, status) are exactly their keys.
--   "LeadCount"           per (partner, assignee, status): every role but
--                         PARTNER_EMPLOYEE
--   "LeadCountByCreator"  per (partner, creator, assignee, status): a
--                         PARTNER_EMPLOYEE sees only the leads it created
-- '' stands for "none" in "assignedUserId" and "createdByUserId" (a primary key
-- has no NULLs; no user id is empty).  The triggers keep both exact inside the
-- writer's transaction; a write holds the rows of its groups until commit, so
-- concurrent writes to leads of the same group queue behind each other.  Rows
-- of emptied groups stay (n = 0).
CREATE TABLE IF NOT EXISTS "LeadCount" (
	"partnerId"      text NOT NULL,
	"assignedUserId" text NOT NULL,
	"status"         "LeadStatus" NOT NULL,
	"n"              integer NOT NULL,
	CONSTRAINT "LeadCount_pkey" PRIMARY KEY ("partnerId", "assignedUserId", "status")
);
CREATE TABLE IF NOT EXISTS "LeadCountByCreator" (
	"partnerId"       text NOT NULL,
	"createdByUserId" text NOT NULL,
	"assignedUserId"  text NOT NULL,
	"status"          "LeadStatus" NOT NULL,
	"n"               integer NOT NULL,
	CONSTRAINT "LeadCountByCreator_pkey" PRIMARY KEY ("partnerId", "createdByUserId", "assignedUserId", "status")
);

CREATE OR REPLACE FUNCTION izzy_lead_count_add(partner text, assigned text, lead_status "LeadStatus",
	delta integer)
RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO "LeadCount" AS k ("partnerId", "assignedUserId", "status", "n")
	VALUES (partner, assigned, lead_status, delta)
	ON CONFLICT ("partnerId", "assignedUserId", "status") DO UPDATE SET "n" = k."n" + delta
$$;
CREATE OR REPLACE FUNCTION izzy_lead_count_by_creator_add(partner text, creator text, assigned text,
	lead_status "LeadStatus", delta integer)
RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO "LeadCountByCreator" AS k ("partnerId", "createdByUserId", "assignedUserId", "status", "n")
	VALUES (partner, creator, assigned, lead_status, delta)
	ON CONFLICT ("partnerId", "createdByUserId", "assignedUserId", "status") DO UPDATE SET "n" = k."n" + delta
$$;

CREATE OR REPLACE FUNCTION izzy_lead_count() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	o text[];	-- partner, assignee, status, creator of the old row ('' for none)
	n text[];	-- the same of the new row
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		TRUNCATE "LeadCount", "LeadCountByCreator";
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		o := ARRAY[OLD."partnerId", coalesce(OLD."assignedUserId", ''), OLD.status::text,
			coalesce(OLD."createdByUserId", '')];
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		n := ARRAY[NEW."partnerId", coalesce(NEW."assignedUserId", ''), NEW.status::text,
			coalesce(NEW."createdByUserId", '')];
	END IF;
	IF o IS NOT DISTINCT FROM n THEN
		RETURN NULL;
	END IF;
	-- Rows are locked in one global order (all "LeadCount" rows before any
	-- "LeadCountByCreator" row, each in key order), so two writers moving
	-- leads between the same groups in opposite directions cannot deadlock.
	IF o IS NULL OR n IS NULL OR o[1:3] IS DISTINCT FROM n[1:3] THEN
		IF o IS NOT NULL AND (n IS NULL OR o[1:3] < n[1:3]) THEN
			PERFORM izzy_lead_count_add(o[1], o[2], o[3]::"LeadStatus", -1);
		END IF;
		IF n IS NOT NULL THEN
			PERFORM izzy_lead_count_add(n[1], n[2], n[3]::"LeadStatus", 1);
		END IF;
		IF o IS NOT NULL AND n IS NOT NULL AND o[1:3] > n[1:3] THEN
			PERFORM izzy_lead_count_add(o[1], o[2], o[3]::"LeadStatus", -1);
		END IF;
	END IF;
	IF o IS NOT NULL AND (n IS NULL OR o < n) THEN
		PERFORM izzy_lead_count_by_creator_add(o[1], o[4], o[2], o[3]::"LeadStatus", -1);
	END IF;
	IF n IS NOT NULL THEN
		PERFORM izzy_lead_count_by_creator_add(n[1], n[4], n[2], n[3]::"LeadStatus", 1);
	END IF;
	IF o IS NOT NULL AND n IS NOT NULL AND o > n THEN
		PERFORM izzy_lead_count_by_creator_add(o[1], o[4], o[2], o[3]::"LeadStatus", -1);
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "Lead_count" ON "Lead";
CREATE TRIGGER "Lead_count"
	AFTER INSERT OR DELETE OR UPDATE OF "partnerId", "assignedUserId", "createdByUserId", "status" ON "Lead"
	FOR EACH ROW EXECUTE FUNCTION izzy_lead_count();
DROP TRIGGER IF EXISTS "Lead_count_truncate" ON "Lead";
CREATE TRIGGER "Lead_count_truncate"
	AFTER TRUNCATE ON "Lead"
	FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_count();

-- Existing leads (an upgraded database): counted with writers locked out.
LOCK TABLE "Lead" IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM "LeadCount";
DELETE FROM "LeadCountByCreator";
INSERT INTO "LeadCount" ("partnerId", "assignedUserId", "status", "n")
SELECT "partnerId", coalesce("assignedUserId", ''), status, count(*)
FROM "Lead"
GROUP BY 1, 2, 3;
INSERT INTO "LeadCountByCreator" ("partnerId", "createdByUserId", "assignedUserId", "status", "n")
SELECT "partnerId", coalesce("createdByUserId", ''), coalesce("assignedUserId", ''), status, count(*)
FROM "Lead"
GROUP BY 1, 2, 3, 4;
