#!/usr/bin/env bash
# Migration tool and schema: fresh install, bookkeeping, edited files, seeds,
# and the in-place upgrade of a reference-shaped database.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db schema
izzyctl=$top_builddir/bin/izzyctl
check_schema() { PGHOST=$IZZY_PG_SOCKDIR PGPORT=$IZZY_PG_PORT PGUSER=postgres sh "$top_srcdir/tests/schema/check-schema.sh" "$1"; }
admin_psql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_ADMIN_URL" "$@"; }

# --- fresh database (t_stack_db migrated and seeded it) -------------------------
out=$(check_schema izzy 2>&1) && rc=0 || rc=$?
is "$rc" 0 "a fresh database has exactly the specified schema"
((rc == 0)) || printf '%s\n' "$out" | grep FAIL | head -n 20 | sed 's/^/# /'
is "$(psql_q "SELECT count(*) FROM information_schema.tables WHERE table_schema='public' AND table_name IN ('Partner','User','Lead','CustomerProfile','VehicleCurrent','VehicleDesired','FinancingApplication','Document','Offer','Agreement','Reminder','AuditLog','LeadNote','LeadStatusHistory','MessageDraft','ApplicationForm','EmailLog','ConsentTemplate','ConsentRecord','InsuranceOnboardingSession','ContactSchedule','CommunicationLog','MessageTemplate')")" 23 \
	"all 23 model tables exist"
is "$(psql_q "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'")" 17 "17 enum types"
is "$(psql_q "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = '\"LeadStatus\"'::regtype")" \
	"NEW,ONBOARDING_CONFIRMED,FIRST_CONTACT,FOLLOW_UP,VERIFICATION,UNQUALIFIED,GATHERING_DOCUMENTS,CREDIT_ANALYSIS,OFFER_PRESENTED,NEGOTIATIONS,TERMS_ACCEPTED,CONTRACT_IN_PREPARATION,CONTRACT_SIGNING,CLOSED_WON,CLOSED_LOST,CLOSED_NO_FINANCING,CANCELLED,MERGED,INBOUND" \
	"LeadStatus values in the specified order"
out=$("$izzyctl" migrate status) && rc=0 || rc=$?
is "$rc" 0 "migrate status is clean after deploy"
[[ $out != *pending* ]]; ok $? "no pending migrations"
out=$("$izzyctl" migrate deploy)
like "$out" "up to date" "a second deploy does nothing"
is "$(psql_q "SELECT izzy_ts('2025-10-24 17:00:00+00'::timestamptz) || ' ' || izzy_money(120000.000) || ' ' || izzy_money(7500.50)")" \
	"2025-10-24T17:00:00.000Z 120000 7500.5" "SQL helpers format timestamps and money as the API does"

# --- seeds ----------------------------------------------------------------------
is "$(psql_q "SELECT string_agg(email || ':' || role || ':' || status || ':' || coalesce(\"partnerId\", '-'), ' ' ORDER BY email) FROM \"User\"")" \
	"admin@example.com:ADMIN:ACTIVE:- operator@example.com:OPERATOR:ACTIVE:seed-partner" "development seed users"
is "$(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE \"formType\" = 'financing_application'") $(psql_q "SELECT count(*) FROM \"ConsentTemplate\" WHERE \"formType\" = 'onboarding_insurance'") $(psql_q 'SELECT count(*) FROM "MessageTemplate"')" \
	"4 3 2" "consent and message templates seeded"
like "$(psql_q "SELECT subject FROM \"MessageTemplate\" WHERE key = 'email_welcome_insurance'")" "– wybierz termin kontaktu" "Polish texts kept byte-exact"
"$izzyctl" seed >/dev/null
is "$(psql_q 'SELECT count(*) FROM "User"') $(psql_q 'SELECT count(*) FROM "ConsentTemplate"')" "2 7" "seeding twice creates nothing twice"
CGI_PROG=auth
cgi_run POST /api/auth/login '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "the seeded admin logs in"

