#!/usr/bin/env bash
# Per-binary tests of cgi-bin/users (spec/api.md §4.3, SR-10, SR-13, L24, FR-80),
# run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-users
CGI_LOG=$T_VAR/log/users-cgi.log
: >"$CGI_LOG"

# Every body the users program answers, to check at the end that none
# carries a password or a hash.
ALL_BODIES=$T_VAR/users-bodies.txt
: >"$ALL_BODIES"
u() {
	CGI_PROG=users cgi_run "$@"
	printf '%s\n' "$BODY" >>"$ALL_BODIES"
}
login_status() {
	CGI_PROG=auth cgi_run POST /api/auth/login "$(login_body "$1" "$2")"
	printf '%s' "$STATUS"
}
# me TOKEN: the status of GET /api/auth/me with that session.
me() {
	CGI_PROG=auth cgi_run GET /api/auth/me "" "$1"
	printf '%s' "$STATUS"
}
uid() { psql_q "SELECT id FROM \"User\" WHERE email = '$1'"; }
ustate() { psql_q "SELECT role || ':' || status || ':' || coalesce(\"partnerId\", '-') FROM \"User\" WHERE email = '$1'"; }
outbox_count() { psql_q 'SELECT count(*) FROM "Outbox"'; }

PW_NEW='Mocne-Haslo-2026!'
PW_SET='Ustawione-Haslo-9!'
PW_RESET='Zmienione-Haslo-7#'
PW_PATCH='Patchowane-Haslo-5@'

ADMIN_ID=$(uid admin@example.com)
mk_user csupervisor0000000000000001 sup@example.com SUPERVISOR - ACTIVE
mk_user csupervisor0000000000000002 sup2@example.com SUPERVISOR - ACTIVE
mk_user cpartneruser00000000000001 partner@example.com PARTNER seed-partner ACTIVE
ADMIN=$(login admin@example.com 'Admin123!')
SUP=$(login sup@example.com 'Admin123!')
OP=$(login operator@example.com 'Operator123!')
PART=$(login partner@example.com 'Admin123!')
[[ -n $ADMIN && -n $SUP && -n $OP && -n $PART ]]
ok $? "test users log in"

# --- GET /api/users ------------------------------------------------------------
u GET /api/users "" "$ADMIN"
is "$STATUS" 200 "admin lists users"
total=$(psql_q 'SELECT count(*) FROM "User"')
is "$(jq_body '.meta|[.page,.perPage,.total,.totalPages]|map(tostring)|join(",")')" "1,20,$total,1" \
	"page envelope with defaults page 1, perPage 20"
is "$(jq_body '[.data[]|keys|join(",")]|unique|join(";")')" \
	"createdAt,email,fullName,id,partner,phone,role,status,updatedAt" "every row has the summary shape of §4.3"
is "$(jq_body '.data[]|select(.email=="operator@example.com")|.partner|tostring')" \
	'{"id":"seed-partner","name":"Seed Partner"}' "the partner is embedded as {id,name}"
is "$(jq_body '.data[]|select(.email=="admin@example.com")|.partner|tostring')" null "no partner is null"
like "$(jq_body '.data[0].createdAt')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
	"timestamps in the API's format"
[[ $BODY != *hashedPassword* && $BODY != *'$2b$'* ]]
ok $? "the list carries no password hash"

for i in 1 2 3 4 5; do
	mk_user "corderuser00000000000000$i" "order$i@example.com" OPERATOR - ACTIVE
	psql_q "UPDATE \"User\" SET \"createdAt\" = now() - interval '$i days', phone = '+48 600 00$i 00$i' WHERE email = 'order$i@example.com'" >/dev/null
done
psql_q "UPDATE \"User\" SET \"fullName\" = 'Zofia 100% Kowalska' WHERE email = 'order3@example.com'" >/dev/null
u GET '/api/users?search=ORDER&perPage=2&page=1' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")') $(jq_body '.meta|[.page,.perPage,.total,.totalPages]|map(tostring)|join(",")')" \
	"order1@example.com,order2@example.com 1,2,5,3" "search is case-insensitive; newest first; page 1 of 3"
u GET '/api/users?search=order&perPage=2&page=3' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")')" "order5@example.com" "the last page holds the rest"
u GET '/api/users?search=order&perPage=2&page=9' "" "$ADMIN"
is "$(jq_body '(.data|length|tostring) + " " + (.meta|[.page,.total,.totalPages]|map(tostring)|join(","))')" \
	"0 9,5,3" "a page beyond the end is empty with correct meta"
