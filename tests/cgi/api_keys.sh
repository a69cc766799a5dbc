#!/usr/bin/env bash
# Partner API keys (issue 14): keys managed by cgi-bin/partners
# (/api/partners/:id/api-keys) and used as "Authorization: Bearer izk_..." on
# cgi-bin/leads (POST /api/leads, GET /api/leads, GET /api/leads/:id), run as
# plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-api-keys
CGI_LOG=$T_VAR/log/api-keys-cgi.log
: >"$CGI_LOG"

p() { CGI_PROG=partners cgi_run "$@"; }
l() { CGI_PROG=leads cgi_run "$@"; }
msg() { printf '%s:%s' "$STATUS" "$(jq_body .message)"; }
LEAD_BODY='{"customer":{"firstName":"Jan","lastName":"Kluczowy"}}'

psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('other-partner', 'Inny Partner')" >/dev/null
mk_user cpartneruser00000000000002 manager@example.com PARTNER_MANAGER seed-partner
mk_user cpartneruser00000000000003 employee@example.com PARTNER_EMPLOYEE seed-partner
mk_user cpartneruser00000000000005 other@example.com PARTNER_MANAGER other-partner
ADMIN=$(login admin@example.com 'Admin123!')
OP=$(login operator@example.com 'Operator123!')
MGR=$(login manager@example.com 'Admin123!')
EMP=$(login employee@example.com 'Admin123!')
OTHER=$(login other@example.com 'Admin123!')
[[ -n $ADMIN && -n $OP && -n $MGR && -n $EMP && -n $OTHER ]]
ok $? "test users log in"

# A lead of each partner, entered by staff.
l POST /api/leads '{"partnerId":"other-partner","customer":{"firstName":"Obcy","lastName":"Lead"}}' "$ADMIN"
FOREIGN=$(jq_body .id)
l POST /api/leads '{"partnerId":"seed-partner","customer":{"firstName":"Nasz","lastName":"Lead"}}' "$ADMIN"
OWN=$(jq_body .id)
[[ -n $FOREIGN && -n $OWN ]]
ok $? "a lead of each partner"

# --- POST /api/partners/:id/api-keys -------------------------------------------
p POST /api/partners/seed-partner/api-keys '{"name":" System CRM ","scopes":["leads:create","leads:read"]}' "$MGR"
is "$STATUS" 201 "a partner manager creates a key for their partner"
KEY_ALL=$(jq_body .key)
KID_ALL=$(jq_body .id)
like "$KEY_ALL" '^izk_[0-9a-f]{64}$' "the key: izk_ and 256 random bits in hex"
is "$(jq_body '[.name,.prefix,(.scopes|join(",")),.rateLimitPerMinute,(.expiresAt|tostring),(.lastUsedAt|tostring)]|join("|")')" \
	"System CRM|${KEY_ALL:0:12}|leads:create,leads:read|60|null|null" "name trimmed, prefix visible, scopes, default rate, no expiry, unused"
is "$(psql_q "SELECT count(*) FROM \"PartnerApiKey\" WHERE \"keyHash\" = encode(sha256('$KEY_ALL'::bytea), 'hex')")" 1 \
	"the key is stored as its SHA-256"
is "$(psql_q "SELECT count(*) FROM \"PartnerApiKey\" k WHERE k::text LIKE '%${KEY_ALL:12}%'")" 0 \
	"the key itself is nowhere in its row (hashed at rest)"
is "$(psql_q "SELECT \"actorId\" || ':' || action FROM \"PartnerApiKeyEvent\" WHERE \"keyId\" = '$KID_ALL'")" \
	"cpartneruser00000000000002:API_KEY_CREATED" "the creation is audited with its actor"

p POST /api/partners/seed-partner/api-keys '{"name":"Tylko zapis","scopes":["leads:create"],"rateLimitPerMinute":3}' "$ADMIN"
is "$STATUS" 201 "an admin creates a key for any partner"
KEY_CREATE=$(jq_body .key)
KID_CREATE=$(jq_body .id)
p POST /api/partners/seed-partner/api-keys '{"name":"Tylko odczyt","scopes":["leads:read"]}' "$MGR"
KEY_READ=$(jq_body .key)
p POST /api/partners/other-partner/api-keys '{"name":"Inny","scopes":["leads:read","leads:create"]}' "$OTHER"
KEY_OTHER=$(jq_body .key)
[[ -n $KEY_CREATE && -n $KEY_READ && -n $KEY_OTHER ]]
ok $? "keys for each scope and for the other partner"

