#!/usr/bin/env bash
# bin/izzy-worker: SMS through SMSAPI.pl and the outgoing CRM webhook (issue 9,
# spec §5.6, §5.7) against a local HTTP receiver (tests/worker/receiver.py) that
# records every request and answers what the test tells it: SMSAPI success,
# error 14, 500, 401 or a hang past the time-out.  Rows are queued through
# common/outbox.c (tests/worker/enqueue); every attempt outcome must be a row of
# the lead's CommunicationLog.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-channels
PORT=${IZZY_TEST_WORKER_RECEIVER:-32510}
RLOG=$T_VAR/receiver.jsonl
WLOG=$T_VAR/log/izzy-worker.log
mkdir -p "$T_VAR/log"
: >"$WLOG"
: >"$RLOG"
: >"$T_VAR/log/enqueue.log"
BASE=http://127.0.0.1:$PORT
SMS_TOKEN=sms-token-0123456789abcdef
HOOK_TOKEN=hook-token-0123456789abcdef
LEAD=clead0channels00000000001

RPID=
receiver_start() {
	python3 "$top_srcdir/tests/worker/receiver.py" "$PORT" "$RLOG" 2>>"$T_VAR/receiver.err" &
	RPID=$!
	local i
	for ((i = 0; i < 300; i++)); do
		curl -fsS "$BASE/_ping" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	t_bail "the receiver did not answer on $PORT"
}
receiver_stop() {
	[[ -n $RPID ]] || return 0
	kill "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	RPID=
}
trap 'r=$?; receiver_stop; (exit $r); t_cleanup' EXIT
mode() { curl -fsS -X POST --data "$1" "$BASE/_mode" >/dev/null || t_bail "cannot set receiver mode $1"; }
reqs() { jq -s -c "$@" "$RLOG"; }
nreq() { jq -s length "$RLOG"; }

# worker [VAR=value...]: one pass; SMS and webhook on, e-mail off.
worker() {
	env IZZY_WORKER_ONCE=1 IZZY_WORKER_HTTP_TIMEOUT_SECONDS=2 \
		SMSAPI_TOKEN=$SMS_TOKEN SMSAPI_URL=$BASE/sms.do SMSAPI_SENDER_NAME=Izzy \
		CRM_WEBHOOK_URL=$BASE/crm/hook CRM_WEBHOOK_TOKEN=$HOOK_TOKEN "$@" \
		"$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
enqueue() { "$top_builddir/tests/worker/enqueue" "$@" 2>>"$T_VAR/log/enqueue.log"; }
row() { psql_q "SELECT $2 FROM \"Outbox\" WHERE id = '$1'"; }
last_outbox() { psql_q "SELECT id FROM \"Outbox\" WHERE channel = '$1' ORDER BY \"createdAt\" DESC, id DESC LIMIT 1"; }
# comlog OUTBOX_ID: the log rows of one message, oldest first: status/attempts/error.
comlog() {
	psql_q "SELECT string_agg(status || '/' || attempts || '/' || coalesce(\"errorMessage\", '-'), ' ' ORDER BY \"createdAt\", attempts, (status = 'PENDING') DESC)
		FROM \"CommunicationLog\" WHERE \"outboxId\" = '$1'"
}
due_now() { psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() WHERE id = '$1'" >/dev/null; }

psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$LEAD', 'seed-partner', 'NEW')" >/dev/null ||
	t_bail "cannot create the test lead"
receiver_start

# --- SMS: delivered exactly once, digits only, Bearer, UTF-8, sender, macro ------
TEXT='Cześć Zofio, wypełnij wniosek: [%idzdo:https://crm.test/f/abc?x=1&y=2%] Twój kod: 1234'
enqueue sms "$LEAD" '+48 (601) 234-567' "$TEXT" app_form_sms
is "$?" 0 "outbox_sms queues an SMS"
S1=$(last_outbox SMS)
is "$(row "$S1" "status || ' ' || recipient || ' ' || template || ' ' || \"leadId\"")" \
	"PENDING 48601234567 app_form_sms $LEAD" "the row holds the number as digits only"
is "$(comlog "$S1")" "PENDING/0/-" "the lead's communication log shows it queued"
worker
is "$?" 0 "one pass exits 0"
is "$(nreq)" 1 "the receiver got one request"
R=$(reqs '.[0]')
is "$(jq -r .path <<<"$R")" /sms.do "POSTed to SMSAPI_URL"
is "$(jq -r .query.to <<<"$R")" 48601234567 "to = digits only"
is "$(jq -r .query.message <<<"$R")" "$TEXT" "message is the UTF-8 text with the [%idzdo:%] macro untouched"
is "$(jq -r '.query | "\(.format) \(.encoding) \(.from) \(has("test"))"' <<<"$R")" "json utf-8 Izzy false" \
	"format=json, encoding=utf-8, from=the sender name, no test flag"
is "$(jq -r '.headers.authorization' <<<"$R")" "Bearer $SMS_TOKEN" "Authorization: Bearer SMSAPI_TOKEN"
is "$(jq -r '.body' <<<"$R")" "" "empty body (parameters in the query string)"
is "$(row "$S1" "status || ' ' || attempts || ' ' || (\"sentAt\" IS NOT NULL)")" "SENT 1 true" "row SENT"
is "$(comlog "$S1")" "PENDING/0/- SENT/1/-" "the communication log gained one SENT row"
is "$(psql_q "SELECT \"providerMessageId\" || ' ' || channel || ' ' || direction || ' ' || \"leadId\" FROM \"CommunicationLog\" WHERE \"outboxId\" = '$S1' AND status = 'SENT'")" \
	"msg-1 SMS OUTBOUND $LEAD" "the SENT row has the provider's message id, channel and direction"
