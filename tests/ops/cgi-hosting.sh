#!/usr/bin/env bash
# tests/ops/cgi-hosting.sh — the programs as plain CGI behind a real CGI server (docs/shared-hosting.md).
#
# lighttpd with mod_cgi on a private port serves a "public_html" laid out as the page says: the
# public files of www/ and cgi-bin/ with the built programs (copied, as one uploads them). The API
# is routed by the page's own .htaccess rules (between "BEGIN izzy-api-rewrites" and "END …"),
# translated line by line into lighttpd's url.rewrite-once, so the documented rules are the tested
# ones. The programs get their settings only through setenv.add-environment (SetEnv under Apache).
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db cgi-hosting

PORT=${IZZY_TEST_CGI_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 15))}
BASE=http://127.0.0.1:$PORT
DOC=$top_srcdir/docs/shared-hosting.md
command -v lighttpd >/dev/null 2>&1 || t_bail "lighttpd not found: install the Debian package 'lighttpd' (scripts/install-deps does)"
[[ -f /usr/lib/lighttpd/mod_cgi.so ]] || t_bail "lighttpd has no mod_cgi (/usr/lib/lighttpd/mod_cgi.so)"

# --- public_html ----------------------------------------------------------------------------------
HTML=$T_VAR/public_html
rm -rf "$HTML" && mkdir -p "$HTML/cgi-bin" || t_bail "cannot create $HTML"
for f in index.html favicon.svg logo.svg css js vendor; do
	[[ -e $top_srcdir/www/$f ]] && cp -R "$top_srcdir/www/$f" "$HTML/"
done
PROGRAMS=()
for f in "$top_builddir"/cgi-bin/*; do
	[[ -f $f && -x $f && ${f##*/} != *.* ]] || continue
	cp "$f" "$HTML/cgi-bin/" && PROGRAMS+=("${f##*/}")
