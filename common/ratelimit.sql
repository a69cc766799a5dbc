-- Statements of common/ratelimit.c.

-- name: ratelimit_take
-- One attempt, counted atomically: concurrent callers queue on the row and
-- each sees its own count.  $2 = window in seconds.  Returns the count of the
-- current window and the seconds left in it.
INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES ($1, now(), 1)
ON CONFLICT ("key") DO UPDATE SET
	"count" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => $2::int)
		THEN 1 ELSE "RateLimit"."count" + 1 END,
	"windowStart" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => $2::int)
		THEN now() ELSE "RateLimit"."windowStart" END
RETURNING "count",
	GREATEST(1, ceil(EXTRACT(EPOCH FROM ("windowStart" + make_interval(secs => $2::int) - now()))))::int

-- name: ratelimit_give_back
UPDATE "RateLimit" SET "count" = GREATEST("count" - 1, 0) WHERE "key" = $1

-- name: ratelimit_clear
DELETE FROM "RateLimit" WHERE "key" = $1