p POST /api/partners/other-partner/api-keys '{"name":"x","scopes":["leads:read"]}' "$MGR"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner manager cannot create keys of another partner"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:read"]}' "$EMP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a partner employee cannot create keys"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:read"]}' "$OP"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an operator cannot create keys"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:read"]}'
is "$STATUS" 401 "no session: 401"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:delete"]}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:scopes.0" "an unknown scope is refused"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":[]}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:scopes" "at least one scope"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:read"],"expiresAt":"2001-01-01T00:00:00.000Z"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0]|(.path|join("."))+":"+.message')" "400:expiresAt:Must be in the future" "an expiry in the past is refused"
p POST /api/partners/no-such-partner/api-keys '{"name":"x","scopes":["leads:read"]}' "$ADMIN"
is "$(msg)" "404:Partner not found" "unknown partner: 404"
p POST /api/partners/seed-partner/api-keys '{"name":"x","scopes":["leads:read"]}' "$KEY_ALL"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a key cannot create keys"

# --- GET /api/partners/:id/api-keys ---------------------------------------------
p GET /api/partners/seed-partner/api-keys "" "$MGR"
is "$STATUS:$(jq_body length)" "200:3" "the manager lists the partner's three keys"
is "$(jq_body '[.[]|has("key")]|any')" false "a listed key never carries the key"
like "$BODY" "${KEY_ALL:0:12}" "the prefix is listed"
if [[ $BODY == *"${KEY_ALL:12}"* || $BODY == *"${KEY_READ:12}"* ]]; then ok 1 "the key is never shown again"; else ok 0 "the key is never shown again"; fi
is "$(jq_body '[.[]|has("keyHash")]|any')" false "nor its hash"
p GET /api/partners/other-partner/api-keys "" "$MGR"
is "$STATUS" 403 "another partner's keys are not listed"
p GET /api/partners/no-such-partner/api-keys "" "$ADMIN"
is "$(msg)" "404:Partner not found" "list: unknown partner"

# --- use ----------------------------------------------------------------------
l POST /api/leads "$LEAD_BODY" "$KEY_ALL"
is "$STATUS:$(jq_body .partnerId)" "201:seed-partner" "a key creates a lead for its partner"
NEW=$(jq_body .id)
is "$(psql_q "SELECT \"createdByUserId\" || ':' || (\"assignedUserId\" IS NULL)::text FROM \"Lead\" WHERE id = '$NEW'")" \
	"cpartneruser00000000000002:true" "the lead is the key creator's, unassigned like a partner's lead"
l POST /api/leads '{"partnerId":"other-partner","customer":{"firstName":"A","lastName":"B"}}' "$KEY_ALL"
is "$(msg)" "403:Cannot create leads for other partners" "a key cannot create leads for another partner"
l GET /api/leads "" "$KEY_ALL"
is "$STATUS" 200 "a read key lists leads"
IDS=$(jq_body '[.data[].id]|join(" ")')
like "$IDS" "$OWN" "its partner's leads are listed"
like "$IDS" "$NEW" "including the one it created"
if [[ $IDS == *"$FOREIGN"* ]]; then ok 1 "another partner's lead is never listed"; else ok 0 "another partner's lead is never listed"; fi
l GET /api/leads/$OWN "" "$KEY_READ"
is "$STATUS:$(jq_body .id)" "200:$OWN" "a read key reads its partner's lead"
l GET /api/leads/$FOREIGN "" "$KEY_READ"
like "$STATUS" '^40[34]$' "another partner's lead is not readable"
if [[ $BODY == *Obcy* ]]; then ok 1 "and nothing of it is shown"; else ok 0 "and nothing of it is shown"; fi
l GET /api/leads/$OWN "" "$KEY_OTHER"
like "$STATUS" '^40[34]$' "the other partner's key does not read our lead"

# Scopes.
l GET /api/leads "" "$KEY_CREATE"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a create-only key cannot list"
l GET /api/leads/$OWN "" "$KEY_CREATE"
is "$STATUS" 403 "a create-only key cannot read a lead"
l POST /api/leads "$LEAD_BODY" "$KEY_READ"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "a read-only key cannot create"
l GET /api/leads/board "" "$KEY_ALL"
is "$STATUS" 403 "a key reaches no other lead route (board)"
l POST /api/leads/$OWN/notes '{"content":"x"}' "$KEY_ALL"
is "$STATUS" 403 "nor a write route (notes)"
CGI_PROG=auth cgi_run GET /api/auth/me "" "$KEY_ALL"
is "$STATUS" 403 "nor another program's route (auth/me)"

