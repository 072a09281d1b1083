# shellcheck shell=bash
# Scenarios for lab.sh. A matrix scenario is setup_NAME (creates and breaks an account,
# sets U and optionally ARGS); a special scenario is scenario_NAME DIR SHELL and records
# its own observations in DIR.
# shellcheck disable=SC2034,SC2016 # U, ARGS and EXCLUDE are read by lab.sh; $6$ hashes are literal

# --- matrix: login refused before, accepted after, second run a no-op ------------------

setup_home_0777() { U=m-h777; mkuser "$U"; chmod 0777 "/home/$U"; }
# Debian's sshd accepts group write while the group holds only the owner (DESIGN.md §4),
# so group-write scenarios give the user's group a second member, as on a real refusal.
second_member() { id lab-other >/dev/null 2>&1 || useradd -M -l lab-other; usermod -aG "$(id -gn "$1")" lab-other; }
setup_home_0775() { U=m-h775; mkuser "$U"; chmod 0775 "/home/$U"; second_member "$U"; }
setup_home_other_owner() {
  U=m-hother; mkuser "$U"; id lab-other >/dev/null 2>&1 || useradd -M -l lab-other
  chown lab-other:lab-other "/home/$U"
}
setup_home_root_0700() { U=m-hroot; mkuser "$U"; chown root:root "/home/$U"; chmod 0700 "/home/$U"; }
setup_ssh_0777() { U=m-s777; mkuser "$U"; chmod 0777 "/home/$U/.ssh"; }
setup_ssh_root() { U=m-sroot; mkuser "$U"; chown root:root "/home/$U/.ssh"; }
setup_key_0666() { U=m-k666; mkuser "$U"; chmod 0666 "/home/$U/.ssh/authorized_keys"; }
setup_key_root() { U=m-kroot; mkuser "$U"; chown root:root "/home/$U/.ssh/authorized_keys"; }
setup_key2_0666() {
  U=m-key2; mkuser "$U"
  mv "/home/$U/.ssh/authorized_keys" "/home/$U/.ssh/authorized_keys2"
  chmod 0666 "/home/$U/.ssh/authorized_keys2"
}
setup_parent_0700() {
  U=m-p700; mkdir -m 0700 /srv/p700; mkuser "$U" -d "/srv/p700/$U"
}
setup_parent_0777() {
  # The parent is not checked by StrictModes, so a 0777 parent alone does not refuse the
  # key; together with a 0775 home it does, and both are repaired.
  U=m-p777; mkdir -m 0777 /srv/p777; mkuser "$U" -d "/srv/p777/$U"; chmod 0775 "/srv/p777/$U"; second_member "$U"
}
setup_all_broken() {
  U=m-all; mkdir -m 0700 /srv/allp; mkuser "$U" -d "/srv/allp/$U"
  id lab-other >/dev/null 2>&1 || useradd -M -l lab-other
  chown lab-other "/srv/allp/$U"; chmod 0777 "/srv/allp/$U"
  chown root:root "/srv/allp/$U/.ssh"; chmod 0777 "/srv/allp/$U/.ssh"
  chown root:root "/srv/allp/$U/.ssh/authorized_keys"; chmod 0666 "/srv/allp/$U/.ssh/authorized_keys"
}
setup_home_outside() { U=m-out; mkdir -p /srv/users; mkuser "$U" -d "/srv/users/$U"; chmod 0775 "/srv/users/$U"; second_member "$U"; }
setup_custom_akf() {
  # sshd_config: Match User keyed / AuthorizedKeysFile /etc/ssh/keys/%u
  U=keyed; mkuser "$U"; rm -rf "/home/$U/.ssh"
  install -m 0666 -o "$U" -g "$(id -g "$U")" "$KEYS/$U.pub" "/etc/ssh/keys/$U"
  EXCLUDE=/etc/ssh/keys/$U # the user's own key file, outside the home
}
setup_nested_akf() {
  # sshd_config: Match User nested / AuthorizedKeysFile %h/.config/ssh/%u.keys
  U=nested; mkuser "$U"; rm -rf "/home/$U/.ssh"
  install -d -m 0777 -o "$U" "/home/$U/.config"
  install -d -m 0700 -o "$U" "/home/$U/.config/ssh"
  install -m 0600 -o "$U" "$KEYS/$U.pub" "/home/$U/.config/ssh/$U.keys"
}
setup_name_dot() { U=m.dot; mkuser "$U"; chmod 0777 "/home/$U"; }
setup_name_dash() { U=m-da-sh_; mkuser "$U"; chmod 0777 "/home/$U/.ssh"; }
setup_group_differs() {
  U=m-grp; mkuser "$U" -N -g users
  id lab-other >/dev/null 2>&1 || useradd -M -l lab-other
  chown lab-other:lab-other "/home/$U" "/home/$U/.ssh/authorized_keys"; chmod 0700 "/home/$U"
}
setup_strict() {
  U=m-strict; mkuser "$U"; chmod 0775 "/home/$U"; chmod 0755 "/home/$U/.ssh"; second_member "$U"; ARGS=(--strict)
}
setup_recursive() {
  U=m-rec; mkuser "$U"; chown root:root "/home/$U" "/home/$U/.ssh" "/home/$U/.profile"
  chmod 0700 "/home/$U"; mkdir -p "/home/$U/data/sub"; touch "/home/$U/data/sub/file"
  ln -s /etc/passwd "/home/$U/data/link-to-passwd"
  ARGS=(--recursive)
}
setup_home_symlink() {
  # The home is a symlink to the real directory; sshd then checks up to / (the real path
  # never meets pw_dir), and the real home is what gets repaired.
  U=m-hlink; mkdir -p /srv/real; mkuser "$U" -d "/srv/real/$U"; chmod 0777 "/srv/real/$U"
  ln -s "/srv/real/$U" "/home/$U"; usermod -d "/home/$U" "$U"
}
setup_key_in_home_symlink() {
  # authorized_keys links to a file inside the home: the target is checked and fixed.
  U=m-klink; mkuser "$U"; mv "/home/$U/.ssh/authorized_keys" "/home/$U/.keys"; chmod 0666 "/home/$U/.keys"
  ln -s ../.keys "/home/$U/.ssh/authorized_keys"
}

