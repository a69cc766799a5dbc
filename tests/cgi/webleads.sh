#!/usr/bin/env bash
# The embeddable web-to-lead form (issue 14), cgi-bin/webleads as plain CGI
# against a private PostgreSQL: the partner's settings, the public form, a
# submission (INBOUND lead, source web_form, pending consents, double opt-in
# mail), its abuse controls, and the confirmation.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-webleads
CGI_LOG=$T_VAR/log/webleads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=webleads

B=IzzyWebFormBoundary7
# mp NAME=VALUE...: a multipart/form-data body of those text fields.
mp() {
	local kv out=""
	for kv in "$@"; do
		out+="--$B"$'\r\n'"Content-Disposition: form-data; name=\"${kv%%=*}\""$'\r\n\r\n'"${kv#*=}"$'\r\n'
	done
	printf '%s--%s--\r\n' "$out" "$B"
}
# tok KEY AGE: a form token of KEY issued AGE seconds ago, signed as the server does.
tok() {
	local t=$(($(date +%s) - $2))
	printf '%s.%s' "$t" "$(printf 'webform:%s:%s' "$1" "$t" | openssl dgst -sha256 -hmac "$JWT_SECRET" -r | cut -d' ' -f1)"
}
# submit KEY ORIGIN BODY [ADDR]: posts a submission from ORIGIN (- = no Origin header).
submit() {
	local env=""
	[[ $2 != - ]] && env="HTTP_ORIGIN=$2"
	CGI_CT="multipart/form-data; boundary=$B" CGI_ENV="$env ${SUBMIT_ENV-}" \
		CGI_REMOTE_ADDR=${4:-198.51.100.1} cgi_run POST "/api/web-leads/$1" "$3"
}
msg() { printf '%s:%s' "$STATUS" "$(jq_body .message)"; }
code() { printf '%s:%s' "$STATUS" "$(jq_body .code)"; }

psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Inny Partner')" >/dev/null
mk_user cwebformmgr0000000000000001 manager@example.com PARTNER_MANAGER seed-partner
mk_user cwebformmgr0000000000000002 other@example.com PARTNER_MANAGER other-partner
mk_user cwebformmgr0000000000000003 employee@example.com PARTNER_EMPLOYEE seed-partner
ADMIN=$(login admin@example.com 'Admin123!')
OP=$(login operator@example.com 'Operator123!')
MGR=$(login manager@example.com)
OTHER=$(login other@example.com)
EMP=$(login employee@example.com)
[[ -n $ADMIN && -n $OP && -n $MGR && -n $OTHER && -n $EMP ]]
ok $? "test users log in"

# Three purposes of our own form type, none required.
psql_q "INSERT INTO \"ConsentTemplate\" (id, \"consentType\", \"formType\", title, content, version, \"isRequired\")
	VALUES ('cwebtplmarketing000000001', 'MARKETING', 'web_form', 'Marketing', 'Zgoda na marketing e-mailowy.', 1, false),
	       ('cwebtplfinance00000000001', 'FINANCIAL_PARTNERS', 'web_form', 'Finanse', 'Zgoda na przekazanie danych bankom.', 1, false),
	       ('cwebtplvehicle00000000001', 'VEHICLE_PARTNERS', 'web_form', 'Pojazdy', 'Zgoda na przekazanie danych dealerom.', 1, false)" >/dev/null
T1=cwebtplmarketing000000001 T2=cwebtplfinance00000000001 T3=cwebtplvehicle00000000001

# --- settings: GET/PUT /api/partners/:id/web-form ----------------------------------
cgi_run GET /api/partners/seed-partner/web-form "" "$MGR"
is "$STATUS:$(jq_body '[.enabled,.formKey,(.allowedOrigins|length),(.templateIds|length)]|map(tostring)|join(",")')" \
	"200:false,null,0,0" "a partner without a form: defaults, no key yet"