u GET '/api/users?search=zofia' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")')" "order3@example.com" "search matches the full name"
u GET '/api/users?search=600%20004' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")')" "order4@example.com" "search matches the phone"
u GET '/api/users?search=%25' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")')" "order3@example.com" "a % in the search is a literal character, not a wildcard"
u GET '/api/users?search=%20%20' "" "$ADMIN"
is "$(jq_body .meta.total)" "$((total + 5))" "a blank search is no search"
u GET '/api/users?search=nobody-like-this' "" "$ADMIN"
is "$(jq_body '(.data|length|tostring) + " " + (.meta|[.total,.totalPages]|map(tostring)|join(","))')" "0 0,1" \
	"no match: empty data, totalPages 1"
u GET '/api/users?role=SUPERVISOR' "" "$ADMIN"
is "$(jq_body '[.data[].email]|sort|join(",")')" "sup2@example.com,sup@example.com" "filter by role"
u GET '/api/users?partnerId=seed-partner' "" "$ADMIN"
is "$(jq_body '[.data[].email]|sort|join(",")')" "operator@example.com,partner@example.com" "filter by partnerId"
psql_q "UPDATE \"User\" SET status = 'INACTIVE' WHERE email = 'order2@example.com'" >/dev/null
u GET '/api/users?status=INACTIVE&role=OPERATOR' "" "$ADMIN"
is "$(jq_body '[.data[].email]|join(",")')" "order2@example.com" "filters combine"
u GET '/api/users?perPage=200' "" "$ADMIN"
is "$STATUS" 200 "perPage 200 is allowed for users"
u GET '/api/users?perPage=201' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0] + ":" + .issues[0].code')" "400:perPage:too_big" "perPage over 200 is 400"
u GET '/api/users?page=0' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:page" "page 0 is 400"
u GET '/api/users?page=abc' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].received')" "400:nan" "a non-numeric page is 400"
u GET '/api/users?role=BOSS' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "an unknown role is 400"
u GET /api/users "" "$SUP"
is "$STATUS" 200 "a supervisor lists users"
u GET /api/users
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "list without a token is 401"
u GET /api/users "" "$OP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an operator may not list users"
u GET /api/users "" "$PART"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner user may not list users"

# --- POST /api/users -----------------------------------------------------------
before_mail=$(outbox_count)
u POST /api/users '{"email":"nowy@example.com","fullName":"  Jan Nowy ","phone":"+48600100200","role":"OPERATOR"}' "$ADMIN"
is "$STATUS" 201 "admin creates a user without a password"
NEW_ID=$(jq_body .id)
like "$NEW_ID" '^c[a-z0-9]{24}$' "the new id is a cuid"
is "$(jq_body '[.email,.fullName,.phone,.role,.status,(.partner|tostring)]|join("|")')" \
	"nowy@example.com|Jan Nowy|+48600100200|OPERATOR|INVITED|null" "summary of the new user (name trimmed, status INVITED)"
is "$(jq_body 'keys|join(",")')" "createdAt,email,fullName,id,partner,phone,role,status,updatedAt" "201 body is the summary"
like "$(psql_q "SELECT \"hashedPassword\" FROM \"User\" WHERE id = '$NEW_ID'")" '^!' "no usable password is stored"
is "$(login_status nowy@example.com '!invited')" 401 "the placeholder is not a password"
is "$(outbox_count)" "$((before_mail + 1))" "one mail is queued"
mail=$(psql_q "SELECT recipient || '|' || subject || '|' || template || '|' || \"bodyText\" FROM \"Outbox\" ORDER BY \"createdAt\" DESC, id DESC LIMIT 1")
like "$mail" '^nowy@example.com\|Zaproszenie do Izzy CRM\|invitation\|' "the invitation goes to the new user"
like "$mail" 'http://crm.test/set-password\?token=[0-9a-f]{64}' "with a set-password link"
[[ $mail != *assword:* && $mail != *hasło:* && $mail != *'!invited'* ]]
ok $? "and no password"
is "$(psql_q "SELECT string_agg(action || ':' || coalesce(\"actorId\", '-'), ',' ORDER BY action) FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$NEW_ID'")" \
	"USER_CREATED:$ADMIN_ID,USER_INVITED:$ADMIN_ID" "creation and invitation are audited with the actor"
is "$(psql_q "SELECT \"newValue\"->>'email' || '|' || (\"newValue\"->>'status') || '|' || (\"newValue\" ? 'password') FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$NEW_ID' AND action = 'USER_CREATED'")" \
	"nowy@example.com|INVITED|false" "the audit holds the new values, no password"
