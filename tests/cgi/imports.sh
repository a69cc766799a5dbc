#!/usr/bin/env bash
# Per-binary tests of cgi-bin/imports (issue 14, the lead import): a generated 5,000-row
# Windows-1250 CSV with bad PESELs, wrong postal codes, a missing name, a formula cell and
# duplicates (against existing leads and inside the file) -> the dry run reports each problem
# exactly; the real run creates exactly the valid rows, in batches, with the consents that have
# their evidence; the undo removes them and nothing else.  Then the refusals: 401, 403, 404,
# 400, 409, 413, a partner manager and another partner, a broken XLSX, a zip bomb.
#
# check_import_file FILE runs the whole upload -> dry run -> run -> undo cycle on one file and
# checks it against $EXPECT (tests/cgi/gen-import.py): the 5,000-row CSV and a 1,200-row XLSX
# made from the same generator.  Then an export (GET /api/leads/export) imported back.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-imports
CGI_PROG=imports
CGI_LOG=$T_VAR/log/imports-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
F=$T_VAR/files
rm -rf "$F"
mkdir -p "$F"

# --- multipart bodies (as tests/cgi/documents.sh) -------------------------------
B=izzyImportBoundary7MA4YWxk
# mp FILE NAME OUT: a multipart body with FILE as the "file" part named NAME.
mp() {
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\nContent-Type: text/csv\r\n\r\n' "$B" "$2"
		cat "$1"
		printf '\r\n--%s--\r\n' "$B"
	} >"$3"
}
# cgi_body METHOD PATH BODYFILE TOKEN [CONTENT_LENGTH]: cgi_run with a binary body from a file.
cgi_body() {
	local method=$1 path=$2 file=$3 token=${4-} len=${5-} raw
	local -a env=(
		"REQUEST_METHOD=$method" "GATEWAY_INTERFACE=CGI/1.1" "SERVER_PROTOCOL=HTTP/1.1"
		"REMOTE_ADDR=192.0.2.10" "HTTP_USER_AGENT=izzy-cgi-test"
		"DATABASE_URL=$DATABASE_URL" "JWT_SECRET=$JWT_SECRET" "IZZY_ENV=$IZZY_ENV"
		"APP_BASE_URL=$APP_BASE_URL" "PATH=$PATH" "PATH_INFO=$path" "QUERY_STRING="
		"CONTENT_LENGTH=${len:-$(wc -c <"$file")}"
		"CONTENT_TYPE=multipart/form-data; boundary=$B"
		"IZZY_DB_STATEMENT_TIMEOUT_MS=120000"
	)
	[[ -n $token ]] && env+=("HTTP_AUTHORIZATION=Bearer $token")
	raw=$(env -i "${env[@]}" "$top_builddir/cgi-bin/$CGI_PROG" <"$file" 2>>"$CGI_LOG"; printf x)
	raw=${raw%x}
	HEADERS=${raw%%$'\r\n\r\n'*}
	BODY=${raw#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
}
# upload FILE NAME TOKEN: POST /api/imports; sets JOB on 201.
upload() {
	mp "$1" "$2" "$F/body"
	cgi_body POST /api/imports "$F/body" "$3"
	JOB=$(jq_body '.id // empty')
}

# --- actors, partners, existing leads ---------------------------------------------
P1=cimppartnerone000000001
P2=cimppartnertwo000000002
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$P1', 'Import One'), ('$P2', 'Import Two')" >/dev/null
declare -A TOK
i=0
for a in ADMIN SUPERVISOR PARTNER_MANAGER OPERATOR PARTNER_EMPLOYEE; do
	i=$((i + 1))
	partner=-
	[[ $a == PARTNER_* ]] && partner=$P1
	mk_user "$(printf 'cimpuser%02d%015d' "$i" 0)" "$(tr 'A-Z_' 'a-z-' <<<"$a")@imports.test" "$a" "$partner"
	TOK[$a]=$(login "$(tr 'A-Z_' 'a-z-' <<<"$a")@imports.test")
	[[ -n ${TOK[$a]} ]] || t_bail "$a cannot log in"
done
TPL=$(psql_q "SELECT id FROM \"ConsentTemplate\" WHERE \"isActive\" ORDER BY id LIMIT 1")
[[ -n $TPL ]] || t_bail "no consent template in the seed"

EXPECT=$F/expect.json
python3 "$top_srcdir/tests/cgi/gen-import.py" "$F/import.csv" "$EXPECT" "$TPL" || t_bail "gen-import.py failed"
ex() { jq -r "$@" "$EXPECT"; }
printf 'Imię;Nazwisko;Kolumna X;Numer klienta\r\nJan;Nowak;a;1\r\n' >"$F/custom.csv"

# The leads the file's rows 14, 21 and 31 (data rows 13, 20, 30) duplicate, created as any lead.
existing() {
	CGI_PROG=leads cgi_run POST /api/leads "$1" "${TOK[ADMIN]}"
	[[ $STATUS == 201 ]] || t_bail "existing lead: $STATUS $BODY"
	jq_body .id
}
E1=$(existing "$(jq -cn --arg p "$P1" --arg s "$(ex .pesel13)" '{partnerId:$p,customer:{firstName:"Ewa",lastName:"Stara",pesel:$s}}')")
E2=$(existing "$(jq -cn --arg p "$P1" '{partnerId:$p,customer:{firstName:"Jan",lastName:"Stary",email:"IMP20@example.com"}}')")
E3=$(existing "$(jq -cn --arg p "$P2" '{partnerId:$p,customer:{firstName:"Olga",lastName:"Stara",phone:"500 000 030"}}')")
leads_before=$(psql_q "SELECT count(*) FROM \"Lead\"")
ids_before=$(psql_q "SELECT string_agg(id, ',' ORDER BY id) FROM \"Lead\"")

MAPPING='["firstName","lastName","email","phone","pesel","postalCode","city","notes","consents","consentSource","consentDate","consentMethod"]'

# check_import_file FILE: the whole cycle on FILE (any format with the rows of gen-import.py).
check_import_file() {
	local file=$1 name what
	name=$(basename "$file")
	what="[$name]"
	upload "$file" "$name" "${TOK[ADMIN]}"
	is "$STATUS" 201 "$what upload: 201"
	is "$(jq_body .rowCount)" "$(ex .total)" "$what upload: the data rows counted"
	is "$(jq_body '.columns | join("|")')" \
		"Imię|Nazwisko|E-mail|Telefon|PESEL|Kod pocztowy|Miasto|Uwagi|Zgody|Źródło zgody|Data zgody|Sposób zgody" \
		"$what upload: the Windows-1250 header read as UTF-8"
	is "$(jq_body '.mapping | map(. // "-") | join(",")')" \
		"firstName,lastName,email,phone,pesel,postalCode,city,notes,consents,consentSource,consentDate,consentMethod" \
		"$what upload: the Polish header names suggest the mapping"

	# The run before a dry run is refused.
	cgi_run POST "/api/imports/$JOB/run" "" "${TOK[ADMIN]}"
	is "$STATUS|$(jq_body .code)" "409|NOT_VALIDATED" "$what run before the dry run: 409 NOT_VALIDATED"

	cgi_run POST "/api/imports/$JOB/dry-run" "{\"mapping\":$MAPPING,\"partnerId\":\"$P1\"}" "${TOK[ADMIN]}"
	is "$STATUS" 200 "$what dry run: 200"
	printf '%s' "$BODY" >"$F/report.json"
	is "$(jq_body .totalRows)" "$(ex .total)" "$what dry run: every row checked"
	is "$(jq_body .invalidRows)" "$(ex .invalid)" "$what dry run: the invalid rows ($(ex .invalid))"
	is "$(jq_body .duplicateRows)" "$(ex .duplicates)" "$what dry run: the duplicate rows ($(ex .duplicates))"
	is "$(jq_body .validRows)" "$(ex .valid)" "$what dry run: the valid rows ($(ex .valid))"
	is "$(jq_body .flaggedRows)" "$(ex .flagged)" "$what dry run: rows whose consents lack evidence"
	is "$(jq_body .issueCount)" "$(ex '.issues | length')" "$what dry run: one problem per bad row"
	# Each problem exactly: the report's (row, column, value, problem) equal the generator's.
	is "$(jq -c '[.issues[] | [.row, .column, .value, .problem]]' "$F/report.json")" \
		"$(ex -c '[.issues[] | [.row, .column, .value, .problem]]' | jq -c .)" \
		"$what dry run: every problem with its row, column, value and Polish text"
	is "$(jq -c '[.issues[] | select(.row == 51)] | .[0] | [.column, .value, .problem]' "$F/report.json")" \
		"$(jq -c '[.[0].column, .[0].value, "Nieprawidłowy numer PESEL"]' <<<"$(ex -c '[.issues[] | select(.row == 51)]')")" \
		"$what dry run: row 51 has the bad PESEL"
	is "$(jq -c '[.issues[] | select(.row == 1002)] | .[0] | [.column, .value, .problem]' "$F/report.json")" \
		'["Uwagi","=cmd|'"'"' /C calc'"'"'!A0","Formuła w komórce jest niedozwolona"]' \
		"$what dry run: the =cmd formula cell is refused"
	is "$(jq -c '[.issues[] | select(.row == 71)] | .[0] | [.column, .problem]' "$F/report.json")" \
		'["Kod pocztowy","Nieprawidłowy kod pocztowy"]' "$what dry run: row 71 has the wrong postal code"
	is "$(jq -c '[.issues[] | select(.row == 4)] | .[0] | [.column, .problem]' "$F/report.json")" \
		'["Nazwisko","Pole wymagane"]' "$what dry run: row 4 misses the last name"
	# Duplicates: inside the file (the earlier row) and against the three existing leads.
	is "$(jq -c '[.duplicates[] | select(.sameAsRow != null) | [.row, .sameAsRow]]' "$F/report.json")" \
		"$(ex -c '[.dups[] | select(.sameAsRow != null) | [.row, .sameAsRow]]' | jq -c .)" \
		"$what dry run: the repeated rows inside the file, each with the row it repeats"
	is "$(jq -c '[.duplicates[] | select(.leadIds != null) | [.row, .leadIds[0]]]' "$F/report.json")" \
		"[[14,\"$E1\"],[21,\"$E2\"],[31,\"$E3\"]]" \
		"$what dry run: PESEL, e-mail (any case) and phone (any format) of existing leads"
	is "$(psql_q "SELECT count(*) FROM \"Lead\"")" "$leads_before" "$what dry run: nothing created"

	cgi_run POST "/api/imports/$JOB/run" "" "${TOK[ADMIN]}"
	is "$STATUS" 200 "$what run: 200"
	is "$(jq_body '.status + "|" + (.progress|tostring) + "|" + (.createdCount|tostring)')" \
		"DONE|100|$(ex .valid)" "$what run: done, 100 %, exactly the valid rows created"
	is "$(jq_body '.createdLeadIds | length')" "$(ex .valid)" "$what run: the created ids recorded"
	is "$(jq_body .canUndo)" true "$what run: the undo is offered"
	jq_body '.createdLeadIds[]' | sort >"$F/created"
	is "$(psql_q "SELECT count(*) FROM \"Lead\"")" "$((leads_before + $(ex .valid)))" \
		"$what run: the table grew by exactly the valid rows"
	is "$(psql_q "SELECT count(*) FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id
		WHERE l.\"sourceMetadata\"->>'importId' = '$JOB' AND l.\"partnerId\" = '$P1' AND l.status = 'NEW'
		AND c.\"lastName\" = 'Gęślą-Jaźń' AND c.address->>'city' = 'Łódź'")" "$(ex .valid)" \
		"$what run: the leads in the import's partner, Polish letters intact"
	is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$JOB'
		AND (notes LIKE '=%' OR notes LIKE '@%')")" 0 "$what run: no formula stored"
	is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$JOB'
		AND \"sourceMetadata\"->>'importRow' IN ('14','21','31','51','98')")" 0 \
		"$what run: the duplicate and invalid rows were not imported"
	is "$(psql_q "SELECT count(DISTINCT r.\"leadId\") || '|' || bool_and(r.\"consentMethod\" = 'PHONE_CALL'
		AND r.\"recordedAt\" = '2025-03-01T00:00:00Z' AND r.notes LIKE '%formularz papierowy%')
		FROM \"ConsentRecord\" r JOIN \"Lead\" l ON l.id = r.\"leadId\"
		WHERE l.\"sourceMetadata\"->>'importId' = '$JOB'")" "$(ex .consented)|true" \
		"$what run: consents only with their evidence (method, date, source)"
	is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$JOB'
		AND (\"sourceMetadata\"->>'consentsWithoutEvidence')::boolean
		AND NOT EXISTS (SELECT 1 FROM \"ConsentRecord\" r WHERE r.\"leadId\" = \"Lead\".id)")" "$(ex .flagged)" \
		"$what run: consents without evidence: no consent, the lead flagged"
	is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE action = 'LEAD_IMPORTED' AND metadata->>'importId' = '$JOB'")" \
		"$(ex .valid)" "$what run: each created lead audited with the import"

	cgi_run POST "/api/imports/$JOB/run" "" "${TOK[ADMIN]}"
	is "$STATUS|$(jq_body .code)" "409|IMPORT_STARTED" "$what run twice: 409 IMPORT_STARTED"

	cgi_run POST "/api/imports/$JOB/undo" "" "${TOK[ADMIN]}"
	is "$STATUS|$(jq_body .status)" "200|UNDONE" "$what undo: 200 UNDONE"
	is "$(psql_q "SELECT count(*) FROM \"Lead\"")" "$leads_before" "$what undo: the leads are gone"
	is "$(psql_q "SELECT string_agg(id, ',' ORDER BY id) FROM \"Lead\"")" "$ids_before" \
		"$what undo: every other lead is still there"
	is "$(psql_q "SELECT count(*) FROM \"ConsentRecord\" r WHERE NOT EXISTS (SELECT 1 FROM \"Lead\" l WHERE l.id = r.\"leadId\")")" 0 \
		"$what undo: no consent left behind"
	cgi_run POST "/api/imports/$JOB/undo" "" "${TOK[ADMIN]}"
	is "$STATUS|$(jq_body .code)" "409|ALREADY_UNDONE" "$what undo twice: 409 ALREADY_UNDONE"
}

