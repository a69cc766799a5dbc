-- 0034_web_forms: the embeddable web-to-lead form of a partner (issue 14).
--
--   "PartnerWebForm"     one row per partner that has set up a form:
--     "enabled"          the public endpoints answer only while true
--     "formKey"          the public key in the form's URLs (/formularz/<key>,
--                        /api/web-leads/<key>): 24 random bytes in hex, never the
--                        partner id, so the partner's id is not disclosed and a key
--                        can be replaced without touching the partner
--     "allowedOrigins"   the origins ("https://host[:port]", normalised: lower case,
--                        no default port, no path) whose pages may post the form;
--                        our own origin (the hosted form) is always allowed
--     "templateIds"      the consent templates (purposes) shown, in order; the form
--                        shows the current version of each one's family
--                        (izzy_consent_current)
--     "rateLimitPerHour" submissions per partner per hour (common/ratelimit)
--   "WebLeadSubmission"  one accepted submission awaiting or past its double
--                        opt-in: the lead it created, the answers as shown
--                        ([{consentTemplateId, version, consentGiven}], ticked
--                        purposes only), the submitting client's address and user
--                        agent, the SHA-256 of the confirmation token, its expiry,
--                        and when/from where it was confirmed.  The consents are
--                        pending until then: "ConsentRecord" rows are written at
--                        confirmation (through izzy_consent_capture, with the
--                        submission's address and user agent, the act of ticking),
--                        so nothing reads an unconfirmed consent as given.
-- Both go with their partner resp. lead (ON DELETE CASCADE).

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "PartnerWebForm" (
	"partnerId"        text NOT NULL,
	"enabled"          boolean NOT NULL DEFAULT false,
	"formKey"          text NOT NULL,
	"allowedOrigins"   text[] NOT NULL DEFAULT '{}',
	"templateIds"      text[] NOT NULL DEFAULT '{}',
	"rateLimitPerHour" integer NOT NULL DEFAULT 100,
	"updatedByUserId"  text,
	"createdAt"        timestamptz(3) NOT NULL DEFAULT now(),
	"updatedAt"        timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "PartnerWebForm_pkey" PRIMARY KEY ("partnerId"),
	CONSTRAINT "PartnerWebForm_partnerId_fkey" FOREIGN KEY ("partnerId")
		REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "PartnerWebForm_updatedByUserId_fkey" FOREIGN KEY ("updatedByUserId")
		REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "PartnerWebForm_formKey_key" ON "PartnerWebForm" ("formKey");
DROP TRIGGER IF EXISTS "PartnerWebForm_set_updatedAt" ON "PartnerWebForm";
CREATE TRIGGER "PartnerWebForm_set_updatedAt" BEFORE UPDATE ON "PartnerWebForm"
	FOR EACH ROW EXECUTE FUNCTION izzy_set_updated_at();

CREATE TABLE IF NOT EXISTS "WebLeadSubmission" (
	"id"               text NOT NULL,
	"partnerId"        text NOT NULL,
	"leadId"           text NOT NULL,
	"answers"          jsonb NOT NULL DEFAULT '[]',
	"ipAddress"        text,
	"userAgent"        text,
	"origin"           text,
	"tokenHash"        text NOT NULL,
	"expiresAt"        timestamptz(3) NOT NULL,
	"confirmedAt"      timestamptz(3),
	"confirmIp"        text,
	"confirmUserAgent" text,
	"createdAt"        timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "WebLeadSubmission_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "WebLeadSubmission_partnerId_fkey" FOREIGN KEY ("partnerId")
		REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "WebLeadSubmission_leadId_fkey" FOREIGN KEY ("leadId")
		REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "WebLeadSubmission_tokenHash_key" ON "WebLeadSubmission" ("tokenHash");
CREATE INDEX IF NOT EXISTS "WebLeadSubmission_leadId_idx" ON "WebLeadSubmission" ("leadId");
