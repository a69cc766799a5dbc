#!/usr/bin/env bash
# cgi-bin/leads_comms.c: GET /api/leads/:id/communications (the lead's
# communication log, FR-67) and POST /api/leads/:id/communications/:outboxId/retry
# (a manager re-queues a dead letter).  Roles and lead scope, the statuses
# (queued, sent, failed, dead), masking of addresses, newest first, and the
# re-queue under the row lock (two managers at once: one wins, the other gets
# 409 under the lock; deterministic: a psql session holds the lead row lock).
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-leads-comms
CGI_LOG=$T_VAR/log/leads-cgi.log
mkdir -p "$T_VAR/log"
: >"$CGI_LOG"
CGI_PROG=leads

ADMIN=$(login admin@example.com)
[[ -n $ADMIN ]] || t_bail "admin cannot log in"
OP=$(login operator@example.com Operator123!)
[[ -n $OP ]] || t_bail "operator cannot log in"
psql_q "INSERT INTO \"Partner\" (id, name) VALUES ('cm-other', 'Other Partner')" >/dev/null
mk_user cmsuper0000000000000000001 super@comms.test SUPERVISOR -
mk_user cmassign000000000000000001 assigned@comms.test OPERATOR cm-other
mk_user cmpartner00000000000000001 partner@comms.test PARTNER seed-partner
mk_user cmauditor00000000000000001 auditor@comms.test AUDITOR -
SUP=$(login super@comms.test)
ASG=$(login assigned@comms.test)
PARTNER=$(login partner@comms.test)
AUDITOR=$(login auditor@comms.test)
[[ -n $SUP && -n $ASG && -n $PARTNER && -n $AUDITOR ]] || t_bail "test users cannot log in"

# L: the seed partner's lead, assigned to "assigned" (another partner's operator):
# the seed operator sees it through the partner, "assigned" as its assignee.
L=clcomms000000000000000001
L2=clcomms000000000000000002
psql_q "INSERT INTO \"Lead\" (id, \"partnerId\", status, \"assignedUserId\") VALUES
		('$L', 'seed-partner', 'FIRST_CONTACT', 'cmassign000000000000000001'),
		('$L2', 'cm-other', 'FIRST_CONTACT', NULL);
	INSERT INTO \"CustomerProfile\" (id, \"leadId\", \"firstName\", \"lastName\", email, phone) VALUES
		('cp$L', '$L', 'Anna', 'Nowak', 'anna.nowak@example.com', '+48 600 123 789'),
		('cp$L2', '$L2', 'Jan', 'Kowalski', 'jan@example.com', NULL)" >/dev/null

# --- empty log, roles and scope ------------------------------------------------------
cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
is "$STATUS:$(printf "%s" "$BODY" | jq -c .)" '200:{"data":[]}' "a lead without messages: 200 and an empty list"
cgi_run GET "/api/leads/$L/communications"
is "$STATUS" 401 "no token: 401"
cgi_run GET "/api/leads/$L/communications" "" "$PARTNER"
is "$STATUS:$(jq_body .message)" "403:Forbidden" "a partner: 403 Forbidden"
cgi_run GET "/api/leads/$L/communications" "" "$AUDITOR"
is "$STATUS:$(jq_body .message)" "403:Forbidden" "an auditor: 403 Forbidden"
cgi_run GET "/api/leads/clnosuchlead0000000000001/communications" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Lead not found" "an unknown lead: 404"
cgi_run GET "/api/leads/$L2/communications" "" "$OP"
is "$STATUS:$(jq_body .message)" "403:Access denied" "an operator outside the lead's scope: 403 Access denied"

# --- messages of every kind -----------------------------------------------------------
# An e-mail from the composer: queued in the Outbox, not attempted yet.
cgi_run POST "/api/leads/$L/email" '{"message":"Dzień dobry","subject":"Oferta"}' "$ADMIN"
is "$STATUS" 200 "the composer queues an e-mail"
MAIL=$(psql_q "SELECT id FROM \"Outbox\" WHERE \"leadId\" = '$L' AND template = 'lead_email'")
# An SMS that went dead after two attempts, a webhook delivered, a form e-mail of
# the reference's EmailLog, an inbound e-mail; explicit times give the order.
psql_q "
INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", template, \"leadId\", status, attempts, \"lastError\", \"createdAt\")
VALUES ('cosms000000000000000000001', 'SMS', '48600123789', 'x', 'onboarding_sms', '$L', 'FAILED', 2,
	'SMSAPI error 13: Invalid phone number', now() - interval '50 minutes');
