#!/usr/bin/env bash
# Per-binary tests of the export of the lead list (issue 14, cgi-bin/leads_sheet.c and
# common/sheet_write.c): GET /api/leads/export?format=csv|xlsx&columns=…&<the list's filters>
# and the bulk export's file (POST /api/leads/bulk, action export, format).  The file holds
# exactly the leads of the list under the same filters and scope, in its order; CSV is UTF-8
# with a BOM, ';', Polish dates (Europe/Warsaw) and decimal commas; XLSX has real date and
# number cells, a frozen header and an autofilter; formula-like cells are neutralised in both;
# a filter over the row cap is refused; every export is audited.
# Run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-export-view
CGI_LOG=$T_VAR/log/leads-export-view-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }
issue() { printf '%s:%s' "$STATUS" "$(jq_body '[.issues[]? | (.path|map(tostring)|join(".")) + ":" + .message] | join("|")')"; }
# The CSV body without the BOM and CRs, one line per row.
csv() { printf '%s' "$BODY" | sed '1s/^\xEF\xBB\xBF//' | tr -d '\r'; }
# csv_cells N,M,…: those cells (1-based) of every data row, ';'-joined, rows ','-joined, a
# leading apostrophe dropped (python3's csv reads the quoting).
csv_cells() {
	csv | python3 -c '
import csv, sys
cols = [int(c) - 1 for c in sys.argv[1].split(",")]
rows = list(csv.reader(sys.stdin, delimiter=";"))[1:]
print(",".join(";".join(r[c].removeprefix("\x27") for c in cols) for r in rows))' "$1"
}
# The first cell (the id) of every data row.
csv_ids() { csv | sed 1d | cut -d';' -f1 | tr -d '"' | paste -sd, -; }
# The ids of the list under the same query (one page of 100 is all of them here).
list_ids() {
	cgi_run GET "/api/leads?perPage=100${1:+&$1}" "" "$2"
	jq_body '[.data[].id] | join(",")'
}

# A binary body cannot live in a shell variable: the wrapper keeps the program's whole output
# in $RAW and passes on the headers only.
RAW=$T_VAR/export.raw
WRAP=$T_VAR/keep-output.sh
printf '#!/bin/sh\n"$@" >"%s"\nrc=$?\nsed -n "1,/^\\r$/p" "%s"\nexit $rc\n' "$RAW" "$RAW" >"$WRAP"
chmod +x "$WRAP"
# xlsx_check: python3 reads the XLSX body of $RAW and prints the facts the checks compare.
xlsx_check() {
	python3 - "$RAW" <<'EOF'
import io, re, sys, zipfile
raw = open(sys.argv[1], 'rb').read()
body = raw[raw.index(b'\r\n\r\n') + 4:]
z = zipfile.ZipFile(io.BytesIO(body))
sheet = z.read('xl/worksheets/sheet1.xml').decode()
styles = z.read('xl/styles.xml').decode()
texts = re.findall(r'<t[^>]*>([^<]*)</t>', sheet)
print('formulas=%d' % len(re.findall(r'<f[ >]', sheet)))
print('frozen=%s' % bool(re.search(r'<pane [^>]*ySplit="1"[^>]*state="frozen"', sheet)))
print('autofilter=%s' % (re.search(r'<autoFilter ref="([^"]+)"', sheet) or [None, ''])[1])
print('header=%s' % '|'.join(texts[:11]))
print('risky=%s' % ('&apos;=HYPERLINK' in sheet or "'=HYPERLINK" in sheet))
print('budget=%s' % bool(re.search(r'<c r="K\d+" s="\d+"><v>125000.5</v>', sheet)))
m = re.search(r'<c r="J(\d+)" s="(\d+)"><v>([0-9.]+)</v>', sheet)
print('datecell=%s' % bool(m))
print('dateformat=%s' % ('dd.mm.yyyy hh:mm' in styles))
EOF
}

PA=cpartneralfa0000000000001
PB=cpartnerbeta0000000000001
PC=cpartnergamma000000000001
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$PA', 'Alfa'), ('$PB', 'Beta'), ('$PC', 'Gamma')" >/dev/null
mk_user cpartnera0000000000000001 partner-a@example.com PARTNER $PA
mk_user coperatora000000000000001 operator-a@example.com OPERATOR $PA
mk_user coperatorx000000000000001 operator-x@example.com OPERATOR -
mk_user cauditor00000000000000001 auditor@example.com AUDITOR -
ADMIN_ID=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
OPX_ID=coperatorx000000000000001
ADMIN=$(login admin@example.com)
PARTA=$(login partner-a@example.com)
OPA=$(login operator-a@example.com)
OPX=$(login operator-x@example.com)
AUD=$(login auditor@example.com)
[[ -n $ADMIN && -n $PARTA && -n $OPA && -n $OPX && -n $AUD ]]
ok $? "test users log in" || t_bail "no logins"

