-- Statements of cgi-bin/leads_bulk.c: one action on many leads (issue 13).
-- Parameters are text; arrays are text[] literals built by the handler.

-- name: leads_bulk_filter_ids
-- The ids of the leads the actor may see under the list's filters
-- (leads_list_page's $1..$7), with the list's search as $8 (ILIKE pattern or
-- NULL), at most $9 of them: the handler asks for one more than its cap.
SELECT coalesce(array_agg(id), '{}')::text, count(*) FROM (
	SELECT l.id FROM "Lead" l
	WHERE izzy_lead_visible($1, $2, $3, l."partnerId", l."assignedUserId", l."createdByUserId")
	  AND ($4::text IS NULL OR l."partnerId" = $4::text)
	  AND ($5::text[] IS NULL OR l.status = ANY ($5::text[]::"LeadStatus"[]))
	  AND (CASE WHEN $6::boolean THEN l."assignedUserId" IS NULL
	            WHEN $7::text IS NOT NULL THEN l."assignedUserId" = $7::text
	            ELSE true END)
	  AND ($8::text IS NULL OR l.id = ANY (ARRAY(SELECT s."leadId" FROM "CustomerProfile" s
		WHERE s."firstName" ILIKE $8::text OR s."lastName" ILIKE $8::text
		   OR s.email ILIKE $8::text OR s.phone ILIKE $8::text)))
	ORDER BY l.id
	LIMIT $9::int) p

-- name: leads_bulk_lock
-- The selected leads under their row locks, taken in id order so that two
-- bulk actions over overlapping selections queue instead of deadlocking;
-- with what the per-lead checks need: status, visibility to the actor
-- ($2..$4), anonymised, assignee ('' for none), and whether the client is
-- editing the form right now (the operator guard of FR-46).
SELECT l.id, l.status::text,
       izzy_lead_visible($2, $3, $4, l."partnerId", l."assignedUserId", l."createdByUserId"),
       l."anonymizedAt" IS NOT NULL, coalesce(l."assignedUserId", ''),
       EXISTS (SELECT 1 FROM "ApplicationForm" f WHERE f."leadId" = l.id AND f."isClientActive"
               AND f."lastClientActivity" >= now() - interval '5 minutes')
FROM "Lead" l
WHERE l.id = ANY ($1::text[])
ORDER BY l.id
FOR UPDATE OF l

-- name: leads_bulk_assign
-- One UPDATE for all, the lead counters kept in one step (izzy_lead_bulk_update, 0031).
SELECT izzy_lead_bulk_update($1::text[], 'assign', NULL, $2::text)

-- name: leads_bulk_status
-- leads_status_update for many leads: $3 'claim' (FIRST_CONTACT: assignee
-- $4, claimedAt now), 'release' (NEW: no assignee, no claimedAt), else keep.
-- As leads_bulk_assign, through izzy_lead_bulk_update (0031).
SELECT izzy_lead_bulk_update($1::text[], $3::text, $2::"LeadStatus", $4::text)

-- name: leads_bulk_history
-- One LeadStatusHistory row per lead: $1 ids, $2 lead ids, $3 old statuses,
-- $4 override flags (arrays of one length); $5 new status, $6 actor, $7
-- notes, $8 reason code.
INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "changedById", reason,
    "reasonCode", override)
SELECT h.id, h.lead, h.old::"LeadStatus", $5::"LeadStatus", $6, $7, $8, h.ovr
FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[]) AS h(id, lead, old, ovr)

-- name: leads_bulk_audit
-- One AuditLog entry per changed lead, as audit_log() writes it for one lead:
-- $1 entry ids, $2 lead ids, $3 the old assignees ('' for none; assign) or old
-- statuses (status), $4 override flags (arrays of one length); $5 actor, $6
-- 'assign' or 'status', $7 the new assignee (NULL: none), $8 the new status,
-- $9 notes, $10 reason code.
INSERT INTO "AuditLog" (id, "leadId", "userId", action, field, "oldValue", "newValue", metadata)
SELECT a.id, a.lead, $5,
       CASE $6::text WHEN 'assign' THEN 'assignment_change' ELSE 'status_change' END,
       CASE $6::text WHEN 'assign' THEN 'assignedUserId' ELSE 'status' END,
       CASE WHEN $6::text <> 'assign' THEN to_jsonb(a.old)
            WHEN a.old = '' THEN 'null'::jsonb
            ELSE jsonb_build_object('assignedUserId', a.old) END,
       CASE WHEN $6::text <> 'assign' THEN to_jsonb($8::text)
            WHEN $7::text IS NULL THEN 'null'::jsonb
            ELSE jsonb_build_object('assignedUserId', $7::text) END,
       CASE WHEN $6::text = 'assign' THEN '{"bulk": true}'::jsonb
            ELSE jsonb_strip_nulls(jsonb_build_object('bulk', true, 'override', a.ovr,
                'notes', $9::text, 'reason', $10::text)) END
FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[]) AS a(id, lead, old, ovr)

-- name: leads_bulk_notes
-- The status change's notes as a manual note on each lead: $1 ids, $2 lead ids, $3 author, $4 text.
INSERT INTO "LeadNote" (id, "leadId", "authorId", content, link, type)
SELECT n.id, n.lead, $3, $4, NULL, 'MANUAL'
FROM unnest($1::text[], $2::text[]) AS n(id, lead)
