#!/usr/bin/env bash
# Per-binary tests of cgi-bin/forms: link generation by staff (spec/api.md
# §4.6.9 with SR-17/SR-18), the server-side PIN gate with its limits and the
# client session (§4.8.2, §7.8), the client endpoints behind that session
# (read, autosave, heartbeat and the staff client-active guard, consents,
# submit; §4.8, SR-20) and the supervisor's unlock (§4.8.6, FR-51).  Run as
# plain CGI against a private PostgreSQL; fixed times are set with SQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-forms
CGI_LOG=$T_VAR/log/forms-cgi.log
mkdir -p "$T_VAR/log"

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.code // .message // empty')"; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
form_of() { psql_q "SELECT id FROM \"ApplicationForm\" WHERE \"leadId\" = '$1'"; }
outbox() { psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = '$1' AND channel = '$2'${3:+ AND $3}"; }
# verify TOKEN CODE [IP]: the PIN gate; COOKIE holds the session cookie it set.
verify() {
	CGI_REMOTE_ADDR=${3:-198.51.100.7} cgi_run POST /api/application-forms/verify-access \
		"$(jq -cn --arg t "$1" --arg c "$2" '{token:$t,code:$c}')"
	COOKIE=$(header Set-Cookie | sed -n 's/^\(izzy_form=[0-9a-f]*\);.*/\1/p')
}
# client METHOD PATH [BODY]: a client call with the session cookie in SESS.
client() { CGI_COOKIE=$SESS cgi_run "$@"; }
token_of() { jq_body .link | sed 's/.*#//'; }
# A complete, valid formData of the six steps (spec/frontend.md §8.3–8.5).
FULL='{"pesel":"44051401359","gender":"M","firstName":"Jan","lastName":"Kowalski","mobilePhone":"+48 600 100 234","email":"jan1@example.com","birthDate":"1944-05-14","birthPlace":"Kraków","countryOfBirth":"Polska","citizenship":"polskie","nationality":"polska","maidenName":"Kowalski","mothersMaidenName":"Nowak","maritalStatus":"married","childrenCount":"2","isTaxResident":true,"documentType":"id_card","documentNumber":"ABC123456","issueDate":"2020-01-15","expiryDate":"2099-01-15","education":"higher","registeredStreet":"Długa 1/2","registeredPostalCode":"30-001","registeredCity":"Kraków","registeredPostOffice":"Kraków","isResidentialSameAsRegistered":true,"residentialStreet":"Długa 1/2","residentialPostalCode":"30-001","residentialCity":"Kraków","residentialPostOffice":"Kraków","addressFrom":"2010-05","incomeSource":"umowa o pracę","employmentSince":"2015-03","profession":"inżynier","position":"kierownik","employmentSector":"prywatny","totalWorkExperience":"20 lat","workplaceType":"spółka","employerName":"ACME sp. z o.o.","employerPhone":"12 345 67 89","employerStreet":"Krótka 5","employerPostalCode":"31-002","employerCity":"Kraków","employerPostOffice":"Kraków","employerNip":"526-104-08-28","employerRegon":"123456785","mainIncome":"8000","otherIncome":"","housingFees":"900","otherLivingCosts":"1500","loanInstallments":"0","cardLimits":"0","otherFinancialLiabilities":"0","consents":[]}'
# save DATA [STEP]: an autosave of DATA (a JSON object) with the session in SESS.
save() { client PATCH "/api/application-forms/$F1" "{\"formData\":$1,\"currentStep\":${2:-2},\"completionPercent\":17}"; }
# issue KEY: the message of the issue on formData.KEY in the last answer.
issue() { jq_body "[.issues[]? | select(.path == [\"formData\",\"$1\"]) | .message][0] // empty"; }
# rejects KEY JSON-VALUE MESSAGE-REGEX: a step rule refuses the value on autosave.
rejects() {
	save "$(jq -c --arg k "$1" --argjson v "$2" '{($k): $v}' <<<'{}')"
	like "$STATUS:$(issue "$1")" "^400:$3" "$1 = $2 is refused: $3"
}
consents_all() {
	psql_q "SELECT json_agg(json_build_object('consentTemplateId', id, 'version', version, 'consentGiven', true) ORDER BY \"consentType\")
		FROM \"ConsentTemplate\" WHERE \"formType\" = 'financing_application' AND id = izzy_consent_current(\"consentType\", \"formType\")"
}

mk_user csupervisor00000000000001 sup@example.com SUPERVISOR - ACTIVE
OP_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
SUP=$(login sup@example.com)
[[ -n $ADMIN && -n $OP && -n $SUP ]] || t_bail "cannot log in the test users"
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Other Partner')" >/dev/null
# mk_lead ID PARTNER ASSIGNED|- PHONE|- EMAIL|-
mk_lead() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\") VALUES ('$1', '$2', 'NEW', $(sqlv "$3"));
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		VALUES ('cp$1', '$1', 'Jan', 'Kowalski', $(sqlv "$5"), $(sqlv "$4"))" >/dev/null
}
L1=cleadforms00000000000001
L2=cleadforms00000000000002
L3=cleadforms00000000000003
L4=cleadforms00000000000004
mk_lead "$L1" seed-partner "$OP_ID" '+48 600 100 234' jan1@example.com
mk_lead "$L2" other-partner - - jan2@example.com
mk_lead "$L3" seed-partner "$OP_ID" '600100999' -
mk_lead "$L4" seed-partner "$OP_ID" '600100555' jan4@example.com

