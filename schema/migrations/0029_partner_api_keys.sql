-- 0029_partner_api_keys: partner API keys (issue 14).
--
--   "PartnerApiKey"     one key of a partner's own system: "izk_" + 32 random
--                       bytes in hex, shown once at creation; only its SHA-256
--                       ("keyHash") and its first 12 characters ("prefix") are
--                       kept.  "scopes" holds 'leads:create' and/or
--                       'leads:read'; a key works until "expiresAt" or
--                       "revokedAt".  "lastUsedAt"/"useCount" are bumped on
--                       every authenticated request (common/session.c).
--                       "rateLimitPerMinute": requests per key per minute
--                       (common/ratelimit counters, 429 beyond).
--   "PartnerApiKeyUse"  the audit of use: one row per request a key
--                       authenticated (which key, when, method, route, client
--                       address).  Creation and revocation are rows of
--                       "PartnerApiKeyEvent" (who, when, what).
-- A key row is never deleted (revocation sets "revokedAt"), so the trail stays
-- complete; the creator and revoker may be deleted later (SET NULL).

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "PartnerApiKey" (
	"id"                 text NOT NULL,
	"partnerId"          text NOT NULL,
	"name"               text NOT NULL,
	"prefix"             text NOT NULL,
	"keyHash"            text NOT NULL,
	"scopes"             text[] NOT NULL,
	"rateLimitPerMinute" integer NOT NULL DEFAULT 60,
	"expiresAt"          timestamptz(3),
	"revokedAt"          timestamptz(3),
	"lastUsedAt"         timestamptz(3),
	"useCount"           bigint NOT NULL DEFAULT 0,
	"createdByUserId"    text,
	"createdAt"          timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "PartnerApiKey_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "PartnerApiKey_partnerId_fkey" FOREIGN KEY ("partnerId")
		REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "PartnerApiKey_createdByUserId_fkey" FOREIGN KEY ("createdByUserId")
		REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "PartnerApiKey_keyHash_key" ON "PartnerApiKey" ("keyHash");
CREATE INDEX IF NOT EXISTS "PartnerApiKey_partnerId_idx" ON "PartnerApiKey" ("partnerId");

CREATE TABLE IF NOT EXISTS "PartnerApiKeyUse" (
	"id"        bigserial NOT NULL,
	"keyId"     text NOT NULL,
	"method"    text NOT NULL,
	"route"     text NOT NULL,
	"ip"        text,
	"createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "PartnerApiKeyUse_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "PartnerApiKeyUse_keyId_fkey" FOREIGN KEY ("keyId")
		REFERENCES "PartnerApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "PartnerApiKeyUse_keyId_createdAt_idx"
	ON "PartnerApiKeyUse" ("keyId", "createdAt");

CREATE TABLE IF NOT EXISTS "PartnerApiKeyEvent" (
	"id"        text NOT NULL,
	"keyId"     text NOT NULL,
	"actorId"   text,
	"action"    text NOT NULL,
	"createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "PartnerApiKeyEvent_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "PartnerApiKeyEvent_keyId_fkey" FOREIGN KEY ("keyId")
		REFERENCES "PartnerApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "PartnerApiKeyEvent_actorId_fkey" FOREIGN KEY ("actorId")
		REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "PartnerApiKeyEvent_keyId_idx" ON "PartnerApiKeyEvent" ("keyId");
