#!/usr/bin/env bash
# Scale-out past one machine (docs/operations.md, "Scale-out"), built on this machine: two
# application "hosts" (Linux network namespaces joined to ours by veth pairs, each with a private
# address and the programs under spawn-fcgi on TCP), nginx in front balancing over both
# (IZZY_FCGI_UPSTREAMS), a primary PostgreSQL and a streaming replica (pg_basebackup -R) that the
# lead list reads (DATABASE_READ_URL).
#   - under wrk load, one host is killed: no GET fails, and writes go on through the other host;
#   - the list reads the replica (replay paused: a new lead is not there yet), except for the
#     client that has just written (nginx's izzy_wrote marker: it sees its own lead);
#   - the replica stopped: the list reads the primary, with no error.
# PostgreSQL stays on unix sockets (reachable from every namespace, as a network address would be
# from real hosts); the replica's lag is what the test controls, not the network to it.
# Needs root (ip netns); the namespaces, the links and the replica are removed on exit.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
if ((EUID != 0)) || ! command -v ip >/dev/null || ! command -v wrk >/dev/null; then
	printf '1..0 # SKIP needs root, ip (iproute2) and wrk\n'
	exit 77
fi
t_stack_db ops-scale-out
PORT=${IZZY_TEST_SCALE_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 37))}
BASE=http://127.0.0.1:$PORT
# Two /30 networks: ours .1, the host's .2 (IZZY_TEST_SCALE_NET: the first two octets).
NET=${IZZY_TEST_SCALE_NET:-10.231}
NS_A=izzy-so-a-$$ NS_B=izzy-so-b-$$
VETH_A=izso$$a VETH_B=izso$$b
HOST_A=$NET.1.2 HOST_B=$NET.2.2
REPLICA=
PG_BIN=$(_stack_pg_bin)
PG_AS=()
((EUID == 0)) && PG_AS=(runuser -u postgres --)

cleanup() {
	local rc=$? ns p
	for ns in "$NS_A" "$NS_B"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	ip link del "$VETH_A" 2>/dev/null
	ip link del "$VETH_B" 2>/dev/null
	if [[ -n $REPLICA && -d $REPLICA ]]; then
		"${PG_AS[@]}" "$PG_BIN/pg_ctl" stop -D "$REPLICA/data" -m immediate -s >/dev/null 2>&1
		rm -rf -- "$REPLICA"
	fi
	(exit "$rc")
	t_cleanup
}
trap cleanup EXIT

ip -4 addr | grep -q "inet $NET\.[12]\." &&
	t_bail "$NET.1.0/30 or $NET.2.0/30 is in use here (a run killed before its clean-up?): set IZZY_TEST_SCALE_NET"

printf '# %ss: database ready\n' "$SECONDS"
# --- the replica: pg_basebackup -R from the primary, on its own socket directory -----------------
REPLICA=$(mktemp -d /tmp/izzy-replica.XXXXXX) || t_bail "mktemp"
chmod 0700 "$REPLICA"
mkdir -p "$REPLICA/sock"
((EUID == 0)) && chown -R postgres "$REPLICA"
(cd "$REPLICA" && "${PG_AS[@]}" "$PG_BIN/pg_basebackup" -R -X stream -c fast \
	-d "host=$IZZY_PG_SOCKDIR port=$IZZY_PG_PORT user=postgres" -D "$REPLICA/data") >"$T_VAR/basebackup.log" 2>&1 ||
	{ cat "$T_VAR/basebackup.log"; t_bail "pg_basebackup failed"; }
grep -q primary_conninfo "$REPLICA/data/postgresql.auto.conf" && [[ -f $REPLICA/data/standby.signal ]]
ok $? "pg_basebackup -R writes a standby configuration"
(cd "$REPLICA" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" start -w -s -D "$REPLICA/data" -l "$REPLICA/log" \
	-o "-c listen_addresses= -c unix_socket_directories=$REPLICA/sock -p $IZZY_PG_PORT -c fsync=off") ||
	{ cat "$REPLICA/log"; t_bail "the replica did not start"; }
READ_URL="postgresql://izzy@/izzy?host=$REPLICA/sock&port=$IZZY_PG_PORT"
replica_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "postgresql://postgres@/izzy?host=$REPLICA/sock&port=$IZZY_PG_PORT" -c "$1"; }
is "$(replica_q 'SELECT pg_is_in_recovery()')" t "the replica is a hot standby"
for ((i = 0; i < 100; i++)); do
	[[ $(replica_q 'SELECT status FROM pg_stat_wal_receiver') == streaming ]] && break
	sleep 0.1
