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
