#!/usr/bin/env bash
# bin/izzy-worker: IMAP polling of the lead inbox (issue 9, spec §5.2, §5.3) against
# Debian's dovecot on a private port, with a maildir of real messages
# (tests/worker/imap_messages.py): plain text, HTML only, multipart with
# attachments, ISO-8859-2 and UTF-8 subjects, a reply to an existing lead, unknown
# senders, a 20 MB message that must be skipped and a second copy of a message.
# Faults: dovecot down during a poll; a message the database refuses stays unseen;
# a message processed but not marked seen (a crash after the commit) is not doubled.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
t_stack_db worker-imap
IMAP_PORT=${IZZY_TEST_WORKER_IMAP:-48143}
DV=$T_VAR/dovecot
WLOG=$T_VAR/log/izzy-worker.log
MSGS=$T_VAR/messages
CUSTOMER=klient@example.pl
LEAD=clead0imap00000000000001
mkdir -p "$T_VAR/log"
: >"$WLOG"
trap 'r=$?; dovecot_stop "$DV"; (exit $r); t_cleanup' EXIT
rm -rf "$DV" "$MSGS"

# worker [VAR=value...]: one pass (outbox and inbox) against dovecot.
worker() {
	env IZZY_WORKER_ONCE=1 LEAD_IMAP_HOST=127.0.0.1 LEAD_IMAP_PORT="$IMAP_PORT" \
		LEAD_IMAP_SECURE=false LEAD_EMAIL_USER=leady LEAD_EMAIL_PASSWORD=imap-secret \
		LEAD_INBOX_PARTNER_ID=seed-partner "$@" "$top_builddir/bin/izzy-worker" 2>>"$WLOG"
}
imap() { dovecot_imap "$DV" "$IMAP_PORT" leady imap-secret "$1"; }
unseen() { imap "UID SEARCH UNSEEN" | tr -d '\r' | sed -n 's/^\* SEARCH *//p'; }
note_of() { psql_q "SELECT $2 FROM \"LeadNote\" WHERE metadata->>'messageId' = '$1'"; }
lead_of() { psql_q "SELECT l.$2 FROM \"Lead\" l JOIN \"InboundMessage\" i ON i.\"leadId\" = l.id WHERE i.\"messageId\" = '$1'"; }
cust_of() { psql_q "SELECT c.$2 FROM \"CustomerProfile\" c JOIN \"InboundMessage\" i ON i.\"leadId\" = c.\"leadId\" WHERE i.\"messageId\" = '$1'"; }

psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$LEAD', 'seed-partner', 'FIRST_CONTACT');
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
	VALUES ('cprof0imap00000000000001', '$LEAD', 'Jan', 'Klient', '$CUSTOMER')" >/dev/null ||
	t_bail "cannot insert the existing lead"
python3 "$top_srcdir/tests/worker/imap_messages.py" "$MSGS" "$CUSTOMER" || t_bail "cannot write the test messages"
LEADS0=$(psql_q 'SELECT count(*) FROM "Lead"')

# --- dovecot down during a poll: nothing taken, nothing lost ------------------------
worker
is "$?" 0 "a poll with the IMAP server down still ends the pass with 0"
grep -q '\[imap\] IMAP Fetch Error' "$WLOG"
ok "$?" "the failed poll is logged as [imap] IMAP Fetch Error"
is "$(psql_q 'SELECT count(*) FROM "InboundMessage"')" 0 "nothing recorded while the server is down"

dovecot_start "$DV" "$IMAP_PORT" leady imap-secret 2>>"$T_VAR/stack.log" || t_bail "dovecot did not start"
for f in 01-plain 02-html 03-reply 04-latin2 05-utf8 06-big; do
	dovecot_deliver "$DV" "$MSGS/$f.eml" || t_bail "cannot deliver $f"
done
is "$(unseen | wc -w)" 6 "six unseen messages in the inbox"

# --- the next poll takes them all ----------------------------------------------------
: >"$WLOG"
worker
is "$?" 0 "the poll exits 0"
is "$(psql_q 'SELECT count(*) FROM "Lead"')" "$((LEADS0 + 4))" "four unknown senders made four new leads"
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE type = 'EMAIL_RECEIVED'")" 5 "five EMAIL_RECEIVED notes (four new leads and the reply)"
is "$(unseen)" "" "every message is \\Seen after the poll (the big one skipped and flagged)"
like "$(imap 'UID SEARCH FLAGGED' | tr -d '\r')" '^\* SEARCH [0-9]+$' "one message flagged (the 20 MB one)"
grep -q '\[imap\] message UID [0-9]* has 200[0-9]* bytes, over the limit of 10485760; skipped' "$WLOG"
ok "$?" "the 20 MB message is logged as skipped"
is "$(psql_q "SELECT count(*) FROM \"InboundMessage\" WHERE \"messageId\" = 'big-0006@example.pl'")" 0 "the 20 MB message wrote nothing"
grep -q 'poll done: 6 unseen, 1 note(s), 4 lead(s), 0 duplicate(s), 1 skipped, 0 failed' "$WLOG"
ok "$?" "the poll's summary line counts them"
! grep -E -q 'anna|nowak|example\.pl|klient|Dzie|leasing' "$WLOG"
ok "$?" "the log holds no address, name, subject or body"

