#!/usr/bin/env bash
# Observability through real nginx + spawn-fcgi + PostgreSQL: JSON request lines carrying nginx's
# request id (the one the client gets as X-Request-Id), and the Prometheus /metrics page — the
# counts of all workers, its format, and who may read it (IZZY_METRICS_ALLOW, after real_ip).
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db http-observability
# Its own port, next to the other http suites' (make check may run them at once).
PORT=${IZZY_TEST_HTTP_OBS_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 3))}
BASE=http://127.0.0.1:$PORT
export IZZY_LOG_FORMAT=json IZZY_METRICS_FLUSH_SECONDS=1
unset IZZY_METRICS_ALLOW
# Two workers per program: /metrics must add up what each of them counted.
stack_fcgi_start "$T_VAR" "$top_builddir" 2 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
[[ -S $T_VAR/run/metrics.sock ]] || t_bail "cgi-bin/metrics is not running"

# req METHOD PATH [curl args...]: sets STATUS, HEADERS, BODY.
req() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -S -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -X "$method" "$@" "$BASE$path") || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_VAR/headers")
	BODY=$(cat "$T_VAR/body")
}
hdr() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
# log_lines FILE RID: the program's log lines of that request.
log_lines() { grep -F "\"rid\":\"$2\"" "$1" || true; }
# wait_log FILE RID: until the request's line is written (the program logs after it answered).
wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(log_lines "$1" "$2") ]] && return 0
		sleep 0.05
	done
	return 1
}

# --- JSON request lines with nginx's request id ----------------------------------------------------
req GET '/api/health/ready?token=SECRET-QUERY-TOKEN'
is "$STATUS" 200 "ready through nginx"
rid=$(hdr X-Request-Id)
like "$rid" '^[0-9a-f]{32}$' "X-Request-Id is nginx's \$request_id (32 hex digits)"
wait_log "$T_VAR/log/health.log" "$rid"
lines=$(log_lines "$T_VAR/log/health.log" "$rid")
is "$(printf '%s\n' "$lines" | grep -c .)" 1 "the program logs exactly one line with that id"
is "$(printf '%s' "$lines" | jq -c '[.level, .program, .module, .msg, .method, .route, .status, .user]')" \
	'["info","health","http","request","GET","/api/health/ready",200,null]' \
	"one JSON object: method, route pattern, status, anonymous user"
like "$(printf '%s' "$lines" | jq -r .latency_ms)" '^[0-9]+$' "with the latency in ms"
like "$(printf '%s' "$lines" | jq -r .time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "and the time in UTC"
grep -q "rid=$rid" "$T_VAR/log/nginx-access.log"
ok $? "nginx's access log names the same request id"
! grep -rq SECRET-QUERY-TOKEN "$T_VAR/log/"
ok $? "the query string is in no log"

# A signed-in request: the user's id, never the e-mail address.
req POST /api/auth/login -H 'Content-Type: application/json' \
	--data-binary '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "login"
token=$(printf '%s' "$BODY" | jq -r .token)
admin_id=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
req GET /api/auth/me -H "Authorization: Bearer $token"
is "$STATUS" 200 "an authenticated request"
rid=$(hdr X-Request-Id)
wait_log "$T_VAR/log/auth.log" "$rid"
is "$(log_lines "$T_VAR/log/auth.log" "$rid" | jq -r 'select(.msg == "request") | .user')" "$admin_id" \
	"its line carries the user id"
! grep -q 'admin@example.com' "$T_VAR/log/auth.log"
ok $? "no e-mail address in the log"
# (scripts/lib/supervise.sh, which starts and restarts them, writes text lines of its own.)
bad=$(cat "$T_VAR"/log/{health,auth,metrics}.log | grep -Ev '^[A-Z]+ supervise ' | while IFS= read -r l; do
	printf '%s' "$l" | jq -e 'type == "object"' >/dev/null 2>&1 || printf '%s\n' "$l"
done)
is "$bad" "" "every line the programs log is one JSON object"

# --- /metrics ------------------------------------------------------------------------------------
req GET /metrics
is "$STATUS" 200 "/metrics from 127.0.0.1"
is "$(hdr Content-Type)" "text/plain; version=0.0.4; charset=utf-8" "in the text exposition format"

# metric NAME LABELS: the value of one sample of the last /metrics page ("" if none).
metric() {
	printf '%s\n' "$BODY" | awk -v k="$1{$2}" 'index($0, k " ") == 1 { print $2 }'
}
series='program="health",method="GET",route="/api/health/ready"'
before=$(metric izzy_http_requests_total "$series,status=\"200\"")
before=${before:-0}
N=7
for ((i = 0; i < N; i++)); do
	curl -s -o /dev/null "$BASE/api/health/ready"
