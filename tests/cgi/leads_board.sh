#!/usr/bin/env bash
# Per-binary tests of the staff workspace of issue 13 in cgi-bin/leads: the pipeline board
# (GET /api/leads/board, leads_read.c), saved views (/api/saved-views, leads_views.c) and bulk
# actions (POST /api/leads/bulk, leads_bulk.c): success, validation, 401, 403, 404, conflicts,
# the access rule per lead and the status policy per lead.
# Run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-board
CGI_LOG=$T_VAR/log/leads-board-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads

msg() { printf '%s:%s' "$STATUS" "$(jq_body '.message // empty')"; }
issue() { printf '%s:%s' "$STATUS" "$(jq_body '[.issues[]? | (.path|map(tostring)|join(".")) + ":" + .message] | join("|")')"; }

PA=cpartneralfa0000000000001
PB=cpartnerbeta0000000000001
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$PA', 'Alfa'), ('$PB', 'Beta')" >/dev/null
mk_user csupervisor00000000000001 sup@example.com SUPERVISOR -
mk_user cpartnera0000000000000001 partner-a@example.com PARTNER $PA
mk_user coperatora000000000000001 operator-a@example.com OPERATOR $PA
mk_user coperatorx000000000000001 operator-x@example.com OPERATOR -
mk_user cauditor00000000000000001 auditor@example.com AUDITOR -
SUP_ID=csupervisor00000000000001 OPA_ID=coperatora000000000000001 OPX_ID=coperatorx000000000000001
ADMIN=$(login admin@example.com)
SUP=$(login sup@example.com)
PARTA=$(login partner-a@example.com)
OPA=$(login operator-a@example.com)
OPX=$(login operator-x@example.com)
AUD=$(login auditor@example.com)
[[ -n $ADMIN && -n $SUP && -n $PARTA && -n $OPA && -n $OPX && -n $AUD ]]
ok $? "test users log in" || t_bail "no logins"

# mk_leads PREFIX COUNT PARTNER STATUS ASSIGNED|-: leads PREFIX-1.. created 1, 2, … minutes ago
# (PREFIX-1 newest), each with a customer "Klient PREFIX-i".
mk_leads() {
	psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\", \"leadCreatedAt\")
		SELECT '$1-' || i, '$3', '$4', $(sqlv "$5"), now() - i * interval '1 minute'
		FROM generate_series(1, $2) i;
		INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone)
		SELECT 'cp-$1-' || i, '$1-' || i, 'Klient', '$1-' || i, '$1-' || i || '@example.com', '+48 600 000 ' || i
		FROM generate_series(1, $2) i" >/dev/null
}
mk_leads cnewa 60 "$PA" NEW -
mk_leads cfollowb 2 "$PB" FOLLOW_UP -
psql_q "UPDATE \"CustomerProfile\" SET \"lastName\" = 'Zygmuntowicz' WHERE \"leadId\" = 'cnewa-7'" >/dev/null

# --- GET /api/leads/board ----------------------------------------------------------------------
cgi_run GET /api/leads/board "" "$ADMIN"
is "$STATUS" 200 "board: 200 for ADMIN"
is "$(jq_body '.columns | keys | length')" 19 "board: one column per status"
is "$(jq_body '.perColumn')" 50 "board: 50 cards per column by default"
is "$(jq_body '.columns.NEW.total')" 60 "board: NEW counts all 60 leads"
is "$(jq_body '.columns.NEW.leads | length')" 50 "board: NEW shows its first 50"
is "$(jq_body '.columns.NEW.leads[0].id + "|" + .columns.NEW.leads[49].id')" "cnewa-1|cnewa-50" \
	"board: newest first"
is "$(jq_body '.columns.NEW.leads[0] | [.partner.name, .customerProfile.lastName, (.assignedUser|tostring), (.sla.dueAt|tostring), (.leadCreatedAt|test("Z$")|tostring)] | join("|")')" \
	"Alfa|cnewa-1|null|null|true" "board: a card has partner, customer, assignee, age and the SLA state (no rules: no deadline)"
is "$(jq_body '.columns.FOLLOW_UP.total')" 2 "board: FOLLOW_UP counts its 2 leads"
is "$(jq_body '.columns.CLOSED_WON | "\(.total)|\(.leads|length)"')" "0|0" "board: an empty column"

