#!/usr/bin/env bash
# Per-binary tests of cgi-bin/partners (spec/api.md §4.4, FR-8, FR-9), run as
# plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-partners
CGI_LOG=$T_VAR/log/partners-cgi.log
: >"$CGI_LOG"

p() { CGI_PROG=partners cgi_run "$@"; }
SHAPE="contact,createdAt,id,name,notes,slaRules,status,updatedAt"

mk_user csupervisor0000000000000001 sup@example.com SUPERVISOR -
mk_user cpartneruser00000000000001 partner@example.com PARTNER seed-partner
mk_user cpartneruser00000000000002 manager@example.com PARTNER_MANAGER seed-partner
mk_user cpartneruser00000000000003 employee@example.com PARTNER_EMPLOYEE seed-partner
mk_user cpartneruser00000000000004 orphan@example.com PARTNER -
ADMIN=$(login admin@example.com 'Admin123!')
SUP=$(login sup@example.com 'Admin123!')
OP=$(login operator@example.com 'Operator123!')
PART=$(login partner@example.com 'Admin123!')
MGR=$(login manager@example.com 'Admin123!')
EMP=$(login employee@example.com 'Admin123!')
ORPHAN=$(login orphan@example.com 'Admin123!')
[[ -n $ADMIN && -n $SUP && -n $OP && -n $PART && -n $MGR && -n $EMP && -n $ORPHAN ]]
ok $? "test users log in"

# --- GET /api/partners/me ------------------------------------------------------
p GET /api/partners/me "" "$PART"
is "$STATUS:$(jq_body '[.id,.name,.status,(.contact|tostring),(.slaRules|tostring),(.notes|tostring)]|join("|")')" \
	"200:seed-partner|Seed Partner|ACTIVE|null|null|null" "a partner user reads their partner"
is "$(jq_body 'keys|join(",")')" "$SHAPE" "the partner shape of §4.4"
like "$(jq_body .createdAt)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' "timestamps in the API's format"
p GET /api/partners/me "" "$MGR"
is "$STATUS:$(jq_body .id)" "200:seed-partner" "a partner manager reads their partner"
p GET /api/partners/me "" "$EMP"
is "$STATUS:$(jq_body .id)" "200:seed-partner" "a partner employee reads their partner"
p GET /api/partners/me "" "$ORPHAN"
is "$STATUS:$BODY" '404:{"message":"Partner not assigned"}' "a partner user without a partner gets 404"
p GET /api/partners/me
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "me without a token is 401"
for who in ADMIN SUP OP; do
	p GET /api/partners/me "" "${!who}"
	is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "me is for partner users only ($who gets 403)"
done

# --- POST /api/partners --------------------------------------------------------
p POST /api/partners '{"name":"  Auto Dealer Sp. z o.o. ","contact":{"name":"Anna Kowalska","email":"anna@dealer.pl","phone":"+48221234567","fax":"drop me"},"slaRules":{"leadResponseMinutes":30,"contractTurnaroundDays":2.5,"weekendCoverage":false,"label":"gold","extra":null},"notes":"Key account\nline two"}' "$ADMIN"
is "$STATUS" 201 "admin creates a partner"
P1=$(jq_body .id)
like "$P1" '^c[a-z0-9]{24}$' "the new id is a cuid"
is "$(jq_body 'keys|join(",")')" "$SHAPE" "201 body is the partner shape"
is "$(jq_body '[.name,.status,.notes]|join("|")')" $'Auto Dealer Sp. z o.o.|ACTIVE|Key account\nline two' \
	"name trimmed, status defaults to ACTIVE, notes keep their lines"
is "$(jq_body '.contact|tojson')" '{"name":"Anna Kowalska","email":"anna@dealer.pl","phone":"+48221234567"}' \
	"contact keeps name, email and phone and drops other keys"
is "$(jq_body '.slaRules|tojson')" '{"extra":null,"label":"gold","weekendCoverage":false,"leadResponseMinutes":30,"contractTurnaroundDays":2.5}' \
	"slaRules is stored as given"
is "$(psql_q "SELECT name || '|' || (contact->>'email') || '|' || (\"slaRules\"->>'leadResponseMinutes') FROM \"Partner\" WHERE id = '$P1'")" \
	"Auto Dealer Sp. z o.o.|anna@dealer.pl|30" "and in the database"
