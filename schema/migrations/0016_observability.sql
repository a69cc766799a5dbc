-- 0016_observability: what /api/health/ready and /metrics read (docs/operations.md, Monitoring).
--
--   "WorkerHeartbeat"  one row per background loop of bin/izzy-worker, written at every pass:
--                      name 'outbox' (delivery), 'imap' (inbound mail polling, when configured).
--                      "pollSeconds" is the loop's interval, so that readers can tell a stale
--                      beat from a slow one.
--   "HttpMetric"       request counts and latency buckets per program, method, route pattern and
--                      status, summed over every FastCGI worker (common/metrics.sql adds each
--                      worker's counts since its last flush). Routes are patterns
--                      ("/api/leads/:id"), never paths: no ids, no personal data.
--   "ProgramMetric"    other per-program counters (name 'db_errors').
-- Additive only (expand/contract): older programs ignore these tables.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "WorkerHeartbeat" (
	"name"        text NOT NULL,
	"beatAt"      timestamptz(3) NOT NULL DEFAULT now(),
	"pollSeconds" integer NOT NULL,
	CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("name")
);

CREATE TABLE IF NOT EXISTS "HttpMetric" (
	"program"    text NOT NULL,
	"method"     text NOT NULL,
	"route"      text NOT NULL,
	"status"     integer NOT NULL,
	"count"      bigint NOT NULL DEFAULT 0,
	"sumSeconds" double precision NOT NULL DEFAULT 0,
	"buckets"    bigint[] NOT NULL,
	CONSTRAINT "HttpMetric_pkey" PRIMARY KEY ("program", "method", "route", "status")
);

CREATE TABLE IF NOT EXISTS "ProgramMetric" (
	"program" text NOT NULL,
	"name"    text NOT NULL,
	"value"   bigint NOT NULL DEFAULT 0,
	CONSTRAINT "ProgramMetric_pkey" PRIMARY KEY ("program", "name")
);
