#!/usr/bin/env bash
# Documents through the whole stack (issue 8): nginx + spawn-fcgi + PostgreSQL, with both storage
# drivers — disk, and S3 against s3rver (which checks no signatures: signing rests on libcurl and
# the pre-signing unit test). For each driver: a PDF, a JPEG and a DOCX upload, are listed and
# download byte-identical; a 50 MB PDF does too while the worker's RSS stays under 15 MB; an
# oversized body and a client that goes away half-way leave storage and the table unchanged;
# /uploads/ is no longer public.
. "$top_srcdir/tests/lib/testlib.sh"
t_stack_db http-documents
PORT=${IZZY_TEST_DOCS_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 7))}
S3_PORT=${IZZY_TEST_S3_PORT:-18907}
BASE=http://127.0.0.1:$PORT
RSS_LIMIT_KB=${IZZY_TEST_RSS_LIMIT_KB:-15360}
export UPLOAD_DIR=$T_VAR/uploads UPLOAD_MAX_BYTES=52428800
rm -rf "$UPLOAD_DIR" "$T_VAR/s3" "$T_VAR/files"
mkdir -p "$UPLOAD_DIR" "$T_VAR/files" "$T_VAR/log"
F=$T_VAR/files
JAR=$T_VAR/cookies
rm -f "$JAR"

stack_s3rver_start "$T_VAR" "$S3_PORT" izzy 2>>"$T_VAR/stack.log" || { cat "$T_VAR/stack.log" >&2; t_bail "s3rver did not start"; }

# --- files ---------------------------------------------------------------------------
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' >"$F/dowod.pdf"
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'; head -c 30000 /dev/urandom; printf '\xff\xd9'; } >"$F/foto.jpg"
cp "$top_srcdir/tests/fixtures/documents/umowa.docx" "$F/umowa.docx"
{ printf '%%PDF-1.7\n'; head -c $((UPLOAD_MAX_BYTES - 100)) /dev/urandom; printf '\n%%%%EOF\n'; } >"$F/big.pdf"
{ printf '%%PDF-1.7\n'; head -c "$UPLOAD_MAX_BYTES" /dev/zero; } >"$F/over.pdf"

# --- lead and login ------------------------------------------------------------------------
LEAD=chttpdoclead000000000001
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\") SELECT '$LEAD', id FROM \"Partner\" LIMIT 1;
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email)
	VALUES ('p$LEAD', '$LEAD', 'Hanna', 'Http', 'hanna@docs.test')" >/dev/null

# req METHOD PATH [curl args...]: sets STATUS, HEADERS, BODY (body in $T_VAR/body).
# Like the browser's same-origin XMLHttpRequest: the cookie plus Sec-Fetch-Site (the CSRF rule
# lets a cookie-authenticated multipart upload through only with it or a matching Origin).
req() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -S -o "$T_VAR/body" -D "$T_VAR/headers" -w '%{http_code}' -X "$method" \
		-H 'Sec-Fetch-Site: same-origin' -b "$JAR" -c "$JAR" "$@" "$BASE$path") || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_VAR/headers")
	BODY=$(head -c 4096 "$T_VAR/body")
}
hdr() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | tail -n 1; }
snapshot() {
	(cd "$UPLOAD_DIR" && find . -type f -printf '%p %s\n' | sort)
	(cd "$T_VAR/s3" && find . -type f -printf '%p %s\n' | sort)
	psql_q "SELECT 'rows ' || count(*) FROM \"Document\""
}
documents_worker() { pgrep -P "$(cat "$T_VAR/run/documents.pid")" -x documents | head -n 1; }

# start_programs DRIVER: (re)starts the programs with UPLOAD_DRIVER=DRIVER, one worker each.
start_programs() {
	stack_fcgi_stop "$T_VAR" 2>>"$T_VAR/stack.log"
	if [[ $1 == s3 ]]; then
		UPLOAD_DRIVER=s3 S3_BUCKET=izzy S3_REGION=eu-central-1 S3_ENDPOINT=http://127.0.0.1:$S3_PORT \
			S3_FORCE_PATH_STYLE=true S3_ACCESS_KEY_ID=S3RVER S3_SECRET_ACCESS_KEY=S3RVER \
			stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log"
	else
		UPLOAD_DRIVER=disk stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>>"$T_VAR/stack.log"
	fi
}

start_programs disk || t_bail "spawn-fcgi did not start the programs"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
req POST /api/auth/login -H 'Content-Type: application/json' --data-binary '{"email":"admin@example.com","password":"Admin123!"}'
is "$STATUS" 200 "admin logs in"

