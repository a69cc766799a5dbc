#!/usr/bin/env bash
# Per-binary tests of the write side of cgi-bin/leads (leads_status.c, leads_profile.c,
# leads_notes.c, leads_email.c, leads_offer.c, leads_gdpr.c):
# status transitions (spec/api.md §4.6.1, §7.3, data-model §3), customer,
# vehicles, financing, assignment, notes, drafts, signed offer links (SR-30),
# anonymisation (SR-42, checked against a pg_dump of the whole database),
# merge (FR-28), the operator client-activity guard (§2.5.3, FR-46) and
# e-mail to the customer through the outbox (§4.6.12, SR-24).
# Run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-write
CGI_LOG=$T_VAR/log/leads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads
PG_BIN=${IZZY_PG_BIN:-/usr/lib/postgresql/15/bin}

# --- helpers -----------------------------------------------------------------
# mk_lead ID PARTNER [STATUS] [ASSIGNED] [CREATOR]: a lead with a customer profile.
mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\", \"createdByUserId\")
		VALUES ('$1', '$2', '${3:-NEW}', $(sqlv "${4-}"), $(sqlv "${5-}"));
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
		VALUES ('cp$1', '$1', 'Anna', 'Nowak', '$1@example.com')" >/dev/null
}
# A fingerprint of everything a lead-scoped write could change.
lead_fp() {
	psql_q "SELECT md5(concat_ws('|',
		(SELECT row_to_json(l)::text FROM \"Lead\" l WHERE id = '$1'),
		(SELECT row_to_json(c)::text FROM \"CustomerProfile\" c WHERE \"leadId\" = '$1'),
		(SELECT row_to_json(v)::text FROM \"VehicleCurrent\" v WHERE \"leadId\" = '$1'),
		(SELECT row_to_json(v)::text FROM \"VehicleDesired\" v WHERE \"leadId\" = '$1'),
		(SELECT json_agg(f ORDER BY id)::text FROM \"FinancingApplication\" f WHERE \"leadId\" = '$1'),
		(SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$1'),
		(SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$1'),
		(SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$1'),
		(SELECT count(*) FROM \"MessageDraft\" WHERE \"leadId\" = '$1')))"
}
lead_col() { psql_q "SELECT coalesce($2::text, '-') FROM \"Lead\" WHERE id = '$1'"; }
audit_count() { psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$1' AND action = '$2'"; }
hist_count() { psql_q "SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$1'"; }
msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }

mk_user csupervisor00000000000001 sup@example.com SUPERVISOR - ACTIVE
mk_user cpartneruser0000000000001 partner@example.com PARTNER seed-partner ACTIVE
mk_user cauditoruser0000000000001 auditor@example.com AUDITOR - ACTIVE
mk_user coperatortwo0000000000001 op2@example.com OPERATOR - ACTIVE
mk_user coperatorinactive00000001 opoff@example.com OPERATOR - INACTIVE
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Other Partner')" >/dev/null
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
SUP_ID=csupervisor00000000000001
OP2_ID=coperatortwo0000000000001
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
SUP=$(login sup@example.com)
PART=$(login partner@example.com)
AUD=$(login auditor@example.com)
OP2=$(login op2@example.com)
[[ -n $ADMIN && -n $OP && -n $SUP && -n $PART && -n $AUD && -n $OP2 ]] && rc=0 || rc=1
ok $rc "test users log in"
NOLEAD=cnosuchlead00000000000001

# --- POST /api/leads/:id/status ------------------------------------------------
L=clstatus00000000000000001
mk_lead $L seed-partner NEW
psql_q "UPDATE \"Lead\" SET notes = 'Treść pierwszego e-maila' WHERE id = '$L'" >/dev/null
OTHER=clstatusother000000000001
mk_lead $OTHER other-partner NEW

cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT"}'
is "$(msg)" "401:Missing authorization header" "status: no token is 401"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT"}' "$PART"
is "$(msg)" "403:Forbidden" "status: partner roles are refused"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT"}' "$AUD"
is "$(msg)" "403:Forbidden" "status: AUDITOR is refused"
cgi_run POST /api/leads/$NOLEAD/status '{"status":"FIRST_CONTACT"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "status: unknown lead is 404"
cgi_run POST /api/leads/not-a-cuid/status '{"status":"FIRST_CONTACT"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "status: an id that is no cuid is just not found (spec §4.6)"
fp=$(lead_fp $L)
cgi_run POST /api/leads/$L/status '{}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0] + ":" + .issues[0].message')" "400:status:Required" "status: status is required"
cgi_run POST /api/leads/$L/status '{"status":"WON"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "status: unknown status is an enum issue"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","priority":1}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "status: unknown fields are rejected"
cgi_run POST /api/leads/$L/status "$(jq -cn --arg n "$(head -c 2001 /dev/zero | tr '\0' x)" '{status:"FIRST_CONTACT",notes:$n}')" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_big" "status: notes over 2000 characters"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","nextActionAt":"tomorrow"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_date" "status: unparseable date"
cgi_run POST /api/leads/$OTHER/status '{"status":"FIRST_CONTACT"}' "$OP"
is "$(msg)" "403:Access denied" "status: an operator cannot touch another partner's lead"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","assignToUserId":"'$SUP_ID'"}' "$OP"
is "$(msg)" "403:Cannot assign lead to another user" "status: operators assign only themselves"
cgi_run POST /api/leads/$L/status '{"status":"NEW","unassign":true}' "$OP"
is "$(msg)" "403:Cannot unassign lead" "status: operators never unassign"
cgi_run POST /api/leads/$L/status '{"status":"NEW","unassign":true,"assignToUserId":"'$OP_ID'"}' "$ADMIN"
is "$(msg)" "400:Cannot assign and unassign at once" "status: assign and unassign together"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","unassign":true}' "$ADMIN"
is "$(msg)" "400:Unassign is only allowed when returning to NEW" "status: unassign only with NEW"
cgi_run POST /api/leads/$L/status '{"status":"NEW"}' "$ADMIN"
is "$(msg)" "400:Lead already in requested status" "status: same status"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","assignToUserId":"cnosuchuser00000000000001"}' "$ADMIN"
is "$(msg)" "400:Related record not found" "status: unknown assignee"
cgi_run POST /api/leads/$L/status '{"status":"MERGED"}' "$ADMIN"
is "$(msg)" "400:Status MERGED is set only by merging leads" "status: MERGED only through merge"
is "$(lead_fp $L)" "$fp" "status: refused requests changed nothing"
is "$(hist_count $L)" 0 "status: no history for refused requests"

cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","notes":"Dzwoniłem, oddzwoni","lastContactAt":"2025-11-10T10:00:00+01:00","nextActionAt":"2025-11-12"}' "$OP"
is "$STATUS" 200 "status: operator claims a NEW lead of its partner"
is "$(jq_body '[.status, .assignedUser.id, (.claimedAt != null|tostring), .lastContactAt, .nextActionAt, (has("consentStatus")|tostring), .customerProfile.firstName]|join(",")')" \
	"FIRST_CONTACT,$OP_ID,true,2025-11-10T09:00:00.000Z,2025-11-12T00:00:00.000Z,false,Anna" \
	"status: FIRST_CONTACT claims (assignee, claimedAt, dates), summary without consentStatus"
is "$(lead_col $L notes)" "Treść pierwszego e-maila" "status: the lead's own notes text is not overwritten (QUIRK fixed)"
is "$(psql_q "SELECT content || '|' || \"authorId\" FROM \"LeadNote\" WHERE \"leadId\" = '$L'")" "Dzwoniłem, oddzwoni|$OP_ID" "status: notes become a lead note"
is "$(psql_q "SELECT concat_ws('|', \"oldStatus\", \"newStatus\", \"changedById\", reason, coalesce(\"reasonCode\", '-'), override) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L'")" \
	"NEW|FIRST_CONTACT|$OP_ID|Dzwoniłem, oddzwoni|-|f" "status: a history row with the reason"
is "$(psql_q "SELECT concat_ws('|', \"userId\", field, \"oldValue\"::text, \"newValue\"::text, metadata::text) FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'status_change'")" \
	"$OP_ID|status|\"NEW\"|\"FIRST_CONTACT\"|{\"notes\": \"Dzwoniłem, oddzwoni\", \"override\": false}" "status: AuditLog status_change"

cgi_run POST /api/leads/$L/status '{"status":"CREDIT_ANALYSIS"}' "$OP"
is "$(msg)" "400:Status transition not allowed" "status: the table binds operators"
cgi_run POST /api/leads/$L/status '{"status":"CREDIT_ANALYSIS","override":true,"notes":"bo tak"}' "$OP"
is "$(msg)" "400:Status transition not allowed" "status: operators cannot override"
cgi_run POST /api/leads/$L/status '{"status":"CREDIT_ANALYSIS"}' "$SUP"
is "$STATUS:$(jq_body .status)" "200:CREDIT_ANALYSIS" "status: a supervisor moves off the table with nothing more to send (§7.3 as settled)"
is "$(psql_q "SELECT override || '|' || coalesce(reason, '-') FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L' AND \"newStatus\" = 'CREDIT_ANALYSIS'")" \
	"true|-" "status: the override is recorded in the history"
is "$(psql_q "SELECT metadata->>'override' FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND \"newValue\" = '\"CREDIT_ANALYSIS\"'")" true "status: and audited as an override"
is "$(lead_col $L '"assignedUserId"')" "$OP_ID" "status: other targets keep the assignee"

cgi_run POST /api/leads/$L/status '{"status":"CLOSED_NO_FINANCING"}' "$ADMIN"
is "$(msg):$(jq_body '.issues[0].path|join(".")')" "400:Validation failed:reason" "status: negative terminal statuses need a reason (issue on reason)"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_NO_FINANCING","notes":"   "}' "$ADMIN"
is "$(msg):$(jq_body '.issues[0].path|join(".")')" "400:Validation failed:reason" "status: blank notes are no reason"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_NO_FINANCING","reason":"bo tak"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "status: reasons come from the predefined list"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_NO_FINANCING","reason":"OTHER"}' "$ADMIN"
is "$(msg)" "400:Notes are required for reason OTHER" "status: OTHER needs a description"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_NO_FINANCING","reason":"NO_CREDIT_CAPACITY"}' "$OP"
is "$STATUS:$(jq_body .status)" "200:CLOSED_NO_FINANCING" "status: a terminal status with its reason"
is "$(psql_q "SELECT \"reasonCode\" || '|' || coalesce(reason, '-') FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L' AND \"newStatus\" = 'CLOSED_NO_FINANCING'")" \
	"NO_CREDIT_CAPACITY|-" "status: the reason code is in the history"
is "$(psql_q "SELECT metadata->>'reason' FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND \"newValue\" = '\"CLOSED_NO_FINANCING\"'")" NO_CREDIT_CAPACITY "status: and in the audit metadata"
cgi_run POST /api/leads/$L/status '{"status":"FOLLOW_UP"}' "$OP"
is "$(msg)" "400:Status transition not allowed" "status: terminal statuses have no exits"
cgi_run POST /api/leads/$L/status '{"status":"FOLLOW_UP","override":true,"notes":"Klient wrócił"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:FOLLOW_UP" "status: an admin reopens with an override"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_LOST","reason":"COMPETITOR_OFFER"}' "$ADMIN"
is "$STATUS" 200 "status: CLOSED_LOST with a reason"
cgi_run POST /api/leads/$L/status '{"status":"NEW","unassign":true,"override":true,"notes":"Nowy kontakt"}' "$SUP"
is "$STATUS:$(jq_body '[.status, (.assignedUser|tostring), (.claimedAt|tostring)]|join(",")')" "200:NEW,null,null" "status: NEW releases the lead (assignee and claimedAt cleared)"
cgi_run POST /api/leads/$L/status '{"status":"FIRST_CONTACT","assignToUserId":"'$OP2_ID'"}' "$ADMIN"
is "$STATUS:$(jq_body .assignedUser.id)" "200:$OP2_ID" "status: FIRST_CONTACT for a named assignee"
is "$(hist_count $L)" 7 "status: one history row per change"
is "$(audit_count $L status_change)" 7 "status: one audit row per change"

# The original frontend: {status, notes}, anything to anything for managers.
L=clstatusorig0000000000001
mk_lead $L seed-partner FIRST_CONTACT "$OP_ID"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_WON"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:CLOSED_WON" "status: an ADMIN moves FIRST_CONTACT -> CLOSED_WON (audited override)"
is "$(psql_q "SELECT override FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L'")" t "status: recorded as an override"
cgi_run POST /api/leads/$L/status '{"status":"CLOSED_LOST","notes":"Klient kupił gdzie indziej"}' "$SUP"
is "$STATUS:$(jq_body .status)" "200:CLOSED_LOST" "status: closing with only notes (original frontend)"
is "$(psql_q "SELECT concat_ws('|', \"reasonCode\", reason) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L' AND \"newStatus\" = 'CLOSED_LOST'")" \
	"OTHER|Klient kupił gdzie indziej" "status: the notes are the reason text, code OTHER"
L=clstatusflag0000000000001
mk_lead $L seed-partner FIRST_CONTACT "$OP_ID"
CGI_ENV="ENFORCE_STATUS_TRANSITIONS=false" cgi_run POST /api/leads/$L/status '{"status":"CREDIT_ANALYSIS"}' "$OP"
is "$STATUS:$(jq_body .status)" "200:CREDIT_ANALYSIS" "status: ENFORCE_STATUS_TRANSITIONS=false: no table, operators too (the reference)"
is "$(psql_q "SELECT override FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$L'")" f "status: and no override is recorded"
cgi_run POST /api/leads/$L/status '{"status":"OFFER_PRESENTED"}' "$OP"
is "$STATUS" 200 "status: CREDIT_ANALYSIS -> OFFER_PRESENTED is on the table"

# --- GET /api/leads/status-policy ---------------------------------------------------
cgi_run GET /api/leads/status-policy "" "$OP"
is "$STATUS:$(jq_body '[.enforced, .canOverride, (.transitions.NEW|join(",")), (.reasonRequired|join(",")), (.statuses|length), (.reasons|index("OTHER") != null), (.terminal|index("CLOSED_WON") != null)]|map(tostring)|join("|")')" \
	"200:true|false|ONBOARDING_CONFIRMED,FIRST_CONTACT,UNQUALIFIED,CLOSED_LOST,CANCELLED|UNQUALIFIED,CLOSED_LOST,CLOSED_NO_FINANCING,CANCELLED|19|true|true" \
	"status-policy: the table, terminal and reason lists for an operator (no override)"
is "$(jq_body '.transitions.INBOUND|join(",")')" "NEW,UNQUALIFIED,CLOSED_LOST,CANCELLED" "status-policy: MERGED is never offered"
for t in "$SUP" "$ADMIN"; do
	cgi_run GET /api/leads/status-policy "" "$t"
	is "$STATUS:$(jq_body .canOverride)" "200:true" "status-policy: managers may override"
done
CGI_ENV="ENFORCE_STATUS_TRANSITIONS=false" cgi_run GET /api/leads/status-policy "" "$OP"
is "$(jq_body '[.enforced, .canOverride]|map(tostring)|join(",")')" "false,true" "status-policy: follows ENFORCE_STATUS_TRANSITIONS"
for t in "$PART" "$AUD"; do
	cgi_run GET /api/leads/status-policy "" "$t"
	is "$(msg)" "403:Forbidden" "status-policy: staff only"
done

# --- PATCH /api/leads/:id/customer ----------------------------------------------
C=clcustomer000000000000001
mk_lead $C seed-partner NEW
psql_q "UPDATE \"CustomerProfile\" SET phone = '+48600100200', address = '{\"city\":\"Kraków\",\"street\":\"Floriańska 1\",\"postalCode\":\"31-019\"}' WHERE \"leadId\" = '$C'" >/dev/null
cgi_run PATCH /api/leads/$C/customer '{"firstName":"Ania"}'
is "$STATUS" 401 "customer: no token"
cgi_run PATCH /api/leads/$C/customer '{"firstName":"Ania"}' "$PART"
is "$(msg)" "403:Forbidden" "customer: partner roles are refused"
cgi_run PATCH /api/leads/$NOLEAD/customer '{"firstName":"Ania"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "customer: unknown lead"
fp=$(lead_fp $C)
cgi_run PATCH /api/leads/$C/customer '{"firstName":"Ania"}' "$OP2"
is "$(msg)" "403:Access denied" "customer: an operator without the lead is refused"
cgi_run PATCH /api/leads/$C/customer '{"postalCode":"31019"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Nieprawidłowy kod pocztowy" "customer: postal code rule"
cgi_run PATCH /api/leads/$C/customer '{"voivodeship":"bawaria","email":"x@","firstName":""}' "$ADMIN"
is "$STATUS:$(jq_body '[.issues[] | (.path|join(".")) + ":" + .code] | sort | join(",")')" \
	"400:email:invalid_string,firstName:too_small,voivodeship:invalid_enum_value" "customer: every bad field is listed"
is "$(lead_fp $C)" "$fp" "customer: refused requests changed nothing"
cgi_run PATCH /api/leads/$C/customer '{"lastName":" Kowalska ","email":null,"voivodeship":"małopolskie","city":null,"customerType":"JDG"}' "$OP"
is "$STATUS" 200 "customer: operator edits a lead of its partner"
is "$(jq_body '.customerProfile | [.firstName, .lastName, (.email|tostring), .phone, (.address|tojson), .leadId] | join("|")')" \
	"Anna|Kowalska|null|+48600100200|{\"city\":null,\"postalCode\":\"31-019\",\"voivodeship\":\"małopolskie\",\"customerType\":\"JDG\"}|$C" \
	"customer: absent fields kept, null cleared, address rebuilt from its known keys"
is "$(psql_q "SELECT \"newValue\"->>'lastName' || '|' || (\"newValue\"->'address'->>'customerType') FROM \"AuditLog\" WHERE \"leadId\" = '$C' AND action = 'customer_updated' AND field = 'customerProfile'")" \
	"Kowalska|JDG" "customer: AuditLog customer_updated with the new values"
cgi_run PATCH /api/leads/$C/customer '{"phone":"+48 500 600 700"}' "$SUP"
is "$STATUS:$(jq_body .customerProfile.phone)" "200:+48 500 600 700" "customer: supervisors may edit client data (QUIRK fixed)"
C2=clcustomernoprofile000001
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('$C2', 'seed-partner')" >/dev/null
cgi_run PATCH /api/leads/$C2/customer '{"firstName":"Ewa","postalCode":"00-001"}' "$ADMIN"
is "$STATUS:$(jq_body '.customerProfile | [.firstName, .lastName, (.address|tojson)] | join("|")')" \
	'200:Ewa||{"postalCode":"00-001"}' "customer: a missing profile is created"

# --- PATCH /api/leads/:id/vehicles ----------------------------------------------
V=clvehicles000000000000001
mk_lead $V seed-partner NEW
YEAR=$(date -u +%Y)
PREFS='{"notes":"Hybryda, kolor „żółty” ✓","financingType":"Leasing","financingAmount":"85000","vehicles":[{"make":"Toyota","model":"RAV4","yearFrom":2022,"yearTo":"2024","budgetFrom":90000.5,"budgetTo":120000,"comment":"bez wypadków"},{"make":"Škoda","model":"Kodiaq","tags":["4x4",["nested",{"deep":[1,2.25,null,true]}]],"comment":null}],"extra":{"日本":"テスト","emoji":"🚗"}}'
BODY_V=$(jq -cn --argjson p "$PREFS" '{current:{make:"Skoda",model:"Octavia",year:2015,mileage:180000,ownershipStatus:"owned",vin:" tmbjj7ne5f0123456 "},desired:{make:"Toyota",model:"RAV4",year:2024,budget:120000,preferences:$p},amountAvailable:20000}')
cgi_run PATCH /api/leads/$V/vehicles "$BODY_V"
is "$STATUS" 401 "vehicles: no token"
cgi_run PATCH /api/leads/$V/vehicles "$BODY_V" "$PART"
is "$STATUS" 403 "vehicles: partner roles are refused"
cgi_run PATCH /api/leads/$V/vehicles "$BODY_V" "$OP2"
is "$(msg)" "403:Access denied" "vehicles: scoped for operators"
cgi_run PATCH /api/leads/$NOLEAD/vehicles "$BODY_V" "$ADMIN"
is "$STATUS" 404 "vehicles: unknown lead"
cgi_run PATCH /api/leads/$V/vehicles '{"current":{"vin":"TMBJJ7NE5F012345!"}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Nieprawidłowy nr VIN" "vehicles: VIN characters"
cgi_run PATCH /api/leads/$V/vehicles '{"current":{"vin":"TMBJJ7NE5F01234"}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "vehicles: VIN length"
cgi_run PATCH /api/leads/$V/vehicles '{"current":{"year":1899}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:current.year" "vehicles: years from 1900"
cgi_run PATCH /api/leads/$V/vehicles "{\"desired\":{\"year\":$((YEAR + 2))},\"current\":{\"year\":$((YEAR + 2))}}" "$ADMIN"
is "$STATUS:$(jq_body '[.issues[] | (.path|join(".")) + ":" + .message] | sort | join(",")')" \
	"400:current.year:Number must be less than or equal to $((YEAR + 1)),desired.year:Number must be less than or equal to $((YEAR + 1))" \
	"vehicles: ... to next year, evaluated per request"
cgi_run PATCH /api/leads/$V/vehicles '{"desired":{"preferences":[1,2]}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:desired.preferences" "vehicles: preferences must be an object"
cgi_run PATCH /api/leads/$V/vehicles '{"amountAvailable":-1}' "$ADMIN"
is "$STATUS" 400 "vehicles: negative amount"
cgi_run PATCH /api/leads/$V/vehicles "$BODY_V" "$OP"
is "$STATUS" 200 "vehicles: operator saves all three parts"
is "$(jq_body '[.vehicleCurrent.vin, .vehicleCurrent.make, (.vehicleCurrent.year|tostring), .vehicleDesired.budget, (.financingApps|length|tostring), .financingApps[0].bank, .financingApps[0].downPayment]|join(",")')" \
	"TMBJJ7NE5F0123456,Skoda,2015,120000,1,TBD,20000" "vehicles: VIN upper-cased, budget as string, a TBD application for the amount"
is "$(jq_body '.vehicleDesired.preferences' | jq -S -c .)" "$(printf '%s' "$PREFS" | jq -S -c .)" "vehicles: preferences come back without loss"
is "$(psql_q "SELECT preferences::text FROM \"VehicleDesired\" WHERE \"leadId\" = '$V'" | jq -S -c .)" "$(printf '%s' "$PREFS" | jq -S -c .)" "vehicles: and are stored without loss"
is "$(psql_q "SELECT \"newValue\"->>'amountAvailable' || '|' || (\"newValue\"->'vehicleDesired'->>'budget') FROM \"AuditLog\" WHERE \"leadId\" = '$V' AND action = 'vehicle_updated'")" \
	"20000|120000" "vehicles: AuditLog vehicle_updated (amounts as strings)"