# plain text, unknown sender: a new INBOUND lead with name and phone (§5.3)
M=plain-0001@example.pl
is "$(lead_of $M "status || '|' || \"partnerId\" || '|' || coalesce(\"assignedUserId\", '-') || '|' || coalesce(\"createdByUserId\", '-')")" \
	"INBOUND|seed-partner|-|-" "new lead: status INBOUND on the inbox partner, unassigned, no creator"
is "$(cust_of $M "\"firstName\" || '|' || \"lastName\" || '|' || email || '|' || phone")" \
	"Anna|Nowak|anna.nowak@example.pl|+48600100200" "name from the display name, phone with spaces removed"
is "$(lead_of $M "\"sourceMetadata\"->>'source' || '|' || (\"sourceMetadata\"->>'direction') || '|' || (\"sourceMetadata\"->>'customerType') || '|' || (\"sourceMetadata\"->>'messageId')")" \
	"izzylease.pl|INCOMING_EMAIL|osoba prywatna|plain-0001@example.pl" "sourceMetadata of §5.3"
like "$(lead_of $M notes)" $'^Lead utworzony automatycznie z wiadomości e-mail \\(izzylease\\.pl\\)\\.\nFrom: Anna Nowak <anna\\.nowak@example\\.pl>\nTo: leady@izzy\\.test\nSubject: Pytanie o leasing\n\nDzień dobry' "the lead's notes: the six lines of §5.3"
is "$(note_of $M "content")" $'Dzień dobry,\nproszę o kontakt, tel. +48 600 100 200.\n* Anna' "the note shows the plain text (a line starting with '* ' included)"
is "$(note_of $M "metadata->>'direction' || '|' || (metadata->>'receivedVia') || '|' || (metadata->>'source') || '|' || (metadata->>'senderEmail') || '|' || coalesce(\"authorId\", '-')")" \
	"INCOMING|IMAP|izzylease.pl|anna.nowak@example.pl|-" "note metadata: direction, source, sender; no author"
is "$(psql_q "SELECT count(*) FROM \"CommunicationLog\" c JOIN \"InboundMessage\" i ON i.\"leadId\" = c.\"leadId\" WHERE i.\"messageId\" = '$M' AND c.channel = 'EMAIL' AND c.direction = 'INBOUND' AND c.status = 'DELIVERED'")" 1 \
	"one CommunicationLog row: e-mail, inbound, keyed by the lead"

# HTML only: sanitised, readable as text, company words, phone from the HTML
M=html-0002@firma-testowa.pl
is "$(cust_of $M "\"firstName\" || '|' || \"lastName\" || '|' || coalesce(phone, '-')")" "biuro|Sender|22-555-66-77" \
	"no display name: the local part and Sender; the phone from the HTML keeps its dashes"
is "$(lead_of $M "\"sourceMetadata\"->>'customerType'")" firma "\"Sp. z o.o.\" makes the customer type firma"
H=$(note_of $M "metadata->>'html'")
like "$H" '<b>Test Sp\. z o\.o\.</b>' "the stored HTML keeps the allowed markup"
[[ $H != *script* && $H != *alert* ]]
ok "$?" "the stored HTML lost the script and its content"
is "$(note_of $M content)" $'Firma Test Sp. z o.o. prosi o ofertę.\nTel: 22-555-66-77' "an HTML-only message is shown as readable text"

# a reply to an existing lead: a note on it, attachments listed by name and size
M=reply-0003@example.pl
is "$(note_of $M "\"leadId\"")" "$LEAD" "the customer's reply is a note on the existing lead (address matched in any case)"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$LEAD'")" FIRST_CONTACT "the lead's status is unchanged"
is "$(note_of $M content)" "Dziękuję, przesyłam dokumenty." "the plain-text part is the content"
is "$(note_of $M "metadata->'attachments'")" '[{"name": "dowod.pdf", "size": 1216}, {"name": "zdjęcie.png", "size": 308}]' \
	"attachments listed by (decoded) name and decoded size"
H=$(note_of $M "metadata->>'html'")
is "$H" "<p>Dziękuję, <i>przesyłam</i> dokumenty.</p>" "the HTML alternative is kept sanitised (no onclick)"
is "$(psql_q "SELECT count(*) FROM \"CommunicationLog\" WHERE \"leadId\" = '$LEAD' AND direction = 'INBOUND'")" 1 "the reply is in the lead's communication log"

