#!/usr/bin/env bash
# The whole stack over real HTTP: nginx + spawn-fcgi + PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db http
# The signed inbound webhook (cgi-bin/webhooks), checked at the end.
export INBOUND_WEBHOOK_SECRET=http-inbound-webhook-secret-0123456789 LEAD_INBOX_PARTNER_ID=seed-partner
PORT=${IZZY_TEST_HTTP_PORT:-18480}
BASE=http://127.0.0.1:$PORT
# One worker per program, so consecutive requests hit the same process (state-leak test).
stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
JAR=$T_VAR/cookies
rm -f "$JAR"

# req METHOD PATH [BODY] [curl args...]: sets STATUS, HEADERS, BODY.
req() {
	local method=$1 path=$2 body=${3-} out
	shift 3 || shift $#
	local -a args=(-s -S -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -X "$method" -b "$JAR" -c "$JAR")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_VAR/headers")
	BODY=$(cat "$T_VAR/body")
}
hdr() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
hdr_count() { printf '%s\n' "$HEADERS" | grep -ci "^$1:" || true; }

# --- API through nginx -----------------------------------------------------------------
req GET /api/health ""
is "$STATUS:$BODY" '200:{"status":"ok"}' "health through nginx"
is "$(hdr_count X-Content-Type-Options)" 1 "security headers are not duplicated on API responses"
is "$(hdr Cache-Control)" no-store "API responses are not cached"
req GET /api/health/ready ""
is "$STATUS" 200 "ready through nginx"
req GET /api/no-such-thing ""
is "$STATUS:$BODY" '404:{"message":"Not found"}' "unknown API path is 404 JSON"
[[ $(hdr Server) != *nginx/* ]]; ok $? "nginx does not announce its version"

# --- static frontend ---------------------------------------------------------------------
req GET / ""
is "$STATUS" 200 "the app shell is served"
like "$BODY" '<html lang="pl"' "in Polish"
csp=$(hdr Content-Security-Policy)
like "$csp" "default-src 'self'" "strict CSP: default-src 'self'"
like "$csp" "frame-ancestors 'none'" "strict CSP: frame-ancestors 'none'"
like "$csp" "object-src 'none'" "strict CSP: object-src 'none'"
[[ $csp != *unsafe-inline* ]]; ok $? "no unsafe-inline in the CSP"
req GET /leads/cabc123456789 ""
is "$STATUS" 200 "deep links fall back to index.html"
like "$BODY" '<html lang="pl"' "with the app shell"

# --- login, cookie session, real client IP ----------------------------------------------------
req POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!"}' -H 'X-Forwarded-For: 203.0.113.77'
is "$STATUS" 200 "login through nginx"
grep -q izzy_session "$JAR"; ok $? "the browser gets the session cookie"
is "$(psql_q "SELECT ip FROM \"Session\" ORDER BY \"createdAt\" DESC LIMIT 1")" 203.0.113.77 \
	"the program sees the client address from nginx's real_ip (SR-34)"
req GET /api/auth/me ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r .user.email)" "200:admin@example.com" "the cookie authenticates"
# State leak: the same (only) worker must not remember the previous user.
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' "$BASE/api/auth/me")
BODY=$(cat "$T_VAR/body")
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "an anonymous request after an authenticated one on the same worker gets 401"
req GET /api/auth/me ""
is "$STATUS" 200 "and the session still works afterwards"

# --- limits at the edge -----------------------------------------------------------------------
# One byte over the JSON limit (2 MiB, nginx and the programs alike); tests/http/edge.sh has more.
head -c 2097153 /dev/zero | tr '\0' 'a' >"$T_VAR/big"
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T_VAR/big" "$BASE/api/auth/login")
is "$STATUS:$(cat "$T_VAR/body")" '413:{"message":"request entity too large"}' "a body over 2 MiB is refused by nginx with the API's 413 body"
req POST /api/auth/login '{"email":"admin@example.com","password":' 
is "$STATUS" 400 "malformed JSON through nginx is 400"

# --- a worker that dies is replaced ---------------------------------------------------------------
# Only this stack's auth workers: the children of its supervisor.
sup=$(cat "$T_VAR/run/auth.pid")
pids=$(pgrep -P "$sup" -x auth || true)
[[ -n $pids ]]; ok $? "the auth worker runs"
kill -KILL $pids 2>/dev/null || true
for _ in $(seq 1 50); do
	req GET /api/auth/me ""
	[[ $STATUS == 200 ]] && break
	sleep 0.1
done
is "$STATUS" 200 "a killed worker is restarted by the supervisor"

# --- the staff API through nginx ------------------------------------------------------------
req GET /api/users ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r '.meta.total >= 2')" "200:true" "users list through nginx"
req POST /api/partners '{"name":"Auto Dealer HTTP","contact":{"email":"biuro@dealer.pl"}}'
is "$STATUS" 201 "partner created through nginx"
PARTNER=$(printf '%s' "$BODY" | jq -r .id)
req GET /api/consent-templates ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r '.data | length')" "200:4" "consent templates through nginx"
TPL=$(printf '%s' "$BODY" | jq -r '.data[0].id')
lead=$(jq -cn --arg p "$PARTNER" --arg t "$TPL" '{partnerId:$p, customer:{firstName:"Zofia",lastName:"Przezhttp",email:"zofia@example.pl",postalCode:"00-950"},consents:[{templateId:$t,version:1,given:true}]}')
req POST /api/leads "$lead" -H 'X-Forwarded-For: 198.51.100.23'
is "$STATUS:$(printf '%s' "$BODY" | jq -r .status)" "201:NEW" "lead created through nginx"
LEAD=$(printf '%s' "$BODY" | jq -r .id)
is "$(psql_q "SELECT \"ipAddress\" || ' ' || \"consentMethod\" FROM \"ConsentRecord\" WHERE \"leadId\" = '$LEAD'")" \
	"198.51.100.23 PHONE_CALL" "consent evidence carries the client address from nginx"
req GET "/api/leads?search=przezhttp" ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r '[.meta.total, .data[0].id, .data[0].consentStatus] | map(tostring) | join(",")')" \
	"200:1,$LEAD,missing_required" "search finds it, with its consent status (two required consents still missing)"
req GET "/api/leads/$LEAD" ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r .customerProfile.lastName)" "200:Przezhttp" "detail through nginx"
req POST "/api/leads/$LEAD/notes" '{"content":"Telefon do klientki"}'
is "$STATUS" 201 "note through nginx"
req PATCH "/api/leads/$LEAD/customer" '{"postalCode":"00950"}'
is "$STATUS:$(printf '%s' "$BODY" | jq -r '.issues[0].message')" "400:Nieprawidłowy kod pocztowy" "validation issues through nginx"
OPJAR=$T_VAR/op-cookies
curl -s -o /dev/null -c "$OPJAR" -H 'Content-Type: application/json' \
	--data '{"email":"operator@example.com","password":"Operator123!"}' "$BASE/api/auth/login"
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -b "$OPJAR" "$BASE/api/users")
is "$STATUS:$(cat "$T_VAR/body")" '403:{"message":"Forbidden"}' "an operator may not list users"
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -b "$OPJAR" "$BASE/api/leads/$LEAD")
is "$STATUS:$(cat "$T_VAR/body")" '403:{"message":"Access denied"}' "nor open another partner's unassigned lead"

# --- the board's answers cached by the worker, exactly (schema 0037) ---------------------------------
# One worker per program: the second request reaches the process that cached the first answer.
board() { # JAR: GET the board's first 5 cards per column as that session; sets CACHE and CARD
	STATUS=$(curl -s -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -b "$1" "$BASE/api/leads/board?perColumn=5")
	CACHE=$(tr -d '\r' <"$T_VAR/headers" | sed -n 's/^X-Izzy-Cache: //Ip')
	CARD=$(jq -c --arg id "$LEAD" '[.columns[].leads[] | select(.id == $id)][0] | [.customerProfile.lastName, .partner.name, .sla]' "$T_VAR/body")
}
board "$JAR"
is "$STATUS:$CACHE:$CARD" "200:miss:[\"Przezhttp\",\"Auto Dealer HTTP\",null]" "board: built at the first request"
first=$(cat "$T_VAR/body")
board "$JAR"
is "$STATUS:$CACHE" "200:hit" "board: the same scope again is answered from the worker's cache"
is "$(cat "$T_VAR/body")" "$first" "board: … with the same answer"
board "$OPJAR"
is "$STATUS:$CACHE:$(jq '[.columns[].total] | add' "$T_VAR/body")" "200:miss:0" "board: another scope has its own answer"
psql_q "UPDATE \"CustomerProfile\" SET \"lastName\" = 'Zmieniona' WHERE \"leadId\" = '$LEAD'" >/dev/null
board "$JAR"
is "$CACHE:$CARD" "miss:[\"Zmieniona\",\"Auto Dealer HTTP\",null]" "board: a committed change to a card is seen at once"
# A change still in flight while the answer is built: the answer leaves it out, and once it
# commits the cached answer no longer holds.
t_psql_open inflight
t_psql_send inflight "BEGIN;" "UPDATE \"Partner\" SET name = 'Dealer Nowa Nazwa' WHERE id = '$PARTNER' RETURNING 'updated';"
t_psql_read inflight line
is "$line" updated "board: another transaction renames the partner, not yet committed"
board "$JAR"
is "$CACHE:$CARD" "hit:[\"Zmieniona\",\"Auto Dealer HTTP\",null]" "board: an uncommitted change leaves the cached answer standing"
psql_q "UPDATE \"User\" SET \"fullName\" = \"fullName\" WHERE email = 'admin@example.com'" >/dev/null
board "$JAR"
is "$CACHE:$CARD" "miss:[\"Zmieniona\",\"Auto Dealer HTTP\",null]" "board: rebuilt (a user changed) while the rename is in flight"
t_psql_send inflight "COMMIT;"
t_psql_close inflight
board "$JAR"
is "$CACHE:$CARD" "miss:[\"Zmieniona\",\"Dealer Nowa Nazwa\",null]" "board: the rename that committed after the answer was built is seen"

# --- the list's answers cached the same way (schema 0038) ------------------------------------------
leads() { # QUERY: GET /api/leads?QUERY as the admin; sets STATUS, CACHE and SUMMARY (LEAD's summary)
	STATUS=$(curl -s -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -b "$JAR" "$BASE/api/leads?$1")
	CACHE=$(tr -d '\r' <"$T_VAR/headers" | sed -n 's/^X-Izzy-Cache: //Ip')
	SUMMARY=$(jq -c --arg id "$LEAD" '[.meta.total, (.data[] | select(.id == $id)
		| [.customerProfile.lastName, .applicationForm.status, .insuranceOnboarding.status, .consentStatus])]' "$T_VAR/body")
}
leads "perPage=5"
is "$STATUS:$CACHE" "200:miss" "list: built at the first request"
first=$(cat "$T_VAR/body")
leads "perPage=5"
is "$STATUS:$CACHE" "200:hit" "list: the same page again is answered from the worker's cache"
is "$(cat "$T_VAR/body")" "$first" "list: … with the same answer"
leads "perPage=5&page=1"
is "$CACHE" hit "list: the same query spelt out (page 1 is the default) is the same answer"
leads "perPage=6"
is "$CACHE" miss "list: another query has its own answer"
leads "search=zmienion"
is "$STATUS:$CACHE:$SUMMARY" '200:miss:[1,["Zmieniona",null,null,"missing_required"]]' "list: a search is built …"
leads "search=zmienion"
is "$CACHE:$SUMMARY" 'hit:[1,["Zmieniona",null,null,"missing_required"]]' "list: … and kept too"
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\")
	VALUES ('cstackform00000000000000', '$LEAD', 'DRAFT', 'stack-link', 'h')" >/dev/null
leads "search=zmienion"
is "$CACHE:$SUMMARY" 'miss:[1,["Zmieniona","DRAFT",null,"missing_required"]]' "list: a new application form is seen at once"
psql_q "UPDATE \"ApplicationForm\" SET \"formData\" = '{\"step\": 1}', \"lastAutoSave\" = now() WHERE \"leadId\" = '$LEAD'" >/dev/null
leads "search=zmienion"
is "$CACHE" hit "list: a client's autosave (no column the list shows) keeps the answer"
psql_q "UPDATE \"ApplicationForm\" SET status = 'IN_PROGRESS' WHERE \"leadId\" = '$LEAD'" >/dev/null
leads "search=zmienion"
is "$CACHE:$SUMMARY" 'miss:[1,["Zmieniona","IN_PROGRESS",null,"missing_required"]]' "list: the form's new status is seen at once"
psql_q "INSERT INTO \"InsuranceOnboardingSession\" (id, \"leadId\", token, \"tokenExpiresAt\")
	VALUES ('cstackonb000000000000000', '$LEAD', 'stack-token', now() + interval '1 day')" >/dev/null
leads "search=zmienion"
is "$CACHE:$SUMMARY" 'miss:[1,["Zmieniona","IN_PROGRESS","CREATED","missing_required"]]' "list: an insurance onboarding is seen at once"
# Without required templates nothing is missing: the consent status follows the templates.
required=$(psql_q "WITH u AS (UPDATE \"ConsentTemplate\" SET \"isActive\" = false WHERE \"isRequired\" AND \"isActive\" RETURNING id)
	SELECT string_agg(quote_literal(id), ',') FROM u")
leads "search=zmienion"
is "$CACHE:$(jq -r '.data[0].consentStatus' "$T_VAR/body")" "miss:$(psql_q "SELECT izzy_consent_status('{}', '{}', given) FROM \"LeadConsent\" WHERE id = '$LEAD'")" \
	"list: templates switched off change the consent status at once"
psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = true WHERE id IN ($required)" >/dev/null
leads "search=zmienion"
is "$CACHE:$(jq -r '.data[0].consentStatus' "$T_VAR/body")" "miss:missing_required" "list: … and back on"
psql_q "UPDATE \"LeadConsent\" SET given = given WHERE id = '$LEAD'" >/dev/null
leads "search=zmienion"
is "$CACHE" miss "list: a change to the lead's consent state is a new answer"
psql_q "UPDATE \"CustomerProfile\" SET \"lastName\" = 'Przemianowana' WHERE \"leadId\" = '$LEAD'" >/dev/null
leads "search=zmienion"
is "$CACHE:$SUMMARY" 'miss:[0]' "list: a search no longer matching is seen at once"
psql_q "UPDATE \"CustomerProfile\" SET \"lastName\" = 'Zmieniona' WHERE \"leadId\" = '$LEAD'" >/dev/null

# --- and the detail's (schema 0039) ---------------------------------------------------------------
detail() { # JAR: GET LEAD's detail as that session; sets STATUS and CACHE
	STATUS=$(curl -s -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -b "$1" "$BASE/api/leads/$LEAD")
	CACHE=$(tr -d '\r' <"$T_VAR/headers" | sed -n 's/^X-Izzy-Cache: //Ip')
}
detail "$JAR"
is "$STATUS:$CACHE:$(jq -r .customerProfile.lastName "$T_VAR/body")" "200:miss:Zmieniona" "detail: built at the first request"
first=$(cat "$T_VAR/body")
detail "$JAR"
is "$STATUS:$CACHE" "200:hit" "detail: asked again, answered from the worker's cache"
is "$(cat "$T_VAR/body")" "$first" "detail: … with the same answer"
detail "$OPJAR"
is "$STATUS:$CACHE:$(cat "$T_VAR/body")" '403::{"message":"Access denied"}' "detail: another scope is checked by the database, and a refusal is not kept"
leads "search=zmienion"
leads "search=zmienion"
is "$CACHE" hit "detail: (the list's answer is cached)"
psql_q "UPDATE \"ApplicationForm\" SET \"formData\" = '{\"step\": 2}', \"lastAutoSave\" = now() WHERE \"leadId\" = '$LEAD'" >/dev/null
detail "$JAR"
is "$CACHE:$(jq -c .applicationForm.formData "$T_VAR/body")" 'miss:{"step":2}' "detail: the client's autosave is seen at once"
leads "search=zmienion"
is "$CACHE" hit "detail: … while the list's answer, which shows nothing of it, stands"
req POST "/api/leads/$LEAD/notes" '{"content":"Druga notatka"}'
is "$STATUS" 201 "detail: a note is added"
detail "$JAR"
is "$CACHE:$(jq -r '.notes[0].content' "$T_VAR/body")" "miss:Druga notatka" "detail: … and seen at once"
psql_q "INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('cstackrem000000000000000', '$LEAD', now() + interval '1 day', 'Oddzwonić')" >/dev/null
detail "$JAR"
is "$CACHE:$(jq -r '.reminders[0].description' "$T_VAR/body")" "miss:Oddzwonić" "detail: a reminder is seen at once"

# A deadline passing changes a card ("breached") without a write: the answer holds until then.
due=$(psql_q "INSERT INTO \"LeadSla\" (\"leadId\", \"startedAt\", \"firstContactDueAt\")
	VALUES ('$LEAD', now(), now() + interval '3 seconds')
	ON CONFLICT (\"leadId\") DO UPDATE SET \"firstContactDueAt\" = now() + interval '3 seconds', \"firstContactAt\" = NULL
	RETURNING extract(epoch FROM \"firstContactDueAt\")")
# The same instant ends the client's 5 minutes of activity, which the detail shows.
psql_q "UPDATE \"ApplicationForm\" SET \"isClientActive\" = true,
	\"lastClientActivity\" = to_timestamp($due) - interval '5 minutes' WHERE \"leadId\" = '$LEAD'" >/dev/null
detail "$JAR"
is "$CACHE:$(jq -c '[.sla.breached, .applicationForm.isClientActive]' "$T_VAR/body")" 'miss:[false,true]' \
	"detail: an open deadline and a client active right now"
detail "$JAR"
is "$CACHE" hit "detail: … kept while both hold"
board "$JAR"
is "$CACHE:$(jq -c --arg id "$LEAD" '[.columns[].leads[] | select(.id == $id)][0].sla | [.kind, .breached]' "$T_VAR/body")" \
	'miss:["FIRST_CONTACT",false]' "board: a card with an open deadline"
leads "search=zmienion"
is "$CACHE:$(jq -c '.data[0].sla | [.kind, .breached]' "$T_VAR/body")" 'miss:["FIRST_CONTACT",false]' "list: the lead's open deadline"
leads "search=zmienion"
is "$CACHE" hit "list: … kept while it is open"
# The deadline is a known instant: the database waits until it has passed.
psql_q "SELECT pg_sleep_until(to_timestamp($due) + interval '50 milliseconds')" >/dev/null
is "$(psql_q "SELECT now() > to_timestamp($due)")" t "board: the deadline has passed"
board "$JAR"
is "$CACHE:$(jq -c --arg id "$LEAD" '[.columns[].leads[] | select(.id == $id)][0].sla.breached' "$T_VAR/body")" \
	"miss:true" "board: once the deadline has passed the answer is rebuilt and the card is breached"
leads "search=zmienion"
is "$CACHE:$(jq -c '.data[0].sla.breached' "$T_VAR/body")" "miss:true" "list: … and so is the list's"
detail "$JAR"
is "$CACHE:$(jq -c '[.sla.breached, .applicationForm.isClientActive]' "$T_VAR/body")" 'miss:[true,false]' \
	"detail: … and the detail's, with the client no longer active"
is "$(psql_q "SELECT \"isClientActive\" FROM \"ApplicationForm\" WHERE \"leadId\" = '$LEAD'")" f \
	"detail: the flag was switched off on the way, as without a cache"

# --- logout -------------------------------------------------------------------------------------
req POST /api/auth/logout ""
is "$STATUS:$BODY" '403:{"message":"Forbidden","code":"CSRF"}' "a cookie logout without the JSON content type is refused (CSRF rule)"
req POST /api/auth/logout "" -H 'Origin: http://evil.test'
is "$STATUS" 403 "and with a foreign Origin"
req POST /api/auth/logout "" -H 'Content-Type: application/json'
is "$STATUS" 204 "logout through nginx"
leads "search=zmienion"
is "$STATUS:$CACHE" "401:" "a cached list is not served to a session that has ended"
req GET /api/auth/me ""
is "$STATUS" 401 "the cookie no longer works"

# --- the signed inbound webhook: its X-Izzy-* headers reach the program through nginx ----------
HOOK='{"from":"Nginx Test <nginx.hook@example.pl>","text":"x","messageId":"http-hook-1@example.pl"}'
TS=$(date +%s)
SIG=sha256=$(printf '%s.%s' "$TS" "$HOOK" | openssl dgst -sha256 -hmac "$INBOUND_WEBHOOK_SECRET" -r | cut -d' ' -f1)
req POST /api/webhooks/email/incoming "$HOOK" -H "X-Izzy-Timestamp: $TS" -H "X-Izzy-Signature: $SIG"
is "$STATUS:$BODY" '201:{"success":true,"message":"Lead auto-created from incoming email"}' "a signed inbound webhook through nginx is 201"
req POST /api/webhooks/email/incoming "$HOOK" -H "X-Izzy-Timestamp: $TS" -H "X-Izzy-Signature: $SIG"
is "$STATUS" 401 "the same request replayed through nginx is 401"
req POST /api/webhooks/email/incoming "$HOOK"
is "$STATUS" 401 "an unsigned one is 401"

t_done
