# shellcheck shell=bash
# tests/lib/testlib.sh: what every shell suite shares.
#
#   . "$top_srcdir/tests/lib/testlib.sh"
#   t_stack_db NAME          private PostgreSQL for this suite, migrated and seeded
#   ok COND-EXIT-STATUS MSG  / is GOT WANT MSG / like GOT REGEX MSG / t_done
#
# A suite needs real services; a missing one is a FAILURE naming the Debian
# package (scripts/lib/stack.sh does that), never a skip.  Output is TAP-like.
#
# No `set -e`: a failing check must be reported by ok/is/like and the suite must
# go on to the next one (under errexit a bare `[[ … ]]` before `ok $?` ended the
# suite instead).  Set-up that cannot be continued from calls t_bail.
set -uo pipefail

: "${top_srcdir:?run through make check (top_srcdir unset)}"
: "${top_builddir:?run through make check (top_builddir unset)}"
export IZZY_ENV=test
export JWT_SECRET=test-only-jwt-secret-not-for-production-000000
export APP_BASE_URL=http://crm.test
export IZZY_LOG_LEVEL=${IZZY_LOG_LEVEL:-info}
# Sanitizer builds: leaks and UB fail the suite.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

. "$top_srcdir/scripts/lib/stack.sh"

T_FAILS=0
T_COUNT=0
T_VAR=""

t_fail() {
	T_FAILS=$((T_FAILS + 1))
	printf 'not ok %d - %s\n' "$T_COUNT" "$*"
}

# ok STATUS MSG: passes when STATUS (usually "$?" or a test expression's) is 0.
ok() {
	T_COUNT=$((T_COUNT + 1))
	if [[ $1 == 0 ]]; then printf 'ok %d - %s\n' "$T_COUNT" "$2"; else t_fail "$2"; fi
}

is() {
	T_COUNT=$((T_COUNT + 1))
	if [[ $1 == "$2" ]]; then
		printf 'ok %d - %s\n' "$T_COUNT" "$3"
	else
		t_fail "$3"
		printf '#   got:  %s\n#   want: %s\n' "${1:0:600}" "${2:0:600}"
	fi
}

like() {
	T_COUNT=$((T_COUNT + 1))
	if [[ $1 =~ $2 ]]; then
		printf 'ok %d - %s\n' "$T_COUNT" "$3"
	else
		t_fail "$3"
		printf '#   got:  %s\n#   want: /%s/\n' "${1:0:600}" "$2"
	fi
}

# t_bail MSG: set-up failed; later checks would be meaningless.
t_bail() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

t_done() {
	printf '1..%d\n' "$T_COUNT"
	if ((T_FAILS > 0)); then
		printf '# %d of %d failed\n' "$T_FAILS" "$T_COUNT"
		return 1
	fi
	return 0
}

