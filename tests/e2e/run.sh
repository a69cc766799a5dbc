#!/usr/bin/env bash
# Browser suite: the real stack (PostgreSQL, spawn-fcgi, nginx, maildev) and
# Debian's Chromium driven by playwright-core (tests/e2e/run.mjs).
# Screenshots and logs: $top_builddir/tests/e2e-artifacts.
. "$top_srcdir/tests/lib/testlib.sh"
[[ -x /usr/bin/chromium ]] || { echo "not ok - /usr/bin/chromium missing: apt-get install chromium" >&2; exit 1; }
[[ -d $top_srcdir/node_modules/playwright-core ]] || { echo "not ok - playwright-core missing: run 'npm ci' in $top_srcdir" >&2; exit 1; }
[[ -f $top_srcdir/www/vendor/preact/preact.js ]] ||
	{ echo "not ok - www/vendor missing: run 'npm ci' in www/ and build (www/scripts/vendor.sh)" >&2; exit 1; }
t_stack_db e2e
PORT=${IZZY_TEST_E2E_PORT:-18580}
export APP_BASE_URL=http://127.0.0.1:$PORT
export SMTP_HOST=127.0.0.1 SMTP_PORT=${IZZY_TEST_E2E_SMTP:-18525} EMAIL_FROM=crm@izzy.test
stack_maildev_start "$T_VAR" "$SMTP_PORT" "${IZZY_TEST_E2E_MAILWEB:-18526}" 2>>"$T_VAR/stack.log" || t_bail "maildev did not start"
stack_fcgi_start "$T_VAR" "$top_builddir" 2 2>>"$T_VAR/stack.log" || t_bail "spawn-fcgi did not start the programs"
stack_worker_start "$T_VAR" "$top_builddir" 2>>"$T_VAR/stack.log" || t_bail "the worker did not start"
stack_nginx_start "$T_VAR" "$PORT" "$top_srcdir" 2>>"$T_VAR/stack.log" || t_bail "nginx did not start"
export IZZY_BASE_URL=http://127.0.0.1:$PORT
export IZZY_MAILDEV_URL=http://127.0.0.1:${IZZY_TEST_E2E_MAILWEB:-18526}
export IZZY_ARTIFACTS_DIR=$top_builddir/tests/e2e-artifacts
export IZZY_DB_URL=$DATABASE_URL
mkdir -p "$IZZY_ARTIFACTS_DIR"
cd "$top_srcdir"
node tests/e2e/run.mjs "$@"
