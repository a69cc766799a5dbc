#!/usr/bin/env bash
# Per-binary tests of cgi-bin/analytics (spec/api.md §4.13, §7.11, FR-74,
# FR-75, FR-42), run as plain CGI against a private PostgreSQL.
#
# Every expected number below is counted by hand from the fixed data set
# (the table of leads under "Data").  The clock is fixed with IZZY_TEST_NOW so
# the ranges stand on the spring DST change (Sunday 2026-03-29 in Warsaw, a
# 23-hour day), the autumn one (Sunday 2026-10-25, 25 hours) and New Year.
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-analytics
CGI_LOG=$T_VAR/log/analytics-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"

epoch() { date -u -d "$1" +%s; }
T1=$(epoch 2026-04-02T10:00:00Z) # Thursday noon in Warsaw (CEST, +2)
A() { CGI_PROG=analytics CGI_ENV="IZZY_TEST_NOW=${NOW:-$T1} APP_TIMEZONE=${TZONE:-Europe/Warsaw} ${XENV-}" cgi_run GET "$1" "" "${2-}"; }

PA=cpartnera0000000000000001
PB=cpartnerb0000000000000001
PE=cpartnere0000000000000001
PN=cpartnern0000000000000001
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('$PA', 'Alfa Auto'), ('$PB', 'Beta Cars'),
	('$PE', 'Empty Partner'), ('$PN', 'Nowy Rok')" >/dev/null
mk_user cop2000000000000000000001 op2@example.com OPERATOR -
mk_user cmgr000000000000000000001 mgr@example.com PARTNER_MANAGER "$PA"
mk_user cemp000000000000000000001 emp@example.com PARTNER_EMPLOYEE "$PA"
mk_user cemp000000000000000000002 empb@example.com PARTNER_EMPLOYEE "$PB"
mk_user corphan000000000000000001 orphan@example.com PARTNER -
mk_user caud000000000000000000001 aud@example.com AUDITOR -
OPSEED=$(psql_q "SELECT id FROM \"User\" WHERE email = 'operator@example.com'")
ADMIN=$(login admin@example.com)
OP=$(login operator@example.com 'Operator123!')
OP2=$(login op2@example.com)
MGR=$(login mgr@example.com)
EMP=$(login emp@example.com)
EMPB=$(login empb@example.com)
ORPHAN=$(login orphan@example.com)
AUD=$(login aud@example.com)
[[ -n $ADMIN && -n $OP && -n $OP2 && -n $MGR && -n $EMP && -n $EMPB && -n $ORPHAN && -n $AUD && -n $OPSEED ]] ||
	t_bail "test users do not log in"

# --- Data ----------------------------------------------------------------------
# Consent templates valid at every clock used here: one required and one
# optional lead_creation template, one required financing_application one.
#
# lead partner assigned creator status        created (UTC)             Warsaw day  notes
# L1   A       OP2      -       NEW           2026-03-26T22:59:59Z      03-26       1 s before the 7-day range; form C
# L2   A       OP2      -       CLOSED_WON    2026-03-26T23:00:00Z      03-27       won 03-28T11:00 (1.5 d); facebook; REQ+OPT
# L3   A       -        -       FIRST_CONTACT 2026-03-28T23:30:00Z      03-29 (CET) facebook; REQ only
# L4   B       OP2      -       CLOSED_WON    2026-03-29T21:59:00Z      03-29 (CEST) won 04-01T09:59 (2.5 d); REQ+OPT; form A
# L5   B       -        -       NEW           2026-03-29T22:00:00Z      03-30       form B
# L6   seed    OPSEED   -       CLOSED_LOST   2026-04-02T21:59:59.999Z  04-02       last ms of the range
# L7   A       -        EMP     NEW           2026-04-01T10:00:00Z      04-01
# L8   A       OP2      -       CLOSED_LOST   2023-01-10 (upd 2024-06-01)           retention due; REQ withdrawn, OPT; form D
# L9   B       -        -       CANCELLED     2023-06-01 (upd 2023-06-01)           retention 2026-06-01: not within 30 d
# L10  B       -        -       CLOSED_LOST   2023-01-01 (upd 2025-12-01)           active a year ago: not due
# L11  A       OP2      -       CLOSED_WON    2025-01-01                            won 2025-02-01 (before the range); otomoto; REQ+OPT
# L12  B       -        -       CLOSED_LOST   2022-05-05, anonymised 2024-01-01     not due: already anonymised
psql_q "
DELETE FROM \"ConsentTemplate\";
INSERT INTO \"ConsentTemplate\" (id, \"consentType\", \"formType\", title, content, version, \"isRequired\", \"validFrom\") VALUES
	('ctreq0000000000000000001', 'PARTNER_DECLARATION', 'lead_creation', 'Req', 'x', 1, true, '2020-01-01'),
	('ctopt0000000000000000001', 'MARKETING', 'lead_creation', 'Opt', 'x', 1, false, '2020-01-01'),
	('ctfin0000000000000000001', 'FINANCIAL_PARTNERS', 'financing_application', 'Fin', 'x', 1, true, '2020-01-01');