# --- link generation (staff) ---------------------------------------------------------------
CGI_PROG=forms
cgi_run POST "/api/leads/$L1/application-form" '{}'
is "$STATUS" 401 "link generation needs a login"
cgi_run POST "/api/leads/$L2/application-form" '{}' "$OP"
like "$STATUS" '^(403|404)$' "an operator cannot generate a link on a lead outside their scope"
cgi_run POST "/api/leads/$L1/application-form" '{"expiresInDays":31}' "$OP"
is "$STATUS" 400 "expiresInDays is 1-30"
cgi_run POST "/api/leads/$L1/application-form" '{"accessCode":"12"}' "$OP"
is "$STATUS" 400 "an explicit code has 4-32 characters"
cgi_run POST "/api/leads/$L2/application-form" '{}' "$ADMIN"
is "$(msg)" "422:MISSING_PHONE" "no phone and no code: the default PIN cannot be used"

cgi_run POST "/api/leads/$L1/application-form" '{}' "$OP"
is "$STATUS" 201 "an operator generates the link"
F1=$(jq_body .applicationFormId)
T1=$(token_of)
LINK=$(jq_body .link)
is "$F1" "$(form_of "$L1")" "the answer names the lead's form"
like "$LINK" '^https?://[^#]*/client-form#[0-9a-f]{48}$' "the link carries only a 192-bit token"
[[ $LINK != *"$F1"* && $LINK != *"$L1"* && $LINK != *0234* ]]
ok $? "no form id, lead id or PIN in the link"
is "$(jq_body '.accessCode')" null "the default PIN is not echoed"
like "$(jq_body .expiresAt)" '^20[0-9-]+T[0-9:.]+Z$' "expiresAt as an ISO timestamp"
is "$(psql_q "SELECT \"uniqueLink\" FROM \"ApplicationForm\" WHERE id = '$F1'")" "$(sha "$T1")" "the token is stored as its SHA-256"
like "$(psql_q "SELECT \"accessCodeHash\" FROM \"ApplicationForm\" WHERE id = '$F1'")" '^\$2b\$12\$' "the PIN is stored as a bcrypt hash"
is "$(psql_q "SELECT round(extract(epoch FROM \"linkExpiresAt\" - now()) / 86400)::int FROM \"ApplicationForm\" WHERE id = '$F1'")" 7 "7 days by default"
is "$(outbox "$L1" EMAIL)" 1 "the link mail is queued"
is "$(outbox "$L1" EMAIL "\"bodyText\" LIKE '%$T1%' AND \"bodyText\" LIKE '%4 ostatnie cyfry%' AND \"bodyText\" NOT LIKE '%0234%'")" 1 \
	"the mail has the link and says the PIN is the phone's last 4 digits, not the PIN (SR-18)"
is "$(psql_q "SELECT count(*) FROM \"EmailLog\" WHERE \"applicationFormId\" = '$F1' AND type = 'LINK_SENT' AND \"sentTo\" = 'jan1@example.com'")" 1 "EmailLog LINK_SENT"
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$L1' AND content LIKE 'Wygenerowano link do formularza%'")" 1 "a note on the lead"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'APPLICATION_FORM_CREATED'")" 1 "audited"

# an explicit code goes by the other channel
cgi_run POST "/api/leads/$L4/application-form" '{"accessCode":"9876","expiresInDays":3}' "$OP"
is "$STATUS:$(jq_body .accessCode)" "201:9876" "an explicit code is returned to the operator"
F4=$(jq_body .applicationFormId)
T4=$(token_of)
is "$(outbox "$L4" EMAIL "\"bodyText\" LIKE '%$T4%' AND \"bodyText\" NOT LIKE '%9876%'")" 1 "the mail has the link without the code"
is "$(outbox "$L4" SMS "\"bodyText\" LIKE '%9876%' AND \"bodyText\" NOT LIKE '%$T4%'")" 1 "the SMS has the code without the link"
cgi_run POST "/api/leads/$L3/application-form" '{}' "$OP"
F3=$(jq_body .applicationFormId)
T3=$(token_of)
is "$(outbox "$L3" SMS "\"bodyText\" LIKE '%$T3%' AND \"bodyText\" LIKE '%4 ostatnie cyfry%'")" 1 "no e-mail: the link goes by SMS with the hint"

