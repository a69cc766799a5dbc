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
