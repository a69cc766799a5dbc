#!/usr/bin/env bash
# tests/ops/install.sh — `make install DESTDIR=…`, then the installed programs started exactly as
# the installed systemd units say (docs/operations.md "A Debian host with systemd").
#
# No systemd runs here (and no systemd PID 1 is needed): the test reads each unit's
# Environment=, EnvironmentFile=, ExecStart= (ExecStop=, PIDFile=) and runs those commands the way
# systemd would — specifiers (%i, %%) and ${VAR} expanded from the unit's environment, a clean
# environment, no shell — so a unit whose command drifts from what the programs and scripts
# accept fails here. Two things differ from a real host, on purpose:
#   - paths under the prefix are relocated into DESTDIR (the files are not in /usr/local);
#   - the unit's EnvironmentFile (/etc/izzy/izzy.env) is replaced by this suite's, which points
#     the run, upload and log directories, ports and TLS files into the build tree.
# User=izzy is not applied (no such user is created on this machine); `systemd-analyze verify`
# checks the unit files themselves.
. "$top_srcdir/tests/lib/testlib.sh"

# okl STATUS MSG LOG: ok, and on failure the end of LOG; returns STATUS.
okl() {
	ok "$1" "$2"
	[[ $1 == 0 ]] || tail -n 20 "$3" 2>/dev/null | sed 's/^/#   /'
	return "$1"
}

HTTPS_PORT=${IZZY_TEST_INSTALL_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 12))}
HTTP_PORT=$((HTTPS_PORT + 1))

t_stack_var() { # the suite's directory and PostgreSQL, without migrating: the unit does that
	T_VAR=$top_builddir/tests/var/install
	trap t_cleanup_install EXIT
	stack_down "$T_VAR" >/dev/null 2>&1 || true
	rm -rf "$T_VAR/pg/data" "$T_VAR/dest" "$T_VAR/backups" "$T_VAR/uploads" "$T_VAR/log" "$T_VAR/units.log" 2>/dev/null || true
	mkdir -p "$T_VAR"
	stack_pg_start "$T_VAR" 5432 2>"$T_VAR/stack.log" || { cat "$T_VAR/stack.log" >&2; t_bail "PostgreSQL did not start"; }
}

STARTED=() # pids of the units' main processes we started (each in a session of its own)
t_cleanup_install() {
	local rc=$? p i
	for p in "${STARTED[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${STARTED[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$p" 2>/dev/null || true
	done
	(exit "$rc")
	t_cleanup
}

t_stack_var
D=$T_VAR/dest

# --- make install ---------------------------------------------------------------------------------
make -s -C "$top_builddir" install DESTDIR="$D" >"$T_VAR/install.log" 2>&1
okl $? "make install DESTDIR=… succeeds" "$T_VAR/install.log" || t_bail "make install failed"
prefix="" bindir="" cgibindir="" pkgdatadir="" systemdunitdir="" sysusersdir="" docdir=""
while IFS='=' read -r k v; do
	case $k in prefix | bindir | cgibindir | pkgdatadir | systemdunitdir | sysusersdir | docdir) printf -v "$k" '%s' "$v" ;; esac
done < <(make -s -C "$top_builddir" print-install-dirs)
[[ -n ${prefix:-} && -n ${systemdunitdir:-} ]] || t_bail "make print-install-dirs said nothing"
UNITS=$D$systemdunitdir
PROGRAMS=$(cd "$top_builddir/cgi-bin" && for f in *; do [[ -f $f && -x $f && $f != *.* ]] && printf '%s ' "$f"; done)
PROGRAMS=${PROGRAMS% }

for p in $PROGRAMS; do
	[[ -x $D$cgibindir/$p ]]; ok $? "program $p installed in $cgibindir"
