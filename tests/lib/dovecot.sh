# shellcheck shell=bash
# tests/lib/dovecot.sh: Debian's dovecot (dovecot-imapd) as a private IMAP peer
# for a test: one static user, plain IMAP on 127.0.0.1:PORT, a maildir under DIR.
#
#   dovecot_start DIR PORT USER PASSWORD   start (or restart) and wait for the greeting
#   dovecot_stop DIR                       stop it and wait until the port is closed
#   dovecot_deliver DIR FILE               put a message file into the maildir (new/)
#   dovecot_imap DIR PORT USER PASSWORD CMD  one IMAP command with curl; prints the answer
#
# dovecot runs as root here (tests run as root), with mail owned by the
# "dovecot" system user (first_valid_uid lowered for it).

DOVECOT_BIN=${DOVECOT_BIN:-/usr/sbin/dovecot}

dovecot_start() {
	local dir=$1 port=$2 user=$3 pass=$4 i
	[[ -x $DOVECOT_BIN ]] || { echo "dovecot is missing: apt-get install dovecot-imapd" >&2; return 1; }
	mkdir -p "$dir/run" "$dir/maildir/new" "$dir/maildir/cur" "$dir/maildir/tmp" "$dir/home"
	chown -R dovecot:dovecot "$dir/maildir" "$dir/home"
	cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:$dir/maildir
passdb {
  driver = static
  args = user=$user password=$pass
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$dir/home
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
	"$DOVECOT_BIN" -c "$dir/dovecot.conf" || return 1
	for ((i = 0; i < 300; i++)); do
		curl -s --max-time 2 "imap://127.0.0.1:$port/" -u "$user:$pass" -X CAPABILITY >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "dovecot did not answer on $port" >&2
	return 1
}

dovecot_stop() {
	local dir=$1 pid i
	[[ -f $dir/run/master.pid ]] || return 0
	pid=$(cat "$dir/run/master.pid")
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

# Names sort in delivery order, so UIDs follow it.
DOVECOT_SEQ=0
dovecot_deliver() {
	local dir=$1 file=$2 name
	DOVECOT_SEQ=$((DOVECOT_SEQ + 1))
	name="$(date +%s).$(printf '%06d' "$DOVECOT_SEQ").$(basename "$file").izzy"
	cp "$file" "$dir/maildir/tmp/$name" && chown dovecot:dovecot "$dir/maildir/tmp/$name" &&
		mv "$dir/maildir/tmp/$name" "$dir/maildir/new/$name"
}

dovecot_imap() {
	curl -sS --max-time 20 "imap://127.0.0.1:$2/INBOX" -u "$3:$4" -X "$5"
}