# mk_leads PREFIX COUNT PARTNER STATUS ASSIGNED|-: leads PREFIX-1.. created 1, 2, … hours ago.
mk_leads() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\", \"leadCreatedAt\")
		SELECT '$1-' || i, '$3', '$4', $(sqlv "$5"), now() - i * interval '1 hour'
		FROM generate_series(1, $2) i;
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		SELECT 'cp-$1-' || i, '$1-' || i, 'Klient', '$1-' || i, '$1-' || i || '@example.com', '+48 600 000 ' || i
		FROM generate_series(1, $2) i" >/dev/null
}
mk_leads cexa 5 "$PA" NEW -
mk_leads cexb 3 "$PB" FOLLOW_UP -
mk_leads cexx 1 "$PB" NEW "$OPX_ID"
# cexa-1: created 23:30 UTC on 15 March 2026, which is 00:30 on the 16th in Warsaw (CET);
# a budget with a fraction.  cexa-2: a customer whose name a spreadsheet would run.
psql_q "UPDATE \"Lead\" SET \"leadCreatedAt\" = '2026-03-15 23:30:00+00' WHERE id = 'cexa-1';
	INSERT INTO \"VehicleDesired\" (id, \"leadId\", budget) VALUES ('vd-cexa-1', 'cexa-1', 125000.5);
	UPDATE \"CustomerProfile\" SET \"firstName\" = '=HYPERLINK(\"http://x\")', \"lastName\" = 'Żółć; \"cytat\"',
		phone = '-1+2' WHERE \"leadId\" = 'cexa-2'" >/dev/null
audits() { psql_q "SELECT count(*) FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED'"; }

# --- authentication, roles, validation -------------------------------------------------------
cgi_run GET /api/leads/export
is "$(msg)" "401:Missing authorization header" "401 without a session"
cgi_run GET /api/leads/export "" "$AUD"
is "$(msg)" "403:Forbidden" "403 for an auditor (no leads)"
cgi_run GET "/api/leads/export?format=pdf" "" "$ADMIN"
is "$(msg)" "400:Validation failed" "400 for an unknown format"
like "$(jq_body '.issues[0].path[0]')" '^format$' "the issue names format"
cgi_run GET "/api/leads/export?columns=client,salary" "" "$ADMIN"
is "$(issue)" "400:columns:Unknown column" "400 for an unknown column"
cgi_run GET "/api/leads/export?columns=status,status" "" "$ADMIN"
is "$(issue)" "400:columns:Repeated column" "400 for a repeated column"
cgi_run GET "/api/leads/export?status=NOPE" "" "$ADMIN"
is "$STATUS" 400 "400 for a status that does not exist (the list's parsing)"
cgi_run GET "/api/leads/export?partnerId=$PB" "" "$PARTA"
is "$(msg)" "403:Cannot view leads for other partners" "403: a partner asks for another partner's leads"
is "$(audits)" 0 "no refused export is audited"

# --- CSV ------------------------------------------------------------------------------------------
cgi_run GET /api/leads/export "" "$ADMIN"
is "$STATUS" 200 "CSV: 200"
is "$(header Content-Type)" "text/csv; charset=utf-8" "CSV: text/csv in UTF-8"
is "$(header Content-Disposition)" 'attachment; filename="leady.csv"' "CSV: a download named leady.csv"
is "$(printf '%s' "$BODY" | head -c 3 | od -An -tx1 | tr -d ' ')" efbbbf "CSV: starts with the UTF-8 BOM"
is "$(printf '%s' "$BODY" | head -n 1 | tail -c 2 | od -An -tx1 | tr -d ' ')" 0d0a "CSV: CRLF line ends"
is "$(csv | sed -n 1p)" \
	'"ID";"Imię";"Nazwisko";"E-mail";"Telefon";"Status";"Zgody";"Opiekun";"Partner";"Data utworzenia";"Budżet (PLN)"' \
	"CSV: the Polish header, ';' between quoted cells"
