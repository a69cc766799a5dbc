#!/usr/bin/env bash
# Per-binary tests of tasks and reminders (issue 13) in cgi-bin/leads (leads_tasks.c):
# GET/POST /api/leads/:id/reminders, PATCH /api/reminders/:id, GET /api/reminders (the bell),
# GET /api/reminders/overdue-counts: success, 400, 401, 403, 404, 409, "nextActionAt" follows the
# earliest open task, the access rule, the audit; then `izzyctl tasks digest` (common/tasks.c):
# one outbox mail per user with the right tasks, once per day.
# Run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-tasks
CGI_LOG=$T_VAR/log/tasks-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads
IZZYCTL=$top_builddir/bin/izzyctl

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }
issue() { printf '%s:%s' "$STATUS" "$(jq_body '[.issues[]? | (.path|map(tostring)|join(".")) + ":" + .message] | join("|")')"; }
next_action() { psql_q "SELECT coalesce(to_char(\"nextActionAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI'), 'null') FROM \"Lead\" WHERE id = '$1'"; }

PA=cpartneralfa0000000000001
PB=cpartnerbeta0000000000001
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$PA', 'Alfa'), ('$PB', 'Beta')" >/dev/null
mk_user csupervisor00000000000001 sup@example.com SUPERVISOR -
mk_user cpartnera0000000000000001 partner-a@example.com PARTNER $PA
mk_user coperatora000000000000001 operator-a@example.com OPERATOR $PA
mk_user coperatorx000000000000001 operator-x@example.com OPERATOR -
mk_user coperatorgone00000000001 gone@example.com OPERATOR - INACTIVE
mk_user cauditor00000000000000001 auditor@example.com AUDITOR -
SUP_ID=csupervisor00000000000001 OPA_ID=coperatora000000000000001 OPX_ID=coperatorx000000000000001
ADMIN=$(login admin@example.com)
SUP=$(login sup@example.com)
PARTA=$(login partner-a@example.com)
OPA=$(login operator-a@example.com)
OPX=$(login operator-x@example.com)
AUD=$(login auditor@example.com)
[[ -n $ADMIN && -n $SUP && -n $PARTA && -n $OPA && -n $OPX && -n $AUD ]]
ok $? "test users log in" || t_bail "no logins"

# Leads: LA (partner A, unassigned), LB (partner B, assigned to operator X), LANON (anonymized).
LA=cleadalfa0000000000000001 LB=cleadbeta0000000000000001 LANON=cleadanon0000000000000001
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\") VALUES
	('$LA', '$PA', 'NEW', NULL), ('$LB', '$PB', 'NEW', '$OPX_ID'), ('$LANON', '$PA', 'NEW', NULL);
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\") VALUES
	('cp-a', '$LA', 'Anna', 'Alfowska'), ('cp-b', '$LB', 'Bogdan', 'Betowski');
	UPDATE \"Lead\" SET \"anonymizedAt\" = now() WHERE id = '$LANON'" >/dev/null ||
	t_bail "no leads"

body() { jq -cn --arg d "$1" --arg t "$2" '{dueAt:$d, description:$t}'; }

# --- POST /api/leads/:id/reminders ------------------------------------------------------------
cgi_run POST "/api/leads/$LA/reminders" "$(body 2030-01-10T09:00:00Z 'Zadzwonić do klienta')" "$OPA"
is "$STATUS" 201 "create: 201"
T1=$(jq_body .id)
is "$(jq_body '[.leadId, .status, .assignedUserId, .assignedUser.id, .description, .dueAt, (.overdue|tostring)] | join("|")')" \
	"$LA|OPEN|$OPA_ID|$OPA_ID|Zadzwonić do klienta|2030-01-10T09:00:00.000Z|false" \
	"create: the task, assigned to the actor by default"
is "$(next_action "$LA")" 2030-01-10T09:00 "create: nextActionAt is the task's due time"
is "$(psql_q "SELECT action || '|' || field || '|' || (metadata->>'reminderId') || '|' || (\"newValue\"->>'description') FROM \"AuditLog\" WHERE \"leadId\" = '$LA' AND action = 'reminder_created'")" \
	"reminder_created|reminders|$T1|Zadzwonić do klienta" "create: audited"