started=$(date +%s)
check_import_file "$F/import.csv"
printf "# 5,000-row cycle: %d s\n" "$(($(date +%s) - started))"

# The same kind of rows as XLSX (common/xlsx_read.c), 1,200 of them to keep the suite short:
# the same report, the same leads, the same undo.
python3 "$top_srcdir/tests/cgi/gen-import.py" "$F/import-1200.csv" "$F/expect-1200.json" "$TPL" 1200 ||
	t_bail "gen-import.py failed"
python3 "$top_srcdir/tests/fixtures/xlsx/csv2xlsx.py" --delimiter ';' --encoding cp1250 \
	"$F/import-1200.csv" "$F/import.xlsx" || t_bail "csv2xlsx.py failed"
EXPECT=$F/expect-1200.json check_import_file "$F/import.xlsx"
EXPECT=$F/expect.json

# A zip bomb: a sheet that claims little and inflates to 200 MB is refused at upload.
python3 - "$F/bomb.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        chunk = b"<row><c t=\"inlineStr\"><is><t>" + b"A" * 1000 + b"</t></is></c></row>"
        for _ in range(200000):
            f.write(chunk)
        f.write(b"</sheetData></worksheet>")
PY
leads_now=$(psql_q "SELECT count(*) FROM \"Lead\"")
upload "$F/bomb.xlsx" bomb.xlsx "${TOK[ADMIN]}"
is "$STATUS" 400 "a zip bomb XLSX ($(($(wc -c <"$F/bomb.xlsx") / 1024)) KB packed, 200 MB unpacked): 400"
like "$(jq_body .message)" '.{5,}' "with the reader's Polish reason"
is "$(psql_q "SELECT count(*) FROM \"Lead\"")" "$leads_now" "the zip bomb created nothing"
rm -f "$F/bomb.xlsx"