done
# A path the program has no route for, and 5xx: readiness is 503 while a migration is missing.
curl -s -o /dev/null "$BASE/api/health/no-such-thing"
psql_q "UPDATE \"_izzy_migrations\" SET \"rolledBackAt\" = now() WHERE name = (SELECT max(name) FROM \"_izzy_migrations\")"
curl -s -o /dev/null "$BASE/api/health/ready"
curl -s -o /dev/null "$BASE/api/health/ready"
psql_q "UPDATE \"_izzy_migrations\" SET \"rolledBackAt\" = NULL WHERE \"rolledBackAt\" IS NOT NULL"
psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", status, \"createdAt\") VALUES
	('mobx1', 'EMAIL', 'a@example.invalid', 't', 'PENDING', now() - interval '90 seconds'),
	('mobx2', 'EMAIL', 'b@example.invalid', 't', 'FAILED', now())"
outbox_at=$(date +%s)

# The workers add their counts at most every IZZY_METRICS_FLUSH_SECONDS (1 s here), idle ones
# too: poll until the page shows them (20 s at most; the checks after it tell).  A worker that
# was woken for a connection the other one took waits in accept() and adds its counts after its
# next request (common/http.c, metrics_idle), so the loop also asks /api/health, a route these
# checks do not count, which reaches either worker.
for ((i = 0; i < 200; i++)); do
	curl -s -o /dev/null "$BASE/api/health"
	req GET /metrics
	now=$(metric izzy_http_requests_total "$series,status=\"200\"")
	errs=$(metric izzy_http_server_errors_total "$series")
	((${now:-0} - before >= N && ${errs:-0} >= 2)) && break
	sleep 0.1
done
now=${now:-0}
((now - before >= N))
ok $? "$N ready requests through two workers are counted ($before -> $now)"
((${errs:-0} >= 2))
ok $? "the two 503 answers are counted as server errors (${errs:-none})"
is "$(metric izzy_http_requests_total "$series,status=\"503\"")" 2 "and by their status"
like "$(metric izzy_http_requests_total 'program="health",method="GET",route="unmatched",status="404"')" '^[1-9][0-9]*$' \
	"a path with no route is counted as route=\"unmatched\", not by its path"
[[ $BODY != *no-such-thing* ]]
ok $? "no request path appears as a label"
count=$(metric izzy_http_request_duration_seconds_count "$series")
inf=$(metric izzy_http_request_duration_seconds_bucket "$series,le=\"+Inf\"")
((${count:-0} >= now + 2))
ok $? "the latency histogram counts every ready request, whatever its status (${count:-none})"
is "$inf" "$count" "its +Inf bucket equals its count"
# Buckets are cumulative: never decreasing.
printf '%s\n' "$BODY" | grep -F "izzy_http_request_duration_seconds_bucket{$series," | awk '{ if ($2 < last) exit 1; last = $2 }'
ok $? "its buckets are cumulative"
is "$(metric izzy_outbox_messages 'channel="EMAIL",status="PENDING"')" 1 "outbox backlog by channel"
is "$(metric izzy_outbox_messages 'channel="EMAIL",status="FAILED"')" 1 "outbox failures by channel"
is "$(metric izzy_outbox_messages 'channel="SMS",status="PENDING"')" 0 "channels without messages read 0"
age=$(metric izzy_outbox_oldest_pending_seconds 'channel="EMAIL"')
# 90 s old when inserted, plus the time this suite has taken since (a busy machine is slow).
awk -v a="${age:-0}" -v most="$((90 + $(date +%s) - outbox_at + 2))" 'BEGIN { exit !(a >= 90 && a <= most) }'
ok $? "the oldest pending message's age ($age s)"
like "$BODY" $'\n# TYPE izzy_db_errors_total counter\n' "database errors are a counter family"

# Every line is a comment (HELP/TYPE) or a sample of the exposition grammar; every sample's
# family was declared before it.
bad=$(printf '%s\n' "$BODY" | awk '
	/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* / { next }
	/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/ { typed[$3] = $4; next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$/ {
		name = $0; sub(/[{ ].*/, "", name)
		base = name; sub(/_(bucket|sum|count)$/, "", base)
		if (!(name in typed) && !(typed[base] == "histogram")) print "undeclared: " $0
		next
	}
	{ print "bad: " $0 }')
is "$bad" "" "every line of the page matches the exposition grammar"
like "$(printf '%s\n' "$BODY" | grep -c '^izzy_')" '^[1-9][0-9]+$' "and there are samples"

# --- who may read it -----------------------------------------------------------------------------
# A client outside, forwarded by our own proxy (real_ip trusts 127.0.0.1): refused.
req GET /metrics -H 'X-Forwarded-For: 203.0.113.9'
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "/metrics from an outside address is refused"
# An allow list without 127.0.0.1: even local requests are refused.
IZZY_METRICS_ALLOW="10.20.0.0/16" stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx reload failed"
req GET /metrics
is "$STATUS" 403 "IZZY_METRICS_ALLOW without 127.0.0.1 refuses 127.0.0.1"
req GET /api/health
is "$STATUS" 200 "and the API is not affected"
# The configured network may read it.
IZZY_METRICS_ALLOW="127.0.0.1 203.0.113.0/24" stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx reload failed"
req GET /metrics -H 'X-Forwarded-For: 203.0.113.9'
is "$STATUS" 200 "an address of the configured network may read /metrics"
req GET /metrics -H 'X-Forwarded-For: 198.51.100.1'
is "$STATUS" 403 "an address outside it may not"

t_done
