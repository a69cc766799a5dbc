#!/usr/bin/env bash
# Response-time (SLA) timers (issue 13, schema 0030_sla.sql, docs/sla.md): the
# working-time functions (Polish holidays and Easter over several years, DST),
# the deadlines the "Lead" trigger stores across a weekend, a holiday and both
# DST changes, the first contact (a status change through cgi-bin/leads, a
# note) and the follow-up, the slaRules validation of cgi-bin/partners, the
# breach job of bin/izzy-worker (the alert sent once across runs, then the
# escalation), the badge state on the lead detail and the board, and the
# report GET /api/analytics/sla.  The clock is fixed: IZZY_TEST_NOW for the
# programs, izzy.test_now in psql sessions; nothing sleeps.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-sla
CGI_LOG=$T_VAR/log/sla-cgi.log
WLOG=$T_VAR/log/sla-worker.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"

ep() { date -ud "$1" +%s; }
# at EPOCH CMD...: CMD with the programs' clock at EPOCH.
at() { local t=$1; shift; CGI_ENV="IZZY_TEST_NOW=$t" "$@"; }
# sq EPOCH SQL: SQL in one psql session whose SLA clock is EPOCH.
sq() { psql_q "SET izzy.test_now = '$1'; $2"; }
job() { IZZY_TEST_NOW=$1 "$top_builddir/bin/izzy-worker" --run-job sla 2>>"$WLOG"; }
msg() { printf '%s:%s' "$STATUS" "$(jq_body .message)"; }
issue() { jq_body '.issues|map((.path|join("."))+" "+.message)|join("; ")'; }
due() { psql_q "SELECT to_char(\"$2\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM \"LeadSla\" WHERE \"leadId\" = '$1'"; }

# --- holidays, Easter, working minutes -----------------------------------------
is "$(psql_q "SELECT string_agg(izzy_easter(y)::text, ' ' ORDER BY y) FROM generate_series(2024, 2030) y")" \
	"2024-03-31 2025-04-20 2026-04-05 2027-03-28 2028-04-16 2029-04-01 2030-04-21" \
	"Easter Sunday computed for 2024-2030"
is "$(psql_q "SELECT string_agg(g.t::date::text, ' ' ORDER BY g.t) FROM generate_series('2027-01-01'::date, '2027-12-31', '1 day') g(t)
	WHERE izzy_pl_holiday(g.t::date)")" \
	"2027-01-01 2027-01-06 2027-03-28 2027-03-29 2027-05-01 2027-05-03 2027-05-16 2027-05-27 2027-08-15 2027-11-01 2027-11-11 2027-12-24 2027-12-25 2027-12-26" \
	"the Polish public holidays of 2027 (Easter, Pentecost 16 May, Corpus Christi 27 May, 24 Dec)"
is "$(psql_q "SELECT string_agg(d || '=' || izzy_pl_holiday(d::date), ' ') FROM unnest(ARRAY['2024-12-24', '2025-12-24', '2026-06-04', '2028-06-15', '2026-05-24', '2026-05-25']) d")" \
	"2024-12-24=false 2025-12-24=true 2026-06-04=true 2028-06-15=true 2026-05-24=true 2026-05-25=false" \
	"24 Dec is a holiday from 2025; Corpus Christi 2026 and 2028; Pentecost Sunday, not Monday"
is "$(psql_q "SELECT izzy_working_minutes('2026-03-28 23:00Z', '2026-03-29 03:00Z', '{\"weekendCoverage\":true,\"workStart\":\"01:00\",\"workEnd\":\"04:00\"}')")" \
	"120" "01:00-04:00 on the spring DST Sunday holds 120 working minutes, not 180"
is "$(psql_q "SELECT izzy_working_minutes('2026-10-24 22:00Z', '2026-10-25 04:00Z', '{\"weekendCoverage\":true,\"workStart\":\"01:00\",\"workEnd\":\"04:00\"}')")" \
	"240" "01:00-04:00 on the autumn DST Sunday holds 240 working minutes"
