#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan, debug arena) and
# runs each for FUZZ_SECONDS (default 20).  Reads only the source tree;
# writes objects, the growing corpus and any crash inputs under
# $BUILDDIR/fuzz/.  Exits non-zero if a target does not build or crashes.
#
#   tests/fuzz/run.sh                     # all targets
#   FUZZ_SECONDS=300 tests/fuzz/run.sh fuzz_valid
#   BUILDDIR=/path/to/build tests/fuzz/run.sh
#
# BUILDDIR is the configured build tree holding config.h and the generated
# common/*.sql.h; by default the current directory when it has a config.h
# (as under "make fuzz"), else the source tree.  The targets' own log lines
# are dropped while fuzzing (-close_fd_mask=2; sanitizer reports still show);
# reproduce a crash with its log lines with
#   $BUILDDIR/fuzz/bin/<target> $BUILDDIR/fuzz/crashes/<target>/crash-...
set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	if [ -f ./config.h ]; then BUILDDIR=$(pwd); else BUILDDIR=$srcdir; fi
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
CC=${FUZZ_CC:-clang}
targets=${*:-fuzz_http fuzz_valid fuzz_jwt fuzz_multipart fuzz_sanitize fuzz_xlsx fuzz_csv}
out=$BUILDDIR/fuzz

command -v "$CC" >/dev/null 2>&1 || {
	echo "run.sh: $CC not found: apt-get install clang libclang-rt-14-dev" >&2
	exit 1
}
[ -f "$BUILDDIR/config.h" ] || {
	echo "run.sh: no config.h in $BUILDDIR: run configure there, or set BUILDDIR" >&2
	exit 1
}
# The generated statement headers come from "make" in the build tree.
for sql in "$srcdir"/common/*.sql; do
	h=$BUILDDIR/common/$(basename "$sql" .sql).sql.h
	[ -f "$h" ] || {
		echo "run.sh: $h is missing: run make in $BUILDDIR first" >&2
		exit 1
	}
done

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# ARENA_DEBUG: one malloc per arena allocation, so ASan sees arena overflows.
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -DARENA_DEBUG=1 -I$srcdir -I$srcdir/common -I$BUILDDIR \
-I$BUILDDIR/common $(pkg-config --cflags libpq libcjson libcrypto)"
libs="$(pkg-config --libs libcjson libcrypto libpq) -lfcgi -lcrypt"

mkdir -p "$out/obj" "$out/bin"
# The library once, instrumented for coverage but without libFuzzer's main().
objs=
# Exactly libizzy's sources (common/mail.c, say, belongs to the worker only).
lib_sources=$(make -s -C "$BUILDDIR" print-libizzy-sources | grep '^common/.*\.c$')
for c in $lib_sources; do
	c=$srcdir/$c
	o=$out/obj/$(basename "$c" .c).o
	if [ ! -f "$o" ] || [ -n "$(find "$c" -newer "$o")" ] || [ -n "$(find "$srcdir/common" \
		"$BUILDDIR/common" -name '*.h' -newer "$o" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086
		$CC $cflags $san -fsanitize=fuzzer-no-link -w -c "$c" -o "$o"
	fi
	objs="$objs $o"
done

status=0
for t in $targets; do
	src=$srcdir/tests/fuzz/$t.c
	[ -f "$src" ] || { echo "run.sh: no such target $t" >&2; exit 1; }
	echo "== $t: build"
	# Modules outside libizzy, with their own libraries (Makefile.am's XLSX_READ_*).
	extra=
	case $t in
	fuzz_xlsx) extra="$srcdir/common/xlsx_read.c $(pkg-config --cflags --libs libzip expat) -lm" ;;
	esac
	# Field tables use the short positional form of STYLE.md, leaving the
	# trailing members zero on purpose; clang (unlike gcc) warns about that
	# even inside designated array initializers.
	# shellcheck disable=SC2086
	$CC $cflags $san -fsanitize=fuzzer -Wall -Wextra -Wno-missing-field-initializers -Werror \
		"$src" $extra $objs $libs -o "$out/bin/$t"
	# New inputs go to the first directory; the committed seeds are only read.
	mkdir -p "$out/corpus/$t" "$out/crashes/$t"
	seeds=$srcdir/tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	echo "== $t: ${FUZZ_SECONDS}s"
	# shellcheck disable=SC2086
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$out/bin/$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-max_len=8192 -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" \
		-close_fd_mask=2 \
		"$out/corpus/$t" $seeds >"$out/$t.log" 2>&1; then
		echo "== $t: FAILED (log: $out/$t.log, inputs: $out/crashes/$t/)" >&2
		grep -E "ERROR: |runtime error|SUMMARY|Test unit written" "$out/$t.log" | head -n 20 >&2 || true
		status=1
	else
		grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$out/$t.log" | tr '\n' ' '
		echo
	fi
done
exit $status
