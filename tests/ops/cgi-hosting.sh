#!/usr/bin/env bash
# tests/ops/cgi-hosting.sh — the programs as plain CGI behind real CGI servers (docs/shared-hosting.md).
#
# A "public_html" laid out as the page says — the public files of www/ and cgi-bin/ with the built
# programs (copied, as one uploads them) — is served twice, each on a private port, and the same
# smoke test (frontend, health, login, the Authorization header, lead create, list, detail) runs
# against each:
#   - lighttpd with mod_cgi: the page's .htaccess rewrite rules (between "BEGIN izzy-api-rewrites"
#     and "END …") translated line by line into url.rewrite-once; settings by setenv.add-environment;
#   - Apache (mod_cgi, prefork) reading the page's .htaccess files as they are (its ```apache blocks
#     "public_html/.htaccess" and "public_html/cgi-bin/.htaccess"); settings by SetEnv.
# The programs get their settings only from the server.
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

# req METHOD PATH [BODY] [curl args…]: STATUS, BODY (cookies in $JAR)
req() {
	local method=$1 path=$2 body=${3-}
	shift 3 || shift $#
	local args=(-s -o "$T_VAR/body" -w '%{http_code}' -X "$method" -b "$JAR" -c "$JAR")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || STATUS=000
	BODY=$(cat "$T_VAR/body" 2>/dev/null)
}

# smoke NAME: the checks, against the server on $BASE (labels prefixed "NAME:").
smoke() {
	local S=$1 TOKEN consents lead1 lead2 ids
	JAR=$T_VAR/cookies-$S
	rm -f "$JAR"

	# --- the frontend -----------------------------------------------------------------------------------
	req GET / ""
	is "$STATUS" 200 "$S: the app shell"
	like "$BODY" '<html lang="pl"' "$S: is the app's index.html"
	req GET /leads/cabc123456789 ""
	like "$STATUS:$BODY" '^200:.*<html lang="pl"' "$S: a deep link gets index.html"

	# --- the API through mod_cgi ---------------------------------------------------------------------------
	req GET /api/health ""
	is "$STATUS:$BODY" '200:{"status":"ok"}' "$S: GET /api/health: cgi-bin/health as CGI"
	req GET /api/health/ready ""
	is "$STATUS" 200 "$S: GET /api/health/ready: the database settings came from setenv"
	req GET /api/no-such-thing ""
	is "$STATUS:$BODY" '404:{"message":"Not found"}' "$S: an unknown API path is the API's JSON 404"

	req POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!"}'
	is "$STATUS" 200 "$S: login"
	TOKEN=$(printf '%s' "$BODY" | jq -r '.token // empty')
	[[ -n $TOKEN ]]; ok $? "$S: login returns a token"
	grep -q izzy_session "$JAR"; ok $? "$S: and sets the session cookie"

	# The Authorization header reaches the program (HTTP_AUTHORIZATION).
	STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/me")
	is "$STATUS:$(jq -r .user.email "$T_VAR/body" 2>/dev/null)" 200:admin@example.com "$S: Authorization: Bearer authenticates (HTTP_AUTHORIZATION)"
	STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/auth/me")
	is "$STATUS" 401 "$S: without credentials: 401"

	consents=$(psql_q "SELECT coalesce(json_agg(json_build_object('templateId', id, 'version', version, 'given', true)), '[]')
		FROM \"ConsentTemplate\" WHERE \"formType\" = 'lead_creation' AND \"isRequired\"")
	lead_body() { jq -cn --argjson c "$consents" --arg e "$1" \
		'{partnerId:"seed-partner",customer:{firstName:"Anna",lastName:"Hosting",email:$e,phone:"+48 600 800 900"},consents:$c}'; }
	# A create with the Bearer token (no cookie), and one with the cookie only.
	STATUS=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data-binary "$(lead_body anna.$S.1@example.com)" "$BASE/api/leads")
	BODY=$(cat "$T_VAR/body")
	is "$STATUS:$BODY" "201:$BODY" "$S: lead create with Authorization: Bearer"
	lead1=$(printf '%s' "$BODY" | jq -r '.id // empty')
	req POST /api/leads "$(lead_body anna.$S.2@example.com)"
	is "$STATUS:$BODY" "201:$BODY" "$S: lead create with the session cookie (POST body through CGI stdin)"
	lead2=$(printf '%s' "$BODY" | jq -r '.id // empty')

	req GET "/api/leads?perPage=50" ""
	is "$STATUS" 200 "$S: lead list"
	ids=$(printf '%s' "$BODY" | jq -r '[.data[].id] | join(" ")' 2>/dev/null)
	[[ -n $lead1 && -n $lead2 && " $ids " == *" $lead1 "* && " $ids " == *" $lead2 "* ]]
	ok $? "$S: the list has both new leads"
	req GET "/api/leads?perPage=1&page=2" ""
	is "$STATUS:$(printf '%s' "$BODY" | jq -r '[(.data | length), .meta.perPage, .meta.page] | map(tostring) | join(",")' 2>/dev/null)" \
		"200:1,1,2" "$S: the query string reaches the program through the rewrite"
	req GET "/api/leads/$lead1" ""
	is "$STATUS:$(printf '%s' "$BODY" | jq -r '.id // empty' 2>/dev/null)" "200:$lead1" "$S: lead detail (the id in PATH_INFO)"
}