# --- traps and reports -----------------------------------------------------------------

# trap_common DIR SHELL USER ARGS...: one fix run with snapshots around it.
trap_run() {
  local d=$1 sh=$2 u=$3 home
  shift 3
  home=$(home_of "$u" || true)
  echo "$u" >"$d/user"
  snapshot_outside "${home:-/nonexistent}" >"$d/outside.before"
  [ -z "$home" ] || snapshot_user "$home" >"$d/tree.before"
  [ -z "$home" ] || login "$u" >"$d/login.before"
  run_script "$d" run1 "$sh" "$@"
  [ -z "$home" ] || login "$u" >"$d/login.after"
  [ -z "$home" ] || snapshot_user "$home" >"$d/tree.after"
  snapshot_outside "${home:-/nonexistent}" >"$d/outside.after"
}

scenario_trap_key_to_passwd() {
  mkuser t-kpw; rm "/home/t-kpw/.ssh/authorized_keys"; ln -s /etc/passwd "/home/t-kpw/.ssh/authorized_keys"
  chmod 0777 /home/t-kpw
  trap_run "$1" "$2" t-kpw --user t-kpw --mode fix --strict
}
scenario_trap_ssh_to_etc() {
  mkuser t-setc; rm -rf "/home/t-setc/.ssh"; ln -s /etc "/home/t-setc/.ssh"
  trap_run "$1" "$2" t-setc --user t-setc --mode fix --strict --recursive
}
scenario_trap_hardlink() {
  mkuser t-hard; chmod 0666 "/home/t-hard/.ssh/authorized_keys"
  ln "/home/t-hard/.ssh/authorized_keys" "/home/t-hard/other-name"
  trap_run "$1" "$2" t-hard --user t-hard --mode fix
}
scenario_trap_hostile_name() {
  local d=$1 sh=$2
  snapshot_outside /nonexistent >"$d/outside.before"
  run_script "$d" run1 "$sh" --user "x;touch $d/pwned" --mode fix
  run_script "$d" run2 "$sh" --user "\$(touch $d/pwned)" --mode fix
  run_script "$d" run3 "$sh" --user '../../etc' --mode fix
  run_script "$d" run4 "$sh" --user "$(printf 'a\nb')" --mode fix
  snapshot_outside /nonexistent >"$d/outside.after"
  if [ -e "$d/pwned" ]; then echo yes >"$d/pwned.exists"; else echo no >"$d/pwned.exists"; fi
}
scenario_trap_no_user() { trap_run "$1" "$2" t-ghost --user t-ghost --mode fix; }
scenario_trap_nologin() {
  mkuser t-nolog -s /usr/sbin/nologin; usermod -s /usr/sbin/nologin t-nolog; chmod 0777 /home/t-nolog
  trap_run "$1" "$2" t-nolog --user t-nolog --mode fix
}
scenario_trap_locked() {
  mkuser t-lock; usermod -L t-lock; chmod 0777 /home/t-lock
  trap_run "$1" "$2" t-lock --user t-lock --mode fix
}
scenario_trap_expired() {
  mkuser t-exp; chage -E 0 t-exp
  trap_run "$1" "$2" t-exp --user t-exp --mode fix
}
scenario_ssh_missing() {
  mkuser t-nossh; rm -rf /home/t-nossh/.ssh
  trap_run "$1" "$2" t-nossh --user t-nossh --mode fix
  snapshot_user /home/t-nossh >"$1/tree.after"
}
scenario_diagnose_only() {
  mkuser t-diag; chmod 0777 /home/t-diag; chmod 0666 /home/t-diag/.ssh/authorized_keys
  trap_run "$1" "$2" t-diag --user t-diag --mode diagnose
}
scenario_diagnose_recursive() {
  # Diagnose with --recursive must record no action: the re-own is only reported.
  mkuser t-drec; chmod 0777 /home/t-drec; chown root:root /home/t-drec/.profile
  trap_run "$1" "$2" t-drec --user t-drec --mode diagnose --recursive
}
scenario_reports() {
  local d=$1 sh=$2 cfg
  mkuser t-rsa; ssh-keygen -q -t rsa -b 2048 -N '' -f "$KEYS/t-rsa-rsa"
  cp "$KEYS/t-rsa-rsa.pub" /home/t-rsa/.ssh/authorized_keys
  run_script "$d" rsa "$sh" --user t-rsa --mode diagnose
  cfg=$WORK/sshd_config.nostrict
  sed 's/^StrictModes yes/StrictModes no/' "$SSHD_CONFIG" >"$cfg"
  SSHD_CONFIG=$cfg run_script "$d" nostrict "$sh" --user t-rsa --mode diagnose
  cfg=$WORK/sshd_config.broken
  { cat "$SSHD_CONFIG"; echo "NoSuchKeyword yes"; } >"$cfg"
  SSHD_CONFIG=$cfg run_script "$d" broken "$sh" --user t-rsa --mode diagnose
  run_script "$d" nomode "$sh" --user t-rsa
  run_script "$d" badmode "$sh" --user t-rsa --mode repair
  run_script "$d" badreq "$sh" --user t-rsa --mode fix --request-id 'a b'
}
scenario_detect_user() {
  local d=$1 sh=$2
  mkuser ec2-user; chmod 0777 /home/ec2-user
  login ec2-user >"$d/login.before"
  run_script "$d" run1 "$sh" --user '' --mode fix
  login ec2-user >"$d/login.after"
  mkuser ubuntu
  run_script "$d" run2 "$sh" --mode diagnose
}

