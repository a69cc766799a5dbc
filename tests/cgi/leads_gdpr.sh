#!/usr/bin/env bash
# GDPR side of cgi-bin/leads (cgi-bin/leads_gdpr.c, common/leadaccess.c):
#  - a customer PATCH racing an anonymisation never leaves personal data on
#    the anonymised lead: lead_begin() takes the lead row lock and re-checks
#    under it.  Deterministic: a psql session holds the row lock, both
#    requests queue on it (pg_stat_activity shows them waiting) in a chosen
#    order, then the lock is released;
#  - anonymisation clears every free-text column of every table hanging off
#    the lead: a marker is planted in each text/varchar/json/jsonb/array
#    column (the list comes from information_schema, so a new column is
#    covered without touching this file), and a pg_dump must hold none.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-gdpr
CGI_LOG=$T_VAR/log/leads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads
PG_BIN=${IZZY_PG_BIN:-/usr/lib/postgresql/15/bin}

mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$1', 'seed-partner', 'FIRST_CONTACT');
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
		VALUES ('cp$1', '$1', 'Anna', 'Nowak', '$1@example.com')" >/dev/null
}
ADMIN=$(login admin@example.com)
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
[[ -n $ADMIN ]] || t_bail "admin cannot log in"

# --- the race ---------------------------------------------------------------------
# hold LEAD: a psql session takes the lead's row lock and keeps it until release.
hold() {
	local line
	t_psql_open holder
	t_psql_send holder "BEGIN;" "SELECT id FROM \"Lead\" WHERE id = '$1' FOR UPDATE;"
	t_psql_read holder line && [[ $line == "$1" ]]
}
release() {
	t_psql_send holder "COMMIT;"
	t_psql_close holder
}
# bg NAME METHOD PATH BODY: one request in the background; its status lands in $T_VAR/NAME.
bg() {
	(cgi_run "$2" "$3" "$4" "$ADMIN"; printf '%s:%s' "$STATUS" "$(jq_body '.message // "-"')" >"$T_VAR/$1") &
}
profile() { psql_q "SELECT concat_ws('|', \"firstName\", coalesce(email, '-')) FROM \"CustomerProfile\" WHERE \"leadId\" = '$1'"; }
patch_body='{"firstName":"Genowefa","email":"genowefa.pigwa@example.pl"}'

for order in patch-first anonymize-first; do
	L=clrace$([[ $order == patch-first ]] && echo p || echo a)0000000000000000001
	L=${L:0:25}
	mk_lead "$L"
	hold "$L"
	ok $? "race ($order): the test session holds the lead row lock"
	if [[ $order == patch-first ]]; then
		bg patch PATCH "/api/leads/$L/customer" "$patch_body"
		t_lock_waiters 1
		ok $? "race ($order): the customer PATCH waits for the lead row lock"
		bg anon POST "/api/leads/$L/anonymize" ""
		t_lock_waiters 2
		ok $? "race ($order): the anonymisation queues behind it"
	else
		bg anon POST "/api/leads/$L/anonymize" ""
		t_lock_waiters 1
		ok $? "race ($order): the anonymisation waits for the lead row lock"
		bg patch PATCH "/api/leads/$L/customer" "$patch_body"
		t_lock_waiters 2
		ok $? "race ($order): the customer PATCH queues behind it"
	fi
	release
	wait
	if [[ $order == patch-first ]]; then
		is "$(cat "$T_VAR/patch"),$(cat "$T_VAR/anon")" "200:-,200:Lead anonymized successfully" "race ($order): the PATCH ran, then the anonymisation"
	else
		is "$(cat "$T_VAR/anon"),$(cat "$T_VAR/patch")" "200:Lead anonymized successfully,409:Lead is anonymized" "race ($order): the anonymisation ran, the PATCH found the lead anonymised under the lock"
	fi
	is "$(profile "$L")" "ANONIMIZOWANY|-" "race ($order): no name or e-mail left on the anonymised lead"
	rm -f "$T_VAR/patch" "$T_VAR/anon"
done

