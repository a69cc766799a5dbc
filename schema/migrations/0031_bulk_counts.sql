-- 0031_bulk_counts: the speed of the board and of bulk actions (issue 13, Performance).
--
-- A bulk change of many leads keeps the lead counters (0010) in
-- one set-based step instead of four upserts per lead.
--
-- The row trigger "Lead_count" costs four INSERT … ON CONFLICT per changed lead:
-- a bulk assignment of 500 leads spent most of its time there.  The trigger now
-- stands aside while the transaction-local setting izzy.lead_count_set is 'on',
-- which only izzy_lead_bulk_update() below sets (and clears before it returns):
-- it changes the leads with one UPDATE and adds the summed differences of their
-- groups to "LeadCount" and "LeadCountByCreator" with one upsert each, in key
-- order, "LeadCount" first, as the trigger locks them.  Every other write to
-- "Lead" keeps the row trigger.

DROP TRIGGER IF EXISTS "Lead_count" ON "Lead";
CREATE TRIGGER "Lead_count"
	AFTER INSERT OR DELETE OR UPDATE OF "partnerId", "assignedUserId", "createdByUserId", status
	ON "Lead"
	FOR EACH ROW
	WHEN (current_setting('izzy.lead_count_set', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION izzy_lead_count();

-- Changes the leads ids (already locked by the caller) in one statement:
--   mode 'assign'   "assignedUserId" = assignee (NULL: none);
--   mode 'claim'    status = new_status, "assignedUserId" = assignee, "claimedAt" = now();
--   mode 'release'  status = new_status, no assignee, no "claimedAt";
--   mode 'keep'     status = new_status.
-- Returns the number of leads changed.
CREATE OR REPLACE FUNCTION izzy_lead_bulk_update(ids text[], mode text, new_status "LeadStatus",
	assignee text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
	changed integer;
	moved "LeadCountByCreator"[];	-- +1 per lead in its new group, -1 in its old one
BEGIN
	IF mode NOT IN ('assign', 'claim', 'release', 'keep') OR (mode <> 'assign' AND new_status IS NULL) THEN
		RAISE EXCEPTION 'izzy_lead_bulk_update: bad mode %', mode;
	END IF;
	PERFORM set_config('izzy.lead_count_set', 'on', true);
	WITH old AS (
		SELECT l.id, l."partnerId", coalesce(l."assignedUserId", '') AS a, l.status,
		       coalesce(l."createdByUserId", '') AS c
		FROM "Lead" l WHERE l.id = ANY (ids)
	), upd AS (
		UPDATE "Lead" l SET
			status = CASE WHEN mode = 'assign' THEN l.status ELSE new_status END,
			"assignedUserId" = CASE mode WHEN 'assign' THEN assignee WHEN 'claim' THEN assignee
			                             WHEN 'release' THEN NULL ELSE l."assignedUserId" END,
			"claimedAt" = CASE mode WHEN 'claim' THEN now() WHEN 'release' THEN NULL
			                        ELSE l."claimedAt" END
		WHERE l.id = ANY (ids)
		RETURNING l.id, l."partnerId", coalesce(l."assignedUserId", '') AS a, l.status,
		          coalesce(l."createdByUserId", '') AS c
	)
	SELECT (SELECT count(*) FROM upd),
	       (SELECT array_agg(ROW(m.p, m.c, m.a, m.s, m.n)::"LeadCountByCreator")
	        FROM (SELECT o."partnerId" AS p, o.c, o.a, o.status AS s, -1 AS n
	              FROM old o JOIN upd u ON u.id = o.id
	              UNION ALL
	              SELECT u."partnerId", u.c, u.a, u.status, 1 FROM upd u) m)
	INTO changed, moved;
	INSERT INTO "LeadCount" AS k ("partnerId", "assignedUserId", status, n)
	SELECT m."partnerId", m."assignedUserId", m.status, sum(m.n)
	FROM unnest(moved) m
	GROUP BY 1, 2, 3 HAVING sum(m.n) <> 0
	ORDER BY m."partnerId", m."assignedUserId", m.status::text
	ON CONFLICT ("partnerId", "assignedUserId", status) DO UPDATE SET n = k.n + excluded.n;
	INSERT INTO "LeadCountByCreator" AS k ("partnerId", "createdByUserId", "assignedUserId", status, n)
	SELECT m."partnerId", m."createdByUserId", m."assignedUserId", m.status, sum(m.n)
	FROM unnest(moved) m
	GROUP BY 1, 2, 3, 4 HAVING sum(m.n) <> 0
	ORDER BY m."partnerId", m."assignedUserId", m.status::text, m."createdByUserId"
	ON CONFLICT ("partnerId", "createdByUserId", "assignedUserId", status)
	DO UPDATE SET n = k.n + excluded.n;
	PERFORM set_config('izzy.lead_count_set', 'off', true);
	RETURN changed;
END
$$;

-- The board (GET /api/leads/board) joins up to 950 cards to their customer's
-- name: with the names in the index the join reads no heap pages.
CREATE INDEX IF NOT EXISTS "CustomerProfile_leadId_names_idx"
	ON "CustomerProfile" ("leadId") INCLUDE (id, "firstName", "lastName");