is "$(csv_ids)" "$(list_ids "" "$ADMIN")" "CSV: the leads and order of the list (ADMIN)"
is "$(csv | grep '^"cexa-1"' | cut -d';' -f10,11)" '"16.03.2026 00:30";"125000,50"' \
	"CSV: the creation time in Europe/Warsaw as DD.MM.YYYY HH:MM, the budget with a decimal comma"
like "$(csv | grep '^"cexa-2"')" \
	"^\"cexa-2\";\"'=HYPERLINK\\(\"\"http://x\"\"\\)\";\"Żółć; \"\"cytat\"\"\";\"cexa-2@example.com\";\"'-1\\+2\";" \
	"CSV: formula-like cells get a leading apostrophe, quotes doubled, ';' kept inside quotes"
is "$(csv | grep '^"cexx-1"' | cut -d';' -f6,8,9)" '"NEW";"Test OPERATOR";"Beta"' \
	"CSV: status, assignee and partner as the list shows them"
like "$(csv | grep '^"cexa-3"' | cut -d';' -f7)" '^"(Zgody kompletne|Zgody niepełne|Brak wymaganych zgód|Brak wzorów zgód)"$' \
	"CSV: the consent status as the list's Polish label"
is "$(audits)" 1 "CSV: the export is audited"
is "$(psql_q "SELECT concat_ws('|', \"actorId\" = '$ADMIN_ID', \"targetUserId\" = \"actorId\",
	\"newValue\"->>'format', \"newValue\"->>'rows', \"newValue\"->'columns'->>0)
	FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED'")" "t|t|csv|9|client" \
	"audit: who, format, row count and columns"

cgi_run GET "/api/leads/export?columns=status,created&status=FOLLOW_UP" "" "$ADMIN"
is "$(csv | sed -n 1p)" '"ID";"Status";"Data utworzenia"' "columns: only the chosen ones, ID first, in their order"
is "$(csv_ids)" "cexb-1,cexb-2,cexb-3" "filter: the status filter"
is "$(psql_q "SELECT \"newValue\"->'filter'->>'status' FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED'
	ORDER BY \"createdAt\" DESC, id DESC LIMIT 1")" "{FOLLOW_UP}" "audit: the filter"
cgi_run GET "/api/leads/export?search=%C5%BB%C3%B3%C5%82%C4%87" "" "$ADMIN"
is "$(csv_ids)" "cexa-2" "filter: the list's search"
is "$(psql_q "SELECT \"newValue\"::text FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED'
	ORDER BY \"createdAt\" DESC, id DESC LIMIT 1" | grep -c 'Żółć')" 0 "audit: not the search text (personal data)"
cgi_run GET "/api/leads/export?assigned=unassigned&partnerId=$PB" "" "$ADMIN"
is "$(csv_ids)" "$(list_ids "assigned=unassigned&partnerId=$PB" "$ADMIN")" "filter: unassigned of one partner, as the list"

# Scope: each role's file is its list.
cgi_run GET /api/leads/export "" "$OPA"
is "$(csv_ids)" "$(list_ids "" "$OPA")" "scope: an operator's file is its list"
is "$(csv_ids)" "cexa-2,cexa-3,cexa-4,cexa-5,cexa-1" "scope: an operator of Alfa gets Alfa's leads only, newest first"
cgi_run GET /api/leads/export "" "$OPX"
is "$(csv_ids)" "cexx-1" "scope: an operator without a partner gets only the lead assigned to it"
cgi_run GET /api/leads/export "" "$PARTA"
is "$(csv_ids)" "$(list_ids "" "$PARTA")" "scope: a partner's file is its list"
# The list hides no field of the leads it shows (leads_list_rows): neither does the file.
cgi_run GET "/api/leads?perPage=100" "" "$PARTA"
want=$(jq_body '[.data[] | [.id, .customerProfile.email, .customerProfile.phone] | join(";")] | join(",")')
cgi_run GET "/api/leads/export?columns=client" "" "$PARTA"
is "$(csv_cells 1,4,5)" "$want" \
	"scope: a partner sees the e-mail and phone its list shows, no more, no less"

# --- XLSX -----------------------------------------------------------------------------------------
n=$(audits)
CGI_WRAPPER="$WRAP" cgi_run GET "/api/leads/export?format=xlsx" "" "$ADMIN"
is "$STATUS" 200 "XLSX: 200"
is "$(header Content-Type)" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "XLSX: its MIME type"
is "$(header Content-Disposition)" 'attachment; filename="leady.xlsx"' "XLSX: a download named leady.xlsx"
is "$(header Content-Length)" "$(($(wc -c <"$RAW") - $(sed -n '1,/^\r$/p' "$RAW" | wc -c)))" \
	"XLSX: Content-Length is the whole binary body"
