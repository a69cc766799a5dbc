#!/usr/bin/env bash
# bin/izzy-worker under faults (issue 9), with the lead's communication log
# telling the truth throughout:
#  - the SMTP server (maildev) or the SMS provider (tests/worker/receiver.py)
#    is down: messages wait and go out when it is back, none lost, none twice;
#  - the worker is killed with SIGKILL mid-batch: frozen deterministically
#    at the 4th of 8 messages (a trigger makes that message's SENT record
#    wait for an advisory lock this test holds), killed, then a new worker
#    leaves the dead worker's leased rows alone until the lease ends and then
#    delivers exactly the rest;
#  - a recipient refused for good: the dead letter, with the server's reason,
#    in GET /api/leads/:id/communications, and a manager's retry delivers it.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-faults
SMTP_PORT=${IZZY_TEST_WORKER_FAULT_SMTP:-48531}
WEB_PORT=${IZZY_TEST_WORKER_FAULT_WEB:-48532}
RECV_PORT=${IZZY_TEST_WORKER_FAULT_RECV:-48533}
STUB_PORT=${IZZY_TEST_WORKER_FAULT_STUB:-48534}
WLOG=$T_VAR/log/izzy-worker.log
RLOG=$T_VAR/receiver.jsonl
mkdir -p "$T_VAR/log"
: >"$WLOG"
: >"$RLOG"
API=http://127.0.0.1:$WEB_PORT/api/email
L=clfaults00000000000000001
RPID=
trap 'r=$?; [[ -n $RPID ]] && kill "$RPID" 2>/dev/null; stack_maildev_stop "$T_VAR" >/dev/null 2>&1; (exit $r); t_cleanup' EXIT

psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$L', 'seed-partner', 'FIRST_CONTACT');
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
	VALUES ('cp$L', '$L', 'Anna', 'Nowak', 'anna@example.com', '+48 601 234 567')" >/dev/null

