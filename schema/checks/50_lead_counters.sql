-- check: lead counters that disagree with the leads
--
-- "LeadCount" and "LeadCountByCreator" (schema/migrations/0010_lead_read.sql)
-- are kept by triggers and give the lead list its total; a bulk load with
-- triggers disabled leaves them wrong.  A counter row is compared with the
-- leads of its group; a missing row counts as 0.  Repair, with writers locked
-- out, as the end of 0010_lead_read.sql does.
WITH want AS (
	SELECT "partnerId" AS p, coalesce("assignedUserId", '') AS a, status AS s, count(*)::int AS n
	FROM "Lead" GROUP BY 1, 2, 3
), have AS (
	SELECT "partnerId" AS p, "assignedUserId" AS a, status AS s, n FROM "LeadCount"
), want_c AS (
	SELECT "partnerId" AS p, coalesce("createdByUserId", '') AS c, coalesce("assignedUserId", '') AS a,
	       status AS s, count(*)::int AS n
	FROM "Lead" GROUP BY 1, 2, 3, 4
), have_c AS (
	SELECT "partnerId" AS p, "createdByUserId" AS c, "assignedUserId" AS a, status AS s, n
	FROM "LeadCountByCreator"
)
SELECT 'LeadCount (' || coalesce(w.p, h.p) || ', ' || coalesce(w.a, h.a) || ', ' || coalesce(w.s, h.s) || ')' AS ref,
       'n = ' || coalesce(h.n, 0) || ', leads: ' || coalesce(w.n, 0) AS detail
FROM want w FULL JOIN have h ON h.p = w.p AND h.a = w.a AND h.s = w.s
WHERE coalesce(w.n, 0) <> coalesce(h.n, 0)
UNION ALL
SELECT 'LeadCountByCreator (' || coalesce(w.p, h.p) || ', ' || coalesce(w.c, h.c) || ', ' ||
       coalesce(w.a, h.a) || ', ' || coalesce(w.s, h.s) || ')',
       'n = ' || coalesce(h.n, 0) || ', leads: ' || coalesce(w.n, 0)
FROM want_c w FULL JOIN have_c h ON h.p = w.p AND h.c = w.c AND h.a = w.a AND h.s = w.s
WHERE coalesce(w.n, 0) <> coalesce(h.n, 0)
ORDER BY 1
