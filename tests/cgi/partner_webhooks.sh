#!/usr/bin/env bash
# Partner webhook subscriptions (issue 14): /api/partners/:id/webhooks in
# cgi-bin/partners, run as plain CGI against a private PostgreSQL; and the
# triggers of migration 0035 that queue the events in the transaction of the
# change (lead created by any path, status changed one by one or in bulk,
# application form submitted).  Delivery and signatures: tests/worker/partner_webhooks.sh.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-partner-webhooks
CGI_LOG=$T_VAR/log/partner-webhooks-cgi.log
: >"$CGI_LOG"

p() { CGI_PROG=partners cgi_run "$@"; }
l() { CGI_PROG=leads cgi_run "$@"; }
msg() { printf '%s:%s' "$STATUS" "$(jq_body .message)"; }
issue() { printf '%s:%s' "$STATUS" "$(jq_body '.issues[0]|(.path|join("."))+":"+.message')"; }
hooks_of() { psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"webhookId\" = '$1'"; }
H=/api/partners/seed-partner/webhooks

psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Inny Partner')" >/dev/null
mk_user cpartneruser00000000000002 manager@example.com PARTNER_MANAGER seed-partner
mk_user cpartneruser00000000000003 employee@example.com PARTNER_EMPLOYEE seed-partner
mk_user cpartneruser00000000000005 other@example.com PARTNER_MANAGER other-partner
ADMIN=$(login admin@example.com 'Admin123!')
OP=$(login operator@example.com 'Operator123!')
MGR=$(login manager@example.com 'Admin123!')
EMP=$(login employee@example.com 'Admin123!')
OTHER=$(login other@example.com 'Admin123!')
[[ -n $ADMIN && -n $OP && -n $MGR && -n $EMP && -n $OTHER ]]
ok $? "test users log in"

# --- POST /api/partners/:id/webhooks ------------------------------------------------
p POST $H '{"url":"https://partner.example/hooks","events":["lead.status_changed","lead.created","lead.created"]}' "$MGR"
is "$STATUS" 201 "a partner manager subscribes their partner"
W1=$(jq_body .id)
SECRET=$(jq_body .secret)
like "$SECRET" '^whsec_[0-9a-f]{64}$' "the secret: whsec_ and 256 random bits in hex, shown at creation"
is "$(jq_body '[.url,(.events|join(",")),.active,.secretPrefix,.createdByUserId]|join("|")')" \
	"https://partner.example/hooks|lead.created,lead.status_changed|true|${SECRET:0:12}|cpartneruser00000000000002" \
	"url, events (sorted, once each), active by default, the secret's prefix, the creator"
p GET $H "" "$MGR"
is "$STATUS:$(jq_body 'length'):$(jq_body '.[0].id')" "200:1:$W1" "the list shows the subscription"
is "$(printf '%s' "$BODY" | grep -c "${SECRET:12}")" 0 "the list never shows the secret again"

p POST $H '{"url":"http://localhost:9/x","events":["application.submitted"],"active":false}' "$ADMIN"
is "$STATUS:$(jq_body .active)" "201:false" "an admin subscribes any partner; http:// outside production; inactive"
W2=$(jq_body .id)
p POST /api/partners/other-partner/webhooks '{"url":"https://other.example/h","events":["lead.created"]}' "$OTHER"
is "$STATUS" 201 "the other partner's manager subscribes their own partner"
W3=$(jq_body .id)

p POST $H '{"url":"ftp://partner.example/h","events":["lead.created"]}' "$MGR"
is "$(issue)" "400:url:Invalid url" "not an http(s) URL: 400"
p POST $H '{"url":"https://partner.example/h","events":["lead.deleted"]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:events.0" "an unknown event: 400"
p POST $H '{"url":"https://partner.example/h","events":[]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:events" "at least one event"
p POST $H '{"url":"https://partner.example/h","events":["lead.created"],"secret":"mine"}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].keys|join(",")')" "400:secret" "the secret is never chosen by the caller"
p POST $H '{"events":["lead.created"]}' "$MGR"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:url" "url is required"
p POST /api/partners/no-such-partner/webhooks '{"url":"https://x.example/","events":["lead.created"]}' "$ADMIN"
is "$(msg)" "404:Partner not found" "unknown partner: 404"

