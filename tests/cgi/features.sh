#!/usr/bin/env bash
# Feature flags (IZZY_FEATURES, common/cfg feature_enabled): GET /api/auth/features tells the UI
# which optional features are on; a switched-off feature's endpoints answer 404 JSON; an unknown
# flag name is a configuration error. The flag in use: analytics (on unless "-analytics").
. "$top_srcdir/tests/lib/testlib.sh"
. "$top_srcdir/tests/lib/cgi.sh"
t_stack_db cgi-features
CGI_LOG=$T_VAR/log/features-cgi.log
TOKEN=$(login admin@example.com)
[[ -n $TOKEN ]] || t_bail "the admin cannot log in"

# --- the default: analytics on ------------------------------------------------------------------
CGI_PROG=auth cgi_run GET /api/auth/features "" "$TOKEN"
is "$STATUS:$BODY" '200:{"features":{"analytics":true}}' "unset IZZY_FEATURES: analytics is on (it existed before its flag)"
CGI_PROG=auth cgi_run GET /api/auth/features
is "$STATUS" 401 "the flags are for signed-in users only"
CGI_PROG=analytics cgi_run GET /api/analytics/dashboard "" "$TOKEN"
is "$STATUS" 200 "the analytics endpoints answer"

# --- switched off -------------------------------------------------------------------------------
CGI_ENV="IZZY_FEATURES=-analytics"
CGI_PROG=auth cgi_run GET /api/auth/features "" "$TOKEN"
is "$(jq_body .features.analytics)" false "IZZY_FEATURES=-analytics: the UI is told it is off"
CGI_PROG=analytics cgi_run GET /api/analytics/dashboard "" "$TOKEN"
is "$STATUS:$BODY" '404:{"message":"Not found"}' "its endpoints answer 404 JSON"
CGI_PROG=analytics cgi_run GET /api/analytics/dashboard
is "$STATUS" 404 "404 before authentication too (nothing tells a switched-off feature exists)"
CGI_ENV="IZZY_FEATURES=analytics,,-analytics"
CGI_PROG=analytics cgi_run GET /api/analytics/dashboard "" "$TOKEN"
is "$STATUS" 404 "the last mention wins, empty items ignored"
CGI_ENV="IZZY_FEATURES=-analytics,analytics"
CGI_PROG=analytics cgi_run GET /api/analytics/dashboard "" "$TOKEN"
is "$STATUS" 200 "named on again: it answers"
CGI_ENV="IZZY_FEATURES=-analytics"
CGI_PROG=leads cgi_run GET /api/leads "" "$TOKEN"
is "$STATUS" 200 "a program without a flag is not affected"

# --- a typo is refused at start --------------------------------------------------------------------
CGI_ENV="IZZY_FEATURES=analytcs"
CGI_PROG=auth cgi_run GET /api/auth/features "" "$TOKEN"
ok $([[ $STATUS == 500 || -z $STATUS ]]; echo $?) "an unknown feature name: the program does not serve (got '$STATUS')"
like "$(tail -n 5 "$CGI_LOG")" 'IZZY_FEATURES: unknown feature "analytcs"' "and the log names the variable and the name"
CGI_ENV=""

t_done
