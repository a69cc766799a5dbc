#!/usr/bin/env bash
# The authorisation matrix of the leads program (SR-14): every role, and no
# token, against every lead-scoped route of cgi-bin/leads, on each kind of
# lead: the own partner's, another partner's, one assigned to the user, an
# unassigned one and one the user created.  The expectation is computed here,
# independently of the code, from requirements §2.1 / api.md §2.4 (which
# roles may call a route) and api.md §2.5.1 (which leads a role sees):
#   no token -> 401; role not allowed -> 403; lead not visible -> 403;
#   otherwise the route's own success status (the last column of ROUTES: each
#   lead goes through the routes in order, so every call meets a known state).
# A denied request must leave the database untouched.  Two self-checks keep
# the matrix honest: every ":id" route in the route table of leads.c must be
# in ROUTES below (and nothing else), and an operator on
# another partner's lead must meet lead_access ("Access denied") on every
# route its role may call.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-authz-matrix
CGI_LOG=$T_VAR/log/leads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads

STAFF="OPERATOR SUPERVISOR ADMIN"
LEAD_ROLES="PARTNER PARTNER_MANAGER PARTNER_EMPLOYEE OPERATOR SUPERVISOR ADMIN"
# METHOD|PATTERN|BODY|ROLES|STATUS: the route roles decided for issue 3 and
# the exact status of an allowed call (NEW -> FIRST_CONTACT is on the table;
# financing and notes create; e-mail answers 200, COMPAT).  @TARGET@ is the
# actor's merge target.  Merge and anonymise come last: they end a lead.
ROUTES=(
	"GET|/api/leads/:id||$LEAD_ROLES|200"
	"POST|/api/leads/:id/status|{\"status\":\"FIRST_CONTACT\"}|$STAFF|200"
	"PATCH|/api/leads/:id/customer|{\"phone\":\"+48 600 000 001\"}|$STAFF|200"
	"PATCH|/api/leads/:id/vehicles|{\"amountAvailable\":1000}|$STAFF|200"
	"POST|/api/leads/:id/financing|{\"bank\":\"Matrix Bank\"}|$STAFF|201"
	"PATCH|/api/leads/:id/assignment|{\"userId\":null}|ADMIN|200"
	"POST|/api/leads/:id/notes|{\"content\":\"matrix\"}|$STAFF|201"
	"POST|/api/leads/:id/email/draft|{\"message\":\"matrix\"}|$STAFF|200"
	"GET|/api/leads/:id/email/draft||$STAFF|200"
	"POST|/api/leads/:id/email|{\"message\":\"matrix\"}|$STAFF|200"
	"POST|/api/leads/:id/offer-link|{\"baseUrl\":\"https://x.pl/o\",\"discountPln\":1}|$STAFF|200"
	"GET|/api/leads/:id/data-export||ADMIN|200"
	"GET|/api/leads/:id/retention||ADMIN|200"
	"PUT|/api/leads/:id/retention|{\"retentionExempt\":false}|ADMIN|200"
	"GET|/api/leads/:id/communications||$STAFF|200"
	"POST|/api/leads/:id/reminders|{\"dueAt\":\"2027-01-10T10:00:00.000Z\",\"description\":\"matrix\"}|$STAFF|201"
	"GET|/api/leads/:id/reminders||$STAFF|200"
	"POST|/api/leads/:id/communications/:outboxId/retry||SUPERVISOR ADMIN|404"
	"POST|/api/leads/:id/merge|{\"targetLeadId\":\"@TARGET@\"}|SUPERVISOR ADMIN|200"
	"POST|/api/leads/:id/anonymize||ADMIN|200"
)

# --- self-check: the matrix covers exactly the lead-scoped routes -------------------
served=$(cd "$top_srcdir" && grep -ho 'HTTP_[A-Z]*, *"/api/leads/[^"]*:id[^"]*"' \
	cgi-bin/leads.c | sed -E 's/^HTTP_([A-Z]+), *"([^"]*)"$/\1 \2/' | sort -u)
