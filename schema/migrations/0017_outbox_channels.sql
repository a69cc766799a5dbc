-- 0017_outbox_channels: SMS and the CRM webhook on the outbox, and one
-- communication log per lead for every channel (issue 9, FR-67, OR-17, SR-29).
--
-- "Outbox" already admits the channels EMAIL, SMS and WEBHOOK and has a
-- "payload" column (0004); EMAIL becomes the default channel.  A WEBHOOK row
-- keeps the exact JSON body in "bodyText", the event name in "recipient" and
-- "template", and its idempotency key in "dedupeKey" (sent as the
-- Idempotency-Key header).
--
-- "CommunicationLog" (the reference's onboarding SMS/e-mail log) becomes the
-- log of every message of a lead: one row when a message is queued (PENDING)
-- and one per delivery attempt outcome (SENT, FAILED = will be retried,
-- DEAD = dead letter), written by bin/izzy-worker.  "sessionId" stays for the
-- onboarding rows but is no longer required.
-- The new enum values (CommChannel WEBHOOK, CommStatus DEAD) cannot be used
-- before this transaction commits, so nothing below uses them.

SET LOCAL client_min_messages = warning;

ALTER TYPE "CommChannel" ADD VALUE IF NOT EXISTS 'WEBHOOK' AFTER 'EMAIL';
ALTER TYPE "CommStatus" ADD VALUE IF NOT EXISTS 'DEAD' AFTER 'FAILED';

ALTER TABLE "Outbox" ALTER COLUMN "channel" SET DEFAULT 'EMAIL';

ALTER TABLE "CommunicationLog"
	ALTER COLUMN "sessionId" DROP NOT NULL,
	ADD COLUMN IF NOT EXISTS "leadId"    text,
	ADD COLUMN IF NOT EXISTS "outboxId"  text,
	ADD COLUMN IF NOT EXISTS "direction" text NOT NULL DEFAULT 'OUTBOUND',
	ADD COLUMN IF NOT EXISTS "attempts"  integer NOT NULL DEFAULT 0;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"CommunicationLog"'::regclass
	      AND conname = 'CommunicationLog_direction_check') THEN
		ALTER TABLE "CommunicationLog" ADD CONSTRAINT "CommunicationLog_direction_check"
			CHECK ("direction" IN ('OUTBOUND', 'INBOUND'));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"CommunicationLog"'::regclass
	      AND conname = 'CommunicationLog_leadId_fkey') THEN
		ALTER TABLE "CommunicationLog" ADD CONSTRAINT "CommunicationLog_leadId_fkey"
			FOREIGN KEY ("leadId") REFERENCES "Lead" ("id")
			ON DELETE RESTRICT ON UPDATE CASCADE;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"CommunicationLog"'::regclass
	      AND conname = 'CommunicationLog_outboxId_fkey') THEN
		ALTER TABLE "CommunicationLog" ADD CONSTRAINT "CommunicationLog_outboxId_fkey"
			FOREIGN KEY ("outboxId") REFERENCES "Outbox" ("id")
			ON DELETE SET NULL ON UPDATE CASCADE;
	END IF;
END
$$;

-- The lead's timeline, newest first.
CREATE INDEX IF NOT EXISTS "CommunicationLog_leadId_createdAt_idx"
	ON "CommunicationLog" ("leadId", "createdAt");
CREATE INDEX IF NOT EXISTS "CommunicationLog_outboxId_idx" ON "CommunicationLog" ("outboxId");