# The extracted shell part of the user data run the way scripts-user runs it: no
# arguments, user data from EC2_SSH_RESCUE_USER_DATA, console marker to the bind-mounted
# /dev/console and /dev/kmsg. LAB_USERDATA names the user-data file, LAB_USERDATA_HOSTILE
# one whose args line tries to inject a command.
scenario_userdata() {
  local d=$1 sh=$2
  mkuser ud-user; chmod 0777 /home/ud-user; chmod 0666 /home/ud-user/.ssh/authorized_keys
  login ud-user >"$d/login.before"
  snapshot_outside /home/ud-user >"$d/outside.before"
  export EC2_SSH_RESCUE_USER_DATA=$LAB_USERDATA EC2_SSH_RESCUE_STATE_DIR=$WORK/state
  run_script "$d" boot1 "$sh"
  login ud-user >"$d/login.after"
  snapshot_user /home/ud-user >"$d/tree.after"
  chmod 0775 /home/ud-user # broken again between boots: a repeated boot only diagnoses
  run_script "$d" boot2 "$sh"
  snapshot_user /home/ud-user >"$d/tree.after2"
  snapshot_outside /home/ud-user >"$d/outside.after"
  cp /dev/console "$d/console"
  cp /dev/kmsg "$d/kmsg"
  EC2_SSH_RESCUE_USER_DATA=$LAB_USERDATA_HOSTILE run_script "$d" hostile "$sh"
  unset EC2_SSH_RESCUE_USER_DATA EC2_SSH_RESCUE_STATE_DIR
}