# --- export, then import: the same data (issue 14) -----------------------------------------
# Three leads of their own partner (Polish letters, phones as the create rules store them,
# which the CSV neutralises with a leading apostrophe) go out through
# GET /api/leads/export (CSV) and are deleted; the exported file, imported back into it,
# gives leads whose export is the same file apart from the ids and creation times.
P3=cimppartnerthr000000003
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$P3', 'Import Three')" >/dev/null
for n in 1 2 3; do
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('crtlead$n', '$P3', 'NEW');
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		VALUES ('crtcp$n', 'crtlead$n', 'Źdźbło$n', 'Łęcka-Żurek', 'rt$n@example.com', '+4860${n}55511$n')" >/dev/null
done
export_p2() {
	CGI_PROG=leads cgi_run GET "/api/leads/export?format=csv&partnerId=$P3&columns=client" "" "${TOK[ADMIN]}"
	printf '%s' "$BODY"
}
export_p2 >"$F/rt-out.csv"
is "$STATUS" 200 "round trip: the export of the partner's leads: 200"
is "$(grep -c 'example.com' "$F/rt-out.csv")" 3 "round trip: three leads exported"
psql_q "DELETE FROM \"CustomerProfile\" WHERE \"leadId\" LIKE 'crtlead%';
	DELETE FROM \"Lead\" WHERE id LIKE 'crtlead%'" >/dev/null
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"partnerId\" = '$P3'")" 0 "round trip: the exported leads deleted"
upload "$F/rt-out.csv" leady.csv "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .rowCount)" "201|3" "round trip: the exported file uploads with its 3 rows"
RT_MAP=$(printf '%s' "$BODY" | jq -c .mapping)
is "$(jq -r 'map(. // "-") | join(",")' <<<"$RT_MAP")" "-,firstName,lastName,email,phone" \
	"round trip: the export's Polish headers map themselves (the ID column left out)"
