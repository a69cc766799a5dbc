#!/usr/bin/env bash
# Per-binary tests of cgi-bin/documents (spec/api.md §4.6.6, §4.6.7, §4.15; issue 8):
# uploads streamed as multipart with the disk driver, the content allow-list, limits and
# checksums, the authorised download (X-Accel-Redirect), the legacy /uploads/ path, the
# attach-by-URL route, and every role against an own and another partner's lead.
# Every refused upload must leave the storage folder and the Document table as they were.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-documents
CGI_PROG=documents
CGI_LOG=$T_VAR/log/documents-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"

UPLOADS=$T_VAR/uploads
rm -rf "$UPLOADS"
mkdir -p "$UPLOADS"
MAX=200000
CGI_ENV="UPLOAD_DIR=$UPLOADS UPLOAD_MAX_BYTES=$MAX"
F=$T_VAR/files
rm -rf "$F"
mkdir -p "$F"

# --- files -------------------------------------------------------------------
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' >"$F/dowod.pdf"
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\r\n--x\r\n\xff\xd9' >"$F/foto.jpg"
cp "$top_srcdir/tests/fixtures/documents/umowa.docx" "$F/umowa.docx"
printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00' >"$F/exe.pdf"
printf '<!DOCTYPE html><html><script>alert(1)</script></html>\n' >"$F/html.pdf"
printf '<?php system($_GET["c"]); ?>\n' >"$F/php.pdf"
: >"$F/empty.pdf"
{ cat "$F/dowod.pdf"; head -c "$MAX" /dev/zero; } >"$F/big.pdf"
{ cat "$F/dowod.pdf"; head -c $((MAX - $(wc -c <"$F/dowod.pdf"))) /dev/zero; } >"$F/exact.pdf"

# --- multipart bodies --------------------------------------------------------
B=izzyTestBoundary7MA4YWxk
MP=""
mp_new() { MP=$F/body.$1; : >"$MP"; }
mp_field() { printf -- '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' "$B" "$1" "$2" >>"$MP"; }
# mp_file FIELD FILENAME SRC [CONTENT-TYPE]
mp_file() {
	printf -- '--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: %s\r\n\r\n' \
		"$B" "$1" "$2" "${4:-application/pdf}" >>"$MP"
	cat "$3" >>"$MP"
	printf '\r\n' >>"$MP"
}
mp_end() { printf -- '--%s--\r\n' "$B" >>"$MP"; }

