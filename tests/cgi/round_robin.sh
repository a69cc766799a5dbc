#!/usr/bin/env bash
# Per-binary tests of round-robin auto-assignment (issue 13, migration 0028):
# the settings endpoints of cgi-bin/partners (GET/PUT /api/partners/:id/round-robin)
# and cgi-bin/users (PUT /api/users/:id/absence), and the rotation itself
# (izzy_round_robin_next through the "Lead" insert trigger) under concurrent
# creation through cgi-bin/leads, run as plain CGI against a private PostgreSQL.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-round-robin
CGI_LOG=$T_VAR/log/round-robin-cgi.log
: >"$CGI_LOG"

pa() { CGI_PROG=partners cgi_run "$@"; }
us() { CGI_PROG=users cgi_run "$@"; }
msg() { printf '%s:%s' "$STATUS" "$(jq_body .message)"; }

P=cpartnerrr000000000000001
Q=cpartnerrr000000000000002
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$P', 'Rotacja'), ('$Q', 'Inny partner')" >/dev/null
O1=coprr00000000000000000001
O2=coprr00000000000000000002
O3=coprr00000000000000000003
O4=coprr00000000000000000004 # absent
O5=coprr00000000000000000005 # inactive
O6=coprr00000000000000000006 # weight 0
OQ=coprr00000000000000000007 # operator of the other partner
mk_user $O1 rr1@example.com OPERATOR $P
mk_user $O2 rr2@example.com OPERATOR $P
mk_user $O3 rr3@example.com OPERATOR $P
mk_user $O4 rr4@example.com OPERATOR $P
mk_user $O5 rr5@example.com OPERATOR $P INACTIVE
mk_user $O6 rr6@example.com OPERATOR $P
mk_user $OQ rr7@example.com OPERATOR $Q
mk_user cpartneruserrr00000000001 rrpartner@example.com PARTNER $P
mk_user csupervisorrr000000000001 rrsup@example.com SUPERVISOR -
ADMIN=$(login admin@example.com 'Admin123!')
SUP=$(login rrsup@example.com)
OP1=$(login rr1@example.com)
OP4=$(login rr4@example.com)
PART=$(login rrpartner@example.com)
[[ -n $ADMIN && -n $SUP && -n $OP1 && -n $OP4 && -n $PART ]]
ok $? "test users log in"
TODAY=$(psql_q "SELECT (now() AT TIME ZONE 'Europe/Warsaw')::date")
LATER=$(psql_q "SELECT (now() AT TIME ZONE 'Europe/Warsaw')::date + 3")

# --- GET /api/partners/:id/round-robin -------------------------------------------
pa GET /api/partners/$P/round-robin "" "$SUP"
is "$STATUS:$(jq_body '[.partnerId, .enabled, .lastUserId, (.team|length)]|map(tostring)|join("|")')" \
	"200:$P|false|null|6" "a supervisor reads the rotation: off by default, the partner's six operators"
is "$(jq_body '.team[0]|keys|join(",")')" "absentFrom,absentUntil,available,fullName,status,userId,weight" \
	"a team member's shape"
