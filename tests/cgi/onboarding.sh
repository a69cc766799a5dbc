#!/usr/bin/env bash
# Per-binary tests of cgi-bin/onboarding: the staff start and view (spec/api.md
# §4.6.14, §4.6.15 with lead scoping), the public landing endpoints (§4.11 with
# SR-21: hashed 256-bit token, expiry, rate limit; the calendar in Europe/Warsaw
# across both DST changes and a weekend with a fixed clock, IZZY_TEST_NOW; the slot
# validated server-side; consents through the capture core), the status rules
# (ONBOARDING_CONFIRMED only from NEW/FIRST_CONTACT, only with slot and consents)
# and the admin message templates (§4.12).  Plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-onboarding
CGI_LOG=$T_VAR/log/onboarding-cgi.log
mkdir -p "$T_VAR/log"
CGI_PROG=onboarding
NOTIFY="ONBOARDING_NOTIFY_EMAILS=staff1@example.com,staff2@example.com"
CGI_ENV=$NOTIFY

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.code // .message // empty')"; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
epoch() { date -u -d "$1" +%s; }
sess() { psql_q "SELECT $2 FROM \"InsuranceOnboardingSession\" WHERE \"leadId\" = '$1'"; }
lead_status() { psql_q "SELECT status FROM \"Lead\" WHERE id = '$1'"; }
# token_of LEAD: the token of the newest onboarding e-mail of the lead (as the client gets it).
token_of() {
	psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE \"leadId\" = '$1' AND template = 'email_welcome_insurance'
		ORDER BY \"createdAt\" DESC LIMIT 1" | grep -o 'token=[0-9a-f]*' | head -n 1 | cut -d= -f2
}
verify() { CGI_REMOTE_ADDR=${2:-198.51.100.7} cgi_run GET "/api/insurance-onboarding/verify?token=$1"; }
# at EPOCH CMD...: CMD with the calendar's clock fixed.
at() { local t=$1; shift; CGI_ENV="$NOTIFY IZZY_TEST_NOW=$t" "$@"; }
slot() { cgi_run POST /api/insurance-onboarding/contact-slot "$(jq -cn --arg t "$1" --arg d "$2" --arg s "$3" '{token:$t,preferredDate:$d,preferredSlot:$s}')"; }
# answers PHONE FIN VEH: the current onboarding templates answered true/false/omit.
answers() {
	psql_q "SELECT json_agg(x) FROM (SELECT CASE a WHEN 'omit' THEN json_build_object('consentTemplateId', id, 'version', version)
			ELSE json_build_object('consentTemplateId', id, 'version', version, 'consentGiven', a::boolean) END AS x
		FROM \"ConsentTemplate\" t JOIN (VALUES ('PHONE_CONTACT', '$1'), ('FINANCIAL_PARTNERS', '$2'), ('VEHICLE_PARTNERS', '$3')) v(k, a)
		  ON v.k = t.\"consentType\"::text
		WHERE t.\"formType\" = 'onboarding_insurance' AND t.id = izzy_consent_current(t.\"consentType\", t.\"formType\")
		ORDER BY t.\"consentType\") s"
}
consents() { cgi_run POST /api/insurance-onboarding/consents "$(jq -cn --arg t "$1" --argjson c "$2" '{token:$t,consents:$c}')"; }

[[ $(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE \"formType\" = 'onboarding_insurance' AND \"isActive\"") -ge 2 ]] ||
	t_bail "no onboarding consent templates seeded"
mk_user csupervisor00000000000001 sup@example.com SUPERVISOR - ACTIVE
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
SUP=$(login sup@example.com)
[[ -n $ADMIN && -n $OP && -n $SUP ]] || t_bail "cannot log in the test users"
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Other Partner')" >/dev/null
# mk_lead ID PARTNER ASSIGNED|- PHONE|- EMAIL|- [STATUS]
mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\") VALUES ('$1', '$2', '${6:-NEW}', $(sqlv "$3"));
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		VALUES ('cp$1', '$1', 'Jan', 'Kowalski', $(sqlv "$5"), $(sqlv "$4"))" >/dev/null
}
L1=cleadonb0000000000000001
L2=cleadonb0000000000000002
L3=cleadonb0000000000000003
L4=cleadonb0000000000000004
L5=cleadonb0000000000000005
L6=cleadonb0000000000000006
mk_lead "$L1" seed-partner "$OP_ID" '+48 600 100 234' jan1@example.com
mk_lead "$L2" other-partner - '600100222' jan2@example.com
mk_lead "$L3" seed-partner "$OP_ID" - jan3@example.com
mk_lead "$L4" seed-partner "$OP_ID" '600100444' -
mk_lead "$L5" seed-partner "$OP_ID" '600100555' jan5@example.com FOLLOW_UP
mk_lead "$L6" seed-partner "$OP_ID" '600100666' jan6@example.com FIRST_CONTACT

