#!/usr/bin/env bash
# The expand/contract rule for migrations (docs/DEVELOPING.md): during a deploy the release before
# keeps running on the migrated schema, so a migration from EXPAND_FROM on may not drop, rename or
# retype what that release uses, unless the statement's line (or the line above it) says
# `-- contract: <why the running release no longer uses it>`.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
# The first migration written under the rule (0001…0018 predate it).
EXPAND_FROM=0019

# check_dir DIR: print FILE:LINE: STATEMENT for each unannotated contracting statement.
check_dir() {
	local f n
	for f in "$1"/[0-9][0-9][0-9][0-9]_*.sql; do
		[[ -f $f ]] || continue
		n=${f##*/}
		[[ ${n:0:4} < $EXPAND_FROM ]] && continue
		awk -v file="$n" '
			{ line = toupper($0); sub(/--.*/, "", line) }
			line ~ /DROP[ \t]+COLUMN|RENAME[ \t]+(COLUMN|TO|CONSTRAINT)|DROP[ \t]+TABLE|ALTER[ \t]+COLUMN[^;]*[ \t]TYPE[ \t]|DROP[ \t]+TYPE|DROP[ \t]+FUNCTION/ {
				if ($0 !~ /--[ \t]*contract:/ && prev !~ /--[ \t]*contract:/) printf "%s:%d: %s\n", file, NR, $0
			}
			{ prev = $0 }' "$f"
	done
}

found=$(check_dir "$top_srcdir/schema/migrations")
is "$found" "" "no migration from $EXPAND_FROM on drops, renames or retypes without a '-- contract:' note"

# The check can fail: planted migrations.
tmp=$(mktemp -d) || t_bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/0018_old.sql" <<'SQL'
ALTER TABLE "Lead" DROP COLUMN IF EXISTS "legacy";
SQL
cat >"$tmp/0030_bad.sql" <<'SQL'
ALTER TABLE "Lead" ADD COLUMN IF NOT EXISTS "source2" text;
ALTER TABLE "Lead" RENAME COLUMN "source" TO "origin";
alter table "Note" drop column "pinned";
SQL
cat >"$tmp/0031_ok.sql" <<'SQL'
-- contract: release 0030 stopped reading "Lead"."legacy2" (deployed 2026-12-01)
ALTER TABLE "Lead" DROP COLUMN IF EXISTS "legacy2";
ALTER TABLE "Lead" DROP COLUMN IF EXISTS "legacy3"; -- contract: unused since 0030
SQL
found=$(check_dir "$tmp")
like "$found" '0030_bad.sql:2: ALTER TABLE "Lead" RENAME COLUMN' "a RENAME COLUMN is flagged"
like "$found" '0030_bad.sql:3: alter table "Note" drop column' "a DROP COLUMN is flagged (any case)"
is "$(printf '%s\n' "$found" | grep -c .)" 2 "nothing else: additions, annotated drops and older migrations pass"

t_done
