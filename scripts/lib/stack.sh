# shellcheck shell=bash
# scripts/lib/stack.sh — start and stop the services of one Izzy CRM stack on this machine:
# PostgreSQL, the FastCGI programs under spawn-fcgi, nginx, the maildev mail catcher and the
# background worker.
#
# Source it (it is `set -euo pipefail` friendly, and sets no shell options of its own):
#
#   . scripts/lib/stack.sh
#   stack_pg_start      VARDIR PORT                 initdb on first use, start, role+db izzy, export DATABASE_URL
#   stack_pg_stop       VARDIR
#   stack_fcgi_start    VARDIR BUILDDIR [WORKERS]   every program BUILDDIR/cgi-bin/<name>, WORKERS each (2)
#   stack_fcgi_stop     VARDIR [NAME...]            every program (or only those named)
#   stack_worker_start  VARDIR BUILDDIR             BUILDDIR/bin/izzy-worker, supervised (if it is built)
#   stack_worker_stop   VARDIR
#   stack_nginx_start   VARDIR PORT SRCDIR          render nginx/izzy.conf.in, start (or reload) nginx;
#                                                   routes only to the programs running then
#                                                   (nginx/api-routes), so start them first
#   stack_nginx_reload  VARDIR                      nginx -t, then reload as rendered (new certificates)
#   stack_nginx_stop    VARDIR
#   stack_s3rver_start  VARDIR PORT BUCKET          npm s3rver (tests' S3 peer) on 127.0.0.1:PORT
#   stack_maildev_start VARDIR SMTP_PORT WEB_PORT
#   stack_maildev_stop  VARDIR
#   stack_down          VARDIR                      stop whatever of the above runs; safe to repeat
#   stack_destroy       VARDIR                      stack_down, then delete VARDIR and its /tmp parts
#   stack_status        VARDIR                      one line per service; returns 1 if any is down
#   stack_demo_data     N                           N demo leads into $DATABASE_URL if it has none
#   stack_load_env      FILE                        KEY=VALUE lines into the environment (no shell evaluation)
#
# Every function takes the VAR directory explicitly, so that several stacks run side by side (the
# development stack in <repo>/var, each test suite in its own directory under the build tree). All
# state lives there: pid files in VARDIR/run (sockets too), logs in VARDIR/log, the database in
# VARDIR/pg, nginx's rendered configuration and temporary files in VARDIR/nginx. A stop only ever
# signals the processes named by its own pid files, after checking that the pid still belongs to
# the program it recorded.
#
# Unix socket paths are limited to 107 bytes, and when we are root PostgreSQL runs as the `postgres`
# user, which must be able to reach its data directory. When VARDIR/pg or VARDIR/run would break
# either rule (a deep build tree, a 0700 mktemp parent), that directory becomes a symbolic link to a
# private directory /tmp/izzy-<name>.XXXXXX; stack_destroy removes those as well.
#
# Functions print progress to stderr, return non-zero on failure after saying why, and treat a
# missing program as an error that names the Debian package to install.
#
# Environment knobs (all optional):
#   IZZY_PG_BIN             PostgreSQL server binaries (/usr/lib/postgresql/15/bin)
#   IZZY_ENV                test: PostgreSQL runs with fsync=off; nginx gets loose rate limits
#   IZZY_FCGI_LOG           file (default: VARDIR/log/<name>.log) or stderr (inherit ours)
#   IZZY_FCGI_USER          run the programs as this user (root only; default: as ourselves)
#   IZZY_FCGI_LISTEN        bind the programs on TCP at this address, port IZZY_FCGI_PORT_BASE+index
#   IZZY_FCGI_PORT_BASE     first TCP port (9100); the index is the position in STACK_PROGRAMS
#   IZZY_FCGI_UPSTREAMS     nginx side of TCP mode: space-separated hosts running the programs
#                           (balanced; GET/HEAD retried on the next host, fastcgi_next_upstream)
#   IZZY_FCGI_CONNECT_TIMEOUT  with IZZY_FCGI_UPSTREAMS: nginx's connect timeout per host (2s)
#   IZZY_NGINX_TEMPLATE     template to render (SRCDIR/nginx/izzy.conf.in)
#   IZZY_NGINX_USER         nginx worker user when we are root (root; the container uses www-data)
#   IZZY_NGINX_ADDR         listen address of the dev/test template (127.0.0.1)
#   IZZY_NGINX_ACCESS_LOG   access log path (VARDIR/log/nginx-access.log; /dev/stdout in a container)
#   IZZY_NGINX_ERROR_LOG    error log path (VARDIR/log/nginx-error.log; /dev/stderr in a container)
#   IZZY_NGINX_LOGIN_RATE / _BURST     login, reset-password, set-password   (10r/m / 10)
#   IZZY_NGINX_PUBLIC_RATE / _BURST    PIN check, onboarding landing page   (100r/m / 50)
#   IZZY_NGINX_WEBHOOK_RATE / _BURST   inbound webhooks                      (120r/m / 60)
#                           with IZZY_ENV=test all three default to 1000r/s / 1000
#   IZZY_NGINX_UPLOAD_MAX   client_max_body_size of the upload route (UPLOAD_MAX_BYTES + 64 KiB)
#   UPLOAD_MAX_BYTES        largest uploaded file (52428800), as the programs read it
#   IZZY_FCGI_PROGRAMS      with IZZY_FCGI_UPSTREAMS: the programs those hosts run (default: the
#                           ones built in SRCDIR/cgi-bin); nginx routes only to these
#   IZZY_NGINX_PROGRAMS     programs that run on VARDIR/run/NAME.sock without stack_fcgi_start
#                           (systemd units): nginx routes to exactly these
#   IZZY_FCGI_VARDIR        nginx side: the VARDIR whose programs (stack_fcgi_start there) nginx
#                           routes to, when not nginx's own (scripts/deploy: one per release)
#   IZZY_TRUSTED_PROXIES    addresses/CIDRs whose X-Forwarded-For nginx believes ("127.0.0.1 ::1")
#   IZZY_ALLOW_FROM         if set, only these addresses/CIDRs may use the site (staging, OR-1)
#   IZZY_METRICS_ALLOW      addresses/CIDRs that may read /metrics ("127.0.0.1 ::1"); the client
#                           address after real_ip, so a forwarded outside client is refused
#   IZZY_NGINX_FOREGROUND   1: nginx runs undaemonised as our child, logging to our stdout/stderr
#   UPLOAD_DIR              served by the internal /_protected_uploads/ location (VARDIR/uploads)
#   IZZY_SERVER_NAME, IZZY_HTTPS_PORT, IZZY_TLS_CERT, IZZY_TLS_KEY, IZZY_ACME_ROOT
#                           production template only (see nginx/izzy-production.conf.in)

STACK_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STACK_SRCDIR=$(cd "$STACK_LIB_DIR/../.." && pwd)

# The FastCGI programs nginx knows (ARCHITECTURE.md §2). The order fixes each program's TCP port in
# TCP mode, so only ever append.
STACK_PROGRAMS=(health auth users partners leads documents forms consents onboarding analytics webhooks metrics imports webleads)

# A socket path must fit sockaddr_un.sun_path (108 bytes with the NUL). VARDIR/run holds
# "<program>.sock" and VARDIR/pg holds "sock/.s.PGSQL.<port>" (20 bytes): 80 leaves room for both.
STACK_MAX_SOCKDIR=80

_stack_log() { printf 'stack: %s\n' "$*" >&2; }
_stack_err() { printf 'stack: ERROR: %s\n' "$*" >&2; return 1; }

