#!/usr/bin/env bash
# cgi-bin/leads: the data subject's export (Art. 15; cgi-bin/leads_export.c)
# and the retention whitelist (cgi-bin/leads_retention.c).
#  - JSON: personal data, lead info, consents with the text exactly as shown
#    when given (not the template's current text), communications, documents,
#    disclosures to banks, the audit trail; no PIN hash or link token;
#  - HTML: printable, every value escaped, as an attachment;
#  - each export audited as data_exported; ADMIN only; 404 for no lead;
#  - the whitelist: GET/PUT /api/leads/{id}/retention, audited, ADMIN only.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-export
CGI_PROG=leads

ADMIN=$(login admin@example.com)
OPERATOR=$(login operator@example.com Operator123!)
mk_user csupervisorexport00000001 supervisor-export@example.com SUPERVISOR -
SUPERVISOR=$(login supervisor-export@example.com)
[[ -n $ADMIN && -n $OPERATOR && -n $SUPERVISOR ]] || t_bail "cannot log in"
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")

L=cexportlead00000000000001
TPL=$(psql_q "SELECT id FROM \"ConsentTemplate\" ORDER BY id LIMIT 1")
psql_q "
INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('$L', 'seed-partner', 'FIRST_CONTACT');
INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
	VALUES ('cpexport00000000000000001', '$L', '<b>Zofia</b>', 'Export-Kowalska', 'zofia.export@example.com', '600100200');
INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\", \"ipAddress\")
	SELECT 'cconsentexport00000000001', id, \"consentType\", '$L', true, version,
	       'Zgoda w brzmieniu z dnia wyrażenia: tekst-oryginalny-v1', '203.0.113.7'
	FROM \"ConsentTemplate\" WHERE id = '$TPL';
INSERT INTO \"FinancingApplication\" (id, \"leadId\", bank, \"submittedAt\") VALUES ('cfinexport000000000000001', '$L', 'Bank Testowy SA', now());
INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", \"leadId\", \"dedupeKey\")
	VALUES ('coutboxexport000000000001', 'EMAIL', 'zofia.export@example.com', 'Twoja oferta', 'Treść wiadomości do klienta', '$L', 'dedupe-secret-key');
INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\", \"originalName\", \"storageKey\")
	VALUES ('cdocexport000000000000001', '$L', 'id_card', '/uploads/$L/x.pdf', '$OP_ID', 'dowod-osobisty.pdf', 'storage-key-secret');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"formData\")
	VALUES ('cformexport00000000000001', '$L', 'link-hash-secret', 'pin-hash-secret', '{\"pesel\":\"44051401359\"}');
INSERT INTO \"InsuranceOnboardingSession\" (id, \"leadId\", token, \"tokenExpiresAt\", \"ipAddress\")
	VALUES ('conbexport000000000000001', '$L', 'onboarding-token-secret', now() + interval '1 day', '198.51.100.9');
INSERT INTO \"ContactSchedule\" (id, \"sessionId\", \"leadId\", \"preferredDate\", \"preferredSlot\")
	VALUES ('cslotexport00000000000001', 'conbexport000000000000001', '$L', now(), '10:00-11:00');
" >/dev/null || t_bail "fixture rows"
# The template's text changes later: the export must still show the text as given.
psql_q "UPDATE \"ConsentTemplate\" SET content = 'tekst-nowszy-v2' WHERE id = '$TPL'" >/dev/null
cgi_run POST /api/leads/$L/status '{"status":"FOLLOW_UP","notes":"telefon"}' "$ADMIN"
is "$STATUS" 200 "fixture: a status change writes the audit trail"

# --- JSON ---------------------------------------------------------------------------
cgi_run GET "/api/leads/$L/data-export" "" "$ADMIN"
is "$STATUS" 200 "json: 200 for an admin"
like "$(header Content-Type)" '^application/json' "json: JSON"
like "$(header Content-Disposition)" "^attachment; filename=\"lead_${L}_export_[0-9T-]+Z\\.json\"$" \
	"json: an attachment named lead_<id>_export_<time>.json"
is "$(jq_body .leadId)" "$L" "json: the lead's id"
is "$(jq_body '.personalData.firstName + "|" + .personalData.lastName + "|" + .personalData.email + "|" + .personalData.phone')" \
	"<b>Zofia</b>|Export-Kowalska|zofia.export@example.com|600100200" "json: the personal data"
is "$(jq_body '.lead.status + "|" + .lead.partner.id')" "FOLLOW_UP|seed-partner" "json: the lead info"
is "$(jq_body '.consents[0].consentText')" "Zgoda w brzmieniu z dnia wyrażenia: tekst-oryginalny-v1" \
	"json: the consent's text as shown when given, not the template's current text"
is "$(jq_body '.consents[0] | "\(.consentGiven)|\(.ipAddress)|\(.templateVersion|type)"')" "true|203.0.113.7|number" \
	"json: the consent's evidence (given, IP, version)"
is "$(jq_body '.thirdPartyDisclosures[0] | .recipient + "|" + .recipientType')" "Bank Testowy SA|BANK" \
	"json: the disclosure to the bank"
like "$(jq_body '.thirdPartyDisclosures[0] | .purpose + "|" + .date')" '^.+\|[0-9]{4}-.+Z$' \
	"json: the disclosure's purpose and date"
is "$(jq_body '.communications.outbox[0] | .subject + "|" + .bodyText')" "Twoja oferta|Treść wiadomości do klienta" \
	"json: the messages sent to the client"
