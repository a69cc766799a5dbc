#!/usr/bin/env bash
# Per-binary tests of cgi-bin/consents (the public template list).
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-consents
CGI_PROG=consents
CGI_LOG=$T_VAR/log/consents-cgi.log

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

psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = false WHERE \"consentType\" = 'MARKETING' AND \"formType\" = 'financing_application'" >/dev/null
psql_q "UPDATE \"ConsentTemplate\" SET \"validTo\" = now() - interval '1 day' WHERE \"consentType\" = 'VEHICLE_PARTNERS' AND \"formType\" = 'financing_application'" >/dev/null
cgi_run GET /api/consent-templates
is "$(jq_body '[.data[].consentType] | join(",")')" "PARTNER_DECLARATION,FINANCIAL_PARTNERS" "inactive and expired templates are not offered (SR-36)"
cgi_run GET "/api/consent-templates?include_inactive=true"
is "$(jq_body '.data | length')" 4 "include_inactive=true lists them all"
psql_q "INSERT INTO \"ConsentTemplate\" (id, \"consentType\", \"formType\", title, content, version, \"isActive\", \"isRequired\")
	SELECT 'ctplv2000000000000000001', 'PARTNER_DECLARATION', 'financing_application', title, content, 2, true, true
	FROM \"ConsentTemplate\" WHERE \"consentType\" = 'PARTNER_DECLARATION' AND \"formType\" = 'financing_application'" >/dev/null
cgi_run GET /api/consent-templates
is "$(jq_body '[.data[] | .consentType + ":" + (.version|tostring)] | join(",")')" \
	"PARTNER_DECLARATION:2,PARTNER_DECLARATION:1,FINANCIAL_PARTNERS:1" "newest version first within a type"

cgi_run GET "/api/consent-templates?form_type="
is "$STATUS" 400 "an empty form_type is refused"
cgi_run GET "/api/consent-templates?leadId=not-a-cuid"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:leadId" "leadId must be a cuid when given"
cgi_run POST /api/consent-templates '{}'
is "$STATUS" 404 "no other method on this path in this issue"

t_done
