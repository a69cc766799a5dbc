#!/usr/bin/env bash
# Per-binary tests of the read side of cgi-bin/leads (cgi-bin/leads_read.c): lead creation
# (spec/api.md §4.5.1, FR-12, FR-31, SR-39), duplicate warnings (FR-28), the list with its
# scoping, filters, search, pagination and consentStatus (§4.5.2, §2.5.2, §7.5), and the detail
# with its partner projection and status history (§4.5.3, FR-21, FR-26).
# Run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-read
CGI_LOG=$T_VAR/log/leads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads

# --- helpers -----------------------------------------------------------------
# mk_lead ID PARTNER STATUS ASSIGNED CREATOR MINUTES_AGO FIRST LAST EMAIL PHONE
mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\", \"createdByUserId\", \"leadCreatedAt\")
		VALUES ('$1', '$2', '$3', $(sqlv "$4"), $(sqlv "$5"), now() - interval '$6 minutes');
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		VALUES ('cp$1', '$1', '$7', '$8', $(sqlv "$9"), $(sqlv "${10-}"))" >/dev/null
}
msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }
issue() { printf '%s:%s' "$STATUS" "$(jq_body '[.issues[] | (.path|map(tostring)|join(".")) + ":" + .code + ":" + .message] | join("|")')"; }
ids() { jq_body '[.data[].id] | join(" ")'; }
lead_count() { psql_q 'SELECT count(*) FROM "Lead"'; }

PA=cpartneralfa0000000000001
PB=cpartnerbeta0000000000001
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$PA', 'Alfa'), ('$PB', 'Beta')" >/dev/null
mk_user csupervisor00000000000001 sup@example.com SUPERVISOR -
mk_user cpartnera0000000000000001 partner-a@example.com PARTNER $PA
mk_user cpartnerb0000000000000001 partner-b@example.com PARTNER $PB
mk_user cmanagera0000000000000001 manager-a@example.com PARTNER_MANAGER $PA
mk_user cemployeea000000000000001 employee-a@example.com PARTNER_EMPLOYEE $PA
mk_user cemployeea200000000000001 employee-a2@example.com PARTNER_EMPLOYEE $PA
mk_user cnopartner000000000000001 nopartner@example.com PARTNER -
mk_user coperatora000000000000001 operator-a@example.com OPERATOR $PA
mk_user coperatorx000000000000001 operator-x@example.com OPERATOR -
mk_user cauditor00000000000000001 auditor@example.com AUDITOR -
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
SUP_ID=csupervisor00000000000001 PARTA_ID=cpartnera0000000000000001 EMPA_ID=cemployeea000000000000001
EMPA2_ID=cemployeea200000000000001 OPA_ID=coperatora000000000000001 OPX_ID=coperatorx000000000000001
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
SUP=$(login sup@example.com)
PARTA=$(login partner-a@example.com)
PARTB=$(login partner-b@example.com)
MGRA=$(login manager-a@example.com)
EMPA=$(login employee-a@example.com)
EMPA2=$(login employee-a2@example.com)
NOPART=$(login nopartner@example.com)
OPA=$(login operator-a@example.com)
OPX=$(login operator-x@example.com)
AUD=$(login auditor@example.com)
[[ -n $ADMIN && -n $OP && -n $SUP && -n $PARTA && -n $PARTB && -n $MGRA && -n $EMPA && -n $EMPA2 &&
	-n $NOPART && -n $OPA && -n $OPX && -n $AUD ]]
ok $? "test users log in"

# Consent templates of the create form (formType lead_creation): one required, one optional.
TREQ=ctplrequired0000000000001
TOPT=ctploptional0000000000001
psql_q "INSERT INTO \"ConsentTemplate\" (id, \"consentType\", \"formType\", title, content, \"helpText\", version, \"isRequired\")
	VALUES ('$TREQ', 'PARTNER_DECLARATION', 'lead_creation', 'Oświadczenie', 'Treść oświadczenia v3', 'Pomoc', 3, true),
	       ('$TOPT', 'MARKETING', 'lead_creation', 'Marketing', 'Treść zgody marketingowej', NULL, 2, false)" >/dev/null
THIS_YEAR=$(date -u +%Y)

