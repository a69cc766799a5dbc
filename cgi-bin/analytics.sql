-- Statements of cgi-bin/analytics.c: the dashboard and the monitoring widgets
-- (spec/api.md sections 4.13 and 7.11, requirements FR-74, FR-75, FR-42).
-- Each endpoint is one statement that builds the whole response as JSON text,
-- so a request costs one round trip however many leads there are.  They only
-- read, so they may run on a streaming replica (DATABASE_READ_URL).
--
-- The clock is a parameter (the request time, or IZZY_TEST_NOW in tests), not
-- now(): days are cut in the configured zone (APP_TIMEZONE) from that instant,
-- so a test can stand on a DST change or New Year and the result is exact.

-- name: analytics_dashboard
-- $1 actor role  $2 actor id  $3 actor partner (NULL: none)  $4 partnerId filter
-- (NULL: all)  $5 rangeDays (1-365)  $6 now, seconds since the epoch  $7 time zone.
-- NULL when the partner filter names no partner (the handler answers 400).
--
-- Range (7.11): the last $5 calendar days in zone $7 up to today, from local
-- midnight to the next local midnight, so a day is 23 or 25 hours long across
-- a DST change; "end" is reported 1 ms before the next midnight.  "Filtered
-- leads" are the leads the actor may see in the lead list (izzy_lead_visible,
-- FR-14) of the given partner.
--   leadVolume           leads created in the range per local day, zeros included
--   conversionByPartner  leads created since the range start per partner, CLOSED_WON among them
--   funnel               all filtered leads by current status, the 16 statuses of 7.11 in order
--   summary              as 7.11; averageTimeToCloseDays from LeadStatusHistory: for leads now
--                        CLOSED_WON, their first entry into CLOSED_WON minus leadCreatedAt, for
--                        those that entered it since the range start (the reference read
--                        Agreement.signedAt, which nothing wrote: always null)
--   compliance (FR-42)   over all filtered leads: consent status as in the lead list (7.5,
--                        izzy_consent_status), by lead source (sourceMetadata.source; null when
--                        none) and by consent type (leads with a given, not withdrawn record of
--                        that type); leads still missing a required consent 7 days after their
--                        creation; leads not anonymised, no longer in process (a closed status),
--                        whose retention point (FR-39, SR-41: 36 months after creation and 12
--                        months after the last activity, whichever is later) is at most 30 days
--                        away or already passed
WITH clock AS MATERIALIZED (
	SELECT d.today, d.today - ($5::int - 1) AS first_day, d.now_at,
	       (d.today - ($5::int - 1))::timestamp AT TIME ZONE $7::text AS start_at,
	       (d.today + 1)::timestamp AT TIME ZONE $7::text AS end_at
	FROM (SELECT (to_timestamp($6::double precision) AT TIME ZONE $7::text)::date AS today,
	             to_timestamp($6::double precision) AS now_at) d
), f AS MATERIALIZED (
	SELECT l.id, l."partnerId", l.status, l."leadCreatedAt", l."sourceMetadata" ->> 'source' AS source,
	       l."anonymizedAt", greatest(l."updatedAt", l."lastContactAt") AS active_at
	FROM "Lead" l
	WHERE izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
), inr AS MATERIALIZED (
	SELECT f.id, f."partnerId", f.status, f."leadCreatedAt"
	FROM f, clock c
	WHERE f."leadCreatedAt" >= c.start_at
), won AS (
	SELECT f."leadCreatedAt", min(h."timestamp") AS won_at
	FROM f
	JOIN "LeadStatusHistory" h ON h."leadId" = f.id AND h."newStatus" = 'CLOSED_WON'
	WHERE f.status = 'CLOSED_WON'
	GROUP BY f.id, f."leadCreatedAt"
), tpl AS MATERIALIZED (
	-- The active templates of the two lead forms, one bit each (at most 62:
	-- the data model has one per consent type and form in practice, about 10).
	SELECT t.id, 1::bigint << (row_number() OVER (ORDER BY t.id) - 1)::int AS bit,
	       t."isRequired" AS req, t."formType" = 'financing_application' AS fin
	FROM "ConsentTemplate" t, clock c
	WHERE t."isActive" AND t."formType" IN ('lead_creation', 'financing_application')
	  AND t."validFrom" <= c.now_at AND (t."validTo" IS NULL OR t."validTo" > c.now_at)
), masks AS (
	SELECT coalesce(bit_or(bit) FILTER (WHERE req AND NOT fin), 0) AS req_lead,
	       coalesce(bit_or(bit) FILTER (WHERE req AND fin), 0) AS req_fin,
	       coalesce(bit_or(bit) FILTER (WHERE NOT req AND NOT fin), 0) AS opt_lead,
	       coalesce(bit_or(bit) FILTER (WHERE NOT req AND fin), 0) AS opt_fin
	FROM tpl
), cons AS (
	-- Per lead, from its "LeadConsent" row (0026): the given, not withdrawn
	-- templates as template bits, the consent-type bits, whether any given
	-- record exists, and whether a financing-form record makes that form
	-- relevant (7.5 step 1).  A lead without a row has no records.
	SELECT lc.id AS "leadId",
	       coalesce((SELECT bit_or(tp.bit) FROM tpl tp WHERE tp.id = ANY (lc.given)), 0) AS given,
	       lc.types, cardinality(lc.given) > 0 AS any_given, lc.financing AS fin
	FROM "LeadConsent" lc
), cs AS MATERIALIZED (
	-- izzy_consent_status (0010) on bit masks: R required, O optional, G given.
	SELECT x.source, x."leadCreatedAt", x.types,
	       CASE WHEN x.r = 0 THEN CASE WHEN x.any_given THEN 'complete' ELSE 'no_templates' END
	            WHEN x.g & x.r <> x.r THEN 'missing_required'
	            WHEN x.g & x.o <> x.o THEN 'incomplete'
	            ELSE 'complete' END AS st
	FROM (
		SELECT f.source, f."leadCreatedAt", coalesce(c.types, 0) AS types,
		       coalesce(c.any_given, false) AS any_given, coalesce(c.given, 0) AS g,
		       m.req_lead | CASE WHEN af.id IS NOT NULL OR c.fin THEN m.req_fin ELSE 0 END AS r,
		       m.opt_lead | CASE WHEN af.id IS NOT NULL OR c.fin THEN m.opt_fin ELSE 0 END AS o
		FROM f
		CROSS JOIN masks m
		LEFT JOIN cons c ON c."leadId" = f.id
		LEFT JOIN "ApplicationForm" af ON af."leadId" = f.id
	) x
)
SELECT CASE WHEN $4::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Partner" p WHERE p.id = $4::text)
	THEN NULL ELSE json_build_object(
	'range', (SELECT json_build_object('start', izzy_ts(c.start_at),
		'end', izzy_ts(c.end_at - interval '1 millisecond'), 'days', $5::int) FROM clock c),
	'leadVolume', (
		SELECT json_agg(json_build_object('date', to_char(g.d, 'YYYY-MM-DD'), 'count', coalesce(v.n, 0))
			ORDER BY g.d)
		FROM clock c
		CROSS JOIN generate_series(c.first_day::timestamp, c.today::timestamp, interval '1 day') AS g(d)
		LEFT JOIN (SELECT (i."leadCreatedAt" AT TIME ZONE $7::text)::date AS day, count(*) AS n
		           FROM inr i GROUP BY 1) v ON v.day = g.d::date),
	'conversionByPartner', (
		SELECT coalesce(json_agg(json_build_object('partnerId', x."partnerId",
			'partnerName', coalesce(p.name, 'Unknown Partner'),
			'totalLeads', x.total, 'convertedLeads', x.won,
			'conversionRate', x.won::float8 / x.total)
			ORDER BY x.total DESC, p.name, x."partnerId"), '[]')
		FROM (SELECT i."partnerId", count(*) AS total,
		             count(*) FILTER (WHERE i.status = 'CLOSED_WON') AS won
		      FROM inr i GROUP BY 1) x
		LEFT JOIN "Partner" p ON p.id = x."partnerId"),
	'funnel', (
		SELECT json_agg(json_build_object('status', s.status, 'count', coalesce(n.n, 0)) ORDER BY s.ord)
		FROM unnest(ARRAY['NEW', 'FIRST_CONTACT', 'FOLLOW_UP', 'VERIFICATION', 'UNQUALIFIED',
			'GATHERING_DOCUMENTS', 'CREDIT_ANALYSIS', 'OFFER_PRESENTED', 'NEGOTIATIONS',
			'TERMS_ACCEPTED', 'CONTRACT_IN_PREPARATION', 'CONTRACT_SIGNING', 'CLOSED_WON',
			'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED']) WITH ORDINALITY AS s(status, ord)
		LEFT JOIN (SELECT f.status::text AS status, count(*) AS n FROM f GROUP BY 1) n
			ON n.status = s.status),
	'summary', (
		SELECT json_build_object('totalLeads', (SELECT count(*) FROM f),
			'leadsInRange', a.total, 'signedLeadsInRange', a.won,
			'overallConversionRate', CASE WHEN a.total > 0 THEN a.won::float8 / a.total ELSE 0 END,
			'averageTimeToCloseDays', (
				SELECT avg(extract(epoch FROM w.won_at - w."leadCreatedAt") / 86400)::float8
				FROM won w, clock c
				WHERE w.won_at >= c.start_at AND w.won_at >= w."leadCreatedAt"))
		FROM (SELECT count(*) AS total, count(*) FILTER (WHERE i.status = 'CLOSED_WON') AS won
		      FROM inr i) a),
	'compliance', (
		SELECT json_build_object(
			'totalLeads', a.total, 'completeLeads', a.complete,
			'completeRate', CASE WHEN a.total > 0 THEN a.complete::float8 / a.total ELSE 0 END,
			'bySource', (
				SELECT coalesce(json_agg(json_build_object('source', x.source,
					'totalLeads', x.total, 'completeLeads', x.complete,
					'completeRate', x.complete::float8 / x.total)
					ORDER BY x.total DESC, x.source NULLS LAST), '[]')
				FROM (SELECT cs.source, count(*) AS total,
				             count(*) FILTER (WHERE cs.st = 'complete') AS complete
				      FROM cs GROUP BY 1) x),
			'byConsentType', (
				SELECT json_agg(json_build_object('consentType', t.type, 'leads', coalesce(n.n, 0),
					'rate', CASE WHEN a.total > 0 THEN coalesce(n.n, 0)::float8 / a.total ELSE 0 END)
					ORDER BY t.type)
				FROM unnest(enum_range(NULL::"ConsentType")) WITH ORDINALITY AS t(type, pos)
				LEFT JOIN LATERAL (SELECT count(*) AS n FROM cs
				                   WHERE cs.types & (1 << t.pos::int) <> 0) n ON true),
			'missingRequiredOver7Days', (
				SELECT count(*) FROM cs, clock c
				WHERE cs.st = 'missing_required'
				  AND cs."leadCreatedAt" < c.now_at - interval '7 days'),
			'retentionDueWithin30Days', (
				SELECT count(*) FROM f, clock c
				WHERE f."anonymizedAt" IS NULL
				  AND f.status IN ('CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED',
				                   'UNQUALIFIED', 'MERGED')
				  AND greatest(f."leadCreatedAt" + interval '36 months',
				               f.active_at + interval '12 months') <= c.now_at + interval '30 days'))
		FROM (SELECT count(*) AS total, count(*) FILTER (WHERE cs.st = 'complete') AS complete
		      FROM cs) a)
	)::text END

