#!/usr/bin/env bash
# bin/izzy-worker: signed partner webhooks (issue 14, docs/partner-api.md)
# against the local receiver (tests/worker/receiver.py), which records every
# request and answers what the test tells it.  Events are queued by the
# triggers of migration 0035; the signature is checked here with Python's
# hmac, independently of common/crypto.c.  No CRM webhook, SMS or SMTP is
# configured: partner deliveries need none of them.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-partner-webhooks
# Its own port: channels.sh runs at the same time on IZZY_TEST_WORKER_RECEIVER.
PORT=${IZZY_TEST_WORKER_HOOKS:-48535}
RLOG=$T_VAR/receiver.jsonl
WLOG=$T_VAR/log/izzy-worker.log
CGI_LOG=$T_VAR/log/partners-cgi.log
mkdir -p "$T_VAR/log"
: >"$WLOG"
: >"$RLOG"
: >"$CGI_LOG"
BASE=http://127.0.0.1:$PORT
SECRET=whsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
HOOK=cpwhook000000000000000001

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
nreq() { jq -s length "$RLOG"; }
req() { jq -s -c ".[$1]" "$RLOG"; }
hdr() { jq -r ".headers[\"$2\"]" <<<"$1"; }
worker() {
	env -u CRM_WEBHOOK_URL -u SMTP_HOST -u SMSAPI_TOKEN IZZY_WORKER_ONCE=1 \
		IZZY_WORKER_HTTP_TIMEOUT_SECONDS=2 "$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
row() { psql_q "SELECT $2 FROM \"Outbox\" WHERE id = '$1'"; }
due_now() { psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() WHERE id = '$1'" >/dev/null; }
newest() { psql_q "SELECT id FROM \"Outbox\" WHERE \"webhookId\" = '${1:-$HOOK}' ORDER BY \"createdAt\" DESC, id DESC LIMIT 1"; }
# sigcheck SECRET REQUEST_JSON: "ok" when X-Izzy-Signature is sha256=HMAC(secret, ts "." body).
sigcheck() {
	python3 -c 'import sys, json, hmac, hashlib
r = json.loads(sys.argv[2]); h = r["headers"]
mac = hmac.new(sys.argv[1].encode(), (h["x-izzy-timestamp"] + "." + r["body"]).encode(), hashlib.sha256)
print("ok" if hmac.compare_digest(h.get("x-izzy-signature", ""), "sha256=" + mac.hexdigest()) else "bad")' "$1" "$2"
}

psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Inny Partner');
	INSERT INTO \"PartnerWebhook\" (id, \"partnerId\", url, events, secret) VALUES
	('$HOOK', 'seed-partner', '$BASE/partner/hook', '{lead.created,lead.status_changed,application.submitted}', '$SECRET'),
	('cpwhook000000000000000002', 'seed-partner', '$BASE/partner/off', '{lead.created}', '$SECRET'),
	('cpwhook000000000000000003', 'other-partner', '$BASE/other/hook', '{lead.created}', '$SECRET');
	UPDATE \"PartnerWebhook\" SET active = false WHERE id = 'cpwhook000000000000000002'" >/dev/null ||
	t_bail "cannot create the subscriptions"
receiver_start

# --- lead created: one signed delivery --------------------------------------------
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cleadpwh00000000000000001', 'seed-partner', 'NEW')" >/dev/null
D1=$(newest)
[[ -n $D1 ]]
ok $? "a new lead queues a delivery"
worker
is "$?" 0 "one pass exits 0 with nothing but partner webhooks to send"
is "$(nreq)" 1 "the receiver got exactly one request (inactive and other partners' subscriptions none)"
R=$(req 0)
is "$(jq -r .path <<<"$R")" /partner/hook "POSTed to the subscription's URL"
is "$(hdr "$R" content-type)" application/json "JSON"
is "$(hdr "$R" x-izzy-event)" lead.created "X-Izzy-Event"
is "$(hdr "$R" x-izzy-delivery)" "$D1" "X-Izzy-Delivery = the delivery id"
TS=$(hdr "$R" x-izzy-timestamp)
NOW=$(date +%s)
[[ $TS =~ ^[0-9]+$ ]] && ((TS <= NOW && TS > NOW - 120))
ok $? "X-Izzy-Timestamp is the Unix time of the attempt"
is "$(sigcheck "$SECRET" "$R")" ok "X-Izzy-Signature verifies with the subscription's secret"
is "$(sigcheck "${SECRET%?}0" "$R")" bad "and not with another secret"
is "$(jq -r .body <<<"$R")" "$(row "$D1" '"bodyText"')" "the body is the queued event, byte for byte"
is "$(jq -r '.body|fromjson|[.type,.partnerId,.data.leadId,.data.status]|join("|")' <<<"$R")" \
	"lead.created|seed-partner|cleadpwh00000000000000001|NEW" "type, partner, lead id and status"
is "$(row "$D1" "status || '/' || attempts || '/' || \"lastHttpStatus\"")" "SENT/1/200" "recorded SENT with HTTP 200"
is "$(psql_q "SELECT string_agg(status::text, ',') FROM \"CommunicationLog\" WHERE \"outboxId\" = '$D1'")" SENT \
	"the delivery is in the communication log"
worker
is "$(nreq)" 1 "a second pass sends nothing again"

# --- status change ------------------------------------------------------------------
psql_q "UPDATE \"Lead\" SET status = 'FIRST_CONTACT' WHERE id = 'cleadpwh00000000000000001'" >/dev/null
worker
R=$(req 1)
is "$(hdr "$R" x-izzy-event):$(jq -r '.body|fromjson|.data|.previousStatus + ">" + .status' <<<"$R")" \
	"lead.status_changed:NEW>FIRST_CONTACT" "status change -> lead.status_changed with the previous status"
