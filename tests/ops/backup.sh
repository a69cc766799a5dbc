#!/usr/bin/env bash
# scripts/backup and the refusals of scripts/restore: what a backup holds, its failures, the
# lock, the rotation (7 daily, 4 weekly, 6 monthly), the off-site copy through rsync, and a
# restore that is not confirmed or whose backup is damaged changing nothing.
. "${top_srcdir:?run through make check}/tests/lib/testlib.sh" || exit 1
. "$top_srcdir/tests/ops/lib.sh" || exit 1
t_stack_db ops-backup
BACKUP=$top_srcdir/scripts/backup
RESTORE=$top_srcdir/scripts/restore
export IZZY_APP_DIR=$top_builddir IZZY_VAR_DIR=$T_VAR
export UPLOAD_DRIVER=disk UPLOAD_DIR=$T_VAR/uploads
DIR=$T_VAR/backups
rm -rf "$UPLOAD_DIR" "$DIR" "$T_VAR/offsite" "$T_VAR/rot"
ops_populate "$UPLOAD_DIR" || t_bail "could not populate the database"

# run CMD...: sets OUT (stdout), ERR (stderr) and RC.
run() {
	OUT=$("$@" 2>"$T_VAR/err")
	RC=$?
	ERR=$(cat "$T_VAR/err")
}
members() { tar -tf "$1" | sort | tr '\n' ' '; }

# --- configuration and failures ----------------------------------------------------------------------
run env -u IZZY_BACKUP_DIR "$BACKUP"
is "$RC" 1 "no backup directory: exit 1"
like "$ERR" "no backup directory: set IZZY_BACKUP_DIR or pass --dir DIR" "and it says what to set"

good_url=$DATABASE_URL
run env DATABASE_URL="${good_url/\/izzy\?//nosuchdb?}" "$BACKUP" --dir "$DIR"
ok $((RC == 0)) "a database that cannot be dumped: non-zero exit"
like "$ERR" "pg_dump failed: no backup was made" "it says pg_dump failed"
like "$ERR" 'database "nosuchdb" does not exist' "with pg_dump's reason"
is "$(find "$DIR" -mindepth 1 ! -name .lock | wc -l)" 0 "no backup, partial file or work directory is left behind"

run env UPLOAD_DIR="$T_VAR/no-such-dir" "$BACKUP" --dir "$DIR"
ok $((RC == 0)) "a missing UPLOAD_DIR: non-zero exit"
like "$ERR" "UPLOAD_DIR .*no-such-dir is not a directory" "it says which directory"

# --- a backup of the disk driver -----------------------------------------------------------------------
run "$BACKUP" --dir "$DIR"
is "$RC" 0 "backup: exit 0"
like "$OUT" "^$DIR/izzy-[0-9]{8}T[0-9]{6}Z\.tar$" "prints the backup's path, named by its UTC time"
B1=$OUT
is "$(stat -c %a "$B1")" 600 "the backup is readable by its owner only (personal data)"
is "$(members "$B1")" "MANIFEST SHA256SUMS db.dump documents.tsv uploads.sha256 uploads.tar.gz " \
	"it holds the dump, the uploads, their checksums, the document listing and a manifest"
