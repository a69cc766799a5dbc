#!/usr/bin/env bash
# Per-binary tests of cgi-bin/consents: the template list (spec/api.md §4.9.1),
# template administration with automatic versions, sanitised texts and the
# version diff (FR-30, SR-36), the capture core on the staff and partner path
# (SR-37..39), the archive with lead scoping, audited exports (FR-35, FR-36,
# SR-14, SR-45) and withdrawal (FR-37, SR-40).  Run as plain CGI against a
# private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-consents
CGI_PROG=consents
CGI_LOG=$T_VAR/log/consents-cgi.log
mkdir -p "$T_VAR/log"

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }
tpl_id() { psql_q "SELECT id FROM \"ConsentTemplate\" WHERE \"consentType\" = '$1' AND \"formType\" = '${2:-financing_application}' AND version = ${3:-1}"; }
rec_count() { psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$1'"; }
caudit() { psql_q "SELECT count(*) FROM \"ConsentAuditLog\" WHERE action = '$1'"; }

# --- the public list ------------------------------------------------------------------
cgi_run GET /api/consent-templates
is "$STATUS" 200 "the template list is public"
is "$(jq_body '[.data[].consentType] | join(",")')" "PARTNER_DECLARATION,MARKETING,FINANCIAL_PARTNERS,VEHICLE_PARTNERS" \
	"financing_application by default, in ConsentType declaration order"
is "$(jq_body '[.data[0] | .formType, .version, .isRequired, .isActive, (.validFrom|test("Z$")), (.tags|length)] | map(tostring) | join(",")')" \
	"financing_application,1,true,true,true,0" "template shape with UTC timestamps"
cgi_run GET "/api/consent-templates?form_type=onboarding_insurance"
is "$(jq_body '[.data[].consentType] | join(",")')" "FINANCIAL_PARTNERS,VEHICLE_PARTNERS,PHONE_CONTACT" "filter by form type"
cgi_run GET "/api/consent-templates?form_type=lead_creation"
is "$STATUS:$(jq_body '.data|length')" '200:0' "an unused form type gives an empty list"

mk_user csupervisor00000000000001 sup@example.com SUPERVISOR - ACTIVE
mk_user cpartneruser0000000000001 partner@example.com PARTNER seed-partner ACTIVE
mk_user cauditoruser0000000000001 auditor@example.com AUDITOR - ACTIVE
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Other Partner')" >/dev/null
mk_user cpartnerother000000000001 partner2@example.com PARTNER other-partner ACTIVE
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
SUP=$(login sup@example.com)
PART=$(login partner@example.com)
PART2=$(login partner2@example.com)
AUD=$(login auditor@example.com)
[[ -n $ADMIN && -n $OP && -n $SUP && -n $PART && -n $PART2 && -n $AUD ]] || t_bail "cannot log in the test users"
CGI_PROG=consents

psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = false WHERE \"consentType\" = 'MARKETING' AND \"formType\" = 'financing_application'" >/dev/null
psql_q "UPDATE \"ConsentTemplate\" SET \"validTo\" = now() - interval '1 day' WHERE \"consentType\" = 'VEHICLE_PARTNERS' AND \"formType\" = 'financing_application'" >/dev/null
cgi_run GET /api/consent-templates
is "$(jq_body '[.data[].consentType] | join(",")')" "PARTNER_DECLARATION,FINANCIAL_PARTNERS" "inactive and expired templates are not offered (SR-36)"
cgi_run GET "/api/consent-templates?include_inactive=true"
is "$STATUS" 401 "inactive templates are not shown to anonymous callers"
cgi_run GET "/api/consent-templates?include_inactive=true" "" "$OP"
is "$STATUS" 403 "nor to operators"
cgi_run GET "/api/consent-templates?include_inactive=true" "" "$ADMIN"
is "$STATUS:$(jq_body '.data | length')" "200:4" "an admin lists them all"
psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = true, \"validTo\" = NULL WHERE \"formType\" = 'financing_application'" >/dev/null

cgi_run GET "/api/consent-templates?form_type="
is "$STATUS" 400 "an empty form_type is refused"
cgi_run GET "/api/consent-templates?leadId=not-a-cuid"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:leadId" "leadId must be a cuid when given"

# --- create ----------------------------------------------------------------------------
new_tpl() { jq -cn --arg t "$1" --arg f "$2" --arg c "$3" '{consentType:$t, formType:$f, title:"Zgoda testowa", content:$c}'; }
cgi_run POST /api/consent-templates "$(new_tpl MARKETING lead_creation 'x')"
is "$STATUS" 401 "create: no session"
cgi_run POST /api/consent-templates "$(new_tpl MARKETING lead_creation 'x')" "$OP"
is "$(msg)" "403:Forbidden" "create: admins only"
cgi_run POST /api/consent-templates '{"consentType":"MARKETING"}' "$ADMIN"
is "$STATUS:$(jq_body '[.issues[].path[0]] | sort | join(",")')" "400:content,formType,title" "create: the required fields"
cgi_run POST /api/consent-templates '{"consentType":"NOPE","formType":"x","title":"t","content":"c"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:consentType" "create: consentType is an enum"

cgi_run POST /api/consent-templates "$(new_tpl MARKETING lead_creation '<p onclick="steal()">Zgadzam się na <b>marketing</b>.</p><script>alert(1)</script><img src=x onerror=alert(2)>')" "$ADMIN"
is "$STATUS" 201 "create: 201"
LC1=$(jq_body .id)
is "$(jq_body '[.version, .isActive, .isRequired, .validTo, .createdByUserId == "'"$ADMIN_ID"'"] | map(tostring) | join(",")')" "1,true,false,null,true" \
	"create: version numbered automatically, active, optional, open, authored"
is "$(jq_body .content)" '<p>Zgadzam się na <b>marketing</b>.</p>' "create: the content is sanitised to the allow-list"
is "$(psql_q "SELECT content FROM \"ConsentTemplate\" WHERE id = '$LC1'")" '<p>Zgadzam się na <b>marketing</b>.</p>' "create: stored sanitised"
is "$(caudit TEMPLATE_CREATED)" 1 "create: audited"
cgi_run POST /api/consent-templates "$(new_tpl MARKETING lead_creation '<script>only()</script>')" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:content" "create: a text that is nothing but markup is refused"
cgi_run POST /api/consent-templates "$(jq -cn '{consentType:"MARKETING", formType:"lead_creation", title:"t", content:"c", version:1}')" "$ADMIN"
is "$(msg)" "409:Template version already exists" "create: a taken version is 409"
cgi_run POST /api/consent-templates "$(jq -cn '{consentType:"PARTNER_DECLARATION", formType:"lead_creation", title:"Oświadczenie", content:"Oświadczam.", isRequired:true, tags:["a","b"]}')" "$ADMIN"
LC_PD=$(jq_body .id)
is "$STATUS:$(jq_body '[.version, .isRequired, (.tags|join("+"))] | map(tostring) | join(",")')" "201:1,true,a+b" "create: required, with tags"