# --- the PIN gate ----------------------------------------------------------------------------
verify "$T1" 1111
is "$(msg)" "401:INVALID_CODE" "a wrong PIN is refused"
is "$COOKIE" "" "and opens no session"
verify "0000000000000000000000000000000000000000000000ff" 0234
is "$(msg)" "401:INVALID_CODE" "an unknown token is refused the same way"
verify "$T1" 0234
is "$STATUS:$(jq_body .applicationFormId)" "200:$F1" "the right PIN opens the form"
SC=$(header Set-Cookie)
like "$SC" 'Path=/api/application-forms;' "the cookie is limited to the form API"
like "$SC" 'HttpOnly' "HttpOnly"
like "$SC" 'SameSite=Strict' "SameSite=Strict"
S1=$COOKIE
is "$(psql_q "SELECT count(*) FROM \"ClientSession\" WHERE \"applicationFormId\" = '$F1' AND \"tokenHash\" = '$(sha "${S1#izzy_form=}")'")" 1 \
	"the session is stored by its hash only"
is "$(psql_q "SELECT string_agg(e->>'success' || '/' || (e->>'ipAddress') || '/' || (e->>'userAgent'), ',') FROM \"ApplicationForm\", jsonb_array_elements(\"unlockHistory\") e WHERE id = '$F1'")" \
	"false/198.51.100.7/izzy-cgi-test,true/198.51.100.7/izzy-cgi-test" "every attempt is logged with IP and user agent"
is "$(psql_q "SELECT count(*) FROM \"ApplicationForm\" WHERE id = '$F1' AND (\"unlockHistory\"::text LIKE '%1111%' OR \"unlockHistory\"::text LIKE '%0234%')")" 0 "never the code"

# lockout: 5 failures from one address
for i in 1 2 3 4 5; do verify "$T3" 1111 203.0.113.1; done
is "$(msg)" "401:INVALID_CODE" "five wrong PINs are refused one by one"
verify "$T3" 0999 203.0.113.1
is "$(msg)" "429:TOO_MANY_ATTEMPTS" "the sixth attempt from that address is refused even with the right PIN"
like "$(header Retry-After)" '^[1-9][0-9]*$' "with Retry-After"
is "$COOKIE" "" "and no session"
verify "$T4" 9876 203.0.113.1
is "$(msg)" "429:TOO_MANY_ATTEMPTS" "the address is locked out for other forms too"
# lockout: 5 failures for one form from five addresses
psql_q "DELETE FROM \"RateLimit\"" >/dev/null
for i in 1 2 3 4 5; do verify "$T3" 1111 "203.0.113.1$i"; done
verify "$T3" 0999 203.0.113.99
is "$(msg)" "429:TOO_MANY_ATTEMPTS" "five failures for one form from five addresses lock the form"
verify "$T4" 9876 203.0.113.99
is "$STATUS" 200 "a fresh address opens another form"
S4=$COOKIE
psql_q "DELETE FROM \"RateLimit\"" >/dev/null
verify "$T3" 0999 203.0.113.50
is "$STATUS" 200 "after the window the right PIN works"
S3=$COOKIE

# --- client endpoints behind the session --------------------------------------------------------
SESS=""
client GET "/api/application-forms/$F1"
is "$STATUS" 401 "no session: 401"
SESS=$S4
client GET "/api/application-forms/$F1"
is "$STATUS" 403 "another form's session: 403"
client PATCH "/api/application-forms/$F1" '{"formData":{"pesel":"1"},"currentStep":2,"completionPercent":17}'
is "$STATUS" 403 "another form's session cannot save"
SESS=$S1
client GET "/api/application-forms/bad"
is "$STATUS" 400 "a form id that is no cuid: 400"
client GET "/api/application-forms/$F1"
is "$STATUS:$(jq_body '[.id, .status, .currentStep] | map(tostring) | join(",")')" "200:$F1,DRAFT,1" "the client reads the form"
[[ $BODY != *accessCodeHash* && $BODY != *uniqueLink* ]]
ok $? "without the hashes"

client PATCH "/api/application-forms/$F1" '{"formData":[],"currentStep":2,"completionPercent":17}'
is "$STATUS" 400 "formData must be an object"
client PATCH "/api/application-forms/$F1" '{"formData":{},"currentStep":7,"completionPercent":17}'
is "$STATUS" 400 "currentStep is 1-6"
client PATCH "/api/application-forms/$F1" '{"formData":{},"currentStep":2,"completionPercent":"x"}'
is "$STATUS" 400 "completionPercent is a number"
big=$(head -c 600000 /dev/zero | tr '\0' 'a')
client PATCH "/api/application-forms/$F1" "{\"formData\":{\"x\":\"$big\"},\"currentStep\":2,\"completionPercent\":17}"
is "$STATUS" 400 "formData over 512 KiB is refused"
client PATCH "/api/application-forms/$F1" '{"formData":{"firstName":"Jan","childrenCount":2},"currentStep":2,"completionPercent":17}'
is "$STATUS" 200 "autosave"
like "$(jq_body .lastAutoSave)" 'Z$' "answers lastAutoSave"
is "$(psql_q "SELECT status || ',' || \"currentStep\" || ',' || \"completionPercent\" || ',' || (\"formData\"->>'firstName') FROM \"ApplicationForm\" WHERE id = '$F1'")" \
	"IN_PROGRESS,2,17,Jan" "progress and data stored"


