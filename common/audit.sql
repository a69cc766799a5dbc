-- Statements of common/audit.c.

-- name: audit_insert
INSERT INTO "AuditLog" (id, "leadId", "userId", action, field, "oldValue", "newValue", metadata)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)