# cgi_body METHOD PATH BODYFILE TOKEN [CONTENT_LENGTH]: cgi_run with a binary body from a file.
cgi_body() {
	local method=$1 path=$2 file=$3 token=${4-} len=${5-} raw
	local -a env=(
		"REQUEST_METHOD=$method" "GATEWAY_INTERFACE=CGI/1.1" "SERVER_PROTOCOL=HTTP/1.1"
		"REMOTE_ADDR=192.0.2.10" "HTTP_USER_AGENT=izzy-cgi-test"
		"DATABASE_URL=$DATABASE_URL" "JWT_SECRET=$JWT_SECRET" "IZZY_ENV=$IZZY_ENV"
		"APP_BASE_URL=$APP_BASE_URL" "PATH=$PATH" "PATH_INFO=$path" "QUERY_STRING="
		"CONTENT_LENGTH=${len:-$(wc -c <"$file")}"
		"CONTENT_TYPE=${CGI_CT:-multipart/form-data; boundary=$B}"
	)
	[[ -n $token ]] && env+=("HTTP_AUTHORIZATION=Bearer $token")
	# shellcheck disable=SC2086
	raw=$(env -i "${env[@]}" ${CGI_ENV-} "$top_builddir/cgi-bin/$CGI_PROG" <"$file" 2>>"$CGI_LOG"; printf x)
	raw=${raw%x}
	HEADERS=${raw%%$'\r\n\r\n'*}
	BODY=${raw#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
}

# The state a refused upload must not change: every file under UPLOAD_DIR and the table.
snapshot() {
	(cd "$UPLOADS" && find . -type f -printf '%p %s\n' | sort)
	psql_q "SELECT 'rows ' || count(*) || ': ' || coalesce(string_agg(id, ',' ORDER BY id), '') FROM \"Document\""
}

# --- actors and leads ----------------------------------------------------------
P1=cdocpartnerone0000000001
P2=cdocpartnertwo0000000002
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$P1', 'Doc One'), ('$P2', 'Doc Two')" >/dev/null
ACTORS="PARTNER PARTNER_MANAGER PARTNER_EMPLOYEE OPERATOR OPERATOR_NP SUPERVISOR ADMIN AUDITOR"
declare -A TOK UIDS
i=0
for a in $ACTORS; do
	i=$((i + 1))
	role=${a%_NP}
	partner=$P1
	[[ $a == OPERATOR_NP || $a == SUPERVISOR || $a == ADMIN || $a == AUDITOR ]] && partner=-
	UIDS[$a]=$(printf 'cdocuser%02d%015d' "$i" 0)
	mk_user "${UIDS[$a]}" "$(tr 'A-Z_' 'a-z-' <<<"$a")@docs.test" "$role" "$partner"
	TOK[$a]=$(login "$(tr 'A-Z_' 'a-z-' <<<"$a")@docs.test")
	[[ -n ${TOK[$a]} ]] || t_bail "$a cannot log in"
done
OWN=cdocleadown0000000000001
OTHER=cdocleadother00000000002
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", \"createdByUserId\") VALUES
	('$OWN', '$P1', '${UIDS[PARTNER_EMPLOYEE]}'), ('$OTHER', '$P2', NULL);
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email) VALUES
	('p$OWN', '$OWN', 'Anna', 'Own', 'own@docs.test'), ('p$OTHER', '$OTHER', 'Olga', 'Other', 'other@docs.test')" >/dev/null
ADMIN=${TOK[ADMIN]}

# --- upload, list, download ------------------------------------------------------
mp_new pdf
mp_field type id_card
mp_file file "dowód.pdf" "$F/dowod.pdf" "text/plain"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
is "$STATUS" 201 "a PDF uploads"
DOC=$(jq_body .id)
SHA=$(sha256sum "$F/dowod.pdf" | cut -d' ' -f1)
is "$(jq_body '[.leadId, .type, .originalName, .mimeType, (.sizeBytes|tostring), .storageProvider, .checksum, (.version|tostring), .uploadedBy] | join("|")')" \
	"$OWN|id_card|dowód.pdf|application/pdf|$(wc -c <"$F/dowod.pdf")|disk|$SHA|1|${UIDS[ADMIN]}" \
	"the row: UTF-8 name, sniffed type (not the declared text/plain), size, server-side SHA-256"
is "$(jq_body .filePath)" "/api/leads/$OWN/documents/$DOC/download" "filePath is the authorised download path"
like "$(jq_body .uploadedAt)" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z$' "uploadedAt in the API's format"
stored=$(cd "$UPLOADS/$OWN" 2>/dev/null && ls)
like "$stored" '^[0-9]{13}-[0-9a-f]{12}\.pdf$' "stored under UPLOAD_DIR/<leadId>/ with a random name"
cmp -s "$UPLOADS/$OWN/$stored" "$F/dowod.pdf"
ok $? "the stored bytes are the uploaded ones"
is "$(jq_body .storageKey)" "$OWN/$stored" "storageKey is relative to UPLOAD_DIR (no server path)"
is "$(psql_q "SELECT \"filePath\" || ' ' || (\"storageKey\" LIKE '%/$OWN/$stored') FROM \"Document\" WHERE id = '$DOC'")" \
	"/uploads/$OWN/$stored true" "the row keeps the reference's filePath and the absolute storageKey"
is "$(psql_q "SELECT \"newValue\"->>'originalName' || ' ' || (\"newValue\"->>'size') || ' ' || (\"newValue\"->>'storageProvider') FROM \"AuditLog\" WHERE \"leadId\" = '$OWN' AND action = 'document_added'")" \
	"dowód.pdf $(wc -c <"$F/dowod.pdf") disk" "audited as document_added"

