#!/usr/bin/env bash
# bin/izzy-worker: e-mail delivery from "Outbox" to maildev over SMTP, retries, refusals,
# several workers at once.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-mail
# Fixed ports, overridable so that parallel runs do not collide.
SMTP_PORT=${IZZY_TEST_WORKER_SMTP:-48525}
WEB_PORT=${IZZY_TEST_WORKER_MAILWEB:-48526}
CLOSED_PORT=${IZZY_TEST_WORKER_CLOSED:-48527}
STUB_PORT=${IZZY_TEST_WORKER_STUB:-48528}
stack_maildev_start "$T_VAR" "$SMTP_PORT" "$WEB_PORT" 2>>"$T_VAR/stack.log" || { cat "$T_VAR/stack.log" >&2; t_bail "maildev did not start"; }
API=http://127.0.0.1:$WEB_PORT/api/email
WLOG=$T_VAR/log/izzy-worker.log
: >"$WLOG"
CGI_LOG=$T_VAR/log/auth-cgi.log

# worker [VAR=value...]: one pass against maildev; the overrides come last and win.
worker() {
	env IZZY_WORKER_ONCE=1 EMAIL_FROM=crm@izzy.test SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT "$@" \
		"$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
mails() { curl -fsS "$API"; }
mail_count() { mails | jq length; }
mail_clear() { curl -fsS -X DELETE "$API/all" >/dev/null; }
# wait_mails N: until maildev holds N messages (30 s at most; the checks after it
# tell), then mail_settle, so that a count taken next is final.
wait_mails() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ $(mail_count) -ge $1 ]] && break
		sleep 0.1
	done
	mail_settle
}
# mail_settle: a barrier instead of "sleep and hope" before counting.  Sends a
# marker message to maildev over SMTP and waits until maildev lists it, so
# whatever a finished worker pass handed to maildev earlier has been stored;
# then deletes the marker, so counts stay exact.
SETTLE_N=0
mail_settle() {
	local subj="settle-$((++SETTLE_N))" id="" i
	printf 'From: settle@izzy.test\r\nTo: settle@izzy.test\r\nSubject: %s\r\n\r\nx\r\n' "$subj" |
		curl -sS --url "smtp://127.0.0.1:$SMTP_PORT" --mail-from settle@izzy.test \
			--mail-rcpt settle@izzy.test -T - || t_bail "maildev does not take mail over SMTP"
	for ((i = 0; i < 300; i++)); do
		id=$(mails | jq -r --arg s "$subj" '.[] | select(.subject == $s) | .id')
		[[ -n $id ]] && break
		sleep 0.1
	done
	[[ -n $id ]] || t_bail "maildev did not list the marker message within 30 s"
	curl -fsS -X DELETE "$API/$id" >/dev/null || t_bail "cannot delete the marker message"
}
# wait_log REGEX: until the worker's log has a line matching REGEX (30 s at most).
wait_log() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -E -q "$1" "$WLOG" && return 0
		sleep 0.1
	done
	return 1
}
# outbox_add ID TO SUBJECT TEXT [HTML]
outbox_add() {
	psql -X -q -v ON_ERROR_STOP=1 -v id="$1" -v to="$2" -v subj="$3" -v txt="$4" -v html="${5-}" \
		"$DATABASE_URL" <<'SQL'
INSERT INTO "Outbox" (id, channel, recipient, subject, "bodyText", "bodyHtml", template)
VALUES (:'id', 'EMAIL', :'to', :'subj', :'txt', NULLIF(:'html', ''), 'test');
SQL
}
row() { psql_q "SELECT $2 FROM \"Outbox\" WHERE id = '$1'"; }

mail_clear