cgi_run PATCH /api/leads/$V/vehicles "{\"current\":{\"make\":\"  \",\"mileage\":190000},\"desired\":{\"year\":$((YEAR + 1)),\"budget\":null,\"notes\":\"  tylko diesel  \"},\"amountAvailable\":25000.5}" "$ADMIN"
is "$STATUS:$(jq_body '[.vehicleCurrent.make, (.vehicleCurrent.mileage|tostring), .vehicleCurrent.vin, (.vehicleDesired.year|tostring), (.vehicleDesired.budget|tostring), (.vehicleDesired.preferences|tojson), .financingApps[0].downPayment]|join(",")')" \
	"200:Skoda,190000,TMBJJ7NE5F0123456,$((YEAR + 1)),null,{\"notes\":\"tylko diesel\"},25000.5" \
	"vehicles: blank keeps, budget null clears, notes stand in for preferences, amount updates the latest application"
is "$(psql_q "SELECT count(*) FROM \"FinancingApplication\" WHERE \"leadId\" = '$V'")" 1 "vehicles: no second application"
cgi_run PATCH /api/leads/$V/vehicles '{"current":null,"desired":{"notes":""},"amountAvailable":null}' "$ADMIN"
is "$STATUS:$(jq_body '[(.vehicleCurrent|tostring), (.vehicleDesired.preferences|tostring), (.financingApps[0].downPayment|tostring)]|join(",")')" \
	"200:null,null,null" "vehicles: null deletes the current vehicle, blank notes clear preferences, null clears the amount"
