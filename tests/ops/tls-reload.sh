#!/usr/bin/env bash
# scripts/tls-reload (procedure §9): after a certificate renewal nginx serves the new certificate
# without a restart (same master process); a key that does not match, an expired certificate or a
# configuration nginx -t refuses are refused and the old certificate keeps being served.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
T_VAR=$top_builddir/tests/var/ops-tls
trap t_cleanup EXIT
stack_down "$T_VAR" >/dev/null 2>&1
rm -rf "$T_VAR"
mkdir -p "$T_VAR/tls" "$T_VAR/acme"
HTTP_PORT=${IZZY_TEST_TLS_HTTP_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 18))}
HTTPS_PORT=${IZZY_TEST_TLS_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 19))}
export IZZY_NGINX_WORKERS=1 IZZY_VAR_DIR=$T_VAR IZZY_NGINX_TEMPLATE=$top_srcdir/nginx/izzy-production.conf.in
export IZZY_HTTPS_PORT=$HTTPS_PORT IZZY_SERVER_NAME=crm.test IZZY_ACME_ROOT=$T_VAR/acme
export IZZY_TLS_CERT=$T_VAR/tls/fullchain.pem IZZY_TLS_KEY=$T_VAR/tls/privkey.pem IZZY_NGINX_PROGRAMS=health
TLS=$top_srcdir/scripts/tls-reload

# mkcert NAME [DAYS]: a self-signed pair CN=NAME in $T_VAR/NAME.{crt,key}.
mkcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "${2:-30}" -subj "/CN=$1" \
		-keyout "$T_VAR/$1.key" -out "$T_VAR/$1.crt" 2>/dev/null
}
# served: the CN of the certificate nginx presents now.
served() {
	openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername crm.test </dev/null 2>/dev/null |
		openssl x509 -noout -subject 2>/dev/null | sed 's/.*CN *= *//'
}
install_pair() { cp "$T_VAR/$1.crt" "$IZZY_TLS_CERT" && cp "$T_VAR/$2.key" "$IZZY_TLS_KEY"; }

mkcert first && mkcert second && mkcert third || t_bail "openssl req failed"
install_pair first first
stack_nginx_start "$T_VAR" "$HTTP_PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || { cat "$T_VAR/stack.log"; t_bail "nginx did not start"; }
_stack_wait_tcp 127.0.0.1 "$HTTPS_PORT" 10 || t_bail "nothing on the TLS port"
is "$(served)" first "nginx serves the first certificate"
master=$(cat "$T_VAR/run/nginx.pid")

# --- the renewal ------------------------------------------------------------------------------------
install_pair second second
is "$(served)" first "(a renewed file alone changes nothing)"
"$TLS" >"$T_VAR/out" 2>&1
is "$?" 0 "scripts/tls-reload: exit 0"
like "$(cat "$T_VAR/out")" "reloaded: nginx serves .*fullchain.pem" "it says so"
is "$(served)" second "the new certificate is served at once"
is "$(cat "$T_VAR/run/nginx.pid")" "$master" "by the same nginx (reloaded, not restarted)"

# --- refusals: nginx keeps the certificate it has ---------------------------------------------------
install_pair third second
"$TLS" >"$T_VAR/out" 2>&1
is "$?" 1 "a key of another certificate: refused"
like "$(cat "$T_VAR/out")" "does not belong to the certificate" "it says why"
is "$(served)" second "the previous certificate is still served"

# An expired certificate (openssl ca sets the dates; OpenSSL 3.0's req cannot).
ca=$T_VAR/ca
mkdir -p "$ca" && : >"$ca/index.txt" && echo 01 >"$ca/serial"
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nserial = %s/serial\nnew_certs_dir = %s\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' \
	"$ca" "$ca" "$ca" >"$ca/ca.cnf"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=old -keyout "$T_VAR/old.key" -out "$ca/old.csr" 2>/dev/null &&
	openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$T_VAR/old.key" -in "$ca/old.csr" -out "$T_VAR/old.crt" \
		-startdate 20190101000000Z -enddate 20200101000000Z -notext >/dev/null 2>&1
ok $? "(an expired certificate is made)"
install_pair old old
"$TLS" >"$T_VAR/out" 2>&1
is "$?" 1 "an expired certificate: refused"
like "$(cat "$T_VAR/out")" "has expired" "it says why"
is "$(served)" second "the previous certificate is still served"

install_pair third third
printf 'this is not a directive;\n' >>"$T_VAR/nginx/conf/snippets/http.conf"
"$TLS" >"$T_VAR/out" 2>&1
is "$?" 1 "a configuration nginx -t refuses: not reloaded"
like "$(cat "$T_VAR/out")" "nginx -t refuses" "it says why"
is "$(served)" second "the previous certificate is still served"
sed -i '$d' "$T_VAR/nginx/conf/snippets/http.conf"
"$TLS" >"$T_VAR/out" 2>&1
is "$?:$(served)" 0:third "fixed: the third certificate is served"

t_done