# --- edited, new and rolled-back migrations ----------------------------------------
work=$T_VAR/schema-copy
rm -rf "$work"
cp -R "$top_srcdir/schema" "$work"
last=$(ls "$work/migrations" | sort | tail -n 1)
printf -- '-- edited after release\n' >>"$work/migrations/$last"
out=$(IZZY_SCHEMA_DIR=$work "$izzyctl" migrate deploy 2>&1) && rc=0 || rc=$?
is "$rc" 1 "deploy refuses an applied migration that was edited"
like "$out" "${last%.sql} was edited" "and names it"
cp "$top_srcdir/schema/migrations/$last" "$work/migrations/$last"
printf 'CREATE TABLE "ZzTest" (id text PRIMARY KEY);\n' >"$work/migrations/9999_test.sql"
out=$(IZZY_SCHEMA_DIR=$work "$izzyctl" migrate status) && rc=0 || rc=$?
is "$rc" 1 "status fails while a migration is pending"
like "$out" "pending  9999_test" "and lists it"
IZZY_SCHEMA_DIR=$work "$izzyctl" migrate deploy >/dev/null
is "$(psql_q "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ZzTest'")" 1 "deploy applies the new file"
printf 'CREATE TABLE "ZzBroken" (id text PRIMARY KEY);\nSELECT 1/0;\n' >"$work/migrations/9999_z_broken.sql"
IZZY_SCHEMA_DIR=$work "$izzyctl" migrate deploy >/dev/null 2>&1 && rc=0 || rc=$?
is "$rc" 1 "a failing migration fails the deploy"
is "$(psql_q "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ZzBroken'")$(psql_q "SELECT count(*) FROM \"_izzy_migrations\" WHERE name = '9999_z_broken'")" "00" \
	"and leaves nothing of itself behind (one transaction)"
rm "$work/migrations/9999_z_broken.sql"
psql_q 'DROP TABLE "ZzTest"' >/dev/null
"$izzyctl" migrate resolve --rolled-back 9999_test >/dev/null
is "$(psql_q "SELECT \"rolledBackAt\" IS NOT NULL FROM \"_izzy_migrations\" WHERE name = '9999_test'")" t "resolve --rolled-back marks the migration"
IZZY_SCHEMA_DIR=$work "$izzyctl" migrate deploy >/dev/null
is "$(psql_q "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ZzTest'")" 1 "and the next deploy applies it again"
"$izzyctl" migrate resolve --rolled-back no_such_migration >/dev/null 2>&1 && rc=0 || rc=$?
is "$rc" 1 "resolving an unknown migration fails"

# --- production seed: credentials from the environment, never reset ---------------
admin_psql -c 'CREATE DATABASE prod OWNER izzy' >/dev/null
prod_url=${DATABASE_URL/\/izzy\?//prod?}
DATABASE_URL=$prod_url "$izzyctl" migrate deploy >/dev/null
out=$(DATABASE_URL=$prod_url IZZY_ENV=production "$izzyctl" seed 2>&1) && rc=0 || rc=$?
is "$rc" 1 "production seed without SEED_ADMIN_* fails"
DATABASE_URL=$prod_url IZZY_ENV=production SEED_ADMIN_EMAIL=boss@firma.pl SEED_ADMIN_PASSWORD='Pierwsze-Haslo-2026!' "$izzyctl" seed >/dev/null
h1=$(psql -X -t -A "$prod_url" -c "SELECT \"hashedPassword\" FROM \"User\" WHERE email = 'boss@firma.pl'")
DATABASE_URL=$prod_url IZZY_ENV=production SEED_ADMIN_EMAIL=boss@firma.pl SEED_ADMIN_PASSWORD='Drugie-Haslo-2026!!' "$izzyctl" seed >/dev/null
h2=$(psql -X -t -A "$prod_url" -c "SELECT \"hashedPassword\" FROM \"User\" WHERE email = 'boss@firma.pl'")
like "$h1" '^\$2b\$12\$' "production admin created with a bcrypt hash"
is "$h2" "$h1" "a second production seed never resets the admin's password"
is "$(psql -X -t -A "$prod_url" -c "SELECT count(*) FROM \"User\" WHERE email LIKE '%example.com'")" 0 "no documented development logins in production"