# Audit of use: one row per request, last use and a count on the key.
is "$(psql_q "SELECT count(*) FROM \"PartnerApiKeyUse\" WHERE \"keyId\" = '$KID_ALL' AND method = 'POST' AND route = '/api/leads'")" 2 \
	"every request of a key is one audit row (method, route)"
is "$(psql_q "SELECT count(*) FROM \"PartnerApiKeyUse\" WHERE \"keyId\" = '$KID_ALL' AND ip = '192.0.2.10'")" \
	"$(psql_q "SELECT \"useCount\" FROM \"PartnerApiKey\" WHERE id = '$KID_ALL'")" "with the client address; useCount agrees"
p GET /api/partners/seed-partner/api-keys "" "$MGR"
like "$(jq -r --arg k "$KID_ALL" '.[]|select(.id==$k)|.lastUsedAt' <<<"$BODY")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "the list shows when a key was last used"

# Bad keys.
l GET /api/leads "" "izk_0000000000000000000000000000000000000000000000000000000000000000"
is "$STATUS:$BODY" '401:{"message":"Invalid or expired token"}' "an unknown key is 401"
l GET /api/leads "" "${KEY_ALL}x"
is "$STATUS" 401 "a key with a byte more is 401"
CGI_COOKIE="izzy_session=$KEY_ALL" l GET /api/leads
is "$STATUS" 401 "a key is not accepted as the session cookie"

# Rate limit: 3 a minute on KEY_CREATE (its counter starts afresh here).
psql_q "DELETE FROM \"RateLimit\" WHERE key LIKE 'apikey:%'" >/dev/null
codes=""
for i in 1 2 3 4; do
	l POST /api/leads "$LEAD_BODY" "$KEY_CREATE"
	codes+="$STATUS "
done
is "$codes" "201 201 201 429 " "the 4th request in a minute of a 3/min key is 429"
like "$HEADERS" 'Retry-After: [0-9]+' "with Retry-After"
is "$(jq_body .code)" "TOO_MANY_REQUESTS" "and a code"
l GET /api/leads "" "$KEY_ALL"
is "$STATUS" 200 "another key of the same partner is not limited by it"

# Expiry.
psql_q "UPDATE \"PartnerApiKey\" SET \"expiresAt\" = now() - interval '1 second' WHERE id = '$KID_CREATE'" >/dev/null
l POST /api/leads "$LEAD_BODY" "$KEY_CREATE"
is "$STATUS:$BODY" '401:{"message":"Invalid or expired token"}' "an expired key is 401"

# Inactive partner.
psql_q "UPDATE \"Partner\" SET status = 'INACTIVE' WHERE id = 'other-partner'" >/dev/null
l GET /api/leads "" "$KEY_OTHER"
is "$STATUS" 401 "a key of an inactive partner is 401"

# --- DELETE /api/partners/:id/api-keys/:keyId ------------------------------------
p DELETE /api/partners/seed-partner/api-keys/$KID_ALL "" "$OTHER"
is "$STATUS" 403 "another partner's manager cannot revoke"
p DELETE /api/partners/other-partner/api-keys/$KID_ALL "" "$ADMIN"
is "$(msg)" "404:API key not found" "a key is revoked only under its own partner"
p DELETE /api/partners/seed-partner/api-keys/cnosuchkey000000000000001 "" "$MGR"
is "$(msg)" "404:API key not found" "revoke: unknown key"
l GET /api/leads "" "$KEY_ALL"
is "$STATUS" 200 "the key works before revocation"
p DELETE /api/partners/seed-partner/api-keys/$KID_ALL "" "$MGR"
is "$STATUS" 204 "the manager revokes the key"
l GET /api/leads "" "$KEY_ALL"
is "$STATUS:$BODY" '401:{"message":"Invalid or expired token"}' "the next call of a revoked key is 401"
p DELETE /api/partners/seed-partner/api-keys/$KID_ALL "" "$MGR"
is "$STATUS" 204 "revoking again changes nothing"
is "$(psql_q "SELECT string_agg(action, ',' ORDER BY \"createdAt\", action) FROM \"PartnerApiKeyEvent\" WHERE \"keyId\" = '$KID_ALL'")" \
	"API_KEY_CREATED,API_KEY_REVOKED" "creation and one revocation are audited"
p GET /api/partners/seed-partner/api-keys "" "$MGR"
like "$(jq -r --arg k "$KID_ALL" '.[]|select(.id==$k)|.revokedAt' <<<"$BODY")" '^[0-9]{4}-' "the list shows the revocation"

t_done