is "$(psql_q "SELECT izzy_working_minutes('2027-04-30 13:45Z', '2027-05-04 07:00Z', '{}')")" \
	"75" "Friday 15:45 to Tuesday 09:00 over a weekend and 3 May: 75 working minutes"

# --- partners: slaRules validation ------------------------------------------------
ADMIN=$(login admin@example.com 'Admin123!')
P=cpartnersla00000000000001
R=cpartnersla00000000000002
W=cpartnersla00000000000003
pa() { CGI_PROG=partners cgi_run "$@"; }
pa POST /api/partners '{"name":"SLA 30","slaRules":{"leadResponseMinutes":30,"followUpDays":2,"contractTurnaroundDays":1.5}}' "$ADMIN"
is "$STATUS:$(jq_body '.slaRules|[.leadResponseMinutes,.followUpDays,.contractTurnaroundDays]|map(tostring)|join("|")')" \
	"201:30|2|1.5" "a partner is created with the timer rules"
psql_q "UPDATE \"Partner\" SET id = '$P' WHERE name = 'SLA 30'" >/dev/null
pa POST /api/partners '{"name":"Zły","slaRules":{"leadResponseMinutes":-1,"followUpDays":"2","workStart":"8:00","weekendCoverage":"tak","escalateMinutes":1.5}}' "$ADMIN"
is "$STATUS:$(issue)" \
	"400:slaRules.leadResponseMinutes Must be between 0 and 1000000; slaRules.followUpDays Expected number; slaRules.workStart Expected time HH:MM; slaRules.weekendCoverage Expected boolean; slaRules.escalateMinutes Expected integer" \
	"POST with bad rules: 400 naming each rule"
pa PATCH /api/partners/$P '{"slaRules":{"leadResponseMinutes":30,"workStart":"16:00","workEnd":"08:00"}}' "$ADMIN"
is "$STATUS:$(issue)" "400:slaRules.workEnd Must be later than workStart" "PATCH with workEnd before workStart is 400"
pa PATCH /api/partners/$P '{"slaRules":{"leadResponseMinutes":30,"workEnd":"24:00"}}' "$ADMIN"
is "$STATUS:$(issue)" "400:slaRules.workEnd Expected time HH:MM" "24:00 is not a time"
pa PATCH /api/partners/$P '{"slaRules":{"firstContactHours":24,"note":"stare klucze","leadResponseMinutes":null}}' "$ADMIN"
is "$STATUS:$(jq_body '.slaRules|to_entries|map(.key+"="+(.value|tostring))|sort|join(",")')" '200:firstContactHours=24,leadResponseMinutes=null,note=stare klucze' \
	"other keys stay free-form scalars and a known key may be null (backward compatible)"
pa PATCH /api/partners/$P '{"slaRules":{"leadResponseMinutes":30,"followUpDays":2}}' "$ADMIN"
is "$STATUS" "200" "the rules are restored"
psql_q "INSERT INTO \"Partner\" (id, name, \"slaRules\") VALUES
	('$R', 'SLA raport', '{\"leadResponseMinutes\":60}'),
	('$W', 'SLA weekend', '{\"leadResponseMinutes\":30,\"weekendCoverage\":true,\"workStart\":\"09:00\",\"workEnd\":\"17:00\"}')" >/dev/null

O1=copsla0000000000000000001
O2=copsla0000000000000000002
S1=csupsla000000000000000001
mk_user $O1 sla1@example.com OPERATOR $P
mk_user $O2 sla2@example.com OPERATOR $R
mk_user $S1 slasup@example.com SUPERVISOR -
mk_user cpartusersla0000000000001 slapartner@example.com PARTNER $R
OP1=$(login sla1@example.com)
SUP=$(login slasup@example.com)
PART=$(login slapartner@example.com)
[[ -n $ADMIN && -n $OP1 && -n $SUP && -n $PART ]]
ok $? "test users log in"

# mk EPOCH ID PARTNER ASSIGNEE: a lead created at EPOCH (through the trigger).
mk() {
	sq "$1" "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\") VALUES ('$2', '$3', 'NEW', $(sqlv "${4-}"));
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\") VALUES ('cp$2', '$2', 'Jan', 'Klient')" >/dev/null
}