INVITE=$(printf '%s' "$mail" | grep -o 'token=[0-9a-f]\{64\}' | cut -d= -f2)
CGI_PROG=auth cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$INVITE" --arg p "$PW_SET" '{token:$t,password:$p}')"
is "$STATUS" 204 "the invited user sets a password through the link"
is "$(ustate nowy@example.com)" "OPERATOR:ACTIVE:-" "which activates the account"
is "$(login_status nowy@example.com "$PW_SET")" 200 "and the user logs in"

before_mail=$(outbox_count)
u POST /api/users "$(jq -cn --arg p "$PW_NEW" '{email:"aktywny@example.com",fullName:"Anna Aktywna",role:"OPERATOR",status:"ACTIVE",password:$p}')" "$ADMIN"
is "$STATUS:$(jq_body .status)" "201:ACTIVE" "admin creates an ACTIVE user with a password"
is "$(outbox_count)" "$before_mail" "an active account gets no mail"
is "$(login_status aktywny@example.com "$PW_NEW")" 200 "the user logs in with the password the admin chose"

u POST /api/users "$(jq -cn --arg p "$PW_NEW" '{email:"zhaslem@example.com",fullName:"Z Hasłem",role:"OPERATOR",password:$p}')" "$ADMIN"
is "$STATUS:$(jq_body .status)" "201:INVITED" "with a password the status still defaults to INVITED"
mail=$(psql_q "SELECT subject || '|' || \"bodyText\" FROM \"Outbox\" WHERE recipient = 'zhaslem@example.com'")
like "$mail" '^Zaproszenie do Izzy CRM\|.*set-password\?token=' "an INVITED account gets the invitation link"
[[ $mail != *"$PW_NEW"* ]]
ok $? "the admin's password is never mailed"

u POST /api/users '{"email":"bezhasla@example.com","fullName":"Bez Hasła","role":"OPERATOR","status":"ACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "201:INVITED" "without a password the account is INVITED whatever the status asked"

u POST /api/users '{"email":"slabe@example.com","fullName":"Słabe","role":"OPERATOR","password":"krotkie1"}' "$ADMIN"
is "$STATUS:$(jq_body '.message + "|" + (.issues[0].path|join(".")) + "|" + .issues[0].message')" \
	"400:Validation failed|password|Hasło musi mieć co najmniej 12 znaków" "a weak password is refused on the password field"
is "$(psql_q "SELECT count(*) FROM \"User\" WHERE email = 'slabe@example.com'")" 0 "and nothing is created"
u POST /api/users '{}' "$ADMIN"
is "$STATUS:$(jq_body '[.issues[]|(.path|join(".")) + ":" + .message]|join(",")')" \
	"400:email:Required,fullName:Required,role:Required" "required fields"
u POST /api/users '{"email":"not-an-email","fullName":"X","role":"OPERATOR"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Invalid email" "a bad e-mail is 400"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"KING"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "an unknown role is 400"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"OPERATOR","isAdmin":true}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "unknown keys are refused"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"OPERATOR","status":"BANNED"}' "$ADMIN"
is "$STATUS" 400 "an unknown status is 400"
u POST /api/users '{"email":"nowy@example.com","fullName":"Drugi","role":"OPERATOR"}' "$ADMIN"
is "$STATUS:$BODY" '409:{"message":"Email already in use"}' "a used e-mail is 409"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"OPERATOR","partnerId":"no-such-partner"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner not found"}' "an unknown partner is 400"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"PARTNER_EMPLOYEE"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner is required for partner roles"}' "partner roles need a partner"
u POST /api/users '{"email":"x@example.com","fullName":"X","role":"PARTNER_MANAGER","partnerId":""}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner is required for partner roles"}' "an empty partnerId is no partner"
u POST /api/users '{"email":"pm@example.com","fullName":"Pani Manager","role":"PARTNER_MANAGER","partnerId":"seed-partner"}' "$ADMIN"
is "$STATUS:$(jq_body '.partner.id + "|" + .partner.name')" "201:seed-partner|Seed Partner" "a partner user is linked to the partner"
PM_ID=$(jq_body .id)

# SR-13: supervisors create only users below them.
u POST /api/users '{"email":"admin2@example.com","fullName":"X","role":"ADMIN"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can create admin accounts"}' "a supervisor cannot create an admin"
u POST /api/users '{"email":"sup3@example.com","fullName":"X","role":"SUPERVISOR"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can manage admin and supervisor accounts"}' "a supervisor cannot create a supervisor"
u POST /api/users '{"email":"odsup@example.com","fullName":"Od Supervisora","role":"OPERATOR"}' "$SUP"
is "$STATUS" 201 "a supervisor creates an operator"
is "$(psql_q "SELECT \"actorId\" FROM \"UserAuditLog\" WHERE action = 'USER_CREATED' AND \"newValue\"->>'email' = 'odsup@example.com'")" \
	csupervisor0000000000000001 "the audit names the supervisor"