p POST /api/partners '{"name":"Pusty Partner","status":"PENDING","contact":null,"slaRules":null,"notes":null}' "$ADMIN"
is "$STATUS:$(jq_body '[.status,(.contact|tostring),(.slaRules|tostring),(.notes|tostring)]|join("|")')" \
	"201:PENDING|null|null|null" "null contact, slaRules and notes"
P2=$(jq_body .id)
is "$(psql_q "SELECT (contact IS NULL)::text || (\"slaRules\" IS NULL)::text FROM \"Partner\" WHERE id = '$P2'")" "truetrue" \
	"null JSON fields are stored as SQL NULL"
p POST /api/partners '{"name":"Minimalny","contact":{}}' "$ADMIN"
is "$STATUS:$(jq_body '.contact|tojson')" "201:{}" "an empty contact is an empty object"

p POST /api/partners '{}' "$ADMIN"
is "$STATUS:$(jq_body '.message + "|" + (.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:Validation failed|name:Required" "the name is required"
p POST /api/partners '{"name":"   "}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "a blank name is 400"
p POST /api/partners '{"name":"X","status":"CLOSED"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "an unknown status is 400"
p POST /api/partners '{"name":"X","contact":{"email":"nie-mail"}}' "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" "400:contact.email:Invalid email" \
	"a bad contact e-mail is 400 on contact.email"
p POST /api/partners '{"name":"X","contact":{"name":""}}' "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].code')" "400:contact.name:too_small" "an empty contact name is 400"
p POST /api/partners '{"name":"X","contact":"Anna"}' "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].code')" "400:contact:invalid_type" "a contact that is no object is 400"
p POST /api/partners '{"name":"X","slaRules":{"tiers":{"gold":1}}}' "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:slaRules.tiers:Expected string, number, boolean or null" "a nested object in slaRules is 400"
p POST /api/partners '{"name":"X","slaRules":{"days":[1,2]}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:slaRules.days" "an array in slaRules is 400"
p POST /api/partners '{"name":"X","slaRules":[1]}' "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" "400:slaRules:Expected object" \
	"slaRules that is no object is 400"
p POST /api/partners '{"name":"X","slaRules":"24h"}' "$ADMIN"
is "$STATUS" 400 "a string slaRules is 400"
p POST /api/partners '{"name":"X","slaRules":{"a":1,"a":2}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Duplicate key" "duplicate keys in slaRules are 400"
p POST /api/partners '{"name":"X","website":"http://x.pl"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:unrecognized_keys" "unknown top-level keys are refused"
is "$(psql_q "SELECT count(*) FROM \"Partner\" WHERE name = 'X'")" 0 "no refused request created a partner"
p POST /api/partners '{"name":"Y"}'
is "$STATUS" 401 "create without a token is 401"
for who in SUP OP PART; do
	p POST /api/partners '{"name":"Y"}' "${!who}"
	is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "only admins create partners ($who gets 403)"
done

# --- GET /api/partners ---------------------------------------------------------
# An unescaped '_' in "uwagi_2" would also match list-3's "uwagiz2".
psql_q "INSERT INTO \"Partner\" (id, name, status, notes, \"createdAt\") VALUES
	('list-1', 'Lista 1', 'ACTIVE', 'uwagi_1', now() - interval '1 day'),
	('list-2', 'Lista 2', 'INACTIVE', 'uwagi_2', now() - interval '2 days'),
	('list-3', 'Lista 3', 'ACTIVE', 'uwagiz2', now() - interval '3 days')" >/dev/null
total=$(psql_q 'SELECT count(*) FROM "Partner"')
p GET /api/partners "" "$ADMIN"
is "$STATUS" 200 "admin lists partners"
is "$(jq_body '.meta|[.page,.perPage,.total,.totalPages]|map(tostring)|join(",")')" "1,20,$total,1" "page envelope with defaults"
is "$(jq_body '[.data[]|keys|join(",")]|unique|join(";")')" "$SHAPE" "every row has the partner shape"
is "$(jq_body '[.data[].id]|.[-3:]|join(",")')" "list-1,list-2,list-3" "newest first"
p GET '/api/partners?search=LISTA&perPage=2' "" "$ADMIN"
is "$(jq_body '[.data[].id]|join(",")') $(jq_body '.meta|[.total,.totalPages]|map(tostring)|join(",")')" \
	"list-1,list-2 3,2" "search on the name is case-insensitive; paginated"
p GET '/api/partners?search=lista&perPage=2&page=2' "" "$ADMIN"
is "$(jq_body '[.data[].id]|join(",")')" "list-3" "second page"
p GET '/api/partners?search=lista&page=5' "" "$ADMIN"
is "$(jq_body '(.data|length|tostring) + " " + (.meta|[.page,.total,.totalPages]|map(tostring)|join(","))')" "0 5,3,1" \
	"a page beyond the end is empty with correct meta"
