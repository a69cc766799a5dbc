#!/usr/bin/env bash
# bin/worker_jobs.c: the worker's scheduled jobs (OR-12).  Each job is run
# at once with `izzy-worker --run-job NAME` (no waiting for the clock):
# what it deletes or expires and what it keeps, its counts, the
# "ScheduledJobRun" record, the next run (Europe/Warsaw), idempotence, the
# advisory lock (a psql session holding it makes the worker skip the job),
# a failing job rolling back everything it did, and a due job run by a
# normal pass but not before it is due.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db worker-jobs
WLOG=$T_VAR/log/izzy-worker.log
mkdir -p "$T_VAR/log"
: >"$WLOG"

# job NAME: runs the job now; its exit status in $?.
job() { "$top_builddir/bin/izzy-worker" --run-job "$1" 2>>"$WLOG"; }
run() { psql_q "SELECT $2 FROM \"ScheduledJobRun\" WHERE name = '$1'"; }
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")

# --- the list -------------------------------------------------------------------------
is "$("$top_builddir/bin/izzy-worker" --list-jobs | cut -f1 | paste -sd' ')" "expire_links cleanup retention tasks_digest form_reminders sla" "--list-jobs names the jobs"
"$top_builddir/bin/izzy-worker" --run-job nosuchjob 2>>"$WLOG"
is "$?" 2 "an unknown job: exit 2"

# --- cleanup --------------------------------------------------------------------------
seed_cleanup() {
	psql_q "
	INSERT INTO \"Session\" (id, \"userId\", \"tokenHash\", \"expiresAt\", \"revokedAt\") VALUES
		('sold$1', '$ADMIN_ID', 'h-old-$1', now() - interval '2 days', NULL),
		('srev$1', '$ADMIN_ID', 'h-rev-$1', now() + interval '1 day', now() - interval '2 days'),
		('sfresh$1', '$ADMIN_ID', 'h-fresh-$1', now() - interval '1 hour', NULL),
		('slive$1', '$ADMIN_ID', 'h-live-$1', now() + interval '1 day', NULL);
	INSERT INTO \"PasswordToken\" (id, \"userId\", \"tokenHash\", purpose, \"expiresAt\", \"usedAt\") VALUES
		('pold$1', '$ADMIN_ID', 'p-old-$1', 'RESET', now() - interval '2 days', NULL),
		('pused$1', '$ADMIN_ID', 'p-used-$1', 'RESET', now() + interval '1 day', now() - interval '2 days'),
		('plive$1', '$ADMIN_ID', 'p-live-$1', 'INVITE', now() + interval '1 day', NULL);
	INSERT INTO \"RateLimit\" (key, \"windowStart\", count) VALUES
		('old-$1', now() - interval '25 hours', 5), ('live-$1', now() - interval '10 minutes', 2);" >/dev/null
}
seed_cleanup 1
before_cleanup=$(psql_q "SELECT pg_current_snapshot()")
: >"$WLOG"
job cleanup
is "$?" 0 "cleanup: exit 0"
is "$(psql_q "SELECT string_agg(id, ' ' ORDER BY id) FROM \"Session\" WHERE id LIKE '%1'")" "sfresh1 slive1" \
	"sessions expired or revoked over a day ago are deleted; live and recent ones stay"
is "$(psql_q "SELECT string_agg(id, ' ' ORDER BY id) FROM \"PasswordToken\" WHERE id LIKE '%1'")" "plive1" \
	"used and expired password tokens are deleted"
is "$(psql_q "SELECT string_agg(key, ' ' ORDER BY key) FROM \"RateLimit\" WHERE key LIKE '%-1'")" "live-1" \
	"rate-limit rows of windows over a day old are deleted"
is "$(run cleanup "ok || ' ' || runs || ' ' || (counts - 'leadChanges' = '{\"sessions\":2,\"clientSessions\":0,\"passwordTokens\":2,\"rateLimits\":1}'::jsonb)")" \
	'true 1 true' "the run is recorded with its counts"