# --- in-place upgrade of a reference database ----------------------------------------
admin_psql -c 'CREATE DATABASE ref OWNER izzy' >/dev/null
ref_url=${DATABASE_URL/\/izzy\?//ref?}
psql -X -q -v ON_ERROR_STOP=1 "$ref_url" -f "$top_srcdir/tests/fixtures/reference-db.sql" >/dev/null
rq() { psql -X -t -A -v ON_ERROR_STOP=1 "$ref_url" -c "$1"; }
hashes_before=$(rq "SELECT string_agg(\"hashedPassword\", ',' ORDER BY id) FROM \"User\"")
counts="SELECT (SELECT count(*) FROM \"Lead\") || '/' || (SELECT count(*) FROM \"CustomerProfile\") || '/' || (SELECT count(*) FROM \"LeadNote\") || '/' || (SELECT count(*) FROM \"AuditLog\")"
counts_before=$(rq "$counts")
is "$(rq "SELECT data_type FROM information_schema.columns WHERE table_name = 'Lead' AND column_name = 'leadCreatedAt'")" \
	"timestamp without time zone" "the fixture has the reference's timestamp(3) columns"
DATABASE_URL=$ref_url "$izzyctl" migrate deploy >/dev/null
out=$(check_schema ref 2>&1) && rc=0 || rc=$?
is "$rc" 0 "the upgraded reference database has exactly the specified schema"
((rc == 0)) || printf '%s\n' "$out" | grep FAIL | head -n 20 | sed 's/^/# /'
is "$(rq "$counts")" "$counts_before" "no row was lost"
is "$(rq "SELECT string_agg(\"hashedPassword\", ',' ORDER BY id) FROM \"User\"")" "$hashes_before" "bcrypt hashes untouched"
is "$(rq "SELECT izzy_ts(\"leadCreatedAt\") || ' ' || izzy_ts(\"claimedAt\") FROM \"Lead\" WHERE id = 'cref0000lead0000000000002'")" \
	"2025-11-08T23:30:00.123Z 2025-11-09T08:15:30.500Z" "timestamps read as UTC keep their instant"
is "$(rq "SELECT \"alternateEmails\"::text FROM \"CustomerProfile\" WHERE id = 'cref0000cust0000000000001'")" "{}" "NULL arrays became empty arrays"
DATABASE_URL=$ref_url IZZY_ENV=production SEED_ADMIN_EMAIL=ref.admin@example.com SEED_ADMIN_PASSWORD='Inne-Haslo-2026!!' "$izzyctl" seed >/dev/null
is "$(rq "SELECT string_agg(\"hashedPassword\", ',' ORDER BY id) FROM \"User\"")" "$hashes_before" "the production seed leaves existing users' passwords alone"
DATABASE_URL=$ref_url cgi_run POST /api/auth/login '{"email":"ref.admin@example.com","password":"RefAdmin123!"}'
is "$STATUS:$(jq_body .user.role)" "200:ADMIN" "a reference user logs in with the existing password"
DATABASE_URL=$ref_url cgi_run POST /api/auth/login '{"email":"ref.operator@example.com","password":"RefOperator123!"}'
is "$STATUS:$(jq_body .user.partner.id)" "200:cref0000partner0000000001" "and so does the reference operator, with its partner"

# --- issue 7: addresses lower-cased; case-duplicates reported, never merged ----------------
# izzyctl user create and the production seed store the address lower-cased and
# refuse a case-variant of an existing one.
out=$(IZZY_NEW_PASSWORD='Nowe-Konto-2026!' "$izzyctl" user create New.Person@Example.COM OPERATOR "Nowa Osoba" 2>&1) && rc=0 || rc=$?
is "$rc:$(psql_q "SELECT email FROM \"User\" WHERE lower(email) = 'new.person@example.com'")" "0:new.person@example.com" \
	"izzyctl user create stores the address lower-cased"
out=$(IZZY_NEW_PASSWORD='Nowe-Konto-2026!' "$izzyctl" user create NEW.person@example.com OPERATOR "Druga Osoba" 2>&1) && rc=0 || rc=$?
is "$rc:$(psql_q "SELECT count(*) FROM \"User\" WHERE lower(email) = 'new.person@example.com'")" "1:1" "and refuses a case-variant"
like "$out" "already exists" "saying why"
DATABASE_URL=$prod_url IZZY_ENV=production SEED_ADMIN_EMAIL=BOSS@Firma.PL SEED_ADMIN_PASSWORD='Trzecie-Haslo-2026!' "$izzyctl" seed >/dev/null
DATABASE_URL=$prod_url IZZY_ENV=production SEED_ADMIN_EMAIL=Second.Admin@Firma.PL SEED_ADMIN_PASSWORD='Trzecie-Haslo-2026!' "$izzyctl" seed >/dev/null
is "$(psql -X -t -A "$prod_url" -c "SELECT string_agg(email, ',' ORDER BY email) FROM \"User\"")" "boss@firma.pl,second.admin@firma.pl" \
	"the production seed stores lower-cased and counts a case-variant as the same admin"

# A reference database compared addresses case-sensitively: it may hold two
# accounts differing only in case, and mixed-case addresses.
admin_psql -c 'CREATE DATABASE refdup OWNER izzy' >/dev/null
dup_url=${DATABASE_URL/\/izzy\?//refdup?}
psql -X -q -v ON_ERROR_STOP=1 "$dup_url" -f "$top_srcdir/tests/fixtures/reference-db.sql" >/dev/null
dq() { psql -X -t -A -v ON_ERROR_STOP=1 "$dup_url" -c "$1"; }
# Both new accounts get ref.admin's password, RefAdmin123!.
dq "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", phone, status, \"partnerId\", \"createdAt\", \"updatedAt\")
	SELECT v.id, v.email, \"hashedPassword\", role, v.name, NULL, status, NULL, \"createdAt\", \"updatedAt\"
	FROM \"User\", (VALUES ('cref0000user0000000000008', 'Mixed.Case@Example.com', 'Mixed Case'),
	                       ('cref0000user0000000000009', 'Ref.Operator@Example.com', 'Case Twin')) v(id, email, name)
	WHERE \"User\".id = 'cref0000user0000000000001'" >/dev/null
