-- 0039_detail_change: a lead's detail answered from the program's cache too,
-- exactly (issue 15: the detail's rate), as the board (0037) and the list (0038).
--
-- The detail reads far more than the list: the form's every column (formData,
-- the client's activity), vehicles, financing applications, documents, offers,
-- the agreement, reminders, the audit trail, notes, the status history and the
-- consent records.  Their writes leave their transaction id in "LeadChange"
-- too, with kind 'D' ("detail only"), so that they do not turn the list's and
-- the board's answers into misses (a client's autosave, many a minute, would
-- otherwise do that): those answers check kind 'L' only, the detail both.
-- A transaction that writes both kinds of tables has a row of each.
--
--   izzy_lead_change_since(snap, kinds)  0037's check for the kinds given
--   izzy_lead_change_since(snap)         0037's check: kind 'L' only
--   izzy_consent_templates_next_change() the next instant at which the active
--                                        consent templates' validity changes
--                                        by itself (NULL: none): answers that
--                                        show a consent status hold until then

SET LOCAL client_min_messages = warning;

ALTER TABLE "LeadChange" ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'L';
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'LeadChange_kind_check') THEN
		ALTER TABLE "LeadChange" ADD CONSTRAINT "LeadChange_kind_check" CHECK (kind IN ('L', 'D'));
	END IF;
	IF (SELECT array_length(conkey, 1) FROM pg_constraint WHERE conname = 'LeadChange_pkey') = 1 THEN
		-- The trigger function below no longer names the old key; writers in
		-- flight wait for this transaction's lock on the table.
		ALTER TABLE "LeadChange" DROP CONSTRAINT "LeadChange_pkey";
		ALTER TABLE "LeadChange" ADD CONSTRAINT "LeadChange_pkey" PRIMARY KEY (xid, kind);
	END IF;
END
$$;

-- The trigger's argument is the kind; 0037's triggers pass none: 'L'.
CREATE OR REPLACE FUNCTION izzy_lead_change_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO "LeadChange" (xid, kind) VALUES (pg_current_xact_id(), coalesce(TG_ARGV[0], 'L'))
		ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;

-- "<table>_detail_change" on each table only the detail reads, and on the form
-- for the columns the list's "ApplicationForm_change" (0038) leaves out.  The
-- form's is a row trigger on UPDATE: the detail's own statement switches a stale
-- client-activity flag off with an UPDATE that mostly matches no row, and a
-- statement trigger would fire for it anyway, so that every detail read would
-- write and stale every cached detail.  (0038's trigger covers the form's rows
-- coming and going.)
DROP TRIGGER IF EXISTS "ApplicationForm_detail_change" ON "ApplicationForm";
CREATE TRIGGER "ApplicationForm_detail_change" AFTER UPDATE ON "ApplicationForm"
	FOR EACH ROW EXECUTE FUNCTION izzy_lead_change_trigger('D');
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['VehicleCurrent', 'VehicleDesired',
		'FinancingApplication', 'Document', 'Offer', 'Agreement', 'Reminder', 'AuditLog',
		'LeadNote', 'LeadStatusHistory', 'ConsentRecord'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_detail_change', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION izzy_lead_change_trigger(''D'')',
			t || '_detail_change', t);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION izzy_lead_change_since(snap pg_snapshot, kinds text[])
RETURNS boolean
LANGUAGE sql STABLE
AS $$
	SELECT pg_snapshot_xmin(snap) < (SELECT h."prunedBelow" FROM "LeadChangeHorizon" h WHERE h.id = 1)
		OR EXISTS (SELECT 1 FROM "LeadChange" c
			WHERE c.xid >= pg_snapshot_xmin(snap) AND c.kind = ANY (kinds)
			  AND NOT pg_visible_in_snapshot(c.xid, snap))
$$;

CREATE OR REPLACE FUNCTION izzy_lead_change_since(snap pg_snapshot)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
	SELECT izzy_lead_change_since(snap, '{L}')
$$;

CREATE OR REPLACE FUNCTION izzy_consent_templates_next_change()
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
	SELECT min(b.at) FROM "ConsentTemplate" ct
	CROSS JOIN LATERAL (VALUES (ct."validFrom"), (ct."validTo")) b(at)
	WHERE ct."isActive" AND b.at > now()
$$;