cgi_run GET "/api/consent-templates/$LC1" "" "$ADMIN"
is "$STATUS:$(jq_body '[.current, (.versions|length), .versions[0].records] | map(tostring) | join(",")')" "200:true,1,0" "get: the template with its versions"
cgi_run GET /api/consent-templates/cnosuchtemplate00000001 "" "$ADMIN"
is "$(msg)" "404:Consent template not found" "get: 404"
cgi_run GET "/api/consent-templates/$LC1" "" "$SUP"
is "$STATUS" 403 "get: admins only"

# --- leads and the capture path ----------------------------------------------------------
mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\", \"createdByUserId\")
		VALUES ('$1', '$2', 'NEW', $(sqlv "${3-}"), NULL);
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		VALUES ('cp$1', '$1', '$4', '$5', '$1@example.com', '600100200')" >/dev/null
}
L1=cleadconsents000000000001 # seed-partner, assigned to the operator
L2=cleadconsents000000000002 # other-partner: the operator may not see it
mk_lead $L1 seed-partner "$OP_ID" Anna Nowak
mk_lead $L2 other-partner "" Jan Zieliński
answers() { # answers ID:VERSION:GIVEN ... -> {leadId, consents}
	local lead=$1 a=() t v g
	shift
	for x in "$@"; do
		IFS=: read -r t v g <<<"$x"
		if [[ -n $g ]]; then a+=("{\"consentTemplateId\":\"$t\",\"version\":$v,\"consentGiven\":$g}")
		else a+=("{\"consentTemplateId\":\"$t\",\"version\":$v}"); fi
	done
	local IFS=,
	printf '{"leadId":"%s","consents":[%s]}' "$lead" "${a[*]}"
}

cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")"
is "$STATUS" 401 "capture: no session"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")" "$AUD"
is "$STATUS" 403 "capture: not for auditors"
cgi_run POST /api/consent-records/capture '{"leadId":"'$L1'","consents":[]}' "$OP"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:consents" "capture: at least one answer"
cgi_run POST /api/consent-records/capture "$(jq -cn --arg l $L1 --arg t "$LC1" '{leadId:$l, consents:[{consentTemplateId:$t, version:1, consentGiven:true, consentText:"Zgadzam się na wszystko"}]}')" "$OP"
is "$STATUS:$(rec_count $L1)" "400:0" "capture: a client-supplied text is refused, nothing written"
cgi_run POST /api/consent-records/capture "$(jq -cn --arg l $L1 --arg t "$LC1" '{leadId:$l, consents:[{consentTemplateId:$t, version:1, consentGiven:true}], ipAddress:"6.6.6.6"}')" "$OP"
is "$STATUS:$(rec_count $L1)" "400:0" "capture: a client-supplied IP is refused"

cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true" "$LC_PD:1")" "$OP"
is "$STATUS:$(jq_body .code):$(rec_count $L1)" "422:REQUIRED_CONSENT_MISSING:0" "capture: an answer left implicit is 422 and nothing is written (SR-38)"
like "$(jq_body .message)" "needs an explicit answer" "capture: the implicit answer is named"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true" "$LC1:1:false")" "$OP"
is "$STATUS:$(rec_count $L1)" "400:0" "capture: a template answered twice is refused"
cgi_run POST /api/consent-records/capture "$(answers $L1 "cnosuchtemplate00000001:1:true")" "$OP"
is "$STATUS:$(jq_body .code):$(jq_body .message)" "422:REQUIRED_CONSENT_MISSING:Consent template missing or inactive" "capture: an unknown template is 422"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:2:true")" "$OP"
is "$STATUS:$(jq_body .code):$(header Retry-After):$(jq_body '.details.latestVersion'):$(rec_count $L1)" "409:TEMPLATE_OUTDATED:0:1:0" \
	"capture: a version the template does not have is 409 TEMPLATE_OUTDATED with the current version"
cgi_run POST /api/consent-records/capture "$(answers $L2 "$LC1:1:true")" "$OP"
is "$STATUS:$(rec_count $L2)" "403:0" "capture: an operator cannot record on a lead they may not see"
cgi_run POST /api/consent-records/capture "$(answers cnosuchlead0000000000001 "$LC1:1:true")" "$OP"
is "$(msg)" "404:Lead not found" "capture: unknown lead"

CGI_REMOTE_ADDR=203.0.113.7 cgi_run POST /api/consent-records/capture "$(jq -cn --arg l $L1 --arg a "$LC1" --arg b "$LC_PD" '{leadId:$l, notes:"Klient potwierdził telefonicznie", consents:[{consentTemplateId:$a, version:1, consentGiven:false},{consentTemplateId:$b, version:1, consentGiven:true}]}')" "$OP"
is "$STATUS:$(jq_body .processed)" "201:2" "capture: 201 with the number of records"
is "$(psql_q "SELECT string_agg(concat_ws('|', \"consentGiven\", \"consentMethod\", \"ipAddress\", \"userAgent\", \"recordedByUserId\" = '$OP_ID', \"partnerId\", version, \"consentText\", notes, \"needsClientConfirmation\"), ';' ORDER BY \"consentGiven\") FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1'")" \
	"f|PHONE_CALL|203.0.113.7|izzy-cgi-test|t|seed-partner|1|<p>Zgadzam się na <b>marketing</b>.</p>|Klient potwierdził telefonicznie|f;t|PHONE_CALL|203.0.113.7|izzy-cgi-test|t|seed-partner|1|Oświadczam.|Klient potwierdził telefonicznie|f" \
	"capture: staff record PHONE_CALL with the request's IP and user agent, the call notes and the text from the database (SR-37, SR-39)"
is "$(jq_body '[.data[] | .consentMethod, .ipAddress] | join(",")')" "PHONE_CALL,203.0.113.7,PHONE_CALL,203.0.113.7" "capture: the records come back"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")" "$OP"
is "$STATUS:$(rec_count $L1)" "201:3" "capture: a re-consent adds a record, nothing is overwritten (append-only)"

cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")" "$PART"
is "$STATUS:$(jq_body '.data[0] | [.consentMethod, .needsClientConfirmation, .partnerId, .ipAddress] | map(tostring) | join(",")')" \
	"201:PARTNER_SUBMISSION,true,seed-partner,null" "capture: a partner's record is PARTNER_SUBMISSION and needs the client's confirmation (SR-39); no IP echoed to partners"
is "$(psql_q "SELECT \"ipAddress\" FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1' AND \"consentMethod\" = 'PARTNER_SUBMISSION'")" 192.0.2.10 "capture: the partner's IP is stored"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")" "$PART2"
is "$STATUS:$(rec_count $L1)" "403:4" "capture: a partner cannot record on another partner's lead"
psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", \"consentMethod\", version, \"consentText\")
	VALUES ('crecbylegacypath00000001', '$LC1', 'MARKETING', '$L2', true, 'PARTNER_SUBMISSION', 1, 'x')" >/dev/null