# --- the six steps' rules on the server (FR-48, SR-19) ---------------------------------------
BEFORE=$(psql_q "SELECT \"lastAutoSave\" || ',' || \"formData\"::text FROM \"ApplicationForm\" WHERE id = '$F1'")
rejects pesel '"4405140135"' 'PESEL musi mieć 11 cyfr'
rejects pesel '"44051401358"' 'Nieprawidłowy numer PESEL'
rejects pesel '"99022900007"' 'Nieprawidłowy numer PESEL'
rejects pesel '"99210100008"' 'Nieprawidłowy numer PESEL'
rejects gender '"X"' 'Płeć musi mieć wartość M lub K'
save '{"pesel":"44051401359","birthDate":"1944-05-15","gender":"K"}' 1
is "$STATUS:$(issue birthDate):$(issue gender)" "400:Data urodzenia nie zgadza się z numerem PESEL:Płeć nie zgadza się z numerem PESEL" \
	"birth date and sex must agree with the PESEL"
rejects mobilePhone '"12-34"' 'Wpisz poprawny numer telefonu'
rejects email '"jan@"' 'Nieprawidłowy format email'
rejects maritalStatus '"complicated"' 'Wybierz jedną z dostępnych wartości'
rejects childrenCount '"-1"' 'Liczba dzieci nie może być ujemna'
rejects isTaxResident '"tak"' 'Nieprawidłowy typ wartości'
rejects firstName "\"$(printf 'a%.0s' {1..201})\"" 'Wartość jest za długa'
rejects lastName '"Kowal\u0001ski"' 'Wartość zawiera niedozwolone znaki'
rejects documentType '"driving_licence"' 'Wybierz jedną z dostępnych wartości'
save '{"documentType":"passport","documentNumber":"ABC123456"}' 2
like "$STATUS:$(issue documentNumber)" '^400:Nieprawidłowy numer dokumentu' "the document number follows its type"
rejects issueDate '"2024-02-30"' 'Nieprawidłowa data'
rejects issueDate '"2999-01-01"' 'Data nie może być z przyszłości'
rejects expiryDate '"2001-01-01"' 'Dokument stracił ważność'
save '{"issueDate":"2020-05-01","expiryDate":"2019-05-01"}' 2
like "$STATUS:$(issue expiryDate)" '^400:(Dokument stracił ważność|Data ważności musi być późniejsza)' "expiry before issue is refused"
save '{"issueDate":"2020-05-01","expiryDate":"2020-04-01"}' 2
is "$STATUS" 400 "expiry before issue is refused"
save '{"issueDate":"2030-05-01","expiryDate":"2029-05-01"}' 2
like "$(issue expiryDate)" 'Data ważności musi być późniejsza niż data wydania' "the expiry must follow the issue date"
rejects education '"phd"' 'Wybierz jedną z dostępnych wartości'
rejects registeredPostalCode '"30001"' 'Nieprawidłowy kod pocztowy'
rejects residentialPostalCode '"3-0001"' 'Nieprawidłowy kod pocztowy'
rejects addressFrom '"2999-01"' 'Data nie może być z przyszłości'
rejects employmentSince '"2015-13"' 'Nieprawidłowy miesiąc'
rejects employmentSince '"2999-01"' 'Data nie może być z przyszłości'
rejects employerNip '"526-104-08-27"' 'Nieprawidłowy NIP'
rejects employerRegon '"123456784"' 'Nieprawidłowy REGON'
rejects employerPostalCode '"31 002"' 'Nieprawidłowy kod pocztowy'
rejects mainIncome '"0"' 'Główne dochody są wymagane'
rejects housingFees '"-5"' 'Wartość nie może być ujemna'
rejects cardLimits '"dużo"' 'Podaj kwotę'
rejects consents '[{"templateId":"x","version":1,"given":"yes"}]' 'Nieprawidłowy zapis zgód'
rejects accessCodeHash '"x"' 'Nieznane pole formularza'
is "$(psql_q "SELECT \"lastAutoSave\" || ',' || \"formData\"::text FROM \"ApplicationForm\" WHERE id = '$F1'")" "$BEFORE" "no refused autosave wrote anything"
save '{"pesel":"44051401359","birthDate":"1944-05-14","gender":"M","registeredPostalCode":"30-001","employerNip":"5261040828","mainIncome":"4500,50","childrenCount":0}' 1
is "$STATUS" 200 "a partial autosave checks only what is present"
save "$FULL" 2
is "$STATUS" 200 "the complete form saves"

