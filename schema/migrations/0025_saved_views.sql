-- 0025_saved_views: the staff workspace of issue 13 (first half).
--
--   "SavedView"   a named set of the lead list's filters, sort and visible
--                 columns ("state", a JSON object the UI owns), per user; a
--                 shared view is readable by all staff, only its owner
--                 changes or deletes it (cgi-bin/leads_views.c)
--   izzy_csv_quoted()  one cell of the ';'-separated bulk export
--   "Lead_status_leadCreatedAt_idx"
--                 the board's columns: each status's newest leads are an
--                 index range, not a sort of every lead of the status

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "SavedView" (
	"id"        text NOT NULL,
	"userId"    text NOT NULL,
	"name"      text NOT NULL,
	"state"     jsonb NOT NULL DEFAULT '{}',
	"shared"    boolean NOT NULL DEFAULT false,
	"createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	"updatedAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "SavedView_userId_fkey" FOREIGN KEY ("userId")
		REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "SavedView_userId_name_key" ON "SavedView" ("userId", "name");
CREATE INDEX IF NOT EXISTS "SavedView_shared_idx" ON "SavedView" ("shared") WHERE "shared";
DROP TRIGGER IF EXISTS "SavedView_set_updatedAt" ON "SavedView";
CREATE TRIGGER "SavedView_set_updatedAt" BEFORE UPDATE ON "SavedView" FOR EACH ROW
	EXECUTE FUNCTION izzy_set_updated_at();

CREATE INDEX IF NOT EXISTS "Lead_status_leadCreatedAt_idx" ON "Lead" ("status", "leadCreatedAt", "id");

-- One cell of the bulk export (cgi-bin/leads_bulk.c), whose cells are
-- separated by ';' (the Polish spreadsheet default): always quoted, quotes
-- doubled, and a text a spreadsheet would run as a formula (=, +, -, @, tab,
-- carriage return first) made inert with a leading apostrophe, as
-- izzy_csv_cell() of 0015 does for ','.  NULL is an empty cell.
CREATE OR REPLACE FUNCTION izzy_csv_quoted(v text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT '"' || replace(CASE WHEN v ~ '^[=+@\t\r-]' THEN '''' || v ELSE coalesce(v, '') END,
		'"', '""') || '"'
$$;