is "$(psql_q "SELECT \"needsClientConfirmation\" FROM \"ConsentRecord\" WHERE id = 'crecbylegacypath00000001'")" t \
	"every PARTNER_SUBMISSION record needs the client's confirmation, whichever path inserts it (lead creation too)"

# The person's own paths (client form, onboarding) enforce the required templates.
cap_sql() { psql_q "SELECT izzy_consent_capture('$L1', NULL, 'lead_creation', '$1'::jsonb, 'ONLINE_FORM', '198.51.100.1', 'UA', NULL, NULL, NULL, 'sess', true)->>'problem'"; }
is "$(cap_sql "[{\"consentTemplateId\":\"$LC1\",\"version\":1,\"consentGiven\":true}]")" absent "capture core: a required template left out is refused"
is "$(cap_sql "[{\"consentTemplateId\":\"$LC1\",\"version\":1,\"consentGiven\":true},{\"consentTemplateId\":\"$LC_PD\",\"version\":1,\"consentGiven\":false}]")" refused "capture core: a required template refused is refused"
is "$(cap_sql "[{\"consentTemplateId\":\"$LC_PD\",\"version\":1,\"consentGiven\":true},{\"consentTemplateId\":\"$(tpl_id MARKETING)\",\"version\":1,\"consentGiven\":true}]")" missing "capture core: a template of another form type is refused"
is "$(rec_count $L1)" 4 "capture core: a refusal writes nothing"
is "$(cap_sql "[{\"consentTemplateId\":\"$LC_PD\",\"version\":1,\"consentGiven\":true}]")" "" "capture core: the required ones given, accepted"
is "$(psql_q "SELECT concat_ws('|', \"consentMethod\", \"ipAddress\", \"clientSessionId\") FROM \"ConsentRecord\" WHERE \"clientSessionId\" = 'sess'")" "ONLINE_FORM|198.51.100.1|sess" \
	"capture core: the client session is kept as evidence"

# --- update: a new version ---------------------------------------------------------------
cgi_run PUT "/api/consent-templates/$LC1" '{"title":"Nowy tytuł"}' "$OP"
is "$STATUS" 403 "update: admins only"
cgi_run PUT /api/consent-templates/cnosuchtemplate00000001 '{"title":"x"}' "$ADMIN"
is "$(msg)" "404:Consent template not found" "update: 404"
cgi_run PUT "/api/consent-templates/$LC1" '{"title":""}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:title" "update: validation"
cgi_run PUT "/api/consent-templates/$LC1" '{"formType":"financing_application"}' "$ADMIN"
is "$STATUS" 400 "update: the family of a template cannot change"
cgi_run PUT "/api/consent-templates/$LC1" '{"version":7,"title":"x"}' "$ADMIN"
is "$STATUS" 400 "update: versions are not typed by hand"
cgi_run PUT "/api/consent-templates/$LC1" '{"version":1,"tags":["rodo"]}' "$ADMIN"
is "$STATUS:$(jq_body .id):$(jq_body '.tags|join(",")')" "200:$LC1:rodo" "update: tags change in place (the same id)"
cgi_run PUT "/api/consent-templates/$LC1" '{"title":"Zgoda testowa"}' "$ADMIN"
is "$STATUS:$(jq_body .id):$(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE \"formType\" = 'lead_creation' AND \"consentType\" = 'MARKETING'")" "200:$LC1:1" \
	"update: the same text is no new version"

cgi_run PUT "/api/consent-templates/$LC1" "$(jq -cn '{content:"<p>Zgadzam się na <b>marketing</b>.</p>\n<p>Nowy akapit <a href=\"javascript:x()\">link</a>.</p>"}')" "$ADMIN"
LC2=$(jq_body .id)
is "$STATUS:$(jq_body '[.version, .validTo, .current] | map(tostring) | join(",")')" "200:2,null,true" "update: an edit of the text is version 2, open and current (SR-36)"
[[ $LC2 != "$LC1" ]]
ok $? "update: the new version is a new row"
is "$(psql_q "SELECT concat_ws('|', \"validTo\" IS NOT NULL AND \"validTo\" <= now(), content) FROM \"ConsentTemplate\" WHERE id = '$LC1'")" \
	"t|<p>Zgadzam się na <b>marketing</b>.</p>" "update: the old version is closed and its text unchanged"
is "$(jq_body .content)" $'<p>Zgadzam się na <b>marketing</b>.</p>\n<p>Nowy akapit <a>link</a>.</p>' "update: the new text is sanitised"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"consentTemplateId\" = '$LC1'")" 4 "update: records keep pointing at the version the person saw"
is "$(caudit TEMPLATE_VERSIONED)" 1 "update: the new version is audited"
cgi_run GET "/api/consent-templates?form_type=lead_creation"
is "$(jq_body '[.data[] | .consentType + ":" + (.version|tostring)] | join(",")')" "PARTNER_DECLARATION:1,MARKETING:2" "update: only the new version is offered"
cgi_run PUT "/api/consent-templates/$LC1" '{"title":"x"}' "$ADMIN"
is "$(msg)" "409:Only the current version of a template can be edited" "update: a closed version cannot be edited"

cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC1:1:true")" "$OP"
is "$STATUS:$(jq_body .code):$(jq_body .details.latestTemplateId):$(jq_body .details.latestVersion)" "409:TEMPLATE_OUTDATED:$LC2:2" \
	"capture: answering the old version is TEMPLATE_OUTDATED naming the current one"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC2:2:true")" "$OP"
is "$STATUS:$(jq_body '.data[0].version')" "201:2" "capture: the current version is accepted"

# --- the version diff ----------------------------------------------------------------------
cgi_run GET "/api/consent-templates/$LC2/diff" "" "$ADMIN"
is "$STATUS:$(jq_body '[.from.version, .to.version] | map(tostring) | join(">")')" "200:1>2" "diff: the previous version by default"
is "$(jq_body '[.lines[] | .op + " " + .text] | join("|")')" \
	"equal <p>Zgadzam się na <b>marketing</b>.</p>|insert <p>Nowy akapit <a>link</a>.</p>" "diff: line by line, in reading order"
is "$(jq_body '[.changed.title, .changed.content, .stats.equal, .stats.insert, .stats.delete] | map(tostring) | join(",")')" "false,true,1,1,0" "diff: what changed, counted"
cgi_run PUT "/api/consent-templates/$LC2" "$(jq -cn '{title:"Zgoda marketingowa", content:"<p>Zgadzam się na <b>marketing</b> e-mailowy.</p>\n<p>Nowy akapit <a>link</a>.</p>"}')" "$ADMIN"
LC3=$(jq_body .id)
cgi_run GET "/api/consent-templates/$LC1/diff?from=3&to=1" "" "$ADMIN"
is "$(jq_body '[.lines[] | .op] | join(",")'):$(jq_body .changed.title)" "delete,delete,insert:true" "diff: any two versions, either way; deletions before insertions"
cgi_run GET "/api/consent-templates/$LC1/diff" "" "$ADMIN"
is "$(msg)" "404:Template version not found" "diff: the first version has no previous one"
cgi_run GET "/api/consent-templates/$LC1/diff?from=9" "" "$ADMIN"
is "$(msg)" "404:Template version not found" "diff: an unknown version"
cgi_run GET /api/consent-templates/cnosuchtemplate00000001/diff "" "$ADMIN"
is "$(msg)" "404:Consent template not found" "diff: an unknown template"
cgi_run GET "/api/consent-templates/$LC1/diff?from=abc" "" "$ADMIN"
is "$STATUS" 400 "diff: versions are numbers"
cgi_run GET "/api/consent-templates/$LC1/diff" "" "$SUP"
is "$STATUS" 403 "diff: admins only"

# --- delete only deactivates ------------------------------------------------------------------
cgi_run DELETE "/api/consent-templates/$LC3" "" "$OP"
is "$STATUS" 403 "delete: admins only"
cgi_run DELETE "/api/consent-templates/$LC3" "" "$ADMIN"
is "$STATUS:$(psql_q "SELECT \"isActive\" FROM \"ConsentTemplate\" WHERE id = '$LC3'")" "204:f" "delete: the template is deactivated, not deleted"
is "$(caudit TEMPLATE_DEACTIVATED)" 1 "delete: audited"
cgi_run DELETE "/api/consent-templates/$LC1" "" "$ADMIN"
is "$STATUS:$(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE id = '$LC1'")" "204:1" "delete: a template with records stays"
cgi_run DELETE /api/consent-templates/cnosuchtemplate00000001 "" "$ADMIN"
is "$(msg)" "404:Consent template not found" "delete: 404"
cgi_run POST /api/consent-records/capture "$(answers $L1 "$LC3:3:true")" "$OP"
is "$STATUS:$(jq_body .code)" "422:REQUIRED_CONSENT_MISSING" "capture: a deactivated template is no longer accepted"

