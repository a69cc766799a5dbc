# shellcheck shell=bash
# tests/ops/lib.sh: what the operations suites share (after tests/lib/testlib.sh and t_stack_db).
#
#   ops_populate UPLOAD_DIR   a small consistent data set: two leads (one CLOSED_LOST with its
#                             history), a customer profile, a SUBMITTED application form with two
#                             consents and an e-mail log row, two documents whose files are
#                             written under UPLOAD_DIR/<leadId>/ with their SHA-256 in the row
#   psql_admin SQL            as the superuser, on the suite's database (plants what a foreign key
#                             would refuse, with session_replication_role = replica)
#   ops_fingerprint           one line per table: name, row count and an md5 of its rows (not the
#                             monitoring tables of 0016, which the running programs and worker
#                             keep writing: request counters, heartbeats)
#   ops_doc_sums              "<id> <sha256 of the file at storageKey>" per disk document

OPS_LEAD1=copslead00000000000000001
OPS_LEAD2=copslead00000000000000002
OPS_FORM1=copsform00000000000000001
OPS_CUSTOMER_EMAIL=jan.kowalski.ops@example.com

psql_admin() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 "postgresql://postgres@/izzy?host=$IZZY_PG_SOCKDIR&port=$IZZY_PG_PORT" -c "$1"
}

ops_populate() {
	local up=$1 admin
	admin=$(psql_q "SELECT id FROM \"User\" WHERE email = 'admin@example.com'")
	mkdir -p "$up/$OPS_LEAD1" || return 1
	printf '%%PDF-1.4 dowod osobisty\n' >"$up/$OPS_LEAD1/1733400000000-a1b2c3.pdf"
	head -c 70000 /dev/urandom >"$up/$OPS_LEAD1/1733400000001-d4e5f6.jpg"
	psql -X -q -v ON_ERROR_STOP=1 -v admin="$admin" -v up="$up" -v l1="$OPS_LEAD1" -v l2="$OPS_LEAD2" \
		-v f1="$OPS_FORM1" -v mail="$OPS_CUSTOMER_EMAIL" \
		-v sum1="$(sha256sum <"$up/$OPS_LEAD1/1733400000000-a1b2c3.pdf" | cut -d' ' -f1)" \
		-v sum2="$(sha256sum <"$up/$OPS_LEAD1/1733400000001-d4e5f6.jpg" | cut -d' ' -f1)" \
		"$DATABASE_URL" <<'SQL'
BEGIN;
INSERT INTO "Lead" (id, "partnerId", "createdByUserId", "assignedUserId", status)
VALUES (:'l1', 'seed-partner', :'admin', :'admin', 'NEW'),
       (:'l2', 'seed-partner', :'admin', NULL, 'CLOSED_LOST');
INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "changedById", reason)
VALUES ('copshist00000000000000001', :'l2', 'NEW', 'CLOSED_LOST', :'admin', 'oferta konkurencji');
INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", email)
VALUES ('copsprof00000000000000001', :'l1', 'Jan', 'Kowalski', :'mail');
INSERT INTO "ApplicationForm" (id, "leadId", status, "createdByUserId", "uniqueLink", "accessCodeHash",
	"submittedAt", "submittedByClient")
VALUES (:'f1', :'l1', 'SUBMITTED', :'admin', repeat('ab', 24), repeat('0', 64), now(), true);
INSERT INTO "ConsentRecord" (id, "consentTemplateId", "consentType", "applicationFormId", "leadId",
	"consentGiven", version, "consentText")
SELECT 'copscons0000000000000000' || row_number() OVER (ORDER BY t.id), t.id, t."consentType", :'f1', :'l1',
	true, t.version, t.content
FROM "ConsentTemplate" t
WHERE t."formType" = 'financing_application' AND t."consentType" IN ('MARKETING', 'FINANCIAL_PARTNERS');
INSERT INTO "EmailLog" (id, "applicationFormId", "leadId", type, "sentTo")
VALUES ('copsmail00000000000000001', :'f1', :'l1', 'LINK_SENT', :'mail');
INSERT INTO "Document" (id, "leadId", type, "filePath", "uploadedBy", checksum, "originalName", "mimeType",
	"sizeBytes", "storageProvider", "storageKey")
VALUES ('copsdoc000000000000000001', :'l1', 'id_card', '/uploads/' || :'l1' || '/1733400000000-a1b2c3.pdf', :'admin',
	:'sum1', 'dowod.pdf', 'application/pdf', 24, 'disk', :'up' || '/' || :'l1' || '/1733400000000-a1b2c3.pdf'),
       ('copsdoc000000000000000002', :'l1', 'document', '/uploads/' || :'l1' || '/1733400000001-d4e5f6.jpg', :'admin',
	:'sum2', 'zdjecie.jpg', 'image/jpeg', 70000, 'disk', :'up' || '/' || :'l1' || '/1733400000001-d4e5f6.jpg');
COMMIT;
SQL
}

ops_fingerprint() {
	psql_q "SELECT string_agg(t || ' ' || n || ' ' || h, E'\n' ORDER BY t) FROM (
		SELECT c.relname AS t,
		       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text AS n,
		       (xpath('/row/h/text()', query_to_xml(format('SELECT coalesce(md5(string_agg(x::text, %L ORDER BY x::text)), %L) AS h FROM %I x', '|', '-', c.relname), false, true, '')))[1]::text AS h
		FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\_izzy%'
		  AND c.relname NOT IN ('HttpMetric', 'ProgramMetric', 'WorkerHeartbeat')) f"
}

ops_doc_sums() {
	local id key
	psql_q "SELECT id || ' ' || \"storageKey\" FROM \"Document\" WHERE \"storageProvider\" = 'disk' ORDER BY id" |
		while read -r id key; do
			printf '%s %s\n' "$id" "$(sha256sum <"$key" 2>/dev/null | cut -d' ' -f1)"
		done
}