mkdir -p "$T_VAR/x" && rm -rf "$T_VAR/x"/* && tar -C "$T_VAR/x" -xf "$B1"
(cd "$T_VAR/x" && sha256sum --quiet -c SHA256SUMS)
ok $? "SHA256SUMS matches every member"
is "$(pg_restore -l "$T_VAR/x/db.dump" | grep -c 'TABLE DATA public Lead ')" 1 "db.dump is a pg_dump custom-format archive with the leads"
is "$(tar -tzf "$T_VAR/x/uploads.tar.gz" | grep -c '\.pdf$\|\.jpg$')" 2 "the uploads archive holds both files"
like "$(cat "$T_VAR/x/uploads.sha256")" "$(sha256sum <"$UPLOAD_DIR/$OPS_LEAD1/1733400000001-d4e5f6.jpg" | cut -d' ' -f1)  ./$OPS_LEAD1/1733400000001-d4e5f6.jpg" \
	"uploads.sha256 has each file's checksum"
like "$(cat "$T_VAR/x/MANIFEST")" "upload_driver disk" "the manifest names the driver"
like "$(cat "$T_VAR/x/MANIFEST")" "rows ConsentRecord=2 Document=2 Lead=2 User=2" "and the row counts"
like "$(cat "$T_VAR/x/MANIFEST")" "migration 0[0-9]{3}_" "and the newest migration"
like "$ERR" "rotation: kept 1 backup" "the rotation ran"

# --- the S3 driver: a listing with checksums instead of the files ---------------------------------
psql_q "UPDATE \"Document\" SET \"storageProvider\" = 's3', \"storageKey\" = 'leads/' || \"leadId\" || '/' || id || '.bin'" >/dev/null
S3DIR=$T_VAR/backups-s3
run env -u UPLOAD_DIR UPLOAD_DRIVER=s3 "$BACKUP" --dir "$S3DIR"
is "$RC" 0 "backup with UPLOAD_DRIVER=s3 and no UPLOAD_DIR: exit 0"
is "$(members "$OUT")" "MANIFEST SHA256SUMS db.dump documents.tsv " "it holds no uploads archive"
want=$(psql_q "SELECT string_agg(id || E'\t' || \"leadId\" || E'\ts3\t' || \"storageKey\" || E'\t' || \"sizeBytes\" || E'\t' || checksum, E'\n' ORDER BY id) FROM \"Document\"")
is "$(tar -xOf "$OUT" documents.tsv)" "$want" "documents.tsv lists every object's key, size and SHA-256"
psql_q "UPDATE \"Document\" SET \"storageProvider\" = 'disk', \"storageKey\" = '$UPLOAD_DIR/' || \"leadId\" || '/' || substr(\"filePath\", length('/uploads/' || \"leadId\" || '/') + 1)" >/dev/null
is "$(ops_doc_sums | awk '{print $2}' | grep -c '^[0-9a-f]\{64\}$')" 2 "(the documents point at their files again)"

# --- the lock ---------------------------------------------------------------------------------------------
exec 8>>"$DIR/.lock"
flock -n 8 || t_bail "could not take the lock for the test"
run "$BACKUP" --dir "$DIR"
is "$RC" 1 "while the lock is held a second backup exits 1"
like "$ERR" "another backup or restore holds .*/\.lock" "and says why"
run "$RESTORE" --yes "$B1"
is "$RC" 1 "a restore does not start while a backup holds the lock either"
like "$ERR" "a backup or restore holds .*/\.lock" "and says why"
exec 8>&-
is "$(find "$DIR" -name 'izzy-*.tar' | wc -l)" 1 "nothing was written while locked"

# --- restore refuses without confirmation, or a damaged backup ------------------------------------------
before=$(ops_fingerprint)
run "$RESTORE" "$B1" </dev/null
is "$RC" 1 "restore without --yes and without a typed confirmation: exit 1"
like "$ERR" 'not confirmed: nothing was changed' "it refuses"
run "$RESTORE" "$B1" <<<"yes"
is "$RC" 1 "restore with a wrong confirmation word: exit 1"
cp "$B1" "$T_VAR/damaged.tar"
# One byte of the dump member changed (past the tar headers and the MANIFEST).
off=$(($(stat -c %s "$B1") / 2))
printf '\xff' | dd of="$T_VAR/damaged.tar" bs=1 seek="$off" conv=notrunc status=none
run "$RESTORE" --yes "$T_VAR/damaged.tar"
is "$RC" 1 "a damaged backup: exit 1"
like "$ERR" "is damaged|cannot unpack|unreadable" "it is refused before anything is touched"
is "$(ops_fingerprint)" "$before" "the refused restores changed no row"
is "$(ops_doc_sums | wc -l)" 2 "and no upload"

# --- a dump that cannot be loaded leaves the database as it was (one transaction) ----------------------
psql_admin "BEGIN; SET LOCAL session_replication_role = replica;
	INSERT INTO \"Reminder\" (id, \"leadId\", \"dueAt\", description) VALUES ('copsorphan0000000000000001', 'cnosuchlead00000000000001', now(), 'x');
	COMMIT" >/dev/null
run "$BACKUP" --dir "$T_VAR/backups-bad"
is "$RC" 0 "a backup of a database with an orphan row is made"
BAD=$OUT
psql_q "DELETE FROM \"Reminder\" WHERE id = 'copsorphan0000000000000001'" >/dev/null
before=$(ops_fingerprint)
run "$RESTORE" --yes --no-start "$BAD"
is "$RC" 1 "its restore fails: the orphan breaks a foreign key"
like "$ERR" "loading the dump failed; the database is unchanged" "and says the database is unchanged"
is "$(ops_fingerprint)" "$before" "every row is still there, as before the restore"

# --- rotation: 7 daily, 4 weekly, 6 monthly ---------------------------------------------------------------
ROT=$T_VAR/rot
mkdir -p "$ROT"
for ((i = 0; i < 340; i++)); do
	: >"$ROT/izzy-$(date -u -d "2026-12-05 - $i days" +%Y%m%d)T010000Z.tar"
