-- 0004_rewrite_tables: what the rewrite adds to the model.
--
--   Lead."anonymizedAt", "anonymizedById"  who erased the lead's PII and when
--                                           (requirements SR-42; a second
--                                           anonymisation is refused with 409)
--   Lead."mergedIntoId"                    target of a duplicate merge (section 6.3)
--   "Session"        server-side login sessions; the JWT carries the id (ARCHITECTURE section 4)
--   "PasswordToken"  single-use password reset / invitation tokens (SR-10)
--   "Outbox"         every e-mail, SMS and webhook, delivered by izzy-worker (ARCHITECTURE section 5)
--   "RateLimit"      fixed-window counters shared by all workers (ARCHITECTURE section 10)
--
-- Secrets are stored only as SHA-256 hex ("tokenHash"); the plain token exists
-- only in the message or cookie that carries it. A user's sessions and tokens go
-- with the user, hence ON DELETE CASCADE here, unlike the model's foreign keys.

SET LOCAL client_min_messages = warning;

ALTER TABLE "Lead"
	ADD COLUMN IF NOT EXISTS "anonymizedAt"   timestamptz(3),
	ADD COLUMN IF NOT EXISTS "anonymizedById" text,
	ADD COLUMN IF NOT EXISTS "mergedIntoId"   text;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"Lead"'::regclass AND conname = 'Lead_anonymizedById_fkey') THEN
		ALTER TABLE "Lead" ADD CONSTRAINT "Lead_anonymizedById_fkey"
			FOREIGN KEY ("anonymizedById") REFERENCES "User" ("id")
			ON DELETE SET NULL ON UPDATE CASCADE;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"Lead"'::regclass AND conname = 'Lead_mergedIntoId_fkey') THEN
		ALTER TABLE "Lead" ADD CONSTRAINT "Lead_mergedIntoId_fkey"
			FOREIGN KEY ("mergedIntoId") REFERENCES "Lead" ("id")
			ON DELETE SET NULL ON UPDATE CASCADE;
	END IF;
END
$$;

CREATE TABLE IF NOT EXISTS "Session" (
	"id"           text NOT NULL,
	"userId"       text NOT NULL,
	"tokenHash"    text NOT NULL,
	"createdAt"    timestamptz(3) NOT NULL DEFAULT now(),
	"lastSeenAt"   timestamptz(3) NOT NULL DEFAULT now(),
	"expiresAt"    timestamptz(3) NOT NULL,
	"revokedAt"    timestamptz(3),
	"revokeReason" text,
	"ip"           text,
	"userAgent"    text,
	CONSTRAINT "Session_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "Session_tokenHash_key" ON "Session" ("tokenHash");
CREATE INDEX IF NOT EXISTS "Session_userId_idx" ON "Session" ("userId");

CREATE TABLE IF NOT EXISTS "PasswordToken" (
	"id"          text NOT NULL,
	"userId"      text NOT NULL,
	"tokenHash"   text NOT NULL,
	"purpose"     text NOT NULL,
	"createdAt"   timestamptz(3) NOT NULL DEFAULT now(),
	"expiresAt"   timestamptz(3) NOT NULL,
	"usedAt"      timestamptz(3),
	"createdById" text,
	CONSTRAINT "PasswordToken_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "PasswordToken_purpose_check" CHECK ("purpose" IN ('RESET', 'INVITE')),
	CONSTRAINT "PasswordToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "PasswordToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "PasswordToken_tokenHash_key" ON "PasswordToken" ("tokenHash");
CREATE INDEX IF NOT EXISTS "PasswordToken_userId_idx" ON "PasswordToken" ("userId");

CREATE TABLE IF NOT EXISTS "Outbox" (
	"id"            text NOT NULL,
	"channel"       text NOT NULL,
	"recipient"     text NOT NULL,
	"subject"       text,
	"bodyText"      text NOT NULL,
	"bodyHtml"      text,
	"payload"       jsonb,
	"template"      text,
	"leadId"        text,
	"status"        text NOT NULL DEFAULT 'PENDING',
	"attempts"      integer NOT NULL DEFAULT 0,
	"nextAttemptAt" timestamptz(3) NOT NULL DEFAULT now(),
	"lastError"     text,
	"dedupeKey"     text,
	"createdAt"     timestamptz(3) NOT NULL DEFAULT now(),
	"sentAt"        timestamptz(3),
	CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "Outbox_channel_check" CHECK ("channel" IN ('EMAIL', 'SMS', 'WEBHOOK')),
	CONSTRAINT "Outbox_status_check" CHECK ("status" IN ('PENDING', 'SENDING', 'SENT', 'FAILED')),
	CONSTRAINT "Outbox_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "Outbox_dedupeKey_key" ON "Outbox" ("dedupeKey");
CREATE INDEX IF NOT EXISTS "Outbox_leadId_idx" ON "Outbox" ("leadId");
-- The worker's queue scan; delivered and failed rows stay out of the index.
CREATE INDEX IF NOT EXISTS "Outbox_nextAttemptAt_idx" ON "Outbox" ("nextAttemptAt")
	WHERE "status" = 'PENDING';

CREATE TABLE IF NOT EXISTS "RateLimit" (
	"key"         text NOT NULL,
	"windowStart" timestamptz(3) NOT NULL,
	"count"       integer NOT NULL,
	CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);