# _stack_need PROGRAM PACKAGE: PROGRAM (a path or a name in PATH) exists, or an error naming PACKAGE.
_stack_need() {
	local bin=$1 pkg=$2
	if [[ $bin == */* ]]; then
		[[ -x $bin ]] && return 0
	else
		command -v "$bin" >/dev/null 2>&1 && return 0
	fi
	_stack_err "$bin not found: install the Debian package '$pkg' (scripts/install-deps does)"
}

_stack_abs() { # PATH -> absolute path (the directory must exist)
	local d=$1
	[[ -d $d ]] || { _stack_err "no such directory: $d"; return 1; }
	(cd "$d" && pwd -P)
}

# _stack_vardir VARDIR: create VARDIR with run/ and log/ and print its absolute path.
_stack_vardir() {
	local var=${1:-}
	[[ -n $var ]] || { _stack_err "missing VARDIR argument"; return 1; }
	mkdir -p "$var" || return 1
	var=$(_stack_abs "$var") || return 1
	_stack_subdir "$var" run >/dev/null || return 1
	mkdir -p "$var/log" || return 1
	printf '%s\n' "$var"
}

# _stack_safe_path PATH: true if PATH can go into a unix socket address and a libpq URL unquoted.
_stack_safe_path() {
	local p=$1
	[[ ${#p} -le $STACK_MAX_SOCKDIR && $p =~ ^/[A-Za-z0-9/._-]+$ ]]
}

# _stack_subdir VARDIR NAME [OWNER]: make VARDIR/NAME a directory usable for sockets (and, with
# OWNER, writable by OWNER through its full path), else a symlink to /tmp/izzy-NAME.XXXXXX.
# Prints the resolved directory.
_stack_subdir() {
	local var=$1 name=$2 owner=${3:-} dir=$1/$2 ext
	if [[ -L $dir ]]; then
		ext=$(readlink -f "$dir")
		[[ -d $ext ]] || { rm -f "$dir"; _stack_subdir "$@"; return; }
		[[ -z $owner ]] || chown "$owner" "$ext" || return 1
		printf '%s\n' "$ext"
		return 0
	fi
	if [[ ! -d $dir ]]; then
		if _stack_safe_path "$dir"; then
			mkdir -p "$dir" || return 1
			chmod 0700 "$dir"
		fi
	fi
	if [[ -d $dir ]] && _stack_safe_path "$dir"; then
		if [[ -z $owner ]]; then
			printf '%s\n' "$dir"
			return 0
		fi
		chown "$owner" "$dir" || return 1
		if runuser -u "$owner" -- test -w "$dir" 2>/dev/null; then
			printf '%s\n' "$dir"
			return 0
		fi
		# $owner cannot reach it (a parent directory is private): use /tmp instead, if it holds nothing.
		rmdir "$dir" 2>/dev/null || { _stack_err "$owner cannot reach $dir, and it is not empty"; return 1; }
	elif [[ -d $dir ]]; then
		_stack_err "$dir is too long or has unusual characters for a socket directory; remove it"
		return 1
	fi
	ext=$(mktemp -d "/tmp/izzy-$name.XXXXXX") || return 1
	chmod 0700 "$ext"
	[[ -z $owner ]] || chown "$owner" "$ext" || return 1
	ln -s "$ext" "$dir" || return 1
	_stack_log "$dir -> $ext (socket path length or permissions)"
	printf '%s\n' "$ext"
}

# _stack_pid_running PIDFILE MARKER: print the pid if PIDFILE names a live process whose command
# line contains MARKER (so that a pid reused after a reboot is never taken for ours).
_stack_pid_running() {
	local f=$1 marker=$2 pid cmd state
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *"$marker"* ]] || return 1
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
	[[ $state != Z ]] || return 1
	printf '%s\n' "$pid"
}

# _stack_alive TARGET: a pid, or -PGID for a whole process group, still has a non-zombie process.
_stack_alive() {
	local t=$1 p
	if [[ $t == -* ]]; then
		for p in $(pgrep -g "${t#-}" 2>/dev/null); do
			[[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]] || return 0
		done
		return 1
	fi
	kill -0 "$t" 2>/dev/null || return 1
	[[ $(awk '{print $3}' "/proc/$t/stat" 2>/dev/null) != Z ]]
}

# _stack_stop_pidfile PIDFILE MARKER WHAT [group] [SIGNAL]: stop the process of PIDFILE (with
# "group": its whole process group), SIGNAL first (TERM), KILL after 15 s; remove PIDFILE.
_stack_stop_pidfile() {
	local f=$1 marker=$2 what=$3 group=${4:-} sig=${5:-TERM} pid target i
	if ! pid=$(_stack_pid_running "$f" "$marker"); then
		rm -f "$f"
		return 0
	fi
	target=$pid
	[[ $group == group ]] && target=-$pid
	kill "-$sig" -- "$target" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		_stack_alive "$target" || break
		sleep 0.1
	done
	if _stack_alive "$target"; then
		_stack_log "$what (pid $pid) did not stop in 15 s: killing it"
		kill -KILL -- "$target" 2>/dev/null || true
		sleep 0.2
	fi
	rm -f "$f"
	_stack_log "stopped $what (pid $pid)"
}

# _stack_spawn PIDFILE LOG CMD...: start CMD detached in a session of its own (so that its process
# group can be stopped as a whole and a terminal's signals don't reach it), stdout and stderr
# appended to LOG ("-" keeps ours), and record its pid in PIDFILE. The pid is written by the
# process itself just before it execs CMD, so it is right whether or not setsid had to fork.
_stack_spawn() {
	local pidfile=$1 log=$2 i
	shift 2
	rm -f "$pidfile"
	if [[ $log == - ]]; then
		setsid bash -c 'printf "%s\n" "$$" >"$1.tmp" && mv "$1.tmp" "$1" && shift && exec "$@"' \
			_ "$pidfile" "$@" </dev/null &
	else
		setsid bash -c 'printf "%s\n" "$$" >"$1.tmp" && mv "$1.tmp" "$1" && shift && exec "$@"' \
			_ "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
	fi
	for ((i = 0; i < 100; i++)); do
		[[ -s $pidfile ]] && return 0
		sleep 0.05
	done
	_stack_err "could not start $1 (no pid file $pidfile)"
}

# _stack_wait_tcp HOST PORT SECONDS: wait until something accepts connections on HOST:PORT.
_stack_wait_tcp() {
	local host=$1 port=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# _stack_port_free PORT: nothing listens on 127.0.0.1:PORT.  Checked before a peer starts, so that
# one left over from an earlier run (whose port answers at once) is not taken for the new one.
_stack_port_free() {
	if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
		_stack_err "port $1 is already in use by another process (a peer left from an earlier run?)"
		return 1
	fi
}

# _stack_tail FILE: the end of a log, to explain a failure.
_stack_tail() {
	[[ -f $1 ]] || return 0
	printf -- '--- last lines of %s ---\n' "$1" >&2
	tail -n 20 "$1" >&2 || true
}

# stack_load_env FILE: export each KEY=VALUE line of FILE (comments and blank lines skipped, an
# optional "export " prefix and one pair of surrounding quotes removed; nothing is evaluated, so
# the same file works as a docker env_file). Variables already set in the environment are kept
# unless STACK_ENV_OVERRIDE=1.
stack_load_env() {
	local file=${1:?usage: stack_load_env FILE} line key value
	[[ -f $file ]] || { _stack_err "no such env file: $file"; return 1; }
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		line=${line#export }
		if [[ ! $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
			_stack_err "$file: not a KEY=VALUE line: ${line%%=*}…"
			return 1
		fi
		key=${BASH_REMATCH[1]}
		value=${BASH_REMATCH[2]}
		if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
			value=${BASH_REMATCH[1]}
		fi
		if [[ -n ${!key+set} && ${STACK_ENV_OVERRIDE:-0} != 1 ]]; then
			continue
		fi
		export "$key=$value"
	done <"$file"
}

# --- PostgreSQL --------------------------------------------------------------------------------

_stack_pg_bin() { printf '%s\n' "${IZZY_PG_BIN:-/usr/lib/postgresql/15/bin}"; }

# _stack_pg_as: the command prefix that runs a PostgreSQL server binary (initdb and postgres refuse
# to run as root, so root runs them as the postgres system user).
_stack_pg_as() {
	if ((EUID == 0)); then
		printf '%s\n' runuser -u postgres --
	fi
}

_stack_pg_ctl() { # BASE ARGS...: pg_ctl as the right user, from a directory it may enter
	local base=$1 bin as
	shift
	bin=$(_stack_pg_bin)
	mapfile -t as < <(_stack_pg_as)
	(cd "$base" && "${as[@]}" "$bin/pg_ctl" "$@")
}

_stack_pg_write_env() { # VARDIR SOCKDIR PORT
	local var=$1 sock=$2 port=$3
	export DATABASE_URL="postgresql://izzy@/izzy?host=$sock&port=$port"
	export DATABASE_ADMIN_URL="postgresql://postgres@/postgres?host=$sock&port=$port"
	export IZZY_PG_SOCKDIR=$sock IZZY_PG_PORT=$port
	# Single quotes: the file can be sourced by a shell (the URLs have a "&") as well as read by
	# stack_load_env; _stack_safe_path keeps quotes out of the socket path.
	{
		printf "DATABASE_URL='%s'\n" "$DATABASE_URL"
		printf "DATABASE_ADMIN_URL='%s'\n" "$DATABASE_ADMIN_URL"
		printf "IZZY_PG_SOCKDIR='%s'\n" "$sock"
		printf "IZZY_PG_PORT='%s'\n" "$port"
	} >"$var/run/pg.env"
}

# stack_pg_start VARDIR PORT
# Creates the cluster in VARDIR/pg on first use (superuser "postgres", trust authentication on the
# unix socket, no TCP at all: PORT only names the socket), starts it, waits until it accepts
# connections, creates the login role izzy owning the database izzy, and exports
#   DATABASE_URL        postgresql://izzy@/izzy?host=SOCKDIR&port=PORT
#   DATABASE_ADMIN_URL  the same as superuser postgres, database postgres (tests create databases)
#   IZZY_PG_SOCKDIR, IZZY_PG_PORT
# and writes them to VARDIR/run/pg.env. An already running cluster is reused.
stack_pg_start() {
	local var=${1:-} port=${2:-} bin base data sock owner="" as running_port psql
	[[ -n $var && $port =~ ^[0-9]+$ ]] || { _stack_err "usage: stack_pg_start VARDIR PORT"; return 1; }
	bin=$(_stack_pg_bin)
	_stack_need "$bin/initdb" postgresql-15 || return 1
	_stack_need "$bin/pg_ctl" postgresql-15 || return 1
	_stack_need "$bin/psql" postgresql-client-15 || return 1
	if ((EUID == 0)); then
		id -u postgres >/dev/null 2>&1 ||
			{ _stack_err "no 'postgres' system user: install the Debian package 'postgresql-15'"; return 1; }
		_stack_need runuser util-linux || return 1
		owner=postgres
	fi
	var=$(_stack_vardir "$var") || return 1
	base=$(_stack_subdir "$var" pg "$owner") || return 1
	chmod 0755 "$base"
	data=$base/data
	sock=$base/sock
	mapfile -t as < <(_stack_pg_as)
	if [[ ! -s $data/PG_VERSION ]]; then
		_stack_log "initdb $data"
		if ! (cd "$base" && "${as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1); then
			_stack_tail "$base/initdb.log"
			_stack_err "initdb failed (log: $base/initdb.log)"
			return 1
		fi
		printf "\n# Izzy CRM stack settings (scripts/lib/stack.sh rewrites izzy.conf at each start)\ninclude_if_exists = 'izzy.conf'\n" \
			>>"$data/postgresql.conf"
	fi
	if [[ ! -d $sock ]]; then
		mkdir -p "$sock"
		[[ -z $owner ]] || chown "$owner" "$sock"
	fi
	# The socket directory is world-searchable and the socket world-writable so that programs
	# running as other users (nginx-side users, IZZY_FCGI_USER) can connect; trust authentication
	# is acceptable only because this is a development or test cluster reachable from this machine.
	chmod 0755 "$sock"

	if _stack_pg_ctl "$base" status -D "$data" >/dev/null 2>&1; then
		running_port=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null)
		if [[ $running_port != "$port" ]]; then
			_stack_log "PostgreSQL in $data already runs with socket port $running_port (asked: $port); using it"
			port=$running_port
		else
			_stack_log "PostgreSQL already running ($data)"
		fi
	else
		{
			printf "listen_addresses = ''\n"
			printf 'port = %s\n' "$port"
			printf "unix_socket_directories = '%s'\n" "$sock"
			printf 'unix_socket_permissions = 0777\n'
			printf 'max_connections = 200\n'
			printf "timezone = 'UTC'\nlog_timezone = 'UTC'\n"
			printf 'log_min_duration_statement = 1000\n'
			# The data set fits in memory and sits on SSD: random reads cost
			# about as much as sequential ones, so let the planner use indexes.
			printf 'random_page_cost = 1.1\n'
			if [[ ${IZZY_ENV:-} == test ]]; then
				# A throw-away test cluster: durability buys nothing here, speed does.
				printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
			fi
		} >"$data/izzy.conf"
		[[ -z $owner ]] || chown "$owner" "$data/izzy.conf"
		_stack_log "starting PostgreSQL ($data, socket $sock/.s.PGSQL.$port)"
		[[ -z $owner ]] || { touch "$base/postgres.log" && chown "$owner" "$base/postgres.log"; }
		if ! _stack_pg_ctl "$base" start -D "$data" -l "$base/postgres.log" -w -t 60 -s; then
			_stack_tail "$base/postgres.log"
			_stack_err "PostgreSQL did not start (log: $base/postgres.log)"
			return 1
		fi
	fi
	ln -sfn "$base/postgres.log" "$var/log/postgres.log"

	psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres)
	if [[ -z $("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'izzy'") ]]; then
		"${psql[@]}" -c 'CREATE ROLE izzy LOGIN' || { _stack_err "could not create role izzy"; return 1; }
	fi
	if [[ -z $("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'izzy'") ]]; then
		"${psql[@]}" -c 'CREATE DATABASE izzy OWNER izzy' ||
			{ _stack_err "could not create database izzy"; return 1; }
	fi
	_stack_pg_write_env "$var" "$sock" "$port"
	_stack_log "PostgreSQL ready: $DATABASE_URL"
}

# stack_pg_stop VARDIR: fast shutdown of the cluster in VARDIR/pg, if it runs (data is kept).
stack_pg_stop() {
	local var=${1:?usage: stack_pg_stop VARDIR} base data
	[[ -e $var/pg ]] || return 0
	base=$(readlink -f "$var/pg")
	data=$base/data
	rm -f "$var/run/pg.env"
	[[ -s $data/PG_VERSION ]] || return 0
	if _stack_pg_ctl "$base" status -D "$data" >/dev/null 2>&1; then
		_stack_pg_ctl "$base" stop -D "$data" -m fast -w -t 60 -s ||
			{ _stack_err "PostgreSQL in $data did not stop"; return 1; }
		_stack_log "stopped PostgreSQL ($data)"
	fi
}

# --- FastCGI programs ----------------------------------------------------------------------------

# _stack_programs BUILDDIR: the names of the executable files BUILDDIR/cgi-bin/<name> (no extension).
_stack_programs() {
	local f
	for f in "$1"/cgi-bin/*; do
		[[ -f $f && -x $f ]] || continue
		f=${f##*/}
		[[ $f == *.* ]] && continue
		printf '%s\n' "$f"
	done
}

# _stack_program_port NAME: IZZY_FCGI_PORT_BASE + NAME's index in STACK_PROGRAMS (unknown names
# after those, in the order asked).
_stack_program_port() {
	local name=$1 i base=${IZZY_FCGI_PORT_BASE:-9100}
	for i in "${!STACK_PROGRAMS[@]}"; do
		[[ ${STACK_PROGRAMS[$i]} == "$name" ]] && { printf '%s\n' $((base + i)); return 0; }
	done
	_stack_err "$name is not in STACK_PROGRAMS (scripts/lib/stack.sh): it has no TCP port"
}

# _stack_nginx_group: the group nginx's workers run in when that is neither root nor us, else "".
_stack_nginx_group() {
	local u=${IZZY_NGINX_USER:-root}
	((EUID == 0)) || return 0
	[[ $u == root ]] && return 0
	id -gn "$u" 2>/dev/null || { _stack_err "IZZY_NGINX_USER=$u: no such user"; return 1; }
}

# _stack_supervised_start VARDIR NAME WORKERS LOG SPAWN_ARGS... -- PROGRAM [ARGS]
_stack_supervised_start() {
	local var=$1 name=$2 workers=$3 log=$4
	shift 4
	local spawn=() exits=$var/run/$name.exits
	while [[ $# -gt 0 && $1 != -- ]]; do spawn+=("$1"); shift; done
	shift
	: >"$exits"
	if [[ -n ${IZZY_FCGI_USER:-} ]] && ((EUID == 0)); then
		chown "$IZZY_FCGI_USER" "$exits" || return 1
	fi
	SUPERVISE_EXITS_FILE=$exits _stack_spawn "$var/run/$name.pid" "$log" \
		spawn-fcgi -n "${spawn[@]}" -- "$STACK_LIB_DIR/supervise.sh" "$name" "$workers" -- "$@" || return 1
	# A program that cannot start (bad configuration, missing library) exits at once: say so now
	# rather than leave the supervisor restarting it in the background.
	sleep "${IZZY_FCGI_SETTLE:-0.5}"
	if ! _stack_pid_running "$var/run/$name.pid" supervise.sh >/dev/null; then
		[[ $log == - ]] || _stack_tail "$log"
		_stack_err "$name did not start (log: $log)"
		return 1
	fi
	if [[ -s $exits ]]; then
		[[ $log == - ]] || _stack_tail "$log"
		_stack_stop_pidfile "$var/run/$name.pid" supervise.sh "$name" group
		_stack_err "$name exits right after starting (log: $log)"
		return 1
	fi
}

# stack_fcgi_start VARDIR BUILDDIR [WORKERS]
# Starts every program BUILDDIR/cgi-bin/<name> as `spawn-fcgi -n` bound to VARDIR/run/<name>.sock
# (or TCP, with IZZY_FCGI_LISTEN), which execs scripts/lib/supervise.sh: that keeps WORKERS copies
# of the program (default 2) accepting on the socket, and starts a new one whenever one exits.
# Programs inherit the current environment; their stderr is appended to VARDIR/log/<name>.log.
# A program already running is left alone unless its binary is newer than its pid file.
stack_fcgi_start() {
	local var=${1:-} build=${2:-} workers=${3:-2} name prog log rundir spawn group port_n n=0
	[[ -n $var && -n $build && $workers =~ ^[1-9][0-9]*$ ]] ||
		{ _stack_err "usage: stack_fcgi_start VARDIR BUILDDIR [WORKERS]"; return 1; }
	_stack_need spawn-fcgi spawn-fcgi || return 1
	_stack_need setsid util-linux || return 1
	var=$(_stack_vardir "$var") || return 1
	build=$(_stack_abs "$build") || return 1
	[[ -d $build/cgi-bin ]] || { _stack_err "no $build/cgi-bin: build first (make)"; return 1; }
	# cgi-bin/documents and nginx's internal download location must agree on one absolute
	# UPLOAD_DIR (the programs run in BUILDDIR); the UPLOAD_* and S3_* variables pass through.
	local -x UPLOAD_DIR=${UPLOAD_DIR:-$var/uploads}
	[[ $UPLOAD_DIR == /* ]] || { _stack_err "UPLOAD_DIR must be an absolute path (is: $UPLOAD_DIR)"; return 1; }
	mkdir -p "$UPLOAD_DIR" || return 1
	rundir=$(readlink -f "$var/run")
	group=$(_stack_nginx_group) || return 1
	if [[ -n $group ]]; then
		# nginx's workers connect through the socket's group; the programs' user (IZZY_FCGI_USER)
		# needs to pass through to its own files. Nobody else can list the directory.
		chgrp "$group" "$rundir" && chmod 0711 "$rundir"
	fi
	while IFS= read -r name; do
		prog=$build/cgi-bin/$name
		if _stack_pid_running "$var/run/$name.pid" supervise.sh >/dev/null; then
			if [[ ! $prog -nt $var/run/$name.pid ]]; then
				n=$((n + 1))
				continue
			fi
			_stack_log "$name was rebuilt: restarting it"
			_stack_stop_pidfile "$var/run/$name.pid" supervise.sh "$name" group
		fi
		spawn=(-d "$build")
		if [[ -n ${IZZY_FCGI_LISTEN:-} ]]; then
			port_n=$(_stack_program_port "$name") || return 1
			spawn+=(-a "$IZZY_FCGI_LISTEN" -p "$port_n")
		else
			rm -f "$rundir/$name.sock"
			spawn+=(-s "$rundir/$name.sock" -M 0660)
			if [[ -n $group ]]; then
				spawn+=(-U "${IZZY_FCGI_USER:-root}" -G "$group")
			fi
		fi
		if [[ -n ${IZZY_FCGI_USER:-} ]] && ((EUID == 0)); then
			spawn+=(-u "$IZZY_FCGI_USER")
		fi
		log=$var/log/$name.log
		[[ ${IZZY_FCGI_LOG:-file} == stderr ]] && log=-
		if ! _stack_supervised_start "$var" "$name" "$workers" "$log" "${spawn[@]}" -- "$prog"; then
			rm -f "$rundir/$name.sock"
			return 1
		fi
		_stack_log "started $name ($workers workers, ${IZZY_FCGI_LISTEN:+tcp }${IZZY_FCGI_LISTEN:-$rundir/$name.sock})"
		n=$((n + 1))
	done < <(_stack_programs "$build")
	((n > 0)) || { _stack_err "no programs in $build/cgi-bin: build first (make)"; return 1; }
}

# stack_fcgi_stop VARDIR [NAME...]: stop every supervisor recorded in VARDIR/run and its workers,
# or only those of the programs NAME. (nginx keeps routing to them until stack_nginx_start again.)
stack_fcgi_stop() {
	local var=${1:?usage: stack_fcgi_stop VARDIR [NAME...]} f name
	shift
	local only=" $* "
	[[ -d $var/run ]] || return 0
	for f in "$var"/run/*.pid; do
		[[ -e $f ]] || continue
		name=${f##*/}
		name=${name%.pid}
		# The other services' pidfiles share the directory: left to their own stop functions
		# (a program's stop would not recognise them as running and drop the pidfile).
		case $name in nginx | maildev | izzy-worker | s3rver) continue ;; esac
		[[ $only == "  " || $only == *" $name "* ]] || continue
		_stack_stop_pidfile "$f" supervise.sh "$name" group
		rm -f "$var/run/$name.sock" "$var/run/$name.exits"
	done
}

# stack_worker_start VARDIR BUILDDIR: run BUILDDIR/bin/izzy-worker (outbox delivery, IMAP polling,
# scheduled jobs) under the same supervisor, one copy, log VARDIR/log/izzy-worker.log. Does
# nothing (status 0) when the worker is not built.
stack_worker_start() {
	local var=${1:-} build=${2:-} prog log
	[[ -n $var && -n $build ]] || { _stack_err "usage: stack_worker_start VARDIR BUILDDIR"; return 1; }
	build=$(_stack_abs "$build") || return 1
	prog=$build/bin/izzy-worker
	[[ -x $prog ]] || return 0
	var=$(_stack_vardir "$var") || return 1
	if _stack_pid_running "$var/run/izzy-worker.pid" supervise.sh >/dev/null; then
		[[ $prog -nt $var/run/izzy-worker.pid ]] || return 0
		stack_worker_stop "$var"
	fi
	log=$var/log/izzy-worker.log
	[[ ${IZZY_FCGI_LOG:-file} == stderr ]] && log=-
	# The worker is no FastCGI program: run the supervisor directly, with stdin from /dev/null,
	# as IZZY_FCGI_USER like the programs (setpriv execs, so the pid file stays right).
	local as=()
	if [[ -n ${IZZY_FCGI_USER:-} ]] && ((EUID == 0)); then
		as=(setpriv --reuid="$IZZY_FCGI_USER" --regid="$(id -g "$IZZY_FCGI_USER")" --init-groups --)
	fi
	(cd "$build" && _stack_spawn "$var/run/izzy-worker.pid" "$log" \
		"${as[@]}" "$STACK_LIB_DIR/supervise.sh" izzy-worker 1 -- "$prog") || return 1
	_stack_log "started izzy-worker"
}

stack_worker_stop() {
	local var=${1:?usage: stack_worker_stop VARDIR}
	_stack_stop_pidfile "$var/run/izzy-worker.pid" supervise.sh izzy-worker group
}

# --- nginx -----------------------------------------------------------------------------------------

# _stack_render IN OUT NAME=VALUE...: copy IN to OUT replacing each @NAME@; fail if any @NAME@
# (capitals, digits, underscores) is left outside a comment.
_stack_render() {
	local in=$1 out=$2 kv name value esc script=()
	shift 2
	for kv in "$@"; do
		name=${kv%%=*}
		value=${kv#*=}
		esc=$(printf '%s' "$value" | sed -e 's/[\\|&]/\\&/g')
		script+=(-e "s|@${name}@|${esc}|g")
	done
	sed "${script[@]}" "$in" >"$out.tmp" || return 1
	if grep -nE '^[^#]*@[A-Z][A-Z0-9_]*@' "$out.tmp" >&2; then
		rm -f "$out.tmp"
		_stack_err "$in: the lines above have placeholders with no value"
		return 1
	fi
	mv "$out.tmp" "$out"
}

# _stack_nginx_programs VARDIR SRCDIR: the programs nginx routes to, one a line. Locally those of
# STACK_PROGRAMS whose supervisor runs (and whose socket exists, unless IZZY_FCGI_LISTEN); with
# IZZY_FCGI_UPSTREAMS (programs on other hosts) IZZY_FCGI_PROGRAMS, else the programs built in
# SRCDIR/cgi-bin (the image's /opt/izzy/cgi-bin).
_stack_nginx_programs() {
	local var=$1 src=$2 name
	if [[ -n ${IZZY_FCGI_UPSTREAMS:-} ]]; then
		if [[ -n ${IZZY_FCGI_PROGRAMS+set} ]]; then
			local listed=()
			read -ra listed <<<"${IZZY_FCGI_PROGRAMS//,/ }"
			((${#listed[@]} == 0)) || printf '%s\n' "${listed[@]}"
		else
			_stack_programs "$src"
		fi
		return 0
	fi
	# Programs that something else runs on VARDIR/run/NAME.sock (the systemd units of
	# `make install`, systemd/izzy-fcgi@.service.in): route to these, running or not.
	if [[ -n ${IZZY_NGINX_PROGRAMS:-} ]]; then
		local own=()
		read -ra own <<<"${IZZY_NGINX_PROGRAMS//,/ }"
		printf '%s\n' "${own[@]}"
		return 0
	fi
	var=${IZZY_FCGI_VARDIR:-$var}
	for name in "${STACK_PROGRAMS[@]}"; do
		_stack_pid_running "$var/run/$name.pid" supervise.sh >/dev/null || continue
		[[ -n ${IZZY_FCGI_LISTEN:-} || -S $var/run/$name.sock ]] || continue
		printf '%s\n' "$name"
	done
}

# _stack_nginx_api_locations ROUTES CONF LOGIN_BURST PUBLIC_BURST WEBHOOK_BURST PROGRAM...: print
# one nginx location for each line of ROUTES (nginx/api-routes) whose program is one of PROGRAM.
_stack_nginx_api_locations() {
	local routes=$1 conf=$2 login_burst=$3 public_burst=$4 webhook_burst=$5
	shift 5
	local active=" $* " line prog match path opts opt lineno=0 upload_max
	[[ -f $routes ]] || { _stack_err "no route table $routes"; return 1; }
	printf '# Generated by scripts/lib/stack.sh from nginx/api-routes for the running programs:%s\n' \
		"${active% }"
	while IFS= read -r line || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		read -r prog match path opts <<<"$line"
		case $match in
		= | '~' | '~*') ;;
		prefix) match="" ;;
		*) _stack_err "$routes:$lineno: MATCH must be =, prefix, ~ or ~* (is: $match)"; return 1 ;;
		esac
		[[ -n $path && $path != *[\;\{\}\"\']* ]] ||
			{ _stack_err "$routes:$lineno: missing or unsafe PATH"; return 1; }
		[[ " ${STACK_PROGRAMS[*]} " == *" $prog "* ]] ||
			{ _stack_err "$routes:$lineno: $prog is not in STACK_PROGRAMS"; return 1; }
		[[ $active == *" $prog "* ]] || continue
		printf 'location %s%s {\n' "${match:+$match }" "$path"
		for opt in $opts; do
			case $opt in
			limit=login) printf '    limit_req zone=izzy_login burst=%s nodelay;\n' "$login_burst" ;;
			limit=public) printf '    limit_req zone=izzy_public burst=%s nodelay;\n' "$public_burst" ;;
			limit=webhook) printf '    limit_req zone=izzy_webhook burst=%s nodelay;\n' "$webhook_burst" ;;
			body=upload)
				upload_max=$(_stack_upload_body_max) || return 1
				# Unbuffered: the program sees a client that stops half-way and keeps nothing.
				printf '    client_max_body_size %s;\n    fastcgi_request_buffering off;\n' "$upload_max"
				;;
			body=[0-9]*) printf '    client_max_body_size %s;\n' "${opt#body=}" ;;
			access=metrics) printf '    include %s/metrics-access.conf;\n' "$conf" ;;
			timeout=[0-9]*)
				printf '    client_body_timeout %s;\n    fastcgi_read_timeout %s;\n    fastcgi_send_timeout %s;\n' \
					"${opt#timeout=}" "${opt#timeout=}" "${opt#timeout=}"
				;;
			*) _stack_err "$routes:$lineno: unknown option $opt"; return 1 ;;
			esac
		done
		printf '    fastcgi_pass izzy_%s;\n' "$prog"
		printf '    include %s/snippets/fastcgi.conf;\n' "$conf"
		printf '    include %s/snippets/api-headers.conf;\n' "$conf"
		printf '}\n'
	done <"$routes"
}