# nothing written without a valid session
SAVED=$(psql_q "SELECT \"lastAutoSave\" FROM \"ApplicationForm\" WHERE id = '$F1'")
psql_q "UPDATE \"ClientSession\" SET \"lastSeenAt\" = now() - interval '31 minutes' WHERE \"applicationFormId\" = '$F1'" >/dev/null
client PATCH "/api/application-forms/$F1" '{"formData":{},"currentStep":3,"completionPercent":33}'
is "$STATUS" 401 "a session idle for 30 minutes is over"
psql_q "UPDATE \"ClientSession\" SET \"lastSeenAt\" = now(), \"expiresAt\" = now() - interval '1 second' WHERE \"applicationFormId\" = '$F1'" >/dev/null
client GET "/api/application-forms/$F1"
is "$STATUS" 401 "so is one past its absolute cap"
psql_q "UPDATE \"ClientSession\" SET \"expiresAt\" = now() + interval '1 hour' WHERE \"applicationFormId\" = '$F1'" >/dev/null
psql_q "UPDATE \"ApplicationForm\" SET \"linkExpiresAt\" = now() - interval '1 minute' WHERE id = '$F1'" >/dev/null
client PATCH "/api/application-forms/$F1" '{"formData":{},"currentStep":3,"completionPercent":33}'
is "$(msg)" "410:LINK_EXPIRED" "an expired link: 410 LINK_EXPIRED on autosave"
client POST "/api/application-forms/$F1/heartbeat"
is "$(msg)" "410:LINK_EXPIRED" "and on heartbeat"
verify "$T1" 0234
is "$(msg)" "410:LINK_EXPIRED" "and on verify-access"
is "$(psql_q "SELECT \"lastAutoSave\" || ',' || \"currentStep\" FROM \"ApplicationForm\" WHERE id = '$F1'")" "$SAVED,2" "nothing was written"
psql_q "UPDATE \"ApplicationForm\" SET \"linkExpiresAt\" = now() + interval '1 day', \"isClientActive\" = false WHERE id = '$F1'" >/dev/null

# heartbeat and the staff guard
CGI_PROG=leads cgi_run POST "/api/leads/$L1/notes" '{"content":"przed"}' "$OP"
is "$STATUS" 201 "an operator writes while the client is away"
CGI_PROG=forms
client POST "/api/application-forms/$F1/heartbeat"
is "$STATUS:$(jq_body .active)" "200:true" "heartbeat"
is "$(psql_q "SELECT \"isClientActive\" AND \"lastClientActivity\" > now() - interval '1 minute' AND \"clientActiveSince\" IS NOT NULL FROM \"ApplicationForm\" WHERE id = '$F1'")" t \
	"the heartbeat marks the client active"
CGI_PROG=leads cgi_run POST "/api/leads/$L1/notes" '{"content":"w trakcie"}' "$OP"
is "$(msg)" "409:CLIENT_ACTIVE" "the operator's write gets 409 CLIENT_ACTIVE while the client is active"
CGI_PROG=forms

# consents and submit
client POST "/api/application-forms/$F1/submit" '{}'
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "no submit without the required consents"
ALL=$(consents_all)
REQ=$(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE \"formType\" = 'financing_application' AND \"isRequired\" AND id = izzy_consent_current(\"consentType\", \"formType\")")
[[ $REQ -ge 1 ]] || t_bail "no required financing_application template in the seed"
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$(jq -c 'map(.consentGiven = false)' <<<"$ALL")}"
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "a refused required consent is refused"
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$(jq -c 'map(del(.consentGiven))' <<<"$ALL")}"
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "nothing is implied (no pre-ticking)"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"applicationFormId\" = '$F1'")" 0 "and nothing was recorded"
SESS=$S4
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$STATUS" 403 "another form's session cannot record consents"
SESS=$S1
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$STATUS:$(jq_body '.records | length')" "201:$(jq length <<<"$ALL")" "the client records the consents"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"applicationFormId\" = '$F1' AND \"consentMethod\" = 'ONLINE_FORM' AND \"ipAddress\" = '192.0.2.10' AND \"userAgent\" = 'izzy-cgi-test' AND \"clientSessionId\" IS NOT NULL AND \"recordedByUserId\" IS NULL")" \
	"$(jq length <<<"$ALL")" "with IP, user agent and the client session"
client POST "/api/application-forms/$F1/submit" '{"formData":{"firstName":"Jan","lastName":"Kowalski"}}'
is "$STATUS:$(issue pesel):$(issue employerName):$(issue mainIncome)" "400:PESEL jest wymagany:Nazwa pracodawcy jest wymagana:Główne dochody są wymagane" \
	"submit requires every required field of the six steps"