cgi_run GET "/api/leads/board?perColumn=10&status=NEW,FOLLOW_UP" "" "$ADMIN"
is "$(jq_body '[.columns | keys[]] | join(",")')" "FOLLOW_UP,NEW" "board: the status filter picks the columns"
is "$(jq_body '.columns.NEW.leads | length')" 10 "board: perColumn"
cgi_run GET "/api/leads?status=NEW&page=2&perPage=50" "" "$ADMIN"
is "$(jq_body '[.data[].id] | "\(length)|\(.[0])"')" "10|cnewa-51" \
	"board: 'pokaż więcej' is the list's next page of the column"

cgi_run GET "/api/leads/board?search=Zygmunt" "" "$ADMIN"
is "$(jq_body '.columns.NEW | "\(.total)|\(.leads[0].id)"')" "1|cnewa-7" "board: the list's search"
is "$(jq_body '.columns.FOLLOW_UP.total')" 0 "board: search counts per column"

cgi_run GET /api/leads/board "" "$PARTA"
is "$(jq_body '"\(.columns.NEW.total)|\(.columns.FOLLOW_UP.total)"')" "60|0" \
	"board: a partner sees only its partner's leads"
cgi_run GET "/api/leads/board?assigned=unassigned" "" "$OPX"
is "$(jq_body '.columns.NEW.total')" 0 "board: an operator without partner sees only its own leads"
cgi_run GET "/api/leads/board?partnerId=$PB" "" "$OPA"
is "$(msg)" "403:Cannot view leads for other partners" "board: 403 for another partner's filter"
cgi_run GET "/api/leads/board?perColumn=0" "" "$ADMIN"
is "$STATUS" 400 "board: perColumn 0 is 400"
cgi_run GET "/api/leads/board?status=NOPE" "" "$ADMIN"
is "$STATUS" 400 "board: an unknown status is 400"
cgi_run GET /api/leads/board ""
is "$(msg)" "401:Missing authorization header" "board: 401 without a session"
cgi_run GET /api/leads/board "" "$AUD"
is "$(msg)" "403:Forbidden" "board: 403 for an auditor"

# --- /api/saved-views ----------------------------------------------------------------------------
VIEW='{"name":"Moje nowe","state":{"filters":{"status":["NEW"]},"sort":"leadCreatedAt","columns":["customer","partner"]}}'
cgi_run POST /api/saved-views "$VIEW" "$OPA"
is "$STATUS" 201 "views: 201 on create"
V1=$(jq_body .id)
is "$(jq_body '[.name, (.shared|tostring), (.mine|tostring), .state.filters.status[0], .owner.id] | join("|")')" \
	"Moje nowe|false|true|NEW|$OPA_ID" "views: the created view"
cgi_run POST /api/saved-views "$VIEW" "$OPA"
is "$(msg)" "409:A view with this name already exists" "views: 409 for a name the user already has"
cgi_run POST /api/saved-views "$VIEW" "$SUP"
is "$STATUS" 201 "views: another user may use the same name"
V_SUP=$(jq_body .id)
cgi_run POST /api/saved-views '{"state":{}}' "$OPA"
is "$(issue)" "400:name:Required" "views: 400 without a name"
cgi_run POST /api/saved-views '{"name":"x","state":"nope"}' "$OPA"
is "$STATUS" 400 "views: 400 when the state is no object"
cgi_run POST /api/saved-views "$(jq -cn '{name:"big",state:{x:("a"*9000)}}')" "$OPA"
is "$(issue)" "400:state:View state is too large" "views: 400 for a state over 8 KiB"
cgi_run POST /api/saved-views '{"name":"x","state":{},"extra":1}' "$OPA"
is "$STATUS" 400 "views: 400 for an unknown key"

cgi_run GET /api/saved-views "" "$OPA"
is "$(jq_body '[.data[].name] | join(",")')" "Moje nowe" "views: the owner lists its view"
cgi_run GET /api/saved-views "" "$OPX"
is "$(jq_body '.data | length')" 0 "views: a private view is not listed for others"
cgi_run PATCH "/api/saved-views/$V1" '{"shared":true,"name":"Nowe zespołu"}' "$OPA"
is "$(jq_body '"\(.shared)|\(.name)"')" "true|Nowe zespołu" "views: the owner shares and renames"
cgi_run GET /api/saved-views "" "$OPX"
is "$(jq_body '[.data[] | "\(.name)|\(.mine)|\(.owner.id)"] | join(",")')" "Nowe zespołu|false|$OPA_ID" \
	"views: a shared view is listed for all staff"
