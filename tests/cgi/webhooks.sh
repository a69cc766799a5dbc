#!/usr/bin/env bash
# cgi-bin/webhooks: POST /api/webhooks/email/incoming (issue 9, spec §4.14, §5.3,
# SR-28): HMAC-SHA256 over "<timestamp>.<raw body>" with INBOUND_WEBHOOK_SECRET,
# a 5-minute window, one use per signature; the same inbound procedure as IMAP.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-webhooks
CGI_PROG=webhooks
CGI_LOG=$T_VAR/log/webhooks-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
SECRET=inbound-webhook-secret-0123456789abcdef
URL=/api/webhooks/email/incoming
LEAD=clead0hook00000000000001
BASE_ENV="INBOUND_WEBHOOK_SECRET=$SECRET LEAD_INBOX_PARTNER_ID=seed-partner"

sign() { printf '%s.%s' "$1" "$2" | openssl dgst -sha256 -hmac "$3" -r | cut -d' ' -f1; }
# post BODY [TS] [SIG] [EXTRA_ENV]: a signed call (TS defaults to now, SIG to the right one).
# The replay guard remembers accepted signatures, so two calls with the same body signed in the
# same second would be one request sent twice: each call gets a timestamp of its own (increasing,
# never more than 200 s old, within the 5-minute window).
LAST_TS=0
post() {
	local body=$1 ts=${2-} sig now
	if [[ -z $ts ]]; then
		now=$(date +%s)
		ts=$((LAST_TS + 1 > now - 200 ? LAST_TS + 1 : now - 200))
		LAST_TS=$ts
	fi
	sig=${3:-sha256=$(sign "$ts" "$body" "$SECRET")}
	CGI_ENV="$BASE_ENV HTTP_X_IZZY_TIMESTAMP=$ts HTTP_X_IZZY_SIGNATURE=$sig ${4-}" cgi_run POST "$URL" "$body"
}
counts() { psql_q 'SELECT (SELECT count(*) FROM "Lead") || '"'"'/'"'"' || (SELECT count(*) FROM "LeadNote") || '"'"'/'"'"' || (SELECT count(*) FROM "InboundMessage") || '"'"'/'"'"' || (SELECT count(*) FROM "CommunicationLog")'; }

psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$LEAD', 'seed-partner', 'NEW');
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, \"alternateEmails\")
	VALUES ('cprof0hook00000000000001', '$LEAD', 'Ewa', 'Stara', 'ewa@example.pl', '{ewa.praca@example.pl}')" >/dev/null ||
	t_bail "cannot insert the existing lead"

NEW='{"from":"\"Marek Nowy\" <marek@example.pl>","to":"leady@izzy.test","subject":"Leasing auta","text":"Prosze o kontakt: 601-202-303","html":"<p>Prosze <img src=x onerror=alert(1)>o kontakt</p>","messageId":"<hook-1@example.pl>"}'

# --- refused: 401 and nothing written ---------------------------------------------
C0=$(counts)
TS=$(date +%s)
post "$NEW" "$TS" "sha256=$(sign "$TS" "$NEW" wrong-secret-0123456789abcdef)"
is "$STATUS" 401 "a signature made with another secret is 401"
is "$(jq_body .message)" "Invalid signature" "with the message Invalid signature"
post "$NEW" "$TS" "sha256=$(sign "$TS" "${NEW/Marek/Darek}" "$SECRET")"
is "$STATUS" 401 "a signature over another body is 401"
OLD=$(($(date +%s) - 301))
post "$NEW" "$OLD"
is "$STATUS" 401 "a correctly signed call older than 5 minutes is 401"
post "$NEW" "$(($(date +%s) + 400))"
is "$STATUS" 401 "a timestamp far in the future is 401"
CGI_ENV="$BASE_ENV HTTP_X_IZZY_TIMESTAMP=$TS" cgi_run POST "$URL" "$NEW"
is "$STATUS" 401 "no signature header is 401"
CGI_ENV="$BASE_ENV HTTP_X_IZZY_SIGNATURE=sha256=$(sign "$TS" "$NEW" "$SECRET")" cgi_run POST "$URL" "$NEW"
is "$STATUS" 401 "no timestamp header is 401"
cgi_run POST "$URL" "$NEW"
is "$STATUS" 401 "an unsigned call (the reference's open webhook) is 401"
post "$NEW" "$TS" "sha256=$(sign "$TS" "$NEW" "$SECRET")" "INBOUND_WEBHOOK_SECRET="
is "$STATUS" 401 "without a configured secret every call is 401"
is "$(counts)" "$C0" "none of the refused calls wrote anything"
grep -q 'webhook refused: the signature does not match' "$CGI_LOG"
ok "$?" "the refusal reason is logged"

