#!/usr/bin/env bash
# The request policy of common/http.c through the real programs (issue 7):
# CSRF rule for cookie-authenticated changes, body limits before
# authentication, path ids that are not cuids, the echo rule of PATCH,
# security headers, and a partner id too long for the session.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-http-policy
CGI_LOG=$T_VAR/log/http-policy-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"

# req PROG METHOD PATH [VAR=value...]: one request with exactly the given CGI
# variables (CONTENT_TYPE, CONTENT_LENGTH, HTTP_COOKIE, HTTP_ORIGIN, ...) and
# REQ_BODY on stdin; sets STATUS, HEADERS, BODY like cgi_run.
REQ_BODY=""
req() {
	local prog=$1 method=$2 path=$3 raw
	shift 3
	raw=$(printf '%s' "$REQ_BODY" | env -i "REQUEST_METHOD=$method" "GATEWAY_INTERFACE=CGI/1.1" \
		"SERVER_PROTOCOL=HTTP/1.1" "REMOTE_ADDR=192.0.2.20" "HTTP_USER_AGENT=izzy-policy-test" \
		"DATABASE_URL=$DATABASE_URL" "JWT_SECRET=$JWT_SECRET" "IZZY_ENV=$IZZY_ENV" \
		"APP_BASE_URL=$APP_BASE_URL" "PATH=$PATH" "PATH_INFO=$path" "QUERY_STRING=" "$@" \
		"$top_builddir/cgi-bin/$prog" 2>>"$CGI_LOG"; printf x)
	raw=${raw%x}
	HEADERS=${raw%%$'\r\n\r\n'*}
	BODY=${raw#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
}

CSRF='403:{"message":"Forbidden","code":"CSRF"}'
FORM=CONTENT_TYPE=application/x-www-form-urlencoded

mk_user cpolicyoper000000000000001 policy-oper@example.com OPERATOR -
ADMIN=$(login admin@example.com 'Admin123!')
[[ -n $ADMIN ]] || t_bail "the admin cannot log in"
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
OPER_ID=cpolicyoper000000000000001
COOKIE="HTTP_COOKIE=theme=dark; izzy_session=$ADMIN"
tokens() { psql_q "SELECT count(*) FROM \"PasswordToken\" WHERE \"userId\" = '$OPER_ID'"; }

# --- CSRF: cookie-authenticated changes --------------------------------------
req auth POST /api/auth/logout "$COOKIE" "$FORM"
is "$STATUS:$BODY" "$CSRF" "cookie + form content type, no body: logout is refused"
req auth GET /api/auth/me "$COOKIE"
is "$STATUS" 200 "and the session is still live"
req auth POST /api/auth/logout "$COOKIE"
is "$STATUS:$BODY" "$CSRF" "cookie without any content type: refused"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" "$FORM" CONTENT_LENGTH=0
is "$STATUS:$BODY" "$CSRF" "cookie + form content type: reset-password refused"
is "$(tokens)" 0 "no reset link was issued"
REQ_BODY='name=Evil'
req partners PATCH /api/partners/seed-partner "$COOKIE" "$FORM" CONTENT_LENGTH=9
is "$STATUS" 415 "cookie + a form body: refused (415) before anything is read"
REQ_BODY='{"name":"Evil"}'
req partners PATCH /api/partners/seed-partner "$COOKIE" CONTENT_TYPE=text/plain CONTENT_LENGTH=15
is "$STATUS" 415 "cookie + a JSON text declared text/plain: refused"
REQ_BODY=""
req partners PATCH /api/partners/seed-partner "$COOKIE" CONTENT_TYPE=text/plain CONTENT_LENGTH=0
is "$STATUS:$BODY" "$CSRF" "cookie + text/plain without a body: refused"
is "$(psql_q "SELECT name FROM \"Partner\" WHERE id = 'seed-partner'")" "Seed Partner" "the partner is unchanged"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 HTTP_ORIGIN=http://evil.test
is "$STATUS:$BODY" "$CSRF" "cookie + a foreign Origin: refused"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 HTTP_ORIGIN=http://crm.test.evil.test
is "$STATUS:$BODY" "$CSRF" "cookie + an Origin that only starts like ours: refused"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 HTTP_SEC_FETCH_SITE=same-site
is "$STATUS:$BODY" "$CSRF" "cookie + Sec-Fetch-Site same-site: refused"
is "$(tokens)" 0 "no refused request issued a link"