# The online runbook's Run Command program as rendered (LAB_ONLINE_COMMAND, with its {{ }}
# already filled in as Automation fills them), run the way AWS-RunShellScript runs its
# commands: written to a file and run by the shell. The user's home and key are broken first.
scenario_online() {
  local d=$1 sh=$2 rc=0
  mkuser online-user; chmod 0777 /home/online-user; chmod 0666 /home/online-user/.ssh/authorized_keys
  login online-user >"$d/login.before"
  snapshot_outside /home/online-user >"$d/outside.before"
  # shellcheck disable=SC2086 # SHELL may be "busybox ash"
  $sh "$LAB_ONLINE_COMMAND" >"$d/command.out" 2>"$d/command.err" || rc=$?
  echo "$rc" >"$d/command.rc"
  login online-user >"$d/login.after"
  snapshot_outside /home/online-user >"$d/outside.after"
}

# Socket-activated sshd (ssh.socket): the privilege-separation directory does not exist until
# the first connection, and `sshd -t`/`-T` refuse to run without it. The script must create
# it (0755 root) and go on fixing; a real configuration error must still be reported as one
# and not be mistaken for the missing directory. The lab's running sshd needs the directory
# for every new connection, so it is put back at the end.
scenario_privsep_missing() {
  local d=$1 sh=$2 cfg
  mkuser t-psep; chmod 0777 /home/t-psep
  login t-psep >"$d/login.before"
  rmdir /run/sshd
  run_script "$d" run1 "$sh" --user t-psep --mode fix
  stat -c '%U %G %a' /run/sshd >"$d/privsep.after" 2>/dev/null || echo missing >"$d/privsep.after"
  login t-psep >"$d/login.after"
  rmdir /run/sshd
  cfg=$WORK/sshd_config.psep-broken
  { cat "$SSHD_CONFIG"; echo "NoSuchKeyword yes"; } >"$cfg"
  chmod 0777 /home/t-psep
  SSHD_CONFIG=$cfg run_script "$d" broken "$sh" --user t-psep --mode fix
  if [ -e /run/sshd ]; then echo present >"$d/privsep.broken"; else echo missing >"$d/privsep.broken"; fi
  stat -c '%a' /home/t-psep >"$d/home.broken"
  mkdir -m 0755 /run/sshd
}

# --- account locks, measured against the real sshd under UsePAM no and yes ----------------

# A second sshd with UsePAM yes (the distro's /etc/pam.d/sshd) on PORT+1, same keys.
start_pam_sshd() {
  sed -e 's/^UsePAM no/UsePAM yes/' -e "s/^Port .*/Port $((PORT + 1))/" -e "s#^PidFile .*#PidFile $WORK/sshd-pam.pid#" "$SSHD_CONFIG" >"$WORK/sshd_config.pam"
  /usr/sbin/sshd -f "$WORK/sshd_config.pam" -E "$WORK/sshd-pam.log"
  for _ in $(seq 100); do [ -s "$WORK/sshd-pam.pid" ] && break; sleep 0.1; done
  PAM_PID=$(cat "$WORK/sshd-pam.pid")
}
login_pam() { PORT=$((PORT + 1)) login "$@"; }

# scenario_lock_forms: for every shadow form, record whether each sshd accepts the key.
# One line per form: NAME NOPAM-RC PAM-RC.
scenario_lock_forms() {
  local d=$1 form name i=0
  start_pam_sshd
  for form in '*' '!' '!!' '!*' '!$6$abc$def' '*LK*' 'expired' 'pwexpired' 'nologin'; do
    i=$((i + 1)); name=lf-$i
    mkuser "$name"
    case $form in
      expired) chage -E 1 "$name" ;;
      pwexpired) usermod -p '$6$abc$def' "$name"; chage -d 0 "$name" ;;
      nologin) usermod -s /usr/sbin/nologin "$name" ;;
      *) usermod -p "$form" "$name" ;;
    esac
    echo "$form $(login "$name") $(login_pam "$name")" >>"$d/forms"
  done
  kill "$PAM_PID"
}

