#!/usr/bin/env bash
# izzyctl check-integrity (schema/checks/*.sql): clean data passes; every kind of finding is
# detected and reported by id, with exit status 1; a check that cannot run fails the command.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
. "$top_srcdir/tests/ops/lib.sh" || exit 1
t_stack_db ops-integrity
IZZYCTL=$top_builddir/bin/izzyctl
UP=$T_VAR/uploads
rm -rf "$UP"
ops_populate "$UP" || t_bail "could not populate the database"

# check: sets OUT and RC from one run of izzyctl check-integrity.
check() {
	OUT=$("$IZZYCTL" check-integrity 2>&1)
	RC=$?
}

check
is "$RC" 0 "consistent data: check-integrity exits 0"
like "$OUT" "check-integrity: 7 checks, 0 with findings \(0 findings\), 0 could not run" "and says every check is clean"
like "$OUT" "ok +10_orphans: " "each check is named in the report"

# --- orphans: rows whose parent is missing (loaded past the foreign keys) -----------------------
psql_admin "BEGIN; SET LOCAL session_replication_role = replica;
	INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('copsorphan0000000000000001', 'cnosuchlead00000000000001', now(), 'x');
	INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\") VALUES ('copsorphan0000000000000002', '$OPS_LEAD1', 'x', '/x', 'cnosuchuser00000000000001');
	COMMIT" >/dev/null
check
is "$RC" 1 "orphans: exit 1"
like "$OUT" "FAIL +10_orphans: [^
]*: 2 findings" "orphans: both are counted"
like "$OUT" "Reminder copsorphan0000000000000001: leadId -> missing Lead cnosuchlead00000000000001" "an orphan of a foreign key is named with its missing parent"
like "$OUT" "Document copsorphan0000000000000002: uploadedBy -> missing User cnosuchuser00000000000001" "an orphan of an id column without foreign key (Document.uploadedBy) too"
like "$OUT" "check-integrity: 7 checks, 1 with findings \(2 findings\)" "the summary counts them"
psql_q "DELETE FROM \"Reminder\" WHERE id = 'copsorphan0000000000000001'; DELETE FROM \"Document\" WHERE id = 'copsorphan0000000000000002'" >/dev/null

# --- a terminal status without history --------------------------------------------------------------
psql_q "UPDATE \"Lead\" SET status = 'CANCELLED' WHERE id = '$OPS_LEAD1'" >/dev/null
check
is "$RC" 1 "terminal status without history: exit 1"
like "$OUT" "FAIL +20_lead_terminal_without_history: [^
]*: 1 finding" "terminal status without history: one finding"
like "$OUT" "Lead $OPS_LEAD1: status CANCELLED without a LeadStatusHistory row" "the lead is named"
[[ $OUT != *"Lead $OPS_LEAD2"* ]]
ok $? "a terminal lead with its history row is not reported"
# A database upgraded from the reference has only the audit entry: that counts as history.
psql_q "INSERT INTO \"AuditLog\" (id, \"leadId\", action, field, \"oldValue\", \"newValue\") VALUES ('copsaudit0000000000000001', '$OPS_LEAD1', 'status_change', 'status', '\"NEW\"', '\"CANCELLED\"')" >/dev/null
check
like "$OUT" "ok +20_lead_terminal_without_history" "a reference status_change audit entry counts as history"
psql_q "UPDATE \"Lead\" SET status = 'NEW' WHERE id = '$OPS_LEAD1'; DELETE FROM \"AuditLog\" WHERE id = 'copsaudit0000000000000001'" >/dev/null

# --- a submitted form without consents ----------------------------------------------------------------
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\") VALUES ('copsform00000000000000002', '$OPS_LEAD2', 'READY', repeat('cd', 24), repeat('1', 64))" >/dev/null
check
is "$RC" 1 "a completed form without consents: exit 1"
like "$OUT" "ApplicationForm copsform00000000000000002: status READY, no ConsentRecord" "the form without consents is named"
like "$OUT" "ApplicationForm copsform00000000000000002: status READY without submittedAt" "and so is its missing submittedAt"
[[ $OUT != *"ApplicationForm $OPS_FORM1"* ]]
ok $? "the submitted form with its consents is not reported"
psql_q "DELETE FROM \"ApplicationForm\" WHERE id = 'copsform00000000000000002'" >/dev/null