is "$(issue employerNip)" "" "but not the optional ones"
client POST "/api/application-forms/$F1/submit" "{\"formData\":$(jq -c '.isResidentialSameAsRegistered = false | del(.residentialStreet)' <<<"$FULL")}"
is "$STATUS:$(issue residentialStreet)" "400:Ulica zamieszkania jest wymagana" "a different residential address must be given"
is "$(psql_q "SELECT status FROM \"ApplicationForm\" WHERE id = '$F1'")" IN_PROGRESS "an incomplete submit changes nothing"
client POST "/api/application-forms/$F1/submit" "{\"formData\":$(jq -c '.lastName = "Kowalski"' <<<"$FULL")}"
is "$STATUS:$(jq_body .status)" "200:SUBMITTED" "submit"
SUBMITTED_AT=$(jq_body .submittedAt)
is "$(psql_q "SELECT (\"formData\"->>'lastName') || ',' || \"isClientActive\" || ',' || \"submittedByClient\" FROM \"ApplicationForm\" WHERE id = '$F1'")" "Kowalski,false,true" "data stored, client inactive"
is "$(outbox "$L1" WEBHOOK "template = 'application.ready_for_review' AND payload->>'applicationFormId' = '$F1'")" 1 "the ready-for-review event is queued"
client POST "/api/application-forms/$F1/submit" '{"formData":{"lastName":"Inny"}}'
is "$STATUS:$(jq_body .status):$(jq_body .submittedAt)" "200:SUBMITTED:$SUBMITTED_AT" "a second submit is a no-op"
is "$(psql_q "SELECT \"formData\"->>'lastName' FROM \"ApplicationForm\" WHERE id = '$F1'")" Kowalski "nothing changed"
is "$(outbox "$L1" WEBHOOK)" 1 "the event is queued once"
client PATCH "/api/application-forms/$F1" '{"formData":{},"currentStep":3,"completionPercent":33}'
is "$STATUS" 409 "no autosave after submit"
client POST "/api/application-forms/$F1/heartbeat"
is "$STATUS:$(jq_body .active)" "200:false" "the heartbeat stops after submit"
CGI_PROG=leads cgi_run POST "/api/leads/$L1/notes" '{"content":"po"}' "$OP"
is "$STATUS" 201 "the operator may write again"
CGI_PROG=forms

# --- unlock --------------------------------------------------------------------------------------
cgi_run POST "/api/application-forms/$F1/unlock" '{"reason":"Poprawka danych"}' "$OP"
is "$STATUS" 403 "operators cannot unlock"
cgi_run POST "/api/application-forms/cnosuchform0000000000001/unlock" '{}' "$SUP"
is "$(msg)" "404:Application form not found" "unknown form: 404"
psql_q "UPDATE \"Lead\" SET \"anonymizedAt\" = now() WHERE id = '$L1'" >/dev/null
cgi_run POST "/api/application-forms/$F1/unlock" '{}' "$SUP"
is "$(msg)" "409:Lead is anonymized" "an anonymised lead's form is not unlocked"
psql_q "UPDATE \"Lead\" SET \"anonymizedAt\" = NULL WHERE id = '$L1'" >/dev/null
cgi_run POST "/api/application-forms/$F1/unlock" '{"reason":"Poprawka danych"}' "$SUP"
is "$STATUS:$(jq_body .status):$(jq_body .leadId)" "200:UNLOCKED:$L1" "a supervisor unlocks"
T1B=$(token_of)
[[ -n $T1B && $T1B != "$T1" ]]
ok $? "with a new token"
is "$(psql_q "SELECT (\"unlockHistory\"->-1->>'unlockedBy') || ',' || (\"unlockHistory\"->-1->>'reason') || ',' || (\"unlockHistory\"->-1->'unlockedByUser'->>'email') FROM \"ApplicationForm\" WHERE id = '$F1'")" \
	"csupervisor00000000000001,Poprawka danych,sup@example.com" "a history entry"
is "$(psql_q "SELECT count(*) FROM \"LeadNote\" WHERE \"leadId\" = '$L1' AND content LIKE 'Formularz odblokowany%Powód: Poprawka danych%'")" 1 "a note"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L1' AND action = 'APPLICATION_FORM_UNLOCK'")" 1 "audited"
is "$(outbox "$L1" EMAIL "template = 'form_unlocked' AND \"bodyText\" LIKE '%$T1B%'")" 1 "the new link is mailed"
client GET "/api/application-forms/$F1"
is "$STATUS" 401 "the old session is revoked"
verify "$T1" 0234
is "$(msg)" "401:INVALID_CODE" "the old link no longer works"
verify "$T1B" 0234
is "$STATUS" 200 "the new link opens with the same PIN"
SESS=$COOKIE
client POST "/api/application-forms/$F1/submit" '{}'
is "$(msg)" "422:REQUIRED_CONSENT_MISSING" "after an unlock the client must consent again"
# an outdated template version: 409 with the current one, then success after a re-fetch
REQ1=$(jq -r '.[0].consentTemplateId' <<<"$ALL")
CGI_PROG=consents cgi_run PUT "/api/consent-templates/$REQ1" '{"content":"Nowa treść zgody, wersja 2."}' "$ADMIN"
is "$STATUS" 200 "the admin publishes a new version of a consent"
CGI_PROG=forms
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$(msg):$(header Retry-After)" "409:TEMPLATE_OUTDATED:0" "answers to the old version: 409 TEMPLATE_OUTDATED"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"applicationFormId\" = '$F1'")" "$(jq length <<<"$ALL")" "nothing recorded"
# a forged snapshot text: refused, the stored text is always the template's
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$(jq -c 'map(.consentText = "Zgadzam się na wszystko")' <<<"$(consents_all)")}"
is "$STATUS" 400 "a client-supplied consent text is refused"
ALL=$(consents_all)
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$STATUS" 201 "re-consent adds records"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" r JOIN \"ConsentTemplate\" t ON t.id = r.\"consentTemplateId\" JOIN \"ApplicationForm\" f ON f.id = r.\"applicationFormId\" WHERE f.id = '$F1' AND r.\"recordedAt\" >= f.\"consentsSince\" AND r.\"consentText\" = t.content AND r.\"consentText\" NOT LIKE '%wszystko%' AND r.\"ipAddress\" = '192.0.2.10' AND r.\"userAgent\" = 'izzy-cgi-test'")" \
	"$(jq length <<<"$ALL")" "with the current version's text, the IP and the user agent (evidence)"