# --- POST /api/leads: each creator role ------------------------------------------
# create TOKEN BODY: 201 expected; prints the new id.
body_for() { # PARTNER|- EMAIL
	jq -cn --arg p "$1" --arg e "$2" --arg r "$TREQ" --arg o "$TOPT" '
		{customer:{firstName:"Jan",lastName:"Kowalski",email:$e,phone:"+48 600-100-200"},
		 consents:[{templateId:$r,version:99,given:true},{templateId:$o,version:2,given:false}]}
		+ (if $p == "-" then {} else {partnerId:$p} end)'
}
consent_evidence() { # LEAD: method|ip|ua|version|text|helpText|recordedBy|partner, one line per record
	psql_q "SELECT string_agg(concat_ws('|', \"consentMethod\", \"ipAddress\", \"userAgent\", version,
		\"consentText\", \"helpTextSnapshot\", \"recordedByUserId\", \"partnerId\", \"consentGiven\",
		coalesce(\"applicationFormId\", '-')), ';' ORDER BY \"consentTemplateId\")
		FROM \"ConsentRecord\" WHERE \"leadId\" = '$1'"
}
lead_row() { psql_q "SELECT concat_ws('|', \"partnerId\", coalesce(\"assignedUserId\", '-'), \"createdByUserId\", status, coalesce(\"claimedAt\"::text, '-')) FROM \"Lead\" WHERE id = '$1'"; }

CGI_REMOTE_ADDR=203.0.113.5 cgi_run POST /api/leads "$(body_for $PA create-admin@example.com)" "$ADMIN"
is "$STATUS" 201 "create: ADMIN gets 201"
L_ADMIN=$(jq_body .id)
is "$(jq_body 'keys | join(",")')" "id,leadCreatedAt,partnerId,status" "create: the reference's 201 body, no duplicates key when there are none"
is "$(jq_body '.status + "|" + .partnerId')" "NEW|$PA" "create: NEW lead of the given partner"
like "$(jq_body .leadCreatedAt)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' "create: leadCreatedAt in the API format"
is "$(lead_row "$L_ADMIN")" "$PA|$ADMIN_ID|$ADMIN_ID|NEW|-" "create: staff creator is auto-assigned, claimedAt stays empty"
is "$(consent_evidence "$L_ADMIN")" "PHONE_CALL|203.0.113.5|izzy-cgi-test|3|Treść oświadczenia v3|Pomoc|$ADMIN_ID|$PA|t|-" \
	"create: only the given consent is stored, as a PHONE_CALL with server IP/UA and the template's text and version"

cgi_run POST /api/leads "$(body_for $PB create-op@example.com)" "$OP"
is "$STATUS" 201 "create: OPERATOR may create for another partner"
L_OP=$(jq_body .id)
is "$(lead_row "$L_OP")" "$PB|$OP_ID|$OP_ID|NEW|-" "create: operator creator is assigned"
like "$(consent_evidence "$L_OP")" "^PHONE_CALL\|" "create: operator consent is PHONE_CALL"

cgi_run POST /api/leads "$(body_for $PA create-sup@example.com)" "$SUP"
L_SUP=$(jq_body .id)
is "$STATUS:$(lead_row "$L_SUP")" "201:$PA|$SUP_ID|$SUP_ID|NEW|-" "create: SUPERVISOR creator is assigned"

CGI_REMOTE_ADDR=198.51.100.20 cgi_run POST /api/leads "$(body_for - create-partner@example.com)" "$PARTA"
is "$STATUS" 201 "create: PARTNER without partnerId uses its own partner"
L_PART=$(jq_body .id)
is "$(lead_row "$L_PART")" "$PA|-|$PARTA_ID|NEW|-" "create: partner users' leads stay unassigned (FR-12)"
is "$(consent_evidence "$L_PART")" "PARTNER_SUBMISSION|198.51.100.20|izzy-cgi-test|3|Treść oświadczenia v3|Pomoc|$PARTA_ID|$PA|t|-" \
	"create: partner consent is PARTNER_SUBMISSION with partner, actor, IP and UA"

cgi_run POST /api/leads "$(body_for $PA create-mgr@example.com)" "$MGRA"
L_MGR=$(jq_body .id)
is "$STATUS:$(lead_row "$L_MGR")" "201:$PA|-|cmanagera0000000000000001|NEW|-" "create: PARTNER_MANAGER naming its own partner"
cgi_run POST /api/leads "$(body_for - create-emp@example.com)" "$EMPA"
L_EMP=$(jq_body .id)
is "$STATUS:$(lead_row "$L_EMP")" "201:$PA|-|$EMPA_ID|NEW|-" "create: PARTNER_EMPLOYEE"

# Full body: every nested table.
full=$(jq -cn --arg y "$THIS_YEAR" '{partnerId:"seed-partner",sourceMetadata:{source:"salon",campaign:"wiosna"},
	notes:"Klient prosi o kontakt po 17:00.",
	customer:{firstName:"  Zofia ",lastName:"Wójcik",email:"Zofia.Wojcik@Example.COM",phone:"+48 601-200 300",
		dateOfBirth:"1985-03-04",customerType:"spółka",city:"  Łódź ",postalCode:"90-001",voivodeship:"łódzkie"},
	currentVehicle:{make:"Skoda",model:"Octavia",year:($y|tonumber),mileage:120000,ownershipStatus:"owned",vin:"tmbjj7ne8j0123456"},
	desiredVehicle:{make:"Toyota",model:"RAV4",year:(($y|tonumber)+1),budget:120000.5,preferences:{notes:"hybryda",vehicles:[{make:"Toyota"}]}},
	financing:{loanAmount:100000,downPayment:0,termMonths:48,income:8500.25,expenses:2000}}')
cgi_run POST /api/leads "$full" "$ADMIN"
is "$STATUS" 201 "create: full body with every nested table"
L_FULL=$(jq_body .id)
is "$(psql_q "SELECT concat_ws('|', l.\"sourceMetadata\"->>'campaign', l.notes, c.\"firstName\", c.email, c.phone,
	izzy_ts(c.\"dateOfBirth\"), c.address::text) FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE l.id = '$L_FULL'")" \
	'wiosna|Klient prosi o kontakt po 17:00.|Zofia|zofia.wojcik@example.com|+48601200300|1985-03-04T00:00:00.000Z|{"city": "Łódź", "postalCode": "90-001", "voivodeship": "łódzkie", "customerType": "spółka"}' \
	"create: customer stored trimmed, e-mail lower-cased, phone compacted, address from the non-empty parts"
is "$(psql_q "SELECT concat_ws('|', make, model, year, mileage, \"ownershipStatus\", vin) FROM \"VehicleCurrent\" WHERE \"leadId\" = '$L_FULL'")" \
	"Skoda|Octavia|$THIS_YEAR|120000|owned|TMBJJ7NE8J0123456" "create: current vehicle (VIN upper-cased)"
is "$(psql_q "SELECT concat_ws('|', make, model, year, izzy_money(budget), preferences->>'notes') FROM \"VehicleDesired\" WHERE \"leadId\" = '$L_FULL'")" \
	"Toyota|RAV4|$((THIS_YEAR + 1))|120000.5|hybryda" "create: desired vehicle, next year's model allowed"
is "$(psql_q "SELECT concat_ws('|', bank, izzy_money(\"loanAmount\"), izzy_money(\"downPayment\"), \"termMonths\", izzy_money(income), izzy_money(expenses), decision) FROM \"FinancingApplication\" WHERE \"leadId\" = '$L_FULL'")" \
	"TBD|100000|0|48|8500.25|2000|PENDING" "create: financing with bank TBD and decision PENDING"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"leadId\" = '$L_FULL'")" 0 "create: no consents, no records"

# --- POST /api/leads: refusals ---------------------------------------------------
before=$(lead_count)
cgi_run POST /api/leads "$(body_for $PA x@example.com)"
is "$(msg)" "401:Missing authorization header" "create: no token is 401"
cgi_run POST /api/leads "$(body_for $PA x@example.com)" "$AUD"
is "$(msg)" "403:Forbidden" "create: AUDITOR is refused"
cgi_run POST /api/leads "$(body_for $PB x@example.com)" "$PARTA"
is "$(msg)" "403:Cannot create leads for other partners" "create: a partner naming another partner"
cgi_run POST /api/leads "$(body_for $PB x@example.com)" "$EMPA"
is "$(msg)" "403:Cannot create leads for other partners" "create: an employee naming another partner"
cgi_run POST /api/leads "$(body_for - x@example.com)" "$ADMIN"
is "$(msg)" "400:partnerId is required" "create: staff must name the partner"
cgi_run POST /api/leads "$(body_for - x@example.com)" "$NOPART"
is "$(msg)" "400:partnerId is required" "create: a partner user without partner context"
cgi_run POST /api/leads "$(body_for cnosuchpartner00000000001 x@example.com)" "$ADMIN"
is "$(msg)" "404:Partner not found" "create: unknown partner"
cgi_run POST /api/leads "$(jq -cn '{partnerId:"seed-partner",customer:{firstName:"A",lastName:"B"},consents:[{templateId:"cnosuchtemplate0000000001",version:1,given:true}]}')" "$ADMIN"
is "$(msg)" "400:Consent template cnosuchtemplate0000000001 not found" "create: unknown consent template (the reference's 500 fixed)"
cgi_run POST /api/leads '{"partnerId":"seed-partner"}' "$ADMIN"
is "$(issue)" "400:customer:invalid_type:Required" "create: customer is required"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":5,"lastName":"  "}}' "$ADMIN"
is "$(issue)" "400:customer.firstName:invalid_type:Expected string, received number|customer.lastName:too_small:String must contain at least 1 character(s)" \
	"create: wrong types and blank names"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","postalCode":"00001"}}' "$ADMIN"
is "$(issue)" "400:customer.postalCode:invalid_string:Nieprawidłowy kod pocztowy" "create: postal code message"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B"},"currentVehicle":{"vin":"ABC"}}' "$ADMIN"
is "$(issue)" "400:currentVehicle.vin:too_small:String must contain at least 17 character(s)" "create: VIN length"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B"},"currentVehicle":{"vin":"TMBJJ7NE8J012345-"}}' "$ADMIN"
is "$(issue)" "400:currentVehicle.vin:invalid_string:Nieprawidłowy nr VIN" "create: VIN characters"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","dateOfBirth":"kiedyś"}}' "$ADMIN"
is "$(issue)" "400:customer.dateOfBirth:invalid_date:Invalid date" "create: unparseable dateOfBirth is 400 (the reference's 500 fixed)"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","voivodeship":"Mazowieckie","customerType":"firma"}}' "$ADMIN"
is "$(jq_body '[.issues[] | (.path|join(".")) + ":" + .code] | join("|")')" \
	"customer.customerType:invalid_enum_value|customer.voivodeship:invalid_enum_value" "create: customer type and voivodeship enums"
cgi_run POST /api/leads "$(jq -cn --arg y "$THIS_YEAR" '{partnerId:"seed-partner",customer:{firstName:"A",lastName:"B"},currentVehicle:{year:(($y|tonumber)+1)},desiredVehicle:{year:(($y|tonumber)+2)}}')" "$ADMIN"
is "$(issue)" "400:currentVehicle.year:too_big:Number must be less than or equal to $THIS_YEAR|desiredVehicle.year:too_big:Number must be less than or equal to $((THIS_YEAR + 1))" \
	"create: vehicle years against this year (current) and next year (desired)"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B"},"currentVehicle":{"year":1899,"mileage":-1},"financing":{"termMonths":0,"loanAmount":-5}}' "$ADMIN"
is "$(jq_body '[.issues[] | (.path|join(".")) + ":" + .code] | join("|")')" \
	"currentVehicle.year:too_small|currentVehicle.mileage:too_small|financing.loanAmount:too_small|financing.termMonths:too_small" "create: number ranges"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","age":30},"priority":"high"}' "$ADMIN"
is "$(jq_body '[.issues[] | (.path|join(".")) + ":" + .code + ":" + .keys[0]] | join("|")')" \
	":unrecognized_keys:priority|customer:unrecognized_keys:age" "create: unknown fields are rejected, nested ones too (SR-16)"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B"},"consents":[{"templateId":"x","given":"yes"}]}' "$ADMIN"
is "$(jq_body '[.issues[] | (.path|map(tostring)|join(".")) + ":" + .code] | join("|")')" \
	"consents.0.version:invalid_type|consents.0.given:invalid_type" "create: consent items need templateId, version and given"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","email":"nie-email"},"sourceMetadata":"web"}' "$ADMIN"
is "$(jq_body '[.issues[] | (.path|join(".")) + ":" + .code] | join("|")')" \
	"sourceMetadata:invalid_type|customer.email:invalid_string" "create: sourceMetadata must be an object, e-mail must be one"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"A","lastName":"B","pesel":"44051401358"}}' "$ADMIN"
