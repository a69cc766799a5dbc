-- 0035_partner_webhooks: signed event webhooks for partners (issue 14).
--
--   "PartnerWebhook"  one subscription of a partner: a URL (https:// in
--                     production, checked by cgi-bin/partners.c and again by
--                     the worker), the events it wants ("lead.created",
--                     "lead.status_changed", "application.submitted"), the
--                     signing secret ("whsec_" + 64 hex digits, shown once at
--                     creation) and an "active" flag.  The secret is kept as
--                     is: the worker must sign with it, and libizzy has no
--                     at-rest encryption helper yet (docs/partner-api.md).
--   "Outbox"."webhookId"       the subscription a WEBHOOK row is delivered
--                     to (NULL = the CRM webhook of spec §5.7); deleting the
--                     subscription deletes its queued and past deliveries.
--   "Outbox"."lastHttpStatus"  the HTTP status of the last attempt (NULL =
--                     no answer or not tried), for the delivery log.
--
-- Events are queued by triggers, in the transaction of the change, whatever
-- program made it: lead creation (any source: the API, the lead inbox, an
-- import, the web form), a status change (one lead or a bulk change) and an
-- application form reaching SUBMITTED.  One "Outbox" row per active
-- subscription of the lead's partner that wants the event; all rows of one
-- event share its "id" in the body.  The body carries ids and statuses only,
-- nothing personal (docs/partner-api.md "Webhooks").

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "PartnerWebhook" (
	"id"              text NOT NULL,
	"partnerId"       text NOT NULL,
	"url"             text NOT NULL,
	"events"          text[] NOT NULL,
	"secret"          text NOT NULL,
	"active"          boolean NOT NULL DEFAULT true,
	"createdByUserId" text,
	"createdAt"       timestamptz(3) NOT NULL DEFAULT now(),
	"updatedAt"       timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "PartnerWebhook_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "PartnerWebhook_partnerId_fkey" FOREIGN KEY ("partnerId")
		REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "PartnerWebhook_createdByUserId_fkey" FOREIGN KEY ("createdByUserId")
		REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
	CONSTRAINT "PartnerWebhook_events_check" CHECK (cardinality("events") > 0 AND
		"events" <@ ARRAY['lead.created', 'lead.status_changed', 'application.submitted']),
	CONSTRAINT "PartnerWebhook_url_check" CHECK ("url" ~ '^https?://')
);
CREATE INDEX IF NOT EXISTS "PartnerWebhook_partnerId_idx" ON "PartnerWebhook" ("partnerId");

DROP TRIGGER IF EXISTS "PartnerWebhook_set_updatedAt" ON "PartnerWebhook";
CREATE TRIGGER "PartnerWebhook_set_updatedAt" BEFORE UPDATE ON "PartnerWebhook" FOR EACH ROW
	EXECUTE FUNCTION izzy_set_updated_at();

ALTER TABLE "Outbox"
	ADD COLUMN IF NOT EXISTS "webhookId"      text,
	ADD COLUMN IF NOT EXISTS "lastHttpStatus" integer;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint
	    WHERE conrelid = '"Outbox"'::regclass AND conname = 'Outbox_webhookId_fkey') THEN
		ALTER TABLE "Outbox" ADD CONSTRAINT "Outbox_webhookId_fkey"
			FOREIGN KEY ("webhookId") REFERENCES "PartnerWebhook" ("id")
			ON DELETE CASCADE ON UPDATE CASCADE;
	END IF;
END
$$;
-- The delivery log of one subscription, newest first.
CREATE INDEX IF NOT EXISTS "Outbox_webhookId_createdAt_idx" ON "Outbox" ("webhookId", "createdAt")
	WHERE "webhookId" IS NOT NULL;

-- Queues event ev of partner partner_id with data for every active
-- subscription that wants it.  Returns the number of rows queued.
CREATE OR REPLACE FUNCTION izzy_partner_webhook_event(ev text, partner_id text, lead_id text,
	data jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	evt text := 'evt_' || replace(gen_random_uuid()::text, '-', '');
	body text;
	n integer;
BEGIN
	IF partner_id IS NULL THEN
		RETURN 0;
	END IF;
	body := json_build_object('id', evt, 'type', ev, 'occurredAt', izzy_ts(now()),
		'partnerId', partner_id, 'data', data)::text;
	INSERT INTO "Outbox" (id, channel, recipient, "bodyText", payload, template, "leadId",
		"dedupeKey", "webhookId")
	SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), 'WEBHOOK', ev, body, body::jsonb,
		ev, lead_id, 'pwh:' || w.id || ':' || evt, w.id
	FROM "PartnerWebhook" w
	WHERE w."partnerId" = partner_id AND w.active AND ev = ANY (w.events);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION izzy_lead_webhook_created() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM izzy_partner_webhook_event('lead.created', NEW."partnerId", NEW.id,
		jsonb_build_object('leadId', NEW.id, 'status', NEW.status::text,
			'createdAt', izzy_ts(NEW."createdAt")));
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION izzy_lead_webhook_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM izzy_partner_webhook_event('lead.status_changed', NEW."partnerId", NEW.id,
		jsonb_build_object('leadId', NEW.id, 'status', NEW.status::text,
			'previousStatus', OLD.status::text));
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION izzy_form_webhook_submitted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM izzy_partner_webhook_event('application.submitted', l."partnerId", l.id,
		jsonb_build_object('leadId', l.id, 'applicationId', NEW.id,
			'submittedAt', izzy_ts(NEW."submittedAt")))
	FROM "Lead" l WHERE l.id = NEW."leadId";
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "Lead_webhook_created" ON "Lead";
CREATE TRIGGER "Lead_webhook_created" AFTER INSERT ON "Lead" FOR EACH ROW
	EXECUTE FUNCTION izzy_lead_webhook_created();
DROP TRIGGER IF EXISTS "Lead_webhook_status" ON "Lead";
CREATE TRIGGER "Lead_webhook_status" AFTER UPDATE OF status ON "Lead" FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION izzy_lead_webhook_status();
DROP TRIGGER IF EXISTS "ApplicationForm_webhook_submitted" ON "ApplicationForm";
CREATE TRIGGER "ApplicationForm_webhook_submitted" AFTER UPDATE OF status ON "ApplicationForm"
	FOR EACH ROW WHEN (NEW.status = 'SUBMITTED' AND OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION izzy_form_webhook_submitted();
