-- seed-templates.sql: consent templates and onboarding message templates
-- (spec/data-model.md §5.1 "Consent templates" and §5.2), for every environment.
--
-- Run by `izzyctl seed` first, then seed-dev.sql (development) or seed-prod.sql
-- (production). Safe to run again at any time: each part follows the
-- idempotency rule the spec gives for it, and a rerun that finds everything in
-- place changes nothing.
--
-- The file is UTF-8 (Polish texts, U+2013 EN DASH in the e-mail subject), so the
-- session must use client_encoding UTF8 or the texts would be mis-converted.

DO $$
BEGIN
	IF current_setting('client_encoding') <> 'UTF8' THEN
		RAISE EXCEPTION 'seed files are UTF-8: set client_encoding to UTF8 (it is %)',
			current_setting('client_encoding');
	END IF;
END
$$;

-- §5.1: financing-application consents, version 1. Matched by
-- (consentType, formType, version); existing rows are left untouched.
INSERT INTO "ConsentTemplate"
	("id", "consentType", "formType", "title", "content", "helpText", "version",
	 "isActive", "isRequired", "tags", "createdByUserId")
SELECT 'c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
       s."consentType", 'financing_application', s."title", s."content", NULL, 1,
       true, s."isRequired", '{}', NULL
  FROM (VALUES
	('PARTNER_DECLARATION'::"ConsentType",
	 'Oświadczenie o partnerstwie',
	 'Oświadczam, że zapoznałem się z warunkami współpracy z partnerem.',
	 true),
	('MARKETING'::"ConsentType",
	 'Zgoda marketingowa',
	 'Zgadzam się na otrzymywanie informacji handlowych drogą elektroniczną.',
	 false),
	('FINANCIAL_PARTNERS'::"ConsentType",
	 'Zgoda na przekazanie danych partnerom finansowym',
	 'Zgadzam się na przekazanie moich danych partnerom finansowym w celu przedstawienia oferty.',
	 true),
	('VEHICLE_PARTNERS'::"ConsentType",
	 'Zgoda na przekazanie danych partnerom motoryzacyjnym',
	 'Zgadzam się na przekazanie moich danych partnerom motoryzacyjnym w celu przedstawienia oferty pojazdu.',
	 true)
  ) AS s("consentType", "title", "content", "isRequired")
ON CONFLICT ("consentType", "formType", "version") DO NOTHING;

-- §5.2: onboarding SMS and e-mail. Matched by key; channel, subject and body are
-- overwritten, version and isActive are left as they are.
INSERT INTO "MessageTemplate" ("id", "key", "channel", "subject", "body", "isActive", "version", "updatedBy")
SELECT 'c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
       s."key", s."channel", s."subject", s."body", true, 1, NULL
  FROM (VALUES
	('sms_welcome_insurance', 'SMS'::"CommChannel", NULL,
	 'Cześć {{firstName}}! Ponieważ jesteś w trakcie procesu likwidacji szkody Twojego samochodu, Link4 przesłał nam za Twoją zgodą Twoje dane kontaktowe, abyśmy pomogli Tobie znaleźć nowe auto. Kliknij w link i daj nam znać, kiedy możemy się z Tobą skontaktować: {{link}}'),
	('email_welcome_insurance', 'EMAIL'::"CommChannel",
	 'Pomożemy Ci znaleźć nowe auto – wybierz termin kontaktu',
	 'Cześć {{firstName}},

Ponieważ jesteś w trakcie procesu likwidacji szkody Twojego samochodu, Link4 przesłał nam za Twoją zgodą Twoje dane kontaktowe, abyśmy pomogli Tobie znaleźć nowe auto.

Kliknij w link i daj nam znać, kiedy możemy się z Tobą skontaktować:
{{link}}

Łączymy się z poważaniem,
Zespół Carsalon')
  ) AS s("key", "channel", "subject", "body")
ON CONFLICT ("key") DO UPDATE
	SET "channel" = EXCLUDED."channel",
	    "subject" = EXCLUDED."subject",
	    "body"    = EXCLUDED."body"
	WHERE ("MessageTemplate"."channel", "MessageTemplate"."subject", "MessageTemplate"."body")
	      IS DISTINCT FROM (EXCLUDED."channel", EXCLUDED."subject", EXCLUDED."body");

-- §5.2: onboarding consents. Matched by (formType, consentType), any version;
-- of several matches the oldest row counts as "the first". A match gets title,
-- content and isRequired overwritten, isActive set, and helpText only when the
-- seed has one; its version stays. No match: inserted as version 1.
WITH seed ("consentType", "title", "content", "helpText", "isRequired") AS (VALUES
	('PHONE_CONTACT'::"ConsentType",
	 'Zgoda na kontakt telefoniczny',
	 'Wyrażam zgodę na kontakt telefoniczny przez Carsalon Sp. z o.o. w celu przedstawienia oferty pojazdów zastępczych oraz usług finansowania.',
	 'Zgoda jest wymagana, abyśmy mogli się z Tobą skontaktować.',
	 true),
	('FINANCIAL_PARTNERS'::"ConsentType",
	 'Zgoda na przekazanie danych do instytucji finansowych',
	 'Wyrażam zgodę na przekazanie moich danych osobowych do instytucji finansowych w celu uzyskania oferty finansowania pojazdu.',
	 NULL,
	 true),
	('VEHICLE_PARTNERS'::"ConsentType",
	 'Zgoda na przekazanie danych do dealerów samochodowych',
	 'Wyrażam zgodę na przekazanie moich danych osobowych do partnerskich dealerów samochodowych w celu przedstawienia oferty nowych pojazdów.',
	 NULL,
	 false)
), found AS (
	SELECT DISTINCT ON (t."consentType") t."id", t."consentType"
	  FROM "ConsentTemplate" t
	 WHERE t."formType" = 'onboarding_insurance'
	   AND t."consentType" IN (SELECT "consentType" FROM seed)
	 ORDER BY t."consentType", t."createdAt", t."id"
), updated AS (
	UPDATE "ConsentTemplate" t
	   SET "title" = s."title",
	       "content" = s."content",
	       "isRequired" = s."isRequired",
	       "isActive" = true,
	       "helpText" = coalesce(s."helpText", t."helpText")
	  FROM found f JOIN seed s ON s."consentType" = f."consentType"
	 WHERE t."id" = f."id"
	   AND (t."title", t."content", t."isRequired", t."isActive", t."helpText")
	       IS DISTINCT FROM (s."title", s."content", s."isRequired", true, coalesce(s."helpText", t."helpText"))
	RETURNING t."id"
)
INSERT INTO "ConsentTemplate"
	("id", "consentType", "formType", "title", "content", "helpText", "version",
	 "isActive", "isRequired", "tags", "createdByUserId")
SELECT 'c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
       s."consentType", 'onboarding_insurance', s."title", s."content", s."helpText", 1,
       true, s."isRequired", '{}', NULL
  FROM seed s
 WHERE s."consentType" NOT IN (SELECT "consentType" FROM found);