mp_new jpg
mp_field checksum "$(sha256sum "$F/foto.jpg" | cut -d' ' -f1 | tr a-f A-F)"
mp_file file foto.jpg "$F/foto.jpg" image/jpeg
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
is "$STATUS:$(jq_body '.mimeType + " " + .type')" "201:image/jpeg document" \
	"a JPEG with a matching checksum (any case); type defaults to document"
mp_new docx
mp_file file umowa.docx "$F/umowa.docx" application/octet-stream
mp_field type agreement
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
is "$STATUS:$(jq_body .mimeType)" "201:application/vnd.openxmlformats-officedocument.wordprocessingml.document" \
	"a DOCX, with the type field after the file"
DOCX=$(jq_body .id)
mp_new exact
mp_file file limit.pdf "$F/exact.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
is "$STATUS:$(jq_body .sizeBytes)" "201:$MAX" "a file of exactly UPLOAD_MAX_BYTES is accepted"

cgi_run GET "/api/leads/$OWN/documents" "" "$ADMIN"
is "$STATUS:$(jq_body 'length'):$(jq_body '.[0].originalName + "," + .[3].originalName')" "200:4:limit.pdf,dowód.pdf" \
	"the list, newest first"
is "$(jq_body '[.[] | has("storageKey")] | any')" false "the list shows no storageKey"
CGI_PROG=leads cgi_run GET "/api/leads/$OWN" "" "$ADMIN"
is "$(jq_body "[.documents[] | select(.id == \"$DOC\") | .filePath] | .[0]")" \
	"/api/leads/$OWN/documents/$DOC/download" "the lead detail links the authorised path"

cgi_run GET "/api/leads/$OWN/documents/$DOC/download" "" "$ADMIN"
is "$STATUS" 200 "download"
is "$(header X-Accel-Redirect)" "/_protected_uploads/$OWN/$stored" "handed to nginx's internal location"
is "$(header Content-Disposition)" "attachment; filename=\"dow__d.pdf\"; filename*=UTF-8''dow%C3%B3d.pdf" \
	"as an attachment under the original name, safely encoded"
is "$(header X-Content-Type-Options)" nosniff "nosniff"
ok "$([[ $BODY != *PDF* ]]; echo $?)" "no file byte passes through the program"
cgi_run GET "/api/leads/$OTHER/documents/$DOC/download" "" "$ADMIN"
is "$STATUS" 404 "a document of another lead is not found under this one"
cgi_run GET "/api/leads/$OWN/documents/cdocnosuchdocument0000001/download" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Document not found" "unknown document"

# --- the legacy public path (SR-27) -------------------------------------------------
cgi_run GET "/uploads/$OWN/$stored" "" "$ADMIN"
is "$STATUS:$(header X-Accel-Redirect)" "200:/_protected_uploads/$OWN/$stored" "/uploads/ answers a user with access like the download"
cgi_run GET "/uploads/$OWN/$stored"
is "$STATUS" 401 "/uploads/ without a session"
cgi_run GET "/uploads/$OWN/$stored" "" "${TOK[OPERATOR_NP]}"
is "$STATUS:$(jq_body .message):$(header X-Accel-Redirect)" "404:Not found:" "a user without access gets 404, no file"
cgi_run GET "/uploads/$OWN/../../etc/passwd" "" "$ADMIN"
is "$STATUS" 404 "no path escapes"
cgi_run GET "/uploads/$OWN/1731234567890-a1b2c3d4e5f6.pdf" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Not found" "an unknown file is 404 JSON"

# --- hostile uploads: nothing is kept ---------------------------------------------
# refused NAME STATUS CODE|- [MESSAGE-REGEX]: the last upload was refused and changed nothing.
refused() {
	is "$STATUS" "$2" "$1: $2"
	[[ $3 != - ]] && is "$(jq_body '.code // ""')" "$3" "$1: code $3"
	[[ -n ${4-} ]] && like "$(jq_body .message)" "$4" "$1: message"
	is "$(snapshot)" "$BEFORE" "$1: storage folder and Document table unchanged"
}
BEFORE=$(snapshot)
mp_new big
mp_file file big.pdf "$F/big.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "one byte over UPLOAD_MAX_BYTES" 413 LIMIT_FILE_SIZE '^File too large$'
head -c $((MAX + 70000)) /dev/zero >"$F/huge"
cgi_body POST "/api/leads/$OWN/documents/upload" "$F/huge" ""
refused "a Content-Length over the cap, before the session check" 413 LIMIT_FILE_SIZE
for f in exe html php; do
	mp_new "$f"
	mp_file file "skan.pdf" "$F/$f.pdf"
	mp_end
	cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
	refused "$f content named .pdf" 415 UNSUPPORTED_FILE_TYPE 'Niedozwolony typ pliku'
done
for name in "../../evil.pdf" '..\\..\\evil.pdf' "/etc/passwd" "C:\\\\evil.pdf" "a$(printf '\xe2\x88\x95')b.pdf" \
	"x$(printf '\xef\xbc\x8f')..pdf" "bad$(printf '\xff')utf8.pdf"; do
	mp_new name
	mp_file file "$name" "$F/dowod.pdf"
	mp_end
	cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
	refused "file name $(printf '%q' "$name")" 400 INVALID_FILE_NAME
done
mp_new empty
mp_file file empty.pdf "$F/empty.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "an empty file" 400 EMPTY_FILE
mp_new sum
mp_field checksum 0000000000000000000000000000000000000000000000000000000000000000
mp_file file dowod.pdf "$F/dowod.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "a wrong checksum" 400 CHECKSUM_MISMATCH
mp_new field
mp_file document dowod.pdf "$F/dowod.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "a file under another field name" 400 LIMIT_UNEXPECTED_FILE
mp_new two
mp_file file a.pdf "$F/dowod.pdf"
mp_file file b.pdf "$F/dowod.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "two files" 400 LIMIT_FILE_COUNT
mp_new nofile
mp_field type id_card
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "no file" 400 - '^File is required$'
mp_new notype
mp_field type ""
mp_file file dowod.pdf "$F/dowod.pdf"
mp_end
cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "an empty type" 400 - '^Validation failed$'
mp_new cut
mp_file file dowod.pdf "$F/big.pdf"
mp_end
half=$(($(wc -c <"$MP") / 2))
head -c "$half" "$MP" >"$F/half"
cgi_body POST "/api/leads/$OWN/documents/upload" "$F/half" "$ADMIN" "$(wc -c <"$MP")"
refused "a client that sends half the body and goes away" 400 - '^Unexpected end of form$'
head -c "$half" "$MP" >"$F/half"
cgi_body POST "/api/leads/$OWN/documents/upload" "$F/half" "$ADMIN"
refused "a body that ends before the close delimiter" 400 - '^Unexpected end of form$'
mp_new pdf2
mp_file file dowod.pdf "$F/dowod.pdf"
mp_end
CGI_CT="multipart/form-data; boundary=somethingElse" cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "a boundary that is not the body's" 400 - '^Unexpected end of form$'
CGI_CT="multipart/form-data" cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "no boundary" 400 - '^Malformed multipart body$'
CGI_CT="application/json" cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "not multipart" 415 -
cgi_body POST "/api/leads/cdocnosuchlead00000000009/documents/upload" "$MP" "$ADMIN"
refused "an unknown lead" 404 - '^Lead not found$'
CGI_ENV="UPLOAD_DIR=$UPLOADS UPLOAD_DRIVER=s3 S3_BUCKET=izzy S3_REGION=eu-central-1 S3_ACCESS_KEY_ID=S3RVER S3_SECRET_ACCESS_KEY=S3RVER S3_ENDPOINT=http://127.0.0.1:9 S3_FORCE_PATH_STYLE=true" \
	cgi_body POST "/api/leads/$OWN/documents/upload" "$MP" "$ADMIN"
refused "S3 unreachable" 503 STORAGE_UNAVAILABLE 'niedostępny'
ls -A "$UPLOADS/.tmp" | grep -q . && t_fail "the spool folder is empty after the refusals" || ok 0 "the spool folder is empty after the refusals"

# --- attach by URL (§4.6.6) ---------------------------------------------------------
cgi_run POST "/api/leads/$OWN/documents" '{"type":"bank_decision","filePath":"https://bank.example/d/1.pdf","checksum":"abc"}' "$ADMIN"
is "$STATUS:$(jq_body '[.filePath, (.storageProvider|tostring), (.checksum|tostring), .type] | join("|")')" \
	"201:https://bank.example/d/1.pdf|null|null|bank_decision" "attach a URL (checksum not stored)"
URLDOC=$(jq_body .id)
cgi_run GET "/api/leads/$OWN/documents/$URLDOC/download" "" "$ADMIN"
is "$STATUS:$(header Location)" "302:https://bank.example/d/1.pdf" "its download redirects to the URL"
for bad in 'javascript:alert(1)' 'file:///etc/passwd' '/uploads/x' 'data:text/html,x'; do
	cgi_run POST "/api/leads/$OWN/documents" "{\"type\":\"x\",\"filePath\":\"$bad\"}" "$ADMIN"
	is "$STATUS" 400 "only http(s) URLs are attached (SR-23): $bad"
done
cgi_run POST "/api/leads/$OWN/documents" '{"filePath":"https://x.pl/a"}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path[0]')" "400:type" "type is required"
cgi_run POST "/api/leads/$OWN/documents" '{"type":"x","filePath":"https://x.pl/a"}' "${TOK[PARTNER]}"
is "$STATUS" 403 "partners do not attach URLs"
cgi_run POST "/api/leads/$OTHER/documents" '{"type":"x","filePath":"https://x.pl/a"}' "${TOK[OPERATOR]}"
is "$STATUS:$(jq_body .message)" "403:Access denied" "an operator of another partner is refused (canAccessLead)"
cgi_run POST "/api/leads/$OWN/documents" '{"type":"x","filePath":"https://x.pl/a"}'
is "$STATUS" 401 "no session"