# --- rows of a form naming another lead ---------------------------------------------------------------
psql_q "UPDATE \"EmailLog\" SET \"leadId\" = '$OPS_LEAD2' WHERE id = 'copsmail00000000000000001'" >/dev/null
check
is "$RC" 1 "an e-mail log row of another lead than its form: exit 1"
like "$OUT" "EmailLog copsmail00000000000000001: leadId $OPS_LEAD2, but its ApplicationForm $OPS_FORM1 belongs to lead $OPS_LEAD1" "it is named with both leads"
psql_q "UPDATE \"EmailLog\" SET \"leadId\" = '$OPS_LEAD1' WHERE id = 'copsmail00000000000000001'" >/dev/null

# --- consent records answering a template version that does not exist ------------------------------
psql_q "UPDATE \"ConsentRecord\" SET version = 7 WHERE id = 'copscons00000000000000001'" >/dev/null
check
is "$RC" 1 "a consent record of a missing template version: exit 1"
like "$OUT" "FAIL +40_consent_template_version: [^
]*: 1 finding" "one finding"
like "$OUT" "ConsentRecord copscons00000000000000001: version 7 of [A-Z_]+/financing_application is no ConsentTemplate" "the record and the missing version are named"
psql_q "UPDATE \"ConsentRecord\" c SET version = t.version FROM \"ConsentTemplate\" t WHERE t.id = c.\"consentTemplateId\" AND c.id = 'copscons00000000000000001'" >/dev/null

# --- lead counters ----------------------------------------------------------------------------------------
admin=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
psql_q "UPDATE \"LeadCount\" SET n = n + 1 WHERE \"partnerId\" = 'seed-partner' AND \"assignedUserId\" = '$admin' AND status = 'NEW';
	DELETE FROM \"LeadCountByCreator\" WHERE \"partnerId\" = 'seed-partner' AND status = 'CLOSED_LOST'" >/dev/null
check
is "$RC" 1 "counters that disagree with the leads: exit 1"
like "$OUT" "LeadCount \(seed-partner, $admin, NEW\): n = 2, leads: 1" "a counter off by one is named with both numbers"
like "$OUT" "LeadCountByCreator \(seed-partner, $admin, , CLOSED_LOST\): n = 0, leads: 1" "a missing counter row counts as 0"
psql_q "UPDATE \"LeadCount\" SET n = n - 1 WHERE \"partnerId\" = 'seed-partner' AND \"assignedUserId\" = '$admin' AND status = 'NEW';
	INSERT INTO \"LeadCountByCreator\" VALUES ('seed-partner', '$admin', '', 'CLOSED_LOST', 1)" >/dev/null

# --- all repaired: clean again; no personal data in any report -------------------------------------
check
is "$RC" 0 "every planted inconsistency repaired: clean again"
[[ $OUT != *"$OPS_CUSTOMER_EMAIL"* && $OUT != *Kowalski* ]]
ok $? "the report names ids, never personal data"

# --- a check that cannot run fails the command, the others still run ------------------------------
schema=$T_VAR/schema
rm -rf "$schema" && cp -R "$top_srcdir/schema" "$schema"
printf -- '-- check: broken\nSELECT id FROM "NoSuchTable"\n' >"$schema/checks/15_broken.sql"
OUT=$(IZZY_SCHEMA_DIR=$schema "$IZZYCTL" check-integrity 2>&1)
RC=$?
is "$RC" 1 "a check that cannot run: exit 1"
like "$OUT" "ERROR +15_broken: broken: could not run" "it is reported"
like "$OUT" "ok +50_lead_counters" "and the checks after it still run"
like "$OUT" "8 checks, 0 with findings \(0 findings\), 1 could not run" "the summary says so"

t_done