is "$(issue)" "400:customer.pesel:invalid_string:Nieprawidłowy numer PESEL" "create: PESEL checksum"
is "$(lead_count)" "$before" "create: refused requests created no lead"

# --- duplicates (FR-28) -------------------------------------------------------------
cgi_run POST /api/leads "$(jq -cn '{partnerId:"'$PA'",customer:{firstName:"Jan",lastName:"K",email:"CREATE-ADMIN@example.com"}}')" "$ADMIN"
is "$STATUS:$(jq_body '.duplicates.warning + "|" + (.duplicates.leadIds | join(","))')" "201:Możliwy duplikat leada|$L_ADMIN" \
	"duplicates: same e-mail in another case is flagged, the lead is still created"
L_DUP1=$(jq_body .id)
cgi_run POST /api/leads "$(jq -cn '{partnerId:"'$PB'",customer:{firstName:"Jan",lastName:"K",phone:"600100200"}}')" "$ADMIN"
is "$(jq_body '.duplicates.leadIds | sort | join(",")')" "$(printf '%s\n' "$L_ADMIN" "$L_OP" "$L_SUP" "$L_PART" "$L_MGR" "$L_EMP" | sort | paste -sd,)" \
	"duplicates: the same phone (last 9 digits) in any format"
cgi_run POST /api/leads "$(jq -cn '{customer:{firstName:"Jan",lastName:"K",email:"create-op@example.com"}}')" "$PARTA"
is "$STATUS:$(jq_body '.duplicates // "none"')" "201:none" "duplicates: only leads the actor may see count"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"P","lastName":"S","pesel":"44051401359"}}' "$ADMIN"
L_PESEL=$(jq_body .id)
hash=$(psql_q "SELECT \"nationalIdHash\" FROM \"CustomerProfile\" WHERE \"leadId\" = '$L_PESEL'")
like "$hash" '^[0-9a-f]{64}$' "PESEL: stored only as a keyed hash"
[[ $hash != "$(printf '%s' 44051401359 | sha256sum | cut -d' ' -f1)" ]]
ok $? "PESEL: not the plain SHA-256 of the number (SR-43)"
is "$(psql_q "SELECT count(*) FROM \"CustomerProfile\" WHERE \"nationalIdHash\" LIKE '%44051401359%' OR \"firstName\" = '44051401359'")" 0 "PESEL: the number itself is stored nowhere"
cgi_run POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"P","lastName":"S","pesel":"44051401359"}}' "$ADMIN"
is "$(jq_body '.duplicates.leadIds | join(",")')" "$L_PESEL" "duplicates: the same PESEL"

