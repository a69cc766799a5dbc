#!/usr/bin/env bash
# Per-binary tests of cgi-bin/health, run as plain CGI.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-health
CGI_PROG=health
CGI_LOG=$T_VAR/log/health-cgi.log

cgi_run GET /api/health
is "$STATUS" 200 "GET /api/health answers 200"
is "$BODY" '{"status":"ok"}' "liveness body is the reference's"
is "$(header Cache-Control)" "no-store" "API responses are not cached"
is "$(header X-Content-Type-Options)" "nosniff" "nosniff header"
like "$(header X-Request-Id)" '^[0-9a-f]{16}$' "request id header"

cgi_run GET /
is "$STATUS:$BODY" '200:{"status":"ok"}' "GET / is a health probe too"

cgi_run GET /api/health/ready
is "$STATUS" 200 "ready when migrated"
is "$(jq_body .status)" ready "readiness says ready"

cgi_run GET /API/HEALTH/
is "$STATUS" 200 "paths are case-insensitive and tolerate a trailing slash"

cgi_run POST /api/health '{}'
is "$STATUS:$BODY" '404:{"message":"Not found"}' "unknown method is 404 JSON"
cgi_run GET /api/nothing
is "$STATUS:$BODY" '404:{"message":"Not found"}' "unknown path is 404 JSON"

# --- operations figures of readiness (report only) -------------------------------------------
cgi_run GET /api/health/ready
is "$(printf '%s' "$BODY" | jq -c .outbox)" '{"backlog":0,"oldestPendingSeconds":null,"failed":0}' "an empty outbox: no backlog, no age"
is "$(printf '%s' "$BODY" | jq -c '[.worker.lastHeartbeatAt, .worker.heartbeatAgeSeconds, .worker.stale]')" '[null,null,true]' \
	"no worker has ever beaten: stale"
is "$(jq_body .imap)" null "IMAP not configured: null"
is "$STATUS:$(jq_body .status)" "200:ready" "a stale worker does not make readiness fail"

# Two messages waiting (the older 2 minutes old), one being sent, one failed, one delivered.
psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", status, \"createdAt\") VALUES
	('obx1', 'EMAIL', 'a@example.invalid', 't', 'PENDING', now() - interval '120 seconds'),
	('obx2', 'EMAIL', 'b@example.invalid', 't', 'PENDING', now() - interval '5 seconds'),
	('obx3', 'SMS', '+48500000000', 't', 'SENDING', now() - interval '30 seconds'),
	('obx4', 'EMAIL', 'c@example.invalid', 't', 'FAILED', now() - interval '1 day'),
	('obx5', 'EMAIL', 'd@example.invalid', 't', 'SENT', now() - interval '2 days')" >/dev/null
cgi_run GET /api/health/ready
is "$(jq_body .outbox.backlog)" 3 "backlog: PENDING and SENDING messages"
age=$(jq_body .outbox.oldestPendingSeconds)
[[ $age =~ ^[0-9]+$ ]] && ((age >= 120 && age < 180))
ok $? "oldest pending age is the 2-minute-old message's ($age s)"
is "$(jq_body .outbox.failed)" 1 "failed messages are counted"

# The real worker records its heartbeat (one pass, mail not configured).
env -u SMTP_HOST -u EMAIL_FROM IZZY_WORKER_ONCE=1 IZZY_WORKER_POLL_SECONDS=7 \
	"$top_builddir/bin/izzy-worker" 2>>"$T_VAR/log/izzy-worker.log"
is "$?" 0 "one worker pass"
is "$(psql_q "SELECT \"pollSeconds\" FROM \"WorkerHeartbeat\" WHERE name = 'outbox' AND \"beatAt\" > now() - interval '1 minute'")" 7 \
	"izzy-worker wrote its heartbeat with its poll interval"
