#!/usr/bin/env bash
# Per-binary tests of cgi-bin/auth, run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-auth
CGI_PROG=auth
CGI_LOG=$T_VAR/log/auth-cgi.log
: >"$CGI_LOG"

users_fingerprint() { psql_q "SELECT count(*) || md5(string_agg(email || \"hashedPassword\" || status, ',' ORDER BY id)) FROM \"User\""; }

# --- login -------------------------------------------------------------------
cgi_run POST /api/auth/login "$(login_body admin@example.com 'Admin123!')"
is "$STATUS" 200 "admin logs in with the documented password"
TOKEN=$(jq_body .token)
like "$TOKEN" '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$' "token is an HS256 JWT"
is "$(jq_body '.user|[.email,.role,(.partnerId|tostring),(.partner|tostring)]|join(",")')" \
	"admin@example.com,ADMIN,null,null" "user object as the reference"
like "$(jq_body '.user.id')" '^c[a-z0-9]{8,}$' "user id is cuid-shaped"
cookie=$(header Set-Cookie)
like "$cookie" "^izzy_session=$TOKEN; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Strict; Secure$" \
	"session cookie is HttpOnly, SameSite=Strict and Secure outside development"
payload=$(printf '%s' "$TOKEN" | cut -d. -f2 | tr '_-' '/+')
while (( ${#payload} % 4 )); do payload+='='; done
claims=$(printf '%s' "$payload" | base64 -d)
is "$(printf '%s' "$claims" | jq -r '[(.sub|startswith("c")), .email, .role, (.exp - .iat <= 43200)]|map(tostring)|join(",")')" \
	"true,admin@example.com,ADMIN,true" "claims carry sub/email/role and never outlive the 12 h session"

cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
is "$STATUS" 200 "operator logs in"
is "$(jq_body '.user.partner.id + "|" + .user.partner.name')" "seed-partner|Seed Partner" "operator carries its partner"
OP_TOKEN=$(jq_body .token)

# --- me ----------------------------------------------------------------------
cgi_run GET /api/auth/me "" "$TOKEN"
is "$STATUS" 200 "me with a bearer token"
is "$(jq_body '.user.email + "|" + .user.fullName + "|" + .user.status')" "admin@example.com|Seed Admin|ACTIVE" "me shows the stored user"
CGI_COOKIE="other=1; izzy_session=$TOKEN" cgi_run GET /api/auth/me
is "$STATUS" 200 "me with the session cookie"
cgi_run GET /api/auth/me
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "me without credentials"
CGI_AUTHORIZATION="Basic YWRtaW46eA==" cgi_run GET /api/auth/me
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "a non-Bearer scheme counts as missing"
CGI_AUTHORIZATION="bearer $TOKEN" cgi_run GET /api/auth/me
is "$STATUS" 401 "the Bearer prefix is case-sensitive"
cgi_run GET /api/auth/me "" "garbage"
is "$STATUS:$BODY" '401:{"message":"Invalid or expired token"}' "garbage token"
# Change one character inside the signature (the last one only carries padding bits).
sig_c=${TOKEN: -10:1}
[[ $sig_c == A ]] && new_c=B || new_c=A
cgi_run GET /api/auth/me "" "${TOKEN:0:${#TOKEN}-10}$new_c${TOKEN: -9}"
is "$STATUS:$BODY" '401:{"message":"Invalid or expired token"}' "tampered signature"
forged_hdr=$(printf '{"alg":"none","typ":"JWT"}' | base64 -w0 | tr '/+' '_-' | tr -d '=')
cgi_run GET /api/auth/me "" "$forged_hdr.$(printf '%s' "$TOKEN" | cut -d. -f2)."
is "$STATUS" 401 "alg=none is refused"

# --- sessions: role and status re-read, idle and absolute limits, revocation ---
psql_q "UPDATE \"User\" SET role = 'SUPERVISOR' WHERE email = 'operator@example.com'" >/dev/null
cgi_run GET /api/auth/me "" "$OP_TOKEN"
is "$(jq_body .user.role)" SUPERVISOR "the role is re-read on every request"
psql_q "UPDATE \"User\" SET role = 'OPERATOR', status = 'INACTIVE' WHERE email = 'operator@example.com'" >/dev/null
cgi_run GET /api/auth/me "" "$OP_TOKEN"
is "$STATUS" 401 "a deactivated user's session stops at once"
psql_q "UPDATE \"User\" SET status = 'ACTIVE' WHERE email = 'operator@example.com'" >/dev/null

cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
T2=$(jq_body .token)
psql_q "UPDATE \"Session\" SET \"lastSeenAt\" = now() - interval '31 minutes' WHERE \"userId\" = (SELECT id FROM \"User\" WHERE email = 'operator@example.com') AND \"revokedAt\" IS NULL" >/dev/null
cgi_run GET /api/auth/me "" "$T2"
is "$STATUS" 401 "30 minutes idle ends the session"
cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
T3=$(jq_body .token)
psql_q "UPDATE \"Session\" SET \"expiresAt\" = now() - interval '1 second' WHERE \"userId\" = (SELECT id FROM \"User\" WHERE email = 'operator@example.com') AND \"revokedAt\" IS NULL" >/dev/null
cgi_run GET /api/auth/me "" "$T3"
is "$STATUS" 401 "the absolute lifetime ends the session"

# --- logout ------------------------------------------------------------------
cgi_run POST /api/auth/logout "" "$TOKEN"
is "$STATUS" 204 "logout answers 204"
like "$(header Set-Cookie)" '^izzy_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict' "logout clears the cookie"
cgi_run GET /api/auth/me "" "$TOKEN"
is "$STATUS" 401 "a logged-out token is dead"
cgi_run POST /api/auth/logout
is "$STATUS" 401 "logout needs a session"

# --- hostile input to login: status, body, and nothing changes -----------------
before=$(users_fingerprint)
cgi_run POST /api/auth/login '{"email":"admin@example.com","password":'
is "$STATUS" 400 "malformed JSON is 400"
like "$BODY" '^\{"message":"Unexpected token in JSON at position [0-9]+"\}$' "malformed JSON body has only a message"
big=$(head -c 2097152 /dev/zero | tr '\0' 'a')
cgi_run POST /api/auth/login "{\"email\":\"$big\"}"
is "$STATUS:$BODY" '413:{"message":"request entity too large"}' "a 2 MB body is 413"
unset big
cgi_run POST /api/auth/login '{}'
is "$STATUS" 400 "missing fields are 400"
is "$(jq_body '[.message] + [.issues[] | (.path|join(".")) + ":" + .code + ":" + .message] | join("|")')" \
	"Validation failed|email:invalid_type:Required|password:invalid_type:Required" "issues list each missing field"
cgi_run POST /api/auth/login '{"email":42,"password":["x"]}'
is "$(jq_body '[.issues[] | (.path|join(".")) + ":" + .expected + ":" + .received] | join("|")')" \
	"email:string:number|password:string:array" "wrong types are named"
cgi_run POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!","role":"ADMIN"}'
is "$STATUS:$(jq_body '.issues[0].code + ":" + .issues[0].keys[0]')" "400:unrecognized_keys:role" "unknown fields are rejected"
cgi_run POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!","password":"x"}'
is "$STATUS" 400 "duplicate keys are rejected"
cgi_run POST /api/auth/login "$(login_body "' OR 1=1 --@example.com" 'Admin123!')"
is "$STATUS:$(jq_body '.issues[0].message')" "400:Invalid email" "SQL metacharacters in the e-mail fail validation"
cgi_run POST /api/auth/login "$(login_body admin@example.com "x' OR '1'='1'; DROP TABLE \"User\"; --")"
is "$STATUS:$BODY" '401:{"message":"Invalid credentials"}' "SQL metacharacters in the password are just a wrong password"
cgi_run POST /api/auth/login '[1,2]'
is "$STATUS" 400 "an array body is a validation error"
CGI_CT=text/plain cgi_run POST /api/auth/login "$(login_body admin@example.com 'Admin123!')"
is "$STATUS" 415 "non-JSON content type is 415"
raw=$(env -i REQUEST_METHOD=POST PATH_INFO=/api/auth/login DATABASE_URL="$DATABASE_URL" JWT_SECRET="$JWT_SECRET" \
	IZZY_ENV=test "$top_builddir/cgi-bin/auth" </dev/null 2>/dev/null | head -n 1)
like "$raw" '^Status: 411' "POST without Content-Length is 411"
cgi_run POST /api/auth/login "$(printf '{"email":"admin@example.com","password":"Admin\x01123!"}')"
is "$STATUS" 400 "control characters are rejected"
is "$(users_fingerprint)" "$before" "hostile login input changed no user"

# --- wrong passwords and unknown users -----------------------------------------
cgi_run POST /api/auth/login "$(login_body admin@example.com 'Wrong-password-1')"
is "$STATUS:$BODY" '401:{"message":"Invalid credentials"}' "wrong password"
cgi_run POST /api/auth/login "$(login_body nobody@example.com 'Wrong-password-1')"
is "$STATUS:$BODY" '401:{"message":"Invalid credentials"}' "unknown user gets the same answer"
cgi_run POST /api/auth/login "$(login_body Admin@Example.com 'Admin123!')"
is "$STATUS:$(jq_body .user.email)" "200:admin@example.com" "e-mails compare lower-cased (spec §9 item 26)"
psql_q "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status)
	SELECT 'cinactive00000000000000001', 'inactive@example.com', \"hashedPassword\", 'OPERATOR', 'Nieaktywny', 'INACTIVE'
	FROM \"User\" WHERE email = 'admin@example.com'" >/dev/null
cgi_run POST /api/auth/login "$(login_body inactive@example.com 'Admin123!')"
is "$STATUS:$BODY" '403:{"message":"User is not active"}' "inactive user is refused with 403"

# --- rate limiting: 20 wrong passwords in a row ---------------------------------
codes=""
for i in $(seq 1 20); do
	CGI_REMOTE_ADDR=198.51.100.7 cgi_run POST /api/auth/login "$(login_body operator@example.com "Wrong-password-$i")"
	codes+="$STATUS "
done
is "$codes" "401 401 401 401 401 429 429 429 429 429 429 429 429 429 429 429 429 429 429 429 " \
	"after 5 failures the account is throttled"
is "$(jq_body .code)" TOO_MANY_ATTEMPTS "429 carries TOO_MANY_ATTEMPTS"
like "$(header Retry-After)" '^[0-9]+$' "429 carries Retry-After"
CGI_REMOTE_ADDR=198.51.100.8 cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
is "$STATUS" 429 "the right password does not bypass the account lock"
psql_q "DELETE FROM \"RateLimit\"" >/dev/null
CGI_REMOTE_ADDR=198.51.100.8 cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
is "$STATUS" 200 "when the window has passed the user logs in"
codes=""
for i in $(seq 1 31); do
	CGI_REMOTE_ADDR=203.0.113.9 cgi_run POST /api/auth/login "$(login_body "probe$i@example.com" 'Wrong-password-1')"
	codes+="$STATUS "
done
like "$codes" '^(401 ){30}429 $' "one address guessing many accounts is throttled after 30 failures"
is "$(psql_q "SELECT count(*) FROM \"RateLimit\" WHERE key LIKE '%example.com%'")" 0 "rate-limit keys hold no e-mail address"

# --- forgotten password: single-use link, nothing else changes -------------------
psql_q "DELETE FROM \"RateLimit\"" >/dev/null
cgi_run POST /api/auth/reset-password '{"email":"nobody@example.com"}'
is "$STATUS:$BODY" "204:" "reset for an unknown e-mail answers 204"
is "$(psql_q 'SELECT count(*) FROM "Outbox"')" 0 "and queues no mail"
cgi_run POST /api/auth/reset-password '{"email":"inactive@example.com"}'
is "$(psql_q 'SELECT count(*) FROM "Outbox"')" 0 "no reset mail for a deactivated account"
cgi_run POST /api/auth/reset-password '{"email":"not-an-email"}'
is "$STATUS" 400 "reset validates the e-mail"
hash_before=$(psql_q "SELECT \"hashedPassword\" || status FROM \"User\" WHERE email = 'operator@example.com'")
cgi_run POST /api/auth/reset-password '{"email":"operator@example.com"}'
is "$STATUS" 204 "reset for a known user answers 204"
is "$(psql_q "SELECT \"hashedPassword\" || status FROM \"User\" WHERE email = 'operator@example.com'")" "$hash_before" \
	"the password and status do not change on request"
mail=$(psql_q "SELECT recipient || '|' || subject || '|' || \"bodyText\" FROM \"Outbox\"")
like "$mail" '^operator@example.com\|Izzy CRM – ustaw nowe hasło\|' "the mail goes to the user, in Polish"
like "$mail" 'http://crm.test/set-password\?token=[0-9a-f]{64}' "the mail carries a set-password link"
[[ $mail != *Operator123!* ]]; ok $? "no password in the mail"
RESET=$(printf '%s' "$mail" | grep -o 'token=[0-9a-f]\{64\}' | cut -d= -f2)
is "$(psql_q "SELECT count(*) FROM \"PasswordToken\" WHERE \"tokenHash\" = '$RESET'")" 0 "the token is stored hashed"
cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$RESET" '{token:$t,password:"short"}')"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:password" "a weak password is refused on the password field"
cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$RESET" '{token:$t,password:"Nowe-Haslo-2026!"}')"
is "$STATUS" 204 "set-password with the link"
cgi_run GET /api/auth/me "" "$T2"
cgi_run POST /api/auth/login "$(login_body operator@example.com 'Operator123!')"
is "$STATUS" 401 "the old password no longer works"
cgi_run POST /api/auth/login "$(login_body operator@example.com 'Nowe-Haslo-2026!')"
is "$STATUS" 200 "the new password works"
is "$(psql_q "SELECT count(*) FROM \"Session\" s JOIN \"User\" u ON u.id = s.\"userId\" WHERE u.email = 'operator@example.com' AND s.\"revokedAt\" IS NULL AND s.\"createdAt\" < (SELECT max(\"usedAt\") FROM \"PasswordToken\")")" 0 \
	"setting the password revoked the older sessions"
cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$RESET" '{token:$t,password:"Inne-Haslo-2026!"}')"
is "$STATUS:$(jq_body .code)" "400:INVALID_TOKEN" "a link works only once"
cgi_run POST /api/auth/set-password '{"token":"zz","password":"Inne-Haslo-2026!"}'
is "$STATUS:$(jq_body .code)" "400:INVALID_TOKEN" "a malformed token is an invalid link"
psql_q "UPDATE \"PasswordToken\" SET \"usedAt\" = NULL, \"expiresAt\" = now() - interval '1 second'" >/dev/null
cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$RESET" '{token:$t,password:"Inne-Haslo-2026!"}')"
is "$STATUS:$(jq_body .code)" "400:INVALID_TOKEN" "an expired link is refused"

# --- invitations: setting the password activates the account --------------------
psql_q "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status)
	VALUES ('cinvited000000000000000001', 'invited@example.com', '!', 'OPERATOR', 'Zaproszony', 'INVITED')" >/dev/null
cgi_run POST /api/auth/reset-password '{"email":"invited@example.com"}'
INVITE=$(psql_q "SELECT \"bodyText\" FROM \"Outbox\" WHERE recipient = 'invited@example.com'" | grep -o 'token=[0-9a-f]\{64\}' | cut -d= -f2)
is "$(psql_q "SELECT subject FROM \"Outbox\" WHERE recipient = 'invited@example.com'")" "Zaproszenie do Izzy CRM" "an invited user gets the invitation"
cgi_run POST /api/auth/set-password "$(jq -cn --arg t "$INVITE" '{token:$t,password:"Pierwsze-Haslo-1!"}')"
is "$STATUS" 204 "the invited user sets a password"
is "$(psql_q "SELECT status FROM \"User\" WHERE email = 'invited@example.com'")" ACTIVE "which activates the account"