# --- every free-text field is cleared -------------------------------------------------
X=clmarkers000000000000001
mk_lead $X
TPL=$(psql_q "SELECT id FROM \"ConsentTemplate\" ORDER BY id LIMIT 1")
# One row in every table that hangs off the lead (checked below: a new table needs a row here).
psql_q "
INSERT INTO \"VehicleCurrent\" (id, \"leadId\", make) VALUES ('cvcmark0000000000000000001', '$X', 'Skoda');
INSERT INTO \"VehicleDesired\" (id, \"leadId\", make) VALUES ('cvdmark0000000000000000001', '$X', 'Toyota');
INSERT INTO \"FinancingApplication\" (id, \"leadId\", bank) VALUES ('cfinmark00000000000000001', '$X', 'PKO');
INSERT INTO \"LeadNote\" (id, \"leadId\", content, type) VALUES ('cnotemark0000000000000001', '$X', 'x', 'MANUAL');
INSERT INTO \"MessageDraft\" (id, \"leadId\", \"userId\", subject, body) VALUES ('cdraftmark000000000000001', '$X', '$OP_ID', 's', 'b');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\") VALUES ('cformmark0000000000000001', '$X', 'link-mark', 'hash');
INSERT INTO \"EmailLog\" (id, \"applicationFormId\", \"leadId\", type) VALUES ('cemaillogmark000000000001', 'cformmark0000000000000001', '$X', 'LINK_SENT');
INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\")
	SELECT 'cconsentmark0000000000001', id, \"consentType\", '$X', true, version, content FROM \"ConsentTemplate\" WHERE id = '$TPL';
INSERT INTO \"InsuranceOnboardingSession\" (id, \"leadId\", token, \"tokenExpiresAt\") VALUES ('conbmark00000000000000001', '$X', 'tok-mark', now() + interval '1 day');
INSERT INTO \"CommunicationLog\" (id, \"sessionId\", channel) VALUES ('ccommmark0000000000000001', 'conbmark00000000000000001', 'SMS');
INSERT INTO \"ContactSchedule\" (id, \"sessionId\", \"leadId\", \"preferredDate\", \"preferredSlot\") VALUES ('cslotmark0000000000000001', 'conbmark00000000000000001', '$X', now(), '10:00-11:00');
INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", \"leadId\") VALUES ('coutboxmark00000000000001', 'EMAIL', 'a@example.com', 'x', '$X');
INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\") VALUES ('cdocmark00000000000000001', '$X', 'id_card', '/uploads/$X/1.pdf', '$OP_ID');
INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('cremmark00000000000000001', '$X', now(), 'x');
INSERT INTO \"Offer\" (id, \"leadId\", title) VALUES ('coffermark000000000000001', '$X', 'RAV4');
INSERT INTO \"Agreement\" (id, \"leadId\") VALUES ('cagreemark000000000000001', '$X');
INSERT INTO \"InboundMessage\" (id, \"messageId\", source, outcome, \"leadId\", \"senderHash\")
	VALUES ('cinboundmark0000000000001', '<mark@example.com>', 'IMAP', 'NOTE', '$X', 'hash');
INSERT INTO \"WebLeadSubmission\" (id, \"partnerId\", \"leadId\", \"tokenHash\", \"expiresAt\")
	SELECT 'cwebsubmark00000000000001', \"partnerId\", id, 'hash-mark', now() + interval '1 day' FROM \"Lead\" WHERE id = '$X';
" >/dev/null || t_bail "marker fixture rows"
# History and audit rows come through the API, as they do in use.
cgi_run POST /api/leads/$X/status '{"status":"FOLLOW_UP","notes":"x"}' "$ADMIN"
is "$STATUS" 200 "markers: a status change writes history and audit rows"
cgi_run PATCH /api/leads/$X/customer '{"phone":"600700800"}' "$ADMIN"
is "$STATUS" 200 "markers: a customer change writes an audit row"

# The tables that hang off the lead: every one with a "leadId" column, the
# lead itself, and CommunicationLog (through its onboarding session).
LEAD_TABLES="SELECT table_name::text FROM information_schema.columns
	WHERE table_schema = 'public' AND column_name = 'leadId'
	UNION SELECT 'Lead' UNION SELECT 'CommunicationLog'"