u POST /api/users '{"email":"sup3@example.com","fullName":"Nowy Supervisor","role":"SUPERVISOR"}' "$ADMIN"
is "$STATUS" 201 "an admin creates a supervisor"
SUP3_ID=$(jq_body .id)
u POST /api/users "$(jq -cn --arg p "$PW_NEW" '{email:"admin2@example.com",fullName:"Drugi Admin",role:"ADMIN",status:"ACTIVE",password:$p}')" "$ADMIN"
is "$STATUS:$(jq_body .role)" "201:ADMIN" "an admin creates an admin"
ADMIN2_ID=$(jq_body .id)
ADMIN2=$(login admin2@example.com "$PW_NEW")
u POST /api/users '{"email":"y@example.com","fullName":"Y","role":"OPERATOR"}'
is "$STATUS" 401 "create without a token is 401"
u POST /api/users '{"email":"y@example.com","fullName":"Y","role":"OPERATOR"}' "$OP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an operator cannot create users"
u POST /api/users '{"email":"y@example.com","fullName":"Y","role":"PARTNER_EMPLOYEE","partnerId":"seed-partner"}' "$PART"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner user cannot create users"

# --- PATCH /api/users/:id ------------------------------------------------------
OPER_ID=$(uid aktywny@example.com)
u PATCH "/api/users/$OPER_ID" '{"fullName":"Anna Zmieniona","phone":"+48 500 000 000","partnerId":"seed-partner"}' "$ADMIN"
is "$STATUS:$(jq_body '[.fullName,.phone,.partner.id,.email]|join("|")')" \
	"200:Anna Zmieniona|+48 500 000 000|seed-partner|aktywny@example.com" "admin updates name, phone and partner"
is "$(psql_q "SELECT \"oldValue\"::text || ' -> ' || \"newValue\"::text FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$OPER_ID' AND action = 'USER_UPDATED'")" \
	'{"phone": null, "fullName": "Anna Aktywna", "partnerId": null} -> {"phone": "+48 500 000 000", "fullName": "Anna Zmieniona", "partnerId": "seed-partner"}' \
	"the change is audited with old and new values"
u PATCH "/api/users/$OPER_ID" '{"phone":null,"partnerId":""}' "$ADMIN"
is "$STATUS:$(jq_body '(.phone|tostring) + "|" + (.partner|tostring) + "|" + .fullName')" "200:null|null|Anna Zmieniona" \
	"null phone and empty partnerId clear; absent fields stay"
u PATCH "/api/users/$OPER_ID" '{"partnerId":"seed-partner"}' "$ADMIN"
u PATCH "/api/users/$OPER_ID" '{"partnerId":null}' "$ADMIN"
is "$STATUS:$(jq_body '.partner|tostring')" "200:null" "a null partnerId detaches"
u PATCH "/api/users/$OPER_ID" '{"email":"inny@example.com"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0] + ":" + .issues[0].message')" "400:email:Read-only field cannot be changed" \
	"the e-mail cannot be changed"
is "$(psql_q "SELECT email FROM \"User\" WHERE id = '$OPER_ID'")" "aktywny@example.com" "and stays as it was"
# The echo rule: the summary as GET returns it, sent back with an edit.
u GET "/api/users?search=aktywny@example.com" "" "$ADMIN"
ECHO_USER=$(jq_body '.data[0]')
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {fullName:"Anna Echo"} | del(.partner)' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '.fullName + "|" + .email')" "200:Anna Echo|aktywny@example.com" \
	"a PATCH echoing id, email, role, status, createdAt and updatedAt unchanged is applied"
ECHO_USER=$(jq -c . <<<"$BODY")
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {phone:"+48 600 000 001"}' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '.phone + "|" + (.partner|tostring)')" "200:+48 600 000 001|null" \
	"the whole summary echoed back (partner null) with an edit is applied"
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {id:"cotheruser000000000000001",fullName:"Nie"}' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '.message + "|" + (.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:Validation failed|id:Read-only field cannot be changed" "an echoed id that differs from the path is 400"
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {createdAt:"2001-01-01T00:00:00.000Z",fullName:"Nie"}' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:createdAt:Read-only field cannot be changed" "an echoed createdAt that differs is 400"
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {partner:{id:"seed-partner",name:"Seed Partner"},fullName:"Nie"}' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join("."))')" "400:partner" "an echoed partner that differs is 400"
u PATCH "/api/users/$OPER_ID" "$(jq -c '. + {lastLoginAt:null,fullName:"Nie"}' <<<"$ECHO_USER")" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code + ":" + .issues[0].keys[0]')" "400:unrecognized_keys:lastLoginAt" \
	"a key the summary does not have is still unknown (400)"