cgi_run POST "/api/imports/$JOB/dry-run" "{\"mapping\":$RT_MAP,\"partnerId\":\"$P3\"}" "${TOK[ADMIN]}"
printf '%s' "$BODY" >"$F/rt-report.json"
is "$STATUS|$(jq_body .validRows)|$(jq_body .issueCount)" "200|3|0" "round trip: the dry run finds 3 valid rows, no problem"
cgi_run POST "/api/imports/$JOB/run" "" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .createdCount)" "200|3" "round trip: 3 leads created"
strip_ids() { tail -c +4 "$1" | cut -d';' -f2- | sort; }
export_p2 >"$F/rt-back.csv"
strip_ids "$F/rt-out.csv" >"$F/rt-out.rows"
strip_ids "$F/rt-back.csv" >"$F/rt-back.rows"
is "$(cat "$F/rt-back.rows")" "$(cat "$F/rt-out.rows")" "round trip: the re-imported leads export to the same rows"

# --- progress while a run goes on ------------------------------------------------------------
# 300 rows into P1, then 10 into P2 whose Partner row the test holds FOR UPDATE: a lead's
# foreign key needs that row, so the run commits its first batch of 250, goes on to row 300
# and waits.  GET shows exactly the committed batch; the lock's release lets the run end.
python3 -c "
import sys
print('Imię;Nazwisko;E-mail;Partner', end='\r\n')
for i in range(1, 311):
    print('Jan;Nowak;prog%d@example.com;%s' % (i, sys.argv[1] if i <= 300 else sys.argv[2]), end='\r\n')
