#!/usr/bin/env bash
# The development demo set (scripts/dev up → stack_demo_data → bench/gen-leads.sql -v demo=1):
# a few hundred realistic leads in an empty development database, never in another environment,
# never over existing leads.
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db demo-data

leads() { psql_q 'SELECT count(*) FROM "Lead"'; }
ids() { psql_q 'SELECT md5(string_agg(id, $$,$$ ORDER BY id)) FROM "Lead"'; }

is "$(leads)" 0 "the development seed itself has no leads"
out=$(stack_demo_data 300 2>&1)
is "$?:$(leads)" "0:0" "no demo data outside development (IZZY_ENV=test: the test suites)"
like "$out" "^none \(only in development" "… and it says why"
out=$(IZZY_ENV=production stack_demo_data 300 2>&1)
is "$(leads)" 0 "nor in production"

out=$(IZZY_ENV=development stack_demo_data 300 2>&1)
is "$?:$(leads)" "0:300" "development: 300 demo leads"
like "$out" "^300 demo leads loaded" "the summary line says so"
like "$(psql_q 'SELECT count(DISTINCT "partnerId") FROM "Lead"')" '^[4-9]$' "across several partners"
like "$(psql_q 'SELECT count(DISTINCT status) FROM "Lead"')" '^(1[0-9])$' "in many statuses"
like "$(psql_q 'SELECT count(*) FROM "LeadNote"')" '^[1-9][0-9]{2,}$' "with notes"
like "$(psql_q 'SELECT count(DISTINCT "leadId") FROM "ConsentRecord"')" '^[1-9][0-9]+$' "with consent records"
is "$(psql_q 'SELECT count(*) FROM "CustomerProfile"')" 300 "each with a customer"
is "$(psql_q 'SELECT count(*) FROM "Document"')" 0 "and no document rows without files"
like "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE status = 'NEW' AND \"assignedUserId\" IS NULL")" '^[1-9][0-9]*$' \
	"some fresh unassigned leads to claim"

before=$(ids)
out=$(IZZY_ENV=development stack_demo_data 300 2>&1)
is "$?:$(leads):$(ids)" "0:300:$before" "a second run (scripts/dev up again) changes nothing"
like "$out" "already has 300 leads" "… and says why"

# Real data is never wiped: the generator itself refuses demo=1 on a database with leads.
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -v nleads=5 -v demo=1 -f "$top_srcdir/bench/gen-leads.sql" >/dev/null 2>&1
is "$?:$(leads):$(ids)" "3:300:$before" "gen-leads.sql -v demo=1 itself fails on a database with leads, changing nothing"

t_done