INSERT INTO \"Lead\" (id, \"partnerId\", \"assignedUserId\", \"createdByUserId\", status, \"leadCreatedAt\", \"updatedAt\", \"sourceMetadata\", \"anonymizedAt\") VALUES
	('clead0000000000000000001', '$PA', 'cop2000000000000000000001', NULL, 'NEW', '2026-03-26T22:59:59Z', '2026-03-26T22:59:59Z', NULL, NULL),
	('clead0000000000000000002', '$PA', 'cop2000000000000000000001', NULL, 'CLOSED_WON', '2026-03-26T23:00:00Z', '2026-03-30T00:00:00Z', '{\"source\":\"facebook\"}', NULL),
	('clead0000000000000000003', '$PA', NULL, NULL, 'FIRST_CONTACT', '2026-03-28T23:30:00Z', '2026-03-28T23:30:00Z', '{\"source\":\"facebook\"}', NULL),
	('clead0000000000000000004', '$PB', 'cop2000000000000000000001', NULL, 'CLOSED_WON', '2026-03-29T21:59:00Z', '2026-04-01T09:59:00Z', NULL, NULL),
	('clead0000000000000000005', '$PB', NULL, NULL, 'NEW', '2026-03-29T22:00:00Z', '2026-03-29T22:00:00Z', NULL, NULL),
	('clead0000000000000000006', 'seed-partner', '$OPSEED', NULL, 'CLOSED_LOST', '2026-04-02T21:59:59.999Z', '2026-04-02T21:59:59.999Z', NULL, NULL),
	('clead0000000000000000007', '$PA', NULL, 'cemp000000000000000000001', 'NEW', '2026-04-01T10:00:00Z', '2026-04-01T10:00:00Z', NULL, NULL),
	('clead0000000000000000008', '$PA', 'cop2000000000000000000001', NULL, 'CLOSED_LOST', '2023-01-10T10:00:00Z', '2024-06-01T00:00:00Z', NULL, NULL),
	('clead0000000000000000009', '$PB', NULL, NULL, 'CANCELLED', '2023-06-01T00:00:00Z', '2023-06-01T00:00:00Z', NULL, NULL),
	('clead0000000000000000010', '$PB', NULL, NULL, 'CLOSED_LOST', '2023-01-01T00:00:00Z', '2025-12-01T00:00:00Z', NULL, NULL),
	('clead0000000000000000011', '$PA', 'cop2000000000000000000001', NULL, 'CLOSED_WON', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', '{\"source\":\"otomoto\"}', NULL),
	('clead0000000000000000012', '$PB', NULL, NULL, 'CLOSED_LOST', '2022-05-05T00:00:00Z', '2022-05-05T00:00:00Z', NULL, '2024-01-01T00:00:00Z');
INSERT INTO \"LeadStatusHistory\" (id, \"leadId\", \"oldStatus\", \"newStatus\", \"timestamp\") VALUES
	('chist0000000000000000001', 'clead0000000000000000002', 'NEW', 'CLOSED_WON', '2026-03-28T11:00:00Z'),
	('chist0000000000000000002', 'clead0000000000000000002', 'CLOSED_WON', 'NEGOTIATIONS', '2026-03-29T11:00:00Z'),
	('chist0000000000000000003', 'clead0000000000000000002', 'NEGOTIATIONS', 'CLOSED_WON', '2026-03-30T00:00:00Z'),
	('chist0000000000000000004', 'clead0000000000000000004', 'NEGOTIATIONS', 'CLOSED_WON', '2026-04-01T09:59:00Z'),
	('chist0000000000000000005', 'clead0000000000000000011', 'NEW', 'CLOSED_WON', '2025-02-01T00:00:00Z'),
	('chist0000000000000000006', 'clead0000000000000000006', 'NEW', 'CLOSED_WON', '2026-04-01T00:00:00Z');
INSERT INTO \"ConsentRecord\" (id, \"consentTemplateId\", \"consentType\", \"leadId\", \"consentGiven\", version, \"consentText\", \"withdrawnAt\") VALUES
	('crec00000000000000000021', 'ctreq0000000000000000001', 'PARTNER_DECLARATION', 'clead0000000000000000002', true, 1, 'x', NULL),
	('crec00000000000000000022', 'ctopt0000000000000000001', 'MARKETING', 'clead0000000000000000002', true, 1, 'x', NULL),
	('crec00000000000000000031', 'ctreq0000000000000000001', 'PARTNER_DECLARATION', 'clead0000000000000000003', true, 1, 'x', NULL),
	('crec00000000000000000041', 'ctreq0000000000000000001', 'PARTNER_DECLARATION', 'clead0000000000000000004', true, 1, 'x', NULL),
	('crec00000000000000000042', 'ctopt0000000000000000001', 'MARKETING', 'clead0000000000000000004', true, 1, 'x', NULL),
	('crec00000000000000000081', 'ctreq0000000000000000001', 'PARTNER_DECLARATION', 'clead0000000000000000008', true, 1, 'x', '2025-01-01'),
	('crec00000000000000000082', 'ctopt0000000000000000001', 'MARKETING', 'clead0000000000000000008', true, 1, 'x', NULL),
	('crec00000000000000000083', 'ctopt0000000000000000001', 'MARKETING', 'clead0000000000000000008', false, 1, 'x', NULL),
	('crec00000000000000000111', 'ctreq0000000000000000001', 'PARTNER_DECLARATION', 'clead0000000000000000011', true, 1, 'x', NULL),
	('crec00000000000000000112', 'ctopt0000000000000000001', 'MARKETING', 'clead0000000000000000011', true, 1, 'x', NULL);
INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email) VALUES
	('ccust0000000000000000004', 'clead0000000000000000004', 'Jan', 'Kowalski', 'jan@example.com');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", status, \"uniqueLink\", \"accessCodeHash\", \"completionPercent\", \"lastAutoSave\", \"updatedAt\", \"unlockHistory\") VALUES
	('cforma000000000000000001', 'clead0000000000000000004', 'IN_PROGRESS', 'link-a', 'h', 33, '2026-03-31T09:00:00Z', '2026-04-02T09:30:00Z',
	 '[{\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"2026-04-01T10:00:00.000Z\",\"success\":false},
	   {\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"2026-04-01T10:01:00.000Z\",\"success\":true},
	   {\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"2026-03-20T10:00:00.000Z\",\"success\":false},
	   {\"type\":\"UNLOCK\",\"timestamp\":\"2026-04-01T11:00:00.000Z\",\"success\":false}]'),
	('cformb000000000000000001', 'clead0000000000000000005', 'IN_PROGRESS', 'link-b', 'h', 50, NULL, '2026-04-01T09:00:00Z', '{\"not\":\"an array\"}'),
	('cformc000000000000000001', 'clead0000000000000000001', 'IN_PROGRESS', 'link-c', 'h', 80, '2026-04-02T08:00:00Z', '2026-03-01T00:00:00Z', NULL),
	('cformd000000000000000001', 'clead0000000000000000008', 'SUBMITTED', 'link-d', 'h', 100, NULL, '2025-01-01T00:00:00Z',
	 '[{\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"2026-03-30T00:00:00.000Z\",\"success\":false},
	   {\"type\":\"CLIENT_ATTEMPT\",\"timestamp\":\"garbage\",\"success\":false}]');
" >/dev/null || t_bail "could not load the data set"

FUNNEL='NEW,FIRST_CONTACT,FOLLOW_UP,VERIFICATION,UNQUALIFIED,GATHERING_DOCUMENTS,CREDIT_ANALYSIS,OFFER_PRESENTED,NEGOTIATIONS,TERMS_ACCEPTED,CONTRACT_IN_PREPARATION,CONTRACT_SIGNING,CLOSED_WON,CLOSED_LOST,CLOSED_NO_FINANCING,CANCELLED'
vol() { jq_body '[.leadVolume[]|"\(.date)=\(.count)"]|join(" ")'; }
funnel() { jq_body '[.funnel[]|select(.count>0)|"\(.status)=\(.count)"]|join(" ")'; }
conv() { jq_body '[.conversionByPartner[]|"\(.partnerName)=\(.convertedLeads)/\(.totalLeads)"]|join(" ")'; }
sumry() { jq_body '.summary|"\(.totalLeads) \(.leadsInRange) \(.signedLeadsInRange) \(.averageTimeToCloseDays)"'; }

# --- dashboard: admin, 7 days across the spring DST change -----------------------
A "/api/analytics/dashboard?rangeDays=7" "$ADMIN"
is "$STATUS" 200 "admin reads the dashboard"
is "$(jq_body 'keys|join(",")')" "compliance,conversionByPartner,funnel,leadVolume,range,summary" "the §4.13.1 keys plus compliance"
is "$(jq_body '.range|"\(.start) \(.end) \(.days)"')" "2026-03-26T23:00:00.000Z 2026-04-02T21:59:59.999Z 7" \
	"range: Warsaw midnight 7 days back (CET) to the last ms of today (CEST)"
is "$(vol)" "2026-03-27=1 2026-03-28=0 2026-03-29=2 2026-03-30=1 2026-03-31=0 2026-04-01=1 2026-04-02=1" \
	"lead volume per Warsaw day, zero-filled; the 23-hour 29 March holds 00:30 CET and 23:59 CEST"
is "$(sumry)" "12 6 2 2" "summary: 12 leads, 6 since the range start (L1 is 1 s early), 2 won, closing took 1.5 and 2.5 days"
is "$(jq_body '.summary.overallConversionRate == 2/6')" true "conversion rate 2/6, a fraction"
is "$(conv)" "Alfa Auto=1/3 Beta Cars=1/2 Seed Partner=0/1" "conversion by partner, most leads first"
is "$(jq_body '[.conversionByPartner[].conversionRate] == [1/3, 1/2, 0]')" true "partner conversion rates as fractions"
is "$(jq_body '.conversionByPartner[0].partnerId')" "$PA" "partner ids are given"
is "$(jq_body '[.funnel[].status]|join(",")')" "$FUNNEL" "the funnel has the 16 statuses of §7.11 in order"
is "$(funnel)" "NEW=3 FIRST_CONTACT=1 CLOSED_WON=3 CLOSED_LOST=4 CANCELLED=1" "funnel counts every lead by current status"
is "$(jq_body '.compliance|"\(.totalLeads) \(.completeLeads) \(.missingRequiredOver7Days) \(.retentionDueWithin30Days)"')" \
	"12 2 4 1" "compliance: 2 complete (L2, L11), 4 old leads missing a required consent, 1 due for retention (L8)"
is "$(jq_body '.compliance.completeRate == 2/12')" true "share of complete leads"
is "$(jq_body '[.compliance.bySource[]|"\(.source)=\(.completeLeads)/\(.totalLeads)"]|join(" ")')" \
	"null=0/9 facebook=1/2 otomoto=1/1" "complete consents by source"
is "$(jq_body '[.compliance.byConsentType[]|"\(.consentType)=\(.leads)"]|join(" ")')" \
	"PARTNER_DECLARATION=4 MARKETING=4 FINANCIAL_PARTNERS=0 VEHICLE_PARTNERS=0 PHONE_CONTACT=0" \
	"given consents by type (a withdrawn one does not count, a refused one neither)"
is "$(jq_body '.compliance.byConsentType[0].rate == 4/12')" true "consent-type share as a fraction"

# --- range parameter --------------------------------------------------------------
A "/api/analytics/dashboard" "$ADMIN"
is "$STATUS:$(jq_body '.range.days'):$(jq_body '.leadVolume|length'):$(jq_body '.range.start')" \
	"200:30:30:2026-03-03T23:00:00.000Z" "no rangeDays: 30 days"
A "/api/analytics/dashboard?rangeDays=" "$ADMIN"
is "$STATUS:$(jq_body '.range.days')" "200:30" "empty rangeDays: 30 days (§4.13.1)"
A "/api/analytics/dashboard?rangeDays=365" "$ADMIN"
is "$STATUS:$(jq_body '.range.days'):$(jq_body '.leadVolume|length'):$(jq_body '.leadVolume[0].date')" \
	"200:365:365:2025-04-03" "365 days, the largest range"
is "$(jq_body '.summary.leadsInRange')" 7 "365 days hold the 2026 leads (L11, January 2025, is older)"
A "/api/analytics/dashboard?rangeDays=1" "$ADMIN"
is "$STATUS:$(vol):$(jq_body .range.start)" "200:2026-04-02=1:2026-04-01T22:00:00.000Z" "1 day: today only"
for bad in 0 366 abc -1 2.5 1e400; do
	A "/api/analytics/dashboard?rangeDays=$bad" "$ADMIN"
	is "$STATUS:$(jq_body .message):$(jq_body '.issues[0].path|join(".")')" "400:Validation failed:rangeDays" \
		"rangeDays=$bad is 400 with an issue on rangeDays"
done
A "/api/analytics/dashboard?rangeDays=0" "$ADMIN"
is "$(jq_body '.issues[0].code')" too_small "0 is too small"
A "/api/analytics/dashboard?rangeDays=366" "$ADMIN"
is "$(jq_body '.issues[0].code')" too_big "366 is too big"
A "/api/analytics/dashboard?rangeDays=abc" "$ADMIN"
is "$(jq_body '.issues[0].code')" invalid_type "abc is not a number"

# --- partner filter ---------------------------------------------------------------
A "/api/analytics/dashboard?rangeDays=7&partnerId=$PB" "$ADMIN"
is "$STATUS:$(sumry):$(conv)" "200:5 2 1 2.5:Beta Cars=1/2" "partner filter: only Beta Cars' leads"
A "/api/analytics/dashboard?rangeDays=7&partnerId=$PE" "$ADMIN"
is "$STATUS:$(sumry):$(conv):$(funnel)" "200:0 0 0 null::" "a partner without leads: zeros, no partners, an empty funnel"
is "$(vol)" "2026-03-27=0 2026-03-28=0 2026-03-29=0 2026-03-30=0 2026-03-31=0 2026-04-01=0 2026-04-02=0" \
	"and the volume is zero-filled"
is "$(jq_body '"\(.summary.overallConversionRate) \(.funnel|length) \(.compliance.totalLeads) \(.compliance.completeRate) \(.compliance.bySource|length)"')" \
	"0 16 0 0 0" "rates are 0, not NaN, when there are no leads"
A "/api/analytics/dashboard?partnerId=cnosuchpartner00000000001" "$ADMIN"
is "$STATUS:$(jq_body .message):$(jq_body '.issues[0].path|join(".")'):$(jq_body '.issues[0].message')" \
	"400:Validation failed:partnerId:Partner not found" "an unknown partner is 400 with an issue"
A "/api/analytics/dashboard?partnerId=" "$ADMIN"
is "$STATUS:$(jq_body '.issues[0].path|join(".")')" "400:partnerId" "an empty partnerId is 400"

# --- empty range ------------------------------------------------------------------
NOW=$(epoch 2026-06-15T10:00:00Z) A "/api/analytics/dashboard?rangeDays=7" "$ADMIN"
is "$STATUS:$(sumry):$(conv)" "200:12 0 0 null:" "a range with no leads: zero in range, no partners, no closing time"
is "$(jq_body '[.leadVolume[].count]|add'):$(jq_body '.leadVolume|length'):$(jq_body .summary.overallConversionRate)" "0:7:0" \
	"seven zero days and a 0 rate"

# --- scopes (the lead list's, izzy_lead_visible) ---------------------------------------
A "/api/analytics/dashboard?rangeDays=7" "$OP2"
is "$STATUS:$(sumry):$(conv):$(funnel)" "200:5 2 2 2:Alfa Auto=1/1 Beta Cars=1/1:NEW=1 CLOSED_WON=3 CLOSED_LOST=1" \
	"an operator without a partner sees the leads assigned to them"
is "$(vol)" "2026-03-27=1 2026-03-28=0 2026-03-29=1 2026-03-30=0 2026-03-31=0 2026-04-01=0 2026-04-02=0" \
	"and only their volume"
A "/api/analytics/dashboard?rangeDays=7&partnerId=$PB" "$OP2"
is "$STATUS:$(sumry)" "200:1 1 1 2.5" "an operator without a partner may filter by any partner, within their leads"
A "/api/analytics/dashboard?rangeDays=7" "$OP"
is "$STATUS:$(sumry):$(conv)" "200:1 1 0 null:Seed Partner=0/1" "an operator with a partner: their partner's and assigned leads"
A "/api/analytics/dashboard?rangeDays=7&partnerId=$PA" "$OP"
is "$STATUS:$BODY" '403:{"message":"Cannot view leads for other partners"}' "an operator with a partner may not ask for another"
A "/api/analytics/dashboard?rangeDays=7" "$MGR"
is "$STATUS:$(sumry):$(conv)" "200:6 3 1 1.5:Alfa Auto=1/3" "a partner manager sees their partner's leads"
is "$(jq_body '.compliance|"\(.totalLeads) \(.completeLeads) \(.retentionDueWithin30Days)"')" "6 2 1" "compliance in the same scope"
A "/api/analytics/dashboard?rangeDays=7" "$EMP"
is "$STATUS:$(sumry):$(vol)" \
	"200:1 1 0 null:2026-03-27=0 2026-03-28=0 2026-03-29=0 2026-03-30=0 2026-03-31=0 2026-04-01=1 2026-04-02=0" \
	"a partner employee sees the leads they created"
A "/api/analytics/dashboard?rangeDays=7" "$EMPB"
is "$STATUS:$(sumry):$(conv)" "200:0 0 0 null:" "a partner employee who created nothing sees nothing"
A "/api/analytics/dashboard?partnerId=$PB" "$MGR"
is "$STATUS:$BODY" '403:{"message":"Cannot view leads for other partners"}' "a partner user may not ask for another partner"
A "/api/analytics/dashboard" "$ORPHAN"
is "$STATUS:$BODY" '403:{"message":"Partner context is missing"}' "a partner user without a partner gets 403"
A "/api/analytics/dashboard" "$AUD"
is "$STATUS:$BODY" '403:{"message":"Forbidden"}' "an auditor gets 403"
A "/api/analytics/dashboard"
is "$STATUS:$BODY" '401:{"message":"Missing authorization header"}' "no token: 401"
A "/api/analytics/nothing" "$ADMIN"
is "$STATUS" 404 "unknown analytics path: 404"

# --- monitoring ---------------------------------------------------------------------
A /api/analytics/monitoring "$ADMIN"
is "$STATUS" 200 "admin reads monitoring"
is "$(jq_body '[.stuckForms[]|"\(.id):\(.lastActivityAt):\(.completionPercent):\(.customer.lastName // "-")"]|join(" ")')" \
	"cforma000000000000000001:2026-03-31T09:00:00.000Z:33:Kowalski cformb000000000000000001:2026-04-01T09:00:00.000Z:50:-" \
	"stuck forms by last autosave (else update), oldest first; a fresh heartbeat does not hide one"
is "$(jq_body '.stuckForms[0]|"\(.leadId) \(.updatedAt) \(.customer|tojson)"')" \
	'clead0000000000000000004 2026-04-02T09:30:00.000Z {"firstName":"Jan","lastName":"Kowalski","email":"jan@example.com"}' \
	"a stuck form names its lead and customer"
is "$(jq_body '.stuckForms[1].customer')" null "no customer profile: null"
is "$(jq_body '.failedPinAttempts|"\(.count) \(.rangeDays)"')" "2 7" \
	"failed PIN attempts of the last 7 days by their own timestamp (not older, not successes, not malformed)"
A /api/analytics/monitoring "$OP2"
is "$STATUS:$(jq_body '[.stuckForms[].id]|join(",")'):$(jq_body .failedPinAttempts.count)" "200:cforma000000000000000001:2" \
	"an operator sees the forms of their leads"
A /api/analytics/monitoring "$OP"
is "$STATUS:$(jq_body '.stuckForms|length'):$(jq_body .failedPinAttempts.count)" "200:0:0" "an operator without such forms: zeros"
A /api/analytics/monitoring "$MGR"
is "$STATUS:$(jq_body '.stuckForms|length'):$(jq_body .failedPinAttempts.count)" "200:0:1" "a partner manager: their partner's forms"
NOW=$(epoch 2026-04-10T10:00:00Z) A /api/analytics/monitoring "$ADMIN"
is "$(jq_body .failedPinAttempts.count)" 0 "a week later the attempts no longer count"
A /api/analytics/monitoring "$ORPHAN"
is "$STATUS" 403 "a partner user without a partner: 403"
A /api/analytics/monitoring "$AUD"
is "$STATUS" 403 "auditor: 403"
A /api/analytics/monitoring
is "$STATUS" 401 "no token: 401"

# --- New Year and the autumn DST change (partner N only) -------------------------------
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"leadCreatedAt\") VALUES
	('cleadn000000000000000001', '$PN', 'NEW', '2026-12-28T22:59:59.999Z'),
	('cleadn000000000000000002', '$PN', 'NEW', '2026-12-31T22:59:59Z'),
	('cleadn000000000000000003', '$PN', 'NEW', '2026-12-31T23:00:00Z'),
	('cleadn000000000000000004', '$PN', 'NEW', '2027-01-01T12:00:00Z'),
	('cleado000000000000000001', '$PN', 'NEW', '2026-10-24T22:30:00Z'),
	('cleado000000000000000002', '$PN', 'NEW', '2026-10-25T22:30:00Z'),
	('cleado000000000000000003', '$PN', 'NEW', '2026-10-25T23:30:00Z')" >/dev/null
NOW=$(epoch 2027-01-02T12:00:00Z) A "/api/analytics/dashboard?rangeDays=5&partnerId=$PN" "$ADMIN"
is "$STATUS:$(jq_body '.range|"\(.start) \(.end)"')" "200:2026-12-28T23:00:00.000Z 2027-01-02T22:59:59.999Z" "range across New Year"
is "$(vol)" "2026-12-29=0 2026-12-30=0 2026-12-31=1 2027-01-01=2 2027-01-02=0" \
	"New Year's Eve 23:59:59 and New Year 00:00 in Warsaw fall on their own days"
is "$(sumry)" "7 3 0 null" "leads in range start at the first local midnight"
NOW=$(epoch 2026-10-26T12:00:00Z) A "/api/analytics/dashboard?rangeDays=3&partnerId=$PN" "$ADMIN"
is "$(jq_body '.range|"\(.start) \(.end)"'):$(vol)" \
	"2026-10-23T22:00:00.000Z 2026-10-26T22:59:59.999Z:2026-10-24=0 2026-10-25=2 2026-10-26=1" \
	"the 25-hour 25 October holds 00:30 CEST and 23:30 CET"
NOW=$(epoch 2026-10-26T12:00:00Z) TZONE=UTC A "/api/analytics/dashboard?rangeDays=3&partnerId=$PN" "$ADMIN"
is "$(jq_body '.range.start'):$(vol)" "2026-10-24T00:00:00.000Z:2026-10-24=1 2026-10-25=2 2026-10-26=0" \
	"APP_TIMEZONE=UTC buckets by UTC day (the reference's result)"

# --- DATABASE_READ_URL --------------------------------------------------------------
# A second database, a copy of this one, with one more lead: the dashboard
# counts it only when DATABASE_READ_URL points there.
SUPER_URL=${DATABASE_URL/izzy@\/izzy\?/postgres@\/postgres?}
READ_URL=${DATABASE_URL/izzy@\/izzy\?/izzy@\/izzy_read?}
psql -X -q -v ON_ERROR_STOP=1 "$SUPER_URL" -c 'DROP DATABASE IF EXISTS izzy_read' \
	-c 'CREATE DATABASE izzy_read TEMPLATE izzy OWNER izzy' >/dev/null 2>&1 || t_bail "could not copy the database"
psql -X -q -v ON_ERROR_STOP=1 "$READ_URL" -c "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"leadCreatedAt\")
	VALUES ('cleadr000000000000000001', '$PE', 'NEW', '2026-04-01T00:00:00Z')" >/dev/null || t_bail "could not write the copy"
A "/api/analytics/dashboard?rangeDays=7&partnerId=$PE" "$ADMIN"
is "$STATUS:$(jq_body .summary.totalLeads)" "200:0" "without DATABASE_READ_URL: the main database"
XENV="DATABASE_READ_URL=$READ_URL" A "/api/analytics/dashboard?rangeDays=7&partnerId=$PE" "$ADMIN"
is "$STATUS:$(jq_body .summary.totalLeads):$(jq_body '.conversionByPartner[0].partnerName')" "200:1:Empty Partner" \
	"with DATABASE_READ_URL: the dashboard reads the second database"
like "$(tail -n 5 "$CGI_LOG")" "read-only queries go to DATABASE_READ_URL" "the program says where it reads"
psql_q "UPDATE \"ApplicationForm\" SET \"lastAutoSave\" = '2026-04-02T09:00:00Z' WHERE id = 'cforma000000000000000001'" >/dev/null
XENV="DATABASE_READ_URL=$READ_URL" A /api/analytics/monitoring "$ADMIN"
is "$STATUS:$(jq_body '.stuckForms|length')" "200:2" "monitoring reads the second database too (the change on the main one is not there)"
A /api/analytics/monitoring "$ADMIN"
is "$STATUS:$(jq_body '.stuckForms|length')" "200:1" "and the main one without it"
psql_q "UPDATE \"Session\" SET \"revokedAt\" = now()" >/dev/null 2>&1 ||
	psql_q "DELETE FROM \"Session\"" >/dev/null
XENV="DATABASE_READ_URL=$READ_URL" A /api/analytics/monitoring "$ADMIN"
is "$STATUS" 401 "the session is checked on the main database, not on the copy"
ADMIN=$(login admin@example.com)
XENV="DATABASE_READ_URL=postgresql://izzy@/izzy?host=$T_VAR/no-such-dir&port=1" A /api/analytics/monitoring "$ADMIN"
is "$STATUS:$BODY" '503:{"message":"Service unavailable"}' "an unreachable DATABASE_READ_URL is 503, not a silent fallback"

t_done
