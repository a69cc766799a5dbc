#!/usr/bin/env bash
# scripts/staging-snapshot (procedure §5.1): a restored copy loses every personal datum — a
# pg_dump of the result holds none of the planted markers — while its leads, statuses and
# counts stay for testing; it refuses in production and without --yes.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
. "$top_srcdir/tests/ops/lib.sh" || exit 1
t_stack_db ops-staging
export UPLOAD_DRIVER=disk UPLOAD_DIR=$T_VAR/uploads
rm -rf "$UPLOAD_DIR"
mkdir -p "$UPLOAD_DIR"
SNAP=$top_srcdir/scripts/staging-snapshot
ops_populate "$UPLOAD_DIR" || t_bail "could not populate the database"
admin=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
psql_q "UPDATE \"CustomerProfile\" SET phone = '+48600111222', address = '{\"street\":\"Marszałkowska 77\"}' WHERE id = 'copsprof00000000000000001';
	INSERT INTO \"LeadNote\" (id, \"leadId\", \"authorId\", content) VALUES ('copsnote00000000000000001', '$OPS_LEAD1', '$admin', 'Klient prosi o kontakt po 17, PESEL 85010112345');
	INSERT INTO \"Session\" (id, \"userId\", \"tokenHash\", \"expiresAt\")
	VALUES ('copssess00000000000000001', '$admin', repeat('c', 64), now() + interval '1 hour');
	INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", status) VALUES ('copsout000000000000000001', 'EMAIL', 'haslo.reset@example.com', 'Link: https://crm.test/set-password?token=abc', 'PENDING');" >/dev/null 2>"$T_VAR/populate.err" ||
	{ sed 's/^/# /' "$T_VAR/populate.err"; t_bail "could not add the markers"; }
markers=(jan.kowalski.ops@example.com Kowalski 600111222 Marszałkowska 85010112345 admin@example.com operator@example.com
	dowod.pdf zdjecie.jpg 'oferta konkurencji' haslo.reset@example.com 'set-password?token')
dump() { pg_dump --no-owner --data-only "$DATABASE_URL" 2>/dev/null | grep -v '^\\\(un\)\{0,1\}restrict '; }
dump >"$T_VAR/before.sql" || t_bail "pg_dump failed"
for m in "${markers[@]}"; do grep -qF -- "$m" "$T_VAR/before.sql" || t_bail "marker '$m' was not planted"; done
leads=$(psql_q 'SELECT count(*) FROM "Lead"')

# --- refusals ---------------------------------------------------------------------------------------
"$SNAP" >"$T_VAR/out" 2>&1
is "$?" 2 "without --yes: refused"
IZZY_ENV=production "$SNAP" --yes >"$T_VAR/out" 2>&1
is "$?" 2 "with IZZY_ENV=production: refused"
like "$(cat "$T_VAR/out")" "staging only" "it says why"
dump >"$T_VAR/same.sql"
cmp -s "$T_VAR/before.sql" "$T_VAR/same.sql"
ok $? "nothing was changed by the refusals"

# --- the snapshot -------------------------------------------------------------------------------------
"$SNAP" --yes >"$T_VAR/out" 2>&1
rc=$?
is "$rc" 0 "scripts/staging-snapshot --yes: exit 0"
((rc == 0)) || sed 's/^/# /' "$T_VAR/out"
dump >"$T_VAR/after.sql" || t_bail "pg_dump failed"
left=""
for m in "${markers[@]}"; do grep -qF -- "$m" "$T_VAR/after.sql" && left+=" '$m'"; done
is "$left" "" "a pg_dump of the result holds none of the personal data planted"
is "$(psql_q 'SELECT count(*) FROM "Lead"')" "$leads" "every lead is still there"
is "$(psql_q 'SELECT count(*) FROM "Lead" WHERE "anonymizedAt" IS NULL')" 0 "each anonymised the way the application does"
is "$(psql_q "SELECT status FROM \"Lead\" WHERE id = '$OPS_LEAD2'")" CLOSED_LOST "statuses stay"
is "$(psql_q 'SELECT count(*) FROM "User" WHERE email NOT LIKE '"'"'user-%@staging.invalid'"'"'')" 0 "every user's e-mail is replaced"
is "$(psql_q 'SELECT count(*) FROM "User" WHERE "hashedPassword" LIKE '"'"'$2%'"'"'')" 0 "no password hash is left: nobody logs in with a production password"
is "$(psql_q 'SELECT (SELECT count(*) FROM "Session") + (SELECT count(*) FROM "PasswordToken") + (SELECT count(*) FROM "ClientSession")')" 0 \
	"sessions and tokens are deleted"
is "$(find "$UPLOAD_DIR" -type f | wc -l)" 0 "the uploaded files are deleted"
"$top_builddir/bin/izzyctl" check-integrity >"$T_VAR/integrity" 2>&1
ok $? "izzyctl check-integrity is clean afterwards"
IZZY_NEW_PASSWORD='Staging-Passw0rd!' "$top_builddir/bin/izzyctl" user create staging.admin@example.com ADMIN "Staging" >/dev/null 2>&1
ok $? "a staging user can be created afterwards"

t_done