# --- start and the staff view ------------------------------------------------------------------
cgi_run POST "/api/leads/$L1/insurance-onboarding/start" ''
is "$STATUS" 401 "start needs a login"
cgi_run POST "/api/leads/$L2/insurance-onboarding/start" '' "$OP"
like "$STATUS" '^(403|404)$' "an operator cannot start onboarding on a lead outside their scope"
is "$(sess "$L2" count\(*\))" 0 "... and nothing is written"
cgi_run POST "/api/leads/cleadonbmissing0000000001/insurance-onboarding/start" '' "$ADMIN"
is "$(msg)" "404:Lead not found" "unknown lead: 404"
cgi_run POST "/api/leads/$L3/insurance-onboarding/start" '' "$ADMIN"
is "$(msg)" "422:MISSING_PHONE" "no phone: 422 MISSING_PHONE"
is "$(jq_body .message)" "Lead nie ma uzupełnionego numeru telefonu." "... with the spec's message"
cgi_run POST "/api/leads/$L4/insurance-onboarding/start" '' "$ADMIN"
is "$(msg)" "422:MISSING_EMAIL" "no e-mail: 422 MISSING_EMAIL"

cgi_run POST "/api/leads/$L1/insurance-onboarding/start" '' "$OP"
is "$STATUS" 200 "the assigned operator starts onboarding"
is "$(jq_body '[.status, .smsSent, .emailSent] | join(",")')" "ONBOARDING_SENT,true,true" "status and both messages queued"
S1=$(jq_body .sessionId)
T1=$(token_of "$L1")
like "$T1" '^[0-9a-f]{64}$' "the e-mailed link carries a 256-bit token"
is "$(sess "$L1" token)" "$(sha "$T1")" "the token is stored as its SHA-256 only"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = '$L1' AND channel = 'SMS' AND template = 'sms_welcome_insurance' AND \"bodyText\" LIKE '%/onboarding?token=$T1%'")" 1 "the SMS with the link is in the outbox"
like "$(jq_body .expiresAt)" '^20[0-9-]+T[0-9:.]+Z$' "expiresAt as an ISO timestamp"
is "$(sess "$L1" "round(extract(epoch FROM \"tokenExpiresAt\" - now()) / 3600)::int")" 72 "72 hours by default"
is "$(psql_q "SELECT metadata->>'sessionId' FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'INSURANCE_ONBOARDING_STARTED'")" "$S1" "audited INSURANCE_ONBOARDING_STARTED"
if grep -q "$T1" "$CGI_LOG" 2>/dev/null; then ok 1 "the token is not logged"; else ok 0 "the token is not logged"; fi

cgi_run GET "/api/leads/$L1/insurance-onboarding" '' "$OP"
is "$STATUS" 200 "the staff view"
is "$(jq_body '[.data.id, .data.status, (.data.communicationLogs | length)] | join(",")')" "$S1,ONBOARDING_SENT,2" "session, status and the two messages"
is "$(jq_body '.data.contactSchedule')" null "no slot yet"
cgi_run GET "/api/leads/$L2/insurance-onboarding" '' "$OP"
like "$STATUS" '^(403|404)$' "the view is scoped to the operator's leads"
cgi_run GET "/api/leads/$L6/insurance-onboarding" '' "$OP"
is "$(jq_body .data)" null "no session: data null"

# --- verify ------------------------------------------------------------------------------------
verify "$(printf 'ab%.0s' {1..10})"
is "$STATUS" 400 "a token shorter than 32 characters: 400"
verify "$(printf '0%.0s' {1..64})"
is "$(msg)" "401:INVALID_TOKEN" "an unknown token: 401 INVALID_TOKEN"
verify "$T1"
is "$STATUS" 200 "the right token verifies"
is "$(jq_body '[.sessionId, .leadId, .status, .firstName, .daysAhead] | join(",")')" "$S1,$L1,ONBOARDING_SENT,Jan,14" "session, lead, the status before, the first name, days ahead"
is "$(jq_body 'has("lastName") or has("email") or has("phone")')" false "only the first name is returned"
is "$(sess "$L1" status)" LINK_OPENED "the first verify opens the link"
verify "$T1"
is "$(jq_body .status)" LINK_OPENED "the second verify reports LINK_OPENED"

psql_q "UPDATE \"InsuranceOnboardingSession\" SET \"tokenExpiresAt\" = now() - interval '1 second' WHERE \"leadId\" = '$L1'" >/dev/null
verify "$T1"
is "$(msg)" "401:TOKEN_EXPIRED" "an expired token: 401 TOKEN_EXPIRED"
is "$(jq_body .message)" "Link wygasł. Poproś o nowy link." "... with the spec's message"
slot "$T1" 2030-01-07 09:00-10:00
is "$(msg)" "401:TOKEN_EXPIRED" "contact-slot with an expired token: 401"
psql_q "UPDATE \"InsuranceOnboardingSession\" SET \"tokenExpiresAt\" = now() + interval '1 hour' WHERE \"leadId\" = '$L1'" >/dev/null

cgi_run POST "/api/leads/$L1/insurance-onboarding/start" '' "$ADMIN"
is "$STATUS" 200 "a restart"
T1B=$(token_of "$L1")
verify "$T1"
is "$(msg)" "401:INVALID_TOKEN" "the old token stops working after a restart"
verify "$T1B"
is "$STATUS:$(jq_body .status)" "200:ONBOARDING_SENT" "the new one works; progress was reset"
is "$(sess "$L1" "count(*)")" 1 "one session per lead"
T1=$T1B

# rate limit: 10 failures per address per 15 minutes, then 429 even for a good token
for i in $(seq 1 10); do verify "$(printf '%063d%d' 0 $((i % 10)))" 203.0.113.50; done
is "$(msg)" "401:INVALID_TOKEN" "ten wrong tokens from one address: 401 each"
verify "$(printf '1%.0s' {1..64})" 203.0.113.50
is "$(msg)" "429:TOO_MANY_ATTEMPTS" "the eleventh: 429 TOO_MANY_ATTEMPTS"
like "$(header Retry-After)" '^[0-9]+$' "... with Retry-After"
verify "$T1" 203.0.113.50
is "$STATUS" 429 "a right token from that address is refused too"
verify "$T1" 203.0.113.51
is "$STATUS" 200 "another address is not affected"
for i in $(seq 1 12); do verify "$T1" 203.0.113.52; done
is "$STATUS" 200 "successful verifies do not count"

# --- the calendar (Europe/Warsaw, fixed clocks) ----------------------------------------------------
days() { jq_body '[.days[] | .date + "=" + (.slots | length | tostring)] | join(" ")'; }
# Friday 27 March 2026 17:30 CET: nothing left today; the DST weekend is skipped.
at "$(epoch 2026-03-27T16:30:00Z)" verify "$T1"
is "$(jq_body '.days | length')" 14 "14 weekdays offered"
is "$(jq_body '.days[0].date + " " + (.days[0].slots | join(","))')" "2026-03-30 09:00-10:00,10:00-11:00,11:00-12:00,12:00-13:00,13:00-14:00,14:00-15:00,15:00-16:00,16:00-17:00,17:00-18:00" \
	"Friday 17:30 in Warsaw: the first day is Monday after the DST change, nine slots HH:MM-HH:MM"
is "$(jq_body '[.days[].date] | map(select(. == "2026-03-28" or . == "2026-03-29" or . == "2026-04-04")) | length')" 0 "no Saturday or Sunday"
is "$(jq_body '.days[13].date')" 2026-04-16 "the 14th weekday"
# Monday 30 March 2026 16:30 CEST (UTC+2, 14:30Z): only 17:00-18:00 today.
at "$(epoch 2026-03-30T14:30:00Z)" verify "$T1"
is "$(jq_body '.days[0].date + " " + (.days[0].slots | join(","))')" "2026-03-30 17:00-18:00" "after the March change the local hour is CEST"
# Friday 27 March 2026 16:30 CET (15:30Z): 17:00-18:00 is still offered.
at "$(epoch 2026-03-27T15:30:00Z)" verify "$T1"
is "$(jq_body '.days[0].date + " " + (.days[0].slots | join(","))')" "2026-03-27 17:00-18:00" "before the change the local hour is CET"
# Monday 26 October 2026 00:30 CET is still Sunday 23:30 in UTC.
at "$(epoch 2026-10-25T23:30:00Z)" verify "$T1"
is "$(jq_body '.days[0].date + "=" + (.days[0].slots | length | tostring)')" "2026-10-26=9" "after the October change the local day is Monday"
# Friday 23 October 2026 16:30 CEST (14:30Z).
at "$(epoch 2026-10-23T14:30:00Z)" verify "$T1"
is "$(days | cut -d' ' -f1-2)" "2026-10-23=1 2026-10-26=9" "Friday before the October change: one slot left, then Monday"
# Saturday 28 March 2026 10:00.
at "$(epoch 2026-03-28T09:00:00Z)" verify "$T1"
is "$(days | cut -d' ' -f1-3)" "2026-03-30=9 2026-03-31=9 2026-04-01=9" "on a Saturday the list starts on Monday"

# --- contact slot ------------------------------------------------------------------------------
NOW=$(epoch 2026-03-30T14:30:00Z) # Monday 16:30 in Warsaw
at "$NOW" slot "$T1" 2026-03-30 9:00-10:00
is "$STATUS" 400 "a one-digit hour is refused (one format, L20)"
at "$NOW" slot "$T1" 2026-03-30 16:00-17:00
is "$(msg)" "400:Validation failed" "a slot that has started: 400"
is "$(jq_body '.issues[0].path[0]')" preferredSlot "... on preferredSlot"
at "$NOW" slot "$T1" 2026-04-04 10:00-11:00
is "$STATUS" 400 "a Saturday: 400"
at "$NOW" slot "$T1" 2026-03-31 18:00-19:00
is "$STATUS" 400 "after 18:00: 400"
at "$NOW" slot "$T1" 2026-05-29 10:00-11:00
is "$STATUS" 400 "beyond the 14 weekdays: 400"
at "$NOW" cgi_run POST /api/insurance-onboarding/contact-slot "$(jq -cn --arg t "$T1" '{token:$t,preferredDate:"2026-03-31",preferredSlot:"10:00-11:00",timezone:"Europe/London"}')"
is "$STATUS" 400 "another time zone: 400"
at "$NOW" cgi_run POST /api/insurance-onboarding/contact-slot "$(jq -cn --arg t "$T1" '{token:$t,preferredDate:"2026-03-31",preferredSlot:"10:00-11:00",extra:1}')"
is "$STATUS" 400 "unknown fields: 400"
is "$(psql_q "SELECT count(*) FROM \"ContactSchedule\" WHERE \"leadId\" = '$L1'")" 0 "nothing written by the refused slots"
at "$NOW" slot "$T1" 2026-03-30 17:00-18:00
is "$STATUS" 200 "today's last slot"
is "$(jq_body '[.preferredDate, .preferredSlot] | join(" ")')" "2026-03-30T00:00:00.000Z 17:00-18:00" "the answer: day and slot"
at "$NOW" slot "$T1" 2026-03-31 09:00-10:00
is "$STATUS" 200 "choosing again"
is "$(psql_q "SELECT count(*) OVER () || ' ' || \"preferredSlot\" || ' ' || timezone || ' ' || source FROM \"ContactSchedule\" WHERE \"leadId\" = '$L1'")" "1 09:00-10:00 Europe/Warsaw lp_onboarding" "overwrites the one schedule"
is "$(sess "$L1" status)" SLOT_SELECTED "session SLOT_SELECTED"
is "$(lead_status "$L1")" NEW "the lead is not confirmed before the consents"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'onboarding_confirmed'")" 0 "no staff notice yet"