facts=$(xlsx_check 2>&1)
like "$facts" 'formulas=0' "XLSX: no formula cell at all"
like "$facts" 'risky=True' "XLSX: the formula-like name is a string with a leading apostrophe"
like "$facts" 'frozen=True' "XLSX: the header row is frozen"
like "$facts" 'autofilter=A1:K10' "XLSX: an autofilter over the header and the 9 rows"
like "$facts" 'header=ID\|Imię\|Nazwisko\|E-mail\|Telefon\|Status\|Zgody\|Opiekun\|Partner\|Data utworzenia\|Budżet \(PLN\)' \
	"XLSX: the Polish header row"
like "$facts" 'budget=True' "XLSX: the budget is a number cell"
like "$facts" 'datecell=True' "XLSX: the creation time is a date cell"
like "$facts" 'dateformat=True' "XLSX: shown as dd.mm.yyyy hh:mm"
is "$(audits)" $((n + 1)) "XLSX: audited"
is "$(psql_q "SELECT \"newValue\"->>'format' FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED'
	ORDER BY \"createdAt\" DESC, id DESC LIMIT 1")" xlsx "audit: the format"
is "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'izzy-xlsx-*' -newer "$WRAP" 2>/dev/null | wc -l)" 0 \
	"XLSX: the temporary directory is removed"

# --- the bulk export uses the same writer ----------------------------------------------------
cgi_run POST /api/leads/bulk '{"action":"export","ids":["cexa-2","cexb-1"]}' "$OPA"
is "$STATUS" 200 "bulk CSV: 200"
is "$(header X-Bulk-Skipped)" 1 "bulk CSV: the lead the operator may not see is skipped"
is "$(csv | sed -n 1p)" \
	'"ID";"Imię";"Nazwisko";"E-mail";"Telefon";"Status";"Zgody";"Opiekun";"Partner";"Data utworzenia";"Budżet (PLN)"' \
	"bulk CSV: the export's header"
like "$(csv | sed -n 2p)" "^\"cexa-2\";\"'=HYPERLINK" "bulk CSV: neutralised"
CGI_WRAPPER="$WRAP" cgi_run POST /api/leads/bulk '{"action":"export","format":"xlsx","ids":["cexa-2"]}' "$ADMIN"
is "$(header Content-Type)" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "bulk XLSX: its MIME type"
facts=$(xlsx_check 2>&1)
like "$facts" 'formulas=0' "bulk XLSX: no formula"
like "$facts" 'autofilter=A1:K2' "bulk XLSX: one row"
cgi_run POST /api/leads/bulk '{"action":"export","format":"ods","ids":["cexa-2"]}' "$ADMIN"
is "$STATUS" 400 "bulk: 400 for an unknown format"
is "$(psql_q "SELECT count(*) FROM \"UserAuditLog\" WHERE action = 'LEADS_EXPORTED' AND \"newValue\"->>'bulk' = 'true'")" 2 \
	"bulk: each export is audited"

# --- the row cap ------------------------------------------------------------------------------
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) SELECT 'ccap-' || i, '$PC', 'NEW'
	FROM generate_series(1, 10001) i" >/dev/null
n=$(audits)
cgi_run GET "/api/leads/export?partnerId=$PC" "" "$ADMIN"
is "$(msg)" "400:Eksport obejmuje więcej niż 10000 leadów. Zawęź filtry i spróbuj ponownie." \
	"cap: over 10000 rows is refused with a Polish message"
is "$(jq_body .code)" EXPORT_LIMIT "cap: its code"
is "$(audits)" "$n" "cap: a refused export is not audited"
psql_q "DELETE FROM \"Lead\" WHERE id = 'ccap-1'" >/dev/null
cgi_run GET "/api/leads/export?partnerId=$PC&columns=status" "" "$ADMIN"
is "$STATUS:$(csv | sed 1d | wc -l)" "200:10000" "cap: exactly 10000 rows are exported"

# No personal data in the log.
is "$(grep -c -e '@example.com' -e 'Żółć' -e 'HYPERLINK' "$CGI_LOG")" 0 "the log holds no personal data"
like "$(cat "$CGI_LOG")" 'export \(csv\) of 9 leads by' "the log has the export line with ids only"

t_done