cgi_run PATCH "/api/saved-views/$V1" '{"name":"moje"}' "$OPX"
is "$(msg)" "403:Only the owner can change this view" "views: 403 for a shared view of another user"
cgi_run DELETE "/api/saved-views/$V1" "" "$OPX"
is "$(msg)" "403:Only the owner can change this view" "views: delete 403 for another user"
cgi_run PATCH "/api/saved-views/$V_SUP" '{"name":"x"}' "$OPA"
is "$(msg)" "404:View not found" "views: another user's private view is 404"
cgi_run PATCH /api/saved-views/cnosuchview000000000001 '{"name":"x"}' "$OPA"
is "$(msg)" "404:View not found" "views: 404 for an unknown view"
cgi_run POST /api/saved-views '{"name":"Drugi","state":{}}' "$OPA"
cgi_run PATCH "/api/saved-views/$(jq_body .id)" '{"name":"Nowe zespołu"}' "$OPA"
is "$(msg)" "409:A view with this name already exists" "views: rename onto an own name is 409"
cgi_run PATCH "/api/saved-views/$V1" '{"id":"cother0000000000000001","name":"y"}' "$OPA"
is "$STATUS" 400 "views: an echoed id must be the path's"
cgi_run DELETE "/api/saved-views/$V1" "" "$OPA"
is "$STATUS" 204 "views: the owner deletes"
is "$(psql_q "SELECT count(*) FROM \"SavedView\" WHERE id = '$V1'")" 0 "views: the row is gone"
cgi_run GET /api/saved-views ""
is "$(msg)" "401:Missing authorization header" "views: 401 without a session"
cgi_run GET /api/saved-views "" "$PARTA"
is "$(msg)" "403:Forbidden" "views: 403 for a partner"

# --- POST /api/leads/bulk ----------------------------------------------------------------------
mk_leads cbulkb 200 "$PB" NEW -
ids_json() { psql_q "SELECT json_agg(id ORDER BY id) FROM \"Lead\" WHERE id LIKE '$1%'"; }
B200=$(ids_json cbulkb-)
cgi_run POST /api/leads/bulk "$(jq -cn --argjson ids "$B200" --arg u "$OPX_ID" '{action:"assign",ids:$ids,userId:$u}')" "$ADMIN"
is "$STATUS" 200 "bulk: 200 for 200 leads assigned at once"
is "$(jq_body '"\(.action)|\(.requested)|\(.updated|length)|\(.failed|length)"')" "assign|200|200|0" \
	"bulk: all 200 updated, none failed"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE id LIKE 'cbulkb-%' AND \"assignedUserId\" = '$OPX_ID'")" 200 \
	"bulk: the 200 leads are the operator's"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" LIKE 'cbulkb-%' AND action = 'assignment_change'
	AND metadata->>'bulk' = 'true' AND \"newValue\"->>'assignedUserId' = '$OPX_ID'")" 200 "bulk: one audit entry per lead"