# --- consents ----------------------------------------------------------------------------------
consents "$T1" "$(answers false true true)"
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "a required consent refused: 422"
consents "$T1" "$(answers omit true true)"
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "a required consent without an answer (nothing implied): 422"
consents "$T1" "$(answers true true omit | jq -c 'map(select(.consentGiven != null))')"
is "$STATUS" 201 "the required ones given, the optional one not shown/answered"
psql_q "DELETE FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1'" >/dev/null
psql_q "UPDATE \"InsuranceOnboardingSession\" SET \"consentsCapAt\" = NULL, status = 'SLOT_SELECTED' WHERE \"leadId\" = '$L1'" >/dev/null
# (the previous capture confirmed the lead; reset it to check the full path below)
psql_q "UPDATE \"Lead\" SET status = 'NEW' WHERE id = '$L1'; DELETE FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L1';
	DELETE FROM \"Outbox\" WHERE template = 'onboarding_confirmed'" >/dev/null
AUDIT0=$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'status_change'")
consents "$T1" '[{"consentTemplateId":"cnosuchtemplate000000001","version":1,"consentGiven":true}]'
like "$STATUS" '^(400|422)$' "an unknown template is refused"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1'")" 0 "nothing recorded by the refused captures"
CGI_REMOTE_ADDR=203.0.113.77 consents "$T1" "$(answers true true false)"
is "$STATUS" 201 "all answered: 201"
is "$(jq_body '[.captured, .status] | join(",")')" "3,ONBOARDING_CONFIRMED" "three records; slot and consents in: confirmed"
is "$(psql_q "SELECT count(*) FILTER (WHERE \"ipAddress\" = '203.0.113.77' AND \"userAgent\" = 'izzy-cgi-test' AND \"clientSessionId\" = '$S1' AND \"consentMethod\" = 'ONLINE_FORM' AND \"recordedByUserId\" IS NULL) || '/' || count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1'")" 3/3 \
	"the records carry the request's IP and user agent and the session"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" r JOIN \"ConsentTemplate\" t ON t.id = r.\"consentTemplateId\" WHERE r.\"leadId\" = '$L1' AND r.\"consentText\" = t.content")" 3 "the text is the template's"
