-- Statements of cgi-bin/health.c.

-- name: health_latest_migration
-- The newest applied migration; readiness compares it with the build's.
SELECT coalesce(max(name), '') FROM "_izzy_migrations" WHERE "rolledBackAt" IS NULL