is "$(jq_body '.documents[0] | .originalName + "|" + .type')" "dowod-osobisty.pdf|id_card" "json: the documents' metadata"
is "$(jq_body '.applicationForms[0].formData.pesel')" "44051401359" "json: the form's answers"
is "$(jq_body '[.auditTrail[].action] | index("status_change") != null')" true "json: the lead's audit trail"
is "$(jq_body '.statusHistory[0].newStatus')" FOLLOW_UP "json: the status history"
is "$(jq_body '.onboarding[0].ipAddress + "|" + .contactSchedule[0].preferredSlot')" "198.51.100.9|10:00-11:00" \
	"json: the onboarding session and the chosen contact slot"
like "$(jq_body .rightsNotice)" 'art. 15 RODO' "json: a notice of the person's rights"
for secret in pin-hash-secret link-hash-secret storage-key-secret dedupe-secret-key onboarding-token-secret; do
	[[ $BODY != *"$secret"* ]]
	ok $? "json: no secret in the export ($secret)"
done

# --- HTML ---------------------------------------------------------------------------
cgi_run GET "/api/leads/$L/data-export?format=html" "" "$ADMIN"
is "$STATUS" 200 "html: 200"
like "$(header Content-Type)" '^text/html; charset=utf-8' "html: an HTML page"
like "$(header Content-Disposition)" "^attachment; filename=\"lead_${L}_export_[0-9T-]+Z\\.html\"$" \
	"html: an attachment named lead_<id>_export_<time>.html"
[[ $BODY == *'&lt;b&gt;Zofia&lt;/b&gt;'* && $BODY != *'<b>Zofia</b>'* ]]
ok $? "html: values are escaped"
[[ $BODY == *'tekst-oryginalny-v1'* && $BODY != *'tekst-nowszy-v2'* ]]
ok $? "html: the consent's original text"
[[ $BODY == *'Bank Testowy SA'* && $BODY == *'Udostępnienia podmiotom trzecim'* ]]
ok $? "html: the disclosures, with Polish headings"
[[ $BODY == *'@media print'* ]]
ok $? "html: print CSS"
[[ $BODY != *pin-hash-secret* ]]
ok $? "html: no secret"

# --- audit, errors, roles ------------------------------------------------------------
is "$(psql_q "SELECT string_agg(metadata->>'format', ',' ORDER BY \"createdAt\", metadata->>'format' DESC)
	FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'data_exported'")" "json,html" \
	"audit: each export is recorded as data_exported with its format"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'data_exported'
	AND \"userId\" = (SELECT id FROM \"User\" WHERE email = 'admin@example.com')")" 2 "audit: by the admin"
cgi_run GET "/api/leads/$L/data-export?format=pdf" "" "$ADMIN"
is "$STATUS" 400 "an unknown format: 400"
cgi_run GET "/api/leads/cnosuchlead0000000000001/data-export" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Lead not found" "no such lead: 404"
cgi_run GET "/api/leads/$L/data-export" "" "$OPERATOR"
is "$STATUS" 403 "an operator: 403"
cgi_run GET "/api/leads/$L/data-export" "" "$SUPERVISOR"
is "$STATUS" 403 "a supervisor: 403"
cgi_run GET "/api/leads/$L/data-export" ""
is "$STATUS" 401 "no session: 401"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE action = 'data_exported'")" 2 "audit: refused exports are not recorded"

# --- the retention whitelist ------------------------------------------------------------
cgi_run GET "/api/leads/$L/retention" "" "$ADMIN"
is "$STATUS:$(jq_body tojson)" '200:{"retentionExempt":false,"retentionNoticeAt":null}' "whitelist: off by default"
cgi_run PUT "/api/leads/$L/retention" '{"retentionExempt":true}' "$ADMIN"
is "$STATUS:$(jq_body .retentionExempt)" "200:true" "whitelist: an admin puts the lead on it"
is "$(psql_q "SELECT \"retentionExempt\" FROM \"Lead\" WHERE id = '$L'")" t "whitelist: stored"
is "$(psql_q "SELECT concat_ws('|', field, \"oldValue\", \"newValue\") FROM \"AuditLog\"
	WHERE \"leadId\" = '$L' AND action = 'retention_exempt_changed'")" "retentionExempt|false|true" "whitelist: audited"
cgi_run PUT "/api/leads/$L/retention" '{"retentionExempt":true}' "$ADMIN"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'retention_exempt_changed'")" 1 \
	"whitelist: setting the same value again is not a change"
cgi_run PUT "/api/leads/$L/retention" '{"retentionExempt":"yes"}' "$ADMIN"
is "$STATUS" 400 "whitelist: a non-boolean: 400"
cgi_run PUT "/api/leads/$L/retention" '{"retentionExempt":false}' "$OPERATOR"
is "$STATUS" 403 "whitelist: an operator: 403"
cgi_run GET "/api/leads/$L/retention" "" "$SUPERVISOR"
is "$STATUS" 403 "whitelist: a supervisor cannot read it: 403"
cgi_run PUT "/api/leads/cnosuchlead0000000000001/retention" '{"retentionExempt":true}' "$ADMIN"
is "$STATUS" 404 "whitelist: no such lead: 404"
is "$(psql_q "SELECT \"retentionExempt\" FROM \"Lead\" WHERE id = '$L'")" t "whitelist: refused changes changed nothing"

t_done