is "$(jq_body "[.availableTemplates[]|select(.formType==\"web_form\")|.id]|length")" 3 "the current templates to choose from"

cgi_run PUT /api/partners/seed-partner/web-form \
	"{\"enabled\":true,\"allowedOrigins\":[\"HTTPS://Partner.Example:443/\",\"http://localhost:8081\"],\"templateIds\":[\"$T1\",\"$T2\",\"$T3\"],\"rateLimitPerHour\":50}" "$MGR"
is "$STATUS" 200 "the partner's manager saves the form"
KEY=$(jq_body .formKey)
like "$KEY" '^[0-9a-f]{48}$' "a random form key, not the partner id"
is "$(jq_body '.allowedOrigins|join(" ")')" "https://partner.example http://localhost:8081" "origins stored normalised"
is "$(jq_body .formUrl)|$(jq_body .postUrl)" "http://crm.test/formularz/$KEY|http://crm.test/api/web-leads/$KEY" "the URLs of the snippets"
cgi_run PUT /api/partners/seed-partner/web-form \
	"{\"enabled\":true,\"allowedOrigins\":[\"https://partner.example\"],\"templateIds\":[\"$T1\",\"$T2\",\"$T3\"],\"rateLimitPerHour\":50}" "$ADMIN"
is "$STATUS:$(jq_body .formKey)" "200:$KEY" "an admin saves it too; the key stays"

cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":true,"allowedOrigins":["https://partner.example/form"],"templateIds":[]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0]|(.path|join("."))+":"+.message')" "400:allowedOrigins.0:Invalid origin" "an origin with a path is refused"
cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":true,"allowedOrigins":["ftp://x.example"],"templateIds":[]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:allowedOrigins.0" "a non-http origin is refused"
cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":true,"allowedOrigins":[],"templateIds":["cnosuchtemplate000000001"]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:templateIds.0" "an unknown template is refused"
cgi_run PUT /api/partners/seed-partner/web-form '{"allowedOrigins":[],"templateIds":[]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:enabled" "enabled is required"
cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":true,"allowedOrigins":[],"templateIds":[],"x":1}' "$MGR"
is "$STATUS" 400 "an unknown key is refused"
cgi_run GET /api/partners/seed-partner/web-form "" "$OTHER"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "another partner's manager: 403"
cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":false,"allowedOrigins":[],"templateIds":[]}' "$OTHER"
is "$STATUS" 403 "another partner's manager cannot save"
cgi_run GET /api/partners/seed-partner/web-form "" "$EMP"
is "$STATUS" 403 "a partner employee: 403"
cgi_run GET /api/partners/seed-partner/web-form "" "$OP"
is "$STATUS" 403 "an operator: 403"
cgi_run GET /api/partners/seed-partner/web-form ""
is "$STATUS" 401 "no session: 401"
cgi_run PUT /api/partners/seed-partner/web-form '{"enabled":false,"allowedOrigins":[],"templateIds":[]}'
is "$STATUS" 401 "no session cannot save: 401"
cgi_run GET /api/partners/no-such-partner/web-form "" "$ADMIN"
is "$(msg)" "404:Partner not found" "unknown partner: 404"
cgi_run PUT /api/partners/no-such-partner/web-form '{"enabled":false,"allowedOrigins":[],"templateIds":[]}' "$ADMIN"
is "$(msg)" "404:Partner not found" "unknown partner cannot be saved: 404"

# --- GET /api/web-leads/:key/form -------------------------------------------------
CGI_ENV="HTTP_ORIGIN=https://partner.example" cgi_run GET "/api/web-leads/$KEY/form"
is "$STATUS:$(jq_body '[.purposes[].consentTemplateId]|join(",")')" "200:$T1,$T2,$T3" "the form shows the chosen purposes in order"
is "$(jq_body '.purposes[0]|[.version,.content,.isRequired]|map(tostring)|join("|")')" "1|Zgoda na marketing e-mailowy.|false" \
	"each purpose with its template's version and text"
like "$(jq_body .formToken)" '^[0-9]+\.[0-9a-f]{64}$' "a signed, time-stamped form token"
is "$(header Access-Control-Allow-Origin)" "https://partner.example" "an allowed origin may fetch it (the plain snippet)"
CGI_ENV="HTTP_ORIGIN=https://evil.example" cgi_run GET "/api/web-leads/$KEY/form"
is "$STATUS:$(header Access-Control-Allow-Origin)" "200:" "no CORS grant for another origin"
is "$(jq_body .partnerName)" "$(psql_q "SELECT name FROM \"Partner\" WHERE id = 'seed-partner'")" "the partner's name"
[[ $BODY != *seed-partner* ]]
ok $? "the public form does not disclose the partner id"
cgi_run GET /api/web-leads/0000000000000000000000000000000000000000000000ff/form
is "$(msg)" "404:Form not found" "unknown key: 404"