cgi_run POST "/api/leads/$LA/reminders" \
	"$(jq -cn --arg u "$SUP_ID" '{dueAt:"2030-01-05T08:00:00Z", description:"  Wysłać ofertę ", assignedUserId:$u}')" "$OPA"
is "$STATUS" 201 "create: a second task for the supervisor"
T2=$(jq_body .id)
is "$(jq_body '.assignedUser.id + "|" + .description')" "$SUP_ID|Wysłać ofertę" "create: assignee given, description trimmed"
is "$(next_action "$LA")" 2030-01-05T08:00 "create: nextActionAt follows the earlier task"

cgi_run POST "/api/leads/$LA/reminders" '{"description":"x"}' "$OPA"
is "$(issue)" "400:dueAt:Required" "create: 400 without dueAt"
cgi_run POST "/api/leads/$LA/reminders" "$(body 'jutro' 'x')" "$OPA"
like "$(issue)" "^400:dueAt:" "create: 400 for a bad date"
cgi_run POST "/api/leads/$LA/reminders" "$(body 2030-01-10T09:00:00Z '   ')" "$OPA"
like "$(issue)" "^400:description:" "create: 400 for a blank description"
cgi_run POST "/api/leads/$LA/reminders" \
	'{"dueAt":"2030-01-10T09:00:00Z","description":"x","assignedUserId":"cpartnera0000000000000001"}' "$OPA"
is "$(issue)" "400:assignedUserId:Assignee must be an active operator, supervisor or admin" \
	"create: 400 for a partner as the assignee"
cgi_run POST "/api/leads/$LA/reminders" \
	'{"dueAt":"2030-01-10T09:00:00Z","description":"x","assignedUserId":"coperatorgone00000000001"}' "$OPA"
is "$STATUS" 400 "create: 400 for an inactive assignee"
is "$(psql_q "SELECT count(*) FROM \"Reminder\" WHERE \"leadId\" = '$LA'")" 2 "create: nothing written on a 400"
cgi_run POST "/api/leads/$LA/reminders" "$(body 2030-01-10T09:00:00Z x)"
is "$STATUS" 401 "create: 401 without a token"
cgi_run POST "/api/leads/$LA/reminders" "$(body 2030-01-10T09:00:00Z x)" "$PARTA"
is "$(msg)" "403:Forbidden" "create: 403 for a partner (staff only)"
cgi_run POST "/api/leads/$LA/reminders" "$(body 2030-01-10T09:00:00Z x)" "$AUD"
is "$STATUS" 403 "create: 403 for an auditor"
cgi_run POST "/api/leads/$LB/reminders" "$(body 2030-01-10T09:00:00Z x)" "$OPA"
is "$(msg)" "403:Access denied" "create: 403 on a lead outside the operator's scope"
cgi_run POST "/api/leads/cnosuchlead00000000000001/reminders" "$(body 2030-01-10T09:00:00Z x)" "$OPA"
is "$(msg)" "404:Lead not found" "create: 404 for an unknown lead"
cgi_run POST "/api/leads/$LANON/reminders" "$(body 2030-01-10T09:00:00Z x)" "$ADMIN"
is "$(msg)" "409:Lead is anonymized" "create: 409 on an anonymized lead"

# --- GET /api/leads/:id/reminders ---------------------------------------------------------------
cgi_run GET "/api/leads/$LA/reminders" "" "$OPA"
is "$STATUS" 200 "list: 200"
is "$(jq_body '[.data[].id] | join(",")')" "$T2,$T1" "list: open tasks by due time"
cgi_run GET "/api/leads/$LB/reminders" "" "$OPA"
is "$(msg)" "403:Access denied" "list: 403 outside the scope"
cgi_run GET "/api/leads/cnosuchlead00000000000001/reminders" "" "$OPA"
is "$STATUS" 404 "list: 404"
cgi_run GET "/api/leads/$LA/reminders" ""
is "$STATUS" 401 "list: 401"