smoke lighttpd

# --- Apache with the page's .htaccess files, as they are -----------------------------------------------
APACHE=/usr/sbin/apache2
[[ -x $APACHE && -f /usr/lib/apache2/modules/mod_cgi.so ]] ||
	t_bail "$APACHE not found: install the Debian package 'apache2-bin' (scripts/install-deps does)"
# Each ```apache block of the page whose first line names a file is that file: the root .htaccess
# and the first cgi-bin/.htaccess (mod_cgi; the second is mod_fcgid's).
awk -v root="$HTML/.htaccess" -v cgi="$HTML/cgi-bin/.htaccess" '
	/^```apache$/ { inb = 1; first = 1; out = ""; next }
	/^```$/ && inb { inb = 0; next }
	inb {
		if (first) {
			first = 0
			if ($0 == "# public_html/.htaccess") out = root
			else if ($0 == "# public_html/cgi-bin/.htaccess" && !cgidone) { out = cgi; cgidone = 1 }
		}
		if (out != "") print > out
	}' "$DOC"
[[ -s $HTML/.htaccess && -s $HTML/cgi-bin/.htaccess ]] || t_bail "the page has no public_html/.htaccess or cgi-bin/.htaccess block"
APORT=$((PORT + 1))
mkdir -p "$T_VAR/apache/logs"
user_lines=""
((EUID == 0)) && user_lines=$'User www-data\nGroup www-data'
M=/usr/lib/apache2/modules
cat >"$T_VAR/apache/httpd.conf" <<CONF
# tests/ops/cgi-hosting.sh: a minimal Apache that reads the account's .htaccess files
ServerRoot "$T_VAR/apache"
ServerName 127.0.0.1
Listen 127.0.0.1:$APORT
PidFile "$T_VAR/run/apache2.pid"
DefaultRuntimeDir "$T_VAR/apache/logs"
ErrorLog "$T_VAR/log/apache-error.log"
LogLevel warn
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule mime_module $M/mod_mime.so
LoadModule dir_module $M/mod_dir.so
LoadModule env_module $M/mod_env.so
LoadModule rewrite_module $M/mod_rewrite.so
LoadModule cgi_module $M/mod_cgi.so
$user_lines
StartServers 2
TypesConfig /dev/null
AddType text/html .html
AddType text/javascript .js
AddType text/css .css
AddType image/svg+xml .svg
DocumentRoot "$HTML"
<Directory />
	AllowOverride None
	Require all denied
</Directory>
<Directory "$HTML">
	AllowOverride All
	Require all granted
</Directory>
<Files ".ht*">
	Require all denied
</Files>
# The settings, in the server's configuration as the page recommends (SetEnv).
SetEnv IZZY_ENV test
SetEnv DATABASE_URL "$DATABASE_URL"
SetEnv JWT_SECRET "$JWT_SECRET"
SetEnv APP_BASE_URL "$APP_BASE_URL"
SetEnv UPLOAD_DIR "$T_VAR/uploads"
CONF
"$APACHE" -t -f "$T_VAR/apache/httpd.conf" >"$T_VAR/log/apache-check.log" 2>&1 ||
	{ sed 's/^/# /' "$T_VAR/log/apache-check.log"; t_bail "apache2 rejects its configuration"; }
setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$APACHE" -f "$T_VAR/apache/httpd.conf" -DFOREGROUND \
	</dev/null >>"$T_VAR/log/apache.log" 2>&1 &
APACHE_PID=$!
trap 'rc=$?; kill -TERM $LIGHTTPD $APACHE_PID 2>/dev/null; wait $LIGHTTPD $APACHE_PID 2>/dev/null; (exit $rc); t_cleanup' EXIT
_stack_wait_tcp 127.0.0.1 "$APORT" 10 || { tail -n 20 "$T_VAR/log/apache-error.log" | sed 's/^/# /'; t_bail "apache2 does not answer on $APORT"; }
BASE=http://127.0.0.1:$APORT
smoke apache
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/.htaccess")
is "$STATUS" 403 "apache: .htaccess (where settings may be) is never served"
# Why the page sets CGIPassAuth: without it Apache keeps the Authorization header from CGI programs.
TOKEN=$(curl -s -H 'Content-Type: application/json' --data-binary '{"email":"admin@example.com","password":"Admin123!"}' \
	"$BASE/api/auth/login" | jq -r '.token // empty')
sed -i '/^CGIPassAuth/d' "$HTML/.htaccess"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/me")
is "$STATUS" 401 "apache: without CGIPassAuth On a Bearer token does not reach the program (401)"

# The settings come only from the server: a program started without them refuses to run.
out=$(cd "$HTML/cgi-bin" && env -i PATH=/usr/bin:/bin REQUEST_METHOD=GET PATH_INFO=/api/health GATEWAY_INTERFACE=CGI/1.1 \
	./health 2>&1 </dev/null)
like "$out" 'DATABASE_URL|JWT_SECRET|refusing' "without the server's environment a program refuses to start"

t_done
