-- Statements of common/ratelimit.c.

-- name: ratelimit_peek
SELECT "count",
       GREATEST(1, ceil(EXTRACT(EPOCH FROM ("windowStart" + make_interval(secs => $2::int) - now()))))::int
FROM "RateLimit"
WHERE "key" = $1 AND "windowStart" > now() - make_interval(secs => $2::int)

-- name: ratelimit_hit
INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES ($1, now(), 1)
ON CONFLICT ("key") DO UPDATE SET
	"count" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => $2::int)
		THEN 1 ELSE "RateLimit"."count" + 1 END,
	"windowStart" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => $2::int)
		THEN now() ELSE "RateLimit"."windowStart" END

-- name: ratelimit_clear
DELETE FROM "RateLimit" WHERE "key" = $1