worker() {
	env IZZY_WORKER_ONCE=1 EMAIL_FROM=crm@izzy.test SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT \
		SMSAPI_TOKEN=sms-token SMSAPI_URL=http://127.0.0.1:$RECV_PORT/sms.do SMSAPI_SENDER_NAME=Izzy \
		IZZY_WORKER_HTTP_TIMEOUT_SECONDS=2 "$@" "$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
mails() { curl -fsS --noproxy '*' "$API"; }
# mail_settle: a marker sent over SMTP and seen in maildev's list: everything
# handed to maildev before is stored (a barrier, not a sleep).
SETTLE_N=0
mail_settle() {
	local subj="settle-$((++SETTLE_N))" id="" i
	printf 'From: s@izzy.test\r\nTo: s@izzy.test\r\nSubject: %s\r\n\r\nx\r\n' "$subj" |
		curl -sS --noproxy '*' --url "smtp://127.0.0.1:$SMTP_PORT" --mail-from s@izzy.test --mail-rcpt s@izzy.test -T - ||
		t_bail "maildev does not take mail"
	for ((i = 0; i < 300; i++)); do
		id=$(mails | jq -r --arg s "$subj" '.[] | select(.subject == $s) | .id')
		[[ -n $id ]] && break
		sleep 0.1
	done
	[[ -n $id ]] || t_bail "maildev did not list the marker"
	curl -fsS --noproxy '*' -X DELETE "$API/$id" >/dev/null
}
subjects() { mails | jq -r '[.[].subject] | sort | join(" ")'; }
add_mail() {
	psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", template, \"leadId\", attempts, \"nextAttemptAt\")
		VALUES ('$1', 'EMAIL', 'anna@example.com', '$2', 'x', 'lead_email', '$L', ${3:-0}, now() - interval '${4:-0} seconds')" >/dev/null
}
row() { psql_q "SELECT $2 FROM \"Outbox\" WHERE id = '$1'"; }
rows() { psql_q "SELECT string_agg(status || '/' || attempts, ' ' ORDER BY id) FROM \"Outbox\" WHERE id LIKE '$1%'"; }
comlog() {
	psql_q "SELECT string_agg(status || '/' || attempts, ' ' ORDER BY \"createdAt\", attempts, (status = 'PENDING') DESC)
		FROM \"CommunicationLog\" WHERE \"outboxId\" = '$1'"
}
due_now() { psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() WHERE id LIKE '$1%' AND status = 'PENDING'" >/dev/null; }

# --- the SMTP server is down, then back ------------------------------------------------
for i in 1 2 3 4 5; do add_mail "odown0000000000000000000$i" "Down $i"; done
worker
is "$(rows odown)" "PENDING/1 PENDING/1 PENDING/1 PENDING/1 PENDING/1" "SMTP down: every message waits (attempt counted)"
is "$(comlog odown00000000000000000001)" "FAILED/1" "the log shows the failed attempt"
stack_maildev_start "$T_VAR" "$SMTP_PORT" "$WEB_PORT" 2>>"$T_VAR/stack.log" || t_bail "maildev did not start"
due_now odown
worker
mail_settle
is "$(rows odown)" "SENT/2 SENT/2 SENT/2 SENT/2 SENT/2" "SMTP back: every message sent"
is "$(subjects)" "Down 1 Down 2 Down 3 Down 4 Down 5" "maildev got each message exactly once"
is "$(comlog odown00000000000000000003)" "FAILED/1 SENT/2" "the log: failed, then sent"
worker
mail_settle
is "$(mails | jq length)" 5 "another pass sends nothing again"

# --- the SMS provider is down, then back ---------------------------------------------------
for i in 1 2 3; do
	"$top_builddir/tests/worker/enqueue" sms "$L" "+48 601 234 567" "SMS numer $i" faults_sms 2>>"$T_VAR/log/enqueue.log" ||
		t_bail "enqueue failed"
done
worker
is "$(psql_q "SELECT string_agg(status || '/' || attempts, ' ') FROM \"Outbox\" WHERE channel = 'SMS'")" "PENDING/1 PENDING/1 PENDING/1" \
	"SMS provider down: the SMS wait"
python3 "$top_srcdir/tests/worker/receiver.py" "$RECV_PORT" "$RLOG" 2>>"$T_VAR/receiver.err" &
RPID=$!
t_wait_port "$RECV_PORT" || t_bail "the receiver did not listen"
psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() WHERE channel = 'SMS'" >/dev/null
worker
is "$(psql_q "SELECT string_agg(status || '/' || attempts, ' ') FROM \"Outbox\" WHERE channel = 'SMS'")" "SENT/2 SENT/2 SENT/2" "provider back: all sent"
is "$(jq -s -r '[.[] | select(.path == "/sms.do") | .query.message] | sort | join(",")' "$RLOG")" "SMS numer 1,SMS numer 2,SMS numer 3" \
	"the provider got each SMS exactly once"
worker
is "$(jq -s '[.[] | select(.path == "/sms.do")] | length' "$RLOG")" 3 "another pass sends none again"

# --- SIGKILL mid-batch ------------------------------------------------------------------------
curl -fsS --noproxy '*' -X DELETE "$API/all" >/dev/null
for i in 1 2 3 4 5 6 7 8; do add_mail "okill0000000000000000000$i" "Kill $i" 0 $((20 - i)); done
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <<'SQL'
CREATE FUNCTION test_freeze() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242); RETURN NEW; END $$;
CREATE TRIGGER test_freeze BEFORE INSERT ON "CommunicationLog" FOR EACH ROW
	WHEN (NEW."outboxId" = 'okill00000000000000000004' AND NEW.status = 'SENT')
	EXECUTE FUNCTION test_freeze();
SQL
t_hold freeze "SELECT pg_advisory_lock(4242)"
ok $? "the test holds the freeze lock"
env EMAIL_FROM=crm@izzy.test SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT IZZY_WORKER_POLL_SECONDS=60 \
	"$top_builddir/bin/izzy-worker" 2>>"$WLOG" &