# --- a real mail: the password-reset link ----------------------------------------
CGI_PROG=auth cgi_run POST /api/auth/reset-password '{"email":"admin@example.com"}'
is "$STATUS" 204 "reset-password queues a mail"
RID=$(psql_q "SELECT id FROM \"Outbox\" WHERE template = 'password_reset'")
is "$(row "$RID" status)" PENDING "the request only wrote an Outbox row"
worker
is "$?" 0 "one pass exits 0"
wait_mails 1
M=$(mails)
is "$(jq -r 'length' <<<"$M")" 1 "maildev received one message"
is "$(jq -r '.[0].to[0].address' <<<"$M")" admin@example.com "To is the account's address"
is "$(jq -r '.[0].from[0].address' <<<"$M")" crm@izzy.test "From is EMAIL_FROM"
is "$(jq -r '.[0].subject' <<<"$M")" "Izzy CRM – ustaw nowe hasło" "Polish subject arrives decoded (RFC 2047)"
like "$(jq -r '.[0].text' <<<"$M")" "Dzień dobry Seed Admin,.*ważny przez [0-9]+ min" "Polish UTF-8 text body"
like "$(jq -r '.[0].text' <<<"$M")" "http://crm\.test/set-password\?token=[A-Za-z0-9_-]{20,}" "text holds the set-password link"
# maildev's .headers keeps only the headers it does not parse itself (no Date, no Content-Type).
is "$(jq -r '.[0].headers["mime-version"]' <<<"$M")" 1.0 "MIME-Version header"
like "$(jq -r '.[0].headers["message-id"]' <<<"$M")" '^<[0-9a-f]{32}@izzy\.test>$' "Message-ID in the sender's domain"
is "$(row "$RID" "status || ' ' || attempts || ' ' || (\"sentAt\" IS NOT NULL) || ' ' || coalesce(\"lastError\", '-')")" \
	"SENT 1 true -" "row is SENT with sentAt and no error"
grep -q "sent password_reset mail $RID" "$WLOG"
ok "$?" "INFO line names template and id"
! grep -q "admin@example.com" "$WLOG"
ok "$?" "the log never names the recipient"
: >"$WLOG"
worker
mail_settle
is "$(mail_count)" 1 "a second pass sends nothing again"
! grep -q "sent password_reset" "$WLOG"
ok "$?" "and logs no delivery"

# --- Polish HTML mail: multipart/alternative, long subject, long lines ------------
mail_clear
LONG_SUBJ="Zażółć gęślą jaźń – bardzo długi temat wiadomości testowej, żeby zawinąć słowa ąęśćżźół"
LONG_TXT="Cześć Zofio,
$(printf 'ż%.0s' {1..120}) koniec.
Linia ze spacją na końcu 
= znak równości i kropka:
.
Zespół"
outbox_add ohtml0000000000000000000001 jan.kowalski@example.com "$LONG_SUBJ" "$LONG_TXT" \
	'<p>Cześć <b>Zofio</b>, zażółć gęślą jaźń</p>'
worker
wait_mails 1
M=$(mails)
is "$(jq -r '.[0].subject' <<<"$M")" "$LONG_SUBJ" "long UTF-8 subject survives encoded-word folding"
is "$(jq -r '.[0] | (.html != null and .text != null and (.headers["content-transfer-encoding"] == null))' <<<"$M")" \
	true "text + HTML arrive as two alternative parts"
like "$(jq -r '.[0].html' <<<"$M")" '<p>Cześć <b>Zofio</b>, zażółć gęślą jaźń</p>' "HTML part decoded"
is "$(jq -r '.[0].text' <<<"$M" | sed -e '$!b' -e '/^$/d')" "$LONG_TXT" "text part byte-exact after quoted-printable"
is "$(row ohtml0000000000000000000001 status)" SENT "HTML row SENT"

# --- mail not configured ----------------------------------------------------------
mail_clear
outbox_add onocf0000000000000000000001 a@example.com "Temat" "Treść"
: >"$WLOG"
worker SMTP_HOST=
is "$?" 0 "a pass without SMTP_HOST exits 0"
is "$(row onocf0000000000000000000001 "status || ' ' || attempts")" "PENDING 0" "without SMTP_HOST the row stays PENDING"
grep -q "WARN.*\[mail\] Transport not configured" "$WLOG"
ok "$?" "WARN [mail] Transport not configured"
worker EMAIL_FROM=
is "$(row onocf0000000000000000000001 status)" PENDING "without EMAIL_FROM the row stays PENDING"
psql_q "DELETE FROM \"Outbox\" WHERE id = 'onocf0000000000000000000001'" >/dev/null

# --- SMTP down: back-off, then FAILED -----------------------------------------------
outbox_add odown0000000000000000000001 b@example.com "Temat" "Treść"
: >"$WLOG"
worker SMTP_PORT=$CLOSED_PORT
is "$?" 0 "a pass with the server down exits 0"
is "$(row odown0000000000000000000001 "status || ' ' || attempts")" "PENDING 1" "row stays PENDING after one attempt"
is "$(row odown0000000000000000000001 "\"nextAttemptAt\" BETWEEN now() + interval '25 seconds' AND now() + interval '31 seconds'")" \
	t "next attempt in 30 s"
