# shellcheck shell=bash
# tests/lib/cgi.sh: drive one cgi-bin program as plain CGI (cgit's cgit_query).
#
#   CGI_PROG=auth
#   cgi_run METHOD PATH [BODY] [TOKEN]    sets STATUS, HEADERS, BODY
#   CGI_CT (Content-Type, default application/json), CGI_ENV (extra VAR=value words),
#   CGI_COOKIE, CGI_REMOTE_ADDR; CGI_WRAPPER (e.g. valgrind) runs the binary under it.
#
# The variables set here are the contract with nginx/snippets/fastcgi.conf.

cgi_run() {
	local method=$1 path=$2 body=${3-} token=${4-} out query="" raw
	local -a env=(
		"REQUEST_METHOD=$method" "GATEWAY_INTERFACE=CGI/1.1" "SERVER_PROTOCOL=HTTP/1.1"
		"REMOTE_ADDR=${CGI_REMOTE_ADDR:-192.0.2.10}" "HTTP_USER_AGENT=izzy-cgi-test"
		"DATABASE_URL=$DATABASE_URL" "JWT_SECRET=$JWT_SECRET" "IZZY_ENV=$IZZY_ENV"
		"APP_BASE_URL=$APP_BASE_URL" "PATH=$PATH"
		# The race tests hold a row lock from psql while they poll for the waiting handler;
		# on a loaded machine that polling outlasts the programs' default 5 s statement
		# timeout, and the handler would give up (503) before the test lets it go.
		"IZZY_DB_STATEMENT_TIMEOUT_MS=${IZZY_TEST_STATEMENT_TIMEOUT_MS:-120000}"
	)
	if [[ $path == *\?* ]]; then
		query=${path#*\?}
		path=${path%%\?*}
	fi
	env+=("PATH_INFO=$path" "QUERY_STRING=$query")
	[[ -n $token ]] && env+=("HTTP_AUTHORIZATION=Bearer $token")
	[[ -n ${CGI_COOKIE-} ]] && env+=("HTTP_COOKIE=$CGI_COOKIE")
	[[ -n ${CGI_AUTHORIZATION-} ]] && env+=("HTTP_AUTHORIZATION=$CGI_AUTHORIZATION")
	if [[ -n $body || $method == POST || $method == PUT || $method == PATCH ]]; then
		env+=("CONTENT_LENGTH=$(printf '%s' "$body" | wc -c)" "CONTENT_TYPE=${CGI_CT:-application/json}")
	fi
	# shellcheck disable=SC2086
	raw=$(printf '%s' "$body" | env -i "${env[@]}" ${CGI_ENV-} ${CGI_WRAPPER-} \
		"$top_builddir/cgi-bin/$CGI_PROG" 2>>"${CGI_LOG:-/dev/null}"; printf x)
	raw=${raw%x}
	HEADERS=${raw%%$'\r\n\r\n'*}
	BODY=${raw#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
}

# header NAME: the value of a response header of the last cgi_run.
header() {
	printf '%s\n' "$HEADERS" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -n 1
}

# jq_body FILTER: jq on the last body.
jq_body() {
	printf '%s' "$BODY" | jq -r "$1"
}

# --- fixtures shared by the suites ----------------------------------------------

# sqlv VALUE: VALUE as an SQL string literal, or NULL when empty or "-".
sqlv() { if [[ -n ${1-} && $1 != - ]]; then printf "'%s'" "$1"; else printf NULL; fi; }

login_body() { jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}'; }

# login EMAIL [PASSWORD]: prints the session token, or nothing when the login fails.
login() {
	CGI_PROG=auth cgi_run POST /api/auth/login "$(login_body "$1" "${2:-Admin123!}")"
	[[ $STATUS == 200 ]] && jq_body .token || true
}

# mk_user ID EMAIL ROLE PARTNER|- [STATUS]: a user (ACTIVE unless STATUS says
# otherwise) whose password is the seeded admin's, Admin123!.
mk_user() {
	psql_q "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status, \"partnerId\")
		SELECT '$1', '$2', \"hashedPassword\", '$3', 'Test $3', '${5:-ACTIVE}', $(sqlv "${4-}")
		FROM \"User\" WHERE email = 'admin@example.com'" >/dev/null
}
