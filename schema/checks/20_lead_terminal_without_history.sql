-- check: leads in a terminal status that no recorded status change led to
--
-- A lead reaches UNQUALIFIED, CLOSED_*, CANCELLED or MERGED only through a
-- status change, and every change writes a LeadStatusHistory row
-- (spec/data-model.md section 3.5).  Databases upgraded from the reference
-- recorded changes only in AuditLog (action status_change), which counts too.
SELECT 'Lead ' || l.id AS ref,
       'status ' || l.status || ' without a LeadStatusHistory row or status_change audit entry' AS detail
FROM "Lead" l
WHERE l.status IN ('UNQUALIFIED', 'CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED', 'MERGED')
  AND NOT EXISTS (SELECT 1 FROM "LeadStatusHistory" h
                  WHERE h."leadId" = l.id AND h."newStatus" = l.status)
  AND NOT EXISTS (SELECT 1 FROM "AuditLog" a
                  WHERE a."leadId" = l.id AND a.action = 'status_change'
                    AND a."newValue" = to_jsonb(l.status::text))
ORDER BY l.id
