#!/usr/bin/env bash
# The compose files (docs/operations.md): `docker-compose config` accepts docker-compose.yml and
# the staging overlay with a complete env file and refuses them without a secret; PostgreSQL
# publishes no port; the app mounts the backups volume at /var/lib/izzy/backups (a named volume,
# or the host directory IZZY_BACKUP_HOST_DIR) and scripts/backup finds it by IZZY_BACKUP_DIR.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
T_VAR=$top_builddir/tests/var/ops-compose
rm -rf "$T_VAR"
mkdir -p "$T_VAR"
command -v docker-compose >/dev/null 2>&1 || t_bail "docker-compose not found: install the Debian package 'docker-compose'"
cp "$top_srcdir"/docker-compose*.yml "$T_VAR/"
cd "$T_VAR" || t_bail "cd $T_VAR"
cat >env <<'ENV'
POSTGRES_PASSWORD=compose-test-postgres-password-0000000000
JWT_SECRET=compose-test-jwt-secret-0000000000000000000000
OFFER_LINK_SECRET=compose-test-offer-secret-000000000000000000
APP_BASE_URL=https://crm.test
DOMAIN=crm.test
IZZY_STAGING_ALLOW_FROM=10.0.0.0/8
ENV
: >.env.production
config() { env -i PATH="$PATH" HOME="$T_VAR" docker-compose --env-file "$@" config 2>"$T_VAR/err"; }

out=$(config env)
is "$?" 0 "docker-compose.yml is valid with a complete env file"
like "$out" "backups:/var/lib/izzy/backups" "the app mounts the backups volume at /var/lib/izzy/backups"
like "$out" "IZZY_BACKUP_DIR: /var/lib/izzy/backups" "and scripts/backup writes there without --dir"
db=$(printf '%s\n' "$out" | awk '/^  db:/ {on = 1; next} /^  [a-z]/ {on = 0} on')
ok $([[ -n $db && $db != *ports:* ]]; echo $?) "PostgreSQL publishes no port"
{ cat env; echo IZZY_BACKUP_HOST_DIR=/var/backups/izzy; } >env.bind
out=$(config env.bind)
like "$out" "/var/backups/izzy:/var/lib/izzy/backups" "IZZY_BACKUP_HOST_DIR bind-mounts a host directory instead"
out=$(config env -f docker-compose.yml -f docker-compose.staging.yml)
is "$?" 0 "the staging overlay is valid"
like "$out" "backups:/var/lib/izzy/backups" "and keeps the backups volume"
for v in POSTGRES_PASSWORD JWT_SECRET OFFER_LINK_SECRET; do
	grep -v "^$v=" env >env.partial
	config env.partial >/dev/null
	ok $(($? == 0 ? 1 : 0)) "without $v: refused (no default for a secret)"
done

t_done
