#!/usr/bin/env bash
# nginx at the edge, without the database: which files are served, which /api/ paths reach a
# program (only the programs that run: nginx/api-routes), body limits, and the security headers of
# every kind of response (each exactly once). Real nginx + spawn-fcgi, started here.
. "$top_srcdir/tests/lib/testlib.sh"
T_VAR=$top_builddir/tests/var/http-edge
trap t_cleanup EXIT
stack_down "$T_VAR" >/dev/null 2>&1 || true
mkdir -p "$T_VAR"
# No PostgreSQL: nothing here reaches the database (GET /api/health does not), and a program
# that tried would answer 5xx, which the checks below would report.
export DATABASE_URL="postgresql://izzy@/izzy?host=$T_VAR/no-such-pg&port=5432"
# Its own port, next to tests/http/stack.sh's (make check may run both at once).
PORT=${IZZY_TEST_HTTP_EDGE_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 1))}
BASE=http://127.0.0.1:$PORT
stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
CONF=$T_VAR/nginx/conf

# req METHOD PATH [curl args...]: sets STATUS, HEADERS, BODY, TYPE.
req() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -S -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -X "$method" "$@" "$BASE$path") || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_VAR/headers")
	BODY=$(cat "$T_VAR/body")
	TYPE=$(hdr Content-Type)
}
hdr() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
hdr_count() { printf '%s\n' "$HEADERS" | grep -ci "^$1:" || true; }

# --- served files: the public ones only ---------------------------------------------------------
for f in /index.html /css/app.css /js/app.js /favicon.svg /logo.svg; do
	req GET "$f"
	is "$STATUS" 200 "public file $f is served"
done
like "$(curl -s "$BASE/js/app.js")" 'import' "and /js/app.js is the script itself"
if [[ -f $top_srcdir/www/vendor/preact/preact.js ]]; then
	req GET /vendor/preact/preact.js
	is "$STATUS:$TYPE" "200:text/javascript; charset=utf-8" "a vendored library is served as JavaScript"
fi
for f in /README.md /package.json /package-lock.json /.gitignore /scripts/vendor.sh \
	/node_modules/preact/package.json /node_modules/ /scripts/ /www/index.html /js/ /css/ \
	/js/no-such-file.js /index.html.orig /www/README.md; do
	req GET "$f"
	# Nothing of the repository leaks: never the file, never a directory listing.
	is "$STATUS:$BODY" '404:{"message":"Not found"}' "$f is 404 JSON"
done
is "$TYPE" "application/json; charset=utf-8" "a missing file's 404 is JSON, whatever its extension"
req GET /css/../README.md --path-as-is
is "$STATUS:$BODY" '404:{"message":"Not found"}' "/css/../README.md is 404 JSON"
req GET /js/%2e%2e/package.json --path-as-is
is "$STATUS:$BODY" '404:{"message":"Not found"}' "/js/%2e%2e/package.json is 404 JSON"
for f in / /leads/cabc123456789 /users /client-form/0123abcd /leads/cabc/edit; do
	req GET "$f"
	is "$STATUS:$TYPE" "200:text/html; charset=utf-8" "deep link $f gets the app shell"
	like "$BODY" '<html lang="pl"' "… which is index.html"
done
req GET /css/app.css
is "$STATUS:$(hdr Cache-Control)" "200:no-cache" "static files are revalidated"

# --- /api/: only the programs that run -----------------------------------------------------------
# No location may point at a program that does not run: every upstream's socket is live, and every
# fastcgi_pass has its upstream.
n=0
while read -r sock; do
	n=$((n + 1))
	[[ -S $sock ]]
	ok $? "upstream socket ${sock##*/} exists"
done < <(sed -n 's/^ *server unix:\([^ ;]*\).*/\1/p' "$CONF/upstreams.conf")
built=$(cd "$top_builddir/cgi-bin" && for f in *; do [[ -f $f && -x $f && $f != *.* ]] && printf '%s ' "$f"; done)
is "$n" "$(wc -w <<<"$built" | tr -d ' ')" "one upstream per built program ($built)"
missing=""
for up in $(sed -n 's/^ *fastcgi_pass izzy_\([a-z_-]*\);/\1/p' "$CONF/api-locations.conf" | sort -u); do
	[[ -S $T_VAR/run/$up.sock ]] || missing+=" $up"
done
is "$missing" "" "no API location passes to a program without a socket"

