#!/usr/bin/env bash
# The partner API's OpenAPI 3.1 description (issue 14) through the whole stack: nginx serves
# www/openapi.json at /api/openapi.json; its structure is checked (openapi 3.1.x, the bearer
# scheme, every path and method a partner API key can call with its security and responses,
# nothing more); and every documented operation answers through nginx with a real key, with
# the statuses it documents.
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db http-openapi
PORT=${IZZY_TEST_OPENAPI_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 23))}
BASE=http://127.0.0.1:$PORT
JAR=$T_VAR/cookies
rm -f "$JAR"

# req METHOD PATH [curl args...]: sets STATUS, HEADERS, BODY.
req() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -S -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -X "$method" \
		"$@" "$BASE$path") || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_VAR/headers")
	BODY=$(cat "$T_VAR/body")
}

stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"

# --- the document --------------------------------------------------------------------------
req GET /api/openapi.json
is "$STATUS" 200 "/api/openapi.json is served"
like "$HEADERS" $'\n[Cc]ontent-[Tt]ype: application/json' "as JSON"
cmp -s "$T_VAR/body" "$top_srcdir/www/openapi.json"
ok $? "byte-identical to www/openapi.json"
DOC=$BODY
jq -e . >/dev/null <<<"$DOC"
ok $? "it parses"
like "$(jq -r .openapi <<<"$DOC")" '^3\.1\.[0-9]+$' "openapi is 3.1.x"
is "$(jq -r '[.info.title, .info.version]|map(type)|join(",")' <<<"$DOC")" "string,string" "info has a title and a version"
is "$(jq -c '.components.securitySchemes.partnerApiKey|{type,scheme}' <<<"$DOC")" '{"type":"http","scheme":"bearer"}' \
	"the key is an HTTP bearer scheme"
# Exactly the operations routed with ROLES_APIKEY_* in cgi-bin/leads.c.
is "$(jq -r '[.paths|to_entries[]|.key as $p|.value|keys[]|select(.!="parameters")|"\(ascii_upcase) \($p)"]|sort|join(",")' <<<"$DOC")" \
	"GET /api/leads,GET /api/leads/{id},POST /api/leads" "every operation a key can call is documented, and no other"
ROUTES=$(grep -o '{ HTTP_[A-Z]*, "[^"]*", [a-z_]*, [A-Z_ |]*ROLES_APIKEY_[A-Z]*' "$top_srcdir/cgi-bin/leads.c" |
	sed -E 's/^\{ HTTP_([A-Z]+), "([^"]*)".*/\1 \2/; s/:([a-z]+)/{\1}/g' | sort | paste -sd, -)
is "$ROUTES" "GET /api/leads,GET /api/leads/{id},POST /api/leads" "…which are the routes that accept keys"
is "$(jq -r '[.paths[][]|select(type=="object")|(.security|tostring)]|unique|join(" ")' <<<"$DOC")" \
	'[{"partnerApiKey":[]}]' "every operation names the key scheme"
is "$(jq -r '[.paths[][]|select(type=="object")|select((.responses|has("401") and has("403") and has("429"))|not)]|length' <<<"$DOC")" 0 \
	"every operation documents 401, 403 and 429"
is "$(jq -r '[.paths[][]|select(type=="object")|.responses|keys[]|select(startswith("2"))]|sort|join(",")' <<<"$DOC")" \
	"200,200,201" "and its success"
# Every $ref resolves.
bad=$(jq -r '[paths(type=="object" and has("$ref")) as $p | getpath($p)["$ref"]]|unique[]' <<<"$DOC" | while read -r ref; do
	path=$(jq -c --arg r "${ref#\#/}" '$r|split("/")' <<<null)
	jq -e --argjson p "$path" 'getpath($p) != null' >/dev/null <<<"$DOC" || printf '%s ' "$ref"
done)
is "$bad" "" "every \$ref resolves"

# --- every documented operation answers through nginx --------------------------------------
req POST /api/auth/login -b "$JAR" -c "$JAR" -H 'Content-Type: application/json' \
	--data-binary '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "admin logs in"
req POST /api/partners/seed-partner/api-keys -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
	-H 'Content-Type: application/json' --data-binary '{"name":"OpenAPI","scopes":["leads:create","leads:read"],"rateLimitPerMinute":100}'
is "$STATUS" 201 "admin creates a key through nginx"
KEY=$(jq -r .key <<<"$BODY")
req POST /api/partners/seed-partner/api-keys -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
	-H 'Content-Type: application/json' --data-binary '{"name":"zapis","scopes":["leads:create"]}'
KEY_CREATE=$(jq -r .key <<<"$BODY")

req POST /api/leads -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	--data-binary '{"customer":{"firstName":"Api","lastName":"Klient"}}'
is "$STATUS" 201 "POST /api/leads answers 201 with a key"
LEAD=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.id,.status,.partnerId,.leadCreatedAt]|map(type)|join(",")' <<<"$BODY")" "string,string,string,string" \
	"with the documented required fields of LeadCreated"
req POST /api/leads -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary '{}'
is "$STATUS" 400 "POST /api/leads answers 400 as documented"
req GET /api/leads -H "Authorization: Bearer $KEY"
is "$STATUS:$(jq -r '[has("data"),has("meta")]|join(",")' <<<"$BODY")" "200:true,true" "GET /api/leads answers the LeadPage shape"
req GET "/api/leads/$LEAD" -H "Authorization: Bearer $KEY"
is "$STATUS:$(jq -r .id <<<"$BODY")" "200:$LEAD" "GET /api/leads/{id} answers"
req GET /api/leads/cnosuchlead00000000000001 -H "Authorization: Bearer $KEY"
is "$STATUS" 404 "GET /api/leads/{id} answers 404 as documented"
req GET /api/leads -H "Authorization: Bearer $KEY_CREATE"
is "$STATUS" 403 "403 as documented (scope)"
req GET /api/leads -H "Authorization: Bearer izk_nope"
is "$STATUS" 401 "401 as documented"
req POST /api/leads -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-H 'Origin: https://evil.example' --data-binary '{"customer":{"firstName":"Bez","lastName":"CSRF"}}'
is "$STATUS" 201 "a bearer key is not subject to the cookie CSRF rule"

t_done
