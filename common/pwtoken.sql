-- Statements of common/pwtoken.c.

-- name: pwtoken_void_user
UPDATE "PasswordToken" SET "usedAt" = now() WHERE "userId" = $1 AND "usedAt" IS NULL

-- name: pwtoken_insert
INSERT INTO "PasswordToken" (id, "userId", "tokenHash", purpose, "expiresAt", "createdById")
VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::int), $6)

-- name: pwtoken_consume
UPDATE "PasswordToken" SET "usedAt" = now()
WHERE "tokenHash" = $1 AND "usedAt" IS NULL AND "expiresAt" > now()
RETURNING "userId", purpose

-- name: pwtoken_set_password
UPDATE "User" SET "hashedPassword" = $2,
	status = CASE WHEN $3 = 'INVITE' AND status = 'INVITED' THEN 'ACTIVE'::"UserStatus" ELSE status END
WHERE id = $1
