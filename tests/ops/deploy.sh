#!/usr/bin/env bash
# scripts/deploy (procedure §2, §5.2, §8.4): releases switched under load without one failed
# request; a release that fails its health check is rolled back by itself and the old one keeps
# serving; a release whose program cannot start is never switched to; --rollback; the releases
# kept; the USER@HOST path (through a stand-in for ssh that runs the command here).
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
t_stack_db ops-deploy
PORT=${IZZY_TEST_DEPLOY_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 17))}
BASE=http://127.0.0.1:$PORT
ROOT=$T_VAR/deploy
rm -rf "$ROOT"
export IZZY_DEPLOY_ROOT=$ROOT IZZY_VAR_DIR=$ROOT/var IZZY_HTTP_PORT=$PORT IZZY_FCGI_WORKERS=1
export UPLOAD_DRIVER=disk UPLOAD_DIR=$T_VAR/uploads IZZY_BACKUP_DIR=$T_VAR/backups IZZY_DEPLOY_KEEP=3
export IZZY_DEPLOY_HEALTH_TIMEOUT=20
mkdir -p "$UPLOAD_DIR"
DEPLOY=$top_srcdir/scripts/deploy

# The build of a release: this build tree's programs (a real `scripts/build` of each release
# would cost minutes on the CI machine; the build step itself is the same command either way).
BUILD_COPY='mkdir -p build/cgi-bin build/bin &&
	for f in "$T_BUILD"/cgi-bin/*; do if [[ -f $f && -x $f && ${f##*/} != *.* ]]; then cp "$f" build/cgi-bin/ || exit 1; fi; done &&
	cp "$T_BUILD/bin/izzyctl" build/bin/ && { [[ ! -x $T_BUILD/bin/izzy-worker ]] || cp "$T_BUILD/bin/izzy-worker" build/bin/; }'
export T_BUILD=$top_builddir IZZY_DEPLOY_BUILD=$BUILD_COPY