worker
is "$(nreq)" 1 "a second pass sends nothing again"
grep -q "\[sms\] Sent app_form_sms sms $S1 (msgId: msg-1" "$WLOG"
ok "$?" "INFO [sms] Sent line names template, id and provider id"

# SMSAPI_TEST=1: the provider's test mode
: >"$RLOG"
enqueue sms "$LEAD" '601 234 568' 'Test trybu' onboarding_sms
S2=$(last_outbox SMS)
worker SMSAPI_TEST=1
is "$(reqs '.[0].query.test')" '"1"' "SMSAPI_TEST=1 sends test=1"
is "$(row "$S2" status)" SENT "test-mode SMS recorded SENT"

# --- SMS: 500 then timeout are retried, then delivered -----------------------------
: >"$RLOG"
enqueue sms "$LEAD" '600100200' 'Ponowienie' retry_sms
S3=$(last_outbox SMS)
mode 500
worker
is "$(row "$S3" "status || ' ' || attempts")" "PENDING 1" "HTTP 500: the row waits for another attempt"
like "$(row "$S3" '"lastError"')" "SMSAPI error 201: System internal error" "lastError has the provider's error"
is "$(row "$S3" "\"nextAttemptAt\" > now() + interval '20 seconds'")" t "with a back-off"
due_now "$S3"
mode hang
worker
is "$(row "$S3" "status || ' ' || attempts")" "PENDING 2" "a hanging provider times out and the row waits"
like "$(row "$S3" '"lastError"')" "SMSAPI error: .*[Tt]imeout|timed out" "lastError says time-out"
due_now "$S3"
mode ok
worker
is "$(row "$S3" "status || ' ' || attempts")" "SENT 3" "third attempt delivered"
is "$(nreq)" 3 "three requests, one delivery"
like "$(comlog "$S3")" "^PENDING/0/- FAILED/1/SMSAPI error 201[^ ]* .*FAILED/2/SMSAPI error: .* SENT/3/-$" \
	"communication log: queued, failed, failed, sent"
grep -q "WARN.*\[sms\] Attempt 1/8 failed for sms $S3" "$WLOG"
ok "$?" "WARN [sms] Attempt 1/8 failed"

# --- SMS: error 14 (unregistered sender) and 401 are dead letters -------------------
: >"$RLOG"
enqueue sms "$LEAD" '600100201' 'Nadawca' sender_sms
S4=$(last_outbox SMS)
mode err14
worker
is "$(row "$S4" "status || ' ' || attempts")" "FAILED 1" "error 14: dead letter at once"
is "$(row "$S4" '"lastError"')" "SMSAPI error 14: Invalid sender field" "with the provider's reason"
is "$(comlog "$S4")" "PENDING/0/- DEAD/1/SMSAPI error 14: Invalid sender field" "DEAD row on the lead's log"
due_now "$S4"
worker
is "$(nreq)" 1 "a dead letter is never sent again"
: >"$RLOG"
enqueue sms "$LEAD" '600100202' 'Token' token_sms
S5=$(last_outbox SMS)
mode 401
worker
is "$(row "$S5" "status || ' ' || attempts")" "FAILED 1" "HTTP 401: dead letter"
like "$(comlog "$S5")" "DEAD/1/SMSAPI error 101: Authorization failed$" "DEAD row with the reason"
mode ok