# --- who may call what ------------------------------------------------------------
for route in "GET|$H|" "POST|$H|{\"url\":\"https://x.example/\",\"events\":[\"lead.created\"]}" \
	"PATCH|$H/$W1|{\"active\":true}" "DELETE|$H/$W1|" "POST|$H/$W1/test|" \
	"GET|$H/$W1/deliveries|"; do
	IFS='|' read -r m path body <<<"$route"
	p "$m" "$path" "$body"
	is "$STATUS" 401 "$m ${path#/api/partners/seed-partner} without a session: 401"
	for who in OTHER EMP OP; do
		p "$m" "$path" "$body" "${!who}"
		is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "$m ${path#/api/partners/seed-partner} as $who: 403"
	done
done
is "$(psql_q "SELECT count(*) FROM \"PartnerWebhook\"")" 3 "no refused call created anything"
is "$(psql_q "SELECT active FROM \"PartnerWebhook\" WHERE id = '$W1'")" t "no refused call changed anything"

# --- PATCH / DELETE -----------------------------------------------------------------
p PATCH "$H/$W2" '{"active":true,"events":["application.submitted","lead.created"]}' "$MGR"
is "$STATUS:$(jq_body '[.active,(.events|join(",")),.url]|join("|")')" \
	"200:true|application.submitted,lead.created|http://localhost:9/x" "PATCH toggles and changes events; the URL stays"
p PATCH "$H/$W2" '{"url":"https://partner.example/second"}' "$MGR"
is "$STATUS:$(jq_body '[.active,(.events|join(",")),.url]|join("|")')" \
	"200:true|application.submitted,lead.created|https://partner.example/second" "PATCH changes the URL only"
p PATCH "$H/$W2" '{"events":[]}' "$MGR"
is "$STATUS" 400 "PATCH: an empty event list is refused"
p PATCH "$H/$W3" '{"active":false}' "$MGR"
is "$(msg)" "404:Webhook not found" "another partner's subscription id under the own partner: 404"
p PATCH "$H/cnosuchhook0000000000000" '{"active":false}' "$ADMIN"
is "$(msg)" "404:Webhook not found" "unknown subscription: 404"
p DELETE "$H/cnosuchhook0000000000000" "" "$ADMIN"
is "$(msg)" "404:Webhook not found" "DELETE unknown: 404"
p GET "$H/cnosuchhook0000000000000/deliveries" "" "$MGR"
is "$(msg)" "404:Webhook not found" "deliveries of an unknown subscription: 404"
p POST "$H/cnosuchhook0000000000000/test" "" "$MGR"
is "$(msg)" "404:Webhook not found" "test event of an unknown subscription: 404"

# --- events are queued by the changes themselves ------------------------------------
l POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"Jan","lastName":"Hakowy","email":"jan@example.com"}}' "$ADMIN"
LEAD=$(jq_body .id)
is "$STATUS" 201 "a lead of the partner"
ROW=$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE \"webhookId\" = '$W1'")
is "$(jq -r '[.type,.partnerId,.data.leadId,.data.status]|join("|")' <<<"$ROW")" \
	"lead.created|seed-partner|$LEAD|NEW" "lead.created queued for the subscription that wants it"
like "$(jq -r '.id + " " + .occurredAt' <<<"$ROW")" '^evt_[0-9a-f]{32} [0-9-]{10}T[0-9:.]{12}Z$' "event id and time"
is "$(grep -c -e Hakowy -e 'jan@' <<<"$ROW")" 0 "no personal data in the body"
is "$(hooks_of "$W2")" 1 "the second subscription (lead.created) got its own row"
is "$(psql_q "SELECT count(DISTINCT payload->>'id') FROM \"Outbox\" WHERE \"webhookId\" IN ('$W1', '$W2')")" 1 \
	"both rows carry the same event id"
is "$(hooks_of "$W3")" 0 "the other partner's subscription got nothing"

l POST "/api/leads/$LEAD/status" '{"status":"FIRST_CONTACT"}' "$ADMIN"
is "$STATUS" 200 "status change through the API"
is "$(psql_q "SELECT payload->'data'->>'previousStatus' || '>' || (payload->'data'->>'status') FROM \"Outbox\" WHERE \"webhookId\" = '$W1' AND template = 'lead.status_changed'")" \
	"NEW>FIRST_CONTACT" "lead.status_changed with the previous status"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"webhookId\" = '$W2' AND template = 'lead.status_changed'")" 0 \
	"not for a subscription without that event"