cgi_run GET "/api/leads/duplicates?email=Create-Admin%40Example.com" "" "$ADMIN"
is "$STATUS:$(jq_body '[.data[].id] | sort | join(",")')" "200:$(printf '%s\n' "$L_ADMIN" "$L_DUP1" | sort | paste -sd,)" "duplicates endpoint: by e-mail"
is "$(jq_body '.data[0] | keys | join(",")')" "customerProfile,id,leadCreatedAt,status" "duplicates endpoint: item shape"
is "$(jq_body '.data[0].customerProfile | keys | join(",")')" "email,firstName,lastName,phone" "duplicates endpoint: customer shape"
cgi_run GET "/api/leads/duplicates?phone=%2B48%20600%20100%20200" "" "$OPX"
is "$STATUS:$(jq_body '.data | length')" "200:0" "duplicates endpoint: an operator without leads sees none"
cgi_run GET "/api/leads/duplicates?phone=600-100-200" "" "$PARTA"
is "$(jq_body '[.data[].id] | sort | join(",")')" "$(printf '%s\n' "$L_ADMIN" "$L_SUP" "$L_PART" "$L_MGR" "$L_EMP" | sort | paste -sd,)" \
	"duplicates endpoint: a partner sees its own partner's matches only"
cgi_run GET "/api/leads/duplicates" "" "$ADMIN"
is "$STATUS:$BODY" '200:{"data":[]}' "duplicates endpoint: nothing asked, nothing found"
cgi_run GET "/api/leads/duplicates?email=a%40b.pl" ""
is "$STATUS" 401 "duplicates endpoint: no token"
cgi_run GET "/api/leads/duplicates?email=a%40b.pl" "" "$AUD"
is "$(msg)" "403:Forbidden" "duplicates endpoint: AUDITOR is refused"

# --- GET /api/leads: a known set of leads ------------------------------------------------
psql_q 'DELETE FROM "ConsentRecord"; DELETE FROM "FinancingApplication"; DELETE FROM "VehicleCurrent";
	DELETE FROM "VehicleDesired"; DELETE FROM "CustomerProfile"; DELETE FROM "Lead"' >/dev/null
#       id                          partner       status          assigned  creator   min  first      last        email                phone
mk_lead cla1000000000000000000001 $PA          NEW             ""        $EMPA_ID  10   Anna       Nowak       anna@example.com     "+48 500 100 100"
mk_lead cla2000000000000000000001 $PA          FIRST_CONTACT   $OPX_ID   $EMPA2_ID 20   Piotr      Zieliński   piotr@example.com    "+48 500 100 200"
mk_lead cla3000000000000000000001 $PA          FOLLOW_UP       $OPA_ID   $OPA_ID   30   Ewa        Kowalska    ewa@firma.pl         ""
mk_lead clb1000000000000000000001 $PB          NEW             $OPA_ID   ""        40   Marek      Nowakowski  marek@example.com    "+48 500 100 300"
mk_lead clb2000000000000000000001 $PB          CLOSED_WON      $OPX_ID   ""        50   Julia      Wróbel      julia_w@example.com  ""
mk_lead clb3000000000000000000001 $PB          NEW             ""        ""        60   Adam       Mazur       adam%x@example.com   ""
mk_lead cls1000000000000000000001 seed-partner FIRST_CONTACT   $OP_ID    $OP_ID    70   Zofia      Dudek       zofia@example.com    "+48 600 700 800"
ALL="cla1000000000000000000001 cla2000000000000000000001 cla3000000000000000000001 clb1000000000000000000001 clb2000000000000000000001 clb3000000000000000000001 cls1000000000000000000001"

cgi_run GET /api/leads "" "$ADMIN"
is "$STATUS" 200 "list: ADMIN"
is "$(ids)" "$ALL" "list: ADMIN sees every lead, newest first"
is "$(jq_body '.meta | [.page, .perPage, .total, .totalPages] | map(tostring) | join(",")')" "1,20,7,1" "list: default page meta"
is "$(jq_body '.data[0] | keys | join(",")')" \
	"applicationForm,assignedUser,claimedAt,consentRecords,consentStatus,createdByUserId,customerProfile,id,insuranceOnboarding,lastContactAt,leadCreatedAt,nextActionAt,partner,partnerId,sla,status" \
	"list: the lead summary shape"
is "$(jq_body '.data[1] | [.assignedUser.id, .assignedUser.fullName, .partner.name, .customerProfile.lastName, .customerProfile.phone, (.applicationForm|tostring), (.insuranceOnboarding|tostring)] | join("|")')" \
	"$OPX_ID|Test OPERATOR|Alfa|Zieliński|+48 500 100 200|null|null" "list: summary relations"