wp=$!
frozen=1
for ((i = 0; i < 300; i++)); do
	[[ $(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'") == 1 ]] && { frozen=0; break; }
	sleep 0.1
done
ok $frozen "the worker is frozen recording the 4th message"
kill -KILL "$wp"
wait "$wp" 2>/dev/null
# The killed worker's statement finishes once the lock is free (the message
# was delivered, so it must end SENT); then its backend notices the client is gone.
t_release freeze
for ((i = 0; i < 300; i++)); do
	[[ $(row okill00000000000000000004 status) == SENT ]] && break
	sleep 0.1
done
psql_q 'DROP TRIGGER test_freeze ON "CommunicationLog"; DROP FUNCTION test_freeze()' >/dev/null
mail_settle
# The batch is sent in the order the claim returned it: some messages before
# the frozen one, the others after.
SENT_IDS=$(psql_q "SELECT string_agg(subject, ' ' ORDER BY subject) FROM \"Outbox\" WHERE id LIKE 'okill%' AND status = 'SENT'")
K=$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE id LIKE 'okill%' AND status = 'SENT'")
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE id LIKE 'okill%' AND status = 'SENDING'")" "$((8 - K))" \
	"killed mid-batch: every message not sent is still leased by the dead worker"
is "$(row okill00000000000000000004 status)" SENT "the frozen message, delivered, ends SENT"
is "$(subjects)" "$SENT_IDS" "maildev holds exactly the messages recorded SENT"
is "$(comlog okill00000000000000000004)" "SENT/1" "the 4th has its SENT log row (recorded with the SENT status in one statement)"
worker
mail_settle
is "$(mails | jq length)" "$K" "a new worker leaves the leased rows alone while the lease runs"
psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() - interval '1 second' WHERE id LIKE 'okill%' AND status = 'SENDING'" >/dev/null
worker
mail_settle
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE id LIKE 'okill%' AND status = 'SENT'")" 8 "after the lease: the rest is sent"
is "$(subjects)" "Kill 1 Kill 2 Kill 3 Kill 4 Kill 5 Kill 6 Kill 7 Kill 8" "all 8 delivered, none twice"
is "$(psql_q "SELECT count(*) FROM \"CommunicationLog\" WHERE \"outboxId\" LIKE 'okill%' AND status = 'SENT'")" 8 "one SENT log row per message"

# --- a recipient refused for good: the dead letter on the lead's log ------------------------------
cat >"$T_VAR/refuse.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(5); s.settimeout(60)
done = False
while not done:
    c, _ = s.accept(); c.settimeout(60)
    def w(x): c.sendall(x.encode() + b'\r\n')
    try:
        w('220 refuse ESMTP')
        for l in c.makefile('rb'):
            u = l.upper()
            if u.startswith(b'EHLO'): w('250-refuse'); w('250 8BITMIME')
            elif u.startswith(b'RCPT'): done = True; w('550 5.1.1 <anna@example.com>: Recipient address rejected: User unknown')
            elif u.startswith(b'QUIT'): w('221 bye'); break
            else: w('250 ok')
    except OSError:
        pass
    c.close()
PY
add_mail obad00000000000000000001 "Zły adres" 7
python3 "$T_VAR/refuse.py" "$STUB_PORT" &
fp=$!
t_wait_port "$STUB_PORT" || t_bail "the refusing stub did not listen"
worker SMTP_PORT=$STUB_PORT
wait "$fp"
is "$(row obad00000000000000000001 "status || '/' || attempts")" "FAILED/8" "the last attempt refused: dead letter"
ADMIN=$(login admin@example.com)
CGI_PROG=leads cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
E=$(jq_body '[.data[] | select(.outboxId == "obad00000000000000000001")][0]')
is "$(jq -r '[.status, .messageStatus, .attempts, .lastError, .canRetry] | map(tostring) | join("|")' <<<"$E")" \
	"dead|dead|8|RCPT TO 550 5.1.1 <address> Recipient address rejected: User unknown|true" \
	"GET communications: dead, with the server's reason (address blanked), retry offered"
CGI_PROG=leads cgi_run POST "/api/leads/$L/communications/obad00000000000000000001/retry" "" "$ADMIN"
is "$STATUS" 200 "a manager re-queues it"
worker
mail_settle
is "$(row obad00000000000000000001 "status || '/' || attempts")" "SENT/1" "delivered after the retry"
CGI_PROG=leads cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
is "$(jq_body '[.data[] | select(.outboxId == "obad00000000000000000001") | .status] | join(" ")')" "sent queued dead" \
	"the log, newest first: sent, re-queued, dead"

t_done