# --- safety rules ---------------------------------------------------------------------

# stat of the system directories a system account's home may point at.
sys_stat() { stat -c '%n %U %G %a' /bin /usr/bin /usr/bin/passwd /usr/sbin /var/tmp; }

# `sync` (uid < UID_MIN, home /bin -> /usr/bin, a real shell) with every repair option on:
# refused, /usr/bin untouched; allowed as a system user, its home is still a system directory.
scenario_trap_system_account() {
  local d=$1 sh=$2
  sys_stat >"$d/sys.before"
  run_script "$d" run1 "$sh" --user sync --mode fix --strict --recursive
  run_script "$d" run2 "$sh" --user sync --mode fix --strict --recursive --allow-system-user
  sys_stat >"$d/sys.after"
  # a service account with an ordinary home: refused unless allowed
  useradd -r -m -d /home/s-svc -s /bin/sh s-svc; usermod -p '*' s-svc
  ssh-keygen -q -t ed25519 -N '' -f "$KEYS/s-svc"
  install -d -m 0700 -o s-svc /home/s-svc/.ssh; install -m 0600 -o s-svc "$KEYS/s-svc.pub" /home/s-svc/.ssh/authorized_keys
  chmod 0777 /home/s-svc
  run_script "$d" svc1 "$sh" --user s-svc --mode fix
  login s-svc >"$d/svc.login1"
  run_script "$d" svc2 "$sh" --user s-svc --mode fix --allow-system-user
  login s-svc >"$d/svc.login2"
}

# A home under a sticky shared directory (as /var/tmp): the home is fixed, the parent keeps 1777.
setup_parent_shared() {
  U=s-shared; mkdir -m 1777 /srv/shared; mkuser "$U" -d "/srv/shared/$U"; chmod 0775 "/srv/shared/$U"; second_member "$U"
}
post_parent_shared() { stat -c '%a %U' /srv/shared >"$1/parent"; }

# AuthorizedKeysFile /srv/%u.d/%u: a root-owned 0777 directory sshd checks is stripped of
# group/other write (never chowned); a sticky one is reported and left alone.
setup_key_dir_shared() {
  U=s-keys; mkuser "$U"; rm -rf "/home/$U/.ssh"
  mkdir -m 0777 "/srv/$U.d"; install -m 0644 -o "$U" "$KEYS/$U.pub" "/srv/$U.d/$U"
  EXCLUDE=/srv/$U.d
}
post_key_dir_shared() { stat -c '%a %U' "/srv/s-keys.d" >"$1/keydir"; }
scenario_trap_key_dir_sticky() {
  mkuser s-sticky; rm -rf /home/s-sticky/.ssh
  mkdir -m 1777 /srv/s-sticky.d; install -m 0644 -o s-sticky "$KEYS/s-sticky.pub" /srv/s-sticky.d/s-sticky
  trap_run "$1" "$2" s-sticky --user s-sticky --mode fix
  stat -c '%a %U' /srv/s-sticky.d >"$1/keydir"
}

# ChrootDirectory %h (SFTP only): the home must stay root's; the key file inside is fixed.
setup_chroot() {
  U=s-chroot; mkuser "$U"; chown root:root "/home/$U"; chmod 0755 "/home/$U"; chmod 0666 "/home/$U/.ssh/authorized_keys"
}
post_chroot() { stat -c '%a %U' /home/s-chroot >"$1/home"; }
scenario_trap_chroot() {
  # a group-writable chroot home: sshd refuses, and the repair must not change the chroot path
  mkuser s-chroot2; chown root:root /home/s-chroot2; chmod 0775 /home/s-chroot2; second_member s-chroot2
  trap_run "$1" "$2" s-chroot2 --user s-chroot2 --mode fix --recursive
}

# A fix that fails (read-only key directory) is cannot-fix with exit 4, not success.
scenario_trap_read_only() {
  mkuser s-ro; chmod 0666 /home/s-ro/.ssh/authorized_keys
  mount --bind /home/s-ro/.ssh /home/s-ro/.ssh; mount -o remount,bind,ro /home/s-ro/.ssh
  trap_run "$1" "$2" s-ro --user s-ro --mode fix
}

