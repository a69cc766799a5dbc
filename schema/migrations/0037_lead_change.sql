-- 0037_lead_change: which transactions changed what the pipeline board shows,
-- so that a program can answer the board from its own cache, exactly (issue 13,
-- Performance: the first page of every column at >= 500 requests/s).
--
-- A board answer is built by one statement, which also returns its snapshot
-- (pg_current_snapshot()).  Every transaction that writes a table the board
-- reads leaves its transaction id in "LeadChange" (a statement trigger, one row
-- per transaction).  A cached answer is still the answer while no row of
-- "LeadChange" that is visible now is invisible in the answer's snapshot, that
-- is while no transaction that touched those tables has committed since: see
-- izzy_lead_change_since().  Transactions that were running while the answer was
-- built are in its snapshot's in-progress list, so they count once they commit.
-- No counter row that every writer would lock until its commit (which would
-- serialise lead writes and deadlock two transactions that write two leads in
-- opposite orders); a row per transaction, with no other writer on its key.
--
-- The board reads "Lead" (status, partner, assignee, creator, creation time),
-- "CustomerProfile" (the name), "Partner" (the name), "User" (the full name)
-- and "LeadSla" (the deadline).  Any write to them counts, also one that does
-- not change what the board shows: a cache miss too many is only slower.
--
-- The rows are pruned by the worker's hourly cleanup job (bin/worker_jobs.sql,
-- jobs_cleanup_lead_changes): those below the oldest running transaction go,
-- and "LeadChangeHorizon" records that limit.  A cached snapshot older than the
-- limit may have missed a pruned row, so it is no longer trusted.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "LeadChange" (
	xid          xid8 NOT NULL,
	"changedAt"  timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "LeadChange_pkey" PRIMARY KEY (xid)
);

-- One row: the transaction ids below "prunedBelow" were pruned from "LeadChange".
CREATE TABLE IF NOT EXISTS "LeadChangeHorizon" (
	id             integer NOT NULL DEFAULT 1,
	"prunedBelow"  xid8 NOT NULL,
	"prunedAt"     timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "LeadChangeHorizon_pkey" PRIMARY KEY (id),
	CONSTRAINT "LeadChangeHorizon_one_row_check" CHECK (id = 1)
);
INSERT INTO "LeadChangeHorizon" (id, "prunedBelow") VALUES (1, '0'::xid8)
	ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION izzy_lead_change_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO "LeadChange" (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
	RETURN NULL;
END
$$;

-- "<table>_change" on each table the board reads (the names are constants of this file).
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['Lead', 'CustomerProfile', 'Partner', 'User', 'LeadSla'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_change', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_change_trigger()', t || '_change', t);
	END LOOP;
END
$$;

-- true when a transaction that wrote one of the tables above committed after
-- the snapshot snap was taken, or when snap is older than the pruning limit
-- (its changes can no longer be told).  Only the rows at or above snap's xmin
-- can be invisible to it: the primary key's range.
CREATE OR REPLACE FUNCTION izzy_lead_change_since(snap pg_snapshot)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
	SELECT pg_snapshot_xmin(snap) < (SELECT h."prunedBelow" FROM "LeadChangeHorizon" h WHERE h.id = 1)
		OR EXISTS (SELECT 1 FROM "LeadChange" c
			WHERE c.xid >= pg_snapshot_xmin(snap) AND NOT pg_visible_in_snapshot(c.xid, snap))
$$;

-- A board card's SLA state (cgi-bin/leads_read.sql, leads_board): only what the card's badge
-- shows (kind, dueAt, breached, met), and null when it shows nothing, so that 950 cards stay
-- small; the lead's detail and the list keep the whole izzy_sla_json.
CREATE OR REPLACE FUNCTION izzy_sla_card_json(s "LeadSla")
RETURNS json
LANGUAGE sql STABLE
AS $$
	SELECT CASE WHEN j->>'dueAt' IS NOT NULL OR (j->>'breached')::boolean OR (j->>'met')::boolean
		THEN json_build_object('kind', j->'kind', 'dueAt', j->'dueAt', 'breached', j->'breached',
			'met', j->'met') END
	FROM (SELECT izzy_sla_json(s) AS j) x
$$;