# --- the archive ------------------------------------------------------------------------------
FIN_PD=$(tpl_id PARTNER_DECLARATION)
FIN_MK=$(tpl_id MARKETING)
psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", \"consentMethod\", version, \"consentText\", \"recordedAt\", \"partnerId\")
	VALUES ('crecl2marketing000000001', '$FIN_MK', 'MARKETING', '$L2', false, 'ONLINE_FORM', 1, 'x', now() - interval '2 days', 'other-partner'),
	       ('crecl1declaration0000001', '$FIN_PD', 'PARTNER_DECLARATION', '$L1', true, 'PARTNER_SUBMISSION', 1, 'x', now() - interval '3 days', 'seed-partner')" >/dev/null
TOTAL=$(psql_q 'SELECT count(*) FROM "ConsentRecord"')
cgi_run GET /api/consent-records
is "$STATUS" 401 "archive: no session"
cgi_run GET /api/consent-records "" "$PART"
is "$STATUS" 403 "archive: not for partners"
cgi_run GET /api/consent-records "" "$ADMIN"
is "$STATUS:$(jq_body .count):$(jq_body '.data|length')" "200:$TOTAL:$TOTAL" "archive: an admin sees every record"
is "$(jq_body '.data[0] | [(.lead.customerProfile.lastName), (.consentTemplate.version|tostring), (.recordedBy.email // "-"), (.partner.name // "-"), (has("needsClientConfirmation")|tostring)] | join(",")')" \
	"Nowak,2,operator@example.com,Seed Partner,true" "archive: records come with their lead, template, recorder and partner, newest first"