# --- nothing secret in the logs ----------------------------------------------------
! grep -E -q 'Admin123!|Operator123!|Nowe-Haslo|Wrong-password|DROP TABLE|eyJ|admin@example.com|operator@example.com' "$CGI_LOG"
ok $? "no password, token or e-mail address in the program's log"
grep -q 'login failed' "$CGI_LOG"; ok $? "failed logins are logged (by user id)"

# --- issue 7: throttle race, one bcrypt per login, lower-cased addresses, hashed keys ---
psql_q 'DELETE FROM "RateLimit"' >/dev/null
# Ten wrong logins for one account at once, from ten addresses: each attempt is
# counted (atomically) before the password check, so at most 5 reach it.
par=$T_VAR/parallel
rm -rf "$par" && mkdir -p "$par"
pids=()
for i in $(seq 1 10); do
	(CGI_REMOTE_ADDR=198.51.100.$((20 + i)) cgi_run POST /api/auth/login "$(login_body admin@example.com "Wrong-parallel-$i")"
	 printf '%s\n' "$STATUS" >"$par/$i") &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
is "$(cat "$par"/* | sort | uniq -c | awk '{printf "%s*%s ", $2, $1}')" "401*5 429*5 " \
	"10 parallel wrong logins for one account: 5 x 401, the other 5 x 429"