" "$P1" "$P2" >"$F/progress.csv"
upload "$F/progress.csv" progress.csv "${TOK[ADMIN]}"
J2=$JOB
cgi_run POST "/api/imports/$J2/dry-run" '{"mapping":["firstName","lastName","email","partnerId"]}' "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .validRows)" "200|310" "progress: 310 valid rows"
t_psql_open hold
t_psql_send hold "BEGIN;" "SELECT 'held' FROM \"Partner\" WHERE id = '$P2' FOR UPDATE;"
t_psql_read hold held
is "$held" held "progress: the test holds the second partner's row"
(cgi_run POST "/api/imports/$J2/run" "" "${TOK[ADMIN]}"; printf '%s|%s\n' "$STATUS" "$(jq_body .createdCount)" >"$T_VAR/run-result") &
runner=$!
t_lock_waiters 1
ok $? "progress: the run waits on the lock after its first batch"
cgi_run GET "/api/imports/$J2" "" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body '.status + "|" + (.processedRows|tostring) + "|" + (.createdCount|tostring) + "|" + (.progress|tostring)')" \
	"200|RUNNING|250|250|80" "progress: GET shows the committed batch while the run goes on"
cgi_run POST "/api/imports/$J2/run" "" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .code)" "409|IMPORT_STARTED" "progress: a second run while one is going: 409"
t_psql_send hold "COMMIT;"
t_psql_close hold
wait "$runner"
is "$(cat "$T_VAR/run-result")" "200|310" "progress: the run ends with every row once the lock is gone"
cgi_run GET "/api/imports/$J2" "" "${TOK[ADMIN]}"
is "$(jq_body '.status + "|" + (.progress|tostring)')" "DONE|100" "progress: 100 % at the end"
cgi_run POST "/api/imports/$J2/dry-run" '{"mapping":["firstName","lastName","email","partnerId"]}' "${TOK[ADMIN]}"
is "$STATUS" 409 "dry run of an import that ran: 409"
cgi_run POST "/api/imports/$J2/undo" "" "${TOK[ADMIN]}"
is "$STATUS" 200 "progress: undone"
upload "$F/custom.csv" custom.csv "${TOK[ADMIN]}"
cgi_run POST "/api/imports/$JOB/undo" "" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .code)" "409|NOT_DONE" "undo of an import that never ran: 409 NOT_DONE"

