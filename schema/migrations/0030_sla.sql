-- 0030: response-time (SLA) timers (issue 13).
--
-- Rules: "Partner"."slaRules" stays a flat jsonb map (spec/api.md §4.4.3); the
-- keys read here (cgi-bin/partners.c validates them):
--   leadResponseMinutes  first contact within N working minutes of creation
--   followUpDays         the next contact within N working days of the first
--                        (a working day = workEnd - workStart working minutes)
--   escalateMinutes      working minutes after a breach before the supervisors
--                        are alerted (default 60)
--   workStart, workEnd   "HH:MM" local (Europe/Warsaw) working hours, default
--                        "08:00" and "16:00"
--   weekendCoverage      true: Saturdays and Sundays are working days
--                        (public holidays never are); default false
-- Other keys (contractTurnaroundDays, ...) are stored and shown, not timed.
--
-- Working time skips nights, weekends and Polish public holidays (fixed ones,
-- 24 December from 2025, Easter Sunday and Monday, Pentecost Sunday, Corpus
-- Christi).  Each day's window is a local wall-clock time converted to an
-- instant for that day, so DST changes come out right.
--
-- The clock: every SLA statement reads izzy_now(): now(), unless the session
-- setting izzy.test_now (seconds since the epoch) is set.  The programs set it
-- at every connection (common/db.c) from IZZY_TEST_NOW, which cfg refuses in
-- production, and to '' otherwise, so neither a request (prepared statements
-- only) nor a PGOPTIONS/role default can move a production clock.
--
-- "LeadSla": one row per lead, written by triggers, so every creation path
-- (form, inbound mail, API, import) and every contact path is covered:
--   on INSERT of a lead: startedAt and firstContactDueAt (partner's rules);
--   on the first contact: firstContactAt/By/Kind, firstContactMinutes (working
--     minutes from the start), a late contact's breach, and followUpDueAt;
--   on the next contact: followUpAt, a late one's breach.
-- A contact ("first contact", docs/sla.md) is any of: a status change out of
-- NEW/INBOUND; a note written by a user (a call note, MANUAL); a message to
-- the customer queued by staff (the lead e-mail, the insurance onboarding
-- SMS/e-mail).  bin/worker_jobs.c "sla" records breaches of unmet deadlines
-- and queues the alerts.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "LeadSla" (
	"leadId"                   text NOT NULL,
	"startedAt"                timestamptz(3) NOT NULL,
	"firstContactDueAt"        timestamptz(3),
	"firstContactAt"           timestamptz(3),
	"firstContactById"         text,
	"firstContactKind"         text,
	"firstContactMinutes"      integer,
	"firstContactBreachedAt"   timestamptz(3),
	"followUpDueAt"            timestamptz(3),
	"followUpAt"               timestamptz(3),
	"followUpBreachedAt"       timestamptz(3),
	CONSTRAINT "LeadSla_pkey" PRIMARY KEY ("leadId"),
	CONSTRAINT "LeadSla_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "LeadSla_firstContactKind_check"
		CHECK ("firstContactKind" IN ('STATUS', 'NOTE', 'MESSAGE'))
);
-- The breach job's scan: only rows with a deadline still open.
CREATE INDEX IF NOT EXISTS "LeadSla_firstContact_open_idx" ON "LeadSla" ("firstContactDueAt")
	WHERE "firstContactAt" IS NULL AND "firstContactDueAt" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "LeadSla_followUp_open_idx" ON "LeadSla" ("followUpDueAt")
	WHERE "followUpAt" IS NULL AND "followUpDueAt" IS NOT NULL;
-- The report: leads started in a range.
CREATE INDEX IF NOT EXISTS "LeadSla_startedAt_idx" ON "LeadSla" ("startedAt");

-- The SLA clock (see the head of this file).
CREATE OR REPLACE FUNCTION izzy_now()
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(to_timestamp(nullif(current_setting('izzy.test_now', true), '')::double precision),
		now())
$$;

-- Easter Sunday of a Gregorian year (the anonymous algorithm, Meeus/Jones/Butcher).
CREATE OR REPLACE FUNCTION izzy_easter(y integer)
RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
AS $$
DECLARE
	a int := y % 19;
	b int := y / 100;
	c int := y % 100;
	d int := b / 4;
	e int := b % 4;
	f int := (b + 8) / 25;
	g int := (b - f + 1) / 3;
	h int := (19 * a + b - d - g + 15) % 30;
	i int := c / 4;
	k int := c % 4;
	l int := (32 + 2 * e + 2 * i - h - k) % 7;
	m int := (a + 11 * h + 22 * l) / 451;
BEGIN
	RETURN make_date(y, (h + l - 7 * m + 114) / 31, ((h + l - 7 * m + 114) % 31) + 1);
END
$$;

-- Is the day a Polish public holiday (ustawa o dniach wolnych od pracy)?
CREATE OR REPLACE FUNCTION izzy_pl_holiday(day date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
	SELECT to_char(day, 'MM-DD') IN ('01-01', '01-06', '05-01', '05-03', '08-15', '11-01',
			'11-11', '12-25', '12-26')
	    OR (to_char(day, 'MM-DD') = '12-24' AND extract(year FROM day) >= 2025)
	    OR (day - izzy_easter(extract(year FROM day)::int)) IN (0, 1, 49, 60)
$$;

-- A rule's whole number, NULL when absent, null, negative or not a number.
CREATE OR REPLACE FUNCTION izzy_sla_int(rules jsonb, key text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN jsonb_typeof(rules -> key) = 'number' AND (rules ->> key)::numeric >= 0
		AND (rules ->> key)::numeric < 1000000
		THEN floor((rules ->> key)::numeric)::int END
$$;

-- A rule's "HH:MM" time, or the default.
CREATE OR REPLACE FUNCTION izzy_sla_time(rules jsonb, key text, dflt time)
RETURNS time
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN jsonb_typeof(rules -> key) = 'string'
		AND (rules ->> key) ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
		THEN (rules ->> key)::time ELSE dflt END
$$;

-- Is the local day a working day under the rules?
CREATE OR REPLACE FUNCTION izzy_sla_working_day(day date, rules jsonb)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT NOT izzy_pl_holiday(day)
	   AND (extract(isodow FROM day) < 6 OR coalesce((rules -> 'weekendCoverage') = 'true'::jsonb, false))
$$;

-- Minutes of one working day under the rules (workEnd - workStart).
CREATE OR REPLACE FUNCTION izzy_sla_day_minutes(rules jsonb)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT greatest(1, (extract(epoch FROM izzy_sla_time(rules, 'workEnd', '16:00')
		- izzy_sla_time(rules, 'workStart', '08:00')) / 60)::int)
$$;

-- Working minutes between two instants (0 when b <= a), whole minutes down.
CREATE OR REPLACE FUNCTION izzy_working_minutes(a timestamptz, b timestamptz, rules jsonb)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(floor(sum(greatest(0, extract(epoch FROM
		least(b, (d + izzy_sla_time(rules, 'workEnd', '16:00')) AT TIME ZONE 'Europe/Warsaw')
		- greatest(a, (d + izzy_sla_time(rules, 'workStart', '08:00')) AT TIME ZONE 'Europe/Warsaw'))))
		/ 60)::int, 0)
	FROM generate_series((a AT TIME ZONE 'Europe/Warsaw')::date,
		(b AT TIME ZONE 'Europe/Warsaw')::date, interval '1 day') AS g(t)
	CROSS JOIN LATERAL (SELECT g.t::date AS d) x
	WHERE a < b AND izzy_sla_working_day(x.d, rules)
$$;

-- The instant "minutes" working minutes after start (a start outside working
-- hours counts from the next opening).  NULL when minutes is NULL; searched up
-- to ten years ahead (a rule with no working day at all gives NULL).
CREATE OR REPLACE FUNCTION izzy_sla_deadline(start timestamptz, minutes integer, rules jsonb)
RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	ws     time := izzy_sla_time(rules, 'workStart', '08:00');
	we     time := izzy_sla_time(rules, 'workEnd', '16:00');
	d      date := (start AT TIME ZONE 'Europe/Warsaw')::date;
	left_s numeric := minutes * 60;
	o      timestamptz;
	c      timestamptz;
BEGIN
	IF start IS NULL OR minutes IS NULL OR minutes < 0 OR ws >= we THEN
		RETURN NULL;
	END IF;
	FOR n IN 0 .. 3660 LOOP
		IF izzy_sla_working_day(d, rules) THEN
			o := greatest(start, (d + ws) AT TIME ZONE 'Europe/Warsaw');
			c := (d + we) AT TIME ZONE 'Europe/Warsaw';
			IF o < c THEN
				IF left_s <= extract(epoch FROM c - o) THEN
					RETURN o + left_s * interval '1 second';
				END IF;
				left_s := left_s - extract(epoch FROM c - o);
			END IF;
		END IF;
		d := d + 1;
	END LOOP;
	RETURN NULL;
END
$$;

-- A lead's rules: its partner's slaRules (NULL: no timers).
CREATE OR REPLACE FUNCTION izzy_sla_rules(partner text)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
	SELECT CASE WHEN jsonb_typeof("slaRules") = 'object' THEN "slaRules" END
	FROM "Partner" WHERE id = partner
$$;

-- The SLA state of a lead for the badge, or NULL (no row: a lead from before
-- 0030).  "kind" and "dueAt" name the open deadline (NULL once all are met or
-- none applies); "breached" is true once any deadline passed unmet (recorded
-- by the job or a late contact, or past due now); "met" once the deadlines
-- that applied were all kept.
CREATE OR REPLACE FUNCTION izzy_sla_json(s "LeadSla")
RETURNS json
LANGUAGE sql STABLE
AS $$
	SELECT CASE WHEN s."leadId" IS NOT NULL THEN json_build_object(
		'kind', CASE WHEN s."firstContactAt" IS NULL AND s."firstContactDueAt" IS NOT NULL
				THEN 'FIRST_CONTACT'
			WHEN s."firstContactAt" IS NOT NULL AND s."followUpAt" IS NULL
				AND s."followUpDueAt" IS NOT NULL THEN 'FOLLOW_UP' END,
		'dueAt', izzy_ts(CASE WHEN s."firstContactAt" IS NULL THEN s."firstContactDueAt"
			WHEN s."followUpAt" IS NULL THEN s."followUpDueAt" END),
		'breached', coalesce(s."firstContactBreachedAt" IS NOT NULL OR s."followUpBreachedAt" IS NOT NULL
			OR (s."firstContactAt" IS NULL AND s."firstContactDueAt" < izzy_now())
			OR (s."followUpAt" IS NULL AND s."followUpDueAt" < izzy_now()), false),
		'met', coalesce((s."firstContactDueAt" IS NOT NULL OR s."followUpDueAt" IS NOT NULL)
			AND s."firstContactBreachedAt" IS NULL AND s."followUpBreachedAt" IS NULL
			AND (s."firstContactDueAt" IS NULL OR s."firstContactAt" <= s."firstContactDueAt")
			AND (s."followUpDueAt" IS NULL OR s."followUpAt" <= s."followUpDueAt"), false),
		'startedAt', izzy_ts(s."startedAt"),
		'firstContactDueAt', izzy_ts(s."firstContactDueAt"),
		'firstContactAt', izzy_ts(s."firstContactAt"),
		'firstContactBreachedAt', izzy_ts(s."firstContactBreachedAt"),
		'followUpDueAt', izzy_ts(s."followUpDueAt"),
		'followUpAt', izzy_ts(s."followUpAt"),
		'followUpBreachedAt', izzy_ts(s."followUpBreachedAt")) END
$$;

-- AFTER INSERT on "Lead": the lead's timers from its partner's rules.
CREATE OR REPLACE FUNCTION izzy_sla_lead_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	t     timestamptz := izzy_now();
	rules jsonb := izzy_sla_rules(NEW."partnerId");
BEGIN
	INSERT INTO "LeadSla" ("leadId", "startedAt", "firstContactDueAt")
	VALUES (NEW.id, t, izzy_sla_deadline(t, izzy_sla_int(rules, 'leadResponseMinutes'), rules))
	ON CONFLICT ("leadId") DO NOTHING;
	RETURN NULL;
END
$$;

-- A contact with the lead's customer at izzy_now() by user (NULL: the
-- system or unknown): the first one meets (or, late, breaches) the first
-- deadline and starts the follow-up timer; the next one, later, closes the
-- follow-up.  The UPDATE's row lock and WHERE order concurrent contacts.
CREATE OR REPLACE FUNCTION izzy_sla_contact(lead text, by_user text, kind text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	t     timestamptz := izzy_now();
	rules jsonb := izzy_sla_rules((SELECT "partnerId" FROM "Lead" WHERE id = lead));
	n     int;
BEGIN
	UPDATE "LeadSla" SET
		"firstContactAt" = t,
		"firstContactById" = by_user,
		"firstContactKind" = kind,
		"firstContactMinutes" = izzy_working_minutes("startedAt", t, rules),
		"firstContactBreachedAt" = CASE WHEN "firstContactDueAt" < t
			THEN coalesce("firstContactBreachedAt", t) END,
		"followUpDueAt" = izzy_sla_deadline(t,
			izzy_sla_int(rules, 'followUpDays') * izzy_sla_day_minutes(rules), rules)
	WHERE "leadId" = lead AND "firstContactAt" IS NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n = 0 THEN
		UPDATE "LeadSla" SET
			"followUpAt" = t,
			"followUpBreachedAt" = CASE WHEN "followUpDueAt" < t
				THEN coalesce("followUpBreachedAt", t) END
		WHERE "leadId" = lead AND "firstContactAt" < t AND "followUpAt" IS NULL
		  AND "followUpDueAt" IS NOT NULL;
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION izzy_sla_status_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."newStatus" NOT IN ('NEW', 'INBOUND') THEN
		PERFORM izzy_sla_contact(NEW."leadId", NEW."changedById", 'STATUS');
	END IF;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION izzy_sla_note_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."authorId" IS NOT NULL AND NEW.type = 'MANUAL' THEN
		PERFORM izzy_sla_contact(NEW."leadId", NEW."authorId", 'NOTE');
	END IF;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION izzy_sla_outbox_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."leadId" IS NOT NULL AND NEW.template IN ('lead_email', 'email_welcome_insurance',
			'sms_welcome_insurance') THEN
		PERFORM izzy_sla_contact(NEW."leadId", NULL, 'MESSAGE');
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "Lead_sla" ON "Lead";
CREATE TRIGGER "Lead_sla" AFTER INSERT ON "Lead"
	FOR EACH ROW EXECUTE FUNCTION izzy_sla_lead_trigger();
DROP TRIGGER IF EXISTS "LeadStatusHistory_sla" ON "LeadStatusHistory";
CREATE TRIGGER "LeadStatusHistory_sla" AFTER INSERT ON "LeadStatusHistory"
	FOR EACH ROW EXECUTE FUNCTION izzy_sla_status_trigger();
DROP TRIGGER IF EXISTS "LeadNote_sla" ON "LeadNote";
CREATE TRIGGER "LeadNote_sla" AFTER INSERT ON "LeadNote"
	FOR EACH ROW EXECUTE FUNCTION izzy_sla_note_trigger();
DROP TRIGGER IF EXISTS "Outbox_sla" ON "Outbox";
CREATE TRIGGER "Outbox_sla" AFTER INSERT ON "Outbox"
	FOR EACH ROW EXECUTE FUNCTION izzy_sla_outbox_trigger();