# --- authorisation: every role x own/other partner's lead ----------------------------
mp_new other
mp_file file other.pdf "$F/dowod.pdf"
mp_end
cgi_body POST "/api/leads/$OTHER/documents/upload" "$MP" "$ADMIN"
is "$STATUS" 201 "a document on the other partner's lead"
ODOC=$(jq_body .id)
declare -A DOC_OF=([$OWN]=$DOC [$OTHER]=$ODOC)
# expect ACTOR LEAD: allow / 403 (spec §2.4, §2.5.1)
expect() {
	case $1 in
	AUDITOR) echo 403 ;;
	SUPERVISOR | ADMIN) echo allow ;;
	OPERATOR_NP) echo 403 ;;
	*) [[ $2 == "$OWN" ]] && echo allow || echo 403 ;;
	esac
}
for a in $ACTORS NONE; do
	for lead in $OWN $OTHER; do
		tok=${TOK[$a]-}
		want=$(expect "$a" "$lead")
		[[ $a == NONE ]] && want=401
		before=$(snapshot)
		mp_new authz
		mp_file file authz.pdf "$F/dowod.pdf"
		mp_end
		cgi_body POST "/api/leads/$lead/documents/upload" "$MP" "$tok"
		if [[ $want == allow ]]; then
			is "$STATUS" 201 "$a uploads to the $([[ $lead == "$OWN" ]] && echo own || echo other) lead"
		else
			is "$STATUS" "$want" "$a may not upload to the $([[ $lead == "$OWN" ]] && echo own || echo other) lead"
			is "$(snapshot)" "$before" "$a: the refused upload left nothing"
		fi
		cgi_run GET "/api/leads/$lead/documents" "" "$tok"
		if [[ $want == allow ]]; then is "$STATUS" 200 "$a lists the documents of lead $lead"
		else is "$STATUS" "$want" "$a may not list the documents of lead $lead"; fi
		cgi_run GET "/api/leads/$lead/documents/${DOC_OF[$lead]}/download" "" "$tok"
		if [[ $want == allow ]]; then
			is "$STATUS:$(header X-Accel-Redirect | cut -d/ -f1-3)" "200:/_protected_uploads/$lead" "$a downloads from lead $lead"
		else
			is "$STATUS:$(header X-Accel-Redirect)" "$want:" "$a gets $want and no file from lead $lead"
		fi
	done
done

t_done