t_cleanup() {
	local rc=$? pid
	for pid in "${T_HOLD_PID[@]}" "${T_PSQL_PID[@]}"; do kill "$pid" 2>/dev/null; done
	if [[ -n $T_VAR ]]; then
		if ((rc != 0)) && [[ -d $T_VAR/log ]]; then
			# Show the programs' logs of a failing suite (they hold no personal data).
			for f in "$T_VAR"/log/*.log; do
				[[ -s $f ]] || continue
				printf '# --- %s (last 30 lines)\n' "$f"
				tail -n 30 "$f" | sed 's/^/# /'
			done
		fi
		stack_down "$T_VAR" >/dev/null 2>&1 || true
	fi
	exit "$rc"
}

# t_stack_db NAME: starts this suite's PostgreSQL in the build tree and loads
# the schema and the development seed with bin/izzyctl.
t_stack_db() {
	T_VAR=$top_builddir/tests/var/$1
	trap t_cleanup EXIT
	stack_down "$T_VAR" >/dev/null 2>&1 || true
	rm -rf "$T_VAR/pg/data" 2>/dev/null || true
	mkdir -p "$T_VAR"
	stack_pg_start "$T_VAR" 5432 2>"$T_VAR/stack.log" || { cat "$T_VAR/stack.log" >&2; t_bail "PostgreSQL did not start"; }
	export IZZY_SCHEMA_DIR=$top_srcdir/schema
	"$top_builddir/bin/izzyctl" migrate deploy >/dev/null || t_bail "izzyctl migrate deploy failed"
	"$top_builddir/bin/izzyctl" seed >/dev/null || t_bail "izzyctl seed failed"
}

# psql_q SQL: one value from the suite's database.
psql_q() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"
}

# t_wait_port PORT: polls (up to 30 s) until something accepts TCP connections on
# 127.0.0.1:PORT; 1 if nothing does.  For a peer the test started itself.
t_wait_port() {
	local i
	for ((i = 0; i < 300; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# t_hold NAME SQL: a psql session named NAME (its application_name) runs SQL — session
# advisory locks, or BEGIN and row locks — and stays connected; returns once SQL has run,
# 1 if it failed or did not run within 30 s.  t_release NAME ends the session by terminating
# its backend, which frees whatever it held (an open transaction rolls back).  The test
# writes nothing to the session, so a session that has gone cannot kill the shell with
# SIGPIPE, as writing to a psql coprocess could.
declare -A T_HOLD_PID=()
t_hold() {
	local name=$1 sql=$2 i
	PGAPPNAME=$name psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$sql" \
		-c "SELECT pg_sleep(3600) /* t_hold */" >/dev/null 2>&1 &
	T_HOLD_PID[$name]=$!
	for ((i = 0; i < 300; i++)); do
		[[ $(psql_q "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$name' AND query LIKE 'SELECT pg_sleep(3600) /* t_hold */%'") == 1 ]] && return 0
		kill -0 "${T_HOLD_PID[$name]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
t_release() {
	local pid=${T_HOLD_PID[$1]:-}
	psql_q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '$1'" >/dev/null
	[[ -n $pid ]] && wait "$pid" 2>/dev/null
	unset "T_HOLD_PID[$1]"
	return 0
}

# t_psql_open NAME: an interactive psql session the test drives line by line, for a
# transaction that must stay open and then COMMIT (BEGIN, lock or change rows, …):
# t_psql_send NAME LINE… writes to it, t_psql_read NAME VAR waits (30 s at most) for its
# next output line, t_psql_close NAME sends \q and waits for it to end.  A bash coprocess
# did this before, but bash unsets its variables and closes its pipes the moment psql
# exits, so a test that reached `wait "$HOLD_PID"` a little late died of `set -u`, and a
# write to a session that had gone killed the shell with SIGPIPE.  Here the variables
# stay, and a write to a session that has gone only fails.
declare -A T_PSQL_PID=() T_PSQL_FD=() T_PSQL_SEEN=()
t_psql_open() {
	local base=$T_VAR/psql-$1 fd
	rm -f "$base.in" "$base.out"
	mkfifo "$base.in" && : >"$base.out" || return 1
	psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" <"$base.in" >>"$base.out" 2>&1 &
	T_PSQL_PID[$1]=$!
	exec {fd}>"$base.in"
	T_PSQL_FD[$1]=$fd
	T_PSQL_SEEN[$1]=0
}
t_psql_send() {
	local fd=${T_PSQL_FD[$1]:-}
	shift
	[[ -n $fd ]] || return 1
	(
		trap '' PIPE
		printf '%s\n' "$@" >&"$fd"
	) 2>/dev/null
}
t_psql_read() {
	local out=$T_VAR/psql-$1.out next=$((${T_PSQL_SEEN[$1]:-0} + 1)) i ended=0
	for ((i = 0; i < 300 && ended < 2; i++)); do
		if (($(wc -l <"$out") >= next)); then
			T_PSQL_SEEN[$1]=$next
			printf -v "$2" '%s' "$(sed -n "${next}p" "$out")"
			return 0
		fi
		# Once psql has ended, its output is read once more (ended 1 -> 2), then no more.
		if ((ended > 0)) || ! kill -0 "${T_PSQL_PID[$1]}" 2>/dev/null; then
			ended=$((ended + 1))
		else
			sleep 0.1
		fi
	done
	printf -v "$2" '%s' ""
	return 1
}
t_psql_close() {
	local fd=${T_PSQL_FD[$1]:-} pid=${T_PSQL_PID[$1]:-}
	if [[ -n $fd ]]; then
		t_psql_send "$1" '\q'
		exec {fd}>&-
	fi
	[[ -n $pid ]] && wait "$pid" 2>/dev/null
	unset "T_PSQL_FD[$1]" "T_PSQL_PID[$1]" "T_PSQL_SEEN[$1]"
	return 0
}

# t_lock_waiters N: polls (bounded) until exactly N backends of this database wait
# for a lock: the deterministic hook of the race tests (a psql session holds the
# lock, the handlers queue behind it).  1 if that never happens.
t_lock_waiters() {
	local i
	for ((i = 0; i < 500; i++)); do
		[[ $(psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == "$1" ]] && return 0
		sleep 0.02
	done
	return 1
}