# --- the remembered mapping -----------------------------------------------------------------
upload "$F/custom.csv" custom.csv "${TOK[SUPERVISOR]}"
J3=$JOB
is "$(jq_body '.mapping | map(. // "-") | join(",")')" "firstName,lastName,-,-" "mapping: unknown headers unmapped"
cgi_run POST "/api/imports/$J3/dry-run" "{\"mapping\":[\"firstName\",\"lastName\",\"notes\",\"email\"],\"partnerId\":\"$P3\"}" "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body .issueCount)" "200|1" "mapping: an e-mail that is not one is a problem"
is "$(jq_body '.issues[0] | [.row, .column, .problem] | @json')" '[2,"Numer klienta","Nieprawidłowy adres e-mail"]' \
	"mapping: the problem names the file's column"
upload "$F/custom.csv" custom.csv "${TOK[SUPERVISOR]}"
is "$(jq_body '.mapping | map(. // "-") | join(",")')" "firstName,lastName,notes,email" \
	"mapping: remembered for the user on the next file"
upload "$F/custom.csv" custom.csv "${TOK[ADMIN]}"
is "$(jq_body '.mapping | map(. // "-") | join(",")')" "firstName,lastName,-,-" "mapping: per user, not shared"

# --- refusals -------------------------------------------------------------------------------
upload "$F/custom.csv" custom.csv ""
is "$STATUS|$(jq_body .message)" "401|Missing authorization header" "upload without a token: 401"
upload "$F/custom.csv" custom.csv "${TOK[OPERATOR]}"
is "$STATUS|$(jq_body .message)" "403|Forbidden" "upload by an operator: 403"
upload "$F/custom.csv" custom.csv "${TOK[PARTNER_EMPLOYEE]}"
is "$STATUS|$(jq_body .message)" "403|Forbidden" "upload by a partner employee: 403"
cgi_run GET "/api/imports/$J3" "" "${TOK[OPERATOR]}"
is "$STATUS" 403 "GET by an operator: 403"
cgi_run GET "/api/imports/cnosuchimport00000000000" "" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .message)" "404|Import not found" "unknown import: 404"
cgi_run GET "/api/imports/$J2" "" "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body .message)" "404|Import not found" "another user's import: 404"
cgi_run GET "/api/imports/$J3" "" "${TOK[ADMIN]}"
is "$STATUS" 200 "an admin sees any import"
cgi_run POST "/api/imports/$J3/dry-run" '{"mapping":["firstName"]}' "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body .message)" "400|Mapowanie musi mieć pozycję dla każdej kolumny pliku" "dry run: a mapping of the wrong length: 400"
cgi_run POST "/api/imports/$J3/dry-run" '{"mapping":["firstName","firstName",null,null]}' "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body .message)" "400|Jedno pole przypisano do dwóch kolumn" "dry run: a field mapped twice: 400"
cgi_run POST "/api/imports/$J3/dry-run" '{"mapping":["shoeSize",null,null,null]}' "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body '.issues[0].path | join(".")')" "400|mapping.0" "dry run: an unknown field: 400 with the issue"
cgi_run POST "/api/imports/$J3/dry-run" '{}' "${TOK[SUPERVISOR]}"
is "$STATUS|$(jq_body .message)" "400|Validation failed" "dry run: no mapping: 400"

printf 'Imię;Nazwisko\r\n"Jan;Nowak\r\n' >"$F/broken.csv"
upload "$F/broken.csv" broken.csv "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .message)" "400|Niezamknięty cudzysłów w pliku" "a broken CSV: 400 with the reader's reason"
printf 'Imię;Nazwisko\r\n' >"$F/header.csv"
upload "$F/header.csv" header.csv "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .message)" "400|Plik nie zawiera wierszy z danymi" "a header without rows: 400"
printf 'PK\003\004\024\000\000\000\010\000' >"$F/fake.xlsx"
upload "$F/fake.xlsx" fake.xlsx "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .message)" "400|plik XLSX jest uszkodzony" "a broken XLSX: 400 with the reader's reason"