# --- SMS: receiver down -> the row waits, delivered when it is back ------------------
receiver_stop
: >"$RLOG"
enqueue sms "$LEAD" '600100203' 'Przerwa' down_sms
S6=$(last_outbox SMS)
worker
is "$(row "$S6" "status || ' ' || attempts")" "PENDING 1" "receiver down: the row waits"
like "$(row "$S6" '"lastError"')" "SMSAPI error: .*([Cc]onnect|refused)" "lastError says the connection failed"
receiver_start
due_now "$S6"
worker
is "$(row "$S6" "status || ' ' || attempts")" "SENT 2" "delivered when the receiver is back"
is "$(nreq)" 1 "exactly once"
is "$(reqs '.[0].query.message')" '"Przerwa"' "the right message"

# a refused number never reaches the outbox
enqueue sms "$LEAD" 'brak numeru' 'x' bad_sms
isnt_rc=$?
is "$isnt_rc" 1 "outbox_sms refuses a phone without digits"

# --- CRM webhook ------------------------------------------------------------------
: >"$RLOG"
PAYLOAD='{"event":"application.ready_for_review","applicationFormId":"cform00000000000000000001","leadId":"'$LEAD'","consents":[{"consentTemplateId":"ctpl000000000000000000001","version":2,"consentGiven":true,"consentType":"MARKETING"}],"clientIp":null,"userAgent":null}'
enqueue webhook "$LEAD" application.ready_for_review "$PAYLOAD" "ready:cform00000000000000000001:1"
is "$?" 0 "outbox_webhook queues an event"
enqueue webhook "$LEAD" application.ready_for_review "$PAYLOAD" "ready:cform00000000000000000001:1"
is "$?" 0 "the same idempotency key again is a no-op"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE channel = 'WEBHOOK'")" 1 "one row for one event"
enqueue webhook "$LEAD" application.ready_for_review '{not json' "ready:bad"
is "$?" 1 "a payload that is not JSON is refused"
W1=$(last_outbox WEBHOOK)
is "$(comlog "$W1")" "PENDING/0/-" "the event is queued on the lead's log"
worker
is "$(nreq)" 1 "the CRM got one request"
R=$(reqs '.[0]')
is "$(jq -r .path <<<"$R")" /crm/hook "POSTed to CRM_WEBHOOK_URL"
is "$(jq -r .body <<<"$R")" "$PAYLOAD" "body = the §5.7 payload, byte for byte"
is "$(jq -r '.headers["content-type"]' <<<"$R")" application/json "Content-Type: application/json"
is "$(jq -r '.headers.authorization' <<<"$R")" "Bearer $HOOK_TOKEN" "Authorization: Bearer CRM_WEBHOOK_TOKEN"
is "$(jq -r '.headers["idempotency-key"]' <<<"$R")" "ready:cform00000000000000000001:1" "Idempotency-Key header"
is "$(row "$W1" status)" SENT "webhook row SENT"
is "$(comlog "$W1")" "PENDING/0/- SENT/1/-" "SENT on the lead's log"
is "$(psql_q "SELECT channel || ' ' || coalesce(\"sentTo\", '-') FROM \"CommunicationLog\" WHERE \"outboxId\" = '$W1' AND status = 'SENT'")" \
	"WEBHOOK -" "channel WEBHOOK, no URL stored"

# 500 and a hang are retried with the same key; then delivered once
: >"$RLOG"
enqueue webhook "$LEAD" application.ready_for_review '{"n":2}' "ready:two"
W2=$(last_outbox WEBHOOK)
mode 500
worker
is "$(row "$W2" "status || ' ' || attempts || ' ' || \"lastError\"")" "PENDING 1 Non-200 response 500" "5xx: retried later"
due_now "$W2"
mode hang
worker
is "$(row "$W2" "status || ' ' || attempts")" "PENDING 2" "time-out: retried later"
due_now "$W2"
mode ok
worker
is "$(row "$W2" "status || ' ' || attempts")" "SENT 3" "then delivered"
is "$(reqs '[.[].headers["idempotency-key"]] | unique')" '["ready:two"]' "every attempt carries the same Idempotency-Key"
like "$(comlog "$W2")" "^PENDING/0/- FAILED/1/Non-200 response 500 FAILED/2/Failed to send webhook: .* SENT/3/-$" \
	"log: queued, failed, failed, sent"