like "$(row odown0000000000000000000001 '"lastError"')" '.{3,}' "lastError is set"
grep -q "\[mail\] Failed to send message odown0000000000000000000001: " "$WLOG"
ok "$?" "[mail] Failed to send message <id>: <reason>"
worker SMTP_PORT=$CLOSED_PORT
is "$(row odown0000000000000000000001 attempts)" 1 "not retried before nextAttemptAt"
psql_q "UPDATE \"Outbox\" SET attempts = 4, \"nextAttemptAt\" = now() WHERE id = 'odown0000000000000000000001'" >/dev/null
worker SMTP_PORT=$CLOSED_PORT
is "$(row odown0000000000000000000001 "status || ' ' || attempts || ' ' || (\"nextAttemptAt\" BETWEEN now() + interval '475 seconds' AND now() + interval '481 seconds')")" \
	"PENDING 5 true" "fifth attempt backs off 8 min (30 s x 2^4)"
psql_q "UPDATE \"Outbox\" SET attempts = 7, \"nextAttemptAt\" = now() WHERE id = 'odown0000000000000000000001'" >/dev/null
worker SMTP_PORT=$CLOSED_PORT
is "$(row odown0000000000000000000001 "status || ' ' || attempts")" "FAILED 8" "FAILED after 8 attempts"
worker
mail_settle
is "$(mail_count)" 0 "a FAILED row is never sent"

# --- header injection -------------------------------------------------------------
psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", template)
	VALUES ('ocrlf0000000000000000000001', 'EMAIL', 'c@example.com', E'Hej\r\nBcc: evil@example.net', 'x', 'test')" >/dev/null
psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", template)
	VALUES ('ocrlf0000000000000000000002', 'EMAIL', E'c@example.com\nBcc: evil@example.net', 'Hej', 'x', 'test')" >/dev/null
worker
mail_settle
is "$(row ocrlf0000000000000000000001 "status || ' ' || attempts")" "FAILED 1" "CR/LF in the subject is refused at once"
is "$(row ocrlf0000000000000000000002 status)" FAILED "CR/LF in the recipient is refused"
like "$(row ocrlf0000000000000000000001 '"lastError"')" "CR/LF" "lastError says why"
is "$(mail_count)" 0 "nothing was sent for them"

# --- crash recovery: SENDING rows --------------------------------------------------
outbox_add ostuck000000000000000000001 d@example.com "Stuck" "x"
outbox_add ostuck000000000000000000002 e@example.com "Busy" "x"
psql_q "UPDATE \"Outbox\" SET status = 'SENDING', attempts = 1, \"nextAttemptAt\" = now() - interval '1 second' WHERE id = 'ostuck000000000000000000001';
	UPDATE \"Outbox\" SET status = 'SENDING', attempts = 1, \"nextAttemptAt\" = now() + interval '9 minutes' WHERE id = 'ostuck000000000000000000002'" >/dev/null
worker
wait_mails 1
is "$(row ostuck000000000000000000001 "status || ' ' || attempts")" "SENT 2" "a row SENDING for over 10 minutes is sent again"
is "$(row ostuck000000000000000000002 status)" SENDING "a row another worker holds is left alone"
is "$(mail_count)" 1 "only the stuck row was sent"
psql_q "DELETE FROM \"Outbox\" WHERE id LIKE 'ostuck%'" >/dev/null

# --- SMTP AUTH (the development stack logs in to maildev) ----------------------------
mail_clear
outbox_add oauth0000000000000000000001 f@example.com "Z loginem" "x"
worker SMTP_USER=dev SMTP_PASSWORD=dev
wait_mails 1
is "$(row oauth0000000000000000000001 status):$(mail_count)" SENT:1 "sent with SMTP_USER/SMTP_PASSWORD set"

# --- a refusing server: lastError is the SMTP reply, without addresses ------------------
# The stub serves connections until one has reached RCPT, so the readiness probe
# (a connection closed at once) does not use it up.
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
            elif u.startswith(b'RCPT'): done = True; w('550 5.1.1 <g@example.com>: Recipient address rejected')
            elif u.startswith(b'QUIT'): w('221 bye'); break
            else: w('250 ok')
    except OSError:
        pass
    c.close()