is "$(psql_q "SELECT \"fullName\" FROM \"User\" WHERE id = '$OPER_ID'")" "Anna Echo" "refused echoes change nothing"
u PATCH "/api/users/$OPER_ID" '{"fullName":"Anna Zmieniona","phone":null}' "$ADMIN"
is "$STATUS" 200 "(name and phone restored)"
u PATCH "/api/users/$OPER_ID" '{"fullName":""}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "an empty name is 400"
u PATCH "/api/users/$OPER_ID" '{"password":"slabehaslo"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:password" "a weak password is 400 on the password field"
u PATCH /api/users/not-a-cuid '{"fullName":"X"}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"User not found"}' "a non-cuid id is just not found"
u PATCH /api/users/cnosuchuser0000000000000001 '{"fullName":"X"}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"User not found"}' "an unknown user is 404"
u PATCH "/api/users/$OPER_ID" '{"partnerId":"no-such-partner"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner not found"}' "an unknown partner is 400"
u PATCH "/api/users/$OPER_ID" '{"role":"PARTNER"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner is required for partner roles"}' "a partner role needs a partner"
u PATCH "/api/users/$PM_ID" '{"partnerId":null}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner is required for partner roles"}' "a partner user cannot lose the partner"
mk_user cpartnerless00000000000001 legacy@example.com PARTNER - ACTIVE
u PATCH /api/users/cpartnerless00000000000001 '{"status":"INACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:INACTIVE" "an older partner user without a partner can still be deactivated"
u PATCH /api/users/cpartnerless00000000000001 '{"role":"PARTNER","fullName":"Legacy"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Partner is required for partner roles"}' "but sending the role asks for the partner"
u PATCH "/api/users/$OPER_ID" '{"fullName":"X"}'
is "$STATUS" 401 "update without a token is 401"
u PATCH "/api/users/$OPER_ID" '{"fullName":"X"}' "$OP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an operator cannot update users"
u PATCH "/api/users/$OPER_ID" '{"fullName":"X"}' "$PART"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner user cannot update users"

# SR-13 for supervisors.
u PATCH "/api/users/$ADMIN_ID" '{"status":"INACTIVE"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can manage admin and supervisor accounts"}' "a supervisor cannot touch an admin"
u PATCH "/api/users/$ADMIN_ID" '{"fullName":"Przejęty"}' "$SUP"
is "$STATUS" 403 "not even the name of an admin"
u PATCH /api/users/csupervisor0000000000000002 '{"phone":"1"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can manage admin and supervisor accounts"}' "a supervisor cannot touch another supervisor"
u PATCH /api/users/csupervisor0000000000000001 '{"phone":"1"}' "$SUP"
is "$STATUS" 403 "nor their own supervisor account"
u PATCH "/api/users/$OPER_ID" '{"role":"ADMIN"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can escalate accounts to admin role"}' "a supervisor cannot grant ADMIN"
u PATCH "/api/users/$OPER_ID" '{"role":"SUPERVISOR"}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can manage admin and supervisor accounts"}' "a supervisor cannot grant SUPERVISOR"
is "$(ustate aktywny@example.com)" "OPERATOR:ACTIVE:-" "refused changes change nothing"
u PATCH "/api/users/$OPER_ID" '{"role":"OPERATOR","fullName":"Anna Supervisorowana","status":"ACTIVE","partnerId":null,"phone":null}' "$SUP"
is "$STATUS:$(jq_body .fullName)" "200:Anna Supervisorowana" "a supervisor edits an operator (the UI's full body)"
u PATCH "/api/users/$SUP3_ID" '{"phone":"+48 1"}' "$ADMIN"
is "$STATUS" 200 "an admin edits a supervisor"
u PATCH "/api/users/$ADMIN2_ID" '{"phone":"+48 2"}' "$ADMIN"
is "$STATUS" 200 "an admin edits another admin"

