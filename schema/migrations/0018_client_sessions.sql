-- 0018_client_sessions: what cgi-bin/forms needs for the client's PIN gate and
-- session (issue 10; requirements SR-17, SR-18, SR-20; ARCHITECTURE.md §4).
--
--   "ClientSession"                    the short client session a correct PIN opens:
--                                      scoped to one application form, the cookie's
--                                      secret stored only as SHA-256 ("tokenHash"),
--                                      30 minutes idle ("lastSeenAt"), an absolute cap
--                                      ("expiresAt"), revoked when the link is
--                                      regenerated or the form unlocked ("revokedAt")
--   "ApplicationForm"."consentsSince"  consents recorded for the form before this time
--                                      do not count for submit: an unlock requires the
--                                      client to consent again (FR-51)
--
-- The form's link token is stored as its SHA-256 in "uniqueLink" and the PIN as a
-- bcrypt hash in "accessCodeHash"; neither column changes shape.

SET LOCAL client_min_messages = warning;

ALTER TABLE "ApplicationForm" ADD COLUMN IF NOT EXISTS "consentsSince" timestamptz(3);

CREATE TABLE IF NOT EXISTS "ClientSession" (
	"id"                text NOT NULL,
	"applicationFormId" text NOT NULL,
	"tokenHash"         text NOT NULL,
	"ipAddress"         text,
	"userAgent"         text,
	"createdAt"         timestamptz(3) NOT NULL DEFAULT now(),
	"lastSeenAt"        timestamptz(3) NOT NULL DEFAULT now(),
	"expiresAt"         timestamptz(3) NOT NULL,
	"revokedAt"         timestamptz(3),
	CONSTRAINT "ClientSession_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "ClientSession_applicationFormId_fkey" FOREIGN KEY ("applicationFormId")
		REFERENCES "ApplicationForm" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "ClientSession_tokenHash_key" ON "ClientSession" ("tokenHash");
CREATE INDEX IF NOT EXISTS "ClientSession_applicationFormId_idx" ON "ClientSession" ("applicationFormId");