is "$(jq_body "[.team[]|select(.userId==\"$O5\")|.available,.weight]|map(tostring)|join(\"|\")")" "false|1" \
	"an inactive operator is listed but not available"
pa GET /api/partners/$P/round-robin
is "$(msg)" "401:Missing authorization header" "GET without a token is 401"
pa GET /api/partners/$P/round-robin "" "$OP1"
is "$(msg)" "403:Forbidden" "GET by an operator is 403"
pa GET /api/partners/cnopartner00000000000001/round-robin "" "$ADMIN"
is "$(msg)" "404:Partner not found" "GET of an unknown partner is 404"

# --- PUT /api/partners/:id/round-robin -------------------------------------------
TEAM="[{\"userId\":\"$O1\",\"weight\":3},{\"userId\":\"$O2\",\"weight\":2},{\"userId\":\"$O3\",\"weight\":1},{\"userId\":\"$O6\",\"weight\":0}]"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":$TEAM}"
is "$(msg)" "401:Missing authorization header" "PUT without a token is 401"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":$TEAM}" "$SUP"
is "$(msg)" "403:Forbidden" "PUT by a supervisor is 403 (admins only)"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":$TEAM}" "$OP1"
is "$(msg)" "403:Forbidden" "PUT by an operator is 403"
pa PUT /api/partners/$P/round-robin '{"team":[]}' "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|tostring')" '400:["enabled"]' "PUT without enabled is 400"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":[{\"userId\":\"$O1\",\"weight\":101}]}" "$ADMIN"
is "$STATUS" 400 "a weight above 100 is 400"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":[{\"userId\":\"$O1\",\"weight\":-1}]}" "$ADMIN"
is "$STATUS" 400 "a negative weight is 400"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":[{\"userId\":\"$OQ\",\"weight\":1}]}" "$ADMIN"
is "$(msg)" "400:Team members must be operators of this partner, each once" \
	"another partner's operator cannot join the team"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":[{\"userId\":\"$O1\",\"weight\":1},{\"userId\":\"$O1\",\"weight\":2}]}" "$ADMIN"
is "$STATUS" 400 "a member listed twice is 400"
is "$(psql_q "SELECT \"roundRobinEnabled\" FROM \"Partner\" WHERE id = '$P'"):$(psql_q "SELECT count(*) FROM \"RoundRobinAuditLog\"")" \
	"f:0" "refused PUTs change and audit nothing"
pa PUT /api/partners/cnopartner00000000000001/round-robin '{"enabled":true}' "$ADMIN"
is "$(msg)" "404:Partner not found" "PUT of an unknown partner is 404"
pa PUT /api/partners/$P/round-robin "{\"enabled\":true,\"team\":$TEAM}" "$ADMIN"
is "$STATUS:$(jq_body '.enabled')" "200:true" "the admin switches the rotation on"
is "$(jq_body '[.team[]|"\(.userId|.[-1:])=\(.weight)"]|join(",")')" "1=3,2=2,3=1,4=1,5=1,6=0" \
	"the answer shows the new weights"
