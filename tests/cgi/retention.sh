#!/usr/bin/env bash
# Automatic retention (FR-39, SR-41): common/retention.c through
# `izzyctl retention run [--dry-run]`.
#  - a dry run lists what it would do and changes nothing (pg_dump identical);
#  - the admins are told once, 30 days ahead (one outbox mail listing ids);
#  - a real run anonymises the leads past retention (36 months, 12 without
#    activity, closed) and those 30 days after all consents were withdrawn,
#    and their merged duplicates: none of their planted markers is left in a
#    pg_dump, while the other leads keep theirs;
#  - whitelisted leads, active statuses, recent activity, a consent still in
#    force are left alone; batches of 100; one RetentionRun row per real run;
#  - a lead locked by someone else is re-checked under the lock (a note added
#    meanwhile keeps it), and a second concurrent run does nothing.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-retention
PG_BIN=${IZZY_PG_BIN:-/usr/lib/postgresql/15/bin}
IZZYCTL=$top_builddir/bin/izzyctl
export RETENTION_NOTIFY_EMAILS=dpo@example.com
TPL=$(psql_q "SELECT id FROM \"ConsentTemplate\" ORDER BY id LIMIT 1")
OLD="now() - interval '40 months'"

# mk TAG STATUS CREATED: a lead cr<TAG>... with a profile, notes and a message, all
# carrying the marker pii-<TAG>-..., every date at CREATED.
lead_id() { printf 'cret%s%020d' "$1" 0 | cut -c1-25; }
mk() {
	local id
	id=$(lead_id "$1")
	psql_q "
	INSERT INTO \"Lead\" (id, \"partnerId\", status, notes, \"createdAt\", \"leadCreatedAt\")
		VALUES ('$id', 'seed-partner', '$2', 'pii-$1-leadnotes', $3, $3);
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone, \"createdAt\")
		VALUES ('cp$id', '$id', 'pii-$1-first', 'pii-$1-last', 'pii-$1-mail@example.com', '600000000', $3);
	INSERT INTO \"LeadNote\" (id, \"leadId\", content, type, \"createdAt\") VALUES ('cn$id', '$id', 'pii-$1-note', 'MANUAL', $3);
	INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", \"leadId\", status, \"createdAt\")
		VALUES ('co$id', 'EMAIL', 'pii-$1-rcpt@example.com', 'pii-$1-body', '$id', 'SENT', $3);
	INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"formData\", \"createdAt\")
		VALUES ('cf$id', '$id', 'link-$1', 'hash', '{\"pesel\":\"pii-$1-pesel\"}', $3);
	" >/dev/null || t_bail "fixture lead $1"
}
# consent TAG N WITHDRAWN: consent record N of lead TAG, withdrawn at WITHDRAWN (or NULL).
consent() {
	psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\", \"ipAddress\", \"withdrawnAt\")
		SELECT 'cc$(lead_id "$1")$2', id, \"consentType\", '$(lead_id "$1")', true, version, content, 'pii-$1-ip', $3
		FROM \"ConsentTemplate\" WHERE id = '$TPL'" >/dev/null || t_bail "fixture consent $1"
}
mk old CLOSED_LOST "$OLD"                # past retention: anonymised
mk act CREDIT_ANALYSIS "$OLD"            # as old, but still being processed
mk vip CLOSED_WON "$OLD"                 # as old, but whitelisted
mk new CLOSED_LOST "$OLD"                # as old, but a note two months ago
psql_q "INSERT INTO \"LeadNote\" (id, \"leadId\", content, type, \"createdAt\")
	VALUES ('cnrecent0000000000000001', '$(lead_id new)', 'x', 'MANUAL', now() - interval '2 months');
	UPDATE \"Lead\" SET \"retentionExempt\" = true WHERE id = '$(lead_id vip)'" >/dev/null
mk wdr FOLLOW_UP "now()"                 # every consent withdrawn 40 days ago: anonymised
consent wdr 1 "now() - interval '40 days'"
consent wdr 2 "now() - interval '45 days'"
mk wds FOLLOW_UP "now()"                 # withdrawn 10 days ago: told, not yet anonymised
consent wds 1 "now() - interval '10 days'"
mk prt FOLLOW_UP "now()"                 # one consent still in force
consent prt 1 "now() - interval '40 days'"
consent prt 2 NULL
mk dup CLOSED_LOST "now()"               # a duplicate merged into "old": goes with it
psql_q "UPDATE \"Lead\" SET status = 'MERGED', \"mergedIntoId\" = '$(lead_id old)' WHERE id = '$(lead_id dup)'" >/dev/null

