-- Statements of bin/izzyctl.c.  The bookkeeping table is created by
-- izzyctl itself (MIGRATIONS_DDL in izzyctl.c) before these are prepared.

-- name: izzyctl_applied
SELECT name, checksum, "rolledBackAt" IS NOT NULL FROM "_izzy_migrations" ORDER BY name

-- name: izzyctl_record
INSERT INTO "_izzy_migrations" (name, checksum) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, "appliedAt" = now(), "rolledBackAt" = NULL

-- name: izzyctl_resolve_rolled_back
UPDATE "_izzy_migrations" SET "rolledBackAt" = now() WHERE name = $1 AND "rolledBackAt" IS NULL

-- name: izzyctl_set_config
SELECT set_config($1, $2, false)

-- name: izzyctl_user_create
-- Addresses are stored lower-cased (spec §9 item 26); a case-variant of an
-- existing address is refused like the address itself.
INSERT INTO "User" (id, email, "hashedPassword", role, "fullName", status, "partnerId")
SELECT $1, lower($2), $3, $4::"UserRole", $5, 'ACTIVE', $6
WHERE NOT EXISTS (SELECT 1 FROM "User" WHERE lower(email) = lower($2))