# 401 and 404: dead letter, no retry
enqueue webhook "$LEAD" application.ready_for_review '{"n":3}' "ready:three"
W3=$(last_outbox WEBHOOK)
mode 401
worker
is "$(row "$W3" "status || ' ' || attempts || ' ' || \"lastError\"")" "FAILED 1 Non-200 response 401" "4xx: dead letter at once"
is "$(comlog "$W3")" "PENDING/0/- DEAD/1/Non-200 response 401" "DEAD on the lead's log"
grep -q "ERROR.*\[crm-webhook\] Non-200 response 401 for event $W3" "$WLOG"
ok "$?" "ERROR [crm-webhook] line"
mode ok

# --- retries exhausted: the 8th failure is the dead letter ----------------------------
enqueue sms "$LEAD" '600100204' 'Ostatnia' last_sms
S7=$(last_outbox SMS)
psql_q "UPDATE \"Outbox\" SET attempts = 7 WHERE id = '$S7'" >/dev/null
mode 500
worker
is "$(row "$S7" "status || ' ' || attempts")" "FAILED 8" "after 8 attempts: dead letter"
like "$(comlog "$S7")" "DEAD/8/SMSAPI error 201" "DEAD row on the log"
mode ok

# --- channel not configured: rows wait ----------------------------------------------
: >"$RLOG"
enqueue sms "$LEAD" '600100205' 'Czeka' wait_sms
S8=$(last_outbox SMS)
worker SMSAPI_TOKEN= CRM_WEBHOOK_URL=
is "$(row "$S8" "status || ' ' || attempts")" "PENDING 0" "without SMSAPI_TOKEN the SMS waits"
is "$(nreq)" 0 "and nothing is sent"
worker
is "$(row "$S8" status)" SENT "sent once SMS is configured"

# --- production refuses an http:// webhook URL ----------------------------------------
: >"$RLOG"
enqueue webhook "$LEAD" application.ready_for_review '{"n":4}' "ready:four"
W4=$(last_outbox WEBHOOK)
worker IZZY_ENV=production SMSAPI_URL=https://127.0.0.1:1/sms.do
is "$?" 1 "production with an http:// CRM_WEBHOOK_URL: the worker refuses to start"
grep -q "CRM_WEBHOOK_URL must be https:// in production" "$WLOG"
ok "$?" "and says why"
is "$(nreq) $(row "$W4" "status || ' ' || attempts")" "0 PENDING 0" "nothing sent, the event waits"

# --- SIGTERM finishes the message in hand ------------------------------------------------
: >"$RLOG"
enqueue sms "$LEAD" '600100206' 'Sygnał' term_sms
S9=$(last_outbox SMS)
enqueue sms "$LEAD" '600100207' 'Sygnał 2' term_sms
S10=$(last_outbox SMS)
mode hang
env IZZY_WORKER_POLL_SECONDS=60 IZZY_WORKER_HTTP_TIMEOUT_SECONDS=5 SMSAPI_TOKEN=$SMS_TOKEN \
	SMSAPI_URL=$BASE/sms.do "$top_builddir/bin/izzy-worker" 2>>"$WLOG" &
wp=$!
for ((i = 0; i < 300; i++)); do [[ $(nreq) -ge 1 ]] && break; sleep 0.1; done
is "$(nreq)" 1 "the worker is in the middle of the first SMS"
kill -TERM "$wp"
wait "$wp"
is "$?" 0 "SIGTERM: exit 0"
# The claim does not order the batch: whichever was in hand has attempts 1.
is "$(psql_q "SELECT string_agg(status || ' ' || attempts, ',' ORDER BY attempts) FROM \"Outbox\" WHERE id IN ('$S9', '$S10')")" \
	"PENDING 0,PENDING 1" "the message in hand was finished (its time-out recorded), the other released untried"
is "$(psql_q "SELECT count(*) FROM \"CommunicationLog\" WHERE \"outboxId\" IN ('$S9', '$S10') AND status = 'FAILED'")" 1 \
	"one attempt on the log"
is "$(nreq)" 1 "no second request after SIGTERM"
mode ok

# --- logs never hold a number, token or body ----------------------------------------------
! grep -E -q "48601234567|601 234|600100|$SMS_TOKEN|$HOOK_TOKEN|Cześć|Przerwa|application\.ready_for_review\"|consentTemplateId" "$WLOG" "$T_VAR/log/enqueue.log"
ok "$?" "no phone number, token or message body in the logs"
grep -q "\[crm-webhook\]" "$WLOG" && grep -q "\[sms\]" "$WLOG"
ok "$?" "log lines carry the [sms] and [crm-webhook] tags"

t_done