done
is "$(replica_q 'SELECT status FROM pg_stat_wal_receiver')" streaming "and streams from the primary"

printf '# %ss: replica ready\n' "$SECONDS"
# --- two application hosts --------------------------------------------------------------------------
# host NS VETH N ADDR: a namespace with lo up and a veth pair, ours $NET.N.1, the host's ADDR.
host() {
	local ns=$1 veth=$2 n=$3 addr=$4
	ip netns add "$ns" &&
		ip link add "$veth" type veth peer name eth0 netns "$ns" &&
		ip addr add "$NET.$n.1/30" dev "$veth" && ip link set "$veth" up &&
		ip -n "$ns" addr add "$addr/30" dev eth0 && ip -n "$ns" link set eth0 up &&
		ip -n "$ns" link set lo up
}
host "$NS_A" "$VETH_A" 1 "$HOST_A" || t_bail "ip netns: could not build host A"
host "$NS_B" "$VETH_B" 2 "$HOST_B" || t_bail "ip netns: could not build host B"
# A host runs what the test needs of this build: health, auth, leads. (Logs of an earlier run go.)
rm -rf "$T_VAR/hostA" "$T_VAR/hostB"
: >"$T_VAR/log/nginx-access.log"
mkdir -p "$T_VAR/app/cgi-bin"
for p in health auth leads; do ln -sf "$top_builddir/cgi-bin/$p" "$T_VAR/app/cgi-bin/$p"; done
export DATABASE_READ_URL=$READ_URL IZZY_FCGI_SETTLE=0.2
for h in A B; do
	ns=NS_$h addr=HOST_$h
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "${!ns}" env IZZY_FCGI_LISTEN="${!addr}" bash -c \
		'. "$1/scripts/lib/stack.sh" && stack_fcgi_start "$2" "$3" 2' _ \
		"$top_srcdir" "$T_VAR/host$h" "$T_VAR/app" 2>>"$T_VAR/stack.log" || t_bail "host $h: the programs did not start"
	_stack_wait_tcp "${!addr}" "$(_stack_program_port leads)" 10
	ok $? "host $h: leads listens on ${!addr}:$(_stack_program_port leads), from its namespace"
	printf '# %ss: host %s ready\n' "$SECONDS" "$h"
done
! ip netns exec "$NS_A" ss -Htln "sport = :$(_stack_program_port leads)" | grep -qv "$HOST_A:"
ok $? "host A's programs bind its private address only"

IZZY_FCGI_UPSTREAMS="$HOST_A $HOST_B" IZZY_FCGI_PROGRAMS="health auth leads" \
	stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
up=$T_VAR/nginx/conf/upstreams.conf
like "$(cat "$up")" "server $HOST_A:[0-9]+.*server $HOST_B:[0-9]+" "nginx balances each program over both hosts"
like "$(cat "$up")" "fastcgi_next_upstream error timeout;" "a failed host's request goes to the next (idempotent only)"
[[ $(cat "$up") != *non_idempotent* ]]
ok $? "non-idempotent requests are never retried on another host"

printf '# %ss: nginx ready\n' "$SECONDS"
JAR=$T_VAR/jar
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -H 'Content-Type: application/json' \
	--data-binary '{"email":"admin@example.com","password":"Admin123!"}' "$BASE/api/auth/login")
is "$code" 200 "a user logs in through nginx"
SESSION=$(awk '$6 == "izzy_session" {print $7}' "$JAR")
[[ -n $SESSION ]] || t_bail "no session cookie"
# Both hosts answer (round robin): answers come back over both links.
rx() { cat "/sys/class/net/$1/statistics/rx_bytes"; }
a0=$(rx "$VETH_A") b0=$(rx "$VETH_B")
for ((i = 0; i < 6; i++)); do curl -s -o /dev/null -b "izzy_session=$SESSION" "$BASE/api/leads?perPage=1"; done
(($(rx "$VETH_A") - a0 > 1000 && $(rx "$VETH_B") - b0 > 1000))
ok $? "both hosts serve the list (bytes back over each link: $(($(rx "$VETH_A") - a0)), $(($(rx "$VETH_B") - b0)))"