# --- deadlines at creation -----------------------------------------------------------
L1=cleadsla00000000000000001
mk "$(ep '2027-04-30 13:45Z')" $L1 $P $O1
is "$(due $L1 firstContactDueAt)" "2027-05-04 06:15" \
	"Friday 30 Apr 15:45 + 30 min: 15 on Friday, then Tuesday 08:15 (weekend, 1 and 3 May skipped)"
L2=cleadsla00000000000000002
mk "$(ep '2027-03-26 14:50Z')" $L2 $P $O1
is "$(due $L2 firstContactDueAt)" "2027-03-30 06:20" \
	"Friday 26 Mar 15:50 CET + 30 min: Tuesday 08:20 CEST (Easter, the DST change and Easter Monday skipped)"
L3=cleadsla00000000000000003
mk "$(ep '2026-10-23 13:55Z')" $L3 $P $O1
is "$(due $L3 firstContactDueAt)" "2026-10-26 07:25" \
	"Friday 23 Oct 15:55 CEST + 30 min: Monday 08:25 CET (autumn DST change)"
L4=cleadsla00000000000000004
mk "$(ep '2026-06-13 08:00Z')" $L4 $W
is "$(due $L4 firstContactDueAt)" "2026-06-13 08:30" "with weekendCoverage a Saturday 10:00 lead is due at 10:30"
L5=cleadsla00000000000000005
mk "$(ep '2027-04-30 20:00Z')" $L5 seed-partner
is "$(psql_q "SELECT \"firstContactDueAt\" IS NULL AND \"startedAt\" IS NOT NULL FROM \"LeadSla\" WHERE \"leadId\" = '$L5'")" "t" \
	"a partner without rules: the lead is tracked, with no deadline"
CGI_PROG=leads at "$(ep '2027-04-30 13:45Z')" cgi_run POST /api/leads "{\"partnerId\":\"$P\",\"customer\":{\"firstName\":\"Przez\",\"lastName\":\"API\"}}" "$ADMIN"
LA=$(jq_body .id)
is "$STATUS:$(due "$LA" firstContactDueAt)" "201:2027-05-04 06:15" "POST /api/leads under IZZY_TEST_NOW stores the same deadline"

# --- first contact and follow-up -------------------------------------------------------
CGI_PROG=leads at "$(ep '2027-05-04 06:10Z')" cgi_run POST /api/leads/$L1/status '{"status":"FIRST_CONTACT"}' "$ADMIN"
is "$STATUS" "200" "a status change out of NEW"
is "$(psql_q "SELECT concat_ws('|', \"firstContactKind\", \"firstContactMinutes\", \"firstContactBreachedAt\" IS NULL,
	to_char(\"followUpDueAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')) FROM \"LeadSla\" WHERE \"leadId\" = '$L1'")" \
	"STATUS|25|t|2027-05-06 06:10" \
	"it is the first contact (Tuesday 08:10): 25 working minutes, on time; follow-up due 2 working days (16 h) later, Thursday 08:10"
CGI_PROG=leads cgi_run GET /api/leads/$L1 "" "$ADMIN"
is "$(jq_body '.sla|[.kind,.dueAt,.breached,.met,.firstContactAt]|map(tostring)|join("|")')" \
	"FOLLOW_UP|2027-05-06T06:10:00.000Z|false|false|2027-05-04T06:10:00.000Z" "the lead detail carries the open follow-up deadline"
CGI_PROG=leads at "$(ep '2027-05-05 10:00Z')" cgi_run POST /api/leads/$L1/notes '{"content":"Telefon: klient prosi o ofertę"}' "$OP1"
is "$STATUS:$(psql_q "SELECT \"followUpAt\" AT TIME ZONE 'UTC' FROM \"LeadSla\" WHERE \"leadId\" = '$L1'")" "201:2027-05-05 10:00:00" \
	"a call note is the next contact: the follow-up is met"