out=$(DATABASE_URL=$dup_url "$izzyctl" migrate deploy 2>&1) && rc=0 || rc=$?
is "$rc" 0 "the upgrade with case-duplicates succeeds"
like "$out" 'WARNING: +2 users share 1 e-mail address\(es\) that differ only in case; they are listed in "UserEmailCaseDuplicate"' \
	"and warns with the count"
is "$(dq 'SELECT string_agg("userId", '"','"' ORDER BY "userId") FROM "UserEmailCaseDuplicate"')" \
	"cref0000user0000000000002,cref0000user0000000000009" "the view lists both accounts"
is "$(dq "SELECT string_agg(id || '=' || email, ' ' ORDER BY id) FROM \"User\" WHERE id IN ('cref0000user0000000000002', 'cref0000user0000000000008', 'cref0000user0000000000009')")" \
	"cref0000user0000000000002=ref.operator@example.com cref0000user0000000000008=mixed.case@example.com cref0000user0000000000009=Ref.Operator@Example.com" \
	"a unique address is lower-cased; the duplicates are left as they are, not merged"
is "$(dq "SELECT count(*) FROM pg_indexes WHERE indexname = 'User_email_lower_key'")" 0 "no unique index while duplicates remain"
out=$(check_schema refdup 2>&1) && rc=0 || rc=$?
is "$rc:$(printf '%s\n' "$out" | grep FAIL | paste -sd'|')" \
	'1:FAIL index User_email_lower_key missing|FAIL 2 users in "UserEmailCaseDuplicate"' \
	"check-schema reports exactly the duplicates and the missing index"
DATABASE_URL=$dup_url cgi_run POST /api/auth/login '{"email":"ref.operator@example.com","password":"RefOperator123!"}'
is "$STATUS:$(jq_body .user.id)" "200:cref0000user0000000000002" "among case-twins the exact spelling logs in"
DATABASE_URL=$dup_url cgi_run POST /api/auth/login '{"email":"Ref.Operator@Example.com","password":"RefAdmin123!"}'
is "$STATUS:$(jq_body .user.id)" "200:cref0000user0000000000009" "and so does the other twin"
DATABASE_URL=$dup_url cgi_run POST /api/auth/login '{"email":"REF.OPERATOR@example.com","password":"RefOperator123!"}'
is "$STATUS:$BODY" '401:{"message":"Invalid credentials"}' "a third spelling matches neither twin"
DATABASE_URL=$dup_url cgi_run POST /api/auth/login '{"email":"MIXED.case@EXAMPLE.com","password":"RefAdmin123!"}'
is "$STATUS:$(jq_body .user.email)" "200:mixed.case@example.com" "a lower-cased address logs in in any spelling"
out=$(DATABASE_URL=$dup_url IZZY_NEW_PASSWORD='Nowe-Konto-2026!' "$izzyctl" user create REF.operator@example.com OPERATOR "Trzeci" 2>&1) && rc=0 || rc=$?
is "$rc:$(dq "SELECT count(*) FROM \"User\" WHERE lower(email) = 'ref.operator@example.com'")" "1:2" \
	"no third case-variant can be created without the index"
# An admin resolves the duplicate; running the function again adds the index.
dq "UPDATE \"User\" SET email = 'Ref.Operator2@Example.com' WHERE id = 'cref0000user0000000000009'" >/dev/null
is "$(dq 'SELECT izzy_user_email_lower()')" 0 "izzy_user_email_lower() finds no duplicates left"
is "$(dq "SELECT email FROM \"User\" WHERE id = 'cref0000user0000000000009'") $(dq "SELECT count(*) FROM pg_indexes WHERE indexname = 'User_email_lower_key'")" \
	"ref.operator2@example.com 1" "lower-cases the resolved address and adds the unique index"
out=$(check_schema refdup 2>&1) && rc=0 || rc=$?
is "$rc" 0 "then the database has exactly the specified schema"
((rc == 0)) || printf '%s\n' "$out" | grep FAIL | head -n 20 | sed 's/^/# /'
dq "INSERT INTO \"User\" (id, email, \"hashedPassword\", role, \"fullName\", status, \"createdAt\", \"updatedAt\")
	VALUES ('cref0000user0000000000010', 'MIXED.CASE@example.com', '!', 'ADMIN', 'x', 'INVITED', now(), now())" >/dev/null 2>&1 && rc=0 || rc=$?
is "$rc" 1 "the index refuses a case-variant written by anyone"

t_done