# 413 from the headers alone: a 60 MB Content-Length with a tiny body is refused unread.
mp "$F/custom.csv" custom.csv "$F/body"
cgi_body POST /api/imports "$F/body" "${TOK[ADMIN]}" 62914560
is "$STATUS|$(jq_body .message)|$(jq_body .code)" "413|File too large|LIMIT_FILE_SIZE" "a 60 MB upload: 413 before reading it"
# Over 20 MB for real: the parser stops at the cap.
python3 -c "import sys; sys.stdout.write('a;b\r\n' + ('x;y\r\n' * 5300000))" >"$F/big.csv"
mp "$F/big.csv" big.csv "$F/body"
cgi_body POST /api/imports "$F/body" "${TOK[ADMIN]}"
is "$STATUS|$(jq_body .code)" "413|LIMIT_FILE_SIZE" "a 21 MB file: 413"
rm -f "$F/big.csv" "$F/body"

# --- a partner manager: own partner only ---------------------------------------------------
printf 'Imię;Nazwisko;E-mail;Partner\r\nAnna;Zielińska;pm1@example.com;%s\r\nPiotr;Wróbel;pm2@example.com;%s\r\nOla;Sowa;pm3@example.com;\r\n' \
	"$P1" "$P2" >"$F/pm.csv"
upload "$F/pm.csv" pm.csv "${TOK[PARTNER_MANAGER]}"
J4=$JOB
is "$STATUS" 201 "partner manager: upload 201"
cgi_run POST "/api/imports/$J4/dry-run" "{\"mapping\":[\"firstName\",\"lastName\",\"email\",\"partnerId\"],\"partnerId\":\"$P3\"}" "${TOK[PARTNER_MANAGER]}"
is "$STATUS|$(jq_body .message)" "403|Cannot create leads for other partners" "partner manager: another partner for the import: 403"
cgi_run POST "/api/imports/$J4/dry-run" '{"mapping":["firstName","lastName","email","partnerId"]}' "${TOK[PARTNER_MANAGER]}"
is "$STATUS|$(jq_body .validRows)|$(jq_body '.issues[0] | [.row, .value, .problem] | @json')" \
	"200|2|[3,\"$P2\",\"Nie można importować leadów innego partnera\"]" \
	"partner manager: a row naming another partner is refused"
cgi_run POST "/api/imports/$J4/run" "" "${TOK[PARTNER_MANAGER]}"
is "$STATUS|$(jq_body .createdCount)" "200|2" "partner manager: the run creates the own partner's rows"
is "$(psql_q "SELECT string_agg(DISTINCT \"partnerId\", ',') FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$J4'")" \
	"$P1" "partner manager: every lead in the own partner"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"partnerId\" = '$P2' AND \"sourceMetadata\"->>'importId' = '$J4'")" 0 \
	"partner manager: nothing in the other partner"

# --- undo: an hour, and changed leads ---------------------------------------------------------
psql_q "UPDATE \"ImportJob\" SET \"finishedAt\" = now() - interval '61 minutes' WHERE id = '$J4'" >/dev/null
cgi_run POST "/api/imports/$J4/undo" "" "${TOK[PARTNER_MANAGER]}"
is "$STATUS|$(jq_body .code)" "409|UNDO_EXPIRED" "undo after an hour: 409 UNDO_EXPIRED"
psql_q "UPDATE \"ImportJob\" SET \"finishedAt\" = now() - interval '5 minutes' WHERE id = '$J4'" >/dev/null
L=$(psql_q "SELECT id FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$J4' ORDER BY id LIMIT 1")
psql_q "UPDATE \"Lead\" SET status = 'FIRST_CONTACT', \"updatedAt\" = now() WHERE id = '$L'" >/dev/null
cgi_run POST "/api/imports/$J4/undo" "" "${TOK[PARTNER_MANAGER]}"
is "$STATUS|$(jq_body .code)" "409|LEADS_CHANGED" "undo after someone worked on a lead: 409 LEADS_CHANGED"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"sourceMetadata\"->>'importId' = '$J4'")" 2 "a refused undo deletes nothing"

t_done