cleanup() {
	local rc=$? d
	[[ -n ${LOAD_PIDS:-} ]] && kill $LOAD_PIDS 2>/dev/null
	for d in "$ROOT"/var/rel/*; do [[ -d $d ]] && stack_destroy "$d" >/dev/null 2>&1; done
	stack_down "$ROOT/var" >/dev/null 2>&1
	(exit "$rc")
	t_cleanup
}
trap cleanup EXIT

current() { basename "$(readlink "$ROOT/current")"; }
previous() { basename "$(readlink "$ROOT/previous" 2>/dev/null)" 2>/dev/null; }
# running ID: the number of programs of release ID whose supervisor runs.
running() {
	local f n=0
	for f in "$ROOT/var/rel/$1"/run/*.pid; do
		[[ -e $f ]] && _stack_pid_running "$f" supervise.sh >/dev/null && n=$((n + 1))
	done
	printf '%s\n' "$n"
}

# --- the first release ------------------------------------------------------------------------------------
"$DEPLOY" --local "$top_srcdir" --no-backup >"$T_VAR/d1.out" 2>"$T_VAR/d1.err"
rc=$?
is "$rc" 0 "the first deploy succeeds"
((rc == 0)) || { sed 's/^/# /' "$T_VAR/d1.err"; t_bail "no first release"; }
R1=$(current)
like "$(cat "$T_VAR/d1.err")" "\[1/7\] fetch.*\[2/7\] build.*\[4/7\] migrate.*\[5/7\] start.*\[6/7\] switch.*\[7/7\] check" "it reports each step"
[[ -f $ROOT/releases/$R1/www/index.html && -d $ROOT/releases/$R1/schema/migrations && -x $ROOT/releases/$R1/build/bin/izzyctl && -d $ROOT/releases/$R1/www/vendor ]]
ok $? "the release directory holds the tree ($R1)"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready")" 200 "the release serves through nginx"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T_VAR/jar" -H 'Content-Type: application/json' \
	--data-binary '{"email":"admin@example.com","password":"Admin123!"}' "$BASE/api/auth/login")
is "$code" 200 "a user logs in"

# --- load: requests through nginx for the rest of the suite ---------------------------------------------
rm -f "$T_VAR/load."* "$T_VAR/stop"
load() { # N: GET the lead list on new connections until $T_VAR/stop exists; one status a line
	while [[ ! -e $T_VAR/stop ]]; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -b "$T_VAR/jar" "$BASE/api/leads?limit=5" ||
			printf 'curl-error\n'
	done >"$T_VAR/load.$1"
}
load 1 &
LOAD_PIDS=$!
load 2 &
LOAD_PIDS="$LOAD_PIDS $!"
# The load runs before the first switch.
for ((i = 0; i < 100; i++)); do [[ $(cat "$T_VAR"/load.* 2>/dev/null | wc -l) -ge 20 ]] && break; sleep 0.1; done

# --- a second release, under load, with a backup ------------------------------------------------------------
"$DEPLOY" --local "$top_srcdir" >"$T_VAR/d2.out" 2>"$T_VAR/d2.err"
rc=$?
is "$rc" 0 "a second deploy under load succeeds"
((rc == 0)) || sed 's/^/# /' "$T_VAR/d2.err"
R2=$(current)
ok $([[ $R2 != "$R1" && $(previous) == "$R1" ]]; echo $?) "current is the new release ($R2), previous the first"
like "$(cat "$T_VAR/d2.err")" "\[3/7\] backup: into .*backup: .*izzy-.*\.tar" "it backed up first"
ls "$IZZY_BACKUP_DIR"/izzy-*.tar >/dev/null 2>&1
ok $? "the backup file exists"
is "$(running "$R1")" 0 "the first release's programs were stopped after the switch"
ok $(($(running "$R2") > 0 ? 0 : 1)) "the new release's programs run"
like "$(readlink -f "$ROOT/var/fcgi")" "/rel/$R2\$" "the stack records the programs' directory"
grep -q "rel/$R2" "$ROOT/var/nginx/conf/upstreams.conf" 2>/dev/null ||
	grep -q "$(readlink -f "$ROOT/var/rel/$R2/run")" "$ROOT/var/nginx/conf/upstreams.conf"
ok $? "nginx's upstreams are the new release's sockets"

# --- a release that fails its health check: rolled back by itself --------------------------------------
IZZY_DEPLOY_HEALTH_CHECK='curl -fsS -o /dev/null "$IZZY_DEPLOY_URL/api/health" && exit 1' \
	"$DEPLOY" --local "$top_srcdir" --no-backup >"$T_VAR/d3.out" 2>"$T_VAR/d3.err"
is "$?" 3 "a release failing its health check: exit status 3"
like "$(cat "$T_VAR/d3.err")" "rolled back to $R2" "it says it rolled back"
is "$(current)" "$R2" "current is the release before again"
is "$(previous)" "$R1" "and previous what it was"
R3=$(cd "$ROOT/releases" && ls | grep -v -e "^$R1\$" -e "^$R2\$" | tail -1)
ok $([[ -n $R3 && -d $ROOT/releases/$R3 ]]; echo $?) "the failed release stays installed to look at ($R3)"
is "$(running "$R3")" 0 "its programs were stopped"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T_VAR/jar" "$BASE/api/leads")" 200 "the old release keeps serving"

# --- a release whose leads program exits at start: never switched to ------------------------------------
IZZY_DEPLOY_BUILD="$BUILD_COPY && printf '#!/bin/sh\nexit 1\n' >build/cgi-bin/leads" \
	"$DEPLOY" --local "$top_srcdir" --no-backup >"$T_VAR/d4.out" 2>"$T_VAR/d4.err"
is "$?" 1 "a release whose program cannot start: exit status 1"
like "$(cat "$T_VAR/d4.err")" "leads exits right after starting.*nothing was switched, $R2 still serves" "it says why and that nothing changed"
is "$(current)" "$R2" "current is unchanged"
is "$(cd "$ROOT/releases" && ls | wc -l)" 3 "the release that never started is removed"

# --- --rollback to the previous release, under load ------------------------------------------------------
"$DEPLOY" --rollback >"$T_VAR/d5.out" 2>"$T_VAR/d5.err"
rc=$?
is "$rc" 0 "scripts/deploy --rollback succeeds"
((rc == 0)) || sed 's/^/# /' "$T_VAR/d5.err"
is "$(current)" "$R1" "current is the first release again"
is "$(previous)" "$R2" "previous is the one rolled back from"
is "$(running "$R2")" 0 "the programs of the release rolled back from were stopped"

# --- the load: not one failed request ---------------------------------------------------------------------
before=$(cat "$T_VAR"/load.* | wc -l)
for ((i = 0; i < 100; i++)); do [[ $(cat "$T_VAR"/load.* | wc -l) -ge $((before + 10)) ]] && break; sleep 0.1; done
touch "$T_VAR/stop"
wait $LOAD_PIDS
LOAD_PIDS=""
total=$(cat "$T_VAR"/load.* | wc -l)
bad=$(cat "$T_VAR"/load.* | grep -cv '^200$')
ok $((total >= 50 ? 0 : 1)) "requests were made during three switches ($total)"
is "$bad" 0 "not one of them failed"
((bad == 0)) || sort "$T_VAR"/load.* | uniq -c | sed 's/^/# /'

# --- USER@HOST, keeping N releases, --status ---------------------------------------------------------------
cat >"$T_VAR/fake-ssh" <<'EOF'
#!/usr/bin/env bash
# ssh HOST COMMAND: run COMMAND here (records the host)
printf '%s\n' "$1" >>"${0%/*}/ssh-hosts"
shift
exec bash -c "$*"
EOF
chmod +x "$T_VAR/fake-ssh"
IZZY_DEPLOY_SSH=$T_VAR/fake-ssh "$DEPLOY" --no-backup deploy@crm.example.com >"$T_VAR/d6.out" 2>"$T_VAR/d6.err"
rc=$?
is "$rc" 0 "a deploy to USER@HOST (ssh stand-in) succeeds"
((rc == 0)) || sed 's/^/# /' "$T_VAR/d6.err"
is "$(cat "$T_VAR/ssh-hosts" | sort -u)" deploy@crm.example.com "it went through ssh to that host"
R6=$(current)
ok $([[ $R6 != "$R1" && $(previous) == "$R1" ]]; echo $?) "the release sent over is current ($R6)"
ok $([[ -z $(ls -A "$ROOT/incoming" 2>/dev/null) ]]; echo $?) "the copy sent over is removed"
is "$(cd "$ROOT/releases" && ls | wc -l)" 3 "releases beyond the newest 3 are removed (IZZY_DEPLOY_KEEP)"
ok $([[ -d $ROOT/releases/$R1 ]]; echo $?) "the previous release is kept"
"$DEPLOY" --status >"$T_VAR/status" 2>&1
like "$(cat "$T_VAR/status")" "$R6 \(current\)" "--status shows the current release"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready")" 200 "the stack is ready at the end"

t_done