# Schema 0037: the board's change log keeps only what a cached answer may not have seen.
is "$(run cleanup "(counts->>'leadChanges')::int > 0")" t "the board's change log of the seed is pruned"
is "$(psql_q "SELECT count(*) FROM \"LeadChange\" WHERE xid < (SELECT \"prunedBelow\" FROM \"LeadChangeHorizon\")"):$(psql_q "SELECT \"prunedBelow\" > '0'::xid8 FROM \"LeadChangeHorizon\"")" \
	"0:t" "… below the recorded limit, which moved up"
is "$(psql_q "SELECT izzy_lead_change_since('$before_cleanup')"):$(psql_q "SELECT izzy_lead_change_since(pg_current_snapshot())")" \
	"t:f" "a snapshot older than the limit is no longer trusted, one taken after it is"
is "$(run cleanup "\"nextRunAt\" BETWEEN now() + interval '59 minutes' AND now() + interval '61 minutes'")" t "next run in an hour"
like "$(cat "$WLOG")" "job cleanup started at [0-9-]{10} [0-9:]{8} Europe/Warsaw" "the start is logged in Warsaw time"
like "$(cat "$WLOG")" 'job cleanup ended at [0-9-]{10} [0-9:]{8} Europe/Warsaw: \{"sessions":2,"clientSessions":0,"passwordTokens":2,"rateLimits":1,"leadChanges":[0-9]+\}; next run' \
	"the end is logged with the counts"
job cleanup
is "$?:$(run cleanup "runs || ' ' || (counts->>'sessions') || (counts->>'passwordTokens') || (counts->>'rateLimits')")" "0:2 000" \
	"a second run finds nothing to do (idempotent)"

# --- the advisory lock: a job another worker runs is skipped ----------------------------
seed_cleanup 2
t_hold cleanup-job "SELECT pg_advisory_lock(hashtext('izzy-job:cleanup'))"
ok $? "the test session holds the job's advisory lock"
: >"$WLOG"
job cleanup
is "$?" 3 "the job is locked elsewhere: exit 3"
grep -q "job cleanup is running in another worker; skipped" "$WLOG"
ok $? "and says so in the log"
is "$(psql_q "SELECT count(*) FROM \"Session\" WHERE id = 'sold2'"):$(run cleanup runs)" "1:2" "nothing was deleted, no run recorded"
t_release cleanup-job
job cleanup
is "$?:$(psql_q "SELECT count(*) FROM \"Session\" WHERE id = 'sold2'")" "0:0" "once the lock is free the job runs"

# --- a failing job rolls back everything it did -----------------------------------------
seed_cleanup 3
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <<'SQL'
CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'test: refused'; END $$;
CREATE TRIGGER test_refuse BEFORE DELETE ON "RateLimit" FOR EACH ROW EXECUTE FUNCTION test_refuse();
SQL
: >"$WLOG"
job cleanup
is "$?" 1 "a failing job: exit 1"
is "$(psql_q "SELECT count(*) FROM \"Session\" WHERE id = 'sold3'")" 1 "its earlier deletes are rolled back"
is "$(run cleanup "ok || ' ' || coalesce(\"lastError\", '-')")" "false the job failed; see the worker log" "the failure is recorded"
grep -q "ERROR.*job cleanup failed at" "$WLOG"
ok $? "and logged as an error"
psql_q 'DROP TRIGGER test_refuse ON "RateLimit"; DROP FUNCTION test_refuse()' >/dev/null

# --- expire_links -----------------------------------------------------------------------
psql_q "
INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('cljobs0000000000000000001', 'seed-partner'), ('cljobs0000000000000000002', 'seed-partner');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"linkExpiresAt\", \"isClientActive\", \"clientActiveSince\") VALUES
	('cfexpired0000000000000001', 'cljobs0000000000000000001', 'l-exp', 'h', now() - interval '1 hour', true, now() - interval '2 hours'),
	('cflive000000000000000001', 'cljobs0000000000000000002', 'l-live', 'h', now() + interval '6 days', true, now());