-- name: analytics_monitoring
-- $1 actor role  $2 actor id  $3 actor partner (NULL: none)  $4 now, seconds since the epoch.
-- Forms of the leads the actor may see (7.11 monitoring, FR-75):
--   stuckForms         IN_PROGRESS forms whose last autosave (or, without one, last update)
--                      is more than 24 hours old, oldest first (the 7.11 QUIRK fixed:
--                      heartbeats and detail reads bump updatedAt); lastActivityAt says which
--                      instant was used
--   failedPinAttempts  CLIENT_ATTEMPT entries with success false in the forms' unlockHistory
--                      whose own timestamp is within the last 7 days (the 7.11 QUIRK fixed).
--                      Timestamps are the API's fixed-width UTC strings, compared as text in
--                      the C collation so a malformed entry is skipped, never an error.
WITH clock AS MATERIALIZED (
	SELECT to_timestamp($4::double precision) AS now_at
)
SELECT json_build_object(
	'stuckForms', (
		SELECT coalesce(json_agg(json_build_object('id', s.id, 'leadId', s."leadId",
			'updatedAt', izzy_ts(s."updatedAt"), 'lastActivityAt', izzy_ts(s.act),
			'completionPercent', s."completionPercent",
			'customer', CASE WHEN cp.id IS NOT NULL THEN json_build_object(
				'firstName', cp."firstName", 'lastName', cp."lastName", 'email', cp.email) END)
			ORDER BY s.act, s.id), '[]')
		FROM (SELECT af.id, af."leadId", af."updatedAt", af."completionPercent",
		             coalesce(af."lastAutoSave", af."updatedAt") AS act
		      FROM "ApplicationForm" af
		      WHERE af.status = 'IN_PROGRESS') s
		CROSS JOIN clock c
		JOIN "Lead" l ON l.id = s."leadId"
		LEFT JOIN "CustomerProfile" cp ON cp."leadId" = s."leadId"
		WHERE s.act < c.now_at - interval '24 hours'
		  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")),
	'failedPinAttempts', json_build_object(
		'count', (
			SELECT count(*)
			FROM "ApplicationForm" af
			JOIN "Lead" l ON l.id = af."leadId"
			CROSS JOIN clock c
			CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(af."unlockHistory") = 'array'
				THEN af."unlockHistory" ELSE '[]' END) AS e(v)
			WHERE af."unlockHistory" IS NOT NULL
			  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
			  AND e.v ->> 'type' = 'CLIENT_ATTEMPT' AND e.v -> 'success' = 'false'::jsonb
			  AND (e.v ->> 'timestamp') COLLATE "C" > izzy_ts(c.now_at - interval '7 days') COLLATE "C"
			  AND (e.v ->> 'timestamp') COLLATE "C" <= izzy_ts(c.now_at) COLLATE "C"),
		'rangeDays', 7))::text