grep -q "client_max_body_size $((UPLOAD_MAX_BYTES + 65536));" "$T_VAR/nginx/conf/api-locations.conf"
ok $? "nginx's upload limit is generated from UPLOAD_MAX_BYTES"

for driver in disk s3; do
	if [[ $driver == s3 ]]; then
		start_programs s3 || t_bail "the programs did not start with UPLOAD_DRIVER=s3"
		s3pid=$(cat "$T_VAR/run/s3rver.pid" 2>/dev/null)
		ok "$([[ -n $s3pid ]] && grep -qa s3rver "/proc/$s3pid/cmdline" 2>/dev/null; echo $?)" \
			"restarting the programs leaves s3rver and its pidfile alone (so that the suite's end stops it)"
	fi
	# --- upload, list, download: byte-identical --------------------------------------------
	for f in dowod.pdf foto.jpg umowa.docx; do
		req POST "/api/leads/$LEAD/documents/upload" -F "type=test" -F "file=@$F/$f;type=application/octet-stream"
		is "$STATUS:$(jq -r .storageProvider <<<"$BODY")" "201:$driver" "$driver: $f uploads"
		id=$(jq -r .id <<<"$BODY")
		sum=$(jq -r .checksum <<<"$BODY")
		is "$sum" "$(sha256sum "$F/$f" | cut -d' ' -f1)" "$driver: $f checksum computed by the server"
		req GET "/api/leads/$LEAD/documents"
		is "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .originalName' <<<"$BODY")" "$f" "$driver: $f is listed"
		rm -f "$F/out"
		STATUS=$(curl -s -o "$F/out" -D "$T_VAR/headers" -w '%{http_code}' -b "$JAR" -L "$BASE/api/leads/$LEAD/documents/$id/download")
		HEADERS=$(tr -d '\r' <"$T_VAR/headers")
		is "$STATUS" 200 "$driver: $f downloads"
		is "$(sha256sum <"$F/out" | cut -d' ' -f1)" "$sum" "$driver: $f comes back byte-identical"
		like "$(hdr Content-Disposition)" "^attachment; .*filename\\*=UTF-8''$f" "$driver: $f as an attachment"
	done
	req GET "/api/leads/$LEAD/documents/$id/download"
	if [[ $driver == disk ]]; then
		is "$(hdr X-Content-Type-Options):$(hdr Content-Type)" "nosniff:application/octet-stream" \
			"disk: nosniff and no type guessed from the content or the name"
		[[ -z $(hdr X-Accel-Redirect) ]]; ok $? "disk: nginx does not leak the internal path"
	else
		is "$STATUS" 302 "s3: a redirect"
		like "$(hdr Location)" "^http://127\\.0\\.0\\.1:$S3_PORT/izzy/leads/$LEAD/.*X-Amz-Expires=300&.*X-Amz-Signature=[0-9a-f]{64}$" \
			"s3: to a URL pre-signed for 5 minutes"
		is "$(hdr X-Content-Type-Options)" nosniff "s3: nosniff"
	fi

	# --- 50 MB with the worker's memory watched ------------------------------------------------
	pid=$(documents_worker)
	[[ -n $pid ]] || t_bail "$driver: no documents worker"
	# Warm the worker up (database connection, libmagic) before the measured upload.
	req GET "/api/leads/$LEAD/documents"
	rm -f "$T_VAR/rss.stop" "$T_VAR/rss.peak"
	(
		peak=0
		while kill -0 "$pid" 2>/dev/null && [[ ! -e $T_VAR/rss.stop ]]; do
			kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
			((kb > peak)) && peak=$kb && echo "$peak" >"$T_VAR/rss.peak"
			sleep 0.02
		done
	) &
	sampler=$!
	req POST "/api/leads/$LEAD/documents/upload" -F "file=@$F/big.pdf"
	touch "$T_VAR/rss.stop"
	wait "$sampler"
	is "$STATUS" 201 "$driver: a 50 MB PDF uploads"
	id=$(jq -r .id <<<"$BODY")
	peak=$(cat "$T_VAR/rss.peak" 2>/dev/null || echo 0)
	ok "$( ((peak > 0 && peak < RSS_LIMIT_KB)); echo $?)" "$driver: the worker's peak RSS during the upload was ${peak} kB (< $RSS_LIMIT_KB kB)"
	echo "# $driver: peak RSS of the documents worker during a 50 MB upload: ${peak} kB"
	rm -f "$F/out"
	STATUS=$(curl -s -o "$F/out" -w '%{http_code}' -b "$JAR" -L "$BASE/api/leads/$LEAD/documents/$id/download")
	is "$STATUS:$(cmp -s "$F/out" "$F/big.pdf"; echo $?)" "200:0" "$driver: the 50 MB PDF downloads intact"

	# --- hostile: nothing is kept ---------------------------------------------------------------
	BEFORE=$(snapshot)
	req POST "/api/leads/$LEAD/documents/upload" -F "file=@$F/over.pdf"
	is "$STATUS:$(jq -r .code <<<"$BODY")" "413:LIMIT_FILE_SIZE" "$driver: a file over UPLOAD_MAX_BYTES is 413"
	is "$(snapshot)" "$BEFORE" "$driver: ... and leaves storage and table unchanged"
	head -c $((UPLOAD_MAX_BYTES + 200000)) /dev/zero >"$F/huge"
	req POST "/api/leads/$LEAD/documents/upload" -H 'Content-Type: multipart/form-data; boundary=x' --data-binary "@$F/huge"
	is "$STATUS:$(jq -r .message <<<"$BODY")" "413:File too large" "$driver: a body over nginx's limit gets the API's 413 body"
	is "$(snapshot)" "$BEFORE" "$driver: ... and leaves storage and table unchanged"

	# A client that sends half the body and closes the connection.
	: >"$T_VAR/log/documents.log.mark"
	marks=$(grep -c 'interrupted' "$T_VAR/log/documents.log" 2>/dev/null)
	cookie=$(awk '$6 == "izzy_session" {print $7}' "$JAR")
	{
		printf -- '--cutB\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\n\r\n'
		head -c 3000000 "$F/big.pdf"
	} >"$F/half"
	(
		exec 3<>"/dev/tcp/127.0.0.1/$PORT"
		printf 'POST /api/leads/%s/documents/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: izzy_session=%s\r\nSec-Fetch-Site: same-origin\r\nContent-Type: multipart/form-data; boundary=cutB\r\nContent-Length: 6000000\r\nConnection: close\r\n\r\n' "$LEAD" "$cookie" >&3
		cat "$F/half" >&3
		exec 3>&-
	)
	for _ in $(seq 1 300); do # up to 30 s on a busy machine
		(($(grep -c 'interrupted' "$T_VAR/log/documents.log" 2>/dev/null) > marks)) && break
		sleep 0.1
	done
	(($(grep -c 'interrupted' "$T_VAR/log/documents.log") > marks)); ok $? "$driver: the worker saw the client go away"
	is "$(snapshot)" "$BEFORE" "$driver: a connection cut mid-upload leaves storage and table unchanged"
	[[ -z $(ls -A "$UPLOAD_DIR/.tmp") ]]; ok $? "$driver: no spool file is left"