CGI_PROG=leads cgi_run GET /api/leads/$L1 "" "$ADMIN"
is "$(jq_body '.sla|[.kind,.dueAt,.breached,.met]|map(tostring)|join("|")')" "null|null|false|true" "both deadlines kept: met"
sq "$(ep '2027-03-30 07:00Z')" "INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content) VALUES ('cnsla2', '$L2', '$O1', 'Za późno')" >/dev/null
is "$(psql_q "SELECT \"firstContactBreachedAt\" AT TIME ZONE 'UTC' FROM \"LeadSla\" WHERE \"leadId\" = '$L2'")" "2027-03-30 07:00:00" \
	"a late first contact records the breach at the contact"

# --- board and list carry the state ----------------------------------------------------
CGI_PROG=leads at "$(ep '2026-10-26 08:00Z')" cgi_run GET "/api/leads/board?partnerId=$P" "" "$ADMIN"
is "$STATUS:$(jq_body ".columns.NEW.leads[]|select(.id==\"$L3\")|.sla|[.kind,.dueAt,.breached]|map(tostring)|join(\"|\")")" \
	"200:FIRST_CONTACT|2026-10-26T07:25:00.000Z|true" "the board card: first contact past due is breached (before the job ran)"
CGI_PROG=leads at "$(ep '2026-10-26 07:00Z')" cgi_run GET "/api/leads?partnerId=$P&status=NEW" "" "$ADMIN"
is "$(jq_body ".data[]|select(.id==\"$L3\")|.sla|[.dueAt,.breached]|map(tostring)|join(\"|\")")" \
	"2026-10-26T07:25:00.000Z|false" "the list item: due, not yet breached at 08:00"

# --- the breach job: recorded once, alerts once, then escalation -------------------------
B=cleadsla00000000000000009
mk "$(ep '2027-06-07 07:00Z')" $B $P $O1 # Monday 09:00, due 09:30
job "$(ep '2027-06-07 07:20Z')"
is "$?:$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"dedupeKey\" LIKE 'sla:$B:%'")" "0:0" "before the deadline: no breach, no alert"
job "$(ep '2027-06-07 07:45Z')"
is "$?:$(psql_q "SELECT \"firstContactBreachedAt\" AT TIME ZONE 'UTC' FROM \"LeadSla\" WHERE \"leadId\" = '$B'")" "0:2027-06-07 07:45:00" \
	"the job records the breach at its clock"
is "$(psql_q "SELECT string_agg(recipient || ' ' || template, ',') FROM \"Outbox\" WHERE \"dedupeKey\" LIKE 'sla:$B:%'")" \
	"sla1@example.com sla_breach_assignee" "one alert, to the assignee"
job "$(ep '2027-06-07 07:50Z')"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"dedupeKey\" LIKE 'sla:$B:%'")" "1" "a second run sends nothing again"
job "$(ep '2027-06-07 08:31Z')"
is "$(psql_q "SELECT string_agg(recipient || ' ' || template, ',' ORDER BY template) FROM \"Outbox\" WHERE \"dedupeKey\" LIKE 'sla:$B:%'")" \
	"sla1@example.com sla_breach_assignee,slasup@example.com sla_breach_supervisor" \
	"60 working minutes after the deadline, still unmet: the supervisor is alerted (not the admins)"
job "$(ep '2027-06-08 08:00Z')"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"dedupeKey\" LIKE 'sla:$B:%'")" "2" "each alert exactly once across runs"
like "$(psql_q "SELECT subject || ' ' || \"bodyText\" FROM \"Outbox\" WHERE \"dedupeKey\" = 'sla:$B:FIRST_CONTACT:assignee:$O1'")" \
	"Przekroczone SLA: brak pierwszego kontaktu \(termin 2027-06-07 09:30\).*/leads/$B" "the alert names the deadline and links the lead"
is "$(psql_q "SELECT \"firstContactBreachedAt\" AT TIME ZONE 'UTC' FROM \"LeadSla\" WHERE \"leadId\" = '$B'")" "2027-06-07 07:45:00" \
	"the breach keeps its first timestamp"