# pg_dump's \restrict/\unrestrict lines carry a fresh random key each time.
dump() { "$PG_BIN/pg_dump" --no-owner -d "$DATABASE_URL" | grep -v '^\\\(un\)\?restrict ' >"$T_VAR/$1.sql"; }
markers() { grep -o 'pii-[a-z]*-' "$T_VAR/$1.sql" | sort -u | sed 's/pii-//; s/-$//' | tr '\n' ' '; }
run() { "$IZZYCTL" retention run "$@" >"$T_VAR/out" 2>"$T_VAR/err"; }
lines() { grep -E "^$1 " "$T_VAR/out" | awk '{print $2 ":" $3}' | sort | tr '\n' ' '; }
L() { lead_id "$1"; }

# --- the first dry run: only notices are due --------------------------------------------
dump before
run --dry-run
ok $? "dry run 1: exit 0"
is "$(lines notice)" "$(printf '%s\n' "$(L old):RETENTION_PERIOD" "$(L wdr):CONSENTS_WITHDRAWN" "$(L wds):CONSENTS_WITHDRAWN" | sort | tr '\n' ' ')" \
	"dry run 1: lists the notices: past retention, withdrawn consents (also within 30 days)"
is "$(lines anonymise)" "" "dry run 1: nothing to anonymise before the admins were told"
is "$(lines exempt)" "$(L vip):RETENTION_PERIOD " "dry run 1: lists the whitelisted lead as exempt"
like "$(tail -n 1 "$T_VAR/out")" '^dry run \(nothing changed\): 3 noticed, 0 anonymised, 1 exempt' "dry run 1: the counts"
dump after
cmp -s "$T_VAR/before.sql" "$T_VAR/after.sql"
ok $? "dry run 1: the database dump is byte for byte the same"

# --- the first real run: the notice, once ----------------------------------------------------
run
ok $? "run 1: exit 0"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'retention_notice'")" 1 "run 1: one notice mail"
body=$(psql_q "SELECT recipient || ' ' || \"bodyText\" FROM \"Outbox\" WHERE template = 'retention_notice'")
[[ $body == dpo@example.com* && $body == *"$(L old)"* && $body == *"$(L wdr)"* && $body == *"$(L wds)"* ]]
ok $? "run 1: to RETENTION_NOTIFY_EMAILS, listing the three leads"
[[ $body != *"$(L act)"* && $body != *"$(L vip)"* && $body != *"$(L new)"* && $body != *"$(L prt)"* && $body != *pii-* ]]
ok $? "run 1: no other lead, and no personal data, in the notice"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"retentionNoticeAt\" IS NOT NULL")" 3 "run 1: three leads marked as told"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"anonymizedAt\" IS NOT NULL")" 0 "run 1: nothing anonymised yet"
is "$(psql_q "SELECT \"trigger\" || ' ' || (counts->>'noticed') || ' ' || (counts->>'anonymised') FROM \"RetentionRun\"")" "izzyctl 3 0" \
	"run 1: a RetentionRun record with the counts"
run
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'retention_notice'")" 1 "run 2: no second notice for the same leads"
is "$(psql_q "SELECT count(*) FROM \"RetentionRun\"")" 2 "run 2: recorded too"

# --- 31 days later ---------------------------------------------------------------------------
psql_q "UPDATE \"Lead\" SET \"retentionNoticeAt\" = now() - interval '31 days' WHERE \"retentionNoticeAt\" IS NOT NULL" >/dev/null
dump before
run --dry-run
is "$(lines anonymise)" "$(printf '%s\n' "$(L old):RETENTION_PERIOD" "$(L wdr):CONSENTS_WITHDRAWN" | sort | tr '\n' ' ')" \
	"dry run 2: would anonymise the two leads due and told 31 days ago (not the one withdrawn 10 days ago)"
dump after
cmp -s "$T_VAR/before.sql" "$T_VAR/after.sql"
ok $? "dry run 2: the database dump is byte for byte the same"
is "$(markers after)" "act dup new old prt vip wdr wds " "markers: every lead's markers are in the dump before the real run"

