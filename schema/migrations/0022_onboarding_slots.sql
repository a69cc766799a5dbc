-- 0022_onboarding_slots: the insurance-onboarding call-back calendar in one place
-- (issue 10; requirements FR-70, SR-21, L20).
--
--   izzy_onboarding_slots(now, days, tz)   the slots offered to the client: the next
--                                          `days` weekdays in the time zone tz,
--                                          hourly 09:00-10:00 ... 17:00-18:00, as
--                                          "HH:MM-HH:MM" (two-digit hours, the only
--                                          format); today only the slots that start
--                                          after the current hour, and today is
--                                          skipped when none is left.
--
-- Computed on local dates and hours of tz, so a day is a calendar day on both sides
-- of a daylight-saving change.  cgi-bin/onboarding offers exactly these slots on
-- verify and accepts nothing else on contact-slot.

CREATE OR REPLACE FUNCTION izzy_onboarding_slots(p_now timestamptz, p_days integer, p_tz text)
RETURNS TABLE ("day" date, "slot" text)
LANGUAGE sql STABLE AS $$
	WITH l AS (
		SELECT (p_now AT TIME ZONE p_tz)::date AS today,
		       extract(hour FROM p_now AT TIME ZONE p_tz)::int AS hour
	), d AS (
		SELECT (l.today + k) AS day
		  FROM l, generate_series(0, 7 * greatest(p_days, 1) / 5 + 7) AS k
		 WHERE extract(isodow FROM l.today + k) < 6
		   AND (k > 0 OR l.hour < 17)
		 ORDER BY k
		 LIMIT greatest(p_days, 0)
	)
	SELECT d.day, lpad(h::text, 2, '0') || ':00-' || lpad((h + 1)::text, 2, '0') || ':00'
	  FROM d, l, generate_series(9, 17) AS h
	 WHERE d.day > l.today OR h > l.hour
	 ORDER BY d.day, h
$$;