psql_q "UPDATE \"Lead\" SET status = status WHERE id = '$LEAD'" >/dev/null
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'lead.status_changed'")" 1 "an update that keeps the status queues nothing"

l POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"Ewa","lastName":"Druga"}}' "$ADMIN"
LEAD2=$(jq_body .id)
l POST /api/leads/bulk "{\"action\":\"status\",\"ids\":[\"$LEAD\",\"$LEAD2\"],\"status\":\"FOLLOW_UP\"}" "$ADMIN"
is "$STATUS:$(jq_body '.updated|length')" 200:2 "a bulk status change of two leads"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"webhookId\" = '$W1' AND template = 'lead.status_changed' AND payload->'data'->>'status' = 'FOLLOW_UP'")" \
	2 "a change of many leads queues one event per lead"

psql_q "UPDATE \"PartnerWebhook\" SET active = false WHERE id = '$W1'" >/dev/null
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cleadinactive000000000001', 'seed-partner', 'INBOUND')" >/dev/null
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = 'cleadinactive000000000001' AND \"webhookId\" = '$W1'")" 0 \
	"an inactive subscription gets nothing"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = 'cleadinactive000000000001' AND \"webhookId\" = '$W2'")" 1 \
	"a lead inserted by any program (here psql) is an event"
psql_q "BEGIN; INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cleadrolledback0000000001', 'seed-partner', 'NEW'); ROLLBACK" >/dev/null
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = 'cleadrolledback0000000001'")" 0 \
	"a rolled-back change leaves no event (same transaction)"

psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\") VALUES ('cformwebhook0000000000001', '$LEAD', 'IN_PROGRESS', 'wh-link', 'x')" >/dev/null &&
	psql_q "UPDATE \"ApplicationForm\" SET status = 'SUBMITTED', \"submittedAt\" = now() WHERE id = 'cformwebhook0000000000001'" >/dev/null
ok $? "an application form is submitted"
is "$(psql_q "SELECT payload->'data'->>'applicationId' || '|' || (payload->'data'->>'leadId') FROM \"Outbox\" WHERE \"webhookId\" = '$W2' AND template = 'application.submitted'")" \
	"cformwebhook0000000000001|$LEAD" "application.submitted with the form and lead ids"

# --- test event and delivery log ----------------------------------------------------
p POST "$H/$W1/test" "" "$MGR"
is "$STATUS:$(jq_body '[.event,.status,.attempts]|join("|")')" "201:webhook.test|PENDING|0" \
	"the test event is queued, also for an inactive subscription"
TID=$(jq_body .id)
is "$(psql_q "SELECT payload->>'type' FROM \"Outbox\" WHERE id = '$TID' AND \"webhookId\" = '$W1'")" webhook.test \
	"a webhook.test row for this subscription"
p GET "$H/$W1/deliveries" "" "$MGR"
is "$STATUS:$(jq_body '.[0].id'):$(jq_body 'map(.event)|sort|join(",")')" \
	"200:$TID:lead.created,lead.created,lead.status_changed,lead.status_changed,lead.status_changed,webhook.test" \
	"the delivery log lists the subscription's deliveries, newest first"
is "$(jq_body '.[0]|keys|join(",")')" "attempts,createdAt,event,id,lastError,lastHttpStatus,leadId,nextAttemptAt,sentAt,status" \
	"each delivery: event, status, attempts, last HTTP code and error, times"
p GET "/api/partners/other-partner/webhooks/$W3/deliveries" "" "$ADMIN"
is "$STATUS:$BODY" "200:[]" "an admin reads any partner's log"

# --- delete -----------------------------------------------------------------------
p DELETE "$H/$W1" "" "$MGR"
is "$STATUS" 204 "DELETE removes the subscription"
is "$(hooks_of "$W1")" 0 "and its deliveries"
p GET $H "" "$MGR"
is "$(jq_body 'map(.id)|join(",")')" "$W2" "the list no longer shows it"

t_done