is "$(jq_body '.data[0].assignedUser | tostring')" "null" "list: an unassigned lead has assignedUser null"
cgi_run GET /api/leads "" "$SUP"
is "$(jq_body .meta.total)" 7 "list: SUPERVISOR sees every lead"
cgi_run GET /api/leads "" "$PARTA"
is "$(ids)" "cla1000000000000000000001 cla2000000000000000000001 cla3000000000000000000001" "list: PARTNER sees its partner's leads"
cgi_run GET "/api/leads?partnerId=$PA" "" "$MGRA"
is "$(jq_body .meta.total)" 3 "list: PARTNER_MANAGER naming its own partner"
cgi_run GET "/api/leads?partnerId=$PB" "" "$PARTA"
is "$(msg)" "403:Cannot view leads for other partners" "list: a partner asking for another partner"
cgi_run GET "/api/leads?partnerId=$PB" "" "$EMPA"
is "$(msg)" "403:Cannot view leads for other partners" "list: an employee asking for another partner"
cgi_run GET /api/leads "" "$NOPART"
is "$(msg)" "403:Partner context is missing" "list: a partner user without partner"
cgi_run GET /api/leads "" "$EMPA"
is "$(ids)" "cla1000000000000000000001" "list: PARTNER_EMPLOYEE sees only the leads it created"
cgi_run GET /api/leads "" "$OPA"
is "$(ids)" "cla1000000000000000000001 cla2000000000000000000001 cla3000000000000000000001 clb1000000000000000000001" \
	"list: OPERATOR with a partner sees that partner's leads plus those assigned to it"
cgi_run GET "/api/leads?partnerId=$PA" "" "$OPA"
is "$(jq_body .meta.total)" 3 "list: OPERATOR with a partner filtering its own partner"
cgi_run GET "/api/leads?partnerId=$PB" "" "$OPA"
is "$(msg)" "403:Cannot view leads for other partners" "list: OPERATOR with a partner asking for another partner"
cgi_run GET /api/leads "" "$OPX"
is "$(ids)" "cla2000000000000000000001 clb2000000000000000000001" "list: OPERATOR without partner sees only its assigned leads"
cgi_run GET "/api/leads?partnerId=$PB" "" "$OPX"
is "$(ids)" "clb2000000000000000000001" "list: OPERATOR without partner may filter by partner"
cgi_run GET /api/leads "" "$OP"
is "$(ids)" "cls1000000000000000000001" "list: the seed operator sees its partner's lead"
cgi_run GET /api/leads "" "$AUD"
is "$(msg)" "403:Forbidden" "list: AUDITOR is refused"
cgi_run GET /api/leads ""
is "$(msg)" "401:Missing authorization header" "list: no token"

# Filters.
cgi_run GET "/api/leads?status=NEW,FIRST_CONTACT" "" "$ADMIN"
is "$(ids)" "cla1000000000000000000001 cla2000000000000000000001 clb1000000000000000000001 clb3000000000000000000001 cls1000000000000000000001" "list: status as a comma list"
cgi_run GET "/api/leads?status=NEW&status=CLOSED_WON" "" "$ADMIN"
is "$(ids)" "cla1000000000000000000001 clb1000000000000000000001 clb2000000000000000000001 clb3000000000000000000001" "list: status repeated"
cgi_run GET "/api/leads?status=FOLLOW_UP%2CCLOSED_WON&status=NEW" "" "$PARTA"
is "$(ids)" "cla1000000000000000000001 cla3000000000000000000001" "list: both forms at once, scoped"
cgi_run GET "/api/leads?status=" "" "$ADMIN"
is "$(jq_body .meta.total)" 7 "list: an empty status is no filter"
cgi_run GET "/api/leads?status=NEW,WON" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0] | (.path|map(tostring)|join(".")) + ":" + .code + ":" + .received')" "400:status.1:invalid_enum_value:WON" "list: an unknown status is 400"
cgi_run GET "/api/leads?partnerId=$PB" "" "$ADMIN"
is "$(ids)" "clb1000000000000000000001 clb2000000000000000000001 clb3000000000000000000001" "list: partnerId filter"
cgi_run GET "/api/leads?assignedUserId=$OPX_ID" "" "$ADMIN"
is "$(ids)" "cla2000000000000000000001 clb2000000000000000000001" "list: assignedUserId filter"
cgi_run GET "/api/leads?assigned=unassigned&assignedUserId=$OPX_ID" "" "$ADMIN"
is "$(ids)" "cla1000000000000000000001 clb3000000000000000000001" "list: assigned=unassigned wins over assignedUserId"
cgi_run GET "/api/leads?assigned=everyone" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "list: assigned takes only 'unassigned'"
cgi_run GET "/api/leads?search=nowak" "" "$ADMIN"
is "$(ids)" "cla1000000000000000000001 clb1000000000000000000001" "list: search is a case-insensitive substring of the last name"
cgi_run GET "/api/leads?search=%20%20ZOFIA%20" "" "$ADMIN"
is "$(ids)" "cls1000000000000000000001" "list: search is trimmed and matches first names"
cgi_run GET "/api/leads?search=firma.pl" "" "$ADMIN"
is "$(ids)" "cla3000000000000000000001" "list: search matches e-mails"
cgi_run GET "/api/leads?search=100%20200" "" "$ADMIN"
is "$(ids)" "cla2000000000000000000001" "list: search matches phones"
cgi_run GET "/api/leads?search=%25x" "" "$ADMIN"
is "$(ids)" "clb3000000000000000000001" "list: % in the search is a literal character"
cgi_run GET "/api/leads?search=_w" "" "$ADMIN"
is "$(ids)" "clb2000000000000000000001" "list: _ in the search is a literal character"
cgi_run GET "/api/leads?search=nowak&status=NEW&partnerId=$PB" "" "$ADMIN"
is "$(ids)" "clb1000000000000000000001" "list: search and filters combine"
cgi_run GET "/api/leads?search=nowak" "" "$PARTB"
is "$(ids)" "clb1000000000000000000001" "list: search stays within the actor's leads"
cgi_run GET "/api/leads?search=%20" "" "$ADMIN"
is "$(jq_body .meta.total)" 7 "list: a blank search is no filter"