PY
outbox_add orefu0000000000000000000001 g@example.com "Temat" "x"
python3 "$T_VAR/refuse.py" "$STUB_PORT" & fp=$!
t_wait_port "$STUB_PORT" || t_bail "the SMTP stub did not listen on $STUB_PORT"
worker SMTP_PORT=$STUB_PORT
wait "$fp"
ok "$?" "the stub saw the worker's RCPT and ended"
is "$(row orefu0000000000000000000001 "status || ' ' || attempts || ' ' || \"lastError\"")" \
	"PENDING 1 RCPT TO 550 5.1.1 <address> Recipient address rejected" "lastError = SMTP reply, address blanked"
! grep -q "g@example.com" "$WLOG"
ok "$?" "the refused address is not logged"
psql_q "DELETE FROM \"Outbox\" WHERE id IN ('orefu0000000000000000000001', 'oauth0000000000000000000001')" >/dev/null

# --- two workers at once never send a row twice --------------------------------------
mail_clear
psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", template)
	SELECT 'oconc' || lpad(g::text, 21, '0'), 'EMAIL', 'u' || g || '@example.com', 'Wiadomość ' || g, 'Treść ' || g, 'test'
	FROM generate_series(1, 30) g" >/dev/null
worker & p1=$!
worker & p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
is "$r1:$r2" 0:0 "both workers exit 0"
wait_mails 30
mail_settle
M=$(mails)
is "$(jq length <<<"$M")" 30 "maildev got exactly 30 messages"
is "$(jq '[.[].subject] | unique | length' <<<"$M")" 30 "30 different messages"
is "$(psql_q "SELECT count(*) FILTER (WHERE status = 'SENT' AND attempts = 1) FROM \"Outbox\" WHERE id LIKE 'oconc%'")" 30 \
	"every row SENT after one attempt"

# --- delivered, but the SENT update fails: the update is retried, never the delivery ---
mail_clear
: >"$WLOG"
# A trigger that refuses the first two SENT updates (a sequence, because the
# failing statement rolls back everything else it did).
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <<'SQL'
CREATE SEQUENCE test_sent_fail;
CREATE FUNCTION test_refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status = 'SENT' AND OLD.status <> 'SENT' AND nextval('test_sent_fail') <= 2 THEN
		RAISE EXCEPTION 'test: SENT update refused';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER test_refuse_sent BEFORE UPDATE ON "Outbox" FOR EACH ROW EXECUTE FUNCTION test_refuse_sent();
SQL
outbox_add osent0000000000000000000001 h@example.com "Tylko raz" "x"
worker
is "$?" 0 "the pass exits 0"
is "$(row osent0000000000000000000001 "status || ' ' || attempts || ' ' || (\"sentAt\" IS NOT NULL)")" "SENT 1 true" \
	"the row ends SENT after one delivery attempt"
is "$(grep -c "mail osent0000000000000000000001 was delivered but recording it as SENT failed" "$WLOG")" 2 \
	"each failed update is logged"
grep -q "mail osent0000000000000000000001 recorded as SENT after 3 attempts" "$WLOG"
ok "$?" "and so is the late success"
psql_q 'DROP TRIGGER test_refuse_sent ON "Outbox"; DROP FUNCTION test_refuse_sent(); DROP SEQUENCE test_sent_fail' >/dev/null
# Had the row stayed SENDING, a later pass after the lease would send it again.
psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() - interval '1 second' WHERE id = 'osent0000000000000000000001' AND status = 'SENDING'" >/dev/null
worker
mail_settle
is "$(mails | jq -c '[.[] | .subject]')" '["Tylko raz"]' "maildev received exactly one message"

# --- SIGTERM ------------------------------------------------------------------------
: >"$WLOG"
env EMAIL_FROM=crm@izzy.test SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT IZZY_WORKER_POLL_SECONDS=60 \
	IZZY_LOG_LEVEL=debug "$top_builddir/bin/izzy-worker" 2>>"$WLOG" & wp=$!
wait_log "idle for 60s" || t_bail "the worker did not reach its poll sleep"
kill -TERM "$wp"
t0=$SECONDS
wait "$wp"; r=$?
is "$r" 0 "SIGTERM: exit 0"
# Generous on a loaded machine, and still far below the 60 s poll interval.
ok "$(((SECONDS - t0) <= 20 ? 0 : 1))" "SIGTERM ends the poll sleep at once"

stack_maildev_stop "$T_VAR" >/dev/null 2>&1 || true
t_done
