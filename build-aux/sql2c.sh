#!/bin/sh
# sql2c.sh FILE.sql PREFIX: turns "-- name: x" blocks into a C statement table.
#   enum PREFIX_sql { SQL_X, ..., PREFIX_SQL__MAX };
#   static const struct db_stmt PREFIX_sql[PREFIX_SQL__MAX] = { [SQL_X] = {"x", "..."}, };
# Comment lines inside blocks are dropped; the SQL text is kept as written.
set -eu
file=$1
prefix=$2
upper=$(printf '%s' "$prefix" | tr 'a-z' 'A-Z')
awk -v prefix="$prefix" -v upper="$upper" -v src="$(basename "$file")" '
BEGIN { n = 0 }
function flush() {
	if (name == "") return
	if (sql == "") { printf "%s: statement %s is empty\n", src, name > "/dev/stderr"; exit 1 }
	names[n] = name; sqls[n] = sql; n++
	name = ""; sql = ""
}
/^--[ \t]*name:[ \t]*/ {
	flush()
	name = $0; sub(/^--[ \t]*name:[ \t]*/, "", name); sub(/[ \t]+$/, "", name)
	if (name !~ /^[a-z][a-z0-9_]*$/) { printf "%s: bad statement name %s\n", src, name > "/dev/stderr"; exit 1 }
	if (name in seen) { printf "%s: duplicate statement %s\n", src, name > "/dev/stderr"; exit 1 }
	seen[name] = 1
	next
}
/^[ \t]*--/ { next }
/^[ \t]*$/ { next }
{
	if (name == "") next
	line = $0
	gsub(/\\/, "&&", line); gsub(/"/, "\\\"", line); gsub(/\t/, " ", line)
	sql = sql (sql == "" ? "" : "\n") line
}
END {
	flush()
	printf "/* Generated from %s by build-aux/sql2c.sh: do not edit. */\n", src
	printf "enum %s_sql {\n", prefix
	for (i = 0; i < n; i++) { u = names[i]; printf "\tSQL_%s,\n", toupper(u) }
	printf "\t%s_SQL__MAX\n};\n\n", upper
	printf "static const struct db_stmt %s_sql[%s_SQL__MAX] = {\n", prefix, upper
	for (i = 0; i < n; i++) {
		printf "\t[SQL_%s] = { \"%s\",\n", toupper(names[i]), names[i]
		m = split(sqls[i], parts, "\n")
		for (j = 1; j <= m; j++) printf "\t    \"%s%s\"\n", parts[j], (j < m ? "\\n" : "")
		printf "\t},\n"
	}
	printf "};\n"
}' "$file"