done
[[ -x $D$bindir/izzyctl && -x $D$bindir/izzy-worker ]]; ok $? "izzyctl and izzy-worker installed in $bindir"
grep -aq "$pkgdatadir/schema" "$D$bindir/izzyctl"; ok $? "izzyctl looks for the schema where it is installed ($pkgdatadir/schema)"
ls "$D$pkgdatadir"/schema/migrations/*.sql >/dev/null 2>&1; ok $? "schema/migrations installed"
ls "$D$pkgdatadir"/schema/checks/*.sql >/dev/null 2>&1; ok $? "schema/checks installed (izzyctl check-integrity)"
want_www="css favicon.svg index.html js logo.svg openapi.json"
[[ -d $top_srcdir/www/vendor ]] && want_www="css favicon.svg index.html js logo.svg openapi.json vendor"
is "$(ls "$D$pkgdatadir/www" | sort | tr '\n' ' ')" "$want_www " "www/: only the public files nginx serves (no README, package files, scripts, node_modules)"
is "$(cd "$top_srcdir/www" && find css js -type f | sort | md5sum)" "$(cd "$D$pkgdatadir/www" && find css js -type f | sort | md5sum)" \
	"every file of www/css and www/js is installed"
for f in nginx/izzy.conf.in nginx/izzy-production.conf.in nginx/api-routes nginx/snippets/locations.conf nginx/snippets/fastcgi.conf; do
	[[ -f $D$pkgdatadir/$f ]]; ok $? "$f installed"
done
for f in scripts/backup scripts/restore scripts/lib/supervise.sh; do
	[[ -x $D$pkgdatadir/$f ]]; ok $? "$f installed, executable"
done
[[ -f $D$pkgdatadir/scripts/lib/stack.sh ]]; ok $? "scripts/lib/stack.sh installed"
[[ -f $D$pkgdatadir/izzy.env.example ]]; ok $? "izzy.env.example installed"
like "$(cat "$D$sysusersdir/izzy.conf" 2>/dev/null)" $'u izzy .*\nm www-data izzy' "sysusers.d: user izzy, www-data in its group"
for u in izzy.target izzy-migrate.service izzy-fcgi@.service izzy-worker.service izzy-nginx.service izzy-backup.service izzy-backup.timer; do
	[[ -f $UNITS/$u ]]; ok $? "unit $u installed"
done
! grep -n '@[A-Za-z_]*@' "$UNITS"/izzy* "$D$pkgdatadir/izzy.env.example" | grep -v 'izzy-fcgi@\.service\|izzy-fcgi@[a-z]*\.service'
ok $? "no placeholder is left in the installed units"

# --- the unit files ---------------------------------------------------------------------------------
# unit_get UNIT KEY: the values of KEY= in UNIT, one a line.
unit_get() { sed -n "s/^$2=//p" "$UNITS/$1"; }

for u in izzy-fcgi@.service izzy-worker.service izzy-migrate.service; do
	for opt in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes User=izzy EnvironmentFile=/etc/izzy/izzy.env; do
		grep -qx "$opt" "$UNITS/$u"; ok $? "$u: $opt"
	done
done
for u in izzy-fcgi@.service izzy-worker.service; do
	like "$(unit_get $u Requires) $(unit_get $u After)" 'izzy-migrate\.service.*izzy-migrate\.service' "$u requires and follows izzy-migrate.service"
	like "$(unit_get $u ReadWritePaths)" '/var/lib/izzy/uploads' "$u may write the uploads"
done
wants=$(unit_get izzy.target Wants)
for p in $PROGRAMS; do
	[[ " $wants " == *" izzy-fcgi@$p.service "* ]]; ok $? "izzy.target wants izzy-fcgi@$p.service"
done
[[ " $wants " == *" izzy-worker.service "* && " $wants " == *" izzy-nginx.service "* ]]; ok $? "izzy.target wants the worker and nginx"

if command -v systemd-analyze >/dev/null 2>&1; then
	# The template is checked through an instance. The installed files are under DESTDIR, not at
	# the paths the units name: "not executable" is ignored for a command installed there.
	vdir=$T_VAR/verify
	rm -rf "$vdir" && mkdir -p "$vdir"
	cp "$UNITS"/izzy* "$vdir"/
	mv "$vdir/izzy-fcgi@.service" "$vdir/izzy-fcgi@leads.service"
	out=$(cd "$vdir" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify ./izzy*.service ./izzy*.timer ./izzy.target 2>&1)
	left=$(printf '%s\n' "$out" | while IFS= read -r line; do
		[[ -n $line ]] || continue
		if [[ $line =~ Command\ (/[^ ]*)\ is\ not\ executable ]] && [[ -x $D${BASH_REMATCH[1]} ]]; then
			continue
		fi
		printf '%s\n' "$line"
	done)
	is "$left" "" "systemd-analyze verify accepts every unit"
else
	ok 1 "systemd-analyze not found: install the Debian package 'systemd'"
fi

# --- run the units as systemd would ------------------------------------------------------------------
# The suite's EnvironmentFile (in place of /etc/izzy/izzy.env).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=crm.test \
	-keyout "$T_VAR/privkey.pem" -out "$T_VAR/fullchain.pem" >/dev/null 2>&1 || t_bail "openssl could not make a certificate"
ENVFILE=$T_VAR/izzy.env
cat >"$ENVFILE" <<EOF
# tests/ops/install.sh: the suite's /etc/izzy/izzy.env
IZZY_ENV=test
DATABASE_URL=$DATABASE_URL
JWT_SECRET=$JWT_SECRET
APP_BASE_URL=$APP_BASE_URL
IZZY_LOG_LEVEL=info
# Where things are on this machine, not on a host:
IZZY_SCHEMA_DIR=$D$pkgdatadir/schema
IZZY_VAR_DIR=$T_VAR
UPLOAD_DIR=$T_VAR/uploads
IZZY_BACKUP_DIR=$T_VAR/backups
IZZY_FCGI_WORKERS=2
IZZY_HTTP_PORT=$HTTP_PORT
IZZY_HTTPS_PORT=$HTTPS_PORT
IZZY_NGINX_USER=root
IZZY_NGINX_ACCESS_LOG=$T_VAR/log/nginx-access.log
IZZY_NGINX_ERROR_LOG=$T_VAR/log/nginx-error.log
IZZY_TLS_CERT=$T_VAR/fullchain.pem
IZZY_TLS_KEY=$T_VAR/privkey.pem
IZZY_ACME_ROOT=$T_VAR/acme
IZZY_SERVER_NAME=crm.test
EOF
mkdir -p "$T_VAR/uploads" "$T_VAR/backups" "$T_VAR/acme"

declare -A ENV_CHECKED=()
# relocate WORD: a path under the prefix, moved into DESTDIR.
relocate() { printf '%s' "${1//$prefix\//$D$prefix/}"; }

# unit_words TEXT: systemd's splitting of a command line or an Environment= value (quotes,
# backslashes), one word per NUL.
unit_words() { printf '%s\n' "$1" | xargs printf '%s\0'; }

# unit_env UNIT: UNIT_ENV=(NAME=VALUE…) as systemd builds it: Environment= lines in order, then
# the EnvironmentFile (ours) overriding them.
unit_env() {
	local u=$1 line w k v
	declare -gA UENV=()
	UENV[PATH]=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	while IFS= read -r line; do
		while IFS= read -r -d '' w; do
			UENV[${w%%=*}]=$(relocate "${w#*=}")
		done < <(unit_words "$line")
	done < <(unit_get "$u" Environment)
	if [[ -z ${ENV_CHECKED[$u]:-} ]]; then
		is "$(unit_get "$u" EnvironmentFile)" /etc/izzy/izzy.env "$u reads /etc/izzy/izzy.env"
		ENV_CHECKED[$u]=1
	fi
	while IFS= read -r line; do
		[[ $line =~ ^[A-Z_][A-Z0-9_]*= ]] || continue
		k=${line%%=*} v=${line#*=}
		UENV[$k]=$v
	done <"$ENVFILE"
	UNIT_ENV=()
	for k in "${!UENV[@]}"; do UNIT_ENV+=("$k=${UENV[$k]}"); done
}

# unit_cmd UNIT KEY [INSTANCE]: UNIT_CMD=(argv) of KEY (ExecStart, ExecStop…), as systemd runs it.
unit_cmd() {
	local u=$1 key=$2 inst=${3:-} line w name
	line=$(unit_get "$u" "$key")
	[[ -n $line ]] || { UNIT_CMD=(); return 1; }
	line=${line#[-@:+!]}
	UNIT_CMD=()
	while IFS= read -r -d '' w; do
		w=${w//%i/$inst}
		w=${w//%%/%}
		while [[ $w =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
			name=${BASH_REMATCH[1]}
			w=${w//\$\{$name\}/${UENV[$name]:-}}
		done
		UNIT_CMD+=("$(relocate "$w")")
	done < <(unit_words "$line")
}

# unit_start UNIT [INSTANCE]: its ExecStart in the background, in a session of its own.
unit_start() {
	local u=$1 inst=${2:-} log=$T_VAR/log/${1%.*}${2:-}.log
	unit_env "$u"
	unit_cmd "$u" ExecStart "$inst" || return 1
	printf '# %s%s: %s\n' "$u" "${inst:+ ($inst)}" "${UNIT_CMD[*]}" >>"$T_VAR/units.log"
	setsid env -i "${UNIT_ENV[@]}" "${UNIT_CMD[@]}" </dev/null >>"$log" 2>&1 &
	STARTED+=($!)
	LAST_PID=$!
}

# unit_run UNIT KEY [INSTANCE]: KEY's command in the foreground; its status.
unit_run() {
	local u=$1 key=$2 inst=${3:-} log=$T_VAR/log/${1%.*}${3:-}.log
	unit_env "$u"
	unit_cmd "$u" "$key" "$inst" || return 1
	printf '# %s %s: %s\n' "$u" "$key" "${UNIT_CMD[*]}" >>"$T_VAR/units.log"
	env -i "${UNIT_ENV[@]}" "${UNIT_CMD[@]}" </dev/null >>"$log" 2>&1
}

wait_socket() { local i; for ((i = 0; i < 100; i++)); do [[ -S $1 ]] && return 0; sleep 0.1; done; return 1; }

# izzy-migrate.service (oneshot): the database is empty until it runs.
is "$(psql_q "SELECT count(*) FROM pg_tables WHERE tablename = 'Lead'")" 0 "before izzy-migrate: no schema"
unit_run izzy-migrate.service ExecStart
ok $? "izzy-migrate.service: its ExecStart (izzyctl migrate deploy) succeeds"
is "$(psql_q "SELECT count(*) FROM pg_tables WHERE tablename = 'Lead'")" 1 "izzy-migrate.service applied the migrations"
unit_run izzy-migrate.service ExecStart
ok $? "izzy-migrate.service again (a restart) is harmless"
# A first user, as an operator would make one (development seed: admin@example.com).
env -i PATH="$PATH" DATABASE_URL="$DATABASE_URL" IZZY_ENV=test IZZY_SCHEMA_DIR="$D$pkgdatadir/schema" \
	"$D$bindir/izzyctl" seed >/dev/null 2>>"$T_VAR/log/seed.log" || t_bail "izzyctl seed failed"

# izzy-fcgi@PROGRAM.service for every installed program.
declare -A MAIN=()
for p in $PROGRAMS; do
	unit_start izzy-fcgi@.service "$p" || t_bail "izzy-fcgi@.service has no ExecStart"
	MAIN[$p]=$LAST_PID
	wait_socket "$T_VAR/run/$p.sock"
	ok $? "izzy-fcgi@$p.service: its ExecStart binds \${IZZY_VAR_DIR}/run/$p.sock"
done
sleep 0.5 # a program that cannot start exits at once: supervise.sh would log a restart
for p in $PROGRAMS; do
	_stack_alive "${MAIN[$p]}" && ! grep -q 'exited with status' "$T_VAR/log/izzy-fcgi@$p.log" 2>/dev/null
	okl $? "izzy-fcgi@$p.service: the main process (supervise.sh) and its workers keep running" "$T_VAR/log/izzy-fcgi@$p.log"
	like "$(tr '\0' ' ' <"/proc/${MAIN[$p]}/cmdline" 2>/dev/null)" "supervise\.sh $p 2 -- $D$cgibindir/$p" \
		"izzy-fcgi@$p.service: spawn-fcgi exec'd supervise.sh with the program"
done

# izzy-worker.service
unit_start izzy-worker.service || t_bail "izzy-worker.service has no ExecStart"
worker=$LAST_PID

# izzy-nginx.service (Type=forking): ExecStart renders the installed template and starts nginx.
unit_run izzy-nginx.service ExecStart
okl $? "izzy-nginx.service: its ExecStart starts nginx" "$T_VAR/log/izzy-nginx.log"
pidfile=$(unit_get izzy-nginx.service PIDFile)
default_var=$(unit_get izzy-nginx.service Environment | tr ' ' '\n' | sed -n 's/^IZZY_VAR_DIR=//p')
is "$pidfile" "$default_var/run/nginx.pid" "izzy-nginx.service: PIDFile= is where stack.sh has nginx write it"
nginx_pid=$(cat "$T_VAR/run/nginx.pid" 2>/dev/null)
[[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; ok $? "nginx runs, pid in \${IZZY_VAR_DIR}/run/nginx.pid"
grep -q "root $D$pkgdatadir/www;" "$T_VAR/nginx/conf/nginx.conf" "$T_VAR/nginx/conf/snippets/locations.conf" 2>/dev/null
ok $? "nginx serves the installed www/"

# --- smoke test through nginx -------------------------------------------------------------------
BASE=https://127.0.0.1:$HTTPS_PORT
# req METHOD PATH [BODY] [curl args…]: STATUS, BODY
req() {
	local method=$1 path=$2 body=${3-}
	shift 3 || shift $#
	local args=(-s -k -o "$T_VAR/body" -w '%{http_code}' -X "$method")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || STATUS=000
	BODY=$(cat "$T_VAR/body" 2>/dev/null)
}
req GET /api/health/ready ""
is "$STATUS:$BODY" "200:$BODY" "GET /api/health/ready through nginx (TLS): 200"
req GET / ""
is "$STATUS" 200 "the app shell from the installed www/"
like "$BODY" '<html lang="pl"' "is the app's index.html"
req GET /README.md ""
is "$STATUS" 404 "no other file of www/ is served"
is "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/leads")" \
	"301 https://127.0.0.1/leads" "plain HTTP redirects to HTTPS"
req POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "login through nginx"
TOKEN=$(printf '%s' "$BODY" | jq -r '.token // empty')
[[ -n $TOKEN ]]; ok $? "login returns a token"
consents=$(psql_q "SELECT coalesce(json_agg(json_build_object('templateId', id, 'version', version, 'given', true)), '[]')
	FROM \"ConsentTemplate\" WHERE \"formType\" = 'lead_creation' AND \"isRequired\"")
req POST /api/leads "$(jq -cn --argjson c "$consents" '{partnerId:"seed-partner",customer:{firstName:"Jan",lastName:"Instalacja",email:"jan.instalacja@example.com",phone:"+48 600 700 800"},consents:$c}')" \
	-H "Authorization: Bearer $TOKEN"
is "$STATUS:$BODY" "201:$BODY" "lead create through nginx"
lead=$(printf '%s' "$BODY" | jq -r '.id // empty')
req GET "/api/leads?perPage=10" "" -H "Authorization: Bearer $TOKEN"
is "$STATUS" 200 "lead list through nginx"
[[ -n $lead ]] && printf '%s' "$BODY" | jq -e --arg id "$lead" '[.data[].id] | index($id) != null' >/dev/null
ok $? "the list has the new lead"
kill -0 "$worker" 2>/dev/null; ok $? "izzy-worker.service: the worker runs"

# --- izzy-backup.service ------------------------------------------------------------------------
unit_run izzy-backup.service ExecStart
okl $? "izzy-backup.service: its ExecStart (scripts/backup) succeeds" "$T_VAR/log/izzy-backup.log"
ls "$T_VAR"/backups/izzy-*.tar >/dev/null 2>&1; ok $? "a backup is in IZZY_BACKUP_DIR"

# --- reload and stop --------------------------------------------------------------------------------
unit_run izzy-nginx.service ExecReload
ok $? "izzy-nginx.service: ExecReload succeeds"
req GET /api/health ""
is "$STATUS" 200 "nginx answers after the reload"
unit_run izzy-nginx.service ExecStop
ok $? "izzy-nginx.service: ExecStop succeeds"
! _stack_alive "$nginx_pid"; ok $? "nginx has stopped"

t_done
