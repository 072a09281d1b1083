#!/bin/bash
# Test lab for the repair script: a real sshd on 127.0.0.1 and real accounts, all inside
# a private mount namespace so the host is never changed.
#
#   unshare --mount --propagation private bash lab.sh OUTDIR PORT NAME:SHELL...
#
# /etc is replaced by a private copy (useradd, usermod and chage write only the copy, and
# their lock and backup files land there too); /home, /srv, /run, /var/log and /var/mail
# are private tmpfs; /dev/console and /dev/kmsg are bind-mounted files so the console
# marker can be read back. Each scenario writes its observations to OUTDIR/NAME/ (login
# exit codes, script output and exit codes, owner/mode snapshots) for the jest side.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
OUT=$1
PORT=$2
shift 2
SCRIPT=${LAB_SCRIPT:-$LAB_DIR/../../../src/repair/ssh-access-repair.sh}
SCRIPT=$(cd "$(dirname "$SCRIPT")" && pwd)/$(basename "$SCRIPT")
WORK=$OUT/.work
KEYS=$WORK/keys
mkdir -p "$WORK" "$KEYS"

if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
  echo "lab.sh must run inside: unshare --mount --propagation private" >&2
  exit 70
fi

cp -a /etc "$WORK/etc"
mount --bind "$WORK/etc" /etc
for d in /home /srv /run /var/log /var/mail; do
  mkdir -p "$d" 2>/dev/null || true
  mount -t tmpfs -o mode=0755 tmpfs "$d"
done
mkdir -m 0755 /run/sshd
: >"$WORK/console"
: >"$WORK/kmsg"
mount --bind "$WORK/console" /dev/console
mount --bind "$WORK/kmsg" /dev/kmsg
mkdir -p /etc/ssh/keys
chmod 0755 /etc/ssh/keys

ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
cat >"$WORK/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
StrictModes yes
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2
LogLevel VERBOSE
Match User keyed
    AuthorizedKeysFile /etc/ssh/keys/%u
Match User nested
    AuthorizedKeysFile %h/.config/ssh/%u.keys
Match User s-keys,s-sticky
    AuthorizedKeysFile /srv/%u.d/%u
Match User s-chroot,s-chroot2
    ChrootDirectory %h
    ForceCommand internal-sftp
EOF
export SSHD=/usr/sbin/sshd SSHD_CONFIG=$WORK/sshd_config
/usr/sbin/sshd -f "$SSHD_CONFIG" -E "$WORK/sshd.log"
# The daemon writes its pid file after it has bound the port, which may come after the parent
# returns on a busy machine: wait for it (bounded), so logins never race the listener.
for _ in $(seq 100); do [ -s "$WORK/sshd.pid" ] && break; sleep 0.1; done
SSHD_PID=$(cat "$WORK/sshd.pid")
trap 'kill "$SSHD_PID" 2>/dev/null || true' EXIT

login() { # login USER [KEY] -> exit code of the real ssh client (0 accepted, 255 refused)
  local rc=0
  ssh -F /dev/null -i "$KEYS/${2:-$1}" -p "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
    -o LogLevel=ERROR "$1@127.0.0.1" true </dev/null >/dev/null 2>&1 || rc=$?
  echo "$rc"
}

# mkuser NAME [useradd options...]: account with a fresh ed25519 key, correct modes.
mkuser() {
  local name=$1 home
  shift
  useradd -m -l -s /bin/sh "$@" "$name"
  usermod -p '*' "$name" # "*": no password, not locked (useradd's "!" is a lock)
  home=$(getent passwd "$name" | cut -d: -f6)
  ssh-keygen -q -t ed25519 -N '' -C "$name@lab" -f "$KEYS/$name"
  install -d -m 0700 -o "$name" -g "$(id -g "$name")" "$home/.ssh"
  install -m 0600 -o "$name" -g "$(id -g "$name")" "$KEYS/$name.pub" "$home/.ssh/authorized_keys"
}

home_of() { getent passwd "$1" | cut -d: -f6; }

# Owner/mode of everything a run must not touch: system files and every other tree.
snapshot_outside() { # snapshot_outside HOME [EXCLUDE]: HOME's real path, its tree and parent are skipped
  local home parent
  home=$(readlink -f "$1" || echo "$1")
  parent=${home%/*}
  {
    stat -c '%n %u %g %a %h' / /etc /etc/ssh /etc/ssh/keys /etc/passwd /etc/shadow /etc/group
    md5sum /etc/passwd /etc/shadow /etc/group
    find /home /srv /etc/ssh/keys -xdev \( -path "$home" -prune \) -o \( ! -path "$parent" ! -path "${2:-/}" -printf '%p %u %g %m %n\n' \)
  } | sort
}

snapshot_user() { # owner/group/mode of the user's tree (symlinks not followed)
  find -P "$1" -xdev -printf '%p|%u|%g|%m|%y\n' 2>/dev/null | sort
}

run_script() { # run_script DIR TAG SHELL ARGS... -> DIR/TAG.out, DIR/TAG.rc
  local dir=$1 tag=$2 sh=$3 rc=0
  shift 3
  # shellcheck disable=SC2086 # SHELL may be "busybox ash"
  $sh "$SCRIPT" "$@" >"$dir/$tag.out" 2>"$dir/$tag.err" || rc=$?
  echo "$rc" >"$dir/$tag.rc"
}

shell_cmd() {
  case $1 in dash) echo dash ;; bash) echo bash ;; ash) echo "busybox ash" ;; *) echo "$1" ;; esac
}

# Standard matrix scenario: break, observe refusal, fix, observe acceptance, run again.
# setup_NAME sets U (the user) and may set ARGS (extra flags) and KEEP (paths to print).
matrix() { # matrix NAME SHELL
  local name=$1 sh d home
  sh=$(shell_cmd "$2")
  d=$OUT/$name
  mkdir -p "$d"
  U='' ARGS=() EXCLUDE=''
  "setup_$name"
  home=$(home_of "$U")
  echo "$U" >"$d/user"
  echo "$home" >"$d/home"
  snapshot_outside "$home" "$EXCLUDE" >"$d/outside.before"
  snapshot_user "$home" >"$d/tree.before"
  login "$U" >"$d/login.before"
  run_script "$d" run1 "$sh" --user "$U" --mode fix "${ARGS[@]}"
  login "$U" >"$d/login.after"
  snapshot_user "$home" >"$d/tree.after"
  run_script "$d" run2 "$sh" --user "$U" --mode fix "${ARGS[@]}"
  snapshot_user "$home" >"$d/tree.after2"
  snapshot_outside "$home" "$EXCLUDE" >"$d/outside.after"
  if declare -F "post_$name" >/dev/null; then "post_$name" "$d"; fi
}

# shellcheck source=test/repair/lab/scenarios.sh
. "$LAB_DIR/scenarios.sh"

for spec in "$@"; do
  name=${spec%%:*}
  sh=${spec#*:}
  echo "scenario $name ($sh)" >&2
  if declare -F "scenario_$name" >/dev/null; then
    mkdir -p "$OUT/$name"
    "scenario_$name" "$OUT/$name" "$(shell_cmd "$sh")"
  else
    matrix "$name" "$sh"
  fi
done
cp "$WORK/sshd.log" "$OUT/sshd.log"
cp "$WORK/console" "$OUT/console"
cp "$WORK/kmsg" "$OUT/kmsg"