INSERT INTO \"CommunicationLog\" (id, \"leadId\", \"outboxId\", channel, \"templateKey\", status, \"sentTo\", direction, attempts, \"errorMessage\", \"createdAt\") VALUES
	('clogsms1000000000000000001', '$L', 'cosms000000000000000000001', 'SMS', 'onboarding_sms', 'PENDING', '48600123789', 'OUTBOUND', 0, NULL, now() - interval '50 minutes'),
	('clogsms2000000000000000001', '$L', 'cosms000000000000000000001', 'SMS', 'onboarding_sms', 'FAILED', '48600123789', 'OUTBOUND', 1, 'SMSAPI error: connection refused', now() - interval '40 minutes'),
	('clogsms3000000000000000001', '$L', 'cosms000000000000000000001', 'SMS', 'onboarding_sms', 'DEAD', '48600123789', 'OUTBOUND', 2, 'SMSAPI error 13: Invalid phone number', now() - interval '30 minutes');
INSERT INTO \"Outbox\" (id, channel, recipient, \"bodyText\", payload, template, \"leadId\", status, attempts, \"sentAt\", \"dedupeKey\", \"createdAt\")
VALUES ('cowebhook00000000000000001', 'WEBHOOK', 'application_ready', '{}', '{}', 'application_ready', '$L', 'SENT', 1, now() - interval '20 minutes', 'k-1', now() - interval '21 minutes');
INSERT INTO \"CommunicationLog\" (id, \"leadId\", \"outboxId\", channel, \"templateKey\", status, \"sentTo\", direction, attempts, \"sentAt\", \"createdAt\") VALUES
	('clogwh10000000000000000001', '$L', 'cowebhook00000000000000001', 'WEBHOOK', 'application_ready', 'SENT', NULL, 'OUTBOUND', 1, now() - interval '20 minutes', now() - interval '20 minutes');
INSERT INTO \"ApplicationForm\" (id, \"leadId\", \"uniqueLink\", \"accessCodeHash\") VALUES ('cfcomms000000000000000001', '$L', 'link-comms', 'hash');
INSERT INTO \"EmailLog\" (id, \"applicationFormId\", \"leadId\", type, status, \"sentTo\", \"sentAt\", \"createdAt\")
VALUES ('cemaillog0000000000000001', 'cfcomms000000000000000001', '$L', 'LINK_SENT', 'SENT', 'anna.nowak@example.com', now() - interval '2 hours', now() - interval '2 hours');
INSERT INTO \"CommunicationLog\" (id, \"leadId\", channel, \"templateKey\", status, \"sentTo\", direction, attempts, \"createdAt\") VALUES
	('cloginbound000000000000001', '$L', 'EMAIL', NULL, 'DELIVERED', 'anna.nowak@example.com', 'INBOUND', 0, now() - interval '10 minutes');
" >/dev/null

cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
is "$STATUS" 200 "admin: 200"
is "$(jq_body '[.data[] | .id] | join(" ")')" \
	"$MAIL cloginbound000000000000001 clogwh10000000000000000001 clogsms3000000000000000001 clogsms2000000000000000001 clogsms1000000000000000001 cemaillog0000000000000001" \
	"every log row and the unattempted e-mail, newest first"
is "$(jq_body '[.data[] | .status] | join(" ")')" "queued sent sent dead failed queued sent" \
	"statuses: queued, sent, failed (retried), dead"
is "$(jq_body '.data[0] | [.source, .channel, .direction, .template, .subject, .attempts, .messageStatus, .canRetry] | map(tostring) | join("|")')" \
	"outbox|EMAIL|OUTBOUND|lead_email|Oferta|0|queued|false" "the composer's e-mail: queued, not attempted, its subject"
is "$(jq_body '.data[3] | [.channel, .status, .attempts, .lastError, .messageStatus, .canRetry] | map(tostring) | join("|")')" \
	"SMS|dead|2|SMSAPI error 13: Invalid phone number|dead|true" "the dead SMS: attempts, the reason, retry offered to a manager"
is "$(jq_body '[.data[] | select(.canRetry)] | length')" 1 "retry is offered on the newest entry of the dead letter only"
is "$(jq_body '.data[2] | [.channel, .to] | map(tostring) | join("|")')" "WEBHOOK|null" "a webhook has no address (never the URL)"
is "$(jq_body '.data[1].direction')" INBOUND "an inbound e-mail"
is "$(jq_body '.data[6] | [.source, .template] | join("|")')" "emailLog|LINK_SENT" "the reference's EmailLog rows are in the log"
is "$(jq_body '.data[0].to + " " + .data[3].to')" "anna.nowak@example.com 48600123789" "a manager sees addresses in full"
like "$(jq_body '.data[0].createdAt')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z$' "createdAt in the API's format"