# Pagination (§2.8).
cgi_run GET "/api/leads?perPage=2&page=2" "" "$ADMIN"
is "$(ids)|$(jq_body '.meta | [.page, .perPage, .total, .totalPages] | map(tostring) | join(",")')" \
	"cla3000000000000000000001 clb1000000000000000000001|2,2,7,4" "list: second page of two"
cgi_run GET "/api/leads?perPage=2&page=9" "" "$ADMIN"
is "$(jq_body '(.data | length | tostring) + "|" + (.meta.totalPages | tostring)')" "0|4" "list: a page past the end is empty with correct meta"
cgi_run GET "/api/leads?search=nobody-matches" "" "$ADMIN"
is "$(jq_body '(.data | length | tostring) + "|" + (.meta.total | tostring) + "|" + (.meta.totalPages | tostring)')" "0|0|1" "list: no result still has one page"
cgi_run GET "/api/leads?perPage=101" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_big" "list: perPage above 100"
cgi_run GET "/api/leads?page=0" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "list: page below 1"
cgi_run GET "/api/leads?page=abc" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Expected number, received nan" "list: page not a number"
cgi_run GET "/api/leads?perPage=1&perPage=2" "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:duplicate_keys" "list: other parameters may not repeat"

# consentStatus (§7.5): lead_creation templates TREQ (required) and TOPT (optional); the seeded
# financing_application ones count once a lead has a form or a financing record.
FIN_REQ=$(psql_q "SELECT id FROM \"ConsentTemplate\" WHERE \"formType\" = 'financing_application' AND \"consentType\" = 'PARTNER_DECLARATION'")
consent() { # LEAD TEMPLATE GIVEN [WITHDRAWN]
	psql_q "INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\", \"withdrawnAt\")
		SELECT 'cr' || md5(random()::text), id, \"consentType\", '$1', $3, version, content, $( [[ ${4-} == withdrawn ]] && echo 'now()' || echo NULL)
		FROM \"ConsentTemplate\" WHERE id = '$2'" >/dev/null
}
consent cla1000000000000000000001 $TREQ true
consent cla1000000000000000000001 $TOPT true
consent cla2000000000000000000001 $TREQ true
consent cla2000000000000000000001 $TOPT false
consent clb1000000000000000000001 $TREQ true withdrawn
consent clb1000000000000000000001 $TOPT true
consent clb2000000000000000000001 $TREQ true
consent clb2000000000000000000001 $TOPT true
psql_q "INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\")
	VALUES ('cformb2000000000000000001', 'clb2000000000000000000001', 'IN_PROGRESS', 'link-b2', 'hash')" >/dev/null
consent cls1000000000000000000001 $TREQ true
consent cls1000000000000000000001 $TOPT true
consent cls1000000000000000000001 $FIN_REQ true
statuses() { jq_body '[.data[] | .id[0:3] + "=" + .consentStatus] | join(" ")'; }
cgi_run GET /api/leads "" "$ADMIN"
is "$(statuses)" "cla=complete cla=incomplete cla=missing_required clb=missing_required clb=missing_required clb=missing_required cls=missing_required" \
	"consentStatus: complete, incomplete (optional missing), missing_required (none, withdrawn, form or financing records add their templates)"
is "$(jq_body '.data[4] | (.applicationForm | .id + ":" + .status) + "|" + (.consentRecords | length | tostring) + "|" + (.consentRecords[0].consentTemplate | keys | join(","))')" \
	"cformb2000000000000000001:IN_PROGRESS|2|formType,isRequired" "list: applicationForm and consentRecords in the summary"
psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = false WHERE \"formType\" = 'financing_application' AND \"consentType\" <> 'PARTNER_DECLARATION'" >/dev/null
cgi_run GET /api/leads "" "$ADMIN"
is "$(jq_body '.data[6].consentStatus')" complete "consentStatus: inactive templates do not count"
psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = false" >/dev/null
cgi_run GET /api/leads "" "$ADMIN"
is "$(statuses)" "cla=complete cla=complete cla=no_templates clb=complete clb=complete clb=no_templates cls=complete" \
	"consentStatus: without required templates, complete when something was given, else no_templates"
psql_q "UPDATE \"ConsentTemplate\" SET \"isActive\" = true" >/dev/null

# --- GET /api/leads/:id ---------------------------------------------------------------
D=cla3000000000000000000001
psql_q "UPDATE \"Lead\" SET notes = 'Tekst w kolumnie', \"sourceMetadata\" = '{\"source\":\"www\"}' WHERE id = '$D';
	INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content, \"createdAt\") VALUES
		('cnote10000000000000000001', '$D', '$OPA_ID', 'Pierwsza', now() - interval '2 hours'),
		('cnote20000000000000000001', '$D', NULL, 'Systemowa', now() - interval '1 hour');
	INSERT INTO \"LeadStatusHistory\" (id, \"leadId\", \"oldStatus\", \"newStatus\", \"changedById\", \"timestamp\", reason) VALUES
		('chist10000000000000000001', '$D', 'NEW', 'FIRST_CONTACT', '$OPA_ID', now() - interval '3 hours', NULL),
		('chist20000000000000000001', '$D', 'FIRST_CONTACT', 'FOLLOW_UP', NULL, now() - interval '1 hour', 'Automat');
	INSERT INTO \"AuditLog\" (id, \"leadId\", \"userId\", action, \"newValue\") VALUES ('caudit1000000000000000001', '$D', '$OPA_ID', 'status_change', '\"FOLLOW_UP\"');
	INSERT INTO \"Document\" (id, \"leadId\", type, \"filePath\", \"uploadedBy\", \"storageProvider\", \"storageKey\")
		VALUES ('cdoc100000000000000000001', '$D', 'id_card', '/uploads/$D/a.pdf', '$OPA_ID', 'disk', '/srv/secret/path/a.pdf');
	INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\", \"formData\", \"unlockHistory\", \"isClientActive\", \"lastClientActivity\")
		VALUES ('cform300000000000000000001', '$D', 'IN_PROGRESS', 'link-a3', 'hash-a3', '{\"pesel\":\"44051401359\"}', '[]', true, now() - interval '10 minutes');
	INSERT INTO \"VehicleDesired\" (id, \"leadId\", make, budget) VALUES ('cvd30000000000000000000001', '$D', 'Kia', 90000.50);
	INSERT INTO \"FinancingApplication\" (id, \"leadId\", bank, \"loanAmount\") VALUES ('cfin30000000000000000000001', '$D', 'PKO', 50000)" >/dev/null