new_lead() { # NAME: create a lead as the admin, print its id (empty on failure)
	curl -s -b "$JAR" -c "$JAR" -H 'Content-Type: application/json' \
		--data-binary "{\"partnerId\":\"seed-partner\",\"customer\":{\"firstName\":\"Zofia\",\"lastName\":\"$1\",\"email\":\"$1@example.pl\"}}" \
		"$BASE/api/leads" | jq -r '.id // empty'
}
# list_has ID [COOKIES]: the lead list (newest first) holds ID, for a client with COOKIES.
list_has() {
	curl -s -b "${2:-izzy_session=$SESSION}" "$BASE/api/leads?perPage=5" | jq -e --arg id "$1" 'any(.data[]; .id == $id)' >/dev/null
}

printf '# %ss: hosts and nginx ready\n' "$SECONDS"
# --- reads on the replica, read-your-writes on the primary -------------------------------------------
replica_q 'SELECT pg_wal_replay_pause()' >/dev/null
L1=$(new_lead Lagowska)
[[ -n $L1 ]] || t_bail "no lead created"
grep -q 'izzy_wrote' "$JAR"
ok $? "a write marks its client (the izzy_wrote cookie from nginx)"
list_has "$L1" "izzy_session=$SESSION"
ok $((!$?)) "another client's list comes from the replica (replay paused: the new lead is not there yet)"
list_has "$L1" "izzy_session=$SESSION; izzy_wrote=1"
ok $? "the client that wrote reads the primary and sees its own lead"
replica_q 'SELECT pg_wal_replay_resume()' >/dev/null
for ((i = 0; i < 100; i++)); do list_has "$L1" && break; sleep 0.1; done
list_has "$L1"
ok $? "once the replica replays, everyone sees the lead"

# --- under load, host A dies ---------------------------------------------------------------------------
wrk -t2 -c8 -d6s --timeout 5s -H "Cookie: izzy_session=$SESSION" "$BASE/api/leads?perPage=5" >"$T_VAR/wrk.out" 2>&1 &
WRK=$!
# The load is running once nginx has logged some of its requests.
n0=$(wc -l <"$T_VAR/log/nginx-access.log")
for ((i = 0; i < 100; i++)); do (($(wc -l <"$T_VAR/log/nginx-access.log") > n0 + 50)) && break; sleep 0.1; done
for p in $(ip netns pids "$NS_A"); do kill -KILL "$p" 2>/dev/null; done
ok $? "host A is killed under load"
for ((i = 0; i < 50; i++)); do [[ -z $(ip netns pids "$NS_A") ]] && break; sleep 0.1; done
L2=$(new_lead Zapisana)
[[ -n $L2 ]]
ok $? "writes go on through host B"
wait "$WRK"
sed 's/^/# /' "$T_VAR/wrk.out"
like "$(cat "$T_VAR/wrk.out")" "[0-9]+ requests in" "wrk ran"
[[ $(cat "$T_VAR/wrk.out") != *"Non-2xx"* && $(cat "$T_VAR/wrk.out") != *"Socket errors"* ]]
ok $? "no GET failed while host A died (no non-2xx answer, no socket error)"
# (499s are wrk's own connections closed at the end of its run, not failures.)
is "$(awk '$0 ~ /GET \/api\/leads/ && $6 !~ /^(2..|499)$/' "$T_VAR/log/nginx-access.log" | wc -l)" 0 \
	"nginx logged no failed list request"
list_has "$L2" "izzy_session=$SESSION; izzy_wrote=1"
ok $? "the lead written after the failure is there"

printf '# %ss: load done\n' "$SECONDS"
# --- the replica stops: reads fall back to the primary ---------------------------------------------------
(cd "$REPLICA" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" stop -D "$REPLICA/data" -m fast -s) || t_bail "the replica did not stop"
L3=$(new_lead Bezrepliki)
code=$(curl -s -o "$T_VAR/list.json" -w '%{http_code}' -b "izzy_session=$SESSION" "$BASE/api/leads?perPage=5")
is "$code" 200 "with the replica down the list still answers"
jq -e --arg id "$L3" 'any(.data[]; .id == $id)' "$T_VAR/list.json" >/dev/null
ok $? "from the primary (the newest lead is in it)"
like "$(cat "$T_VAR/hostB/log/leads.log")" "(DATABASE_READ_URL unreachable|failed on DATABASE_READ_URL): reading the primary" \
	"the program says it fell back"

t_done