# --- capabilities: new key, re-created user, unlock, expiry -----------------------------

newkey() { ssh-keygen -q -t "${2:-ed25519}" ${3:+-b "$3"} -N '' -C "$1-new@lab" -f "$KEYS/$1-new"; cat "$KEYS/$1-new.pub"; }

# Lost private key: a new key is appended; the old key still works; a second run is a no-op.
scenario_key_replaced() {
  local d=$1 sh=$2 k
  mkuser c-rep; printf '# keep me\nno-pty %s' "$(cat "$KEYS/c-rep.pub")" >/home/c-rep/.ssh/authorized_keys # no final newline
  k=$(newkey c-rep)
  cp /home/c-rep/.ssh/authorized_keys "$d/keys.before"
  login c-rep c-rep-new >"$d/login.before"
  run_script "$d" run1 "$sh" --user c-rep --mode fix --public-key "$k"
  login c-rep c-rep-new >"$d/login.after"
  login c-rep >"$d/login.old"
  cp /home/c-rep/.ssh/authorized_keys "$d/keys.after"
  run_script "$d" run2 "$sh" --user c-rep --mode fix --public-key "$k"
  cp /home/c-rep/.ssh/authorized_keys "$d/keys.after2"
  echo "$k" >"$d/key"
}

# Deleted user: re-created by useradd (uid >= UID_MIN, home, group) with the key installed.
scenario_recreate() {
  local d=$1 sh=$2 k
  k=$(newkey c-gone)
  run_script "$d" diag "$sh" --user c-gone --mode diagnose --create-user --public-key "$k"
  getent passwd c-gone >"$d/passwd.diag" || echo none >"$d/passwd.diag"
  run_script "$d" nokey "$sh" --user c-gone --mode fix --create-user
  run_script "$d" run1 "$sh" --user c-gone --mode fix --create-user --public-key "$k"
  login c-gone c-gone-new >"$d/login.after"
  getent passwd c-gone >"$d/passwd"
  id -gn c-gone >"$d/group"
  snapshot_user /home/c-gone >"$d/tree.after"
  run_script "$d" run2 "$sh" --user c-gone --mode fix --create-user --public-key "$k"
  # deleted without -r: the old home (old uid) is adopted by the re-created user
  mkuser c-left; userdel c-left; k=$(newkey c-left)
  run_script "$d" left "$sh" --user c-left --mode fix --create-user --public-key "$k"
  login c-left c-left-new >"$d/login.left"
}

# Locked ('!' hash, UsePAM no) and expired accounts: changed only when asked for.
scenario_unlock() {
  local d=$1 sh=$2
  start_pam_sshd
  mkuser c-lock; usermod -L c-lock
  login c-lock >"$d/login.before"
  run_script "$d" run1 "$sh" --user c-lock --mode fix --unlock
  login c-lock >"$d/login.after"
  getent shadow c-lock | cut -d: -f2 >"$d/hash"
  run_script "$d" run2 "$sh" --user c-lock --mode fix --unlock
  # a locked real password hash: the "!" goes, the hash stays
  mkuser c-lock2; usermod -p '$6$salt$hash' c-lock2; usermod -L c-lock2
  run_script "$d" hashrun "$sh" --user c-lock2 --mode fix --unlock
  getent shadow c-lock2 | cut -d: -f2 >"$d/hash2"
  # UsePAM yes: a "!" hash is not refused, so it is not changed
  mkuser c-pam; usermod -L c-pam
  SSHD_CONFIG=$WORK/sshd_config.pam run_script "$d" pam "$sh" --user c-pam --mode fix --unlock
  login_pam c-pam >"$d/login.pam"
  getent shadow c-pam | cut -d: -f2 >"$d/hash.pam"
  mkuser c-exp; chage -E 1 c-exp
  run_script "$d" exp0 "$sh" --user c-exp --mode fix --unlock
  run_script "$d" exp1 "$sh" --user c-exp --mode fix --extend-expiry
  login c-exp >"$d/login.exp"
  SSHD_CONFIG=$WORK/sshd_config.pam login_pam c-exp >"$d/login.exp.pam"
  kill "$PAM_PID"
}