is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" WHERE \"applicationFormId\" = '$F1'")" "$(( 2 * $(jq length <<<"$ALL") ))" "append-only"
# a locked form and an expired link refuse every write
psql_q "UPDATE \"ApplicationForm\" SET status = 'LOCKED' WHERE id = '$F1'" >/dev/null
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$STATUS" 409 "a locked form takes no consents"
client POST "/api/application-forms/$F1/submit" '{}'
is "$STATUS" 409 "a locked form cannot be submitted"
save "$FULL"
is "$STATUS" 409 "a locked form is not saved"
psql_q "UPDATE \"ApplicationForm\" SET status = 'UNLOCKED', \"linkExpiresAt\" = now() - interval '1 minute' WHERE id = '$F1'" >/dev/null
client POST "/api/application-forms/$F1/submit" '{}'
is "$(msg)" "410:LINK_EXPIRED" "an expired link cannot be submitted"
client POST "/api/application-forms/$F1/consent-records" "{\"consents\":$ALL}"
is "$(msg)" "410:LINK_EXPIRED" "nor take consents"
psql_q "UPDATE \"ApplicationForm\" SET \"linkExpiresAt\" = now() + interval '1 day' WHERE id = '$F1'" >/dev/null
client POST "/api/application-forms/$F1/submit" '{}'
is "$STATUS:$(jq_body .status)" "200:SUBMITTED" "resubmitted"
is "$(outbox "$L1" WEBHOOK)" 2 "one event per submission"

# regeneration invalidates the link and sessions
SESS=$S3
client GET "/api/application-forms/$F3"
is "$STATUS" 200 "form 3 is open"
cgi_run POST "/api/leads/$L3/application-form" '{}' "$OP"
is "$(msg)" "409:CLIENT_ACTIVE" "an operator cannot regenerate while the client is active"
cgi_run POST "/api/leads/$L3/application-form" '{}' "$SUP"
is "$STATUS" 201 "a supervisor regenerates the link"
T3B=$(token_of)
client GET "/api/application-forms/$F3"
is "$STATUS" 401 "the old session is revoked"
verify "$T3" 0999 203.0.113.60
is "$(msg)" "401:INVALID_CODE" "the old link no longer works"
verify "$T3B" 0999 203.0.113.60
is "$STATUS" 200 "the new one does"
# --- repeated lockouts invalidate the link and alert staff (SR-17) ------------------------------
L5=cleadforms00000000000005
mk_lead "$L5" seed-partner "$OP_ID" '600100777' jan5@example.com
cgi_run POST "/api/leads/$L5/application-form" '{}' "$OP"
F5=$(jq_body .applicationFormId)
T5=$(token_of)
alerts() { psql_q "SELECT coalesce(string_agg(recipient, ',' ORDER BY recipient), '') FROM \"Outbox\" WHERE \"leadId\" = '$L5' AND template = 'form_lockout_alert'"; }
for round in 1 2 3; do
	psql_q "DELETE FROM \"RateLimit\"" >/dev/null
	if [[ $round == 3 ]]; then
		verify "$T5" 0777 203.0.113.200
		is "$STATUS" 200 "after two lockouts the right PIN still opens the form"
		SESS=$COOKIE
		psql_q "DELETE FROM \"RateLimit\"" >/dev/null
	fi
	for i in 1 2 3 4 5; do verify "$T5" 1111 "203.0.113.$((100 + round * 10 + i))"; done
	if [[ $round == 2 ]]; then
		verify "$T5" 1111 203.0.113.199
		is "$(msg):$(alerts)" "429:TOO_MANY_ATTEMPTS:" "a second lockout: no alert yet"
	fi
done
is "$(msg)" "401:INVALID_CODE" "the 15th wrong PIN is refused"
is "$(alerts)" "operator@example.com,sup@example.com" "the third lockout alerts the assignee and the supervisors"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"leadId\" = '$L5' AND template = 'form_lockout_alert' AND \"bodyText\" LIKE '%$L5%' AND \"bodyText\" NOT LIKE '%$T5%'")" 2 \
	"the alert names the lead, not the link"
is "$(psql_q "SELECT \"unlockHistory\"->-1->>'type' || ',' || (\"linkExpiresAt\" <= now()) FROM \"ApplicationForm\" WHERE id = '$F5'")" "LINK_REVOKED,true" \
	"the link is expired, with a history entry"