# --- PATCH /api/reminders/:id --------------------------------------------------------------------
cgi_run PATCH "/api/reminders/$T2" '{"status":"COMPLETED"}' "$OPA"
is "$(jq_body '"\(.status)|\(.id)"')" "COMPLETED|$T2" "update: complete"
is "$(next_action "$LA")" 2030-01-10T09:00 "update: nextActionAt moves to the next open task"
is "$(psql_q "SELECT (\"oldValue\"->>'status') || '>' || (\"newValue\"->>'status') FROM \"AuditLog\" WHERE action = 'reminder_updated' AND metadata->>'reminderId' = '$T2'")" \
	"OPEN>COMPLETED" "update: audited with old and new values"
cgi_run PATCH "/api/reminders/$T1" \
	"$(jq -cn --arg u "$SUP_ID" '{dueAt:"2030-02-01T10:30:00Z", assignedUserId:$u}')" "$OPA"
is "$(jq_body '"\(.dueAt)|\(.assignedUser.id)|\(.status)"')" "2030-02-01T10:30:00.000Z|$SUP_ID|OPEN" \
	"update: reschedule and reassign"
is "$(next_action "$LA")" 2030-02-01T10:30 "update: nextActionAt follows the reschedule"
cgi_run PATCH "/api/reminders/$T1" '{"status":"CANCELLED"}' "$SUP"
is "$(next_action "$LA")" null "update: no open task left → nextActionAt cleared"
cgi_run PATCH "/api/reminders/$T1" '{"status":"OPEN"}' "$SUP"
is "$(next_action "$LA")" 2030-02-01T10:30 "update: reopened → nextActionAt back"
cgi_run PATCH "/api/reminders/$T1" '{"status":"DONE"}' "$OPA"
like "$(issue)" "^400:status:" "update: 400 for an unknown status"
cgi_run PATCH "/api/reminders/$T1" '{"description":""}' "$OPA"
like "$(issue)" "^400:description:" "update: 400 for an empty description"
cgi_run PATCH "/api/reminders/$T1" '{"assignedUserId":"cauditor00000000000000001"}' "$OPA"
is "$(issue)" "400:assignedUserId:Assignee must be an active operator, supervisor or admin" \
	"update: 400 for an auditor as the assignee"
cgi_run PATCH "/api/reminders/cnosuchtask00000000000001" '{"status":"COMPLETED"}' "$OPA"
is "$(msg)" "404:Reminder not found" "update: 404"
cgi_run PATCH "/api/reminders/$T1" '{"status":"COMPLETED"}'
is "$STATUS" 401 "update: 401"
cgi_run PATCH "/api/reminders/$T1" '{"status":"COMPLETED"}' "$AUD"
is "$STATUS" 403 "update: 403 for an auditor"
# A task on operator X's lead of partner B: operator A (partner A) may not touch it.
cgi_run POST "/api/leads/$LB/reminders" "$(body 2020-01-01T08:00:00Z 'Zaległy telefon')" "$OPX"
is "$STATUS" 201 "create: operator X on its own lead (overdue task)"
T3=$(jq_body .id)
cgi_run PATCH "/api/reminders/$T3" '{"status":"COMPLETED"}' "$OPA"
is "$(msg)" "403:Access denied" "update: 403 on a task of a lead outside the scope"
is "$(psql_q "SELECT status FROM \"Reminder\" WHERE id = '$T3'")" OPEN "update: unchanged after 403"

# --- GET /api/reminders (the bell) and overdue counts -----------------------------------------------
psql_q "INSERT INTO \"Reminder\" (id, \"leadId\", \"assignedUserId\", \"dueAt\", description) VALUES
	('ctaskdue00000000000000001', '$LA', '$OPA_ID', now() - interval '1 minute', 'Teraz'),
	('ctaskfut00000000000000001', '$LA', '$OPA_ID', now() + interval '3 days', 'Później')" >/dev/null
cgi_run GET /api/reminders "" "$OPX"
is "$(jq_body '"\(.count)|\(.overdue)|\(.data[0].id)|\(.data[0].lead.customerName)|\(.data[0].overdue)"')" \
	"1|1|$T3|Bogdan Betowski|true" "bell: operator X's due tasks (overdue first), with the customer"