INSERT INTO \"ClientSession\" (id, \"applicationFormId\", \"tokenHash\", \"expiresAt\") VALUES
	('csexp0000000000000000001', 'cfexpired0000000000000001', 'c-exp', now() + interval '1 hour'),
	('cslive000000000000000001', 'cflive000000000000000001', 'c-live', now() + interval '1 hour');" >/dev/null
: >"$WLOG"
job expire_links
is "$?" 0 "expire_links: exit 0"
is "$(psql_q "SELECT string_agg(id || '=' || \"isClientActive\" || '/' || (\"clientActiveSince\" IS NULL), ' ' ORDER BY id) FROM \"ApplicationForm\"")" \
	"cfexpired0000000000000001=false/true cflive000000000000000001=true/false" "an expired form link no longer counts as client-active; a live one does"
is "$(psql_q "SELECT string_agg(id || '=' || (\"revokedAt\" IS NOT NULL), ' ' ORDER BY id) FROM \"ClientSession\"")" \
	"csexp0000000000000000001=true cslive000000000000000001=false" "the expired form's client session ends"
is "$(run expire_links "counts->>'formsDeactivated' || ' ' || (counts->>'clientSessionsRevoked')")" '1 1' "counts recorded"
is "$(run expire_links "to_char(\"nextRunAt\" AT TIME ZONE 'Europe/Warsaw', 'HH24:MI') || ' ' || (\"nextRunAt\" > now() AND \"nextRunAt\" <= now() + interval '1 day')")" \
	"02:30 true" "next run: the next 02:30 in Warsaw"
job expire_links
is "$(run expire_links "runs || ' ' || (counts->>'formsDeactivated') || (counts->>'clientSessionsRevoked')")" '2 00' "a second run changes nothing"

# --- a normal pass runs due jobs only -------------------------------------------------
psql_q "UPDATE \"ScheduledJobRun\" SET \"nextRunAt\" = now() - interval '1 second' WHERE name = 'cleanup'" >/dev/null
R0=$(run cleanup runs)
R1=$(run expire_links runs)
IZZY_WORKER_ONCE=1 "$top_builddir/bin/izzy-worker" 2>>"$WLOG"
is "$?" 0 "a pass exits 0"
is "$(run cleanup runs):$(run expire_links runs)" "$((R0 + 1)):$R1" "the pass ran the due job, not the other"
IZZY_WORKER_ONCE=1 "$top_builddir/bin/izzy-worker" 2>>"$WLOG"
is "$(run cleanup runs)" "$((R0 + 1))" "a job is not run again before it is due"

# --- retention: common/retention.c run by the worker (the same run as izzyctl) ------------
# Two leads closed 40 months ago: one announced 31 days ago (due: anonymised), one never
# announced (the notice goes out first, the lead stays).
OLD="now() - interval '40 months'"
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"createdAt\", \"leadCreatedAt\", \"retentionNoticeAt\") VALUES
	('cjobret0announced000000001', 'seed-partner', 'CLOSED_LOST', $OLD, $OLD, now() - interval '31 days'),
	('cjobret0fresh0000000000001', 'seed-partner', 'CLOSED_LOST', $OLD, $OLD, NULL);
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
	VALUES ('cpjobret01', 'cjobret0announced000000001', 'Retencja', 'Testowa', 'retencja@example.com')" >/dev/null ||
	t_bail "retention fixture"
: >"$WLOG"
job retention
is "$?" 0 "retention: exit 0"
is "$(psql_q "SELECT concat_ws(' ', (SELECT \"anonymizedAt\" IS NOT NULL FROM \"Lead\" WHERE id = 'cjobret0announced000000001'),
	(SELECT email IS NULL FROM \"CustomerProfile\" WHERE id = 'cpjobret01'),
	(SELECT \"anonymizedAt\" IS NULL AND \"retentionNoticeAt\" IS NOT NULL FROM \"Lead\" WHERE id = 'cjobret0fresh0000000000001'))")" \
	"t t t" "retention: the announced lead is anonymised, the other one announced and kept"
is "$(run retention "ok || ' ' || (counts->>'anonymised') || ' ' || (counts->>'noticed')")" "true 1 1" \
	"retention: the run is recorded with its counts"
is "$(psql_q "SELECT \"trigger\" FROM \"RetentionRun\" ORDER BY \"finishedAt\" DESC LIMIT 1")" worker \
	"retention: its RetentionRun row names the worker"

# --- tasks_digest: common/tasks.c run by the worker (the same run as izzyctl) -----------
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cjobtask0lead000000000001', 'seed-partner', 'NEW');
	INSERT INTO \"Reminder\" (id, \"leadId\", \"assignedUserId\", \"dueAt\", description, status)
	VALUES ('cjobtask0rem0000000000001', 'cjobtask0lead000000000001', '$ADMIN_ID', now() - interval '1 hour', 'Oddzwonić', 'OPEN')" >/dev/null ||
	t_bail "tasks fixture"
job tasks_digest
is "$?:$(run tasks_digest "ok || ' ' || (counts->>'mails')")" "0:true 1" "tasks_digest: one mail queued, recorded"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'tasks_digest' AND \"dedupeKey\" LIKE 'tasks-digest:$ADMIN_ID:%'")" 1 \
	"tasks_digest: the admin's digest is in the outbox"
job tasks_digest
is "$?:$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'tasks_digest'")" "0:1" "tasks_digest: a second run the same day queues nothing"

# --- form_reminders (FR-54): 24 h after the link, 5 days before its expiry, each once -----
# Form a: link sent 25 h ago, expiring in 10 days -> the 24 h reminder.  Form b: link sent
# 25 days ago, expiring in 4 days -> the expiry reminder only.  Form c: submitted -> none.
# Form d: sent 2 h ago -> none yet.
for k in a b c d; do
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('cjobrem0lead${k}00000000001', 'seed-partner', 'NEW');
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
	VALUES ('cpjobrem0${k}', 'cjobrem0lead${k}00000000001', 'Zofia', 'Klient', 'klient-${k}@example.com')" >/dev/null ||
		t_bail "reminder fixture $k"
done
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", status, \"linkGeneratedAt\", \"linkExpiresAt\") VALUES
	('cjobrem0forma000000000001', 'cjobrem0leada00000000001', 'h-a', 'x', 'DRAFT', now() - interval '25 hours', now() + interval '10 days'),
	('cjobrem0formb000000000001', 'cjobrem0leadb00000000001', 'h-b', 'x', 'IN_PROGRESS', now() - interval '25 days', now() + interval '4 days'),
	('cjobrem0formc000000000001', 'cjobrem0leadc00000000001', 'h-c', 'x', 'SUBMITTED', now() - interval '25 hours', now() + interval '10 days'),
	('cjobrem0formd000000000001', 'cjobrem0leadd00000000001', 'h-d', 'x', 'DRAFT', now() - interval '2 hours', now() + interval '10 days')" >/dev/null ||
	t_bail "reminder forms"
reminders() { psql_q "SELECT string_agg(recipient || '=' || template, ' ' ORDER BY recipient) FROM \"Outbox\" WHERE template LIKE 'form_reminder%'"; }
job form_reminders
is "$?:$(run form_reminders "ok || ' ' || (counts->>'mails')")" "0:true 2" "form_reminders: two reminders queued, recorded"
is "$(reminders)" "klient-a@example.com=form_reminder_24h klient-b@example.com=form_reminder_expiry" \
	"form_reminders: the 24 h one to a, the expiry one to b, none for a submitted or fresh link"
like "$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE recipient = 'klient-b@example.com'")" 'wkrótce wygaśnie.*ważny do [0-9]{2}\.[0-9]{2}\.[0-9]{4}' \
	"form_reminders: the expiry reminder says when the link expires"
job form_reminders
is "$?:$(reminders)" "0:klient-a@example.com=form_reminder_24h klient-b@example.com=form_reminder_expiry" \
	"form_reminders: a second run queues nothing again"
psql_q "UPDATE \"ApplicationForm\" SET \"linkGeneratedAt\" = now() - interval '26 hours' WHERE id = 'cjobrem0forma000000000001'" >/dev/null
job form_reminders
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE recipient = 'klient-a@example.com'")" 2 \
	"form_reminders: a regenerated link gets its own reminder"

t_done