is "$(psql_q "SELECT string_agg(action || ':' || coalesce(\"newValue\"->>'userId', \"newValue\"::text), ',' ORDER BY action, \"newValue\"->>'userId') FROM \"RoundRobinAuditLog\" WHERE \"partnerId\" = '$P' AND \"actorId\" = (SELECT id FROM \"User\" WHERE email = 'admin@example.com')")" \
	"ROUND_ROBIN_ENABLED:true,ROUND_ROBIN_WEIGHT_CHANGED:$O1,ROUND_ROBIN_WEIGHT_CHANGED:$O2,ROUND_ROBIN_WEIGHT_CHANGED:$O6" \
	"the toggle and each changed weight are audited (unchanged weights are not)"

# --- PUT /api/users/:id/absence --------------------------------------------------
us PUT /api/users/$O4/absence "{\"absentFrom\":\"$TODAY\",\"absentUntil\":\"$LATER\"}"
is "$(msg)" "401:Missing authorization header" "absence without a token is 401"
us PUT /api/users/$O1/absence "{\"absentFrom\":\"$TODAY\",\"absentUntil\":null}" "$OP4"
is "$(msg)" "403:Forbidden" "an operator cannot mark someone else absent"
us PUT /api/users/$O4/absence "{\"absentFrom\":\"$TODAY\",\"absentUntil\":null}" "$PART"
is "$(msg)" "403:Forbidden" "partner roles have no absence setting"
us PUT /api/users/$O4/absence '{"absentFrom":"2026-02-30","absentUntil":null}' "$OP4"
is "$STATUS:$(jq_body '.issues[0].path|tostring')" '400:["absentFrom"]' "an impossible day is 400"
us PUT /api/users/$O4/absence '{"absentFrom":"2026-05-10"}' "$OP4"
is "$STATUS:$(jq_body '.issues[0].path|tostring')" '400:["absentUntil"]' "both dates are required (null allowed)"
us PUT /api/users/$O4/absence '{"absentFrom":"2026-05-10","absentUntil":"2026-05-09"}' "$OP4"
is "$(msg)" "400:absentUntil must not be before absentFrom" "an end before the start is 400"
us PUT /api/users/cnouser000000000000000001/absence '{"absentFrom":null,"absentUntil":null}' "$SUP"
is "$(msg)" "404:User not found" "absence of an unknown user is 404"
us PUT /api/users/$O4/absence "{\"absentFrom\":\"$TODAY\",\"absentUntil\":\"$LATER\"}" "$OP4"
is "$STATUS:$BODY" "200:{\"id\" : \"$O4\", \"absentFrom\" : \"$TODAY\", \"absentUntil\" : \"$LATER\"}" \
	"an operator marks themselves absent"
is "$(psql_q "SELECT concat_ws('|', \"actorId\", action, coalesce(\"oldValue\"->>'absentFrom', '-'), \"newValue\"->>'absentFrom', \"newValue\"->>'absentUntil') FROM \"UserAuditLog\" WHERE \"targetUserId\" = '$O4'")" \
	"$O4|USER_ABSENCE_CHANGED|-|$TODAY|$LATER" "the absence change is audited"
us GET /api/users/$O4/absence "" "$OP4"
is "$STATUS:$(jq_body '[.absentFrom, .absentUntil]|join("|")')" "200:$TODAY|$LATER" "an operator reads their own absence"
us GET /api/users/$O4/absence "" "$OP1"
is "$(msg)" "403:Forbidden" "but not someone else's"
us GET /api/users/$O4/absence
is "$(msg)" "401:Missing authorization header" "reading an absence without a token is 401"
us GET /api/users/cnouser000000000000000001/absence "" "$ADMIN"
is "$(msg)" "404:User not found" "reading the absence of an unknown user is 404"
us PUT /api/users/$O6/absence '{"absentFrom":"2020-01-01","absentUntil":"2020-01-31"}' "$SUP"
is "$STATUS" 200 "a supervisor sets another user's absence"
pa GET /api/partners/$P/round-robin "" "$ADMIN"
is "$(jq_body '[.team[]|"\(.userId|.[-1:])=\(.available)"]|join(",")')" "1=true,2=true,3=true,4=false,5=false,6=false" \
	"available: not the absent, the inactive or the weight-0 operator"

# --- the rotation under concurrent creation ---------------------------------------
TREQ=ctplrrrequired00000000001
psql_q "INSERT INTO \"ConsentTemplate\" (id, \"consentType\", \"formType\", title, content, version, \"isRequired\")
	VALUES ('$TREQ', 'PARTNER_DECLARATION', 'lead_creation', 'Oświadczenie', 'Treść', 1, true)" >/dev/null
body() { # N: a lead of partner P with a unique customer
	printf '{"partnerId":"%s","customer":{"firstName":"Jan","lastName":"Rr%s","email":"rr%s@example.com","phone":"+48 600 %03d %03d"},"consents":[{"templateId":"%s","version":1,"given":true}]}' \
		"$P" "$1" "$1" $(($1 / 1000)) $(($1 % 1000)) "$TREQ"
}
# 1,000 leads through izzy_round_robin_next from 4 concurrent sessions (the
# insert trigger every creation path goes through; one transaction each), and
# a concurrent run through the CGI's POST /api/leads on top (a full CGI
# request costs too much on a busy machine for 1,000 of them in this suite).
N=${RR_LEADS:-1000}
H=${RR_HTTP_LEADS:-24}
CLIENTS=4
sql_client() { # K: inserts leads K, K+CLIENTS, ... < N, each in its own transaction
	local i
	for ((i = $1; i < N; i += CLIENTS)); do
		printf "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('clrrsql%018d', '%s', 'INBOUND');\n" "$i" "$P"
	done | psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" >/dev/null 2>&1
	printf '%s\n' "$?"
}
http_client() { # K: creates leads K, K+CLIENTS, ... < H through the CGI as the admin
	local i
	for ((i = $1; i < H; i += CLIENTS)); do
		CGI_PROG=leads cgi_run POST /api/leads "$(body "$i")" "$ADMIN"
		printf '%s\n' "$STATUS"
	done
}
for ((k = 0; k < CLIENTS; k++)); do
	sql_client $k >"$T_VAR/rr-sql-$k" &
	http_client $k >"$T_VAR/rr-http-$k" &
done
wait
is "$(cat "$T_VAR"/rr-sql-* | paste -sd,)" "0,0,0,0" "$N leads inserted by $CLIENTS concurrent sessions"
is "$(cat "$T_VAR"/rr-http-* | sort | uniq -c | awk '{print $2 "x" $1}' | paste -sd,)" "201x$H" \
	"and $H through POST /api/leads by $CLIENTS concurrent clients at the same time"
is "$(psql_q "SELECT count(*) FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id
	WHERE l.\"partnerId\" = '$P' AND c.email LIKE 'rr%@example.com' AND l.\"assignedUserId\" IN ('$O1', '$O2', '$O3')")" "$H" \
	"the CGI's leads (created by an admin) are assigned by the rotation, not to their creator"