# Own role, own status, last admin.
u PATCH "/api/users/$ADMIN_ID" '{"role":"SUPERVISOR"}' "$ADMIN"
is "$STATUS:$BODY" '403:{"message":"You cannot change your own role"}' "nobody changes their own role"
u PATCH "/api/users/$ADMIN_ID" '{"status":"INACTIVE"}' "$ADMIN"
is "$STATUS:$BODY" '403:{"message":"You cannot deactivate your own account"}' "nobody deactivates themselves"
u PATCH "/api/users/$ADMIN_ID" '{"role":"ADMIN","status":"ACTIVE","fullName":"Seed Admin"}' "$ADMIN"
is "$STATUS" 200 "re-sending one's own unchanged role and status is fine"
u PATCH "/api/users/$ADMIN_ID" '{"status":"INACTIVE"}' "$ADMIN2"
is "$STATUS:$(jq_body .status)" "200:INACTIVE" "one admin deactivates another"
is "$(me "$ADMIN")" 401 "the deactivated admin's session ends at once"
is "$(psql_q "SELECT count(*) FROM \"Session\" WHERE \"userId\" = '$ADMIN_ID' AND \"revokedAt\" IS NULL")/$(psql_q "SELECT DISTINCT \"revokeReason\" FROM \"Session\" WHERE \"userId\" = '$ADMIN_ID'")" \
	"0/deactivated" "all their sessions are revoked as deactivated"
u PATCH "/api/users/$ADMIN2_ID" '{"status":"INACTIVE"}' "$ADMIN2"
is "$STATUS:$BODY" '409:{"message":"Cannot remove the last active admin"}' "the last active admin cannot deactivate"
u PATCH "/api/users/$ADMIN2_ID" '{"role":"SUPERVISOR"}' "$ADMIN2"
is "$STATUS:$BODY" '409:{"message":"Cannot remove the last active admin"}' "nor be demoted"
is "$(ustate admin2@example.com)" "ADMIN:ACTIVE:-" "the last admin stays"
u PATCH "/api/users/$ADMIN_ID" '{"status":"ACTIVE"}' "$ADMIN2"
is "$STATUS:$(jq_body .status)" "200:ACTIVE" "INACTIVE -> ACTIVE for an account with a password"
ADMIN=$(login admin@example.com 'Admin123!')
[[ -n $ADMIN ]]
ok $? "the reactivated admin logs in again"
is "$(psql_q "SELECT string_agg(\"oldValue\"->>'status' || '>' || (\"newValue\"->>'status') || ':' || \"actorId\", ',' ORDER BY \"createdAt\") FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$ADMIN_ID' AND action = 'USER_STATUS_CHANGED'")" \
	"ACTIVE>INACTIVE:$ADMIN2_ID,INACTIVE>ACTIVE:$ADMIN2_ID" "status changes are audited"

# Role change and password change end sessions.
OPER=$(login aktywny@example.com "$PW_NEW")
u PATCH "/api/users/$OPER_ID" '{"role":"SUPERVISOR"}' "$ADMIN"
is "$STATUS:$(jq_body .role)" "200:SUPERVISOR" "admin promotes an operator"
is "$(me "$OPER")" 401 "a role change ends the user's sessions"
is "$(psql_q "SELECT \"oldValue\"->>'role' || '>' || (\"newValue\"->>'role') FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$OPER_ID' AND action = 'USER_ROLE_CHANGED'")" \
	"OPERATOR>SUPERVISOR" "the role change is audited"
OPER=$(login aktywny@example.com "$PW_NEW")
u PATCH "/api/users/$OPER_ID" "$(jq -cn --arg p "$PW_PATCH" '{password:$p}')" "$ADMIN"
is "$STATUS" 200 "admin sets a password"
is "$(me "$OPER")" 401 "a password change ends the user's sessions"
is "$(login_status aktywny@example.com "$PW_NEW")/$(login_status aktywny@example.com "$PW_PATCH")" "401/200" \
	"the old password stops working, the new one works"
is "$(psql_q "SELECT count(*) FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$OPER_ID' AND action = 'USER_PASSWORD_SET' AND \"oldValue\" IS NULL AND \"newValue\" IS NULL")" 1 \
	"the password change is audited without the password"
OPER=$(login aktywny@example.com "$PW_PATCH")
u PATCH "/api/users/$OPER_ID" '{"fullName":"Anna Bez Wylogowania"}' "$ADMIN"
is "$(me "$OPER")" 200 "a name change keeps the sessions"