is "$(psql_q "SELECT count FROM \"RateLimit\" WHERE key LIKE 'login-acct:%'")" 10 "every attempt was counted"
psql_q 'DELETE FROM "RateLimit"' >/dev/null

# One bcrypt run of the same cost for every failed login (common/pass.c logs which
# hash it ran at debug level): no timing tells an unknown or invited account apart.
psql_q "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status)
	VALUES ('cinvitedtiming00000000001', 'invited.timing@example.com', '!invited', 'OPERATOR', 'Zaproszony', 'INVITED')" >/dev/null
TLOG=$T_VAR/log/auth-timing.log
# bcrypt_runs EMAIL: a wrong-password login; sets STATUS, BODY and RUNS ("COUNT KINDS").
bcrypt_runs() {
	: >"$TLOG"
	CGI_LOG=$TLOG CGI_ENV=IZZY_LOG_LEVEL=debug CGI_REMOTE_ADDR=198.51.100.60 \
		cgi_run POST /api/auth/login "$(login_body "$1" 'Wrong-password-9')"
	RUNS="$(grep -c 'bcrypt check against the' "$TLOG") $(grep -o 'bcrypt check against the [a-z]* hash' "$TLOG" | cut -d' ' -f5 | paste -sd,)"
}
bcrypt_runs admin@example.com
is "$STATUS $RUNS" "401 1 stored" "wrong password: one bcrypt against the stored hash"
b_wrong=$BODY
bcrypt_runs nobody.timing@example.com
is "$STATUS $RUNS" "401 1 dummy" "unknown e-mail: one bcrypt against the dummy"
b_unknown=$BODY
bcrypt_runs invited.timing@example.com
is "$STATUS $RUNS" "401 1 dummy" "invited account (!invited): one bcrypt against the dummy"
b_invited=$BODY
bcrypt_runs inactive@example.com
is "$STATUS $RUNS" "401 1 stored" "deactivated account, wrong password: one bcrypt"
b_inactive=$BODY
is "$b_unknown|$b_invited|$b_inactive" "$b_wrong|$b_wrong|$b_wrong" "the four answers are byte-identical"
is "$b_wrong" '{"message":"Invalid credentials"}' "and say only Invalid credentials"