cgi_run GET "/api/reminders?due=overdue" "" "$OPX"
is "$(jq_body '[.data[].id] | join(",")')" "$T3" "bell: due=overdue"
cgi_run GET /api/reminders "" "$OPA"
is "$(jq_body '"\(.count)|\(.data[0].id)"')" "1|ctaskdue00000000000000001" "bell: operator A's task due now, not the future one"
cgi_run GET "/api/reminders?due=all" "" "$OPA"
is "$(jq_body .count)" 2 "bell: due=all lists the future task too"
cgi_run GET "/api/reminders?mine=0&due=all" "" "$OPA"
is "$(jq_body '[.data[].id] | sort | join(",")')" "$(printf '%s\n' ctaskdue00000000000000001 ctaskfut00000000000000001 "$T1" | LC_ALL=C sort | paste -sd,)" \
	"bell: mine=0 lists everyone's tasks on visible leads only (not partner B's)"
cgi_run GET "/api/reminders?mine=0&due=overdue" "" "$SUP"
is "$(jq_body .count)" 2 "bell: a supervisor sees every overdue task with mine=0"
cgi_run GET "/api/reminders?due=soon" "" "$OPA"
like "$(issue)" "^400:due:" "bell: 400 for an unknown due filter"
cgi_run GET /api/reminders ""
is "$STATUS" 401 "bell: 401"
cgi_run GET /api/reminders "" "$PARTA"
is "$STATUS" 403 "bell: 403 for a partner"
cgi_run GET /api/reminders/overdue-counts "" "$SUP"
is "$(jq_body '[.data[] | "\(.userId):\(.overdue)"] | sort | join(",")')" "$OPA_ID:1,$OPX_ID:1" \
	"overdue counts: per assignee for a manager"
cgi_run GET /api/reminders/overdue-counts "" "$OPA"
is "$STATUS" 403 "overdue counts: 403 for an operator"

# --- POST /api/leads/:id/status with "nextContact" (następny kontakt) -------------------------------
# One request, one transaction: the status change, its history row and the task together.
LC=cleadnext0000000000000001
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$LC', '$PA', 'NEW')" >/dev/null
hist_count() { psql_q "SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$LC'"; }
task_count() { psql_q "SELECT count(*) FROM \"Reminder\" WHERE \"leadId\" = '$LC'"; }
cgi_run POST "/api/leads/$LC/status" '{"status":"FIRST_CONTACT","nextContact":{"dueAt":"2031-03-01T08:00:00Z"}}' "$OPA"
is "$STATUS|$(jq_body '"\(.status)|\(.nextActionAt)"')" "200|FIRST_CONTACT|2031-03-01T08:00:00.000Z" \
	"status + next contact: 200, nextActionAt is the task's due time"
is "$(psql_q "SELECT \"assignedUserId\" || '|' || description || '|' || status || '|' || to_char(\"dueAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM \"Reminder\" WHERE \"leadId\" = '$LC'")" \
	"$OPA_ID|Następny kontakt|OPEN|2031-03-01 08:00" "status + next contact: the actor's task with the default description"
is "$(hist_count)|$(psql_q "SELECT string_agg(action, ',' ORDER BY action) FROM \"AuditLog\" WHERE \"leadId\" = '$LC'")" \
	"1|reminder_created,status_change" "status + next contact: the history row and both audit entries"
cgi_run POST "/api/leads/$LC/status" '{"status":"FOLLOW_UP","nextContact":{"dueAt":"2031-04-01T08:00:00Z","description":"Oddzwonić"}}' "$OPA"
is "$STATUS|$(jq_body .nextActionAt)|$(task_count)" "200|2031-03-01T08:00:00.000Z|2" \
	"status + next contact: a later task leaves nextActionAt on the earliest open one"
is "$(psql_q "SELECT description FROM \"Reminder\" WHERE \"leadId\" = '$LC' ORDER BY \"dueAt\" DESC LIMIT 1")" Oddzwonić \
	"status + next contact: the description given"
cgi_run POST "/api/leads/$LC/status" '{"status":"VERIFICATION","nextContact":{"dueAt":"2020-01-01T08:00:00Z"}}' "$OPA"
is "$(issue)" "400:nextContact.dueAt:Must be in the future" "status + next contact: 400 for a past date"
cgi_run POST "/api/leads/$LC/status" '{"status":"VERIFICATION","nextContact":{"dueAt":"jutro"}}' "$OPA"
is "$(issue)" "400:nextContact.dueAt:Invalid date" "status + next contact: 400 for a malformed date"
cgi_run POST "/api/leads/$LC/status" '{"status":"VERIFICATION","nextContact":{}}' "$OPA"
like "$(issue)" "^400:nextContact.dueAt:" "status + next contact: 400 without dueAt"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$LC'")|$(hist_count)|$(task_count)" "FOLLOW_UP|2|2" \
	"status + next contact: nothing written after a 400"