# Columns that cannot carry personal data.  Keep it short and say why.
ALLOW="
	'Lead.status', 'Lead.source',                    -- pipeline codes
	'AuditLog.action', 'AuditLog.field',             -- event and field names written by the code
	'LeadNote.type', 'EmailLog.type', 'Document.type', 'Outbox.channel', 'Outbox.status',
	'Outbox.template', 'Outbox.dedupeKey', 'CommunicationLog.channel', 'CommunicationLog.status',
	'ConsentRecord.consentType', 'ConsentRecord.consentMethod', 'FinancingApplication.decision',
	'ConsentRecord.consentText',                     -- the template's text as shown, no client data
	'ApplicationForm.uniqueLink', 'ApplicationForm.accessCodeHash', 'ApplicationForm.status',
	'InsuranceOnboardingSession.token', 'InsuranceOnboardingSession.status', -- random secrets, codes
	'Document.filePath', 'Document.storageKey', 'Document.mimeType', -- generated storage paths
	'LeadStatusHistory.reasonCode', 'ContactSchedule.preferredSlot', -- codes from fixed lists
	'Agreement.signatureMethod', 'Offer.currency', 'CommunicationLog.templateKey',
	'Agreement.draftFilePath', 'Agreement.signedFilePath', 'Document.storageProvider',
	'Document.checksum', 'ConsentRecord.accessCodeHash',   -- generated paths, hashes, codes
	'ConsentRecord.helpTextSnapshot',                -- the template's help text as shown
	'Document.uploadedBy',                           -- a staff user's id
	'ConsentRecord.withdrawalChannel', 'CommunicationLog.providerMessageId', -- codes, provider ids
	'CommunicationLog.direction',                    -- OUTBOUND or INBOUND (a CHECK constraint)
	'InboundMessage.source', 'InboundMessage.outcome', -- codes (CHECK constraints)
	'InboundMessage.messageId',                      -- the mail system's id, kept for exactly-once
	'VehicleCurrent.make', 'VehicleCurrent.model', 'VehicleCurrent.ownershipStatus',
	'VehicleDesired.make', 'VehicleDesired.model',   -- kept for statistics (FR-38): no person in a car model
	'LeadSla.firstContactKind',                      -- STATUS, NOTE or MESSAGE (a CHECK constraint)
	'WebLeadSubmission.answers',                     -- the ticked purposes: template ids and versions
	'WebLeadSubmission.origin', 'WebLeadSubmission.tokenHash' -- the partner's web site; a hash
"
# Ids and foreign keys (id, *Id) are generated, never typed by a person.
COLS="SELECT ic.table_name::text AS tab, ic.column_name::text AS col, ic.data_type::text AS typ
	FROM information_schema.columns ic
	WHERE ic.table_schema = 'public' AND ic.table_name IN ($LEAD_TABLES)
	  AND ic.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')
	  AND ic.column_name <> 'id' AND ic.column_name NOT LIKE '%Id'
	  AND ic.table_name || '.' || ic.column_name NOT IN ($ALLOW)
	ORDER BY 1, 2"
missing=$(psql_q "SELECT string_agg(t, ' ') FROM ($LEAD_TABLES) x(t)
	WHERE t NOT IN ('Lead', 'CommunicationLog')
	  AND NOT EXISTS (SELECT 1 FROM information_schema.tables i WHERE i.table_name = t AND i.table_type = 'VIEW')")
for t in $missing; do
	n=$(psql_q "SELECT count(*) FROM \"$t\" WHERE \"leadId\" = '$X'")
	[[ $n -gt 0 ]] || printf '# no fixture row for the marker test in %s\n' "$t"
done
is "$(for t in $missing; do [[ $(psql_q "SELECT count(*) FROM \"$t\" WHERE \"leadId\" = '$X'") -gt 0 ]] || printf '%s ' "$t"; done)" "" \
	"markers: every table with a leadId has a fixture row (add one above for a new table)"
planted=$(psql_q "
DO \$\$
DECLARE k record; m text; v text; w text;
BEGIN
	FOR k IN $COLS LOOP
		m := 'pii-mk-' || k.tab || '.' || k.col || '-end';
		v := CASE k.typ WHEN 'json' THEN format('json_build_object(''x'', %L)', m)
		                      WHEN 'jsonb' THEN format('jsonb_build_object(''x'', %L)', m)
		                      WHEN 'ARRAY' THEN format('ARRAY[%L]', m)
		                      ELSE quote_literal(m) END;
		w := CASE k.tab WHEN 'Lead' THEN format('id = %L', '$X')
		     WHEN 'CommunicationLog' THEN format('\"sessionId\" IN (SELECT id FROM \"InsuranceOnboardingSession\" WHERE \"leadId\" = %L)', '$X')
		     ELSE format('\"leadId\" = %L', '$X') END;
		EXECUTE format('UPDATE %I SET %I = %s WHERE %s', k.tab, k.col, v, w);
	END LOOP;
END \$\$;
SELECT count(*) FROM ($COLS) x" 2>&1)
like "$planted" '^[0-9]+$' "markers: planted in every free-text column"
markers() {
	"$PG_BIN/pg_dump" --no-owner -d "$DATABASE_URL" >"$T_VAR/markers.sql"
	grep -o 'pii-mk-[A-Za-z]*\.[A-Za-z]*' "$T_VAR/markers.sql" | sort -u | tr '\n' ' '
}
before=$(markers)
is "$(wc -w <<<"$before")" "$planted" "markers: the dump holds each marker before"
cgi_run POST /api/leads/$X/anonymize "" "$ADMIN"
is "$STATUS" 200 "markers: anonymised"
is "$(markers)" "" "markers: pg_dump holds none of the markers after the anonymisation"

t_done