N=$((N + H))
dist=$(psql_q "SELECT string_agg(right(\"assignedUserId\", 1) || '=' || n, ',' ORDER BY \"assignedUserId\")
	FROM (SELECT \"assignedUserId\", count(*) n FROM \"Lead\" WHERE \"partnerId\" = '$P' GROUP BY 1) x")
printf '# distribution %s\n' "$dist"
within=$(printf '%s\n' "$dist" | tr ',' '\n' | awk -F= -v n="$N" '
	BEGIN { w["1"] = 3; w["2"] = 2; w["3"] = 1 }
	{ got[$1] = $2 }
	END { bad = 0
	      for (k in got) if (!(k in w)) bad = 1
	      for (k in w) { d = got[k] - n * w[k] / 6; if (d > 1 || d < -1) bad = 1 }
	      print bad ? "no" : "yes" }')
is "$within" yes "the distribution equals the weights 3:2:1 within one lead ($dist)"
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"partnerId\" = '$P' AND \"assignedUserId\" IN ('$O4', '$O5', '$O6', '$OQ')")" 0 \
	"the absent, inactive and weight-0 operators (and other partners') got none"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" a JOIN \"Lead\" l ON l.id = a.\"leadId\"
	WHERE l.\"partnerId\" = '$P' AND a.action = 'LEAD_AUTO_ASSIGNED' AND a.\"userId\" IS NULL
	  AND a.\"newValue\" = to_jsonb(l.\"assignedUserId\") AND a.metadata->>'rule' = 'round_robin'")" "$N" \
	"every automatic assignment has its audit entry"

# The rotation continues where it stopped (its state is in PostgreSQL): with
# the order a,b,a,c,b,a per cycle of six (smooth weighted round robin, ties
# to the lowest id), the next lead after N is number N mod 6 of a cycle.
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('clrrnext00000000000000001', '$P', 'INBOUND')" >/dev/null
next_expect=$(awk -v n="$N" 'BEGIN { split("1 2 1 3 2 1", s, " "); print s[n % 6 + 1] }')
is "$(psql_q "SELECT right(\"assignedUserId\", 1) FROM \"Lead\" WHERE id = 'clrrnext00000000000000001'")" "$next_expect" \
	"a lead inserted without an assignee by any path (inbound's INSERT) continues the rotation"

# ... and across a restart of PostgreSQL (nothing of the rotation lives in a process).
stack_pg_stop "$T_VAR" >/dev/null 2>&1 && stack_pg_start "$T_VAR" 5432 >/dev/null 2>>"$T_VAR/stack.log"
ok $? "PostgreSQL restarted"
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status) VALUES ('clrrnext00000000000000002', '$P', 'INBOUND')" >/dev/null
next_expect=$(awk -v n="$((N + 1))" 'BEGIN { split("1 2 1 3 2 1", s, " "); print s[n % 6 + 1] }')
is "$(psql_q "SELECT right(\"assignedUserId\", 1) FROM \"Lead\" WHERE id = 'clrrnext00000000000000002'")" "$next_expect" \
	"after a restart the rotation goes on where it stopped"

# A creation waits for the rotation's row lock held by another transaction,
# then takes the next turn (no two creations read the same "next").
t_psql_open hold
t_psql_send hold "BEGIN;" "SELECT izzy_round_robin_next('$P');"
t_psql_read hold held
(CGI_PROG=leads cgi_run POST /api/leads "$(body 900001)" "$ADMIN"; printf '%s\n' "$STATUS" >"$T_VAR/rr-waiter") &
waiter=$!
for _ in $(seq 1 200); do
	[[ $(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") -ge 1 ]] && break
	psql_q "SELECT pg_sleep(0.05)" >/dev/null
done
is "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")" 1 \
	"a creation waits while another transaction holds the partner's rotation"
t_psql_send hold "COMMIT;"
t_psql_close hold
wait "$waiter"
is "$(cat "$T_VAR/rr-waiter")" 201 "and completes once it is released"
waiter_to=$(psql_q "SELECT \"assignedUserId\" FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE c.email = 'rr900001@example.com'")
[[ -n $held && $waiter_to != "" ]] && ok 0 "the held turn went to $held, the waiting lead to the next one ($waiter_to)" ||
	ok 1 "the held turn and the waiting lead both got operators"

# Deactivated mid-way: no further lead.
psql_q "UPDATE \"User\" SET status = 'INACTIVE' WHERE id = '$O2'" >/dev/null
before=$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"assignedUserId\" = '$O2'")
for i in 1 2 3 4 5 6; do CGI_PROG=leads cgi_run POST /api/leads "$(body $((800000 + i)))" "$ADMIN"; done
is "$(psql_q "SELECT count(*) FROM \"Lead\" WHERE \"assignedUserId\" = '$O2'")" "$before" \
	"a deactivated operator gets no more leads"
is "$(psql_q "SELECT string_agg(right(\"assignedUserId\", 1) || '=' || n, ',' ORDER BY \"assignedUserId\") FROM (SELECT \"assignedUserId\", count(*) n FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE c.email LIKE 'rr80000_@example.com' GROUP BY 1) x" | grep -cE '^1=[45],3=[12]$')" 1 \
	"the remaining weights 3:1 share the next six leads within one"

# Partner users' leads go to the rotation too; toggled off they stay unassigned.
CGI_PROG=leads cgi_run POST /api/leads "$(body 700001)" "$PART"
is "$STATUS:$(psql_q "SELECT \"assignedUserId\" IS NOT NULL FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE c.email = 'rr700001@example.com'")" \
	"201:t" "a partner user's lead is assigned by the rotation"
pa PUT /api/partners/$P/round-robin '{"enabled":false}' "$ADMIN"
is "$STATUS:$(jq_body .enabled)" "200:false" "the admin switches the rotation off"
CGI_PROG=leads cgi_run POST /api/leads "$(body 700002)" "$PART"
is "$STATUS:$(psql_q "SELECT coalesce(\"assignedUserId\", '-') FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE c.email = 'rr700002@example.com'")" \
	"201:-" "toggled off: a partner user's lead stays unassigned"
CGI_PROG=leads cgi_run POST /api/leads "$(body 700003)" "$OP1"
is "$STATUS:$(psql_q "SELECT \"assignedUserId\" FROM \"Lead\" l JOIN \"CustomerProfile\" c ON c.\"leadId\" = l.id WHERE c.email = 'rr700003@example.com'")" \
	"201:$O1" "toggled off: a staff creator is assigned as before"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" a JOIN \"CustomerProfile\" c ON c.\"leadId\" = a.\"leadId\" WHERE c.email IN ('rr700002@example.com', 'rr700003@example.com') AND a.action = 'LEAD_AUTO_ASSIGNED'")" 0 \
	"toggled off: no automatic assignment is audited"
is "$(psql_q "SELECT action FROM \"RoundRobinAuditLog\" WHERE \"partnerId\" = '$P' ORDER BY \"createdAt\" DESC, id LIMIT 1")" \
	ROUND_ROBIN_DISABLED "switching off is audited"

t_done