is "$(psql_q "SELECT \"consentGiven\" FROM \"ConsentRecord\" r JOIN \"ConsentTemplate\" t ON t.id = r.\"consentTemplateId\" WHERE r.\"leadId\" = '$L1' AND t.\"consentType\" = 'VEHICLE_PARTNERS'")" f "the optional refusal is recorded as shown"
is "$(sess "$L1" "status || ' ' || (\"consentsCapAt\" IS NOT NULL) || ' ' || \"ipAddress\"")" "ONBOARDING_CONFIRMED true 203.0.113.77" "session confirmed with the evidence"
is "$(lead_status "$L1")" ONBOARDING_CONFIRMED "the NEW lead is ONBOARDING_CONFIRMED"
is "$(psql_q "SELECT \"oldStatus\" || '>' || \"newStatus\" || ':' || coalesce(\"changedById\", 'system') FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L1'")" "NEW>ONBOARDING_CONFIRMED:system" "a status history row"
is "$(psql_q "SELECT count(*) - $AUDIT0 FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'status_change' AND \"userId\" IS NULL AND \"newValue\"::text LIKE '%ONBOARDING_CONFIRMED%'")" 1 "an audit status_change by the system"
is "$(psql_q "SELECT string_agg(recipient, ',' ORDER BY recipient) FROM \"Outbox\" WHERE template = 'onboarding_confirmed' AND \"leadId\" = '$L1'")" "staff1@example.com,staff2@example.com" "the staff notice to ONBOARDING_NOTIFY_EMAILS"
like "$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE template = 'onboarding_confirmed' LIMIT 1")" 'Jan Kowalski potwierdził termin kontaktu: 09:00-10:00, wtorek, 31 marca' "the notice names the slot and the day in Polish"
at "$NOW" slot "$T1" 2026-03-31 09:00-10:00
is "$STATUS" 200 "the same slot again"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'onboarding_confirmed' AND \"leadId\" = '$L1'")" 2 "no second notice for the same slot"
is "$(psql_q "SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L1'")" 1 "no second status change"
cgi_run GET "/api/leads/$L1/insurance-onboarding" '' "$OP"
is "$(jq_body '[.data.status, .data.contactSchedule.preferredSlot, .data.contactSchedule.timezone, (.data.openedAt != null), (.data.consentsCapAt != null)] | join(",")')" "ONBOARDING_CONFIRMED,09:00-10:00,Europe/Warsaw,true,true" "the staff view shows the slot and the steps"