# _stack_nginx_render VARDIR PORT SRCDIR: write VARDIR/nginx/conf/nginx.conf and its includes.
_stack_nginx_render() {
	local var=$1 port=$2 src=$3 template conf rundir f user_line="" rate burst
	local login_rate login_burst public_rate public_burst webhook_rate webhook_burst
	template=${IZZY_NGINX_TEMPLATE:-$src/nginx/izzy.conf.in}
	[[ -f $template ]] || { _stack_err "no nginx template $template"; return 1; }
	conf=$var/nginx/conf
	mkdir -p "$conf/snippets" "$var/nginx/logs" \
		"$var/nginx/tmp/body" "$var/nginx/tmp/fastcgi" "$var/nginx/tmp/proxy" \
		"$var/nginx/tmp/uwsgi" "$var/nginx/tmp/scgi" || return 1
	rundir=$(readlink -f "${IZZY_FCGI_VARDIR:-$var}/run") || return 1

	if ((EUID == 0)); then
		user_line="user ${IZZY_NGINX_USER:-root};"
		# Workers write request bodies there.
		[[ ${IZZY_NGINX_USER:-root} == root ]] || chown -R "${IZZY_NGINX_USER}" "$var/nginx/tmp"
	fi
	if [[ ${IZZY_ENV:-} == test ]]; then
		rate=1000r/s burst=1000
		login_rate=$rate login_burst=$burst public_rate=$rate public_burst=$burst
		webhook_rate=$rate webhook_burst=$burst
	else
		login_rate=10r/m login_burst=10 public_rate=100r/m public_burst=50
		webhook_rate=120r/m webhook_burst=60
	fi
	login_rate=${IZZY_NGINX_LOGIN_RATE:-$login_rate}
	login_burst=${IZZY_NGINX_LOGIN_BURST:-$login_burst}
	public_rate=${IZZY_NGINX_PUBLIC_RATE:-$public_rate}
	public_burst=${IZZY_NGINX_PUBLIC_BURST:-$public_burst}
	webhook_rate=${IZZY_NGINX_WEBHOOK_RATE:-$webhook_rate}
	webhook_burst=${IZZY_NGINX_WEBHOOK_BURST:-$webhook_burst}

	# Programs and nginx run in different directories: a relative UPLOAD_DIR would name two places.
	local upload_dir=${UPLOAD_DIR:-$var/uploads}
	[[ $upload_dir == /* ]] || { _stack_err "UPLOAD_DIR must be an absolute path (is: $upload_dir)"; return 1; }
	mkdir -p "$upload_dir" || return 1

	local vars=(
		"PREFIX=$var/nginx"
		"CONF_DIR=$conf"
		"TMP_DIR=$var/nginx/tmp"
		"PID_FILE=$var/run/nginx.pid"
		"ACCESS_LOG=${IZZY_NGINX_ACCESS_LOG:-$var/log/nginx-access.log}"
		"ERROR_LOG=${IZZY_NGINX_ERROR_LOG:-$var/log/nginx-error.log}"
		"USER_DIRECTIVE=$user_line"
		"WORKER_PROCESSES=${IZZY_NGINX_WORKERS:-auto}"
		"LISTEN_ADDR=${IZZY_NGINX_ADDR:-127.0.0.1}"
		"HTTP_PORT=$port"
		"HTTPS_PORT=${IZZY_HTTPS_PORT:-443}"
		"SERVER_NAME=${IZZY_SERVER_NAME:-${DOMAIN:-_}}"
		"TLS_CERT=${IZZY_TLS_CERT:-/etc/izzy/tls/fullchain.pem}"
		"TLS_KEY=${IZZY_TLS_KEY:-/etc/izzy/tls/privkey.pem}"
		"ACME_ROOT=${IZZY_ACME_ROOT:-/var/lib/izzy/acme}"
		"WWW_ROOT=$src/www"
		"UPLOAD_DIR=$upload_dir"
		"LOGIN_RATE=$login_rate" "LOGIN_BURST=$login_burst"
		"PUBLIC_RATE=$public_rate" "PUBLIC_BURST=$public_burst"
		"WEBHOOK_RATE=$webhook_rate" "WEBHOOK_BURST=$webhook_burst"
	)
	for f in "$src"/nginx/snippets/*.conf "$src"/nginx/snippets/mime.types; do
		[[ -f $f ]] || continue
		_stack_render "$f" "$conf/snippets/${f##*/}" "${vars[@]}" || return 1
	done
	_stack_render "$template" "$conf/nginx.conf" "${vars[@]}" || return 1

	# Upstreams and API locations only for the programs that run (nginx/api-routes): the path of
	# one that is not built or not started answers 404 JSON, never 502.
	local name host port_n programs=()
	mapfile -t programs < <(_stack_nginx_programs "$var" "$src") || return 1
	_stack_nginx_api_locations "$src/nginx/api-routes" "$conf" "$login_burst" "$public_burst" \
		"$webhook_burst" "${programs[@]}" >"$conf/api-locations.conf" || return 1
	# Upstreams on the local unix sockets or, with IZZY_FCGI_UPSTREAMS="host1 host2", on each
	# host's TCP port (several hosts are balanced).
	{
		printf '# Generated by scripts/lib/stack.sh; do not edit.\n'
		if [[ -n ${IZZY_FCGI_UPSTREAMS:-} ]]; then
			# A host that refuses or does not answer the connection: the request goes to the
			# next host. Once a request has been sent, only an idempotent one (GET, HEAD) is
			# retried: non_idempotent stays off, so a POST is never run twice.
			printf 'fastcgi_next_upstream error timeout;\n'
			printf 'fastcgi_next_upstream_tries 0;\n'
			printf 'fastcgi_connect_timeout %s;\n' "${IZZY_FCGI_CONNECT_TIMEOUT:-2s}"
		fi
		for name in "${programs[@]}"; do
			printf 'upstream izzy_%s {\n' "$name"
			if [[ -n ${IZZY_FCGI_UPSTREAMS:-} ]]; then
				port_n=$(_stack_program_port "$name") || return 1
				for host in $IZZY_FCGI_UPSTREAMS; do
					printf '    server %s:%s max_fails=1 fail_timeout=5s;\n' "$host" "$port_n"
				done
			else
				# max_fails=0: a program that was down for a moment is tried again at once.
				printf '    server unix:%s/%s.sock max_fails=0;\n' "$rundir" "$name"
			fi
			printf '}\n'
		done
	} >"$conf/upstreams.conf" || return 1
	{
		printf '# Generated by scripts/lib/stack.sh from IZZY_TRUSTED_PROXIES; do not edit.\n'
		for host in ${IZZY_TRUSTED_PROXIES:-127.0.0.1 ::1}; do
			host=${host//,/}
			[[ -n $host ]] && printf 'set_real_ip_from %s;\n' "$host"
		done
	} >"$conf/realip.conf" || return 1
	{
		printf '# Generated by scripts/lib/stack.sh from IZZY_ALLOW_FROM; do not edit.\n'
		if [[ -n ${IZZY_ALLOW_FROM:-} ]]; then
			for host in ${IZZY_ALLOW_FROM//,/ }; do
				printf 'allow %s;\n' "$host"
			done
			printf 'deny all;\n'
		fi
	} >"$conf/access.conf" || return 1
	{
		printf '# Generated by scripts/lib/stack.sh from IZZY_METRICS_ALLOW; do not edit.\n'
		for host in ${IZZY_METRICS_ALLOW-127.0.0.1 ::1}; do
			host=${host//,/}
			[[ -n $host ]] && printf 'allow %s;\n' "$host"
		done
		printf 'deny all;\n'
	} >"$conf/metrics-access.conf" || return 1
}

# _stack_upload_body_max: the upload location's client_max_body_size, from the UPLOAD_MAX_BYTES the
# documents program reads (default 50 MiB; non-numeric means the default, spec §6.2) plus 64 KiB of
# multipart framing, the same allowance the program makes before reading a byte.
_stack_upload_body_max() {
	local max=${UPLOAD_MAX_BYTES:-52428800}
	[[ $max =~ ^[0-9]+$ && $max -gt 0 ]] || max=52428800
	printf '%s\n' $((max + 65536))
}

# _stack_nginx_cmd VARDIR ARGS...: nginx with our prefix, configuration and error log.
_stack_nginx_cmd() {
	local var=$1
	shift
	nginx -p "$var/nginx/" -c "$var/nginx/conf/nginx.conf" -e "${IZZY_NGINX_ERROR_LOG:-$var/log/nginx-error.log}" "$@"
}

# stack_nginx_check VARDIR PORT SRCDIR: render the configuration and run nginx -t on it.
stack_nginx_check() {
	local var=${1:-} port=${2:-} src=${3:-}
	[[ -n $var && $port =~ ^[0-9]+$ && -n $src ]] || { _stack_err "usage: stack_nginx_check VARDIR PORT SRCDIR"; return 1; }
	_stack_need nginx nginx || return 1
	var=$(_stack_vardir "$var") || return 1
	src=$(_stack_abs "$src") || return 1
	_stack_nginx_render "$var" "$port" "$src" || return 1
	_stack_nginx_cmd "$var" -t -q
}

# stack_nginx_start VARDIR PORT SRCDIR
# Renders IZZY_NGINX_TEMPLATE (SRCDIR/nginx/izzy.conf.in) into VARDIR/nginx/conf/nginx.conf, tests
# it, and starts nginx (or, if it already runs, reloads it with the new configuration); waits
# until PORT accepts connections.
stack_nginx_start() {
	local var=${1:-} port=${2:-} src=${3:-} pid
	[[ -n $var && $port =~ ^[0-9]+$ && -n $src ]] || { _stack_err "usage: stack_nginx_start VARDIR PORT SRCDIR"; return 1; }
	_stack_need nginx nginx || return 1
	var=$(_stack_vardir "$var") || return 1
	src=$(_stack_abs "$src") || return 1
	_stack_nginx_render "$var" "$port" "$src" || return 1
	if ! _stack_nginx_cmd "$var" -t -q; then
		_stack_err "nginx rejects $var/nginx/conf/nginx.conf"
		return 1
	fi
	if pid=$(_stack_pid_running "$var/run/nginx.pid" nginx); then
		# A reload is asynchronous: until every worker of the old generation has exited, one
		# of them may still accept a connection and answer with the old configuration. Wait
		# for a new worker and for the old ones to be gone, so that the next request sees the
		# new configuration (old workers finish their requests and close idle connections).
		local old child fresh stale i
		old=" $(pgrep -P "$pid" | tr '\n' ' ')"
		_stack_nginx_cmd "$var" -s reload || return 1
		for ((i = 0; i < 300; i++)); do
			fresh=0 stale=0
			for child in $(pgrep -P "$pid"); do
				if [[ $old == *" $child "* ]]; then stale=1; else fresh=1; fi
			done
			((fresh == 1 && stale == 0)) && break
			sleep 0.1
		done
		if ((fresh == 0 || stale == 1)); then
			_stack_err "nginx (pid $pid) did not finish its reload within 30 s"
			return 1
		fi
		_stack_log "nginx (pid $pid) reloaded"
	else
		rm -f "$var/run/nginx.pid"
		if [[ ${IZZY_NGINX_FOREGROUND:-0} == 1 ]]; then
			# Undaemonised, as our child: a container's entrypoint waits on it, and its log
			# files /dev/stdout and /dev/stderr stay the container's.
			_stack_spawn "$var/run/nginx.pid" - nginx -p "$var/nginx/" -c "$var/nginx/conf/nginx.conf" \
				-e "${IZZY_NGINX_ERROR_LOG:-$var/log/nginx-error.log}" -g 'daemon off;' || return 1
		elif ! _stack_nginx_cmd "$var"; then
			_stack_tail "${IZZY_NGINX_ERROR_LOG:-$var/log/nginx-error.log}"
			_stack_err "nginx did not start"
			return 1
		fi
	fi
	local addr=${IZZY_NGINX_ADDR:-127.0.0.1}
	[[ $addr == '*' || $addr == 0.0.0.0 ]] && addr=127.0.0.1
	if ! _stack_wait_tcp "$addr" "$port" 10; then
		_stack_tail "${IZZY_NGINX_ERROR_LOG:-$var/log/nginx-error.log}"
		_stack_err "nginx does not answer on $addr:$port"
		return 1
	fi
	_stack_log "nginx listening on http://$addr:$port"
}

# stack_nginx_reload VARDIR: nginx -t on the configuration as rendered (files it names, such as
# certificates, are read again), then reload the running nginx and wait, as stack_nginx_start
# does, until no worker of the old generation is left. Refuses (status 1, nginx untouched) when
# the test fails or nginx does not run.
stack_nginx_reload() {
	local var=${1:?usage: stack_nginx_reload VARDIR} pid old child fresh stale i
	pid=$(_stack_pid_running "$var/run/nginx.pid" nginx) || { _stack_err "nginx of $var does not run"; return 1; }
	if ! _stack_nginx_cmd "$var" -t -q; then
		_stack_err "nginx -t refuses $var/nginx/conf/nginx.conf: not reloaded (nginx keeps its old configuration)"
		return 1
	fi
	old=" $(pgrep -P "$pid" | tr '\n' ' ')"
	_stack_nginx_cmd "$var" -s reload || return 1
	for ((i = 0; i < 300; i++)); do
		fresh=0 stale=0
		for child in $(pgrep -P "$pid"); do
			if [[ $old == *" $child "* ]]; then stale=1; else fresh=1; fi
		done
		((fresh == 1 && stale == 0)) && break
		sleep 0.1
	done
	if ((fresh == 0 || stale == 1)); then
		_stack_err "nginx (pid $pid) did not finish its reload within 30 s"
		return 1
	fi
	_stack_log "nginx (pid $pid) reloaded"
}

# stack_nginx_stop VARDIR: graceful stop (QUIT: finish the requests in progress).
stack_nginx_stop() {
	local var=${1:?usage: stack_nginx_stop VARDIR}
	_stack_stop_pidfile "$var/run/nginx.pid" nginx nginx "" QUIT
}

# --- maildev -------------------------------------------------------------------------------------

# stack_maildev_start VARDIR SMTP_PORT WEB_PORT
# Starts maildev (root package.json) on 127.0.0.1: SMTP on SMTP_PORT, web UI and REST API
# (GET /api/email) on WEB_PORT; messages are kept in memory. Log VARDIR/log/maildev.log.
stack_maildev_start() {
	local var=${1:-} smtp=${2:-} web=${3:-} bin pid
	[[ -n $var && $smtp =~ ^[0-9]+$ && $web =~ ^[0-9]+$ ]] ||
		{ _stack_err "usage: stack_maildev_start VARDIR SMTP_PORT WEB_PORT"; return 1; }
	_stack_need node nodejs || return 1
	bin=$STACK_SRCDIR/node_modules/maildev/bin/maildev
	[[ -f $bin ]] || bin=$STACK_SRCDIR/node_modules/.bin/maildev
	[[ -e $bin ]] || { _stack_err "maildev is not installed: run 'npm ci' in $STACK_SRCDIR (scripts/install-deps does)"; return 1; }
	var=$(_stack_vardir "$var") || return 1
	if pid=$(_stack_pid_running "$var/run/maildev.pid" maildev); then
		_stack_log "maildev already running (pid $pid)"
		return 0
	fi
	_stack_port_free "$smtp" && _stack_port_free "$web" || return 1
	mkdir -p "$var/maildev" || return 1
	# Run from its own empty directory: maildev reads .maildevrc.json from the working directory.
	(cd "$var/maildev" && _stack_spawn "$var/run/maildev.pid" "$var/log/maildev.log" \
		node "$bin" --smtp "$smtp" --web "$web" --ip 127.0.0.1 --web-ip 127.0.0.1) || return 1
	if ! _stack_wait_tcp 127.0.0.1 "$web" 30 || ! _stack_wait_tcp 127.0.0.1 "$smtp" 5; then
		_stack_tail "$var/log/maildev.log"
		stack_maildev_stop "$var"
		_stack_err "maildev did not start on SMTP $smtp / web $web"
		return 1
	fi
	_stack_log "maildev: SMTP 127.0.0.1:$smtp, web http://127.0.0.1:$web"
}

stack_maildev_stop() {
	local var=${1:?usage: stack_maildev_stop VARDIR}
	_stack_stop_pidfile "$var/run/maildev.pid" maildev maildev group
}

# stack_s3rver_start VARDIR PORT BUCKET: the S3 peer of the tests (npm s3rver, credentials
# S3RVER/S3RVER; it checks no signatures), storing under VARDIR/s3, on 127.0.0.1:PORT.
stack_s3rver_start() {
	local var=${1:-} port=${2:-} bucket=${3:-} bin pid
	[[ -n $var && $port =~ ^[0-9]+$ && -n $bucket ]] ||
		{ _stack_err "usage: stack_s3rver_start VARDIR PORT BUCKET"; return 1; }
	_stack_need node nodejs || return 1
	bin=$STACK_SRCDIR/node_modules/s3rver/bin/s3rver.js
	[[ -f $bin ]] || { _stack_err "s3rver is not installed: run 'npm ci' in $STACK_SRCDIR (scripts/install-deps does)"; return 1; }
	var=$(_stack_vardir "$var") || return 1
	if pid=$(_stack_pid_running "$var/run/s3rver.pid" s3rver); then
		_stack_log "s3rver already running (pid $pid)"
		return 0
	fi
	_stack_port_free "$port" || return 1
	mkdir -p "$var/s3" || return 1
	(cd "$var/s3" && _stack_spawn "$var/run/s3rver.pid" "$var/log/s3rver.log" \
		node "$bin" -d "$var/s3" -a 127.0.0.1 -p "$port" --configure-bucket "$bucket") || return 1
	if ! _stack_wait_tcp 127.0.0.1 "$port" 30; then
		_stack_tail "$var/log/s3rver.log"
		stack_s3rver_stop "$var"
		_stack_err "s3rver did not start on port $port"
		return 1
	fi
	_stack_log "s3rver: http://127.0.0.1:$port bucket $bucket"
}

stack_s3rver_stop() {
	local var=${1:?usage: stack_s3rver_stop VARDIR}
	_stack_stop_pidfile "$var/run/s3rver.pid" s3rver s3rver group
}

# --- demo data -----------------------------------------------------------------------------------

# stack_demo_data N: load N synthetic leads (bench/gen-leads.sql -v demo=1: partners, users,
# statuses, notes, consents, no documents) into DATABASE_URL, only if it has no leads at all, so
# that it never wipes or mixes into real data and running it twice is harmless. Refuses unless
# IZZY_ENV is development. Prints one line for a summary: what it did, or why not.
stack_demo_data() {
	local n=${1:-} bin have
	[[ $n =~ ^[1-9][0-9]{0,5}$ ]] || { _stack_err "usage: stack_demo_data NUMBER_OF_LEADS"; return 1; }
	if [[ ${IZZY_ENV:-} != development ]]; then
		printf 'none (only in development; IZZY_ENV=%s)\n' "${IZZY_ENV:-}"
		return 0
	fi
	[[ -n ${DATABASE_URL:-} ]] || { _stack_err "DATABASE_URL is not set"; return 1; }
	bin=$(_stack_pg_bin)
	have=$("$bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c 'SELECT count(*) FROM "Lead"') || return 1
	if ((have > 0)); then
		printf 'none added: the database already has %s leads\n' "$have"
		return 0
	fi
	if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -v nleads="$n" -v demo=1 \
		-f "$STACK_SRCDIR/bench/gen-leads.sql" >/dev/null; then
		_stack_err "bench/gen-leads.sql (demo) failed"
		return 1
	fi
	have=$("$bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c 'SELECT count(*) FROM "Lead"') || return 1
	printf '%s demo leads loaded (bench/gen-leads.sql; IZZY_DEMO_DATA=0 skips them)\n' "$have"
}

# --- all at once ---------------------------------------------------------------------------------

# stack_down VARDIR: stop nginx, the programs, the worker, maildev and PostgreSQL, whichever run.
stack_down() {
	local var=${1:?usage: stack_down VARDIR} rc=0
	[[ -d $var ]] || return 0
	stack_nginx_stop "$var" || rc=1
	stack_fcgi_stop "$var" || rc=1
	stack_worker_stop "$var" || rc=1
	stack_maildev_stop "$var" || rc=1
	stack_s3rver_stop "$var" || rc=1
	stack_pg_stop "$var" || rc=1
	return $rc
}

# stack_destroy VARDIR: stack_down, then remove VARDIR and the /tmp directories it links to.
stack_destroy() {
	local var=${1:?usage: stack_destroy VARDIR} l t
	[[ -d $var ]] || return 0
	stack_down "$var" || return 1
	for l in "$var"/*; do
		[[ -L $l ]] || continue
		t=$(readlink -f "$l")
		[[ $t == /tmp/izzy-* ]] && rm -rf -- "$t"
	done
	rm -rf -- "$var"
}

# stack_status VARDIR: one line per service of VARDIR; status 1 if a started service has died.
stack_status() {
	local var=${1:?usage: stack_status VARDIR} f name pid rc=0 base
	if [[ -e $var/pg ]]; then
		base=$(readlink -f "$var/pg")
		if [[ -s $base/data/PG_VERSION ]] && _stack_pg_ctl "$base" status -D "$base/data" >/dev/null 2>&1; then
			printf '%-12s running  %s\n' postgres "$(sed -n 1p "$base/data/postmaster.pid") socket $(sed -n 5p "$base/data/postmaster.pid")/.s.PGSQL.$(sed -n 4p "$base/data/postmaster.pid")"
		else
			printf '%-12s stopped\n' postgres
		fi
	fi
	for f in "$var"/run/*.pid; do
		[[ -e $f ]] || continue
		name=${f##*/}
		name=${name%.pid}
		case $name in
		nginx) pid=$(_stack_pid_running "$f" nginx) ;;
		maildev) pid=$(_stack_pid_running "$f" maildev) ;;
		*) pid=$(_stack_pid_running "$f" supervise.sh) ;;
		esac
		if [[ -n $pid ]]; then
			printf '%-12s running  pid %s\n' "$name" "$pid"
		else
			printf '%-12s DEAD     (stale %s)\n' "$name" "$f"
			rc=1
		fi
	done
	return $rc
}