consent $D $TREQ true
psql_q "UPDATE \"ConsentRecord\" SET \"ipAddress\" = '203.0.113.9', \"userAgent\" = 'UA', \"accessCodeHash\" = 'pin-hash', \"recordedByUserId\" = '$OPA_ID', \"partnerId\" = '$PA' WHERE \"leadId\" = '$D'" >/dev/null

cgi_run GET /api/leads/$D "" "$ADMIN"
is "$STATUS" 200 "detail: ADMIN"
is "$(jq_body 'keys | join(",")')" \
	"agreement,anonymizedAt,anonymizedById,applicationForm,assignedUser,assignedUserId,auditLogs,claimedAt,consentRecords,consentStatus,createdAt,createdByUserId,customerProfile,documents,financingApps,id,lastContactAt,leadCreatedAt,leadNotesText,mergedIntoId,nextActionAt,notes,offers,partner,partnerId,reminders,sla,sourceMetadata,status,statusHistory,updatedAt,vehicleCurrent,vehicleDesired" \
	"detail: every column and relation"
is "$(jq_body '[.id, .status, .partner.name, .assignedUser.email, .sourceMetadata.source, .leadNotesText, .customerProfile.lastName, (.customerProfile.alternateEmails|length|tostring), (.vehicleCurrent|tostring), .vehicleDesired.budget, .financingApps[0].loanAmount, (.agreement|tostring), (.offers|length|tostring), (.reminders|length|tostring), (.mergedIntoId|tostring), (.anonymizedAt|tostring)] | join("|")')" \
	"$D|FOLLOW_UP|Alfa|operator-a@example.com|www|Tekst w kolumnie|Kowalska|0|null|90000.5|50000|null|0|0|null|null" "detail: columns and relations"
is "$(jq_body '[.notes[] | .content + ":" + (.author.fullName // "system")] | join(",")')" "Systemowa:system,Pierwsza:Test OPERATOR" \
	"detail: notes newest first, with author (null for system notes)"
is "$(jq_body '[.statusHistory[] | .oldStatus + ">" + .newStatus + ":" + (.changedBy.email // "-") + ":" + (.reason // "-")] | join(",")')" \
	"FIRST_CONTACT>FOLLOW_UP:-:Automat,NEW>FIRST_CONTACT:operator-a@example.com:-" "detail: status history newest first with who changed it (FR-21)"
is "$(jq_body '.statusHistory[0] | [(.reasonCode|tostring), (.override|tostring)] | join("|")')" "null|false" "detail: status history carries the reason code and the override flag"
is "$(jq_body '[(.auditLogs|length|tostring), .auditLogs[0].user.email, .auditLogs[0].newValue] | join("|")')" "1|operator-a@example.com|FOLLOW_UP" "detail: audit log with users for staff"
is "$(jq_body '.documents[0] | [.filePath, (has("storageKey")|tostring)] | join("|")')" "/api/leads/$D/documents/cdoc100000000000000000001/download|false" \
	"detail: a stored file links the authorised download (SR-27); no storageKey, even for ADMIN"
is "$(jq_body '.applicationForm | [.formData.pesel, (.unlockHistory|tostring), (.isClientActive|tostring), .uniqueLink] | join("|")')" "44051401359|[]|false|link-a3" \
	"detail: staff see the form data; a stale client-activity flag is reported false"
is "$(psql_q "SELECT \"isClientActive\" FROM \"ApplicationForm\" WHERE \"leadId\" = '$D'")" f "detail: the stale flag is switched off (FR-26)"
is "$(jq_body '.consentRecords[0] | [.ipAddress, .userAgent, .consentTemplate.title, .recordedBy.email, .partner.name, (has("accessCodeHash")|tostring)] | join("|")')" \
	"203.0.113.9|UA|Oświadczenie|operator-a@example.com|Alfa|false" "detail: consent records with template, recorder and partner, never the PIN hash"
is "$(jq_body .consentStatus)" "missing_required" "detail: consentStatus (the form makes financing templates relevant)"
psql_q "UPDATE \"ApplicationForm\" SET \"isClientActive\" = true, \"lastClientActivity\" = now() WHERE \"leadId\" = '$D'" >/dev/null
cgi_run GET /api/leads/$D "" "$OPA"
is "$STATUS:$(jq_body '.applicationForm.isClientActive')" "200:true" "detail: a fresh client-activity flag stays on"

cgi_run GET /api/leads/$D "" "$PARTA"
is "$STATUS" 200 "detail: PARTNER of the lead's partner"
is "$(jq_body '[(.applicationForm|has("formData")|tostring), (.applicationForm|has("unlockHistory")|tostring), (.auditLogs|length|tostring), (.documents[0]|has("storageKey")|tostring), (.consentRecords[0].ipAddress|tostring), (.consentRecords[0].userAgent|tostring), .applicationForm.status, (.statusHistory|length|tostring), (.notes|length|tostring)] | join("|")')" \
	"false|false|0|false|null|null|IN_PROGRESS|2|2" "detail: partner roles get the reduced projection ([SEC] §4.5.3)"
is "$(jq_body '.applicationForm|has("uniqueLink")')" false "detail: partner roles do not get the client's form link (uniqueLink)"
psql_q "UPDATE \"ApplicationForm\" SET \"isClientActive\" = true, \"lastClientActivity\" = now() - interval '10 minutes' WHERE \"leadId\" = '$D'" >/dev/null
cgi_run GET /api/leads/$D "" "$PARTB"
is "$(msg)" "403:Access denied" "detail: another partner's lead"
is "$(psql_q "SELECT \"isClientActive\" FROM \"ApplicationForm\" WHERE \"leadId\" = '$D'")" t \
	"detail: a refused read writes nothing (the stale flag is left to a reader who may see the lead)"