cgi_run GET /api/consent-records "" "$OP"
is "$(jq_body .count):$(jq_body "[.data[] | select(.leadId == \"$L2\")] | length")" "$(rec_count $L1):0" \
	"archive: an operator sees only the records of leads they may access (SR-14)"
cgi_run GET "/api/consent-records?leadId=$L2" "" "$OP"
is "$(jq_body .count)" 0 "archive: filtering by a foreign lead shows nothing"
cgi_run GET "/api/consent-records?consentType=PARTNER_DECLARATION&consentGiven=true&leadId=$L1" "" "$ADMIN"
is "$(jq_body '[.data[] | .consentType + ":" + (.consentGiven|tostring)] | unique | join(",")'):$(jq_body .count)" "PARTNER_DECLARATION:true:3" "archive: type and given filters"
cgi_run GET "/api/consent-records?consentGiven=maybe&leadId=$L1" "" "$ADMIN"
is "$(jq_body .count)" "$(rec_count $L1)" "archive: other consentGiven values are ignored"
cgi_run GET "/api/consent-records?consentMethod=ONLINE_FORM" "" "$ADMIN"
is "$(jq_body .count)" 2 "archive: method filter"
cgi_run GET "/api/consent-records?clientSearch=zieliń" "" "$ADMIN"
is "$(jq_body '[.data[].leadId] | unique | join(",")')" "$L2" "archive: client search, case-insensitive"
cgi_run GET "/api/consent-records?sortBy=clientName&sortOrder=asc&take=1" "" "$ADMIN"
is "$(jq_body '.data[0].lead.customerProfile.lastName'):$(jq_body .count):$(jq_body '.data|length')" "Nowak:$TOTAL:1" "archive: sort by client name, paged, with the total"
cgi_run GET "/api/consent-records?sortBy=clientName&sortOrder=desc&take=1" "" "$ADMIN"
is "$(jq_body '.data[0].lead.customerProfile.lastName')" "Zieliński" "archive: sort by client name descending"
cgi_run GET "/api/consent-records?sortBy=recordedAt&sortOrder=asc&take=1&skip=0" "" "$ADMIN"
is "$(jq_body '.data[0].id')" crecl1declaration0000001 "archive: oldest first when asked"
cgi_run GET "/api/consent-records?skip=1000" "" "$ADMIN"
is "$(jq_body '.data|length'):$(jq_body .count)" "0:$TOTAL" "archive: a page past the end is empty, the count stays"
cgi_run GET "/api/consent-records?recordedAtEnd=$(date -u -d '1 day ago' +%Y-%m-%dT%H:%M:%SZ)" "" "$ADMIN"
is "$(jq_body '[.data[].id] | sort | join(",")')" "crecl1declaration0000001,crecl2marketing000000001" "archive: recorded-at range"
cgi_run GET "/api/consent-records?take=101" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:take" "archive: at most 100 per page"
cgi_run GET "/api/consent-records?sortBy=ip" "" "$ADMIN"
is "$STATUS" 400 "archive: only the documented sort keys"

# --- withdrawal -----------------------------------------------------------------------------
MK_REC=$(psql_q "SELECT id FROM \"ConsentRecord\" WHERE \"leadId\" = '$L1' AND \"consentType\" = 'MARKETING' AND \"consentGiven\" ORDER BY \"recordedAt\" LIMIT 1")
cgi_run POST /api/consent-records/crecl1declaration0000001/withdraw "" "$PART"
is "$STATUS" 403 "withdraw: not for partners"
cgi_run POST "/api/consent-records/$MK_REC/withdraw" "" "$OP"
is "$(msg):$(psql_q "SELECT \"withdrawnAt\" IS NULL FROM \"ConsentRecord\" WHERE id = '$MK_REC'")" \
	"403:Operators can only withdraw partner declaration consents:t" "withdraw: operators only partner declarations"