# A path under the prefix of a program that is not built: 404 JSON from nginx, not 502.
declare -A sample=([analytics]=/api/analytics/dashboard [forms]=/api/application-forms/x
	[onboarding]=/api/insurance-onboarding/x [webhooks]=/api/webhooks/email/incoming
	[documents]=/api/leads/cabc/documents/x/download)
for prog in "${!sample[@]}"; do
	[[ " $built " == *" $prog "* ]] && continue
	req GET "${sample[$prog]}"
	is "$STATUS:$BODY" '404:{"message":"Not found"}' "${sample[$prog]} (program $prog not built) is 404 JSON"
done
req POST /api/analytics/dashboard -H 'Content-Type: application/json' --data '{}'
[[ " $built " == *" analytics "* ]] || is "$STATUS" 404 "a POST there too"

# A program that stops: nginx answers 502 JSON until it is rendered again, then 404 JSON.
req GET /api/consent-templates
[[ $STATUS != 404 && $STATUS != 502 ]]
ok $? "consents answers while it runs ($STATUS)"
stack_fcgi_stop "$T_VAR" consents 2>>"$T_VAR/stack.log"
req GET /api/consent-templates
is "$STATUS:$BODY" '502:{"message":"Service unavailable"}' "a program that went away: 502 JSON from nginx"
for h in X-Frame-Options Strict-Transport-Security X-Content-Type-Options Content-Security-Policy Cache-Control; do
	is "$(hdr_count "$h")" 1 "502: $h once"
done
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not reload"
grep -q izzy_consents "$CONF/api-locations.conf" "$CONF/upstreams.conf"
is $? 1 "after a reload, no location or upstream for the stopped program"
req GET /api/consent-templates
is "$STATUS:$BODY" '404:{"message":"Not found"}' "its paths are 404 JSON, not 502"
req GET /api/consent-records/x
is "$STATUS:$BODY" '404:{"message":"Not found"}' "all of them"

# --- request bodies -------------------------------------------------------------------------------
head -c 2097153 /dev/zero | tr '\0' 'a' >"$T_VAR/big"
req POST /api/auth/login -H 'Content-Type: application/json' --data-binary @"$T_VAR/big"
is "$STATUS:$BODY" '413:{"message":"request entity too large"}' "a body over 2 MiB: 413 JSON"
is "$(hdr X-Request-Id)" "" "… from nginx (no program saw it)"
is "$TYPE" "application/json; charset=utf-8" "… as JSON"
H413=$HEADERS
req POST /api/no-such-route -H 'Content-Type: application/json' --data-binary @"$T_VAR/big"
is "$STATUS:$BODY" '413:{"message":"request entity too large"}' "the limit holds before routing too"
head -c 2097152 /dev/zero | tr '\0' 'a' >"$T_VAR/max"
req POST /api/auth/login -H 'Content-Type: application/json' --data-binary @"$T_VAR/max"
[[ $STATUS != 413 || -n $(hdr X-Request-Id) ]]
ok $? "exactly 2 MiB passes nginx (the program decides: $STATUS)"
grep -q 'client_max_body_size 2097152;' "$CONF/snippets/http.conf"
ok $? "the default body limit is 2097152 bytes"
req POST / -H 'Content-Type: application/json' --data '{}'
is "$STATUS:$TYPE" "405:application/json; charset=utf-8" "a POST to a static file: 405 JSON"

# --- security headers: every one exactly once, whoever answered ------------------------------------
HEADER_NAMES=(X-Frame-Options Strict-Transport-Security X-Content-Type-Options Referrer-Policy
	Content-Security-Policy Cache-Control Cross-Origin-Opener-Policy Cross-Origin-Resource-Policy
	X-Permitted-Cross-Domain-Policies)
check_headers() { # WHAT
	local h
	for h in "${HEADER_NAMES[@]}"; do
		is "$(hdr_count "$h")" 1 "$1: $h exactly once"
	done
	is "$(hdr X-Frame-Options)" DENY "$1: X-Frame-Options DENY"
	is "$(hdr Strict-Transport-Security)" "max-age=15552000; includeSubDomains" "$1: the one HSTS rule"
}
req GET /css/app.css
check_headers "static file"
req GET /leads/cabc123
check_headers "deep link"
req GET /api/health
is "$STATUS:$BODY" '200:{"status":"ok"}' "an API JSON response"
check_headers "API response"
req GET /README.md
check_headers "nginx 404"
HEADERS=$H413
check_headers "nginx 413"

t_done