# --- the report on known data --------------------------------------------------------------
# Partner R (60 min), Monday 7 June 2027 09:00 local: R1 contacted after 20 min
# (O2), R2 after 90 (O2, breached), R3 after 40 (unassigned), R4 never (O2).
for i in 1 2 3 4; do
	a=$O2
	[[ $i == 3 ]] && a=""
	mk "$(ep '2027-06-07 07:00Z')" cleadslar000000000000000$i $R "$a"
done
sq "$(ep '2027-06-07 07:20Z')" "INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content) VALUES ('cnr1', 'cleadslar0000000000000001', '$O2', 'ok')" >/dev/null
sq "$(ep '2027-06-07 08:30Z')" "INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content) VALUES ('cnr2', 'cleadslar0000000000000002', '$O2', 'ok')" >/dev/null
sq "$(ep '2027-06-07 07:40Z')" "INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content) VALUES ('cnr3', 'cleadslar0000000000000003', '$O2', 'ok')" >/dev/null
A() { CGI_PROG=analytics at "$(ep '2027-06-08 10:00Z')" cgi_run GET "$@"; }
A "/api/analytics/sla?from=2027-06-07&to=2027-06-07&partnerId=$R" "" "$ADMIN"
is "$STATUS:$(jq_body '.total|[.leads,.withSla,.met,.breached,.pending,.shareMet,.medianFirstContactMinutes,.breaches]|map(tostring)|join("|")')" \
	"200:4|4|2|2|0|0.5|40|2" "report total: 2 met, 2 breached, share 0.5, median 40 working minutes"
is "$(jq_body '.partners|map(.name+":"+(.leads|tostring))|join(",")')" "SLA raport:4" "per partner"
is "$(jq_body '.operators|map((.userId//"-")+":"+([.leads,.met,.breached,.medianFirstContactMinutes]|map(tostring)|join("/")))|join(",")')" \
	"$O2:3/1/2/55,-:1/1/0/40" "per operator (the lead's assignee): O2 1 of 3 met, median 55"
A "/api/analytics/sla?from=2027-06-07&to=2027-06-07" "" "$PART"
is "$STATUS:$(jq_body '.total.leads'):$(jq_body '.partners|map(.partnerId)|join(",")')" "200:4:$R" "a partner user gets only the partner's leads"
A "/api/analytics/sla?from=2027-06-07&to=2027-06-07&partnerId=$P" "" "$PART"
is "$(msg)" "403:Cannot view leads for other partners" "a partner user asking for another partner: 403"
A "/api/analytics/sla?from=2027-06-31" "" "$ADMIN"
is "$STATUS:$(issue)" "400:from Expected date YYYY-MM-DD" "an impossible date: 400"
A "/api/analytics/sla?from=2027-06-08&to=2027-06-07" "" "$ADMIN"
is "$STATUS:$(issue)" "400:from Must not be after to" "from after to: 400"
A "/api/analytics/sla"
is "$(msg)" "401:Missing authorization header" "no token: 401"
mk_user caudsla000000000000000001 slaaud@example.com AUDITOR -
A "/api/analytics/sla" "" "$(login slaaud@example.com)"
is "$(msg)" "403:Forbidden" "an auditor: 403"
A "/api/analytics/sla" "" "$ADMIN"
is "$STATUS:$(jq_body '[.from,.to]|join("..")')" "200:2027-05-10..2027-06-08" "default range: the 30 days up to today (by the clock)"

# --- the clock cannot be moved from outside a test run -----------------------------------
# The programs set izzy.test_now at every connection ('' without IZZY_TEST_NOW),
# so a PGOPTIONS (or role) default does not reach izzy_now(); L3 was due in 2026.
CGI_PROG=leads CGI_ENV="PGOPTIONS=-cizzy.test_now=1" cgi_run GET /api/leads/$L3 "" "$ADMIN"
is "$STATUS:$(jq_body .sla.breached)" "200:true" "a PGOPTIONS clock is ignored by the programs"
is "$(PGOPTIONS=-cizzy.test_now=1 psql_q "SELECT izzy_now() < '2000-01-01'")" "t" \
	"(while a psql session that sets it does move its own clock: the hook works)"
t_done