req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 HTTP_SEC_FETCH_SITE=same-origin
is "$STATUS" 204 "cookie + Sec-Fetch-Site same-origin: allowed"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 HTTP_ORIGIN=http://crm.test
is "$STATUS" 204 "cookie + Origin equal to APP_BASE_URL: allowed"
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" CONTENT_LENGTH=0 CONTENT_TYPE=application/json
is "$STATUS" 204 "cookie + Content-Type application/json without a body: allowed"
REQ_BODY='{}'
req users POST "/api/users/$OPER_ID/reset-password" "$COOKIE" "CONTENT_TYPE=application/json; charset=utf-8" CONTENT_LENGTH=2
is "$STATUS" 204 "cookie + a JSON body: allowed"
REQ_BODY=""
req users POST "/api/users/$OPER_ID/reset-password" "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_LENGTH=0 HTTP_ORIGIN=http://evil.test "$FORM"
is "$STATUS" 204 "Bearer requests are unaffected (no content type, foreign Origin)"
is "$(tokens)" 5 "each allowed request issued its link"
req users GET /api/users "$COOKIE" HTTP_ORIGIN=http://evil.test "$FORM"
is "$STATUS" 200 "reads are unaffected"
REQ_BODY='{"email":"nobody@example.com","password":"Zle-Haslo-123"}'
req auth POST /api/auth/login "$COOKIE" CONTENT_TYPE=application/json CONTENT_LENGTH=${#REQ_BODY} HTTP_ORIGIN=http://evil.test
is "$STATUS" 401 "public routes are unaffected (login answers for itself)"
REQ_BODY=""
req auth POST /api/auth/logout "$COOKIE" CONTENT_TYPE=application/json
is "$STATUS" 204 "the frontend's logout (JSON content type, no body) passes"
req auth GET /api/auth/me "$COOKIE"
is "$STATUS" 401 "and ends the session"
ADMIN=$(login admin@example.com 'Admin123!')
[[ -n $ADMIN ]] || t_bail "the admin cannot log in again"

# --- Body limits come before authentication -----------------------------------
for prog_path in "partners /api/partners/seed-partner" "users /api/users/$OPER_ID" "leads /api/leads/cnosuchlead00000000000001/customer"; do
	read -r prog path <<<"$prog_path"
	req "$prog" PATCH "$path" CONTENT_TYPE=application/json CONTENT_LENGTH=2097153
	is "$STATUS:$BODY" '413:{"message":"request entity too large"}' "$prog: an unauthenticated oversized body is 413, not 401"
	req "$prog" PATCH "$path" CONTENT_TYPE=text/plain CONTENT_LENGTH=2
	is "$STATUS" 415 "$prog: an unauthenticated non-JSON body is 415"
	req "$prog" PATCH "$path" CONTENT_TYPE=application/json
	is "$STATUS" 411 "$prog: an unauthenticated PATCH without a length is 411"
done
req partners PATCH /api/partners/seed-partner CONTENT_TYPE=application/json CONTENT_LENGTH=2097152
is "$STATUS" 401 "2097152 bytes (2 MiB) is within the limit: then authentication answers"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$T_VAR/big.json"
printf '{"notes":"x"}' >>"$T_VAR/big.json"
REQ_BODY=$(cat "$T_VAR/big.json")
req partners PATCH /api/partners/seed-partner "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_TYPE=application/json CONTENT_LENGTH=$(wc -c <"$T_VAR/big.json")
is "$STATUS:$(jq_body .notes)" "200:x" "a JSON body of almost 2 MB is accepted"
REQ_BODY=""

# --- Ids in paths that are no cuids reach the handler: its 404 ----------------
req leads GET /api/leads/doesnotexist "HTTP_AUTHORIZATION=Bearer $ADMIN"
is "$STATUS:$BODY" '404:{"message":"Lead not found"}' "GET /api/leads/doesnotexist is 404 Lead not found (spec §4.6)"
REQ_BODY='{"fullName":"X"}'
req users PATCH /api/users/doesnotexist "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_TYPE=application/json CONTENT_LENGTH=16
is "$STATUS:$BODY" '404:{"message":"User not found"}' "PATCH /api/users/doesnotexist is 404 User not found"
REQ_BODY='{"name":"X"}'
req partners PATCH /api/partners/doesnotexist "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_TYPE=application/json CONTENT_LENGTH=12
is "$STATUS:$BODY" '404:{"message":"Partner not found"}' "PATCH /api/partners/doesnotexist is 404 Partner not found"
REQ_BODY=""
req leads GET $'/api/leads/a\x01b' "HTTP_AUTHORIZATION=Bearer $ADMIN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "an id with a control byte never reaches a handler"
req leads GET "/api/leads/$(printf 'c%.0s' {1..201})" "HTTP_AUTHORIZATION=Bearer $ADMIN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "nor does an over-long id"
req users POST $'/api/users/\xff/reset-password' "HTTP_AUTHORIZATION=Bearer $ADMIN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "nor one that is not UTF-8"

# --- The echo rule --------------------------------------------------------------
req partners GET /api/partners "HTTP_AUTHORIZATION=Bearer $ADMIN"
PARTNER=$(jq_body '.data[] | select(.id == "seed-partner")')
[[ -n $PARTNER ]] || t_bail "seed-partner is not listed"
patch_partner() {
	REQ_BODY=$1
	req partners PATCH /api/partners/seed-partner "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_TYPE=application/json CONTENT_LENGTH=$(printf '%s' "$1" | wc -c)
	REQ_BODY=""
}
patch_partner "$(jq -c '. + {name:"Seed Partner Edited",notes:"z formularza"}' <<<"$PARTNER")"
is "$STATUS:$(jq_body '.name + "|" + .notes')" "200:Seed Partner Edited|z formularza" \
	"partners: the original form's body (partner as read + edits) is applied"
PARTNER=$BODY
patch_partner "$(jq -c '. + {id:"other-partner"}' <<<"$PARTNER")"
is "$STATUS:$(jq_body '.message + "|" + (.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:Validation failed|id:Read-only field cannot be changed" "partners: a changed id is 400"
patch_partner "$(jq -c '. + {updatedAt:"2000-01-01T00:00:00.000Z"}' <<<"$PARTNER")"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:updatedAt" "partners: an echoed field with another value is 400"
patch_partner "$(jq -c '. + {owner:"x"}' <<<"$PARTNER")"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "partners: an unknown key is 400"

req users GET /api/users "HTTP_AUTHORIZATION=Bearer $ADMIN"
USER=$(jq_body '.data[] | select(.id == "cpolicyoper000000000000001")')
[[ -n $USER ]] || t_bail "the operator is not listed"
patch_user() {
	REQ_BODY=$1
	req users PATCH "/api/users/$OPER_ID" "HTTP_AUTHORIZATION=Bearer $ADMIN" CONTENT_TYPE=application/json CONTENT_LENGTH=$(printf '%s' "$1" | wc -c)
	REQ_BODY=""
}
patch_user "$(jq -c '. + {fullName:"Echo Oper"}' <<<"$USER")"
is "$STATUS:$(jq_body .fullName)" "200:Echo Oper" "users: the summary as read + an edit is applied"
USER=$BODY
patch_user "$(jq -c '. + {id:"cpolicyother00000000000001"}' <<<"$USER")"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" "400:id:Read-only field cannot be changed" \
	"users: a changed id is 400"
patch_user "$(jq -c '. + {email:"someone-else@example.com"}' <<<"$USER")"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:email" "users: an echoed e-mail with another value is 400"
patch_user "$(jq -c '. + {hashedPassword:"x"}' <<<"$USER")"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "users: an unknown key is 400"

# --- Security headers -----------------------------------------------------------
req health GET /api/health
is "$(printf '%s\n' "$HEADERS" | grep -ci '^X-Frame-Options:')|$(header X-Frame-Options)" "1|DENY" "one X-Frame-Options: DENY"
is "$(printf '%s\n' "$HEADERS" | grep -ci '^Strict-Transport-Security:')|$(header Strict-Transport-Security)" \
	"1|max-age=15552000; includeSubDomains" "one HSTS rule"

# --- A partner id too long for the session fails the request, never truncates --
LONG_PARTNER="p$(printf 'x%.0s' {1..70})"
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('${LONG_PARTNER:0:63}', 'Prefix Partner'), ('$LONG_PARTNER', 'Long Partner')" >/dev/null
mk_user cpolicylong000000000000001 policy-long@example.com PARTNER "$LONG_PARTNER"
LONG=$(login policy-long@example.com 'Admin123!')
is "$([[ -n $LONG ]] && echo token)" token "(the user with the long partner id logs in)"
req partners GET /api/partners/me "HTTP_AUTHORIZATION=Bearer $LONG"
is "$STATUS:$BODY" '500:{"message":"Internal server error"}' \
	"a partner id longer than the session holds is a 500, not a truncated scope"
grep -q "too long for the session" "$CGI_LOG"
ok $? "the refusal is logged"

! grep -E -q "Admin123!|policy-oper@example.com|Echo Oper|eyJ" "$CGI_LOG"
ok $? "no password, token, name or e-mail address in the programs' log"

t_done