cgi_run PATCH /api/leads/$V/vehicles '{"desired":null}' "$ADMIN"
is "$STATUS:$(jq_body '.vehicleDesired|tostring')" "200:null" "vehicles: null deletes the desired vehicle"

# --- POST /api/leads/:id/financing ---------------------------------------------
F=clfinancing00000000000001
mk_lead $F seed-partner NEW
mk_lead clfinancingother00000001 seed-partner NEW
FULL='{"bank":" mBank ","loanAmount":100000.5,"downPayment":20000,"termMonths":48,"income":8500,"expenses":3200.75,"decision":"Approved","creditScore":712,"submittedBy":"Jan Nowak","submittedAt":"2025-11-10","bankReference":"MB/2025/11/123","decisionAt":"2025-11-12T10:00:00Z"}'
cgi_run POST /api/leads/$F/financing "$FULL"
is "$STATUS" 401 "financing: no token"
cgi_run POST /api/leads/$F/financing "$FULL" "$PART"
is "$STATUS" 403 "financing: partner roles are refused"
cgi_run POST /api/leads/$F/financing "$FULL" "$OP2"
is "$(msg)" "403:Access denied" "financing: scoped for operators"
cgi_run POST /api/leads/$NOLEAD/financing "$FULL" "$ADMIN"
is "$STATUS" 404 "financing: unknown lead"
cgi_run POST /api/leads/$F/financing '{"loanAmount":1}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:bank" "financing: bank is required"
cgi_run POST /api/leads/$F/financing '{"bank":"PKO","termMonths":0,"loanAmount":-5}' "$ADMIN"
is "$STATUS:$(jq_body '[.issues[] | (.path|join("."))] | sort | join(",")')" "400:loanAmount,termMonths" "financing: amounts >= 0, term > 0"
cgi_run POST /api/leads/$F/financing "$FULL" "$OP"
is "$STATUS" 201 "financing: created (201)"
APP=$(jq_body .id)
is "$(jq_body '[.bank, .loanAmount, .downPayment, (.termMonths|tostring), .income, .expenses, .decision, (.creditScore|tostring), .submittedBy, .submittedAt, .bankReference, .decisionAt, .leadId]|join("|")')" \
	"mBank|100000.5|20000|48|8500|3200.75|APPROVED|712|Jan Nowak|2025-11-10T00:00:00.000Z|MB/2025/11/123|2025-11-12T10:00:00.000Z|$F" \
	"financing: every field of the schema is stored (FR-24)"
cgi_run POST /api/leads/$F/financing '{"applicationId":"'$APP'","bank":"PKO","decision":"maybe"}' "$ADMIN"
is "$STATUS:$(jq_body '[.id, .bank, (.loanAmount|tostring), (.decision|tostring), (.creditScore|tostring), (.submittedAt|tostring)]|join("|")')" \
	"200:$APP|PKO|null|null|null|null" "financing: an update replaces the whole record (200)"
is "$(psql_q "SELECT concat_ws('|', \"oldValue\"::text, \"newValue\"->>'bank', coalesce(\"newValue\"->>'decision', '-')) FROM \"AuditLog\" WHERE \"leadId\" = '$F' AND action = 'financing_update' AND \"oldValue\" IS NOT NULL")" \
	"{\"applicationId\": \"$APP\"}|PKO|-" "financing: AuditLog financing_update names the application"
is "$(audit_count $F financing_update)" 2 "financing: both changes audited"
cgi_run POST /api/leads/clfinancingother00000001/financing '{"applicationId":"'$APP'","bank":"Hijack"}' "$ADMIN"
is "$(msg)" "404:Financing application not found" "financing: an application of another lead is not found (SR-16)"
cgi_run POST /api/leads/$F/financing '{"applicationId":"cnosuchapp000000000000001","bank":"X"}' "$ADMIN"
is "$(msg)" "404:Financing application not found" "financing: unknown application"
is "$(psql_q "SELECT bank FROM \"FinancingApplication\" WHERE id = '$APP'")" PKO "financing: the refused update changed nothing"

# --- PATCH /api/leads/:id/assignment -------------------------------------------
A=classignment0000000000001
mk_lead $A other-partner FIRST_CONTACT "$OP2_ID"
psql_q "UPDATE \"Lead\" SET \"claimedAt\" = '2025-11-10T10:00:00Z' WHERE id = '$A'" >/dev/null
cgi_run PATCH /api/leads/$A/assignment '{"userId":"'$OP_ID'"}'
is "$STATUS" 401 "assignment: no token"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"'$OP_ID'"}' "$SUP"
is "$(msg)" "403:Forbidden" "assignment: ADMIN only (supervisor)"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"'$OP_ID'"}' "$OP2"
is "$(msg)" "403:Forbidden" "assignment: ADMIN only (operator)"
cgi_run PATCH /api/leads/$NOLEAD/assignment '{"userId":"'$OP_ID'"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "assignment: unknown lead"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"nope"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Invalid cuid" "assignment: userId must be a cuid"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"cnosuchuser00000000000001"}' "$ADMIN"
is "$(msg)" "404:User not found" "assignment: unknown user"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"coperatorinactive00000001"}' "$ADMIN"
is "$(msg)" "404:User not found" "assignment: an inactive operator is not assignable"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"'$SUP_ID'"}' "$ADMIN"
is "$(msg)" "400:Only operators can be assigned to leads" "assignment: only operators"
is "$(lead_col $A '"assignedUserId"')" "$OP2_ID" "assignment: refused requests changed nothing"
cgi_run PATCH /api/leads/$A/assignment '{"userId":"'$OP_ID'"}' "$ADMIN"
is "$STATUS:$(jq_body '[.assignedUser.id, .status, .claimedAt, (has("consentStatus")|tostring)]|join(",")')" \
	"200:$OP_ID,FIRST_CONTACT,2025-11-10T10:00:00.000Z,false" "assignment: reassigned, status and claimedAt kept"