p GET '/api/partners?search=UWAGI_2' "" "$ADMIN"
is "$(jq_body '[.data[].id]|join(",")')" "list-2" "search on the notes; '_' is a literal character"
p GET '/api/partners?search=key%20ACCOUNT' "" "$ADMIN"
is "$(jq_body '[.data[].id]|join(",")')" "$P1" "notes search is case-insensitive"
p GET '/api/partners?status=INACTIVE' "" "$ADMIN"
is "$(jq_body '[.data[].id]|join(",")')" "list-2" "filter by status"
p GET '/api/partners?search=nic-takiego' "" "$ADMIN"
is "$(jq_body '(.data|length|tostring) + " " + (.meta|[.total,.totalPages]|map(tostring)|join(","))')" "0 0,1" \
	"no match: empty data, totalPages 1"
p GET '/api/partners?perPage=100' "" "$ADMIN"
is "$STATUS" 200 "perPage 100 is allowed"
p GET '/api/partners?perPage=101' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0] + ":" + .issues[0].code')" "400:perPage:too_big" "perPage over 100 is 400"
p GET '/api/partners?page=-1' "" "$ADMIN"
is "$STATUS" 400 "a negative page is 400"
p GET '/api/partners?status=open' "" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_enum_value" "an unknown status is 400"
p GET /api/partners "" "$SUP"
is "$STATUS" 200 "a supervisor lists partners"
p GET /api/partners
is "$STATUS" 401 "list without a token is 401"
for who in OP PART; do
	p GET /api/partners "" "${!who}"
	is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "the list is for supervisors and admins ($who gets 403)"
done

# --- PATCH /api/partners/:id ---------------------------------------------------
psql_q "UPDATE \"Partner\" SET \"createdAt\" = now() - interval '1 day', \"updatedAt\" = now() - interval '1 day' WHERE id = 'seed-partner'" >/dev/null
p PATCH /api/partners/seed-partner '{"name":"Seed Partner Renamed","notes":"nowe"}' "$ADMIN"
is "$STATUS:$(jq_body '[.id,.name,.notes,.status]|join("|")')" "200:seed-partner|Seed Partner Renamed|nowe|ACTIVE" \
	"a partner with a human-chosen id is updated"
[[ $(jq_body .updatedAt) > $(jq_body .createdAt) ]]
ok $? "updatedAt moves"
p GET /api/partners/me "" "$PART"
is "$(jq_body .name)" "Seed Partner Renamed" "the partner's users see the change"
p PATCH "/api/partners/$P1" '{"status":"INACTIVE"}' "$ADMIN"
is "$STATUS:$(jq_body '[.status,.name,.contact.email,(.slaRules.leadResponseMinutes|tostring),.notes]|join("|")')" \
	$'200:INACTIVE|Auto Dealer Sp. z o.o.|anna@dealer.pl|30|Key account\nline two' "absent fields stay as they were"
p PATCH "/api/partners/$P1" '{"contact":{"phone":"+48 22 000 00 00","role":"CEO"},"slaRules":{"leadResponseMinutes":15}}' "$ADMIN"
is "$STATUS:$(jq_body '(.contact|tojson) + "|" + (.slaRules|tojson)')" \
	'200:{"phone":"+48 22 000 00 00"}|{"leadResponseMinutes":15}' "contact and slaRules are replaced whole; unknown contact keys dropped"
p PATCH "/api/partners/$P1" '{"contact":null,"slaRules":null,"notes":null}' "$ADMIN"
is "$STATUS:$(jq_body '[(.contact|tostring),(.slaRules|tostring),(.notes|tostring)]|join("|")')" "200:null|null|null" \
	"null clears contact, slaRules and notes"
is "$(psql_q "SELECT (contact IS NULL)::text || (\"slaRules\" IS NULL)::text || (notes IS NULL)::text FROM \"Partner\" WHERE id = '$P1'")" \
	"truetruetrue" "as SQL NULL"