# A change the policy refuses writes no task either.
cgi_run POST "/api/leads/$LC/status" '{"status":"CLOSED_WON","nextContact":{"dueAt":"2031-05-01T08:00:00Z"}}' "$OPA"
is "$(msg)" "400:Status transition not allowed" "status + next contact: an operator's move off the paths is refused"
cgi_run POST "/api/leads/$LC/status" '{"status":"VERIFICATION","nextContact":{"dueAt":"2031-05-01T08:00:00Z"}}' "$OPX"
is "$STATUS" 403 "status + next contact: 403 outside the actor's scope"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$LC'")|$(hist_count)|$(task_count)" "FOLLOW_UP|2|2" \
	"status + next contact: no status, history or task after a refused change"
# A task that cannot be written rolls the status change back: the lead's tasks are held by a
# trigger that fails (installed for this check only).
psql_q "CREATE FUNCTION test_fail_task() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'no tasks'; END \$\$;
	CREATE TRIGGER test_fail_task BEFORE INSERT ON \"Reminder\" FOR EACH ROW EXECUTE FUNCTION test_fail_task()" >/dev/null
cgi_run POST "/api/leads/$LC/status" '{"status":"VERIFICATION","nextContact":{"dueAt":"2031-05-01T08:00:00Z"}}' "$OPA"
is "$STATUS" 500 "status + next contact: 500 when the task cannot be written"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$LC'")|$(hist_count)|$(task_count)" "FOLLOW_UP|2|2" \
	"status + next contact: the status change rolled back with the task"
psql_q "DROP TRIGGER test_fail_task ON \"Reminder\"; DROP FUNCTION test_fail_task()" >/dev/null

# --- izzyctl tasks digest ------------------------------------------------------------------------
DAY=$(psql_q "SELECT to_char((now() AT TIME ZONE 'Europe/Warsaw')::date, 'YYYY-MM-DD')")
"$IZZYCTL" tasks digest >"$T_VAR/out" 2>"$T_VAR/err"
ok $? "digest: izzyctl tasks digest exits 0"
is "$(cat "$T_VAR/out")" "tasks digest: 2 mail(s) queued" "digest: one mail per user with due tasks"
is "$(psql_q "SELECT string_agg(recipient || '|' || subject, ',' ORDER BY recipient) FROM \"Outbox\" WHERE template = 'tasks_digest'")" \
	"operator-a@example.com|Zadania na $DAY: 1 (zaległe: 1),operator-x@example.com|Zadania na $DAY: 1 (zaległe: 1)" \
	"digest: recipients and subjects"
BODY_A=$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE template = 'tasks_digest' AND recipient = 'operator-a@example.com'")
like "$BODY_A" "Teraz" "digest: operator A's due task listed"
like "$BODY_A" "Anna Alfowska" "digest: with its customer"
[[ $BODY_A != *Później* && $BODY_A != *Zaległy* ]]
ok $? "digest: no future task and no task of another user"
"$IZZYCTL" tasks digest >"$T_VAR/out" 2>"$T_VAR/err"
is "$(cat "$T_VAR/out")" "tasks digest: 0 mail(s) queued" "digest: a second run the same day queues nothing"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE template = 'tasks_digest'")" 2 "digest: still two mails"
"$IZZYCTL" tasks digest 2030-02-01 >"$T_VAR/out" 2>"$T_VAR/err"
is "$(cat "$T_VAR/out")" "tasks digest: 3 mail(s) queued" "digest: another day is a new digest (the supervisor's task too)"
like "$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE template = 'tasks_digest' AND recipient = 'sup@example.com' AND subject LIKE '%2030-02-01%'")" \
	"2030-02-01 11:30" "digest: the supervisor's task of that day in Warsaw time"
"$IZZYCTL" tasks digest bogus >/dev/null 2>&1
is "$?" 1 "digest: exit 1 for a bad day"

t_done