done
((${#PROGRAMS[@]} > 0)) || t_bail "no programs in $top_builddir/cgi-bin"

# --- the page's rewrite rules, as lighttpd's ----------------------------------------------------------
# Apache (per-directory): RewriteRule ^PATTERN TARGET [FLAGS] — PATTERN matches the path without
# its leading "/" and without the query; QSA appends the query. lighttpd matches "/path?query":
# "^/" PATTERN (its "$" moved after an optional query group) => "/" TARGET "?" query.
rules=$(sed -n '/^# BEGIN izzy-api-rewrites/,/^# END izzy-api-rewrites/p' "$DOC" | grep '^RewriteRule ')
[[ -n $rules ]] || t_bail "no rewrite rules between BEGIN/END izzy-api-rewrites in $DOC"
n_rules=0
rewrites=""
while read -r _ pat target flags; do
	[[ $pat == ^* && $target == cgi-bin/* && $flags == *L* && $flags == *QSA* ]] ||
		t_bail "rule not in the documented form: $pat $target $flags"
	pat=${pat#^}
	pat=${pat%\$}
	# Apache's pattern never sees the query: nothing in it may match past a "?" here.
	pat=${pat//'[^'/'[^?'}
	pat=${pat//'.'/'[^?]'}
	groups=$(printf '%s' "$pat" | grep -o '(' | wc -l)
	ci=""
	[[ $flags == *NC* ]] && ci='(?i)'
	rewrites+=$(printf '\t"%s^/%s(?:\\?(.*))?$" => "/%s?$%d",' "$ci" "$pat" "$target" $((groups + 1)))$'\n'
	n_rules=$((n_rules + 1))
done <<<"$rules"
# Every program of nginx/api-routes that is built has a rule.
for p in "${PROGRAMS[@]}"; do
	grep -q " cgi-bin/$p/" <<<"$rules"; ok $? "the page's rules route to $p"
done

# --- lighttpd --------------------------------------------------------------------------------------
conf=$T_VAR/lighttpd.conf
cat >"$conf" <<EOF
# tests/ops/cgi-hosting.sh
server.modules = ( "mod_access", "mod_setenv", "mod_rewrite", "mod_cgi" )
server.document-root = "$HTML"
server.bind = "127.0.0.1"
server.port = $PORT
server.pid-file = "$T_VAR/run/lighttpd.pid"
server.errorlog = "$T_VAR/log/lighttpd-error.log"
server.breakagelog = "$T_VAR/log/cgi-stderr.log"
server.upload-dirs = ( "$T_VAR" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".js" => "text/javascript",
	".css" => "text/css", ".svg" => "image/svg+xml", ".json" => "application/json" )

# The page's .htaccess rules ($n_rules), translated.
url.rewrite-once = (
$rewrites)
# The app's deep links.
url.rewrite-if-not-file = ( "^/(?!api(/|\\?|\$)|cgi-bin/)[^?]*(\\?.*)?\$" => "/index.html" )

\$HTTP["url"] =~ "^/cgi-bin/" {
	cgi.assign = ( "" => "" )
}

# SetEnv under Apache: the programs' only source of settings.
setenv.add-environment = (
	"IZZY_ENV" => "test",
	"DATABASE_URL" => "$DATABASE_URL",
	"JWT_SECRET" => "$JWT_SECRET",
	"APP_BASE_URL" => "$APP_BASE_URL",
	"UPLOAD_DIR" => "$T_VAR/uploads"
)
EOF
mkdir -p "$T_VAR/uploads"
lighttpd -tt -f "$conf" >"$T_VAR/log/lighttpd-check.log" 2>&1 || { sed 's/^/# /' "$T_VAR/log/lighttpd-check.log"; t_bail "lighttpd rejects $conf"; }
# Only our variables reach lighttpd, so the programs cannot take a setting from this shell.
setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin lighttpd -D -f "$conf" </dev/null >>"$T_VAR/log/lighttpd.log" 2>&1 &
LIGHTTPD=$!
trap 'rc=$?; kill -TERM $LIGHTTPD 2>/dev/null; wait $LIGHTTPD 2>/dev/null; (exit $rc); t_cleanup' EXIT
_stack_wait_tcp 127.0.0.1 "$PORT" 10 || { tail -n 20 "$T_VAR/log/lighttpd-error.log" | sed 's/^/# /'; t_bail "lighttpd does not answer on $PORT"; }

JAR=$T_VAR/cookies
rm -f "$JAR"
# req METHOD PATH [BODY] [curl args…]: STATUS, BODY
req() {
	local method=$1 path=$2 body=${3-}
	shift 3 || shift $#
	local args=(-s -o "$T_VAR/body" -w '%{http_code}' -X "$method" -b "$JAR" -c "$JAR")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || STATUS=000
	BODY=$(cat "$T_VAR/body" 2>/dev/null)
}

# --- the frontend -----------------------------------------------------------------------------------
req GET / ""
is "$STATUS" 200 "the app shell"
like "$BODY" '<html lang="pl"' "is the app's index.html"
req GET /leads/cabc123456789 ""
like "$STATUS:$BODY" '^200:.*<html lang="pl"' "a deep link gets index.html"

# --- the API through mod_cgi ---------------------------------------------------------------------------
req GET /api/health ""
is "$STATUS:$BODY" '200:{"status":"ok"}' "GET /api/health: cgi-bin/health as CGI"
req GET /api/health/ready ""
is "$STATUS" 200 "GET /api/health/ready: the database settings came from setenv"
req GET /api/no-such-thing ""
is "$STATUS:$BODY" '404:{"message":"Not found"}' "an unknown API path is the API's JSON 404"

req POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "login"
TOKEN=$(printf '%s' "$BODY" | jq -r '.token // empty')
[[ -n $TOKEN ]]; ok $? "login returns a token"
grep -q izzy_session "$JAR"; ok $? "and sets the session cookie"

# The Authorization header reaches the program (HTTP_AUTHORIZATION).
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/me")
is "$STATUS:$(jq -r .user.email "$T_VAR/body" 2>/dev/null)" 200:admin@example.com "Authorization: Bearer authenticates (HTTP_AUTHORIZATION)"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/auth/me")
is "$STATUS" 401 "without credentials: 401"

consents=$(psql_q "SELECT coalesce(json_agg(json_build_object('templateId', id, 'version', version, 'given', true)), '[]')
	FROM \"ConsentTemplate\" WHERE \"formType\" = 'lead_creation' AND \"isRequired\"")
lead_body() { jq -cn --argjson c "$consents" --arg e "$1" \
	'{partnerId:"seed-partner",customer:{firstName:"Anna",lastName:"Hosting",email:$e,phone:"+48 600 800 900"},consents:$c}'; }
# A create with the Bearer token (no cookie), and one with the cookie only.
STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary "$(lead_body anna.cgi1@example.com)" "$BASE/api/leads")
BODY=$(cat "$T_VAR/body")
is "$STATUS:$BODY" "201:$BODY" "lead create with Authorization: Bearer"
lead1=$(printf '%s' "$BODY" | jq -r '.id // empty')
req POST /api/leads "$(lead_body anna.cgi2@example.com)"
is "$STATUS:$BODY" "201:$BODY" "lead create with the session cookie (POST body through CGI stdin)"
lead2=$(printf '%s' "$BODY" | jq -r '.id // empty')

req GET "/api/leads?perPage=50" ""
is "$STATUS" 200 "lead list"
ids=$(printf '%s' "$BODY" | jq -r '[.data[].id] | join(" ")' 2>/dev/null)
[[ -n $lead1 && -n $lead2 && " $ids " == *" $lead1 "* && " $ids " == *" $lead2 "* ]]
ok $? "the list has both new leads"
req GET "/api/leads?perPage=1&page=2" ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r '[(.data | length), .meta.perPage, .meta.page] | map(tostring) | join(",")' 2>/dev/null)" \
	"200:1,1,2" "the query string reaches the program through the rewrite"
req GET "/api/leads/$lead1" ""
is "$STATUS:$(printf '%s' "$BODY" | jq -r '.id // empty' 2>/dev/null)" "200:$lead1" "lead detail (the id in PATH_INFO)"

# The settings come only from the server: a program started without them refuses to run.
out=$(cd "$HTML/cgi-bin" && env -i PATH=/usr/bin:/bin REQUEST_METHOD=GET PATH_INFO=/api/health GATEWAY_INTERFACE=CGI/1.1 \
	./health 2>&1 </dev/null)
like "$out" 'DATABASE_URL|JWT_SECRET|refusing' "without the server's environment a program refuses to start"

t_done