# Wrong user / wrong key: which local users authorize the launch key pair or a fingerprint.
scenario_key_pair() {
  local d=$1 sh=$2 fp stray
  mkuser c-ubuntu; mkuser c-ec2
  fp=$(ssh-keygen -l -E sha256 -f "$KEYS/c-ubuntu.pub" | awk '{print $2}')
  run_script "$d" other "$sh" --user c-ec2 --mode diagnose --key-pair "$fp" --key-pair-name prod-2024
  run_script "$d" same "$sh" --user c-ubuntu --mode diagnose --key-pair "$fp" --key-pair-name prod-2024
  run_script "$d" gone "$sh" --user c-nobody --mode diagnose --key-pair "$fp" --key-pair-name prod-2024
  ssh-keygen -q -t ed25519 -N '' -f "$KEYS/stray"
  stray=$(ssh-keygen -l -E sha256 -f "$KEYS/stray.pub" | awk '{print $2}')
  run_script "$d" none "$sh" --user c-ec2 --mode diagnose --key-pair "$stray" --key-pair-name old-pair
  run_script "$d" fpother "$sh" --user c-ec2 --mode fix --fingerprint "$fp"
  run_script "$d" fpsame "$sh" --user c-ubuntu --mode diagnose --fingerprint "$fp"
}

# Hostile values for every new argument: refused (exit 2) before anything changes.
scenario_trap_hostile_keys() {
  local d=$1 sh=$2 good i=0 v
  mkuser h-user; chmod 0777 /home/h-user
  good=$(cat "$KEYS/h-user.pub")
  ssh-keygen -q -t rsa -b 1024 -N '' -f "$KEYS/rsa1024"
  snapshot_outside /nonexistent >"$d/outside.before"
  snapshot_user /home/h-user >"$d/tree.before"
  for v in "$good
ssh-ed25519 AAAA" "$good;touch $d/pwned" "\$(touch $d/pwned) $good" "command=\"touch $d/pwned\" $good" \
    "ssh-ed25519 $(head -c 3000 /dev/zero | tr '\0' A)" "$(cat "$KEYS/rsa1024.pub")" "ssh-rsa ${good#* }" "ssh-dss AAAAB3NzaC1kc3MAAACBAP"; do
    i=$((i + 1))
    run_script "$d" pk$i "$sh" --user h-user --mode fix --public-key "$v"
    run_script "$d" kp$i "$sh" --user h-user --mode fix --key-pair "$v"
  done
  run_script "$d" fp1 "$sh" --user h-user --mode fix --fingerprint "SHA256:\$(touch $d/pwned)"
  run_script "$d" fp2 "$sh" --user h-user --mode fix --fingerprint 'MD5:aa:bb'
  run_script "$d" create "$sh" --user h-gone --mode fix --create-user
  run_script "$d" kpn1 "$sh" --user h-user --mode fix --key-pair-name "a;touch $d/pwned"
  run_script "$d" kpn2 "$sh" --user h-user --mode fix --key-pair-name "\$(touch $d/pwned)"
  echo "$i" >"$d/count"
  snapshot_outside /nonexistent >"$d/outside.after"
  snapshot_user /home/h-user >"$d/tree.after"
  if [ -e "$d/pwned" ]; then echo yes >"$d/pwned.exists"; else echo no >"$d/pwned.exists"; fi
}

# The user data path of the opt-in repairs: LAB_USERDATA_CREATE re-creates the deleted user
# ud-new with the public key of LAB_NEWKEY (a private key file), and the real sshd must accept it.
scenario_userdata_create() {
  local d=$1 sh=$2
  cp "$LAB_NEWKEY" "$KEYS/ud-new"; chmod 0600 "$KEYS/ud-new"
  getent passwd ud-new >/dev/null && echo exists >"$d/before" || echo none >"$d/before"
  login ud-new >"$d/login.before"
  EC2_SSH_RESCUE_USER_DATA=$LAB_USERDATA_CREATE EC2_SSH_RESCUE_STATE_DIR=$WORK/state-create run_script "$d" boot1 "$sh"
  login ud-new >"$d/login.after"
  getent passwd ud-new | cut -d: -f3 >"$d/uid"
  cp /dev/console "$d/console"
}