p PATCH "/api/partners/$P1" '{}' "$ADMIN"
is "$STATUS:$(jq_body .name)" "200:Auto Dealer Sp. z o.o." "an empty body changes nothing"
p PATCH /api/partners/no-such-partner '{"name":"Z"}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"Partner not found"}' "an unknown partner is 404"
p PATCH $'/api/partners/bad\nkey' '{"name":"Z"}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "a key with control characters never reaches the handler"
p PATCH "/api/partners/$(printf 'k%.0s' {1..201})" '{"name":"Z"}' "$ADMIN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "nor does an over-long key"
p PATCH "/api/partners/$P1" '{"name":""}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:too_small" "an empty name is 400"
p PATCH "/api/partners/$P1" '{"name":null}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code')" "400:invalid_type" "a null name is 400"
p PATCH "/api/partners/$P1" '{"slaRules":{"x":{"y":1}}}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:slaRules.x" "nested slaRules are 400"
p PATCH "/api/partners/$P1" '{"id":"other"}' "$ADMIN"
is "$STATUS:$(jq_body '.message + "|" + (.issues[0].path|join(".")) + ":" + .issues[0].message')" \
	"400:Validation failed|id:Read-only field cannot be changed" "the id cannot be changed"
is "$(psql_q "SELECT name || '|' || status FROM \"Partner\" WHERE id = '$P1'")" "Auto Dealer Sp. z o.o.|INACTIVE" \
	"refused updates change nothing"

# The echo rule: the original partner form sends the partner as GET returned
# it (id, createdAt, updatedAt included) with its edits (spec §4.4, frontend §10.2).
p GET '/api/partners?search=Auto%20Dealer' "" "$ADMIN"
ECHO_P=$(jq_body '.data[0]')
is "$(jq -r .id <<<"$ECHO_P")" "$P1" "(the partner as the list shows it)"
p PATCH "/api/partners/$P1" "$(jq -c '. + {name:"Auto Dealer 2",contact:{name:"Ewa",email:"ewa@dealer.pl",phone:""},slaRules:{leadResponseMinutes:20,contractTurnaroundDays:null},notes:"edytowane"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '[.id,.name,.contact.name,(.slaRules.leadResponseMinutes|tostring),.notes,.status]|join("|")')" \
	"200:$P1|Auto Dealer 2|Ewa|20|edytowane|INACTIVE" "the original form's body (the partner echoed with edits) is applied"
is "$(psql_q "SELECT name || '|' || notes FROM \"Partner\" WHERE id = '$P1'")" "Auto Dealer 2|edytowane" "and stored"
ECHO_P=$(jq -c . <<<"$BODY")
p PATCH "/api/partners/$P1" "$ECHO_P" "$ADMIN"
is "$STATUS:$(jq_body .name)" "200:Auto Dealer 2" "the partner sent back unchanged is a no-op 200"
p PATCH "/api/partners/$P1" "$(jq -c '. + {id:"cother0000000000000000001",name:"Zmiana"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" "400:id:Read-only field cannot be changed" \
	"a changed id is 400"
p PATCH "/api/partners/$P1" "$(jq -c '. + {createdAt:"2020-01-01T00:00:00.000Z",name:"Zmiana"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join(".")) + ":" + .issues[0].message')" "400:createdAt:Read-only field cannot be changed" \
	"an echoed createdAt with a different value is 400"
p PATCH "/api/partners/$P1" "$(jq -c '. + {updatedAt:"2020-01-01T00:00:00.000Z",name:"Zmiana"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues[0].path|join("."))')" "400:updatedAt" "an echoed updatedAt with a different value is 400"
p PATCH "/api/partners/$P1" "$(jq -c '. + {website:"http://x.pl",name:"Zmiana"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].code + ":" + .issues[0].keys[0]')" "400:unrecognized_keys:website" "an unknown key is still 400"
is "$(psql_q "SELECT name FROM \"Partner\" WHERE id = '$P1'")" "Auto Dealer 2" "refused echoes change nothing"
p PATCH /api/partners/seed-partner "$(jq -c '. + {id:"seed-partner"}' <<<"$ECHO_P")" "$ADMIN"
is "$STATUS:$(jq_body '(.issues|map(.path|join("."))|join(","))')" "400:createdAt,updatedAt" \
	"another partner's timestamps are not this one's"

p PATCH "/api/partners/$P1" '{"name":"Z"}'
is "$STATUS" 401 "update without a token is 401"
for who in SUP OP PART; do
	p PATCH "/api/partners/$P1" '{"name":"Z"}' "${!who}"
	is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "only admins update partners ($who gets 403)"
done

! grep -E -q "Admin123!|Operator123!|@example.com|@dealer.pl|Kowalska|eyJ" "$CGI_LOG"
ok $? "no password, token, name or e-mail address in the program's log"

t_done