listed=$(for r in "${ROUTES[@]}"; do IFS='|' read -r m p _ <<<"$r"; printf '%s %s\n' "$m" "$p"; done | sort -u)
missing=$(comm -23 <(printf '%s\n' "$served") <(printf '%s\n' "$listed") | paste -sd, -)
is "$missing" "" "every :id route of leads.c is in the matrix"
ghosts=$(comm -13 <(printf '%s\n' "$served") <(printf '%s\n' "$listed") | paste -sd, -)
is "$ghosts" "" "every route of the matrix is served"
# A route row wrapped over two lines escapes the first grep: every quoted
# ":id" pattern in those files must still be in the matrix.
patterns=$(cd "$top_srcdir" && grep -ho '"/api/leads/[^"]*:id[^"]*"' cgi-bin/leads*.c | tr -d '"' | sort -u)
unlisted=$(comm -23 <(printf '%s\n' "$patterns") <(printf '%s\n' "$listed" | cut -d' ' -f2 | sort -u) | paste -sd, -)
is "$unlisted" "" "every :id pattern in the sources is in the matrix"

# --- actors ------------------------------------------------------------------
P1=mx-partner-one
P2=mx-partner-two
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$P1', 'Matrix One'), ('$P2', 'Matrix Two')" >/dev/null
# name role partner(- = none)
ACTORS=(
	"PARTNER PARTNER $P1"
	"PARTNER_MANAGER PARTNER_MANAGER $P1"
	"PARTNER_EMPLOYEE PARTNER_EMPLOYEE $P1"
	"OPERATOR OPERATOR $P1"
	"OPERATOR_NO_PARTNER OPERATOR -"
	"SUPERVISOR SUPERVISOR -"
	"ADMIN ADMIN -"
	"AUDITOR AUDITOR -"
	"NONE - -"
)
# Another staff member owns and created the leads that are not the actor's.
XID=cmxsomeoneelse00000000001
mk_user $XID someone@matrix.test OPERATOR $P2

