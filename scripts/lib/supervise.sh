#!/usr/bin/env bash
# scripts/lib/supervise.sh NAME WORKERS -- PROGRAM [ARGS...]
#
# Keeps WORKERS copies of PROGRAM running, and starts a new copy whenever one exits, for whatever
# reason. Bare `spawn-fcgi -F N` forks N workers and leaves, so a crashed worker is never replaced;
# instead stack.sh runs `spawn-fcgi -n -s SOCKET -- supervise.sh NAME N -- PROGRAM`: spawn-fcgi binds
# the socket as fd 0 and execs this script, whose children all inherit that listening socket and
# accept on it, as FastCGI programs do with fd 0. (The background worker runs under it the same
# way, with /dev/null as fd 0.)
#
# Output goes to our stderr (stack.sh points it at VARDIR/log/NAME.log) in the programs' log format,
# "LEVEL module rid: message". A worker that dies within 2 s of its start counts as a crash loop:
# the next start waits 1, 2, 4 … up to 30 s. TERM, INT or HUP stop all workers and then this script.
# With SUPERVISE_EXITS_FILE set, each unexpected exit also appends "PID STATUS SECONDS" to that file.
set -u

if (($# < 4)) || [[ $3 != -- ]] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: supervise.sh NAME WORKERS -- PROGRAM [ARGS...]" >&2
	exit 2
fi
name=$1
workers=$2
shift 3

say() { printf '%s supervise %s: %s\n' "$1" "$name" "$2" >&2; }

# A non-interactive bash gives background jobs /dev/null as stdin unless they redirect it
# themselves, so keep the socket on fd 3 and hand it to each worker as its fd 0 explicitly.
exec 3<&0 0</dev/null
umask "${IZZY_FCGI_UMASK:-0027}"

declare -A started=() # pid -> $SECONDS at its start
stopping=0
on_signal() {
	stopping=1
	((${#started[@]} == 0)) || kill -TERM "${!started[@]}" 2>/dev/null
}
trap on_signal TERM INT HUP

spawn() {
	"$@" 0<&3 3<&- &
	started[$!]=$SECONDS
}

for ((i = 0; i < workers; i++)); do
	spawn "$@"
done
say INFO "$workers worker(s) of $1 started"

delay=0
while ((${#started[@]} > 0)); do
	done_pid=""
	wait -n -p done_pid
	status=$?
	[[ -n ${done_pid:-} ]] || continue # interrupted by a signal: the trap has run
	lived=$((SECONDS - ${started[$done_pid]:-0}))
	unset "started[$done_pid]"
	((stopping)) && continue
	say WARN "worker pid $done_pid exited with status $status after ${lived}s; starting another"
	# stack.sh reads this to tell a program that cannot start from one that runs.
	[[ -z ${SUPERVISE_EXITS_FILE:-} ]] || echo "$done_pid $status $lived" >>"$SUPERVISE_EXITS_FILE" 2>/dev/null || true
	if ((lived < 2)); then
		delay=$((delay == 0 ? 1 : (delay * 2 > 30 ? 30 : delay * 2)))
		sleep "$delay" &
		wait $! 2>/dev/null # interruptible by TERM, unlike a foreground sleep
		((stopping)) && continue
	else
		delay=0
	fi
	spawn "$@"
done
((stopping)) && say INFO "stopped"
exit 0