cgi_run GET "/api/leads/$L/communications" "" "$OP"
is "$STATUS" 200 "the partner's operator: 200"
is "$(jq_body '.data[0].to + " " + .data[3].to + " " + .data[6].to')" "a***@e***.com ***789 a***@e***.com" \
	"an operator who is not the assignee sees addresses masked"
is "$(jq_body '[.data[] | select(.canRetry)] | length')" 0 "an operator is never offered a retry"
! grep -q 'anna.nowak' <<<"$BODY"
ok $? "no full address anywhere in the operator's answer"
cgi_run GET "/api/leads/$L/communications" "" "$ASG"
is "$STATUS:$(jq_body '.data[0].to')" "200:anna.nowak@example.com" "the assigned operator sees the address in full"

# --- retry ----------------------------------------------------------------------------
SMS=cosms000000000000000000001
cgi_run POST "/api/leads/$L/communications/$SMS/retry" "" "$OP"
is "$STATUS:$(jq_body .message)" "403:Forbidden" "an operator may not retry: 403"
cgi_run POST "/api/leads/$L/communications/$SMS/retry" ""
is "$STATUS" 401 "no token: 401"
cgi_run POST "/api/leads/$L/communications/$MAIL/retry" "" "$ADMIN"
is "$STATUS:$(jq_body .code):$(jq_body .message)" "409:NOT_DEAD:Only a dead letter can be retried" "a queued message: 409 NOT_DEAD"
cgi_run POST "/api/leads/$L2/communications/$SMS/retry" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Message not found" "another lead's message: 404"
cgi_run POST "/api/leads/$L/communications/conosuch00000000000000001/retry" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Message not found" "an unknown message: 404"
cgi_run POST "/api/leads/clnosuchlead0000000000001/communications/$SMS/retry" "" "$ADMIN"
is "$STATUS:$(jq_body .message)" "404:Lead not found" "an unknown lead: 404"
is "$(psql_q "SELECT status || ' ' || attempts FROM \"Outbox\" WHERE id = '$SMS'")" "FAILED 2" "refused retries change nothing"

# Two managers at once: both wait on the lead row lock held here; the first
# re-queues, the second finds the message no longer dead under the lock.
t_psql_open holder
t_psql_send holder "BEGIN;" "SELECT id FROM \"Lead\" WHERE id = '$L' FOR UPDATE;"
t_psql_read holder line
is "$line" "$L" "the test session holds the lead row lock"
(cgi_run POST "/api/leads/$L/communications/$SMS/retry" "" "$ADMIN"; printf '%s' "$STATUS" >"$T_VAR/r1") &
t_lock_waiters 1
ok $? "the first retry waits for the lock"
(cgi_run POST "/api/leads/$L/communications/$SMS/retry" "" "$SUP"; printf '%s' "$STATUS" >"$T_VAR/r2") &
t_lock_waiters 2
ok $? "the second retry queues behind it"
t_psql_send holder "COMMIT;"
t_psql_close holder
wait
is "$(cat "$T_VAR/r1") $(cat "$T_VAR/r2")" "200 409" "one retry re-queues, the other gets 409 under the lock"
is "$(psql_q "SELECT status || ' ' || attempts || ' ' || (\"nextAttemptAt\" <= now()) || ' ' || coalesce(\"lastError\", '-') FROM \"Outbox\" WHERE id = '$SMS'")" \
	"PENDING 0 true -" "the dead letter is due again with a fresh set of attempts"
is "$(psql_q "SELECT count(*) FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'message_requeued'")" 1 "one audit entry"
is "$(psql_q "SELECT metadata->>'outboxId' FROM \"AuditLog\" WHERE \"leadId\" = '$L' AND action = 'message_requeued'")" "$SMS" "it names the message"
! psql_q "SELECT concat(\"oldValue\", \"newValue\", metadata) FROM \"AuditLog\" WHERE action = 'message_requeued'" | grep -q '48600123789'
ok $? "the audit entry holds no phone number"
cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
is "$(jq_body '[.data[] | select(.outboxId == "'$SMS'")][0] | [.status, .messageStatus, .canRetry] | map(tostring) | join("|")')" \
	"queued|queued|false" "the log shows the message queued again, no retry offered"
is "$(jq_body '[.data[] | select(.outboxId == "'$SMS'")] | length')" 4 "the earlier attempts stay in the log"

# --- anonymised lead: addresses masked for everyone --------------------------------------
psql_q "UPDATE \"Lead\" SET \"anonymizedAt\" = now() WHERE id = '$L'" >/dev/null
cgi_run GET "/api/leads/$L/communications" "" "$ADMIN"
is "$STATUS:$(jq_body '[.data[] | .to | strings] | unique | join(" ")')" "200:***789 a***@e***.com" \
	"on an anonymised lead even an admin sees masked addresses"

t_done