client GET "/api/application-forms/$F5"
is "$STATUS" 401 "its open session is revoked"
psql_q "DELETE FROM \"RateLimit\"" >/dev/null
verify "$T5" 0777 203.0.113.201
is "$(msg)" "410:LINK_EXPIRED" "the right PIN no longer opens it"
verify "$T5" 1111 203.0.113.202
is "$(msg):$(alerts)" "410:LINK_EXPIRED:operator@example.com,sup@example.com" "and nothing is alerted twice"
is "$(psql_q "SELECT count(*) FROM \"ApplicationForm\", jsonb_array_elements(\"unlockHistory\") e WHERE id = '$F5' AND e->>'type' = 'CLIENT_ATTEMPT' AND e->>'ipAddress' LIKE '203.0.113.%' AND e->>'userAgent' = 'izzy-cgi-test'")" 19 \
	"every attempt is logged with IP and user agent"
# --- the channels of the default PIN's link (staff's choice) ------------------------------------
L7=cleadforms00000000000007
mk_lead "$L7" seed-partner "$OP_ID" '600100777' jan7@example.com
cgi_run POST "/api/leads/$L7/application-form" '{"sendEmail":false,"sendSms":false}' "$OP"
is "$(msg):$(form_of "$L7")" "400:NO_CHANNEL:" "no channel: refused, nothing written"
cgi_run POST "/api/leads/$L7/application-form" '{"sendEmail":false,"sendSms":true}' "$OP"
T7=$(token_of)
is "$STATUS:$(outbox "$L7" EMAIL):$(outbox "$L7" SMS "\"bodyText\" LIKE '%$T7%' AND \"bodyText\" LIKE '%4 ostatnie cyfry%'")" "201:0:1" \
	"SMS only: the link and the PIN hint by SMS, no e-mail"
cgi_run POST "/api/leads/$L7/application-form" '{"sendSms":true}' "$OP"
T7=$(token_of)
is "$(outbox "$L7" EMAIL "\"bodyText\" LIKE '%$T7%'"):$(outbox "$L7" SMS "\"bodyText\" LIKE '%$T7%'")" "1:1" \
	"e-mail and SMS: the new link on both"

# --- the staff read of the form (lead detail: progress, attempts, history) ----------------------
mk_user cpartnerforms00000000001 partner-forms@example.com PARTNER seed-partner ACTIVE
PA=$(login partner-forms@example.com)
cgi_run GET "/api/leads/$L5/application-form"
is "$STATUS" 401 "the staff read needs a login"
cgi_run GET "/api/leads/$L5/application-form" "" "$PA"
is "$STATUS" 403 "partners do not read the form's attempts"
cgi_run GET "/api/leads/$L2/application-form" "" "$OP"
like "$STATUS" '^(403|404)$' "an operator cannot read a form outside their scope"
mk_lead cleadforms00000000000006 seed-partner "$OP_ID" '600100666' -
cgi_run GET "/api/leads/cleadforms00000000000006/application-form" "" "$OP"
is "$(msg)" "404:Application form not found" "a lead without a form: 404"
cgi_run GET "/api/leads/$L5/application-form" "" "$OP"
is "$STATUS:$(jq_body .id):$(jq_body .status):$(jq_body .linkExpired)" "200:$F5:DRAFT:true" "an operator reads the form"
is "$(jq_body '[.attempts.failedSinceLink, .attempts.lockouts, .attempts.lockedOut] | map(tostring) | join(",")')" "15,3,true" \
	"15 wrong PINs since the link: 3 lockouts, locked now"
like "$(jq_body .attempts.lastAttemptAt)" '^20[0-9-]+T' "the last attempt's time"
is "$(jq_body '[.history[] | select(.type == "LINK_REVOKED")] | length')" 1 "the history has the LINK_REVOKED entry"
is "$(jq_body '.history[0].outcome + "," + .history[0].ipAddress')" "LINK_EXPIRED,203.0.113.202" "newest first, with the address"
is "$(jq_body 'has("formData")'):$(jq_body 'tostring | test("0777|izzy_form")')" "false:false" "no answers and no secrets"
cgi_run GET "/api/leads/$L1/application-form" "" "$SUP"
is "$(jq_body '[.status, (.currentStep | tostring), (.completionPercent | tostring)] | join(",")')" "SUBMITTED,2,17" \
	"the progress: step and percentage"
like "$(jq_body .lastAutoSave)" '^20[0-9-]+T' "the last autosave"
is "$(jq_body '[.history[] | select(.unlockedBy != null) | .reason] | join(",")')" "Poprawka danych" "the unlock with its reason"
cgi_run POST "/api/leads/$L5/application-form" '{}' "$OP"
verify "$(token_of)" 0777 203.0.113.203
is "$STATUS" 200 "a new link works again"
cgi_run GET "/api/leads/$L5/application-form" "" "$OP"
is "$(jq_body '[.attempts.failedSinceLink, .attempts.lockouts, .linkExpired] | map(tostring) | join(",")')" "0,0,false" \
	"a new link starts the count again"
t_done