run
ok $? "run 3: exit 0"
is "$(psql_q "SELECT string_agg(id, ' ' ORDER BY id) FROM \"Lead\" WHERE \"anonymizedAt\" IS NOT NULL")" \
	"$(printf '%s\n' "$(L dup)" "$(L old)" "$(L wdr)" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"run 3: the two due leads and the duplicate merged into one are anonymised"
dump after
is "$(markers after)" "act new prt vip wds " "run 3: pg_dump holds no marker of the anonymised leads; the others keep theirs"
is "$(psql_q "SELECT string_agg(\"leadId\" || ':' || (metadata->>'rule'), ' ' ORDER BY \"leadId\") FROM \"AuditLog\"
	WHERE action = 'auto_anonymization_executed' AND \"userId\" IS NULL")" \
	"$(printf '%s\n' "$(L old):RETENTION_PERIOD" "$(L wdr):CONSENTS_WITHDRAWN" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"run 3: each anonymisation audited with its rule, by the system"
is "$(psql_q "SELECT concat_ws(' ', counts->>'anonymised', counts->>'exempt', counts->>'noticed') FROM \"RetentionRun\" ORDER BY \"finishedAt\" DESC LIMIT 1")" \
	"2 1 0" "run 3: the run's record counts 2 anonymised, 1 exempt"
is "$(psql_q "SELECT \"anonymizedById\" IS NULL FROM \"Lead\" WHERE id = '$(L old)'")" t "run 3: anonymised by nobody (the system)"

# --- batches of 100 ---------------------------------------------------------------------------
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"createdAt\", \"leadCreatedAt\", \"retentionNoticeAt\")
	SELECT 'cbulk' || lpad(g::text, 20, '0'), 'seed-partner', 'CANCELLED', $OLD, $OLD, now() - interval '31 days'
	FROM generate_series(1, 150) g" >/dev/null
run
is "$(grep -c '^anonymise ' "$T_VAR/out")" 150 "batches: 150 due leads anonymised"
is "$(psql_q "SELECT concat_ws(' ', counts->>'anonymised', counts->>'batches') FROM \"RetentionRun\" ORDER BY \"finishedAt\" DESC LIMIT 1")" \
	"150 2" "batches: in two transactions (100 + 50)"

# --- the row lock: a lead changed while the run waits for it stays -------------------------------
mk lck CLOSED_LOST "$OLD"
psql_q "UPDATE \"Lead\" SET \"retentionNoticeAt\" = now() - interval '31 days' WHERE id = '$(L lck)'" >/dev/null
t_psql_open holder
t_psql_send holder "BEGIN;" "SELECT id FROM \"Lead\" WHERE id = '$(L lck)' FOR UPDATE;"
t_psql_read holder line
is "$line" "$(L lck)" "lock: the test session holds the lead row lock"
(run; echo $? >"$T_VAR/rc") &
RUNNER=$!
t_lock_waiters 1
waited=$?
ok $waited "lock: the run waits for the lead row lock"
# Meanwhile a second run finds the retention lock taken and does nothing.
"$IZZYCTL" retention run >/dev/null 2>"$T_VAR/err2"
is "$?" 1 "lock: a concurrent second run exits 1"
like "$(cat "$T_VAR/err2")" 'another retention run' "lock: and says why"
t_psql_send holder "INSERT INTO \"LeadNote\" (id, \"leadId\", content, type) VALUES ('cnlockactivity0000000001', '$(L lck)', 'x', 'MANUAL');" "COMMIT;"
t_psql_close holder
wait "$RUNNER"
is "$(cat "$T_VAR/rc")" 0 "lock: the run finished"
is "$(psql_q "SELECT \"anonymizedAt\" IS NULL FROM \"Lead\" WHERE id = '$(L lck)'")" t \
	"lock: the lead with fresh activity was re-checked under the lock and kept"
is "$(psql_q "SELECT counts->>'skipped' FROM \"RetentionRun\" ORDER BY \"finishedAt\" DESC LIMIT 1")" 1 "lock: counted as skipped"

"$IZZYCTL" retention run --bogus >/dev/null 2>&1
is "$?" 2 "usage: an unknown option is refused (exit 2)"

t_done
