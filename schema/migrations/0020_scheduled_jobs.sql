-- 0020_scheduled_jobs: the worker's scheduled jobs (issue 9, OR-12).
--
-- "ScheduledJobRun" keeps one row per job of bin/worker_jobs.c: when it last
-- started and ended, whether it succeeded, its counts (a JSON object) and the
-- next due time.  The worker runs a job when "nextRunAt" has passed, under
-- the job's PostgreSQL advisory lock, so one worker at a time runs it.  A
-- job's row is created the first time a worker sees the job.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "ScheduledJobRun" (
	"name"       text NOT NULL,
	"startedAt"  timestamptz(3),
	"endedAt"    timestamptz(3),
	"ok"         boolean,
	"counts"     jsonb,
	"lastError"  text,
	"runs"       integer NOT NULL DEFAULT 0,
	"nextRunAt"  timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "ScheduledJobRun_pkey" PRIMARY KEY ("name")
);