# The account state machine (L24): INVITED -> ACTIVE <-> INACTIVE, INVITED -> INACTIVE.
mk_user cstatemachine0000000000001 state@example.com OPERATOR - INVITED
psql_q "UPDATE \"User\" SET \"hashedPassword\" = '!invited' WHERE email = 'state@example.com'" >/dev/null
S=cstatemachine0000000000001
u PATCH "/api/users/$S" '{"status":"INVITED"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:INVITED" "INVITED -> INVITED is no change"
u PATCH "/api/users/$S" '{"status":"ACTIVE"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Status transition not allowed"}' "INVITED -> ACTIVE needs a password"
u PATCH "/api/users/$S" "$(jq -cn --arg p "$PW_PATCH" '{status:"ACTIVE",password:$p}')" "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:ACTIVE" "INVITED -> ACTIVE with a password in the same request"
is "$(login_status state@example.com "$PW_PATCH")" 200 "and the account works"
u PATCH "/api/users/$S" '{"status":"INVITED"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Status transition not allowed"}' "ACTIVE -> INVITED is refused"
STATE_TOKEN=$(login state@example.com "$PW_PATCH")
u PATCH "/api/users/$S" '{"status":"INACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:INACTIVE" "ACTIVE -> INACTIVE"
is "$(me "$STATE_TOKEN")" 401 "deactivation ends the sessions"
is "$(login_status state@example.com "$PW_PATCH")" 403 "an inactive user cannot log in"
u PATCH "/api/users/$S" '{"status":"INVITED"}' "$ADMIN"
is "$STATUS" 400 "INACTIVE -> INVITED is refused"
u PATCH "/api/users/$S" '{"status":"ACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:ACTIVE" "INACTIVE -> ACTIVE"
is "$(login_status state@example.com "$PW_PATCH")" 200 "the reactivated user logs in"
mk_user cstatemachine0000000000002 state2@example.com OPERATOR - INVITED
psql_q "UPDATE \"User\" SET \"hashedPassword\" = '!invited' WHERE email = 'state2@example.com'" >/dev/null
S2=cstatemachine0000000000002
u PATCH "/api/users/$S2" '{"status":"INACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:INACTIVE" "INVITED -> INACTIVE"
u PATCH "/api/users/$S2" '{"status":"ACTIVE"}' "$ADMIN"
is "$STATUS:$BODY" '400:{"message":"Status transition not allowed"}' "INACTIVE -> ACTIVE without any password is refused"
u PATCH "/api/users/$S2" "$(jq -cn --arg p "$PW_PATCH" '{status:"ACTIVE",password:$p}')" "$ADMIN"
is "$STATUS:$(jq_body .status)" "200:ACTIVE" "INACTIVE -> ACTIVE together with a password"

# --- POST /api/users/:id/reset-password ------------------------------------------
R_ID=$(uid odsup@example.com)
psql_q "UPDATE \"User\" SET status = 'ACTIVE', \"hashedPassword\" = (SELECT \"hashedPassword\" FROM \"User\" WHERE email = 'admin@example.com') WHERE id = '$R_ID'" >/dev/null
R_TOKEN=$(login odsup@example.com 'Admin123!')
before=$(psql_q "SELECT \"hashedPassword\" || status FROM \"User\" WHERE id = '$R_ID'")
before_mail=$(outbox_count)
u POST "/api/users/$R_ID/reset-password" '{}' "$ADMIN"
is "$STATUS:$BODY" "204:" "admin sends a reset link"
is "$(psql_q "SELECT \"hashedPassword\" || status FROM \"User\" WHERE id = '$R_ID'")" "$before" "the password and status stay"
is "$(me "$R_TOKEN")" 200 "and the sessions stay"
is "$(outbox_count)" "$((before_mail + 1))" "one mail is queued"
mail=$(psql_q "SELECT recipient || '|' || subject || '|' || \"bodyText\" FROM \"Outbox\" ORDER BY \"createdAt\" DESC, id DESC LIMIT 1")
like "$mail" '^odsup@example.com\|Izzy CRM – ustaw nowe hasło\|.*http://crm.test/set-password\?token=[0-9a-f]{64}' "a reset link, by e-mail"
is "$(psql_q "SELECT \"newValue\"::text || ':' || \"actorId\" FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$R_ID' AND action = 'USER_PASSWORD_RESET_LINK'")" \
	"{\"purpose\": \"RESET\"}:$ADMIN_ID" "the reset link is audited"
u POST "/api/users/$R_ID/reset-password" "" "$SUP"
is "$STATUS" 204 "a supervisor resets an operator's password with an empty body"
u POST "/api/users/$(uid zhaslem@example.com)/reset-password" '{}' "$ADMIN"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE recipient = 'zhaslem@example.com' AND subject = 'Zaproszenie do Izzy CRM'")" 2 \
	"an INVITED user gets the invitation again"
before_mail=$(outbox_count)
u POST "/api/users/$R_ID/reset-password" "$(jq -cn --arg p "$PW_RESET" '{password:$p}')" "$ADMIN"
is "$STATUS:$BODY" "204:" "admin sets a password the reference's way"
is "$(me "$R_TOKEN")" 401 "which ends the user's sessions"
is "$(login_status odsup@example.com "$PW_RESET")" 200 "the new password works"
is "$(outbox_count)" "$before_mail" "nothing is mailed"
is "$(psql_q "SELECT status FROM \"User\" WHERE id = '$R_ID'")" ACTIVE "the status is unchanged"
u POST "/api/users/$R_ID/reset-password" '{"password":"Admin123!"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:password" "a weak password is 400"
u POST "/api/users/$R_ID/reset-password" '{"pass":"x"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "unknown keys are 400"
u POST "/api/users/$ADMIN_ID/reset-password" '{}' "$SUP"
is "$STATUS:$BODY" '403:{"message":"Only admins can manage admin and supervisor accounts"}' "a supervisor cannot reset an admin"
u POST "/api/users/$ADMIN_ID/reset-password" "$(jq -cn --arg p "$PW_RESET" '{password:$p}')" "$SUP"
is "$STATUS" 403 "nor set an admin's password"
is "$(login_status admin@example.com 'Admin123!')" 200 "the admin's password is untouched"
u POST /api/users/csupervisor0000000000000002/reset-password '{}' "$SUP"
is "$STATUS" 403 "a supervisor cannot reset another supervisor"
u POST /api/users/cnosuchuser0000000000000001/reset-password '{}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"User not found"}' "an unknown user is 404"
u POST /api/users/bad-id/reset-password '{}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"User not found"}' "a non-cuid id is just not found"
u POST "/api/users/$R_ID/reset-password" '{}'
is "$STATUS" 401 "reset without a token is 401"
u POST "/api/users/$R_ID/reset-password" '{}' "$OP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an operator cannot reset passwords"
u POST "/api/users/$R_ID/reset-password" '{}' "$PART"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner user cannot reset passwords"