psql_q "UPDATE \"ApplicationForm\" SET \"isClientActive\" = false WHERE \"leadId\" = '$D'" >/dev/null
cgi_run GET /api/leads/cla1000000000000000000001 "" "$EMPA2"
is "$(msg)" "403:Access denied" "detail: an employee reading a colleague's lead"
cgi_run GET /api/leads/cla2000000000000000000001 "" "$EMPA2"
is "$STATUS:$(jq_body '.applicationForm|tostring')" "200:null" "detail: an employee reading its own lead"
cgi_run GET /api/leads/clb2000000000000000000001 "" "$OPX"
is "$STATUS" 200 "detail: an operator reading a lead assigned to it"
cgi_run GET /api/leads/cls1000000000000000000001 "" "$OPX"
is "$(msg)" "403:Access denied" "detail: an operator reading someone else's lead"
cgi_run GET /api/leads/cnosuchlead00000000000001 "" "$ADMIN"
is "$(msg)" "404:Lead not found" "detail: unknown lead"
cgi_run GET /api/leads/doesnotexist "" "$ADMIN"
is "$(msg)" "404:Lead not found" "detail: an id that is no cuid is just not found (spec §4.6)"
cgi_run GET /api/leads/$D ""
is "$STATUS" 401 "detail: no token"
cgi_run GET /api/leads/$D "" "$AUD"
is "$(msg)" "403:Forbidden" "detail: AUDITOR is refused"

# The lead counters behind the list's totals follow every kind of change to leads.
lc_diff() {
	psql_q "SELECT (SELECT count(*) FROM (SELECT \"partnerId\", coalesce(\"assignedUserId\", '') a, status, count(*) n
		FROM \"Lead\" GROUP BY 1, 2, 3) l FULL JOIN (SELECT * FROM \"LeadCount\" WHERE n <> 0) k
		ON k.\"partnerId\" = l.\"partnerId\" AND k.\"assignedUserId\" = l.a AND k.status = l.status
		WHERE l.n IS DISTINCT FROM k.n)
		+ (SELECT count(*) FROM (SELECT \"partnerId\", coalesce(\"assignedUserId\", '') a, coalesce(\"createdByUserId\", '') c, status, count(*) n
		FROM \"Lead\" GROUP BY 1, 2, 3, 4) l FULL JOIN (SELECT * FROM \"LeadCountByCreator\" WHERE n <> 0) k
		ON k.\"partnerId\" = l.\"partnerId\" AND k.\"assignedUserId\" = l.a AND k.\"createdByUserId\" = l.c AND k.status = l.status
		WHERE l.n IS DISTINCT FROM k.n)"
}
psql_q "UPDATE \"Lead\" SET status = 'FOLLOW_UP', \"assignedUserId\" = '$OPX_ID' WHERE id IN ('cla1000000000000000000001', 'clb3000000000000000000001');
	UPDATE \"Lead\" SET \"partnerId\" = '$PB' WHERE id = 'cla2000000000000000000001';
	UPDATE \"Lead\" SET notes = 'bez zmiany grupy' WHERE id = 'clb1000000000000000000001'" >/dev/null
is "$(lc_diff)" 0 "lead counters: exact after inserts, deletes and updates"
cgi_run GET "/api/leads?assignedUserId=$OPX_ID&status=FOLLOW_UP" "" "$ADMIN"
is "$(jq_body .meta.total):$(ids)" "2:cla1000000000000000000001 clb3000000000000000000001" "list: totals follow updates"
cgi_run GET /api/leads "" "$OPX"
is "$(jq_body .meta.total)" 4 "list: an operator's total follows assignments"
cgi_run GET /api/leads "" "$EMPA"
is "$(jq_body .meta.total):$(ids)" "1:cla1000000000000000000001" "list: an employee's total counts only its own leads"
psql_q "DELETE FROM \"User\" WHERE id = '$EMPA2_ID'" >/dev/null
is "$(lc_diff)" 0 "lead counters: exact after a deleted creator's leads lose it (ON DELETE SET NULL)"
psql_q "UPDATE \"Partner\" SET id = 'cpartnergamma000000000001' WHERE id = '$PB'" >/dev/null
is "$(lc_diff):$(psql_q "SELECT sum(n) FROM \"LeadCount\" WHERE \"partnerId\" = 'cpartnergamma000000000001'")" "0:4" \
	"lead counters: exact after a partner id changes (ON UPDATE CASCADE)"

# A revoked session is refused on the very next list, search and detail request (no cache
# of sessions anywhere on the read path, issue 15).
REV=$(login partner-a@example.com)
cgi_run GET /api/leads "" "$REV"
is "$STATUS" 200 "revocation: the fresh session reads the list"
psql_q "UPDATE \"Session\" SET \"revokedAt\" = now(), \"revokeReason\" = 'test'
	WHERE \"userId\" = '$PARTA_ID' AND \"revokedAt\" IS NULL
	  AND \"createdAt\" = (SELECT max(\"createdAt\") FROM \"Session\" WHERE \"userId\" = '$PARTA_ID')" >/dev/null
cgi_run GET /api/leads "" "$REV"
is "$STATUS" 401 "revocation: the next list request is refused"
cgi_run GET "/api/leads?search=Kowal" "" "$REV"
is "$STATUS" 401 "revocation: a search is refused"
cgi_run GET /api/leads/$D "" "$REV"
is "$STATUS" 401 "revocation: a detail is refused"
cgi_run GET /api/leads/$D "" "$PARTA"
is "$STATUS" 200 "revocation: the user's other session still reads"

! grep -E '44051401359|Kowalska|anna@example.com|create-admin@example.com' "$CGI_LOG" >/dev/null
ok $? "no PESEL, names or e-mails in the program's log (SR-35)"

t_done