# --- POST /api/web-leads/:key -------------------------------------------------------
GOOD=(firstName=' Anna ' lastName=Nowak email=Anna.Nowak@Example.com phone='600-100 200'
	message='Proszę o kontakt' website= "consent=$T1" "consent=$T3")
N0=$(psql_q "SELECT count(*) FROM \"Lead\"")

# Issued 20 s "ahead" (within the tolerated clock skew): however slow this machine is
# at starting the program, the server sees it less than 3 s old.
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$(tok "$KEY" -20)")" 198.51.100.2
is "$(code)" "400:TOO_FAST" "submitted right after the form was rendered: refused"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$(tok "$KEY" 90000)")" 198.51.100.2
is "$(code)" "400:FORM_EXPIRED" "a token older than 24 h: refused"
T=$(tok "$KEY" 10)
# The last character changed (never to itself), and the issue time moved by a second
# under the same MAC: both must fail the check, whatever the clock says.
last=${T: -1}
[[ $last == 0 ]] && flip=1 || flip=0
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=${T%?}$flip")" 198.51.100.3
is "$(code)" "400:FORM_TOKEN_INVALID" "a tampered token: refused"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$((${T%%.*} - 1)).${T#*.}")" 198.51.100.3
is "$(code)" "400:FORM_TOKEN_INVALID" "another issue time under the same MAC: refused"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}")" 198.51.100.3
is "$(code)" "400:FORM_TOKEN_INVALID" "no token: refused"
submit "$KEY" https://partner.example "$(mp firstName=Bot lastName=Bot email=bot@example.com website=http://spam.example "formToken=$T")" 198.51.100.4
is "$(code)" "400:SPAM_SUSPECTED" "the honeypot filled: refused"
submit "$KEY" https://evil.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.4
is "$STATUS:$BODY" '403:{"message":"Forbidden","code":"ORIGIN_NOT_ALLOWED"}' "posted from another origin: 403"
SUBMIT_ENV="HTTP_REFERER=https://evil.example/page" submit "$KEY" - "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.4
is "$STATUS" 403 "no Origin, a Referer of another origin: 403"
submit "$KEY" - "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.4
is "$STATUS" 403 "neither Origin nor Referer: 403"
submit "$KEY" https://partner.example.evil.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.4
is "$STATUS" 403 "a look-alike origin: 403 (exact match)"
submit "$KEY" https://partner.example "$(mp firstName= lastName=Nowak email=zly-adres "formToken=$T")" 198.51.100.5
is "$STATUS:$(jq_body '[.issues[].path[0]]|join(",")')" "400:firstName,email" "the lead-create rules: name required, e-mail valid"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T" pesel=1)" 198.51.100.5
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:pesel" "an unknown field: 400"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T" consent=cwebtplforeign0000000001)" 198.51.100.6
is "$(code)" "400:UNKNOWN_PURPOSE" "a purpose that is not on the form: 400"
CGI_CT=application/json CGI_REMOTE_ADDR=198.51.100.6 CGI_ENV="HTTP_ORIGIN=https://partner.example" cgi_run POST "/api/web-leads/$KEY" '{}'
is "$STATUS" 415 "a JSON body: 415 (the form is multipart)"
BIG=$(head -c 20000 /dev/zero | tr '\0' a)
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "message=$BIG")" 198.51.100.7
is "$STATUS" 413 "a body over 16 KiB: 413"
is "$(psql_q "SELECT count(*) FROM \"Lead\"")" "$N0" "nothing refused wrote a lead"