# --- status rules ------------------------------------------------------------------------------
# FOLLOW_UP lead: confirmed session, lead unchanged.
cgi_run POST "/api/leads/$L5/insurance-onboarding/start" '' "$OP"
T5=$(token_of "$L5")
at "$NOW" slot "$T5" 2026-04-01 11:00-12:00
consents "$T5" "$(answers true true true)"
is "$STATUS:$(jq_body .status)" "201:ONBOARDING_CONFIRMED" "FOLLOW_UP lead: the session is confirmed"
is "$(lead_status "$L5")" FOLLOW_UP "... but the lead stays FOLLOW_UP"
is "$(psql_q "SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L5'")" 0 "... with no history row"
# FIRST_CONTACT lead, consents first: confirmed at the slot.
cgi_run POST "/api/leads/$L6/insurance-onboarding/start" '' "$OP"
T6=$(token_of "$L6")
consents "$T6" "$(answers true true true)"
is "$STATUS:$(jq_body .status)" "201:CONSENTS_CAPTURED" "consents first: CONSENTS_CAPTURED"
is "$(lead_status "$L6")" FIRST_CONTACT "the lead waits for the slot"
at "$NOW" slot "$T6" 2026-04-01 11:00-12:00
is "$(sess "$L6" status):$(lead_status "$L6")" "ONBOARDING_CONFIRMED:ONBOARDING_CONFIRMED" "the slot then confirms a FIRST_CONTACT lead"
# an anonymised lead's link is dead
psql_q "UPDATE \"Lead\" SET \"anonymizedAt\" = now() WHERE id = '$L6'" >/dev/null
verify "$T6"
is "$STATUS" 401 "the link of an anonymised lead: 401"