is "$(psql_q "SELECT \"oldValue\"::text || '|' || \"newValue\"::text FROM \"AuditLog\" WHERE \"leadId\" = '$A' AND action = 'assignment_change'")" \
	"{\"assignedUserId\": \"$OP2_ID\"}|{\"assignedUserId\": \"$OP_ID\"}" "assignment: AuditLog assignment_change"
for body in '{"userId":null}' '{"userId":""}' '{}'; do
	psql_q "UPDATE \"Lead\" SET \"assignedUserId\" = '$OP_ID' WHERE id = '$A'" >/dev/null
	cgi_run PATCH /api/leads/$A/assignment "$body" "$ADMIN"
	is "$STATUS:$(jq_body '.assignedUser|tostring'):$(lead_col $A '"assignedUserId"')" "200:null:-" "assignment: $body unassigns"
done
is "$(psql_q "SELECT \"newValue\"::text FROM \"AuditLog\" WHERE \"leadId\" = '$A' AND action = 'assignment_change' ORDER BY \"createdAt\" DESC, id DESC LIMIT 1")" \
	"null" "assignment: unassigning is audited with null"

# --- POST /api/leads/:id/notes --------------------------------------------------
N=clnotes000000000000000001
mk_lead $N seed-partner NEW
NOTHER=clnotesother0000000000001
mk_lead $NOTHER other-partner NEW
cgi_run POST /api/leads/$N/notes '{"content":"x"}'
is "$STATUS" 401 "notes: no token"
cgi_run POST /api/leads/$N/notes '{"content":"x"}' "$PART"
is "$STATUS" 403 "notes: partner roles are refused"
cgi_run POST /api/leads/$NOTHER/notes '{"content":"x"}' "$OP"
is "$(msg)" "403:Access denied" "notes: operators are scoped (SR-14 fix)"
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$NOTHER'")" 0 "notes: the refused note was not written"
cgi_run POST /api/leads/$NOLEAD/notes '{"content":"x"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "notes: unknown lead"
cgi_run POST /api/leads/$N/notes '{"content":"   "}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "notes: blank content"
cgi_run POST /api/leads/$N/notes '{"content":"x","link":"javascript:alert(1)"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:link" "notes: only http(s) links"
cgi_run POST /api/leads/$N/notes "$(jq -cn --arg c "$(head -c 2001 /dev/zero | tr '\0' y)" '{content:$c}')" "$ADMIN"
is "$STATUS" 400 "notes: content over 2000 characters"
cgi_run POST /api/leads/$N/notes '{"content":"  Klient prosi o kontakt\npo 16:00  ","link":"  "}' "$OP"
is "$STATUS:$(jq_body '[.content, (.link|tostring), .type, .author.id, .authorId, (.metadata|tostring)]|join("|")')" \
	"201:Klient prosi o kontakt
po 16:00|null|MANUAL|$OP_ID|$OP_ID|null" "notes: trimmed multi-line note with author, blank link dropped"
NOTE_ID=$(jq_body .id)
cgi_run POST /api/leads/$N/notes '{"content":"Oferta","link":"https://carsalon.pl/samochod/Toyota/RAV4"}' "$SUP"
is "$STATUS:$(jq_body .link)" "201:https://carsalon.pl/samochod/Toyota/RAV4" "notes: with a link"
is "$(psql_q "SELECT \"newValue\"->>'id' || '|' || (\"newValue\"->>'content') FROM \"AuditLog\" WHERE \"leadId\" = '$N' AND action = 'note_added' AND \"userId\" = '$OP_ID'")" \
	"$NOTE_ID|Klient prosi o kontakt
po 16:00" "notes: AuditLog note_added"

# --- POST/GET /api/leads/:id/email/draft ------------------------------------------
D=cldraft000000000000000001
mk_lead $D seed-partner NEW
cgi_run GET /api/leads/$D/email/draft
is "$STATUS" 401 "draft: no token"
cgi_run GET /api/leads/$D/email/draft "" "$PART"
is "$STATUS" 403 "draft: partner roles are refused"
cgi_run GET /api/leads/$D/email/draft "" "$OP"
is "$STATUS:$BODY" "200:null" "draft: none yet is the JSON null"
cgi_run POST /api/leads/$D/email/draft '{"subject":" Oferta ","message":"Dzień dobry,\nprzesyłam","links":[" https://a.pl/1 ","","  ","https://b.pl/2"]}' "$OP"
is "$STATUS:$(jq_body '[.subject, .body, (.links|join(" ")), .userId, .leadId]|join("|")')" \
	"200:Oferta|Dzień dobry,
przesyłam|https://a.pl/1 https://b.pl/2|$OP_ID|$D" "draft: saved, links trimmed and blanks dropped"
DRAFT_ID=$(jq_body .id)
cgi_run POST /api/leads/$D/email/draft '{"message":"Druga wersja"}' "$OP"
is "$STATUS:$(jq_body '[.id, (.subject|tostring), .body, (.links|length|tostring)]|join("|")')" "200:$DRAFT_ID|null|Druga wersja|0" "draft: one draft per user and lead, replaced"
cgi_run GET /api/leads/$D/email/draft "" "$OP"
is "$STATUS:$(jq_body .body)" "200:Druga wersja" "draft: read back"
cgi_run GET /api/leads/$D/email/draft "" "$SUP"
is "$STATUS:$BODY" "200:null" "draft: a user sees only their own draft"
cgi_run GET /api/leads/$D/email/draft "" "$OP2"
is "$(msg)" "403:Access denied" "draft: read is scoped (SR-14 fix)"
cgi_run POST /api/leads/$D/email/draft '{"message":"x"}' "$OP2"
is "$(msg)" "403:Access denied" "draft: write is scoped"
cgi_run POST /api/leads/$NOLEAD/email/draft '{"message":"x"}' "$ADMIN"
is "$(msg)" "404:Lead not found" "draft: unknown lead is 404 (QUIRK fixed, was 500)"
cgi_run GET /api/leads/$NOLEAD/email/draft "" "$ADMIN"
is "$STATUS" 404 "draft: unknown lead on read"
cgi_run POST /api/leads/$D/email/draft '{"links":"https://a.pl"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].expected')" "400:array" "draft: links must be an array"