# The lead counters (0010) moved in one step by izzy_lead_bulk_update (0031) still match the leads.
is "$(psql_q "SELECT (SELECT count(*) FROM
	(SELECT \"partnerId\", coalesce(\"assignedUserId\", ''), status, count(*)::int FROM \"Lead\" GROUP BY 1, 2, 3
	 EXCEPT SELECT \"partnerId\", \"assignedUserId\", status, n FROM \"LeadCount\" WHERE n <> 0) a)
	+ (SELECT count(*) FROM
	(SELECT \"partnerId\", coalesce(\"createdByUserId\", ''), coalesce(\"assignedUserId\", ''), status, count(*)::int
	 FROM \"Lead\" GROUP BY 1, 2, 3, 4
	 EXCEPT SELECT \"partnerId\", \"createdByUserId\", \"assignedUserId\", status, n FROM \"LeadCountByCreator\" WHERE n <> 0) b)")" 0 \
	"bulk: the lead counters still match the leads"

# A mixed selection: operator A (partner Alfa) takes 3 of its partner's leads, 2 of Beta's
# (not its own), and an unknown id: those 3 fail, the 3 others change.
MIX='["cnewa-1","cnewa-2","cnewa-3","cfollowb-1","cfollowb-2","cnosuchlead00000000001"]'
cgi_run POST /api/leads/bulk "$(jq -cn --argjson ids "$MIX" --arg u "$OPA_ID" '{action:"assign",ids:$ids,userId:$u}')" "$OPA"
is "$STATUS" 200 "bulk mixed: 200"
is "$(jq_body '[.updated[]] | join(",")')" "cnewa-1,cnewa-2,cnewa-3" "bulk mixed: the visible leads changed"
is "$(jq_body '[.failed[] | .id + ":" + .message] | join(",")')" \
	"cfollowb-1:Access denied,cfollowb-2:Access denied,cnosuchlead00000000001:Lead not found" \
	"bulk mixed: the others listed as failed with their reason"
is "$(psql_q "SELECT string_agg(coalesce(\"assignedUserId\", '-'), ',' ORDER BY id) FROM \"Lead\" WHERE id IN ('cfollowb-1', 'cfollowb-2')")" \
	"-,-" "bulk mixed: the failed leads are untouched"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" LIKE 'cfollowb-%'")" 0 "bulk mixed: no audit for failed leads"

# Status: one reason for all; the policy per lead.
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-1","cnewa-2"],"status":"FIRST_CONTACT","notes":"Telefon"}' "$OPA"
is "$(jq_body '"\(.updated|length)|\(.failed|length)"')" "2|0" "bulk status: NEW -> FIRST_CONTACT"
is "$(psql_q "SELECT string_agg(concat_ws('|', l.status, l.\"assignedUserId\", l.\"claimedAt\" IS NOT NULL, h.\"oldStatus\", h.reason, n.content), ',' ORDER BY l.id)
	FROM \"Lead\" l JOIN \"LeadStatusHistory\" h ON h.\"leadId\" = l.id JOIN \"LeadNote\" n ON n.\"leadId\" = l.id
	WHERE l.id IN ('cnewa-1', 'cnewa-2')")" \
	"FIRST_CONTACT|$OPA_ID|t|NEW|Telefon|Telefon,FIRST_CONTACT|$OPA_ID|t|NEW|Telefon|Telefon" \
	"bulk status: claimed, a history row and the note per lead"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-1","cnewa-3"],"status":"CLOSED_WON"}' "$OPA"
is "$(jq_body '([.failed[] | .id + ":" + .message] | join(",")) + "|\(.updated|length)"')" \
	"cnewa-1:Status transition not allowed,cnewa-3:Status transition not allowed|0" \
	"bulk status: an operator's move off the recommended paths fails per lead"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-1","cnewa-3"],"status":"CLOSED_WON"}' "$SUP"
is "$(jq_body '"\(.updated|length)|\(.failed|length)"')" "2|0" "bulk status: a supervisor's move is an override"
is "$(psql_q "SELECT string_agg(h.override::text || '|' || (a.metadata->>'override'), ',' ORDER BY h.\"leadId\")
	FROM \"LeadStatusHistory\" h JOIN \"AuditLog\" a ON a.\"leadId\" = h.\"leadId\" AND a.action = 'status_change' AND a.\"newValue\" = '\"CLOSED_WON\"'
	WHERE h.\"leadId\" IN ('cnewa-1', 'cnewa-3') AND h.\"newStatus\" = 'CLOSED_WON'")" "true|true,true|true" \
	"bulk status: the override is audited per lead"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-4","cnewa-5"],"status":"CLOSED_LOST"}' "$SUP"
is "$(issue)" "400:reason:Reason is required for this status" "bulk status: 400 without a reason"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-4"],"status":"CLOSED_LOST","reason":"OTHER"}' "$SUP"
is "$(msg)" "400:Notes are required for reason OTHER" "bulk status: OTHER needs notes"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-4"],"status":"CLOSED_LOST","reason":"BOGUS"}' "$SUP"
is "$(issue)" "400:reason:Invalid reason" "bulk status: an unknown reason is 400"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-4"],"status":"MERGED"}' "$SUP"
is "$(msg)" "400:Status MERGED is set only by merging leads" "bulk status: MERGED is refused"
psql_q "UPDATE \"Lead\" SET \"anonymizedAt\" = now() WHERE id = 'cnewa-5'" >/dev/null
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-4","cnewa-5","cnewa-3"],"status":"CLOSED_LOST","reason":"NO_CONTACT"}' "$SUP"
is "$(jq_body '[.updated[]] | join(",")')" "cnewa-3,cnewa-4" "bulk status: the leads that may change changed"
is "$(jq_body '[.failed[] | .id + ":" + .message] | join(",")')" "cnewa-5:Lead is anonymized" \
	"bulk status: an anonymised lead fails"
is "$(psql_q "SELECT \"reasonCode\" FROM \"LeadStatusHistory\" WHERE \"leadId\" = 'cnewa-4'")" NO_CONTACT \
	"bulk status: the reason code is in the history"

# Filter instead of ids.
cgi_run POST /api/leads/bulk "$(jq -cn --arg u "$OPX_ID" '{action:"assign",filter:{status:["FOLLOW_UP"]},userId:$u}')" "$SUP"
is "$(jq_body '"\(.requested)|\([.updated[]]|join(","))"')" "2|cfollowb-1,cfollowb-2" "bulk: a filter selects the matching leads"

# Validation, 401, 403, 404.
cgi_run POST /api/leads/bulk '{"ids":["cnewa-6"],"userId":null}' "$ADMIN"
is "$(issue)" "400:action:Required" "bulk: 400 without an action"
cgi_run POST /api/leads/bulk '{"action":"assign","userId":null}' "$ADMIN"
is "$(issue)" "400:ids:Required" "bulk: 400 without ids or filter"
cgi_run POST /api/leads/bulk '{"action":"assign","ids":[],"userId":null}' "$ADMIN"
is "$STATUS" 400 "bulk: 400 for an empty selection"
cgi_run POST /api/leads/bulk '{"action":"assign","ids":["cnewa-6"],"filter":{},"userId":null}' "$ADMIN"
is "$(msg)" "400:Send ids or filter, not both" "bulk: 400 for ids and filter"
cgi_run POST /api/leads/bulk "$(jq -cn '{action:"assign",ids:[range(1001)|"c\(.)"],userId:null}')" "$ADMIN"
is "$(issue)" "400:ids:Array must contain at most 1000 element(s)" "bulk: 400 over 1000 ids"
cgi_run POST /api/leads/bulk '{"action":"assign","ids":["cnewa-6"]}' "$ADMIN"
is "$(issue)" "400:userId:Required" "bulk assign: 400 without userId"
cgi_run POST /api/leads/bulk '{"action":"status","ids":["cnewa-6"]}' "$ADMIN"
is "$(issue)" "400:status:Required" "bulk status: 400 without status"
cgi_run POST /api/leads/bulk "$(jq -cn --arg u "$OPX_ID" '{action:"assign",ids:["cnewa-6"],userId:$u}')" "$OPA"
is "$(msg)" "403:Cannot assign lead to another user" "bulk assign: an operator assigns only itself"
cgi_run POST /api/leads/bulk '{"action":"assign","ids":["cnewa-6"],"userId":null}' "$OPA"
is "$(msg)" "403:Cannot unassign lead" "bulk assign: an operator cannot unassign"
cgi_run POST /api/leads/bulk '{"action":"assign","ids":["cnewa-6"],"userId":"cnosuchuser000000000001"}' "$ADMIN"
is "$(msg)" "404:User not found" "bulk assign: 404 for an unknown assignee"
cgi_run POST /api/leads/bulk "$(jq -cn --arg u "$SUP_ID" '{action:"assign",ids:["cnewa-6"],userId:$u}')" "$ADMIN"
is "$(msg)" "400:Only operators can be assigned to leads" "bulk assign: only operators"
cgi_run POST /api/leads/bulk '{"action":"assign","filter":{"partnerId":"'"$PB"'"},"userId":"'"$OPA_ID"'"}' "$OPA"
is "$(msg)" "403:Cannot view leads for other partners" "bulk: an operator's filter stays in its partner"
cgi_run POST /api/leads/bulk '{"action":"export","ids":["cnewa-6"]}'
is "$(msg)" "401:Missing authorization header" "bulk: 401 without a session"
cgi_run POST /api/leads/bulk '{"action":"export","ids":["cnewa-6"]}' "$PARTA"
is "$(msg)" "403:Forbidden" "bulk: 403 for a partner"

# Export: UTF-8 BOM, ';', formula-like cells neutralised, only visible leads.
psql_q "UPDATE \"CustomerProfile\" SET \"firstName\" = '=HYPERLINK(\"http://x\")', \"lastName\" = 'Żółć; \"cytat\"' WHERE \"leadId\" = 'cnewa-6'" >/dev/null
cgi_run POST /api/leads/bulk '{"action":"export","ids":["cnewa-6","cbulkb-1"]}' "$OPA"
is "$STATUS" 200 "export: 200"
like "$(header Content-Type)" '^text/csv' "export: text/csv"
like "$(header Content-Disposition)" 'attachment; filename="leady.csv"' "export: as a file"
is "$(header X-Bulk-Skipped)" 1 "export: the lead the operator may not see is skipped"
is "$(printf '%s' "$BODY" | head -c 3 | od -An -tx1 | tr -d ' ')" efbbbf "export: starts with the UTF-8 BOM"
is "$(printf '%s' "$BODY" | sed -n 1p | tr -d '\r' | sed 's/^\xEF\xBB\xBF//')" \
	'"ID";"Imię";"Nazwisko";"E-mail";"Telefon";"Status";"Zgody";"Opiekun";"Partner";"Data utworzenia";"Budżet (PLN)"' \
	"export: the Polish header (the list export's, tests/cgi/leads_export_view.sh)"
like "$(printf '%s' "$BODY" | sed -n 2p)" '^"cnewa-6";"'"'"'=HYPERLINK\(""http://x""\)";"Żółć; ""cytat""";.*;"NEW";.*;"Alfa";' \
	"export: quoted cells, the formula made inert"
is "$(printf '%s' "$BODY" | grep -c cbulkb)" 0 "export: no row of an invisible lead"

# Row locks: a bulk action waits for a lead another transaction holds (a psql session keeps
# cnewa-8 locked), then changes it; nothing is read before the lock is granted.
t_psql_open hold
t_psql_send hold "BEGIN;" "SELECT id FROM \"Lead\" WHERE id = 'cnewa-8' FOR UPDATE;"
t_psql_read hold held
is "$held" cnewa-8 "lock: the other session holds the lead"
# A statement timeout far above the wait: the test releases the lock once it sees the wait.
( CGI_ENV="IZZY_DB_STATEMENT_TIMEOUT_MS=120000" cgi_run POST /api/leads/bulk "$(jq -cn --arg u "$OPX_ID" '{action:"assign",ids:["cnewa-9","cnewa-8"],userId:$u}')" "$SUP"
  printf '%s|%s' "$STATUS" "$(jq_body '[.updated[]] | join(",")')" >"$T_VAR/bulk-locked.out" ) &
bulk_pid=$!
waiting=0
for _ in $(seq 1 300); do
	waiting=$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF l%'")
	[[ $waiting == 1 ]] && break
	sleep 0.1
done
is "$waiting" 1 "lock: the bulk action waits for the held row"
is "$(psql_q "SELECT coalesce(\"assignedUserId\", '-') FROM \"Lead\" WHERE id = 'cnewa-9'")" - \
	"lock: nothing changed while it waits"
t_psql_send hold "COMMIT;"
wait "$bulk_pid"
is "$(cat "$T_VAR/bulk-locked.out")" "200|cnewa-8,cnewa-9" "lock: after the release both leads change"
t_psql_close hold

# Filter over the cap: 400 before anything changes.
mk_leads cmany 1000 "$PB" NEW -
cgi_run POST /api/leads/bulk '{"action":"assign","filter":{},"userId":null}' "$ADMIN"
is "$(jq_body '.code + ":" + .message')" "BULK_LIMIT:Too many leads selected (at most 1000 per action)" \
	"bulk: 400 when the filter matches over 1000 leads"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"assignedUserId\" IS NULL AND id LIKE 'cmany-%'")" 1000 \
	"bulk: nothing changed over the cap"

t_done