# --- a valid call from an unknown sender: a new lead ------------------------------
TS=$(date +%s)
SIG=sha256=$(sign "$TS" "$NEW" "$SECRET")
post "$NEW" "$TS" "$SIG"
is "$STATUS" 201 "a correctly signed call is 201"
is "$BODY" '{"success":true,"message":"Lead auto-created from incoming email"}' "the reference's answer for a new lead"
M=hook-1@example.pl
L=$(psql_q "SELECT \"leadId\" FROM \"InboundMessage\" WHERE \"messageId\" = '$M'")
is "$(psql_q "SELECT l.status || '|' || c.\"firstName\" || '|' || c.\"lastName\" || '|' || c.phone || '|' || c.email FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE l.id = '$L'")" \
	"INBOUND|Marek|Nowy|601-202-303|marek@example.pl" "new INBOUND lead with the name and phone rules of §5.3"
is "$(psql_q "SELECT content || '|' || (metadata->>'receivedVia') || '|' || (metadata->>'html') FROM \"LeadNote\" WHERE \"leadId\" = '$L'")" \
	"Prosze o kontakt: 601-202-303|WEBHOOK|<p>Prosze o kontakt</p>" "the note: plain text, sanitised HTML (no img, no handler)"
is "$(psql_q "SELECT channel || '|' || direction || '|' || status FROM \"CommunicationLog\" WHERE \"leadId\" = '$L'")" "EMAIL|INBOUND|DELIVERED" "a communication log row for the lead"

# --- the same request again: a replay --------------------------------------------
C1=$(counts)
post "$NEW" "$TS" "$SIG"
is "$STATUS" 401 "the same signed request replayed is 401"
is "$(counts)" "$C1" "and writes nothing"
grep -q 'webhook refused: the signature was used before (replay)' "$CGI_LOG"
ok "$?" "the replay is logged as such"

# --- the same message freshly signed: exactly once ---------------------------------
post "$NEW"
is "$STATUS" 200 "the same Message-ID in a new signed call is 200"
is "$BODY" '{"success":true,"message":"Email already processed"}' "answered as already processed"
is "$(counts)" "$C1" "no second lead or note"

# --- a known sender (alternate e-mail, other case): a note on the lead -------------
KNOWN='{"from":"EWA.Praca@Example.pl","subject":"Re: umowa","text":"Podpisana umowa w zalaczniku.","messageId":"hook-2@example.pl"}'
post "$KNOWN"
is "$STATUS" 201 "a message from a known customer is 201"
is "$(jq_body .message)" "Email processed and attached to lead" "attached to the lead"
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$LEAD' AND type = 'EMAIL_RECEIVED' AND content = 'Podpisana umowa w zalaczniku.'")" 1 \
	"the note is on the existing lead (alternate e-mail, case ignored)"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$LEAD'")" NEW "the lead's status is unchanged"

# --- without an inbox partner; rate limited; bad payloads -------------------------
post '{"from":"obcy@example.pl","text":"x","messageId":"hook-3@example.pl"}' "" "" "LEAD_INBOX_PARTNER_ID="
is "$STATUS $BODY" '200 {"success":false,"message":"Unknown sender (partner missing)"}' "no inbox partner: success false"
post '{"from":"spam@example.pl","text":"x","messageId":"hook-4@example.pl"}' "" "" "INBOUND_MAX_LEADS_PER_HOUR=1"
is "$STATUS $BODY" '200 {"success":false,"message":"Rate limited"}' "over the global cap per hour: Rate limited"
is "$(psql_q "SELECT count(*) FROM \"CustomerProfile\" WHERE email IN ('obcy@example.pl', 'spam@example.pl')")" 0 "neither made a lead"
post '{"subject":"no sender"}'
is "$STATUS $BODY" "400 {\"message\":\"Missing 'from' field\"}" "a signed call without from is 400"
post '{"from":42}'
is "$STATUS" 400 "a from that is not a string is 400"
post 'not json'
is "$STATUS" 400 "a signed body that is not JSON is 400"
CGI_CT=text/plain post '{"from":"a@b.pl"}'
is "$STATUS" 415 "a body that is not application/json is 415"

# --- a message without a Message-ID: its content identifies it ---------------------
NOID='{"from":"bez.id@example.pl","subject":"Bez id","text":"Tresc"}'
post "$NOID"
is "$STATUS" 201 "a message without messageId is taken"
post "$NOID"
is "$STATUS $(jq_body .message)" "200 Email already processed" "the same content again is recognised"

# --- the database refuses: 500, nothing written ----------------------------------
C2=$(counts)
post '{"from":"fk@example.pl","text":"x","messageId":"hook-5@example.pl"}' "" "" "LEAD_INBOX_PARTNER_ID=no-such-partner"
is "$STATUS" 500 "an inbox partner that does not exist is 500"
is "$(counts)" "$C2" "and nothing of the message was written"
post '{"from":"fk@example.pl","text":"x","messageId":"hook-5@example.pl"}'
is "$STATUS" 201 "the provider's retry (freshly signed) then succeeds"

! grep -E -q 'marek|example\.pl|Prosze|EWA' "$CGI_LOG"
ok "$?" "the log holds no address or body"
t_done