-- name: analytics_sla
-- The response-time report (issue 13, schema 0030): the leads the actor may
-- see ($1 role, $2 user, $3 user's partner; $4 partner or NULL) whose timers
-- started on local days $5..$6 (NULL: the 30 days up to today by izzy_now()),
-- merged leads left out.  Per lead: withSla = it had a first-contact
-- deadline; met = first contact by it; breached = a breach recorded, or the
-- deadline passed without contact; pending = neither yet.  Per group:
-- shareMet = met / (met + breached) (4 decimals; null with neither), the
-- median working minutes to first contact of the contacted leads (1
-- decimal), followUpBreached and breaches = breached + followUpBreached.
-- Groups: the total, per partner, per operator (the lead's assignee; null:
-- unassigned).
WITH rng AS (
	SELECT coalesce($5::date, coalesce($6::date, (izzy_now() AT TIME ZONE 'Europe/Warsaw')::date) - 29) AS f,
	       coalesce($6::date, (izzy_now() AT TIME ZONE 'Europe/Warsaw')::date) AS t
), b AS (
	SELECT l."partnerId", l."assignedUserId", s."firstContactMinutes",
	       s."firstContactDueAt" IS NOT NULL AS timed,
	       coalesce(s."firstContactAt" <= s."firstContactDueAt" AND s."firstContactBreachedAt" IS NULL,
		false) AS met,
	       s."firstContactDueAt" IS NOT NULL AND (s."firstContactBreachedAt" IS NOT NULL
		OR (s."firstContactAt" IS NULL AND s."firstContactDueAt" < izzy_now())) AS breached,
	       coalesce(s."followUpBreachedAt" IS NOT NULL
		OR (s."followUpAt" IS NULL AND s."followUpDueAt" < izzy_now()), false) AS fu_breached
	FROM "LeadSla" s
	JOIN "Lead" l ON l.id = s."leadId"
	CROSS JOIN rng
	WHERE s."startedAt" >= rng.f::timestamp AT TIME ZONE 'Europe/Warsaw'
	  AND s."startedAt" < (rng.t + 1)::timestamp AT TIME ZONE 'Europe/Warsaw'
	  AND izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
	  AND l.status <> 'MERGED'
), g AS (
	SELECT grouping(b."partnerId", b."assignedUserId") AS lvl, b."partnerId", b."assignedUserId",
	       json_build_object(
		'leads', count(*),
		'withSla', count(*) FILTER (WHERE b.timed),
		'met', count(*) FILTER (WHERE b.met),
		'breached', count(*) FILTER (WHERE b.breached),
		'pending', count(*) FILTER (WHERE b.timed AND NOT b.met AND NOT b.breached),
		'shareMet', round(count(*) FILTER (WHERE b.met)::numeric
			/ nullif(count(*) FILTER (WHERE b.met OR b.breached), 0), 4),
		'medianFirstContactMinutes', round((percentile_cont(0.5) WITHIN GROUP
			(ORDER BY b."firstContactMinutes"))::numeric, 1),
		'followUpBreached', count(*) FILTER (WHERE b.fu_breached),
		'breaches', count(*) FILTER (WHERE b.breached) + count(*) FILTER (WHERE b.fu_breached)) AS st
	FROM b
	GROUP BY GROUPING SETS ((), (b."partnerId"), (b."assignedUserId"))
)
SELECT json_build_object(
	'from', to_char(rng.f, 'YYYY-MM-DD'),
	'to', to_char(rng.t, 'YYYY-MM-DD'),
	'partnerId', $4::text,
	'total', coalesce((SELECT g.st FROM g WHERE g.lvl = 3),
		json_build_object('leads', 0, 'withSla', 0, 'met', 0, 'breached', 0, 'pending', 0,
			'shareMet', NULL, 'medianFirstContactMinutes', NULL, 'followUpBreached', 0,
			'breaches', 0)),
	'partners', coalesce((SELECT json_agg((json_build_object('partnerId', g."partnerId",
			'name', p.name)::jsonb || g.st::jsonb) ORDER BY p.name, g."partnerId")
		FROM g JOIN "Partner" p ON p.id = g."partnerId" WHERE g.lvl = 1), '[]'),
	'operators', coalesce((SELECT json_agg((json_build_object('userId', g."assignedUserId",
			'fullName', u."fullName")::jsonb || g.st::jsonb)
			ORDER BY u."fullName" NULLS LAST, g."assignedUserId")
		FROM g LEFT JOIN "User" u ON u.id = g."assignedUserId" WHERE g.lvl = 2), '[]'))::text
FROM rng