# --- admin message templates -------------------------------------------------------------------
cgi_run GET /api/admin/message-templates '' "$OP"
is "$(msg)" "403:Forbidden" "operators cannot list message templates"
cgi_run GET /api/admin/message-templates ''
is "$STATUS" 401 "anonymous: 401"
cgi_run GET /api/admin/message-templates '' "$SUP"
is "$STATUS" 200 "a supervisor lists them"
is "$(jq_body '[.data[].key] | join(",")')" "email_welcome_insurance,sms_welcome_insurance" "ordered by key"
SMS_TPL=$(jq_body '.data[] | select(.key == "sms_welcome_insurance") | .id')
V0=$(jq_body '.data[] | select(.key == "sms_welcome_insurance") | .version')
cgi_run PUT "/api/admin/message-templates/$SMS_TPL" '{"body":"Hej {{firstName}}! {{unknown}}Link: {{link}}"}' "$SUP"
is "$STATUS" 403 "a supervisor cannot edit"
cgi_run PUT "/api/admin/message-templates/cnosuchtemplate000000001" '{"body":"x"}' "$ADMIN"
is "$(msg)" "404:Message template not found" "unknown template: 404"
cgi_run PUT "/api/admin/message-templates/$SMS_TPL" '{"body":""}' "$ADMIN"
is "$STATUS" 400 "an empty body: 400"
cgi_run PUT "/api/admin/message-templates/$SMS_TPL" '{"body":"Hej {{firstName}}! {{unknown}}Link: {{link}}"}' "$ADMIN"
is "$STATUS" 200 "an admin edits the SMS template"
is "$(jq_body '[.version, .updatedBy, .isActive] | join(",")')" "$((V0 + 1)),$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'"),true" "version + 1, updatedBy"
mk_lead cleadonb0000000000000007 seed-partner "$OP_ID" '600100777' jan7@example.com
cgi_run POST "/api/leads/cleadonb0000000000000007/insurance-onboarding/start" '' "$OP"
T7=$(token_of cleadonb0000000000000007)
is "$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE \"leadId\" = 'cleadonb0000000000000007' AND channel = 'SMS'")" "Hej Jan! Link: $APP_BASE_URL/onboarding?token=$T7" "the start uses the edited template; unknown placeholders are dropped"
cgi_run PUT "/api/admin/message-templates/$SMS_TPL" '{"body":"x","isActive":false}' "$ADMIN"
is "$(jq_body .isActive)" false "a template can be turned off"

t_done