# --- POST /api/leads/:id/offer-link and GET /api/leads/offer-link/verify -----------
O=cloffer000000000000000001
mk_lead $O seed-partner NEW
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://carsalon.pl/oferta","discountPln":5000}'
is "$STATUS" 401 "offer-link: no token"
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://carsalon.pl/oferta","discountPln":5000}' "$PART"
is "$STATUS" 403 "offer-link: partner roles are refused"
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://carsalon.pl/oferta","discountPln":5000}' "$OP2"
is "$(msg)" "403:Access denied" "offer-link: scoped for operators"
cgi_run POST /api/leads/$NOLEAD/offer-link '{"baseUrl":"https://carsalon.pl/oferta","discountPln":5000}' "$ADMIN"
is "$STATUS" 404 "offer-link: unknown lead"
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"javascript:alert(1)","discountPln":-1,"expiresInDays":91}' "$ADMIN"
is "$STATUS:$(jq_body '[.issues[] | (.path|join("."))] | sort | join(",")')" "400:baseUrl,discountPln,expiresInDays" "offer-link: URL, discount and validity are checked"
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://x.pl","discountPln":"5000"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].expected')" "400:number" "offer-link: the discount is a JSON number"
cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://carsalon.pl/oferta?utm=1#opis","discountPln":5000}' "$OP"
is "$STATUS" 200 "offer-link: operator gets a link"
URL=$(jq_body .finalUrl)
like "$URL" '^https://carsalon\.pl/oferta\?utm=1&offer=[A-Za-z0-9_-]+&sig=[A-Za-z0-9_-]{43}#opis$' "offer-link: offer and sig appended to the query, fragment kept"
exp_days=$(( ($(date -u -d "$(jq_body .expiresAt)" +%s) - $(date -u +%s) + 3600) / 86400 ))
is "$exp_days" 14 "offer-link: valid for 14 days by default"
OFFER=$(printf '%s' "$URL" | sed 's/.*offer=\([^&]*\)&.*/\1/')
SIG=$(printf '%s' "$URL" | sed 's/.*sig=\([^#]*\).*/\1/')
payload=$OFFER
while (( ${#payload} % 4 )); do payload+='='; done
is "$(printf '%s' "$payload" | tr '_-' '/+' | base64 -d | jq -c '[.leadId, .discountPln]')" "[\"$O\",5000]" "offer-link: the payload names the lead and the discount"
cgi_run GET "/api/leads/offer-link/verify?offer=$OFFER&sig=$SIG"
is "$STATUS:$(jq_body '[(.valid|tostring), (.discountPln|tostring), .leadId, (.expiresAt|test("^[0-9]{4}-"))|tostring]|join(",")')" \
	"200:true,5000,$O,true" "verify: a genuine link is valid, no login needed"
forged=$(jq -cn --arg l "$O" '{leadId:$l,discountPln:50000,exp:4102444800}' | base64 -w0 | tr '/+' '_-' | tr -d '=')
cgi_run GET "/api/leads/offer-link/verify?offer=$forged&sig=$SIG"
is "$STATUS:$BODY" '400:{"message":"Invalid offer link","code":"INVALID_SIGNATURE"}' "verify: a raised discount is rejected"
badsig=$(printf '%s' "$SIG" | sed 's/^./A/;t'); [[ $badsig == "$SIG" ]] && badsig=B${SIG:1}
cgi_run GET "/api/leads/offer-link/verify?offer=$OFFER&sig=$badsig"
is "$STATUS:$(jq_body .code)" "400:INVALID_SIGNATURE" "verify: an altered signature is rejected"
cgi_run GET "/api/leads/offer-link/verify?offer=$OFFER"
is "$STATUS:$(jq_body .message)" "400:Validation failed" "verify: both parameters are required"
# A secret of our own lets the test sign an already expired link.
SECRET=test-offer-link-secret-0123456789abcdef
expired=$(jq -cn --arg l "$O" '{leadId:$l,discountPln:100,exp:1600000000}' | base64 -w0 | tr '/+' '_-' | tr -d '=')
esig=$(printf '%s' "$expired" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 -w0 | tr '/+' '_-' | tr -d '=')
CGI_ENV="OFFER_LINK_SECRET=$SECRET" cgi_run GET "/api/leads/offer-link/verify?offer=$expired&sig=$esig"
is "$STATUS:$BODY" '410:{"message":"Offer link expired","code":"LINK_EXPIRED"}' "verify: an expired link is 410"
CGI_ENV="OFFER_LINK_SECRET=$SECRET" cgi_run GET "/api/leads/offer-link/verify?offer=$OFFER&sig=$SIG"
is "$STATUS" 400 "verify: links signed with another key are rejected"
CGI_ENV="OFFER_LINK_SECRET=$SECRET" cgi_run POST /api/leads/$O/offer-link '{"baseUrl":"https://x.pl","discountPln":0,"expiresInDays":1}' "$ADMIN"
like "$(jq_body .finalUrl)" '^https://x\.pl/\?offer=' "offer-link: a bare origin gains a / path"
U2=$(jq_body .finalUrl)
CGI_ENV="OFFER_LINK_SECRET=$SECRET" cgi_run GET "/api/leads/offer-link/verify?${U2#*\?}"
is "$STATUS:$(jq_body .discountPln)" "200:0" "verify: OFFER_LINK_SECRET signs and verifies"

# --- POST /api/leads/:id/anonymize ---------------------------------------------
X=clanonymize00000000000001
FIRST=Grzegorz
LAST=Brzęczyszczykiewicz
EMAIL=grzegorz.brzeczyszczykiewicz@example.pl
PHONE=+48601702803
PESEL=90010112345
mk_lead $X seed-partner NEW "$OP_ID"
TPL=$(psql_q "SELECT id FROM \"ConsentTemplate\" ORDER BY id LIMIT 1")
psql_q "
UPDATE \"Lead\" SET notes = 'Mail od $FIRST $LAST, PESEL $PESEL, tel. $PHONE',
	\"sourceMetadata\" = '{\"source\":\"izzylease.pl\",\"from\":\"$EMAIL\"}' WHERE id = '$X';
UPDATE \"CustomerProfile\" SET \"firstName\" = '$FIRST', \"lastName\" = '$LAST', email = '$EMAIL', phone = '$PHONE',
	\"alternateEmails\" = '{grzes.prywatny@example.pl}', address = '{\"city\":\"Chrząszczyżewoszyce\"}',
	\"employmentInfo\" = '{\"employer\":\"Huta Łabędy\"}', \"dateOfBirth\" = '1990-01-01', \"nationalIdHash\" = 'abc'
	WHERE \"leadId\" = '$X';
INSERT INTO \"VehicleCurrent\" (id, \"leadId\", make, vin) VALUES ('cvcanon000000000000000001', '$X', 'Skoda', 'WVWZZZ1JZXW000001');
INSERT INTO \"VehicleDesired\" (id, \"leadId\", make, preferences) VALUES ('cvdanon000000000000000001', '$X', 'Toyota',
	'{\"notes\":\"dzwonić do $FIRST po 16\",\"vehicles\":[{\"make\":\"Toyota\",\"comment\":\"żona $LAST też jeździ\"}]}');
INSERT INTO \"LeadNote\" (id, \"leadId\", content, type, metadata) VALUES ('cnoteanon0000000000000001', '$X',
	'Dzień dobry, tu $FIRST $LAST, mój PESEL to $PESEL', 'EMAIL_RECEIVED', '{\"from\":\"$EMAIL\",\"html\":\"<p>$FIRST</p>\"}');
INSERT INTO \"MessageDraft\" (id, \"leadId\", \"userId\", subject, body) VALUES ('cdraftanon000000000000001', '$X', '$OP_ID', 'Dla $LAST', 'Panie $FIRST');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"formData\", \"unlockHistory\", \"ipAddress\", \"userAgent\", \"linkExpiresAt\")
	VALUES ('cformanon0000000000000001', '$X', 'link-anon', 'hash', '{\"firstName\":\"$FIRST\",\"lastName\":\"$LAST\",\"pesel\":\"$PESEL\",\"mobilePhone\":\"$PHONE\",\"email\":\"$EMAIL\"}',
	'[{\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"2025-11-10T10:00:00.000Z\",\"success\":false,\"ipAddress\":\"203.0.113.77\",\"userAgent\":\"UA-$LAST\",\"client\":{\"firstName\":\"$FIRST\",\"lastName\":\"$LAST\",\"email\":\"$EMAIL\"}}]',
	'203.0.113.77', 'Mozilla $LAST', now() + interval '5 days');
INSERT INTO \"EmailLog\" (id, \"applicationFormId\", \"leadId\", type, \"sentTo\", payload) VALUES ('cemaillog0000000000000001', 'cformanon0000000000000001', '$X', 'LINK_SENT', '$EMAIL', '{\"to\":\"$EMAIL\"}');
INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", \"ipAddress\", \"userAgent\", notes, version, \"consentText\")
	SELECT 'cconsentanon0000000000001', id, \"consentType\", '$X', true, '203.0.113.77', 'UA $LAST', 'tel $PHONE', version, content FROM \"ConsentTemplate\" WHERE id = '$TPL';
INSERT INTO \"InsuranceOnboardingSession\" (id, \"leadId\", token, \"tokenExpiresAt\", \"ipAddress\", \"userAgent\")
	VALUES ('conbanon00000000000000001', '$X', 'tok-anon', now() + interval '1 day', '203.0.113.77', 'UA $LAST');
INSERT INTO \"CommunicationLog\" (id, \"sessionId\", channel, \"sentTo\", payload, \"errorMessage\")
	VALUES ('ccommanon0000000000000001', 'conbanon00000000000000001', 'SMS', '$PHONE', '{\"message\":\"Dzień dobry $FIRST\"}', 'bad number $PHONE');
INSERT INTO \"ContactSchedule\" (id, \"sessionId\", \"leadId\", \"preferredDate\", \"preferredSlot\")
	VALUES ('cslotanon0000000000000001', 'conbanon00000000000000001', '$X', now() + interval '2 days', '10:00-11:00');
INSERT INTO \"Outbox\" (id, channel, recipient, subject, \"bodyText\", \"leadId\") VALUES ('coutboxanon00000000000001', 'EMAIL', '$EMAIL', 'Dla $LAST', 'Dzień dobry $FIRST', '$X');
INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\", \"originalName\", \"storageKey\")
	VALUES ('cdocanon00000000000000001', '$X', 'id_card', '/uploads/$X/1-abc.pdf', '$OP_ID', 'dowod_$LAST.pdf', '/srv/uploads/$X/1-abc.pdf');
INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('cremanon00000000000000001', '$X', now(), 'Zadzwonić do $FIRST $LAST');
INSERT INTO \"Offer\" (id, \"leadId\", title, notes) VALUES ('cofferanon000000000000001', '$X', 'RAV4', 'dla $LAST');
INSERT INTO \"Agreement\" (id, \"leadId\", notes) VALUES ('cagreeanon000000000000001', '$X', 'podpisał $LAST');
" >/dev/null
# PII also reaches the audit trail and the history through the API.
cgi_run PATCH /api/leads/$X/customer "$(jq -cn --arg f "$FIRST" --arg p "$PHONE" '{firstName:$f,phone:$p}')" "$ADMIN"
cgi_run POST /api/leads/$X/status "$(jq -cn --arg n "Rozmowa z $FIRST $LAST, PESEL $PESEL" '{status:"FIRST_CONTACT",notes:$n}')" "$ADMIN"
cgi_run POST /api/leads/$X/notes "$(jq -cn --arg n "Dzwonić na $PHONE, mail $EMAIL" '{content:$n}')" "$ADMIN"
cgi_run POST /api/leads/$X/financing '{"bank":"PKO","income":9000,"submittedBy":"'"$FIRST $LAST"'"}' "$ADMIN"
cgi_run PATCH /api/leads/$X/vehicles '{"current":{"vin":"WVWZZZ1JZXW000002"}}' "$ADMIN"
pii_hits() {
	local dump=$T_VAR/dump.sql hits=""
	"$PG_BIN/pg_dump" --no-owner -d "$DATABASE_URL" >"$dump"
	for s in "$FIRST" "$LAST" "$EMAIL" "$PHONE" "${PHONE#+48}" "$PESEL" grzes.prywatny Chrząszczyżewoszyce "Huta Łabędy" WVWZZZ1JZXW00000 203.0.113.77; do
		grep -qF -- "$s" "$dump" && hits+="$s "
	done
	printf '%s' "${hits% }"
}
like "$(pii_hits)" "$FIRST.*$LAST.*$EMAIL.*$PESEL" "anonymize: the dump holds the client's data before"
audits_before=$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$X'")
cgi_run POST /api/leads/$X/anonymize
is "$STATUS" 401 "anonymize: no token"
for t in "$SUP" "$OP"; do
	cgi_run POST /api/leads/$X/anonymize "" "$t"
	is "$(msg)" "403:Forbidden" "anonymize: ADMIN only"
done
cgi_run POST /api/leads/$NOLEAD/anonymize "" "$ADMIN"
is "$(msg)" "404:Lead not found" "anonymize: unknown lead"
cgi_run POST /api/leads/$X/anonymize '{"force":true}' "$ADMIN"
is "$STATUS" 400 "anonymize: takes no body"
cgi_run POST /api/leads/$X/anonymize "" "$ADMIN"
is "$STATUS:$BODY" '200:{"message":"Lead anonymized successfully"}' "anonymize: done"
is "$(pii_hits)" "" "anonymize: pg_dump of the whole database has no name, e-mail, phone, PESEL, address, VIN or IP of the client"
is "$(psql_q "SELECT concat_ws('|', l.status, l.\"anonymizedById\", l.\"anonymizedAt\" IS NOT NULL, c.\"firstName\", c.\"lastName\", coalesce(c.email, '-'), coalesce(c.phone, '-'), c.\"alternateEmails\"::text, coalesce(c.\"nationalIdHash\", '-'))
	FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE l.id = '$X'")" \
	"FIRST_CONTACT|$ADMIN_ID|t|ANONIMIZOWANY|UŻYTKOWNIK_cp$(cut -c1-6 <<<"$X")|-|-|{}|-" "anonymize: profile masked, lead kept with who and when"
is "$(psql_q "SELECT concat_ws('|', \"sourceMetadata\"::text, (SELECT string_agg(DISTINCT content, ',') FROM \"LeadNote\" WHERE \"leadId\" = '$X'),
	(SELECT count(*) FROM \"MessageDraft\" WHERE \"leadId\" = '$X'), (SELECT count(*) FROM \"ContactSchedule\" WHERE \"leadId\" = '$X'))
	FROM \"Lead\" WHERE id = '$X'")" \
	'{"source": "izzylease.pl"}|[zanonimizowano]|0|0' "anonymize: source kept; notes scrubbed; drafts and contact slot deleted"
is "$(psql_q "SELECT concat_ws('|', \"consentGiven\", version > 0, \"consentText\" <> '', coalesce(\"ipAddress\", '-')) FROM \"ConsentRecord\" WHERE \"leadId\" = '$X'")" \
	"t|t|t|-" "anonymize: consent facts kept, IP removed"
is "$(psql_q "SELECT concat_ws('|', status, \"lastError\", recipient = '') FROM \"Outbox\" WHERE id = 'coutboxanon00000000000001'")" "FAILED|lead anonymized|t" "anonymize: undelivered mail is cancelled and emptied"
is "$(psql_q "SELECT (\"erasureRequestedAt\" IS NOT NULL) || '|' || coalesce(\"originalName\", '-') FROM \"Document\" WHERE \"leadId\" = '$X'")" "true|-" "anonymize: documents flagged for file erasure"
is "$(psql_q "SELECT (\"linkExpiresAt\" <= now()) || '|' || (\"unlockHistory\"->0->>'success') FROM \"ApplicationForm\" WHERE \"leadId\" = '$X'")" "true|false" "anonymize: the form link is dead; unlock history keeps only the facts"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$X'")" "$((audits_before + 1))" "anonymize: audit entries kept, one added"
is "$(psql_q "SELECT (metadata->>'anonymizedAt' ~ '^[0-9]{4}-') || '|' || \"userId\" FROM \"AuditLog\" WHERE \"leadId\" = '$X' AND action = 'LEAD_ANONYMIZED'")" "true|$ADMIN_ID" "anonymize: AuditLog LEAD_ANONYMIZED"
is "$(psql_q "SELECT string_agg(DISTINCT \"newValue\"::text, ',') FROM \"AuditLog\" WHERE \"leadId\" = '$X' AND action = 'status_change'")" '"FIRST_CONTACT"' "anonymize: status values stay in the audit trail"
cgi_run POST /api/leads/$X/anonymize "" "$ADMIN"
is "$(msg)" "409:Lead already anonymized" "anonymize: a second call is 409"
for req in "PATCH customer {\"firstName\":\"$FIRST\"}" "POST notes {\"content\":\"$LAST\"}" "PATCH vehicles {\"current\":{\"vin\":\"WVWZZZ1JZXW000003\"}}" \
	"POST financing {\"bank\":\"X\"}" "POST email/draft {\"message\":\"$FIRST\"}"; do
	read -r m p b <<<"$req"
	cgi_run "$m" "/api/leads/$X/$p" "$b" "$ADMIN"
	is "$(msg)" "409:Lead is anonymized" "anonymize: no new personal data afterwards ($m $p)"
done
cgi_run POST /api/leads/$X/status '{"status":"FOLLOW_UP"}' "$ADMIN"
is "$(msg)" "409:Lead is anonymized" "anonymize: the status of an anonymised lead is frozen like the rest"
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('clanonymizebare0000000001', 'seed-partner')" >/dev/null
cgi_run POST /api/leads/clanonymizebare0000000001/anonymize "" "$ADMIN"
is "$STATUS" 200 "anonymize: a lead without a profile"

# --- POST /api/leads/:id/merge --------------------------------------------------
S=clmergesource00000000001
T=clmergetarget00000000001
mk_lead $S seed-partner INBOUND
mk_lead $T seed-partner FIRST_CONTACT "$OP_ID"
psql_q "
UPDATE \"CustomerProfile\" SET email = 'anna.src@example.com', \"alternateEmails\" = '{anna.old@example.com,anna.tgt@example.com}' WHERE \"leadId\" = '$S';
UPDATE \"CustomerProfile\" SET email = 'anna.tgt@example.com', \"alternateEmails\" = '{anna.work@example.com}' WHERE \"leadId\" = '$T';
INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\") VALUES ('cdocmerge0000000000000001', '$S', 'id_card', '/x', '$OP_ID');
INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\")
	SELECT 'cconsentmerge000000000001', id, \"consentType\", '$S', true, version, content FROM \"ConsentTemplate\" WHERE id = '$TPL';
INSERT INTO \"FinancingApplication\" (id, \"leadId\", bank) VALUES ('cfinmerge0000000000000001', '$S', 'TBD');
INSERT INTO \"Offer\" (id, \"leadId\", title) VALUES ('coffermerge00000000000001', '$S', 'RAV4');
INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('crememerge000000000000001', '$S', now(), 'x');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\") VALUES ('cformmerge000000000000001', '$S', 'link-merge', 'h');
INSERT INTO \"EmailLog\" (id, \"applicationFormId\", \"leadId\", type) VALUES ('cemailmerge00000000000001', 'cformmerge000000000000001', '$S', 'LINK_SENT');
" >/dev/null
cgi_run POST /api/leads/$S/notes '{"content":"duplikat"}' "$ADMIN"
cgi_run POST /api/leads/$S/status '{"status":"NEW"}' "$ADMIN"
src_fp=$(lead_fp $S)
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$T'"}'
is "$STATUS" 401 "merge: no token"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$T'"}' "$OP"
is "$(msg)" "403:Forbidden" "merge: operators are refused"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"nope"}' "$SUP"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Invalid cuid" "merge: target must be a cuid"
cgi_run POST /api/leads/$S/merge '{}' "$SUP"
is "$STATUS" 400 "merge: target is required"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$NOLEAD'"}' "$SUP"
is "$(msg)" "404:Lead not found" "merge: unknown target"
cgi_run POST /api/leads/$NOLEAD/merge '{"targetLeadId":"'$T'"}' "$SUP"
is "$(msg)" "404:Lead not found" "merge: unknown source"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$S'"}' "$SUP"
is "$(msg)" "400:Cannot merge a lead into itself" "merge: not into itself"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$X'"}' "$SUP"
is "$(msg)" "409:Anonymized leads cannot be merged" "merge: not into an anonymised lead"
is "$(lead_fp $S)" "$src_fp" "merge: refused requests changed nothing"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$T'"}' "$SUP"
is "$STATUS:$BODY" "200:{\"mergedLeadId\":\"$S\",\"targetLeadId\":\"$T\"}" "merge: done"
is "$(psql_q "SELECT status || '|' || \"mergedIntoId\" FROM \"Lead\" WHERE id = '$S'")" "MERGED|$T" "merge: the duplicate is MERGED into the target"
moved=$(psql_q "SELECT concat_ws(',',
	(SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$T'), (SELECT count(*) FROM \"Document\" WHERE \"leadId\" = '$T'),
	(SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$T'), (SELECT count(*) FROM \"FinancingApplication\" WHERE \"leadId\" = '$T'),
	(SELECT count(*) FROM \"Offer\" WHERE \"leadId\" = '$T'), (SELECT count(*) FROM \"Reminder\" WHERE \"leadId\" = '$T'),
	(SELECT count(*) FROM \"ApplicationForm\" WHERE \"leadId\" = '$T'), (SELECT count(*) FROM \"EmailLog\" WHERE \"leadId\" = '$T'),
	(SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$T' AND action IN ('note_added', 'status_change')),
	(SELECT count(*) FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$T'))")
is "$moved" "1,1,1,1,1,1,1,1,2,1" "merge: notes, documents, consents, financing, offers, reminders, form, e-mail log, audit and history moved"
is "$(psql_q "SELECT \"alternateEmails\"::text FROM \"CustomerProfile\" WHERE \"leadId\" = '$T'")" "{anna.old@example.com,anna.src@example.com,anna.work@example.com}" "merge: the duplicate's addresses join the target's alternates"
is "$(psql_q "SELECT concat_ws('|', \"oldStatus\", \"newStatus\", \"changedById\") FROM \"LeadStatusHistory\" WHERE \"leadId\" = '$S'")" "NEW|MERGED|$SUP_ID" "merge: a history row on the duplicate"
is "$(psql_q "SELECT string_agg(\"leadId\" || ':' || coalesce(metadata->>'targetLeadId', metadata->>'sourceLeadId'), ',' ORDER BY \"leadId\") FROM \"AuditLog\" WHERE action = 'LEAD_MERGED'")" \
	"$S:$T,$T:$S" "merge: AuditLog LEAD_MERGED on both leads"
cgi_run POST /api/leads/$S/merge '{"targetLeadId":"'$T'"}' "$ADMIN"
is "$(msg)" "409:Lead already merged" "merge: a merged lead cannot merge again"
M3=clmergethird000000000001
mk_lead $M3 seed-partner NEW
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\") VALUES ('cformmergethird0000000001', '$M3', 'link-m3', 'h')" >/dev/null
cgi_run POST /api/leads/$M3/merge '{"targetLeadId":"'$S'"}' "$ADMIN"
is "$(msg)" "409:Target lead already merged" "merge: not into a merged lead"
cgi_run POST /api/leads/$M3/merge '{"targetLeadId":"'$T'"}' "$ADMIN"
is "$STATUS" 200 "merge: a second duplicate"
is "$(psql_q "SELECT \"leadId\" FROM \"ApplicationForm\" WHERE id = 'cformmergethird0000000001'")" "$M3" "merge: the form stays when the target has one"
cgi_run POST /api/leads/$S/status '{"status":"NEW","override":true,"notes":"x"}' "$ADMIN"
is "$(msg)" "409:Lead already merged" "merge: a merged lead's status is frozen"
cgi_run POST /api/leads/$T/anonymize "" "$ADMIN"
is "$STATUS" 200 "merge: the survivor is anonymised"
is "$(psql_q "SELECT string_agg((l.\"anonymizedAt\" IS NOT NULL) || ':' || c.\"firstName\" || ':' || coalesce(c.email, '-'), ',' ORDER BY l.id)
	FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE l.id IN ('$S', '$T', '$M3')")" \
	"true:ANONIMIZOWANY:-,true:ANONIMIZOWANY:-,true:ANONIMIZOWANY:-" "merge: and the duplicates merged into it with it (same client)"

# --- operator client-activity guard (§2.5.3) ---------------------------------------
G=clguard00000000000000001
mk_lead $G seed-partner FIRST_CONTACT "$OP_ID"
mk_user csupervisor00000000000002 sup2@example.com SUPERVISOR - ACTIVE
mk_user csupervisor00000000000003 sup3@example.com SUPERVISOR - INACTIVE
NSUP=$(psql_q "SELECT count(*) FROM \"User\" WHERE role = 'SUPERVISOR' AND status = 'ACTIVE'")
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"isClientActive\", \"lastClientActivity\", \"clientActiveSince\")
	VALUES ('cformguard000000000000001', '$G', 'link-guard', 'h', true, now(), now())" >/dev/null
alerts() { psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = '$G' AND template = 'client_active_alert'"; }
cgi_run POST /api/leads/$G/notes '{"content":"x"}' "$OP"
is "$STATUS:$BODY" '409:{"message":"Klient nadal edytuje formularz. Spróbuj ponownie, gdy sesja wygaśnie.","code":"CLIENT_ACTIVE"}' "guard: an operator's note is blocked while the client edits"
is "$(alerts)" "$NSUP" "guard: every active supervisor is alerted"
is "$(psql_q "SELECT metadata->>'applicationFormId' FROM \"AuditLog\" WHERE \"leadId\" = '$G' AND action = 'CLIENT_ACTIVE_BLOCK'")" cformguard000000000000001 "guard: the block is audited"
for req in 'POST status {"status":"FOLLOW_UP"}' 'PATCH customer {"firstName":"X"}' 'PATCH vehicles {"amountAvailable":1}' 'POST financing {"bank":"X"}'; do
	read -r m p b <<<"$req"
	cgi_run "$m" "/api/leads/$G/$p" "$b" "$OP"
	is "$STATUS:$(jq_body .code)" "409:CLIENT_ACTIVE" "guard: $m $p is blocked too"
done
is "$(audit_count $G CLIENT_ACTIVE_BLOCK)" 5 "guard: each attempt is audited"
is "$(alerts)" "$NSUP" "guard: but supervisors hear once per client session"
is "$(psql_q "SELECT count(DISTINCT recipient) FROM \"Outbox\" WHERE \"leadId\" = '$G'")" "$NSUP" "guard: one alert per supervisor"
is "$(psql_q "SELECT concat_ws('|', l.status, (SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = l.id), (SELECT count(*) FROM \"FinancingApplication\" WHERE \"leadId\" = l.id), c.\"firstName\")
	FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE l.id = '$G'")" "FIRST_CONTACT|0|0|Anna" "guard: nothing was written"
cgi_run GET /api/leads/$G/email/draft "" "$OP"
is "$STATUS" 200 "guard: reading a draft is not a change"
cgi_run POST /api/leads/$G/notes '{"content":"Supervisor note"}' "$SUP"
is "$STATUS" 201 "guard: supervisors are not blocked"
psql_q "UPDATE \"ApplicationForm\" SET \"clientActiveSince\" = now() + interval '1 second' WHERE id = 'cformguard000000000000001'" >/dev/null
cgi_run POST /api/leads/$G/notes '{"content":"x"}' "$OP"
is "$STATUS:$(alerts)" "409:$((NSUP * 2))" "guard: a new client session alerts again"
psql_q "UPDATE \"ApplicationForm\" SET \"lastClientActivity\" = now() - interval '6 minutes' WHERE id = 'cformguard000000000000001'" >/dev/null
cgi_run POST /api/leads/$G/notes '{"content":"Po wygaśnięciu"}' "$OP"
is "$STATUS" 201 "guard: a stale client session no longer blocks"
is "$(psql_q "SELECT \"isClientActive\" FROM \"ApplicationForm\" WHERE id = 'cformguard000000000000001'")" f "guard: and the stale flag is cleared"

# --- izzy_lead_summary / izzy_lead_consent_status (schema 0011) -------------------
SC=clsummary000000000000001
mk_lead $SC seed-partner NEW
cs() { psql_q "SELECT izzy_lead_summary('$SC', true)->>'consentStatus'"; }
is "$(psql_q "SELECT string_agg(k, ',') FROM json_object_keys(izzy_lead_summary('$SC', true)) AS k")" \
	"id,status,partnerId,leadCreatedAt,claimedAt,lastContactAt,nextActionAt,createdByUserId,assignedUser,partner,customerProfile,consentRecords,applicationForm,insuranceOnboarding,consentStatus" \
	"summary: the keys of api.md section 4.5 in the reference's order"
is "$(psql_q "SELECT (izzy_lead_summary('$SC', false)::jsonb ? 'consentStatus')::text || '|' || coalesce(izzy_lead_summary('$NOLEAD', true)::text, 'NULL')")" \
	"false|NULL" "summary: consentStatus only on request; NULL for an unknown lead"
is "$(cs)" no_templates "consent status: no relevant required template (the seed has financing ones only)"
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\") VALUES ('cformsummary0000000000001', '$SC', 'link-sc', 'h')" >/dev/null
is "$(cs)" missing_required "consent status: a form makes the financing templates relevant"
psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\")
	SELECT 'cr' || md5(id), id, \"consentType\", '$SC', true, version, content FROM \"ConsentTemplate\"
	WHERE \"formType\" = 'financing_application' AND \"isRequired\"" >/dev/null
is "$(cs)" incomplete "consent status: required given, optional missing"
psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\")
	SELECT 'cr' || md5(id), id, \"consentType\", '$SC', true, version, content FROM \"ConsentTemplate\"
	WHERE \"formType\" = 'financing_application' AND NOT \"isRequired\"" >/dev/null
is "$(cs)" complete "consent status: everything given"
psql_q "UPDATE \"ConsentRecord\" SET \"withdrawnAt\" = now() WHERE \"leadId\" = '$SC' AND \"consentType\" = 'PARTNER_DECLARATION'" >/dev/null
is "$(cs)" missing_required "consent status: a withdrawn consent no longer counts (QUIRK fixed)"
is "$(psql_q "SELECT json_array_length(izzy_lead_summary('$SC', false)->'consentRecords')")" 4 "summary: every consent record of the lead"

# --- POST /api/leads/:id/email (§4.6.12, FR-62, SR-24) -----------------------------
E=clemail00000000000000001
mk_lead $E seed-partner FIRST_CONTACT "$OP_ID"
E_TO=$E@example.com
EOTHER=clemailother000000000001
mk_lead $EOTHER other-partner NEW
ENOMAIL=clemailnomail00000000001
mk_lead $ENOMAIL seed-partner NEW
psql_q "UPDATE \"CustomerProfile\" SET email = NULL WHERE \"leadId\" = '$ENOMAIL'" >/dev/null
queued() { psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = '$1' AND template = 'lead_email'"; }
sent_notes() { psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$1' AND type = 'EMAIL_SENT'"; }
MSG_E=$'Dzień dobry <script>alert("x")</script>\nPozdrawiam & do usłyszenia'
QUOTE_E=$'> Pytanie klienta <b>?</b>\r\n> Drugi wiersz'
QHTML_E='<p onclick="evil()">Pytanie</p><script>steal()</script>'
BODY_E=$(jq -cn --arg m "  $MSG_E  " --arg q "$QUOTE_E" --arg h "$QHTML_E" \
	'{subject:"  Oferta RAV4  ", message:$m, quotedText:$q, quotedHtml:$h,
	  links:["https://carsalon.pl/samochod/Toyota/RAV4-hybrid?color=red#galeria", " ", "http://x.pl"]}')
cgi_run POST /api/leads/$E/email "$BODY_E"
is "$(msg)" "401:Missing authorization header" "email: no token is 401"
cgi_run POST /api/leads/$E/email "$BODY_E" "$PART"
is "$(msg)" "403:Forbidden" "email: partner roles are refused"
cgi_run POST /api/leads/$E/email "$BODY_E" "$AUD"
is "$(msg)" "403:Forbidden" "email: AUDITOR is refused"
cgi_run POST /api/leads/$EOTHER/email "$BODY_E" "$OP"
is "$(msg)" "403:Access denied" "email: operators are scoped (SEC fix)"
cgi_run POST /api/leads/$NOLEAD/email "$BODY_E" "$ADMIN"
is "$(msg)" "404:Lead not found" "email: unknown lead"
cgi_run POST /api/leads/$ENOMAIL/email "$BODY_E" "$ADMIN"
is "$(msg)" "404:Lead or customer email not found" "email: a customer without an address"
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('clemailnoprofile000000001', 'seed-partner')" >/dev/null
cgi_run POST /api/leads/clemailnoprofile000000001/email "$BODY_E" "$ADMIN"
is "$(msg)" "404:Lead or customer email not found" "email: a lead without a customer profile"
fp=$(lead_fp $E)
bad_email() { # BODY WANT(status:path:code) NAME
	cgi_run POST /api/leads/$E/email "$1" "$ADMIN"
	is "$STATUS:$(jq_body '[.issues[0].path[]|tostring]|join(".")'):$(jq_body '.issues[0].code')" "$2" "email: $3"
}
cgi_run POST /api/leads/$E/email '{}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Message is required"}' "email: message is required (the reference's words)"
cgi_run POST /api/leads/$E/email '{"message":" \n\t "}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Message is required"}' "email: a blank message counts as missing"
bad_email "$(jq -cn --arg m "$(head -c 10001 /dev/zero | tr '\0' m)" '{message:$m}')" "400:message:too_big" "message over 10000 characters"
bad_email '{"message":"x","subject":"Oferta\r\nBcc: ofiara@example.com"}' "400:subject:invalid_string" "no line break in the subject (header injection)"
bad_email "$(jq -cn --arg s "$(head -c 201 /dev/zero | tr '\0' s)" '{message:"x",subject:$s}')" "400:subject:too_big" "subject over 200 characters"
bad_email '{"message":"x","links":["javascript:alert(1)"]}' "400:links.0:invalid_string" "only http(s) links (SR-23)"
bad_email '{"message":"x","links":["https://x.pl","data:text/html,<b>"]}' "400:links.1:invalid_string" "data: links are refused"
bad_email "$(jq -cn --arg u "https://x.pl/$(head -c 2040 /dev/zero | tr '\0' u)" '{message:"x",links:[$u]}')" "400:links.0:too_big" "links over 2048 characters"
bad_email "$(jq -cn '{message:"x",links:[range(21)|"https://x.pl/\(.)"]}')" "400:links:too_big" "at most 20 links"
bad_email '{"message":"x","links":[1]}' "400:links.0:invalid_type" "links are strings"
bad_email '{"message":"x","links":"https://x.pl"}' "400:links:invalid_type" "links is an array"
bad_email '{"message":"x","replyToNoteId":"nope"}' "400:replyToNoteId:invalid_string" "replyToNoteId is a cuid"
bad_email "$(jq -cn --arg q "$(head -c 20001 /dev/zero | tr '\0' q)" '{message:"x",quotedText:$q}')" "400:quotedText:too_big" "quotedText over 20000 characters"
bad_email "$(jq -cn --arg q "$(head -c 50001 /dev/zero | tr '\0' q)" '{message:"x",quotedHtml:$q}')" "400:quotedHtml:too_big" "quotedHtml over 50000 characters"
bad_email '{"message":"x","cc":"ktos@example.com"}' "400::unrecognized_keys" "no other recipients can be added"
cgi_run POST /api/leads/$E/email '{"message":"x","replyToNoteId":"cnosuchnote00000000000001"}' "$ADMIN"
is "$(msg)" "404:Note not found" "email: an unknown replyToNoteId"
psql_q "INSERT INTO \"LeadNote\" (id, \"leadId\", content) VALUES ('cnoteofother0000000000001', '$EOTHER', 'cudza')" >/dev/null
cgi_run POST /api/leads/$E/email '{"message":"x","replyToNoteId":"cnoteofother0000000000001"}' "$ADMIN"
is "$(msg)" "404:Note not found" "email: a note of another lead cannot be replied to (SR-16)"
is "$(lead_fp $E):$(queued $E)" "$fp:0" "email: refused requests queued and wrote nothing"

cgi_run POST /api/leads/$E/email/draft '{"message":"szkic","subject":"Oferta RAV4"}' "$OP"
is "$STATUS" 200 "email: the operator has a draft"
cgi_run POST /api/leads/$E/email "$BODY_E" "$OP"
is "$STATUS" 200 "email: an operator e-mails the client of its lead (200, COMPAT)"
NOTE_E=$(jq_body .id)
OUTBOX_E=$(psql_q "SELECT id FROM \"Outbox\" WHERE \"leadId\" = '$E' AND template = 'lead_email'")
MSG_TRIM=$(printf '%s' "$MSG_E")
is "$(jq_body '[.type, .authorId, .author.id, .author.email, .leadId, (.link|tostring), (.createdAt|test("^[0-9-]{10}T.*Z$")|tostring)]|join("|")')" \
	"EMAIL_SENT|$OP_ID|$OP_ID|operator@example.com|$E|null|true" "email: the response is the lead note with its author"
is "$(jq_body .content)" "$MSG_TRIM" "email: the note holds the trimmed message"
L1="https://carsalon.pl/samochod/Toyota/RAV4-hybrid?color=red&utm_source=izzy-crm&utm_medium=email&utm_campaign=lead-$E#galeria"
L2="http://x.pl/?utm_source=izzy-crm&utm_medium=email&utm_campaign=lead-$E"
is "$(jq_body '.metadata | [.from, .to, .subject, .direction, .delivery, .outboxId, (.replyToNoteId|tostring), .quotedHtml, (.links|join(" "))] | join("|")')" \
	"operator@example.com|$E_TO|Oferta RAV4|OUTGOING|QUEUED|$OUTBOX_E|null|$QHTML_E|$L1 $L2" \
	"email: metadata (from, to, trimmed subject, direction, queued Outbox row, tracked links, quotedHtml kept)"
is "$(jq_body '.metadata.messageId|test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")')" true "email: a random UUID as message id"
is "$(psql_q "SELECT concat_ws('|', channel, recipient, subject, status, template, \"leadId\") FROM \"Outbox\" WHERE id = '$OUTBOX_E'")" \
	"EMAIL|$E_TO|Oferta RAV4|PENDING|lead_email|$E" "email: one Outbox row to the customer, nothing sent in the request"
is "$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE id = '$OUTBOX_E'")" \
	"$MSG_TRIM"$'\n\nLinks:\n- '"$L1"$'\n- '"$L2"$'\n\n'"$QUOTE_E" "email: text body (message, links, quoted text)"
is "$(psql_q "SELECT \"bodyHtml\" FROM \"Outbox\" WHERE id = '$OUTBOX_E'")" \
	"<p>Dzień dobry &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Pozdrawiam &amp; do usłyszenia</p><p>Links:<br><a href=\"${L1//&/&amp;}\">Toyota RAV4 hybrid</a><br><a href=\"${L2//&/&amp;}\">${L2//&/&amp;}</a></p><hr><div style=\"color:#6b7280\">&gt; Pytanie klienta &lt;b&gt;?&lt;/b&gt;<br>&gt; Drugi wiersz</div>" \
	"email: HTML body with every supplied text escaped, marketplace link titled (SR-24)"
is "$(psql_q "SELECT (\"bodyHtml\" ~* '<script|onclick|steal') || '|' || (\"bodyHtml\" = (SELECT metadata->>'html' FROM \"LeadNote\" WHERE id = '$NOTE_E')) FROM \"Outbox\" WHERE id = '$OUTBOX_E'")" \
	"false|true" "email: the client's quoted HTML never reaches the mail; the note keeps the HTML sent"
is "$(psql_q "SELECT concat_ws('|', \"userId\", field, \"newValue\"::text, \"oldValue\" IS NULL, \"newValue\"::text LIKE '%@%') FROM \"AuditLog\" WHERE \"leadId\" = '$E' AND action = 'email_sent'")" \
	"$OP_ID|notes|{\"noteId\": \"$NOTE_E\", \"outboxId\": \"$OUTBOX_E\"}|t|f" "email: AuditLog email_sent with ids, no addresses"
is "$(psql_q "SELECT count(*) FROM \"MessageDraft\" WHERE \"leadId\" = '$E'")" 1 "email: the draft is not deleted by sending"

cgi_run POST /api/leads/$E/email '{"message":"Krótko","subject":"   ","links":null,"replyToNoteId":"'$NOTE_E'","quotedText":"  "}' "$ADMIN"
is "$STATUS:$(jq_body '[.metadata.subject, .metadata.replyToNoteId, (.metadata.links|length|tostring), (.metadata.quotedHtml|tostring), .author.email]|join("|")')" \
	"200:Wiadomość z Carsalon.pl|$NOTE_E|0|null|admin@example.com" "email: default subject, a reply to a note of the lead"
is "$(psql_q "SELECT concat_ws('|', subject, \"bodyText\", \"bodyHtml\") FROM \"Outbox\" WHERE id = '$(jq_body .metadata.outboxId)'")" \
	"Wiadomość z Carsalon.pl|Krótko|<p>Krótko</p>" "email: no links and a blank quote add nothing"
cgi_run POST /api/leads/$EOTHER/email '{"message":"Od przełożonego"}' "$SUP"
is "$STATUS:$(queued $EOTHER)" "200:1" "email: supervisors reach every lead"
is "$(queued $E):$(sent_notes $E)" "2:2" "email: one Outbox row and one note per e-mail"

EBAD=clemailheader00000000001
mk_lead $EBAD seed-partner NEW
for addr in "'a@example.com' || chr(13) || chr(10) || 'Bcc: b@evil.test'" "'a@example.com,b@evil.test'"; do
	psql_q "UPDATE \"CustomerProfile\" SET email = $addr WHERE \"leadId\" = '$EBAD'" >/dev/null
	cgi_run POST /api/leads/$EBAD/email '{"message":"x"}' "$ADMIN"
	is "$(msg):$(queued $EBAD)" "400:Invalid recipient or subject:0" "email: a stored address that is not one single line is refused"
done

EG=clemailguard000000000001
mk_lead $EG seed-partner FIRST_CONTACT "$OP_ID"
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\", \"isClientActive\", \"lastClientActivity\", \"clientActiveSince\")
	VALUES ('cformemailguard0000000001', '$EG', 'link-email-guard', 'h', true, now(), now())" >/dev/null
cgi_run POST /api/leads/$EG/email '{"message":"x"}' "$OP"
is "$STATUS:$(jq_body .code):$(queued $EG):$(sent_notes $EG)" "409:CLIENT_ACTIVE:0:0" "email: operators wait while the client edits the form"
cgi_run POST /api/leads/$EG/email '{"message":"x"}' "$SUP"
is "$STATUS:$(queued $EG)" "200:1" "email: supervisors are not blocked"
cgi_run POST /api/leads/$X/email '{"message":"x"}' "$ADMIN"
is "$(msg):$(queued $X)" "409:Lead is anonymized:0" "email: an anonymised lead gets no mail"

hits=""
for s in "$E_TO" "Pozdrawiam" "Oferta RAV4" "Od przełożonego" "Pytanie klienta" "evil.test" "utm_campaign"; do
	grep -qF -- "$s" "$CGI_LOG" && hits+="$s "
done
is "$hits" "" "email: logs hold no addresses, subjects, bodies or links (SR-35)"

# --- logs carry ids, never personal data (SR-35) -----------------------------------
hits=""
for s in "$FIRST" "$LAST" "$EMAIL" "$PHONE" "$PESEL" "Dzwoniłem" "anna.src@example.com" "$OFFER" "$SIG"; do
	grep -qF -- "$s" "$CGI_LOG" && hits+="$s "
done
is "$hits" "" "the programs' logs hold no personal data, notes or link signatures"

t_done