done
: >"$ROT/izzy-20261205T130000Z.tar"
: >"$ROT/unrelated.txt"
run "$BACKUP" --dir "$ROT" --prune-only
is "$RC" 0 "--prune-only: exit 0"
# 2026-12-05 is a Saturday: ISO weeks W49 (from Nov 30), W48, W47, W46.
want="izzy-20260731T010000Z.tar izzy-20260831T010000Z.tar izzy-20260930T010000Z.tar izzy-20261031T010000Z.tar izzy-20261115T010000Z.tar izzy-20261122T010000Z.tar izzy-20261129T010000Z.tar izzy-20261130T010000Z.tar izzy-20261201T010000Z.tar izzy-20261202T010000Z.tar izzy-20261203T010000Z.tar izzy-20261204T010000Z.tar izzy-20261205T130000Z.tar unrelated.txt "
is "$(find "$ROT" -mindepth 1 -maxdepth 1 ! -name .lock -printf '%f\n' | sort | tr '\n' ' ')" "$want" \
	"the newest of the last 7 days, 4 ISO weeks and 6 months are kept; other files are left alone"
like "$ERR" "kept 13 backup\(s\), deleted 328" "the rotation says what it did"
run env IZZY_BACKUP_KEEP_DAILY=seven "$BACKUP" --dir "$ROT" --prune-only
is "$RC" 1 "a bad IZZY_BACKUP_KEEP_DAILY is refused"

# --- off-site copy with rsync ----------------------------------------------------------------------------
OFF=$T_VAR/offsite
mkdir -p "$OFF"
: >"$OFF/izzy-20200101T000000Z.tar"
: >"$OFF/notes.txt"
run env IZZY_BACKUP_RSYNC_TARGET="$OFF" "$BACKUP" --dir "$DIR"
is "$RC" 0 "backup with an rsync target: exit 0"
B2=$OUT
cmp -s "$B2" "$OFF/${B2##*/}"
ok $? "the new backup is copied off-site, identical"
[[ -e $OFF/izzy-20200101T000000Z.tar && ! -e $OFF/${B1##*/} ]]
ok $? "without IZZY_BACKUP_RSYNC_PRUNE nothing else is copied or deleted there"
run env IZZY_BACKUP_RSYNC_TARGET="$OFF" IZZY_BACKUP_RSYNC_PRUNE=1 "$BACKUP" --dir "$DIR" --prune-only
is "$RC" 0 "--prune-only with IZZY_BACKUP_RSYNC_PRUNE=1: exit 0"
is "$(cd "$OFF" && ls | tr '\n' ' ')" "$(cd "$DIR" && ls izzy-*.tar | tr '\n' ' ')notes.txt " \
	"the off-site copy mirrors the rotated backups and keeps unrelated files"
run env IZZY_BACKUP_RSYNC_TARGET="$T_VAR/no/such/dir" "$BACKUP" --dir "$DIR"
ok $((RC == 0)) "an off-site copy that fails: non-zero exit"
like "$ERR" "off-site copy of izzy-.* failed \(rsync status [0-9]+\); the local backup is kept" "it says so"
[[ -s $OUT && $OUT == "$DIR"/izzy-*.tar ]]
ok $? "and the local backup is kept"

# --- restore on a host with the systemd units: systemctl stops and starts them ------------------------------
# A stand-in systemctl records its calls; a static server answers the readiness check.
printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$*" >>"${0%%/*}/systemctl.log"\n' >"$T_VAR/systemctl"
chmod +x "$T_VAR/systemctl"
rm -f "$T_VAR/systemctl.log"
mkdir -p "$T_VAR/www/api/health"
printf '{"status":"ready"}\n' >"$T_VAR/www/api/health/ready"
RPORT=${IZZY_TEST_RESTORE_PORT:-$((${IZZY_TEST_HTTP_PORT:-18480} + 20))}
(cd "$T_VAR/www" && exec python3 -m http.server "$RPORT" --bind 127.0.0.1 >/dev/null 2>&1) &
web=$!
_stack_wait_tcp 127.0.0.1 "$RPORT" 10 || t_bail "python3 -m http.server did not start"
run "$BACKUP" --dir "$T_VAR/backups-sd"
B_SD=$OUT
stack_fcgi_start "$T_VAR" "$top_builddir" 1 2>/dev/null
sup=$(cat "$T_VAR/run/health.pid" 2>/dev/null)
run env IZZY_SYSTEMCTL="$T_VAR/systemctl" IZZY_READY_URL="http://127.0.0.1:$RPORT/api/health/ready" \
	"$RESTORE" --yes --systemd "$B_SD"
kill "$web" 2>/dev/null
is "$RC" 0 "restore --systemd: exit 0"
((RC == 0)) || printf '%s\n' "$ERR" | sed 's/^/# /'
is "$(cat "$T_VAR/systemctl.log" 2>/dev/null)" "stop izzy-fcgi@*.service izzy-worker.service
start izzy.target" "it stopped the units with systemctl, then started izzy.target"
ok $([[ -n $sup && $(cat "$T_VAR/run/health.pid" 2>/dev/null) == "$sup" ]]; echo $?) "and left the stack's own programs alone"
stack_fcgi_stop "$T_VAR" 2>/dev/null

t_done