# The good one, from the partner's page, by a browser.
SUBMIT_ENV="HTTP_USER_AGENT=Mozilla/5.0-WebFormTest" submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.20
is "$STATUS:$(jq_body .status)" "201:PENDING_CONFIRMATION" "a good submission: 201, pending confirmation"
[[ $BODY != *'"id"'* ]]
ok $? "no lead id to the public"
LEAD=$(psql_q "SELECT id FROM \"Lead\" WHERE \"sourceMetadata\"->>'source' = 'web_form'")
is "$(psql_q "SELECT l.status || '|' || l.\"partnerId\" || '|' || (l.\"sourceMetadata\"->>'origin') || '|' || cp.\"firstName\" || '|' || cp.email || '|' || cp.phone || '|' || l.notes
	FROM \"Lead\" l JOIN \"CustomerProfile\" cp ON cp.\"leadId\" = l.id WHERE l.id = '$LEAD'")" \
	"INBOUND|seed-partner|https://partner.example|Anna|anna.nowak@example.com|600100200|Proszę o kontakt" \
	"an INBOUND lead of the partner, source web_form, fields by the lead-create rules"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$LEAD'")" 0 "no consent record before the confirmation"
is "$(psql_q "SELECT string_agg(e->>'consentTemplateId' || ':' || (e->>'version'), ',') || '|' || \"ipAddress\" || '|' || \"userAgent\"
	FROM \"WebLeadSubmission\", jsonb_array_elements(answers) e WHERE \"leadId\" = '$LEAD' GROUP BY \"ipAddress\", \"userAgent\"")" \
	"$T1:1,$T3:1|198.51.100.20|Mozilla/5.0-WebFormTest" "the pending answers: exactly the ticked purposes, with address and user agent"
is "$(psql_q "SELECT recipient || '|' || template || '|' || \"leadId\" FROM \"Outbox\" WHERE template = 'web_lead_confirm'")" \
	"anna.nowak@example.com|web_lead_confirm|$LEAD" "the double opt-in mail is queued in the outbox"
LINK=$(psql_q "SELECT substring(\"bodyText\" from 'http://crm.test/potwierdz#[0-9a-f]+') FROM \"Outbox\" WHERE template = 'web_lead_confirm'")
CTOKEN=${LINK#*#}
like "$CTOKEN" '^[0-9a-f]{64}$' "its link carries a confirmation token"
is "$(psql_q "SELECT count(*) FROM \"WebLeadSubmission\" s WHERE s::text LIKE '%$CTOKEN%'")" 0 "the token is stored hashed only"

# The hosted form posts from our own origin; a plain HTML form asks for a page.
SUBMIT_ENV="HTTP_ACCEPT=text/html,application/xhtml+xml" submit "$KEY" http://crm.test "$(mp firstName=Jan lastName=Kowalski email=jan@example.com "formToken=$T")" 198.51.100.21
is "$STATUS:$(header Content-Type)" "200:text/html; charset=utf-8" "a plain form post gets a thank-you page"
like "$BODY" 'Dziękujemy' "in Polish"
SUBMIT_ENV="HTTP_ACCEPT=text/html" submit "$KEY" http://crm.test "$(mp firstName=Jan lastName=Kowalski email=jan@example.com website=x "formToken=$T")" 198.51.100.22
is "$STATUS:$(header Content-Type)" "400:text/html; charset=utf-8" "a refusal of a plain form post: a page with the same status"
like "$BODY" 'Nie wysłano formularza' "in Polish"

# --- rate limits ----------------------------------------------------------------------
for i in 1 2 3 4 5; do
	submit "$KEY" https://partner.example "$(mp firstName=Bot lastName=Bot email=bot@example.com website=x "formToken=$T")" 198.51.100.30
done
is "$STATUS" 400 "five attempts from one address are let through"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.30
is "$STATUS:$(jq_body .message)" "429:Too many requests" "the sixth from that address within 10 minutes: 429"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
# The partner's own limit per hour, lowered below what it has taken already.
psql_q "UPDATE \"PartnerWebForm\" SET \"rateLimitPerHour\" = 1 WHERE \"partnerId\" = 'seed-partner'" >/dev/null
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.31
is "$STATUS" 429 "over the partner's hourly limit from a fresh address: 429"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"