# Addresses compare lower-cased everywhere; the reset counter is keyed by the
# lower-cased address, so spellings share it.
psql_q 'DELETE FROM "RateLimit"; DELETE FROM "Outbox"' >/dev/null
for e in Operator@Example.COM operator@example.com OPERATOR@EXAMPLE.COM operator@EXAMPLE.com Operator@example.com; do
	cgi_run POST /api/auth/reset-password "{\"email\":\"$e\"}"
done
is "$STATUS" 204 "a throttled reset still answers 204"
is "$(psql_q "SELECT count(*) || ' ' || string_agg(DISTINCT recipient, ',') FROM \"Outbox\"")" "3 operator@example.com" \
	"five resets in any spelling: three mails, to the stored address"
psql_q "UPDATE \"User\" SET status = 'ACTIVE' WHERE email = 'inactive@example.com'" >/dev/null
cgi_run POST /api/auth/login "$(login_body INACTIVE@example.COM 'Admin123!')"
is "$STATUS" 200 "login in another spelling"
keys=$(psql_q 'SELECT string_agg(key, chr(10) ORDER BY key) FROM "RateLimit"')
like "$keys" "reset:" "the reset counter is in RateLimit"
is "$(grep -c -v -E '^(login-acct|login-ip|reset):[0-9a-f]{64}$' <<<"$keys")" 0 \
	"every RateLimit key is kind:HMAC, never a raw address or IP"
[[ $keys != *example* && $keys != *198.51.100* && $keys != *192.0.2* ]]
ok $? "no e-mail address or client address in a RateLimit key"

t_done