cgi_run POST /api/consent-records/crecl2marketing000000001/withdraw "" "$OP"
is "$STATUS" 403 "withdraw: not on a lead the operator may not see"
cgi_run POST /api/consent-records/crecnosuchrecord00000001/withdraw "" "$ADMIN"
is "$(msg)" "404:Consent record not found" "withdraw: 404"
cgi_run POST "/api/consent-records/crecl1declaration0000001/withdraw?channel=EMAIL" "" "$OP"
is "$STATUS:$(jq_body '.withdrawnAt|test("Z$")'):$(jq_body .withdrawalChannel):$(jq_body .withdrawnByUserId)" "200:true:EMAIL:$OP_ID" \
	"withdraw: an operator withdraws a partner declaration, with actor and channel (SR-40)"
is "$(psql_q "SELECT metadata->>'consentRecordId' FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'CONSENT_WITHDRAWN'")" crecl1declaration0000001 "withdraw: audited on the lead"
cgi_run POST "/api/consent-records/crecl1declaration0000001/withdraw" "" "$ADMIN"
is "$(msg)" "409:Consent has already been withdrawn" "withdraw: only once"
cgi_run POST "/api/consent-records/$MK_REC/withdraw?channel=FAX" "" "$SUP"
is "$STATUS" 400 "withdraw: only the known channels"