# --- disabled form ------------------------------------------------------------------------
cgi_run PUT /api/partners/seed-partner/web-form \
	"{\"enabled\":false,\"allowedOrigins\":[\"https://partner.example\"],\"templateIds\":[\"$T1\"]}" "$MGR"
cgi_run GET "/api/web-leads/$KEY/form"
is "$(msg)" "404:Form not found" "a disabled form: 404"
submit "$KEY" https://partner.example "$(mp "${GOOD[@]}" "formToken=$T")" 198.51.100.40
is "$(msg)" "404:Form not found" "a disabled form takes no submission"

# --- POST /api/web-leads/confirm ------------------------------------------------------------
CGI_ENV="HTTP_USER_AGENT=Confirming-Browser" CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/web-leads/confirm "{\"token\":\"$CTOKEN\"}"
is "$STATUS:$(jq_body '[.confirmed,.consents]|map(tostring)|join(",")')" "200:true,2" "the link confirms: two consent records"
is "$(psql_q "SELECT string_agg(\"consentTemplateId\" || ':' || version || ':' || \"consentGiven\" || ':' || \"consentMethod\" || ':' || \"ipAddress\" || ':' || \"userAgent\", ',' ORDER BY \"consentTemplateId\")
	FROM \"ConsentRecord\" WHERE \"leadId\" = '$LEAD'")" \
	"$T1:1:true:ONLINE_FORM:198.51.100.20:Mozilla/5.0-WebFormTest,$T3:1:true:ONLINE_FORM:198.51.100.20:Mozilla/5.0-WebFormTest" \
	"exactly the ticked purposes, the exact versions, with the submitting address and user agent"
is "$(psql_q "SELECT array_to_string(given, ',') FROM \"LeadConsent\" WHERE id = '$LEAD'")" "$T1,$T3" "the lead's consent status now counts them"
is "$(psql_q "SELECT \"confirmIp\" || '|' || \"confirmUserAgent\" || '|' || (\"confirmedAt\" IS NOT NULL) FROM \"WebLeadSubmission\" WHERE \"leadId\" = '$LEAD'")" \
	"203.0.113.9|Confirming-Browser|true" "the confirming client is kept with the submission"
like "$(psql_q "SELECT \"sourceMetadata\"->>'emailConfirmedAt' FROM \"Lead\" WHERE id = '$LEAD'")" '^20[0-9-]+T' "the lead shows when the address was confirmed"
CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/web-leads/confirm "{\"token\":\"$CTOKEN\"}"
is "$(code)" "409:ALREADY_CONFIRMED" "the second use: 409"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$LEAD'")" 2 "and nothing recorded twice"
CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/web-leads/confirm '{"token":"0000000000000000000000000000000000000000000000000000000000000000"}'
is "$(msg)" "404:Confirmation link not found" "an unknown token: 404"
CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/web-leads/confirm '{}'
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:token" "no token: 400"
# An expired link (the second submission's).
psql_q "UPDATE \"WebLeadSubmission\" SET \"expiresAt\" = now() - interval '1 second', \"tokenHash\" = encode(sha256('expired-token'::bytea), 'hex') WHERE \"confirmedAt\" IS NULL" >/dev/null
CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/web-leads/confirm '{"token":"expired-token"}'
is "$(msg)" "410:Confirmation link expired" "an expired link: 410"

# Anonymising the lead (FR-38) clears where its submission was sent and confirmed from.
CGI_PROG=leads cgi_run POST "/api/leads/$LEAD/anonymize" "" "$ADMIN"
is "$STATUS" 200 "the confirmed lead is anonymised"
is "$(psql_q "SELECT concat_ws('|', \"ipAddress\", \"userAgent\", \"confirmIp\", \"confirmUserAgent\") || '|' || jsonb_array_length(answers) FROM \"WebLeadSubmission\" WHERE \"leadId\" = '$LEAD'")" \
	"|2" "its submission keeps the ticked purposes, no address or user agent"

t_done
