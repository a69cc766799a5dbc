#!/usr/bin/env bash
# bin/izzy-worker over SMTP with STARTTLS and AUTH (common/mail.c, libesmtp)
# against a local TLS-capable server with a self-signed certificate
# (tests/worker/smtp_tls.py): AUTH is offered only inside TLS and MAIL needs
# it, so a delivered message proves both.  libesmtp 1.1 trusts the CAs in
# $HOME/.config/libesmtp/ca.pem (else the system's): with it the message
# goes out over TLS with the login; without it (an untrusted certificate)
# and SMTP_SECURE=true nothing is sent, and a wrong password is retried
# later, never delivered.
# Two regressions of libesmtp 1.1 are covered (common/mail.c, tls_context):
# its own TLS context was freed with the first session, so a worker's second
# TLS session crashed; and under TLS 1.3 a session dropped right after STARTTLS
# about one time in three (the server's session tickets).
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-smtp-tls
PORT=${IZZY_TEST_WORKER_SMTPTLS:-48529}
WLOG=$T_VAR/log/izzy-worker.log
SLOG=$T_VAR/smtp-tls.jsonl
mkdir -p "$T_VAR/log" "$T_VAR/tls"
: >"$WLOG"
: >"$SLOG"
: >"$T_VAR/smtp-tls.err"

# A self-signed certificate for 127.0.0.1, trusted through a private HOME.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
	-keyout "$T_VAR/tls/key.pem" -out "$T_VAR/tls/cert.pem" 2>/dev/null || t_bail "openssl cannot make a certificate"
TRUST=$T_VAR/tls/home-trust
NOTRUST=$T_VAR/tls/home-none
mkdir -p "$TRUST/.config/libesmtp" "$NOTRUST"
cp "$T_VAR/tls/cert.pem" "$TRUST/.config/libesmtp/ca.pem"
chmod 700 "$TRUST" "$TRUST/.config" "$TRUST/.config/libesmtp" "$NOTRUST"
chmod 600 "$TRUST/.config/libesmtp/ca.pem"

python3 "$top_srcdir/tests/worker/smtp_tls.py" "$PORT" "$T_VAR/tls/cert.pem" "$T_VAR/tls/key.pem" \
	"$SLOG" crm-user 'S3cret pass!' 2>>"$T_VAR/smtp-tls.err" &
SPID=$!
trap 'r=$?; kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; (exit $r); t_cleanup' EXIT
t_wait_port "$PORT" || t_bail "the TLS SMTP server did not listen on $PORT"

# worker HOME [VAR=value...]: one pass against the TLS server.
worker() {
	local home=$1
	shift
	env HOME="$home" IZZY_WORKER_ONCE=1 EMAIL_FROM=crm@izzy.test SMTP_HOST=localhost SMTP_PORT=$PORT \
		SMTP_USER=crm-user 'SMTP_PASSWORD=S3cret pass!' SMTP_SECURE=true "$@" \
		"$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
outbox_add() {
	psql_q "INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", template)
		VALUES ('$1', 'EMAIL', '$2', '$3', 'Treść', 'test')" >/dev/null
}
row() { psql_q "SELECT $2 FROM \"Outbox\" WHERE id = '$1'"; }
due_now() { psql_q "UPDATE \"Outbox\" SET \"nextAttemptAt\" = now() WHERE id = '$1'" >/dev/null; }

# --- STARTTLS + AUTH --------------------------------------------------------------------
outbox_add otls00000000000000000000001 anna@example.com "Przez TLS"
worker "$TRUST"
is "$?" 0 "the pass exits 0"
is "$(row otls00000000000000000000001 "status || ' ' || attempts")" "SENT 1" "delivered at the first attempt"
is "$(jq -s 'length' "$SLOG")" 1 "the server accepted one message"
is "$(jq -s -r '.[0] | [.tls, .user, .from, (.to | join(","))] | map(tostring) | join("|")' "$SLOG")" \
	"true|crm-user|<crm@izzy.test>|<anna@example.com>" "over TLS, after AUTH as SMTP_USER"
like "$(jq -s -r '.[0].data' "$SLOG")" "Subject: Przez TLS" "the message itself arrived"
! grep -q 'S3cret' "$WLOG"
ok $? "the password is never logged"

# --- several TLS sessions in one worker process ------------------------------------------
outbox_add otls00000000000000000000011 ewa@example.com "Sesja 1"
outbox_add otls00000000000000000000012 ola@example.com "Sesja 2"
outbox_add otls00000000000000000000013 iza@example.com "Sesja 3"
worker "$TRUST"
is "$?" 0 "one pass with three messages exits 0"
is "$(psql_q "SELECT string_agg(status || ' ' || attempts, ',' ORDER BY id) FROM \"Outbox\" WHERE id LIKE 'otls0000000000000000000001_'")" \
	"SENT 1,SENT 1,SENT 1" "three TLS sessions in one process: each delivered at the first attempt"
is "$(jq -s '[.[] | select(.data and .tls)] | length' "$SLOG")" 4 "the server got each of them over TLS"

# --- a wrong password: retried later, nothing delivered ----------------------------------
outbox_add otls00000000000000000000002 jan@example.com "Złe hasło"
worker "$TRUST" SMTP_PASSWORD=wrong
is "$(row otls00000000000000000000002 "status || ' ' || attempts")" "PENDING 1" "a refused login: PENDING, attempt counted"
like "$(row otls00000000000000000000002 '"lastError"')" '.{3,}' "with the reason in lastError"
is "$(jq -s '[.[] | select(.authFailed == "crm-user")] | length'  "$SLOG"):$(jq -s '[.[] | select(.data)] | length' "$SLOG")" \
	"1:4" "the server saw the failed login and delivered nothing more"
! grep -q 'wrong' "$WLOG"
ok $? "the wrong password is not logged either"

# --- an untrusted certificate with SMTP_SECURE=true: nothing is sent -----------------------
due_now otls00000000000000000000002
worker "$NOTRUST"
is "$(row otls00000000000000000000002 "status || ' ' || attempts")" "PENDING 2" "an untrusted certificate: not sent, retried later"
is "$(jq -s '[.[] | select(.data)] | length' "$SLOG")" 4 "no message reached the server"

# --- the same message, once the configuration is right, goes out once ----------------------
due_now otls00000000000000000000002
worker "$TRUST"
is "$(row otls00000000000000000000002 "status || ' ' || attempts")" "SENT 3" "sent once the login and trust are right"
is "$(jq -s '[.[] | select(.data) | .data | select(test("Subject: =\\?UTF-8\\?|Subject: Z"))] | length' "$SLOG")" 1 "exactly one copy of it"

t_done
