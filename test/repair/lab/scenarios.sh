# shellcheck shell=bash
# Scenarios for lab.sh. A matrix scenario is setup_NAME (creates and breaks an account,
# sets U and optionally ARGS); a special scenario is scenario_NAME DIR SHELL and records
# its own observations in DIR.
# shellcheck disable=SC2034 # U, ARGS and EXCLUDE are read by lab.sh

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
  chown root:root "/home/$U"; chmod 0700 "/home/$U"
  chown root:root "/home/$U/.ssh/authorized_keys"
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
