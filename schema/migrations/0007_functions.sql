-- 0007_functions: SQL helpers for queries that let PostgreSQL build the JSON
-- (ARCHITECTURE section 3), and the "updatedAt" trigger (spec/data-model.md section 0.4).

SET LOCAL client_min_messages = warning;

-- izzy_ts: the API's timestamp format, UTC ISO-8601 with milliseconds, as the
-- reference's JSON.stringify(Date) wrote it: '2025-10-24T17:00:00.000Z'.
-- NULL gives NULL. STABLE rather than IMMUTABLE because to_char is STABLE in the
-- catalogue; the format used here has no locale-dependent fields.
CREATE OR REPLACE FUNCTION izzy_ts(t timestamptz) RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- izzy_money: a numeric(65,30) amount as a plain decimal string without trailing
-- zeros or a trailing dot: 120000.000... -> '120000', 7500.50 -> '7500.5'.
-- NULL gives NULL. numeric's text form never uses exponent notation.
CREATE OR REPLACE FUNCTION izzy_money(n numeric) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT trim_scale(n)::text $$;

-- Keeps "updatedAt" current on every UPDATE, as the reference's ORM did.
-- An UPDATE that sets "updatedAt" to a different value itself keeps that value:
-- imports and tests (e.g. the 24-hour "stuck forms" dashboard) need to write
-- past times; application code simply never sets the column.
CREATE OR REPLACE FUNCTION izzy_set_updated_at() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."updatedAt" IS NOT DISTINCT FROM OLD."updatedAt" THEN
		NEW."updatedAt" := now();
	END IF;
	RETURN NEW;
END
$$;

DO $$
DECLARE
	tbl text;
BEGIN
	FOREACH tbl IN ARRAY ARRAY['Partner', 'User', 'Lead', 'CustomerProfile',
		'FinancingApplication', 'Offer', 'Agreement', 'Reminder', 'MessageDraft',
		'ApplicationForm', 'ConsentTemplate', 'ConsentRecord',
		'InsuranceOnboardingSession', 'MessageTemplate']
	LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tbl || '_set_updatedAt', tbl);
		EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW '
			'EXECUTE FUNCTION izzy_set_updated_at()', tbl || '_set_updatedAt', tbl);
	END LOOP;
END
$$;