# --- no secrets anywhere ------------------------------------------------------------
! grep -E -q "hashedPassword|\\\$2[aby]\\\$|!invited|$PW_NEW|$PW_SET|$PW_RESET|$PW_PATCH" "$ALL_BODIES"
ok $? "no response carried a password or a hash"
is "$(psql_q "SELECT count(*) FROM \"Outbox\" WHERE \"bodyText\" ~ 'Mocne-Haslo|Ustawione-Haslo|Zmienione-Haslo|Patchowane-Haslo|Admin123|\\\$2b\\\$'")" 0 \
	"no mail carries a password"
is "$(psql_q "SELECT count(*) FROM \"UserAuditLog\" WHERE coalesce(\"oldValue\"::text, '') || coalesce(\"newValue\"::text, '') ~ 'assword|\\\$2b\\\$|Haslo'")" 0 \
	"the audit holds no password or hash"
! grep -E -q "Admin123!|$PW_NEW|$PW_PATCH|$PW_RESET|@example.com|eyJ" "$CGI_LOG"
ok $? "no password, token or e-mail address in the program's log"

# --- issue 7: addresses are stored and compared lower-cased (spec §9 item 26) -------------
ADMIN7=$(login admin@example.com 'Admin123!')
[[ -n $ADMIN7 ]] || t_bail "the admin cannot log in"
psql_q 'DELETE FROM "Outbox"' >/dev/null
u POST /api/users '{"email":"Nowa.Osoba@Example.COM","fullName":"Nowa Osoba","role":"OPERATOR"}' "$ADMIN7"
is "$STATUS:$(jq_body .email)" "201:nowa.osoba@example.com" "a new user's address is stored lower-cased"
is "$(psql_q "SELECT count(*) FROM \"User\" WHERE email = 'nowa.osoba@example.com'")" 1 "as stored in the database"
is "$(psql_q "SELECT string_agg(recipient, ',') FROM \"Outbox\"")" "nowa.osoba@example.com" "the invitation goes to the lower-cased address"
u POST /api/users '{"email":"nowa.osoba@example.com","fullName":"Druga","role":"OPERATOR"}' "$ADMIN7"
is "$STATUS:$BODY" '409:{"message":"Email already in use"}' "the same address again is 409"
u POST /api/users '{"email":"NOWA.OSOBA@EXAMPLE.COM","fullName":"Trzecia","role":"OPERATOR"}' "$ADMIN7"
is "$STATUS:$BODY" '409:{"message":"Email already in use"}' "another spelling of it is 409 too"
psql_q "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status)
	VALUES ('cemailcase000000000000001', 'Nowa.Osoba@EXAMPLE.com', '!invited', 'OPERATOR', 'Stary', 'INVITED')" >/dev/null 2>&1
is "$?" 1 "the database refuses a case-variant written around the API (unique lower(email))"
is "$(psql_q "SELECT count(*) FROM \"User\" WHERE lower(email) = 'nowa.osoba@example.com'")" 1 "one account for the address"

t_done
