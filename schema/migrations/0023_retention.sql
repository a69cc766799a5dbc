-- 0023_retention: automatic retention (issue 10; requirements FR-39, SR-41) and
-- the Art. 15 export's audit (FR-40, SR-45).
--
--   "Lead"."retentionExempt"    the whitelist: an ADMIN excludes a lead from
--                               automatic anonymisation (PUT /api/leads/{id}/retention,
--                               audited); manual anonymisation still works
--   "Lead"."retentionNoticeAt"  when the admins were told the lead falls due (FR-39:
--                               30 days ahead); a lead is notified once, and is
--                               anonymised only when the notice is old enough
--   "RetentionRun"              one row per real run of common/retention.c (izzyctl
--                               retention run, the worker's job): who ran it, when,
--                               and the counts.  A dry run writes nothing.

SET LOCAL client_min_messages = warning;

ALTER TABLE "Lead"
	ADD COLUMN IF NOT EXISTS "retentionExempt"   boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS "retentionNoticeAt" timestamptz(3);

CREATE TABLE IF NOT EXISTS "RetentionRun" (
	"id"         text NOT NULL,
	"trigger"    text NOT NULL,
	"startedAt"  timestamptz(3) NOT NULL,
	"finishedAt" timestamptz(3) NOT NULL DEFAULT now(),
	"counts"     jsonb NOT NULL,
	CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);
