-- 0001_enums: the 17 enum types of spec/data-model.md section 2, values in database order.
--
-- Runs on an empty database and on a reference (Prisma) database alike. A missing
-- type is created whole; an existing type gets each missing value inserted right
-- after its predecessor in the list, which repairs the reference's drift (section 7.3):
-- LeadStatus MERGED and INBOUND, InsuranceOnboardingStatus ONBOARDING_CONFIRMED.
-- Values added here to an existing type cannot be used until this transaction has
-- committed (PostgreSQL rule for ALTER TYPE ... ADD VALUE), so nothing in this
-- file uses them.
-- Order matters: ORDER BY on an enum column sorts by this order (section 0.3).
--
-- All migration files are plain ASCII, so they load under any client_encoding;
-- each runs inside one transaction opened by the migration tool.

SET LOCAL client_min_messages = warning;

DO $$
DECLARE
	e      record;
	v      text;
	prev   text;
	actual text[];
BEGIN
	FOR e IN SELECT * FROM (VALUES
		('UserRole', ARRAY['PARTNER', 'OPERATOR', 'SUPERVISOR', 'ADMIN', 'AUDITOR',
			'PARTNER_MANAGER', 'PARTNER_EMPLOYEE']),
		('UserStatus', ARRAY['ACTIVE', 'INACTIVE', 'INVITED']),
		('PartnerStatus', ARRAY['ACTIVE', 'INACTIVE', 'PENDING']),
		('LeadStatus', ARRAY['NEW', 'ONBOARDING_CONFIRMED', 'FIRST_CONTACT', 'FOLLOW_UP',
			'VERIFICATION', 'UNQUALIFIED', 'GATHERING_DOCUMENTS', 'CREDIT_ANALYSIS',
			'OFFER_PRESENTED', 'NEGOTIATIONS', 'TERMS_ACCEPTED', 'CONTRACT_IN_PREPARATION',
			'CONTRACT_SIGNING', 'CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING',
			'CANCELLED', 'MERGED', 'INBOUND']),
		('LeadNoteType', ARRAY['MANUAL', 'EMAIL_SENT', 'EMAIL_RECEIVED']),
		('BankDecisionStatus', ARRAY['PENDING', 'APPROVED', 'REJECTED']),
		('OfferStatus', ARRAY['PENDING', 'AVAILABLE', 'UNAVAILABLE', 'RESERVED']),
		('SignatureStatus', ARRAY['DRAFT', 'SENT', 'SIGNED', 'CANCELLED']),
		('ReminderStatus', ARRAY['OPEN', 'COMPLETED', 'CANCELLED']),
		('ApplicationFormStatus', ARRAY['DRAFT', 'IN_PROGRESS', 'READY', 'SUBMITTED',
			'LOCKED', 'UNLOCKED']),
		('ConsentType', ARRAY['PARTNER_DECLARATION', 'MARKETING', 'FINANCIAL_PARTNERS',
			'VEHICLE_PARTNERS', 'PHONE_CONTACT']),
		('ConsentMethod', ARRAY['ONLINE_FORM', 'PHONE_CALL', 'PARTNER_SUBMISSION']),
		('EmailLogType', ARRAY['LINK_SENT', 'REMINDER_24H', 'REMINDER_5DAYS', 'UNLOCKED',
			'READY_FOR_REVIEW']),
		('EmailLogStatus', ARRAY['SENT', 'DELIVERED', 'FAILED', 'OPENED']),
		('InsuranceOnboardingStatus', ARRAY['CREATED', 'ONBOARDING_SENT', 'LINK_OPENED',
			'SLOT_SELECTED', 'ONBOARDING_CONFIRMED', 'CONSENTS_CAPTURED', 'COMPLETED']),
		('CommChannel', ARRAY['SMS', 'EMAIL']),
		('CommStatus', ARRAY['PENDING', 'SENT', 'DELIVERED', 'FAILED'])
	) AS t(name, vals)
	LOOP
		IF to_regtype(quote_ident(e.name)) IS NULL THEN
			EXECUTE format('CREATE TYPE %I AS ENUM (%s)', e.name,
				(SELECT string_agg(quote_literal(x), ', ' ORDER BY i)
				   FROM unnest(e.vals) WITH ORDINALITY AS u(x, i)));
			CONTINUE;
		END IF;

		prev := NULL;
		FOREACH v IN ARRAY e.vals LOOP
			IF prev IS NULL THEN
				-- A missing first value goes before whatever is first now.
				IF NOT EXISTS (SELECT 1 FROM pg_enum
				    WHERE enumtypid = to_regtype(quote_ident(e.name)) AND enumlabel = v) THEN
					EXECUTE format('ALTER TYPE %I ADD VALUE %L BEFORE %L', e.name, v,
						(SELECT enumlabel FROM pg_enum
						  WHERE enumtypid = to_regtype(quote_ident(e.name))
						  ORDER BY enumsortorder LIMIT 1));
				END IF;
			ELSE
				EXECUTE format('ALTER TYPE %I ADD VALUE IF NOT EXISTS %L AFTER %L',
					e.name, v, prev);
			END IF;
			prev := v;
		END LOOP;

		-- A value that exists in another position (or an extra value) cannot be
		-- moved without rewriting every column of the type; report it and let
		-- tests/schema/check-schema.sh fail, rather than block an upgrade.
		SELECT array_agg(enumlabel::text ORDER BY enumsortorder) INTO actual
		  FROM pg_enum WHERE enumtypid = to_regtype(quote_ident(e.name));
		IF actual IS DISTINCT FROM e.vals THEN
			RAISE WARNING 'enum % has values % instead of %', e.name, actual, e.vals;
		END IF;
	END LOOP;
END
$$;
