#!/usr/bin/env bash
# The restore drill (procedure §6.5): a running stack with leads, documents, consents and users →
# scripts/backup → the database cluster and the uploads destroyed → scripts/restore → the same
# rows and document files, the users log in, izzyctl check-integrity is clean, the stack is ready.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
. "$top_srcdir/tests/ops/lib.sh" || exit 1
t_stack_db ops-drill
PORT=${IZZY_TEST_OPS_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 10))}
BASE=http://127.0.0.1:$PORT
export IZZY_APP_DIR=$top_builddir IZZY_VAR_DIR=$T_VAR IZZY_FCGI_WORKERS=1
export UPLOAD_DRIVER=disk UPLOAD_DIR=$T_VAR/uploads IZZY_BACKUP_DIR=$T_VAR/backups
export IZZY_READY_URL=$BASE/api/health/ready IZZY_READY_TIMEOUT=30
rm -rf "$UPLOAD_DIR" "$IZZY_BACKUP_DIR"
mkdir -p "$UPLOAD_DIR"
stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_worker_start "$T_VAR" "$top_builddir" 2>>"$T_VAR/stack.log" || t_bail "the worker did not start"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"

# login EMAIL PASSWORD: the HTTP status of a login through nginx.
login() {
	curl -s -o "$T_VAR/body" -w '%{http_code}' -c "$T_VAR/jar" -H 'Content-Type: application/json' \
		--data-binary "$(jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}')" "$BASE/api/auth/login"
}

# --- populate -----------------------------------------------------------------------------------------
ops_populate "$UPLOAD_DIR" || t_bail "could not populate the database"
IZZY_NEW_PASSWORD='Drill-Passw0rd!' "$top_builddir/bin/izzyctl" user create drill.operator@example.com OPERATOR "Operator Drill" >/dev/null
ok $? "a user is created with izzyctl"
is "$(login drill.operator@example.com 'Drill-Passw0rd!')" 200 "the new user logs in through nginx"
is "$(login admin@example.com 'Admin123!')" 200 "the admin logs in"
status=$(curl -s -o "$T_VAR/body" -w '%{http_code}' -b "$T_VAR/jar" -H 'Content-Type: application/json' \
	--data-binary '{"partnerId":"seed-partner","customer":{"firstName":"Anna","lastName":"Nowak","email":"anna.nowak.drill@example.com"}}' \
	"$BASE/api/leads")
is "$status" 201 "a lead is created through the API"
# A backup of an older release: its newest migration is not applied yet.
latest=$(psql_q 'SELECT max(name) FROM "_izzy_migrations"')
"$top_builddir/bin/izzyctl" migrate resolve --rolled-back "$latest" >/dev/null
ok $? "the newest migration is marked rolled back before the backup (an older release's backup)"
"$top_builddir/bin/izzyctl" check-integrity >"$T_VAR/integrity" 2>&1
ok $? "the populated database is consistent"

before=$(ops_fingerprint)
sums_before=$(ops_doc_sums)
is "$(printf '%s\n' "$sums_before" | grep -c ' [0-9a-f]\{64\}$')" 2 "two documents with files"
like "$before" "Lead 3 " "three leads"
like "$before" "ConsentRecord 2 " "two consent records"

# --- back up --------------------------------------------------------------------------------------------
B=$("$top_srcdir/scripts/backup" 2>"$T_VAR/backup.err")
is "$?" 0 "scripts/backup: exit 0"
[[ -f $B ]]
ok $? "the backup exists: ${B##*/}"

# Written after the backup: gone after the restore.
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('copsafter0000000000000001', 'seed-partner')" >/dev/null

# --- disaster: the database cluster and the uploads are gone ----------------------------------------------
stack_pg_stop "$T_VAR" 2>>"$T_VAR/stack.log"
rm -rf "$(readlink -f "$T_VAR/pg")/data"
rm -rf "$UPLOAD_DIR"
stack_pg_start "$T_VAR" 5432 2>>"$T_VAR/stack.log" || t_bail "a new PostgreSQL did not start"
is "$(psql_q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "(the new database is empty)"
status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready")
ok $((status == 200)) "the stack is not ready without its database (got $status)"

# --- restore --------------------------------------------------------------------------------------------
sup_before=$(cat "$T_VAR/run/auth.pid")
"$top_srcdir/scripts/restore" --yes "$B" >"$T_VAR/restore.out" 2>"$T_VAR/restore.err"
rc=$?
is "$rc" 0 "scripts/restore: exit 0"
((rc == 0)) || sed 's/^/# /' "$T_VAR/restore.err"
like "$(cat "$T_VAR/restore.err")" "stopping the programs and the worker" "it stopped the programs"
[[ $(cat "$T_VAR/run/auth.pid" 2>/dev/null) != "$sup_before" ]] && stack_status "$T_VAR" >/dev/null
ok $? "and started them again: every service of the stack runs, with new processes"
like "$(cat "$T_VAR/restore.err")" "uploads restored: 2 file\(s\), checksums verified" "the uploads were restored and verified"
like "$(cat "$T_VAR/restore.err")" "izzyctl check-integrity: clean" "check-integrity ran clean"
like "$(cat "$T_VAR/restore.err")" "ready: .*/api/health/ready answers 200" "readiness was checked"

# --- the result -----------------------------------------------------------------------------------------
after=$(ops_fingerprint)
is "$after" "$before" "every table has the same rows as at the backup (counts and contents)"
is "$(ops_doc_sums)" "$sums_before" "every document's file is back with its checksum"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE id = 'copsafter0000000000000001'")" 0 "what was written after the backup is gone"
is "$(psql_q "SELECT count(*) FROM \"_izzy_migrations\" WHERE name = '$latest' AND \"rolledBackAt\" IS NULL")" 1 \
	"izzyctl migrate deploy brought the restored database up to this release"
"$top_builddir/bin/izzyctl" check-integrity >"$T_VAR/integrity" 2>&1
ok $? "izzyctl check-integrity is clean after the restore"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready")" 200 "the stack is ready"
is "$(login drill.operator@example.com 'Drill-Passw0rd!')" 200 "the user created before the backup logs in"
is "$(login admin@example.com 'Admin123!')" 200 "the admin logs in"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T_VAR/jar" "$BASE/api/leads/$OPS_LEAD1")" 200 "a restored lead is served"

t_done