# Two withdrawals at once: the handler waits on the row lock another withdrawal
# holds, then sees it withdrawn (no double withdrawal, no second audit entry).
fifo=$T_VAR/withdraw.fifo
rm -f "$fifo"; mkfifo "$fifo"
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <"$fifo" >/dev/null 2>&1 &
holder=$!
exec 7>"$fifo"
echo "BEGIN; UPDATE \"ConsentRecord\" SET \"withdrawnAt\" = now() WHERE id = '$MK_REC';" >&7
for _ in $(seq 1 200); do
	[[ $(psql_q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'transactionid' AND l.granted AND a.state = 'idle in transaction'") -ge 1 ]] && break
	psql_q "SELECT pg_sleep(0.05)" >/dev/null
done
out=$T_VAR/withdraw.out
(cgi_run POST "/api/consent-records/$MK_REC/withdraw" "" "$SUP"; printf '%s' "$(msg)" >"$out") &
waiter=$!
for _ in $(seq 1 200); do
	[[ $(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") -ge 1 ]] && break
	psql_q "SELECT pg_sleep(0.05)" >/dev/null
done
is "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")" 1 "withdraw: the second withdrawal waits on the record's lock"
echo "COMMIT;" >&7
exec 7>&-
wait "$waiter"
wait "$holder"
is "$(cat "$out")" "409:Consent has already been withdrawn" "withdraw: after the lock it sees the first withdrawal"
cgi_run POST "/api/consent-records/crecl2marketing000000001/withdraw" "" "$SUP"
is "$STATUS:$(jq_body .withdrawalChannel)" "200:STAFF" "withdraw: supervisors withdraw any record; the channel defaults to STAFF"

cgi_run GET "/api/consent-records?withdrawnAtStart=2000-01-01" "" "$ADMIN"
is "$(jq_body '[.data[].id] | sort | join(",")')" "$(printf '%s\n' crecl1declaration0000001 crecl2marketing000000001 "$MK_REC" | sort | paste -sd,)" \
	"archive: withdrawn-at range shows only withdrawn records"

# --- exports ----------------------------------------------------------------------------------
psql_q "UPDATE \"CustomerProfile\" SET \"firstName\" = '=HYPERLINK(\"http://x\")', \"lastName\" = 'Nowak, \"Jr\"' WHERE \"leadId\" = '$L1'" >/dev/null
cgi_run GET /api/consent-records/export "" "$OP"
is "$STATUS" 403 "export: supervisors and admins only"
cgi_run GET "/api/consent-records/export?format=xml" "" "$SUP"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:format" "export: csv or json"
before=$(caudit CONSENT_RECORDS_EXPORTED)
cgi_run GET "/api/consent-records/export?leadId=$L1&sortBy=recordedAt&sortOrder=asc" "" "$SUP"
is "$STATUS" 200 "export: csv by default"
is "$(header Content-Type)" "text/csv; charset=utf-8" "export: the CSV says it is CSV"
like "$(header Content-Disposition)" '^attachment; filename="consent-records-export-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}-000Z\.csv"$' "export: the file name"
is "$(printf '%s' "$BODY" | head -n 1)" "recordId,recordedAt,leadId,clientFirstName,clientLastName,clientEmail,clientPhone,consentTitle,consentTemplateVersion,consentGiven,consentMethod,recordedByEmail,recordedByFullName,partnerName,ipAddress,userAgent,withdrawnAt" \
	"export: the header line"
like "$(printf '%s' "$BODY" | sed -n 2p)" "^crecl1declaration0000001,[0-9T:.Z-]+,$L1,\"'=HYPERLINK\(\"\"http://x\"\"\)\",\"Nowak, \"\"Jr\"\"\",$L1@example.com,600100200," \
	"export: RFC 4180 quoting and a formula cell made harmless"
is "$(printf '%s\n' "$BODY" | wc -l)" "$(( $(rec_count $L1) + 1 ))" "export: one line per record, no paging"
[[ $BODY != *$'\n' ]]
ok $? "export: no trailing newline"
is "$(caudit CONSENT_RECORDS_EXPORTED)" "$((before + 1))" "export: audited (SR-45)"
is "$(psql_q "SELECT concat_ws('|', metadata->>'format', metadata->>'count', \"actorId\") FROM \"ConsentAuditLog\" WHERE action = 'CONSENT_RECORDS_EXPORTED' ORDER BY \"createdAt\" DESC LIMIT 1")" \
	"csv|$(rec_count $L1)|csupervisor00000000000001" "export: the audit names the format, the number of records and the actor"
cgi_run GET "/api/consent-records/export?leadId=cnosuchlead0000000000001" "" "$SUP"
is "$STATUS:${#BODY}" "200:0" "export: nothing matching is an empty file"
cgi_run GET "/api/consent-records/export?format=json&leadId=$L2" "" "$ADMIN"
is "$STATUS:$(jq_body 'length'):$(jq_body '.[0].lead.customerProfile.lastName')" "200:2:Zieliński" "export: json with the relations"
like "$(header Content-Disposition)" '\.json"$' "export: a .json file"
is "$(header Content-Type)" "application/json; charset=utf-8" "export: the JSON says it is JSON"
[[ $BODY == *$'\n  {'* ]]
ok $? "export: json pretty-printed"
is "$(caudit CONSENT_RECORDS_EXPORTED)" "$((before + 3))" "export: every export audited"

# Every route but the public list needs a session.
for route in "GET /api/consent-templates/$LC1" "PUT /api/consent-templates/$LC1" "DELETE /api/consent-templates/$LC1" \
	"GET /api/consent-templates/$LC1/diff" "GET /api/consent-records/export" "POST /api/consent-records/$MK_REC/withdraw"; do
	body=""
	[[ $route == PUT* ]] && body='{"title":"x"}'
	cgi_run ${route% *} "${route#* }" "$body"
	is "$STATUS" 401 "no session: $route"
done
cgi_run GET "/api/consent-records/export" "" "$AUD"
is "$STATUS" 403 "export: not for auditors"

cgi_run POST /api/consent-templates/x/y '{}'
is "$STATUS" 404 "unknown path"

t_done