is "$(sigcheck "$SECRET" "$R")" ok "signed"

# --- 500 then success: retried, one success, the same delivery id -----------------
mode 500
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cleadpwh00000000000000002', 'seed-partner', 'NEW')" >/dev/null
D2=$(newest)
worker
is "$(row "$D2" "status || '/' || attempts || '/' || \"lastHttpStatus\" || '/' || \"lastError\"")" \
	"PENDING/1/500/Non-2xx response 500" "a 500 is retried later (PENDING, back-off)"
is "$(psql_q "SELECT \"nextAttemptAt\" > now() + interval '20 seconds' FROM \"Outbox\" WHERE id = '$D2'")" t \
	"the retry waits (back-off)"
worker
is "$(nreq)" 3 "not retried before it is due"
mode hang
due_now "$D2"
worker
is "$(row "$D2" "status || '/' || attempts || '/' || coalesce(\"lastHttpStatus\"::text, 'none')")" "PENDING/2/none" \
	"a time-out is retried too (no HTTP status)"
mode ok
due_now "$D2"
worker
is "$(row "$D2" "status || '/' || attempts || '/' || \"lastHttpStatus\"")" "SENT/3/200" "delivered on the third attempt"
is "$(jq -s -c "[.[] | select(.headers[\"x-izzy-delivery\"] == \"$D2\")] | length" "$RLOG")" 3 \
	"three attempts, each with the same X-Izzy-Delivery"
is "$(psql_q "SELECT string_agg(status::text, ',' ORDER BY attempts) FROM \"CommunicationLog\" WHERE \"outboxId\" = '$D2'")" \
	"FAILED,FAILED,SENT" "each attempt is logged; exactly one success"
worker
is "$(jq -s -c "[.[] | select(.headers[\"x-izzy-delivery\"] == \"$D2\")] | length" "$RLOG")" 3 "never sent again"

# --- 4xx: dead letter at once, visible in the delivery log -------------------------
mode 401
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cleadpwh00000000000000003', 'seed-partner', 'NEW')" >/dev/null
D3=$(newest)
worker
is "$(row "$D3" "status || '/' || attempts || '/' || \"lastHttpStatus\"")" "FAILED/1/401" "a 4xx is a dead letter at once"
due_now "$D3"
worker
is "$(jq -s -c "[.[] | select(.headers[\"x-izzy-delivery\"] == \"$D3\")] | length" "$RLOG")" 1 "a dead letter is not retried"
mode ok
ADMIN=$(login admin@example.com 'Admin123!')
CGI_PROG=partners cgi_run GET "/api/partners/seed-partner/webhooks/$HOOK/deliveries" "" "$ADMIN"
is "$STATUS:$(jq_body ".[] | select(.id == \"$D3\") | [.event,.status,.attempts,.lastHttpStatus,.lastError] | join(\"|\")")" \
	"200:lead.created|FAILED|1|401|Non-2xx response 401" "the delivery log shows the dead letter"
is "$(jq_body ".[] | select(.id == \"$D2\") | [.status,.attempts] | join(\"|\")")" "SENT|3" "and the retried one"

# --- the test event button ------------------------------------------------------------
CGI_PROG=partners cgi_run POST "/api/partners/seed-partner/webhooks/$HOOK/test" "" "$ADMIN"
is "$STATUS" 201 "a test event is queued"
DT=$(jq_body .id)
worker
R=$(jq -s -c "[.[] | select(.headers[\"x-izzy-delivery\"] == \"$DT\")][0]" "$RLOG")
is "$(hdr "$R" x-izzy-event):$(jq -r '.body|fromjson|.type' <<<"$R")" "webhook.test:webhook.test" "the test event arrives"
is "$(sigcheck "$SECRET" "$R")" ok "signed like the others"
is "$(row "$DT" status)" SENT "and is recorded SENT"

# --- two workers at once: each delivery exactly once ---------------------------------
: >"$RLOG"
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status)
	SELECT 'cleadpwhmany' || lpad(g::text, 13, '0'), 'seed-partner', 'NEW' FROM generate_series(1, 30) g" >/dev/null
worker &
W1=$!
worker
wait "$W1"
is "$(nreq)" 30 "30 events, 30 requests from two workers"
is "$(jq -s '[.[].headers["x-izzy-delivery"]] | unique | length' "$RLOG")" 30 "no delivery id twice"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"webhookId\" = '$HOOK' AND status = 'SENT' AND \"leadId\" LIKE 'cleadpwhmany%'")" 30 \
	"all 30 SENT"
# --- public addresses only (IZZY_WEBHOOK_PUBLIC_ONLY, the production default) ---------------
# The receiver listens on 127.0.0.1, so a partner's URL that leads there (here by name, as
# "localhost" would in a URL a partner typed) is a dead letter, and nothing is sent.
: >"$RLOG"
psql_q "UPDATE \"PartnerWebhook\" SET url = replace(url, '127.0.0.1', 'localhost') WHERE id = '$HOOK'" >/dev/null
CGI_PROG=partners cgi_run POST "/api/partners/seed-partner/webhooks/$HOOK/test" "" "$ADMIN"
DP=$(jq_body .id)
IZZY_WEBHOOK_PUBLIC_ONLY=true worker
is "$(row "$DP" "status || '|' || attempts || '|' || \"lastError\"")" \
	"FAILED|1|the webhook URL leads to a private or local address" "a URL leading to a local address: dead letter with the reason"
is "$(nreq)" 0 "nothing reached the local receiver"
! grep -q -e "$SECRET" -e '/partner/hook' "$WLOG"
ok $? "the worker log has neither the secret nor the URL"

t_done
