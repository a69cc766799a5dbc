-- 0032: lead import (issue 14).  An "ImportJob" holds the uploaded file (bytea:
-- at most 20 MB, read whole by the reader anyway, and gone with the job), the
-- column mapping, the dry-run report, the progress of the real run and the ids
-- of the leads it created (for the undo).  "ImportMapping" remembers each
-- user's last mapping, keyed by the file's header names.
CREATE TABLE IF NOT EXISTS "ImportJob" (
	"id" text NOT NULL,
	CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "ImportJob"
	ADD COLUMN IF NOT EXISTS "userId"         text NOT NULL,
	ADD COLUMN IF NOT EXISTS "partnerId"      text,
	ADD COLUMN IF NOT EXISTS "status"         text NOT NULL DEFAULT 'UPLOADED',
	ADD COLUMN IF NOT EXISTS "fileName"       text NOT NULL DEFAULT '',
	ADD COLUMN IF NOT EXISTS "format"         text NOT NULL DEFAULT 'CSV',
	ADD COLUMN IF NOT EXISTS "file"           bytea,
	ADD COLUMN IF NOT EXISTS "fileSize"       integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "columns"        jsonb NOT NULL DEFAULT '[]',
	ADD COLUMN IF NOT EXISTS "mapping"        jsonb,
	ADD COLUMN IF NOT EXISTS "report"         jsonb,
	ADD COLUMN IF NOT EXISTS "totalRows"      integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "validRows"      integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "processedRows"  integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "createdCount"   integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "skippedCount"   integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS "createdLeadIds" text[] NOT NULL DEFAULT '{}',
	ADD COLUMN IF NOT EXISTS "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS "startedAt"      timestamptz(3),
	ADD COLUMN IF NOT EXISTS "finishedAt"     timestamptz(3),
	ADD COLUMN IF NOT EXISTS "undoneAt"       timestamptz(3);
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ImportJob_status_check') THEN
		ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_status_check" CHECK ("status" IN
			('UPLOADED', 'VALIDATED', 'RUNNING', 'DONE', 'FAILED', 'UNDONE'));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ImportJob_userId_fkey') THEN
		ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_userId_fkey" FOREIGN KEY ("userId")
			REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ImportJob_partnerId_fkey') THEN
		ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_partnerId_fkey" FOREIGN KEY ("partnerId")
			REFERENCES "Partner" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
	END IF;
END
$$;
CREATE INDEX IF NOT EXISTS "ImportJob_userId_createdAt_idx" ON "ImportJob" ("userId", "createdAt");

CREATE TABLE IF NOT EXISTS "ImportMapping" (
	"userId" text NOT NULL,
	CONSTRAINT "ImportMapping_pkey" PRIMARY KEY ("userId")
);
ALTER TABLE "ImportMapping"
	ADD COLUMN IF NOT EXISTS "mapping"   jsonb NOT NULL DEFAULT '{}',
	ADD COLUMN IF NOT EXISTS "updatedAt" timestamptz(3) NOT NULL DEFAULT now();
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ImportMapping_userId_fkey') THEN
		ALTER TABLE "ImportMapping" ADD CONSTRAINT "ImportMapping_userId_fkey" FOREIGN KEY ("userId")
			REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
	END IF;
END
$$;
DROP TRIGGER IF EXISTS "ImportMapping_set_updatedAt" ON "ImportMapping";
CREATE TRIGGER "ImportMapping_set_updatedAt" BEFORE UPDATE ON "ImportMapping" FOR EACH ROW
	EXECUTE FUNCTION izzy_set_updated_at();

-- Deleting a lead checks that no lead was merged into it (Lead_mergedIntoId_fkey): without an
-- index that is a scan of "Lead" per deleted lead, which made the undo of a 5,000-row import
-- quadratic.  Only merged leads have the column set, so the index stays small.
CREATE INDEX IF NOT EXISTS "Lead_mergedIntoId_idx" ON "Lead" ("mergedIntoId")
	WHERE "mergedIntoId" IS NOT NULL;