cgi_run GET /api/health/ready
is "$(jq_body .worker.stale)" false "a fresh heartbeat is not stale"
like "$(jq_body .worker.lastHeartbeatAt)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "heartbeat time in ISO 8601 UTC"
like "$(jq_body .worker.heartbeatAgeSeconds)" '^[0-9]$|^[1-5][0-9]$' "heartbeat age in seconds"

# Silent for longer than 3 poll intervals (and 60 s): stale, still ready.
psql_q "UPDATE \"WorkerHeartbeat\" SET \"beatAt\" = now() - interval '10 minutes' WHERE name = 'outbox'"
cgi_run GET /api/health/ready
is "$(jq_body .worker.stale)" true "a heartbeat 10 minutes old is stale"
age=$(jq_body .worker.heartbeatAgeSeconds)
[[ $age =~ ^[0-9]+$ ]] && ((age >= 600 && age < 660))
ok $? "its age is reported ($age s)"
is "$STATUS" 200 "readiness stays 200 with a stale worker (report only)"

# An IMAP poller that reported.
psql_q "INSERT INTO \"WorkerHeartbeat\" (name, \"beatAt\", \"pollSeconds\") VALUES ('imap', now() - interval '30 seconds', 60)"
cgi_run GET /api/health/ready
like "$(jq_body .imap.lastPollAt)" '^[0-9]{4}-.*Z$' "IMAP last poll is reported once a poller ran"
age=$(jq_body .imap.ageSeconds)
[[ $age =~ ^[0-9]+$ ]] && ((age >= 30 && age < 90))
ok $? "with its age ($age s)"

# --- request counters (common/http.c): even plain CGI adds its request to "HttpMetric" ---------
n0=$(psql_q "SELECT coalesce(sum(count), 0) FROM \"HttpMetric\" WHERE program = 'health' AND route = '/api/health/ready' AND status = 200 AND method = 'GET'")
cgi_run GET /api/health/ready
cgi_run GET /api/health/ready
n1=$(psql_q "SELECT coalesce(sum(count), 0) FROM \"HttpMetric\" WHERE program = 'health' AND route = '/api/health/ready' AND status = 200 AND method = 'GET'")
is "$((n1 - n0))" 2 "two ready requests add 2 to their counter"
is "$(psql_q "SELECT count(*) FROM \"HttpMetric\" WHERE (SELECT sum(b) FROM unnest(buckets) b) <> count OR cardinality(buckets) <> 12")" 0 \
	"every series' latency buckets add up to its count (12 buckets)"
is "$(psql_q "SELECT count(*) FROM \"HttpMetric\" WHERE route LIKE '%nothing%' OR route LIKE '%HEALTH%'")" 0 \
	"routes are patterns: unknown paths are counted as 'unmatched', never by their path"

# Migrations behind the build: readiness must say so.
psql_q "UPDATE \"_izzy_migrations\" SET \"rolledBackAt\" = now() WHERE name = (SELECT max(name) FROM \"_izzy_migrations\")"
cgi_run GET /api/health/ready
is "$STATUS" 503 "not ready when the newest migration is missing"
is "$(jq_body .status)" not_ready "readiness says not_ready"

# Database down: liveness still answers, readiness does not.
DATABASE_URL="postgresql://izzy@/izzy?host=/nonexistent&port=1" cgi_run GET /api/health/ready
is "$STATUS" 503 "not ready without a database"
DATABASE_URL="postgresql://izzy@/izzy?host=/nonexistent&port=1" cgi_run GET /api/health
is "$STATUS" 200 "alive without a database"

# Production refuses weak secrets (SR-6) and names the variable.
out=$(env -i REQUEST_METHOD=GET PATH_INFO=/api/health IZZY_ENV=production DATABASE_URL="$DATABASE_URL" \
	JWT_SECRET=change-me-dev-secret "$top_builddir/cgi-bin/health" 2>&1 >/dev/null) && rc=0 || rc=$?
is "$rc" 1 "production start with a default secret fails"
like "$out" 'JWT_SECRET' "the error names JWT_SECRET"

t_done