KINDS=(own_partner other_partner assigned unassigned created)
declare -A UID_OF TOKEN_OF ROLE_OF PART_OF LP LA LC LEAD
i=0
for a in "${ACTORS[@]}"; do
	read -r name role partner <<<"$a"
	i=$((i + 1))
	uid=""
	email=$(tr 'A-Z_' 'a-z-' <<<"$name")@matrix.test
	if [[ $role != - ]]; then
		uid=$(printf 'cmxuser%02d%016d' "$i" 0)
		mk_user "$uid" "$email" "$role" "$partner"
		TOKEN_OF[$name]=$(login "$email")
		[[ -n ${TOKEN_OF[$name]} ]] && rc=0 || rc=1
		ok $rc "$name logs in"
	else
		TOKEN_OF[$name]=""
	fi
	UID_OF[$name]=$uid
	ROLE_OF[$name]=$role
	PART_OF[$name]=${partner#-}
	# Partner, assignee and creator of each kind of lead, seen from this actor.
	LP[$name,own_partner]=$P1 LA[$name,own_partner]=$XID LC[$name,own_partner]=$XID
	LP[$name,other_partner]=$P2 LA[$name,other_partner]=$XID LC[$name,other_partner]=$XID
	LP[$name,assigned]=$P2 LA[$name,assigned]=${uid:-$XID} LC[$name,assigned]=$XID
	LP[$name,unassigned]=$P1 LA[$name,unassigned]="" LC[$name,unassigned]=""
	LP[$name,created]=$P1 LA[$name,created]=$XID LC[$name,created]=${uid:-$XID}
	sql=""
	k_i=0
	for k in "${KINDS[@]}" target; do
		id=$(printf 'cmxlead%02dk%d%016d' "$i" "$k_i" 0)
		k_i=$((k_i + 1))
		if [[ $k == target ]]; then
			sql+="INSERT INTO \"Lead\" (id, \"partnerId\") VALUES ('$id', '$P1');"
		else
			sql+="INSERT INTO \"Lead\" (id, \"partnerId\", \"assignedUserId\", \"createdByUserId\")
				VALUES ('$id', '${LP[$name,$k]}', $(sqlv "${LA[$name,$k]}"), $(sqlv "${LC[$name,$k]}"));"
		fi
		sql+="INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email) VALUES ('p$id', '$id', 'Maria', 'Matrix', '$id@matrix.test');"
		LEAD[$name,$k]=$id
	done
	psql_q "$sql" >/dev/null
done

# --- the expectation ---------------------------------------------------------
# expect ACTOR ROUTE_ROLES KIND: 401, 403 or "allow".
expect() {
	local name=$1 roles=$2 k=$3
	local role=${ROLE_OF[$name]} uid=${UID_OF[$name]} up=${PART_OF[$name]}
	local lp=${LP[$name,$k]} la=${LA[$name,$k]} lc=${LC[$name,$k]}
	[[ $role == - ]] && { echo 401; return; }
	[[ " $roles " == *" $role "* ]] || { echo 403; return; }
	case $role in
	ADMIN | SUPERVISOR) echo allow ;;
	PARTNER | PARTNER_MANAGER) [[ -n $up && $lp == "$up" ]] && echo allow || echo 403 ;;
	PARTNER_EMPLOYEE) [[ -n $up && $lp == "$up" && $lc == "$uid" ]] && echo allow || echo 403 ;;
	OPERATOR) [[ $la == "$uid" || (-n $up && $lp == "$up") ]] && echo allow || echo 403 ;;
	*) echo 403 ;;
	esac
}
# Everything a lead-scoped request could write, anywhere.
db_fp() {
	psql_q "SELECT md5(concat_ws('|',
		(SELECT string_agg(row_to_json(l)::text, ',' ORDER BY id) FROM \"Lead\" l),
		(SELECT string_agg(row_to_json(c)::text, ',' ORDER BY id) FROM \"CustomerProfile\" c),
		(SELECT string_agg(row_to_json(f)::text, ',' ORDER BY id) FROM \"FinancingApplication\" f),
		(SELECT count(*) FROM \"VehicleCurrent\"), (SELECT count(*) FROM \"VehicleDesired\"),
		(SELECT count(*) FROM \"LeadNote\"), (SELECT count(*) FROM \"AuditLog\"),
		(SELECT count(*) FROM \"LeadStatusHistory\"), (SELECT count(*) FROM \"MessageDraft\"),
		(SELECT count(*) FROM \"Outbox\")))"
}
# call ACTOR ROUTE KIND: runs one cell of the matrix.
call() {
	local m p b roles st
	IFS='|' read -r m p b roles st <<<"$2"
	p=${p//:id/${LEAD[$1,$3]}}
	b=${b//@TARGET@/${LEAD[$1,target]}}
	cgi_run "$m" "$p" "$b" "${TOKEN_OF[$1]}"
}

# --- self-check: lead_access runs on every route -----------------------------
# An operator on another partner's lead it is not assigned to: the role passes
# the dispatcher wherever it may call the route, so only lead_access can say no.
for r in "${ROUTES[@]}"; do
	IFS='|' read -r m p _ roles _ <<<"$r"
	before=$(db_fp)
	call OPERATOR "$r" other_partner
	if [[ " $roles " == *" OPERATOR "* ]]; then
		is "$STATUS:$(jq_body .message)" "403:Access denied" "self-check: lead_access guards $m $p"
	else
		is "$STATUS:$(jq_body .message)" "403:Forbidden" "self-check: the role table guards $m $p"
	fi
	is "$(db_fp)" "$before" "self-check: nothing changed ($m $p)"
done

# --- the list export (issue 14): GET /api/leads/export -----------------------------
# Not lead-scoped, so not in ROUTES: each actor's file holds exactly the leads
# its list shows, and of its own five kinds exactly those expect() allows.
for a in "${ACTORS[@]}"; do
	read -r name role _ <<<"$a"
	cgi_run GET "/api/leads/export?columns=status" "" "${TOKEN_OF[$name]}"
	if [[ $role == - ]]; then
		is "$STATUS" 401 "$name GET /api/leads/export: 401"
		continue
	elif [[ $role == AUDITOR ]]; then
		is "$STATUS:$(jq_body .message)" "403:Forbidden" "$name GET /api/leads/export: 403"
		continue
	fi
	file=$(printf '%s' "$BODY" | tr -d '\r' | sed 1d | cut -d';' -f1 | tr -d '"' | sort | paste -sd, -)
	cgi_run GET "/api/leads?perPage=100" "" "${TOKEN_OF[$name]}"
	is "$file" "$(jq_body '[.data[].id] | sort | join(",")')" "$name GET /api/leads/export: the list's leads"
	want="" got=""
	for k in "${KINDS[@]}"; do
		[[ $(expect "$name" "$LEAD_ROLES" "$k") == allow ]] && want+="$k,"
		[[ ,$file, == *,${LEAD[$name,$k]},* ]] && got+="$k,"
	done
	is "$got" "$want" "$name GET /api/leads/export: its own kinds of lead as the access rule says"
done

# --- the matrix --------------------------------------------------------------
n_allow=0
n_deny=0
# The fingerprint before a denied request is the one after the previous
# denied request, unless an allowed request ran in between.
fp=""
for a in "${ACTORS[@]}"; do
	read -r name _ _ <<<"$a"
	for r in "${ROUTES[@]}"; do
		IFS='|' read -r m p _ roles st <<<"$r"
		for k in "${KINDS[@]}"; do
			want=$(expect "$name" "$roles" "$k")
			if [[ $want == allow ]]; then
				call "$name" "$r" "$k"
				fp=""
				n_allow=$((n_allow + 1))
				is "$STATUS" "$st" "$name $m $p on $k: allowed, $st ($(jq_body '.message // empty' 2>/dev/null))"
			else
				[[ -n $fp ]] || fp=$(db_fp)
				before=$fp
				call "$name" "$r" "$k"
				n_deny=$((n_deny + 1))
				fp=$(db_fp)
				[[ $STATUS == "$want" && $fp == "$before" ]] && rc=0 || rc=1
				ok $rc "$name $m $p on $k: denied with $want and nothing changed (got $STATUS)"
			fi
		done
	done
done
# --- the SLA report (issue 13; cgi-bin/analytics, not lead-scoped by :id) -----------
# Roles as the analytics routes: staff and the partner roles; the auditor 403,
# no token 401; another partner's report 403 for the partner-scoped.
declare -A SLA_WANT=([PARTNER]=200 [PARTNER_MANAGER]=200 [PARTNER_EMPLOYEE]=200 [OPERATOR]=200
	[OPERATOR_NO_PARTNER]=200 [SUPERVISOR]=200 [ADMIN]=200 [AUDITOR]=403 [NONE]=401)
for a in "${ACTORS[@]}"; do
	read -r name _ _ <<<"$a"
	CGI_PROG=analytics cgi_run GET /api/analytics/sla "" "${TOKEN_OF[$name]-}"
	is "$STATUS" "${SLA_WANT[$name]}" "$name GET /api/analytics/sla: ${SLA_WANT[$name]}"
	if [[ ${SLA_WANT[$name]} == 200 ]]; then
		CGI_PROG=analytics cgi_run GET "/api/analytics/sla?partnerId=$P2" "" "${TOKEN_OF[$name]-}"
		case $name in PARTNER* | OPERATOR) want=403 ;; *) want=200 ;; esac
		is "$STATUS" "$want" "$name GET /api/analytics/sla of another partner: $want"
	fi
done
# --- partner-scoped routes of cgi-bin/partners: webhook subscriptions (issue 14) ---
# Allowed: ADMIN on any partner, PARTNER_MANAGER on its own; no token 401;
# everyone else 403, with nothing changed.  A subscription of each partner.
HOOK_ROUTES=(
	"GET|/api/partners/:p/webhooks||200"
	"POST|/api/partners/:p/webhooks|{\"url\":\"https://mx.example/h\",\"events\":[\"lead.created\"]}|201"
	"PATCH|/api/partners/:p/webhooks/:w|{\"active\":true}|200"
	"POST|/api/partners/:p/webhooks/:w/test||201"
	"GET|/api/partners/:p/webhooks/:w/deliveries||200"
	"DELETE|/api/partners/:p/webhooks/:w||204"
)
served=$(cd "$top_srcdir" && tr -d '\n\t' <cgi-bin/partners.c | grep -o 'HTTP_[A-Z]*, "/api/partners/:id/webhooks[^"]*"' |
	sed -E 's/^HTTP_([A-Z]+), "([^"]*)"$/\1 \2/; s/:id/:p/; s/:hookId/:w/' | sort -u)
listed=$(for r in "${HOOK_ROUTES[@]}"; do IFS='|' read -r m p _ <<<"$r"; printf '%s %s\n' "$m" "$p"; done | sort -u)
is "$listed" "$served" "the webhook routes of partners.c are exactly those of the matrix"
hook_rows() {
	psql_q "INSERT INTO \"PartnerWebhook\" (id, \"partnerId\", url, events, secret) VALUES
		('cmxhook1000000000000000001', '$P1', 'https://mx.example/1', '{lead.created}', 'whsec_mx'),
		('cmxhook2000000000000000001', '$P2', 'https://mx.example/2', '{lead.created}', 'whsec_mx')
		ON CONFLICT (id) DO NOTHING" >/dev/null
}
hook_fp() {
	psql_q "SELECT md5(coalesce((SELECT string_agg(row_to_json(w)::text, ',' ORDER BY id) FROM \"PartnerWebhook\" w), '')
		|| (SELECT count(*) FROM \"Outbox\" WHERE \"webhookId\" IS NOT NULL))"
}
hook_rows
declare -A HOOK_OF=([$P1]=cmxhook1000000000000000001 [$P2]=cmxhook2000000000000000001)
n_hook=0
for a in "${ACTORS[@]}"; do
	read -r name role partner <<<"$a"
	for target in "$P1" "$P2"; do
		if [[ $role == - ]]; then
			want=401
		elif [[ $role == ADMIN || ($role == PARTNER_MANAGER && $partner == "$target") ]]; then
			want=allow
		else
			want=403
		fi
		for r in "${HOOK_ROUTES[@]}"; do
			IFS='|' read -r m p b st <<<"$r"
			p=${p//:p/$target}
			p=${p//:w/${HOOK_OF[$target]}}
			n_hook=$((n_hook + 1))
			if [[ $want == allow ]]; then
				CGI_PROG=partners cgi_run "$m" "$p" "$b" "${TOKEN_OF[$name]}"
				is "$STATUS" "$st" "$name $m $p: allowed, $st"
				[[ $m == DELETE ]] && hook_rows
			else
				before=$(hook_fp)
				CGI_PROG=partners cgi_run "$m" "$p" "$b" "${TOKEN_OF[$name]}"
				[[ $STATUS == "$want" && $(hook_fp) == "$before" ]] && rc=0 || rc=1
				ok $rc "$name $m $p: denied with $want and nothing changed (got $STATUS)"
			fi
		done
	done
done
ok "$( ((n_hook == ${#ACTORS[@]} * 2 * ${#HOOK_ROUTES[@]})) && echo 0 || echo 1)" "the webhook matrix ran $n_hook cells"

# A matrix that allows or denies everything tests nothing.
((n_allow >= 100 && n_deny >= 300)) && rc=0 || rc=1
ok $rc "the matrix exercised $n_allow allowed and $n_deny denied requests"


# --- cgi-bin/webleads: the web-to-lead form (issue 14) ------------------------
# The settings: the partner's own PARTNER_MANAGER and ADMIN; every other role
# 403 (a manager of another partner too), no token 401, a denial changes
# nothing.  The public routes answer the same whoever calls (a token is
# ignored): an unknown form key is 404 for everyone.
WF_ROUTES=(
	"GET|/api/partners/:id/web-form|"
	"PUT|/api/partners/:id/web-form|{\"enabled\":false,\"allowedOrigins\":[],\"templateIds\":[]}"
)
WF_PUBLIC=("GET|/api/web-leads/:key/form" "POST|/api/web-leads/:key" "POST|/api/web-leads/confirm")
wf_served=$(cd "$top_srcdir" && grep -ho 'HTTP_[A-Z]*, *"/api/[^"]*"' cgi-bin/webleads.c |
	sed -E 's/^HTTP_([A-Z]+), *"([^"]*)"$/\1 \2/' | sort -u)
wf_listed=$(for r in "${WF_ROUTES[@]}" "${WF_PUBLIC[@]}"; do IFS='|' read -r m p _ <<<"$r"; printf '%s %s\n' "$m" "$p"; done | sort -u)
is "$wf_served" "$wf_listed" "every route of webleads.c is in the matrix"
wf_fp() { psql_q "SELECT count(*) || ':' || coalesce(md5(string_agg(w::text, ',' ORDER BY w.\"partnerId\")), '') FROM \"PartnerWebForm\" w"; }
for a in "${ACTORS[@]}"; do
	read -r name role partner <<<"$a"
	# A fresh login: the matrix above may outlast the session idle time on a slow machine.
	tok=""
	[[ $role != - ]] && tok=$(login "$(tr 'A-Z_' 'a-z-' <<<"$name")@matrix.test")
	for r in "${WF_ROUTES[@]}"; do
		IFS='|' read -r m p body <<<"$r"
		for pid in $P1 $P2; do
			if [[ $role == - ]]; then
				want=401
			elif [[ $role == ADMIN || ($role == PARTNER_MANAGER && $partner == "$pid") ]]; then
				want=200
			else
				want=403
			fi
			before=$(wf_fp)
			CGI_PROG=webleads cgi_run "$m" "${p/:id/$pid}" "$body" "$tok"
			if [[ $want == 200 ]]; then
				is "$STATUS" 200 "$name $m $p of $pid: allowed"
			else
				[[ $STATUS == "$want" && $(wf_fp) == "$before" ]] && rc=0 || rc=1
				ok $rc "$name $m $p of $pid: denied with $want and nothing changed (got $STATUS)"
			fi
		done
	done
	CGI_PROG=webleads cgi_run GET /api/web-leads/00000000000000000000000000000000000000000000ffff/form "" "$tok"
	is "$STATUS" 404 "$name GET /api/web-leads/:key/form: public, an unknown key is 404"
done

t_done