done

# --- a cross-site form cannot upload with the user's cookie (CSRF) ---------------------------
BEFORE=$(snapshot)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -H 'Sec-Fetch-Site: cross-site' \
	-H 'Origin: http://evil.test' -F "file=@$F/dowod.pdf" "$BASE/api/leads/$LEAD/documents/upload")
is "$STATUS" 403 "a cross-site upload with the session cookie is refused"
is "$(snapshot)" "$BEFORE" "a refused cross-site upload stores nothing"

# --- /uploads/ is not public any more (SR-27) ------------------------------------------------
start_programs disk || t_bail "the programs did not restart"
req POST "/api/leads/$LEAD/documents/upload" -F "file=@$F/dowod.pdf"
path=$(psql_q "SELECT \"filePath\" FROM \"Document\" WHERE id = '$(jq -r .id <<<"$BODY")'")
STATUS=$(curl -s -o "$F/out" -w '%{http_code}' "$BASE$path")
is "$STATUS:$(cat "$F/out")" '401:{"message":"Missing authorization header"}' "/uploads/ without a session: JSON, no file"
req GET "$path"
is "$STATUS:$(sha256sum <"$T_VAR/body" | cut -d' ' -f1)" "200:$(sha256sum <"$F/dowod.pdf" | cut -d' ' -f1)" "/uploads/ with access: the file, authorised"
req GET "/uploads/$LEAD/nope.pdf"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "/uploads/ unknown file: 404 JSON"
req GET "/_protected_uploads/${path#/uploads/}"
is "$STATUS" 404 "the internal location cannot be requested from outside"

t_done