# charsets
M=latin2-0004@example.pl
is "$(note_of $M "metadata->>'subject'")" "Zapytanie o samochód żona" "ISO-8859-2 RFC 2047 subject decoded"
is "$(cust_of $M "\"firstName\" || ' ' || \"lastName\"")" "Paweł Żak" "ISO-8859-2 RFC 2047 display name decoded"
is "$(note_of $M content)" $'Zażółć gęślą jaźń - proszę o ofertę.' "ISO-8859-2 body decoded"
M=utf8-0005@example.pl
is "$(note_of $M "metadata->>'subject'")" "Źródło finansowania – pilne" "UTF-8 RFC 2047 subject decoded"
is "$(cust_of $M "\"firstName\" || ' ' || \"lastName\"")" "Łucja Wąs" "raw UTF-8 display name decoded"
is "$(note_of $M content)" "Świętokrzyskie, ŚĆŹŻ – śćźż." "Windows-1250 body decoded"

# --- a second copy of a message: no second lead --------------------------------------
dovecot_deliver "$DV" "$MSGS/07-dup.eml" || t_bail "cannot deliver 07"
: >"$WLOG"
worker
is "$(psql_q "SELECT count(*) FROM \"CustomerProfile\" WHERE email = 'anna.nowak@example.pl'")" 1 "the same Message-ID again makes no second lead"
grep -q 'poll done: 1 unseen, 0 note(s), 0 lead(s), 1 duplicate(s)' "$WLOG"
ok "$?" "it is counted as a duplicate"
is "$(unseen)" "" "and marked seen"

# --- processed but not marked seen (crash after the commit): not doubled -------------
UID3=$(imap 'UID SEARCH HEADER Message-ID reply-0003' | tr -d '\r' | sed -n 's/^\* SEARCH //p')
imap "UID STORE $UID3 -FLAGS (\\Seen)" >/dev/null
is "$(unseen)" "$UID3" "the reply is unseen again"
worker
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$LEAD'")" 1 "fetched twice, still one note"
is "$(unseen)" "" "the re-fetched message is marked seen"

# --- the database refuses a message: it stays unseen, the next poll takes it ---------
printf 'From: Nowy Klient <nowy@example.pl>\r\nTo: leady@izzy.test\r\nSubject: Nowy\r\nMessage-ID: <retry-0008@example.pl>\r\n\r\nProsze o kontakt.\r\n' >"$MSGS/08-retry.eml"
dovecot_deliver "$DV" "$MSGS/08-retry.eml"
: >"$WLOG"
worker LEAD_INBOX_PARTNER_ID=no-such-partner
grep -q 'poll done: 1 unseen, 0 note(s), 0 lead(s), 0 duplicate(s), 0 skipped, 1 failed' "$WLOG"
ok "$?" "an unknown inbox partner (foreign key) fails the message"
is "$(unseen | wc -w)" 1 "the failed message stays unseen"
is "$(psql_q "SELECT count(*) FROM \"InboundMessage\" WHERE \"messageId\" = 'retry-0008@example.pl'")" 0 "and nothing of it was written"
worker
is "$(cust_of retry-0008@example.pl email)" nowy@example.pl "the next poll (partner fixed) creates the lead"
is "$(unseen)" "" "and marks it seen"

# --- the per-sender cap on auto-created leads ----------------------------------------
for i in 1 2 3; do
	printf 'From: spam@example.pl\r\nTo: leady@izzy.test\r\nSubject: s\r\nMessage-ID: <spam-%d@example.pl>\r\n\r\nx\r\n' "$i" >"$MSGS/spam-$i.eml"
	dovecot_deliver "$DV" "$MSGS/spam-$i.eml"
done
psql_q "UPDATE \"CustomerProfile\" SET email = 'spam-old@example.pl' WHERE email = 'spam@example.pl'" >/dev/null
worker INBOUND_MAX_LEADS_PER_SENDER_HOUR=1
is "$(psql_q "SELECT string_agg(outcome, ',' ORDER BY \"messageId\") FROM \"InboundMessage\" WHERE \"messageId\" LIKE 'spam-%'")" \
	"LEAD,NOTE,NOTE" "first spam mail makes a lead, the next ones are notes on it"
for i in 4 5; do
	printf 'From: spam%d@example.pl\r\nTo: leady@izzy.test\r\nSubject: s\r\nMessage-ID: <spam-%d@example.pl>\r\n\r\nx\r\n' "$i" "$i" >"$MSGS/spam-$i.eml"
	dovecot_deliver "$DV" "$MSGS/spam-$i.eml"
done
L1=$(psql_q 'SELECT count(*) FROM "Lead"')
worker INBOUND_MAX_LEADS_PER_HOUR=$(psql_q "SELECT count(*) + 1 FROM \"InboundMessage\" WHERE outcome = 'LEAD'")
is "$(psql_q 'SELECT count(*) FROM "Lead"')" "$((L1 + 1))" "the global cap per hour lets one more lead through"
is "$(psql_q "SELECT outcome FROM \"InboundMessage\" WHERE \"messageId\" = 'spam-5@example.pl'")" RATE_LIMITED "the next one is rate limited"
grep -q '\[email-inbound\] Rate limited auto-lead' "$WLOG"
ok "$?" "rate limiting is logged"

is "$(psql_q "SELECT count(*) FROM \"WorkerHeartbeat\" WHERE name = 'imap' AND \"beatAt\" > now() - interval '1 minute'")" 1 \
	"the poller's heartbeat is recorded for /api/health/ready"
t_done
