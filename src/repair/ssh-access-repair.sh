#!/bin/sh
# ec2-ssh-rescue: diagnose and repair why sshd refuses a valid key for a login user.
#
# Usage:
#   sh ssh-access-repair.sh --user NAME --mode fix|diagnose [--strict] [--recursive]
#                           [--request-id ID] [--console]
#   sh ssh-access-repair.sh            (no arguments: user-data mode, see below)
#
#   --user NAME      login user; must match ^[a-z_][a-z0-9._-]{0,31}$ (the portable
#                    user-name set of useradd/adduser, lower case). Empty or absent:
#                    detect among the AMI default users (ec2-user, ubuntu, admin, ...).
#   --mode           fix: change what sshd StrictModes refuses; diagnose: change nothing.
#   --strict         also set AWS's modes: home 0700, ~/.ssh 0700, key files 0600.
#   --recursive      also give the user every entry of the home it does not own
#                    (never through symlinks, never hardlinked files, one file system).
#   --request-id ID  ^[A-Za-z0-9-]{1,64}$, echoed in the report and console marker.
#   --console        also write the marker line to /dev/console and /dev/kmsg.
#
# Output: readable lines, then ONE final line of compact JSON:
#   {"tool":"ec2-ssh-rescue","version":1,"mode":..,"user":..,"requestId":..,"verdict":..,
#    "findings":[{"code","path","message"}],"actions":[{"action","path","from","to"}],
#    "paths":[{"path","before":{"owner","group","mode"},"after":{...}}]}
#
# Verdicts and exit codes:
#   ok              0  nothing wrong
#   fixed           0  fix mode changed something and nothing blocking is left
#   needs-fix       0  diagnose mode found problems fix mode would repair
#   cannot-fix      4  problems this script must not or cannot repair (locked or expired
#                      account, nologin shell, missing key, symlink or hardlink trap, ...)
#   user-not-found  3  the user does not exist (or no default user could be detected)
#   bad-input       2  invalid arguments; nothing was examined or changed
#
# User-data mode: cloud-init's scripts-user runs the shell part of the user data with no
# arguments. The shell part must be byte-identical to this file (so what was reviewed and
# tested is what runs), and the user name must reach it as DATA, never spliced into shell
# code. So the arguments are read from one line of the cloud-config part of the raw user
# data, parsed (never evaluated) and validated exactly like the flags:
#   # ec2-ssh-rescue-args: user=NAME mode=fix|diagnose strict=true|false recursive=true|false request=ID
# A fix runs once per request id (marker under /var/lib/ec2-ssh-rescue/), so boots that
# happen before the original user data is restored only diagnose. The result is written
# as one line to /dev/console and /dev/kmsg so a runbook can read it via GetConsoleOutput:
#   ec2-ssh-rescue: request=ID verdict=VERDICT user=NAME actions=N
#
# Environment (for labs and tests; unset on instances):
#   SSHD, SSHD_CONFIG                      sshd binary and config (default /usr/sbin/sshd, sshd's own)
#   EC2_SSH_RESCUE_USER_DATA               raw user data (default /var/lib/cloud/instance/user-data.txt)
#   EC2_SSH_RESCUE_STATE_DIR               once-per-request markers (default /var/lib/ec2-ssh-rescue)
#
# POSIX sh: runs under dash, bash and busybox ash. Never follows a symlink and never acts
# through a hardlink when changing anything as root.

set -u
set -f
umask 077
LC_ALL=C
export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

TOOL_VERSION=1
ARGS_PREFIX='# ec2-ssh-rescue-args: '
DEFAULT_USERS='ec2-user ubuntu admin debian centos fedora rocky almalinux cloud-user bitnami opc alinux'

MODE=''
USER_NAME=''
STRICT=0
RECURSIVE=0
REQUEST_ID=''
CONSOLE=0
USERDATA_MODE=0

FINDINGS=''
ACTIONS=''
PATHS=''
N_ACTIONS=0
N_FIXABLE=0
N_BLOCKING=0
VISITED='
'

say() { printf '%s\n' "$*"; }

# JSON string literal of $1. awk reads the value from the environment, so backslashes
# are not interpreted; control characters and bytes >= 0x7f are escaped as \u00XX, which
# keeps the output valid JSON whatever bytes a file name holds.
jstr() {
  JSTR_IN=$1 awk 'BEGIN {
    for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
    s = ENVIRON["JSTR_IN"]; out = ""
    n = length(s)
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1); o = ord[c]
      if (c == "\"") out = out "\\\""
      else if (c == "\\") out = out "\\\\"
      else if (o < 32 || o >= 127) out = out sprintf("\\u%04x", o)
      else out = out c
    }
    printf "\"%s\"", out
  }'
}

append() { # append VAR JSON
  eval "_cur=\${$1}"
  # shellcheck disable=SC2154
  if [ -z "$_cur" ]; then eval "$1=\$2"; else eval "$1=\"\${$1},\$2\""; fi
}

# finding KIND CODE PATH MESSAGE; KIND is fixable, blocking or info.
finding() {
  case $1 in
    fixable) N_FIXABLE=$((N_FIXABLE + 1)) ;;
    blocking) N_BLOCKING=$((N_BLOCKING + 1)) ;;
  esac
  say "[$1] $2 ${3:+$3: }$4"
  append FINDINGS "{\"code\":$(jstr "$2"),\"path\":$(jstr "$3"),\"message\":$(jstr "$4")}"
}

action() { # action NAME PATH FROM TO
  N_ACTIONS=$((N_ACTIONS + 1))
  say "[action] $1 $2: $3 -> $4"
  append ACTIONS "{\"action\":$(jstr "$1"),\"path\":$(jstr "$2"),\"from\":$(jstr "$3"),\"to\":$(jstr "$4")}"
}

emit_json() { # emit_json VERDICT
  printf '{"tool":"ec2-ssh-rescue","version":%s,"mode":%s,"user":%s,"requestId":%s,"verdict":%s,"findings":[%s],"actions":[%s],"paths":[%s]}\n' \
    "$TOOL_VERSION" "$(jstr "${MODE:-diagnose}")" "$(jstr "$USER_NAME")" "$(jstr "$REQUEST_ID")" \
    "$(jstr "$1")" "$FINDINGS" "$ACTIONS" "$PATHS"
}

console_marker() { # console_marker VERDICT
  line="ec2-ssh-rescue: request=${REQUEST_ID:-none} verdict=$1 user=${USER_NAME:-none} actions=$N_ACTIONS"
  for dev in /dev/console /dev/kmsg; do
    if [ -w "$dev" ]; then printf '%s\n' "$line" 2>/dev/null >"$dev" || :; fi
  done
}

finish() { # finish VERDICT EXIT_CODE
  say "verdict: $1"
  if [ "$CONSOLE" = 1 ]; then console_marker "$1"; fi
  emit_json "$1"
  exit "$2"
}

bad_input() {
  finding blocking BAD_INPUT '' "$1"
  finish bad-input 2
}

valid_user() {
  [ "${#1}" -ge 1 ] && [ "${#1}" -le 32 ] || return 1
  case $1 in [!a-z_]* | *[!a-z0-9._-]*) return 1 ;; esac
  return 0
}

valid_request() {
  [ "${#1}" -ge 1 ] && [ "${#1}" -le 64 ] || return 1
  case $1 in *[!A-Za-z0-9-]*) return 1 ;; esac
  return 0
}

set_user() {
  if [ -n "$1" ] && ! valid_user "$1"; then
    # The refused value stays out of USER_NAME; the report carries it, JSON-escaped, in
    # the message only. It is never used in a command.
    bad_input "user name '$1' is not a portable user name (^[a-z_][a-z0-9._-]{0,31}\$)"
  fi
  USER_NAME=$1
}

set_mode() {
  case $1 in fix | diagnose) MODE=$1 ;; *) bad_input "mode must be fix or diagnose" ;; esac
}

set_bool() { # set_bool VAR NAME VALUE
  case $3 in true) eval "$1=1" ;; false) eval "$1=0" ;; *) bad_input "$2 must be true or false" ;; esac
}

set_request() {
  valid_request "$1" || bad_input "request id must match ^[A-Za-z0-9-]{1,64}\$"
  REQUEST_ID=$1
}

parse_cli() {
  while [ "$#" -gt 0 ]; do
    case $1 in
      --user) [ "$#" -ge 2 ] || bad_input "--user needs a value"; set_user "$2"; shift ;;
      --user=*) set_user "${1#--user=}" ;;
      --mode) [ "$#" -ge 2 ] || bad_input "--mode needs a value"; set_mode "$2"; shift ;;
      --mode=*) set_mode "${1#--mode=}" ;;
      --strict) STRICT=1 ;;
      --recursive) RECURSIVE=1 ;;
      --request-id) [ "$#" -ge 2 ] || bad_input "--request-id needs a value"; set_request "$2"; shift ;;
      --request-id=*) set_request "${1#--request-id=}" ;;
      --console) CONSOLE=1 ;;
      -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
      *) bad_input "unknown argument (see --help)" ;;
    esac
    shift
  done
  [ -n "$MODE" ] || bad_input "--mode fix|diagnose is required"
}

# User-data mode: the one args line of the cloud-config part is split on spaces into
# key=value words (globbing is off) and each value goes through the same validation as
# the flags. Nothing from the user data is ever evaluated.
parse_user_data() {
  USERDATA_MODE=1
  CONSOLE=1
  ud=${EC2_SSH_RESCUE_USER_DATA:-/var/lib/cloud/instance/user-data.txt}
  [ -r "$ud" ] || bad_input "user data $ud is not readable"
  count=$(grep -c "^$ARGS_PREFIX" "$ud")
  [ "$count" = 1 ] || bad_input "user data must hold exactly one '$ARGS_PREFIX' line, found $count"
  line=$(grep "^$ARGS_PREFIX" "$ud" | tr -d '\r')
  line=${line#"$ARGS_PREFIX"}
  seen=' '
  for word in $line; do
    key=${word%%=*}
    [ "$key" != "$word" ] || bad_input "user-data argument without '=': only key=value words are allowed"
    case $seen in *" $key "*) bad_input "user-data argument $key given twice" ;; esac
    seen="$seen$key "
    value=${word#*=}
    case $key in
      user) set_user "$value" ;;
      mode) set_mode "$value" ;;
      strict) set_bool STRICT strict "$value" ;;
      recursive) set_bool RECURSIVE recursive "$value" ;;
      request) set_request "$value" ;;
      *) bad_input "unknown user-data argument (allowed: user mode strict recursive request)" ;;
    esac
  done
  for key in user mode strict recursive request; do
    case $seen in *" $key "*) ;; *) bad_input "user-data argument $key is missing" ;; esac
  done
}

# --- facts from the system ---------------------------------------------------------

SSHD=${SSHD:-/usr/sbin/sshd}
sshd_cmd() {
  if [ -n "${SSHD_CONFIG:-}" ]; then "$SSHD" -f "$SSHD_CONFIG" "$@"; else "$SSHD" "$@"; fi
}

# Effective sshd settings for this user, Match blocks included (sshd -T -C), read once
# per user.
sshd_effective() { # sshd_effective USER KEYWORD
  dump="$TMP/sshd-T.$1"
  [ -f "$dump" ] || sshd_cmd -T -C "user=$1,host=localhost,addr=127.0.0.1" >"$dump" 2>/dev/null || :
  awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$dump"
}

# Expands %h %u %U %% the way sshd does for AuthorizedKeysFile (sshd_config(5) TOKENS);
# relative results are relative to the home.
expand_keyfile() { # expand_keyfile PATTERN HOME USER UID
  KF_P=$1 KF_H=$2 KF_U=$3 KF_I=$4 awk 'BEGIN {
    p = ENVIRON["KF_P"]; out = ""
    for (i = 1; i <= length(p); i++) {
      c = substr(p, i, 1)
      if (c == "%" && i < length(p)) {
        t = substr(p, ++i, 1)
        if (t == "%") out = out "%"
        else if (t == "h") out = out ENVIRON["KF_H"]
        else if (t == "u") out = out ENVIRON["KF_U"]
        else if (t == "U") out = out ENVIRON["KF_I"]
        else out = out "%" t
      } else out = out c
    }
    if (substr(out, 1, 1) != "/") out = ENVIRON["KF_H"] "/" out
    print out
  }'
}

key_patterns() { # key_patterns USER -> AuthorizedKeysFile words
  v=$(sshd_effective "$1" authorizedkeysfile)
  printf '%s\n' "${v:-.ssh/authorized_keys .ssh/authorized_keys2}"
}

has_key_file() { # has_key_file USER HOME UID
  for pat in $(key_patterns "$1"); do
    [ "$pat" = none ] && continue
    f=$(expand_keyfile "$pat" "$2" "$1" "$3")
    if [ -s "$f" ]; then return 0; fi
  done
  return 1
}

detect_user() {
  existing=''
  withkey=''
  for u in $DEFAULT_USERS; do
    entry=$(getent passwd "$u") || continue
    existing="$existing $u"
    h=$(printf '%s\n' "$entry" | cut -d: -f6)
    i=$(printf '%s\n' "$entry" | cut -d: -f3)
    if has_key_file "$u" "$h" "$i"; then withkey="$withkey $u"; fi
  done
  # shellcheck disable=SC2086 # word list of user names; globbing is off
  set -- $withkey
  if [ "$#" = 1 ]; then USER_NAME=$1; say "detected login user $1 (has a key file)"; return; fi
  if [ "$#" -gt 1 ]; then
    finding blocking USER_AMBIGUOUS '' "several default users have key files:$withkey; pass --user"
    finish bad-input 2
  fi
  # shellcheck disable=SC2086 # word list of user names; globbing is off
  set -- $existing
  if [ "$#" = 1 ]; then USER_NAME=$1; say "detected login user $1 (no key file yet)"; return; fi
  if [ "$#" -gt 1 ]; then
    finding blocking USER_AMBIGUOUS '' "several default users exist:$existing; pass --user"
    finish bad-input 2
  fi
  finding blocking USER_NOT_FOUND '' "none of the default users exists ($DEFAULT_USERS); pass --user"
  finish user-not-found 3
}

# --- path checks ---------------------------------------------------------------------

st() { stat -c "$1" -- "$2" 2>/dev/null; }
mode_of() { printf '%04o' "$((0$(st %a "$1")))"; }
meta_json() { # owner/group/mode of the path itself (symlinks not followed)
  if [ -e "$1" ] || [ -L "$1" ]; then
    printf '{"owner":%s,"group":%s,"mode":%s}' "$(jstr "$(st %U "$1")")" "$(jstr "$(st %G "$1")")" "$(jstr "$(mode_of "$1")")"
  else
    printf 'null'
  fi
}

inside_home() { case $1 in "$HOME_REAL" | "$HOME_REAL"/*) return 0 ;; esac; return 1; }

# Does the user reach PATH with permission bit set BITS (owner value: 4 read, 1 exec)?
user_can() { # user_can PATH BIT
  o=$(st %u "$1"); g=$(st %g "$1"); m=$((0$(st %a "$1")))
  if [ "$UID_N" = 0 ]; then true
  elif [ "$o" = "$UID_N" ]; then [ $((m & ($2 * 64))) -ne 0 ]
  elif [ "$g" = "$GID_N" ]; then [ $((m & ($2 * 8))) -ne 0 ]
  else [ $((m & $2)) -ne 0 ]
  fi
}

do_chmod() { # do_chmod PATH SPEC REASON-CODE MESSAGE
  before=$(mode_of "$1")
  if [ "$MODE" = fix ]; then
    # Re-checked right before acting: chmod follows symlinks, so a path that became a
    # symlink since it was inspected is left alone.
    if [ -L "$1" ]; then finding blocking PATH_CHANGED "$1" "became a symlink while checking; left alone"; return; fi
    chmod "$2" -- "$1" && action chmod "$1" "$before" "$(mode_of "$1")"
  fi
}

do_chown() { # do_chown PATH
  before="$(st %U "$1"):$(st %G "$1")"
  if [ "$MODE" = fix ]; then
    chown -h "$UID_N:$GID_N" -- "$1" && action chown "$1" "$before" "$USER_NAME:$GROUP_NAME"
  fi
}

# check_path PATH ROLE, ROLE one of:
#   own   must be owned by the user (home, ~/.ssh, key files in the home)
#   dirin directory inside the home: root or the user
#   out   directory outside the home that sshd checks (keys outside the home): report only
#   keyout key file outside the home: root or the user
#   parent the home's parent: traversable, not group/other writable, owner kept
#   above  directories above the parent: traversable
check_path() {
  p=$1; role=$2
  case $VISITED in *"
$p
"*) return ;; esac
  VISITED="$VISITED$p
"
  before_json=$(meta_json "$p")
  if [ -L "$p" ]; then
    finding blocking SYMLINK "$p" "is a symlink; never changed through a link"
    return
  fi
  is_dir=0; [ -d "$p" ] && is_dir=1
  bit=4; [ "$is_dir" = 1 ] && bit=1
  owner=$(st %u "$p"); m=$((0$(st %a "$p")))

  # Ownership: sshd accepts root or the user (auth.c safe_path); the home, ~/.ssh and
  # key files in the home belong to the user.
  case $role in
    own)
      if [ "$owner" != "$UID_N" ]; then
        finding fixable BAD_OWNER "$p" "owned by $(st %U "$p"), not $USER_NAME"
        do_chown "$p"
      fi ;;
    dirin | keyout)
      if [ "$owner" != "$UID_N" ] && [ "$owner" != 0 ]; then
        finding fixable BAD_OWNER "$p" "owned by $(st %U "$p"), neither root nor $USER_NAME"
        do_chown "$p"
      fi ;;
    out)
      if [ "$owner" != "$UID_N" ] && [ "$owner" != 0 ]; then
        finding blocking BAD_OWNER_OUTSIDE_HOME "$p" "owned by $(st %U "$p"); sshd refuses it and a system directory is not re-owned"
      fi ;;
  esac

  # Group/other write: StrictModes refuses it (upstream OpenSSH even when the group holds
  # only the owner), so it is stripped regardless.
  if [ $((m & 18)) -ne 0 ] && [ "$role" != above ]; then
    if [ "$role" = out ]; then
      finding blocking WRITABLE_OUTSIDE_HOME "$p" "mode $(mode_of "$p") is group/other writable; a system directory is not changed"
    else
      finding fixable GROUP_OTHER_WRITABLE "$p" "mode $(mode_of "$p") is group/other writable"
      # With --strict the exact mode below replaces this in one change.
      if [ "$STRICT" = 0 ] || [ "$role" != own ]; then do_chmod "$p" go-w; fi
    fi
  fi

  # Strict (AWS) modes for the home, ~/.ssh and key files in the home.
  if [ "$STRICT" = 1 ] && [ "$role" = own ]; then
    want=0600; [ "$is_dir" = 1 ] && want=0700
    now=$(mode_of "$p")
    if [ "$now" != "$want" ]; then
      [ $((m & 18)) -ne 0 ] || finding fixable NOT_STRICT_MODE "$p" "mode $now, strict mode wants $want"
      do_chmod "$p" "$want"
    fi
  fi

  # The user must traverse every directory and read the key files: keys are opened as
  # the user, and a denied component only shows as "Permission denied" in sshd's log.
  verb='read'; [ "$bit" = 1 ] && verb='traverse'
  if [ "$MODE" = fix ] && ! user_can "$p" "$bit"; then
    if [ "$role" = out ]; then
      finding blocking NOT_ACCESSIBLE "$p" "$USER_NAME cannot $verb it; a system directory is not changed"
    else
      if [ "$(st %u "$p")" = "$UID_N" ]; then spec='u+x'; [ "$bit" = 4 ] && spec='u+r'
      else spec='go+x'; [ "$bit" = 4 ] && spec='go+r'; fi
      finding fixable NOT_ACCESSIBLE "$p" "$USER_NAME cannot $verb it"
      do_chmod "$p" "$spec"
    fi
  elif [ "$MODE" = diagnose ] && ! user_can_after "$p" "$bit" "$role"; then
    kind=fixable; [ "$role" = out ] && kind=blocking
    finding "$kind" NOT_ACCESSIBLE "$p" "$USER_NAME cannot $verb it"
  fi

  append PATHS "{\"path\":$(jstr "$p"),\"before\":$before_json,\"after\":$(meta_json "$p")}"
}

# In diagnose mode the owner would change for "own" paths; judge access on that outcome.
user_can_after() { # user_can_after PATH BIT ROLE
  if [ "$3" = own ] || { [ "$3" = dirin ] && [ "$(st %u "$1")" != 0 ]; }; then
    m=$((0$(st %a "$1"))); [ $((m & ($2 * 64))) -ne 0 ]
  else
    user_can "$1" "$2"
  fi
}

# Directories from the home's parent up to / must be traversable; the parent must also
# not be group/other writable (AWS: /home 0755).
check_ancestors() {
  d=${HOME_REAL%/*}; [ -n "$d" ] || d=/
  check_path "$d" parent
  while [ "$d" != / ]; do
    d=${d%/*}; [ -n "$d" ] || d=/
    check_path "$d" above
  done
}

# The directories sshd checks for a key file outside the home: DIR and every one above.
check_outside_dirs() { # check_outside_dirs DIR
  d=$1
  while :; do
    check_path "$d" out
    [ "$d" = / ] && break
    d=${d%/*}; [ -n "$d" ] || d=/
  done
}

# Directories between the home (exclusive) and DIR (inclusive), from the home down.
check_inside_dirs() { # check_inside_dirs DIR
  rest=${1#"$HOME_REAL"}; cur=$HOME_REAL
  while [ -n "$rest" ]; do
    rest=${rest#/}; part=${rest%%/*}; rest=${rest#"$part"}
    cur="$cur/$part"
    if [ "$cur" = "$HOME_REAL/.ssh" ]; then check_path "$cur" own; else check_path "$cur" dirin; fi
  done
}

KEYS_FOUND=0
SSH_DIR_SEEN=0
check_key_file() { # check_key_file PATH
  f=$1; dir=${f%/*}; [ -n "$dir" ] || dir=/; base=${f##*/}
  say "key file: $f"
  if [ ! -d "$dir" ] && [ ! -L "$dir" ]; then
    if [ "$dir" = "$HOME_REAL/.ssh" ] && [ "$SSH_DIR_SEEN" = 0 ]; then
      SSH_DIR_SEEN=1
      if [ "$MODE" = fix ]; then
        mkdir -m 0700 -- "$dir" && chown "$UID_N:$GID_N" -- "$dir" &&
          action mkdir "$dir" "" "0700 $USER_NAME:$GROUP_NAME"
      else
        finding fixable SSH_DIR_MISSING "$dir" "does not exist; fix mode creates it (0700, owned by $USER_NAME)"
      fi
    fi
    return
  fi
  rdir=$(cd -P -- "$dir" 2>/dev/null && pwd -P) || { finding blocking NOT_ACCESSIBLE "$dir" "cannot be resolved"; return; }
  if inside_home "$f"; then
    if ! inside_home "$rdir"; then
      finding blocking SYMLINK_OUTSIDE_HOME "$dir" "resolves to $rdir outside the home; left alone"
      return
    fi
    [ "$rdir" = "$HOME_REAL" ] || check_inside_dirs "$rdir"
  else
    check_outside_dirs "$rdir"
  fi
  rf="$rdir/$base"
  if [ -L "$rf" ]; then
    target=$(readlink -f -- "$rf" 2>/dev/null || :)
    if inside_home "$f" && [ -n "$target" ] && inside_home "$target"; then
      say "key file $rf links to $target inside the home; checking the target"
      rf=$target
      tdir=${rf%/*}
      [ "$tdir" = "$HOME_REAL" ] || check_inside_dirs "$tdir"
    else
      finding blocking SYMLINK_OUTSIDE_HOME "$rf" "is a symlink to ${target:-a missing file}; left alone"
      KEYS_FOUND=$((KEYS_FOUND + 1))
      return
    fi
  fi
  [ -e "$rf" ] || return
  KEYS_FOUND=$((KEYS_FOUND + 1))
  if [ ! -f "$rf" ]; then finding blocking KEY_FILE_NOT_REGULAR "$rf" "is not a regular file"; return; fi
  links=$(st %h "$rf")
  if [ "$links" -gt 1 ]; then
    finding blocking HARDLINK "$rf" "has $links hard links; acting on it could change another file, left alone"
    return
  fi
  if [ ! -s "$rf" ]; then finding blocking KEY_FILE_EMPTY "$rf" "is empty; add the public key"; fi
  if inside_home "$rf"; then check_path "$rf" own; else check_path "$rf" keyout; fi
  check_key_types "$rf"
}

# OpenSSH 8.8 disabled ssh-rsa (RSA/SHA-1) signatures. An ssh-rsa key still works with
# rsa-sha2-256/512 signatures, so this is reported, never "fixed" by changing modes.
check_key_types() {
  [ "${SSHD_MAJOR:-0}" -gt 8 ] || { [ "${SSHD_MAJOR:-0}" = 8 ] && [ "${SSHD_MINOR:-0}" -ge 8 ]; } || return 0
  types=$(awk '/^[ \t]*(#|$)/ { next } { for (i = 1; i <= NF; i++) if ($i ~ /^(ssh-|ecdsa-|sk-)/) { print $i; break } }' "$1" 2>/dev/null | sort -u)
  if [ "$types" = ssh-rsa ]; then
    finding info RSA_SHA1_ONLY "$1" "only ssh-rsa keys: OpenSSH $SSHD_MAJOR.$SSHD_MINOR refuses SHA-1 signatures; clients must sign with rsa-sha2-256/512 (or use an ed25519 key)"
  fi
}

check_account() {
  shell=$(printf '%s\n' "$PW_ENTRY" | cut -d: -f7)
  case ${shell##*/} in
    nologin | false)
      finding blocking SHELL_NOLOGIN '' "login shell is $shell: the key is accepted but the session ends at once" ;;
    *)
      if [ -n "$shell" ] && [ ! -x "$shell" ]; then
        finding blocking SHELL_MISSING '' "login shell $shell does not exist or is not executable; sshd refuses the user"
      fi ;;
  esac
  sp=$(getent shadow "$USER_NAME" 2>/dev/null || :)
  if [ -n "$sp" ]; then
    hash=$(printf '%s\n' "$sp" | cut -d: -f2)
    expire=$(printf '%s\n' "$sp" | cut -d: -f8)
    usepam=$(sshd_effective "$USER_NAME" usepam)
    # With UsePAM no, sshd refuses an account whose hash starts with "!" (passwd -l /
    # usermod -L) before reading keys; "*" is not a lock (OpenSSH auth.c allowed_user,
    # LOCKED_PASSWD_PREFIX "!" on Linux; both verified with a real sshd in the test lab).
    case $hash in
      '!'*)
        if [ "$usepam" = no ]; then
          finding blocking ACCOUNT_LOCKED '' "password hash starts with '!' and sshd has UsePAM no: the account is locked for every method (usermod -U or set '*')"
        else
          finding info PASSWORD_LOCKED '' "password is locked; key logins still work because sshd uses PAM"
        fi ;;
    esac
    if [ -n "$expire" ]; then
      today=$(($(date +%s) / 86400))
      if [ "$expire" -le "$today" ] 2>/dev/null; then
        finding blocking ACCOUNT_EXPIRED '' "account expired (shadow expiry day $expire); chage -E -1 $USER_NAME"
      fi
    fi
  fi
}

check_sshd() {
  if [ ! -x "$SSHD" ]; then finding info SSHD_NOT_FOUND "$SSHD" "sshd binary not found; using default key file locations"; return; fi
  ver=$("$SSHD" -V 2>&1 | sed -n 's/.*OpenSSH_\([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n 1)
  SSHD_MAJOR=${ver% *}; SSHD_MINOR=${ver#* }
  if ! err=$(sshd_cmd -t 2>&1); then
    finding blocking SSHD_CONFIG_ERROR "${SSHD_CONFIG:-}" "sshd -t fails: $(printf '%s' "$err" | tr '\n' ' ')"
  fi
  if [ "$(sshd_effective "$USER_NAME" strictmodes)" = no ]; then
    finding info STRICTMODES_OFF "${SSHD_CONFIG:-}" "StrictModes no: sshd does not check modes, so modes are not why the key is refused"
  fi
  if [ "$(sshd_effective "$USER_NAME" pubkeyauthentication)" = no ]; then
    finding blocking PUBKEY_AUTH_OFF "${SSHD_CONFIG:-}" "PubkeyAuthentication no: sshd refuses every key"
  fi
  akc=$(sshd_effective "$USER_NAME" authorizedkeyscommand)
  if [ -n "$akc" ] && [ "$akc" != none ]; then AKC=1; else AKC=0; fi
}

selinux_restore() { # restorecon where SELinux is enabled, for the paths under the home
  command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled || return 0
  command -v restorecon >/dev/null 2>&1 || return 0
  for p in "$HOME_REAL" "$HOME_REAL/.ssh"; do
    if [ ! -e "$p" ] || [ -L "$p" ]; then continue; fi
    r=''; [ "$p" != "$HOME_REAL" ] && r=-R
    out=$(restorecon -n -v $r -- "$p" 2>/dev/null)
    [ -n "$out" ] || continue
    finding fixable SELINUX_CONTEXT "$p" "SELinux context differs from policy"
    if [ "$MODE" = fix ]; then restorecon $r -- "$p" && action restorecon "$p" wrong-context policy; fi
  done
}

recursive_own() {
  [ "$RECURSIVE" = 1 ] || return 0
  case $HOME_REAL in /*/*) ;; *) finding blocking RECURSIVE_REFUSED "$HOME_REAL" "home is a top-level directory; not re-owned recursively"; return ;; esac
  # -P: never follow symlinks; -xdev: stay on the home's file system; files with more
  # than one link may be another file's hardlink, so they are reported, not re-owned.
  find -P "$HOME_REAL" -xdev ! -user "$UID_N" ! -type d -links +1 -print >"$TMP/hard" 2>/dev/null
  while IFS= read -r x; do finding blocking HARDLINK "$x" "not owned by $USER_NAME and hardlinked; left alone"; done <"$TMP/hard"
  find -P "$HOME_REAL" -xdev ! -user "$UID_N" \( -type d -o -links 1 \) -print >"$TMP/rec" 2>/dev/null
  n=$(wc -l <"$TMP/rec" | tr -d ' ')
  [ "$n" -gt 0 ] || return 0
  finding fixable RECURSIVE_OWNER "$HOME_REAL" "$n entries in the home are not owned by $USER_NAME"
  if [ "$MODE" = fix ]; then
    find -P "$HOME_REAL" -xdev ! -user "$UID_N" \( -type d -o -links 1 \) -exec chown -h "$UID_N:$GID_N" {} + &&
      action chown-recursive "$HOME_REAL" "$n entries" "$USER_NAME:$GROUP_NAME"
  fi
}

# --- main ------------------------------------------------------------------------------

if [ "$#" -eq 0 ]; then parse_user_data; else parse_cli "$@"; fi

if [ "$(id -u)" != 0 ] && [ "$MODE" = fix ]; then bad_input "fix mode must run as root"; fi

TMP=$(mktemp -d 2>/dev/null || { d=/tmp/ec2-ssh-rescue.$$; mkdir -m 0700 "$d" && printf '%s' "$d"; }) ||
  bad_input "cannot create a temporary directory"
trap 'rm -rf -- "$TMP"' EXIT

if [ "$USERDATA_MODE" = 1 ]; then
  state=${EC2_SSH_RESCUE_STATE_DIR:-/var/lib/ec2-ssh-rescue}
  marker="$state/request-$REQUEST_ID.done"
  if [ -e "$marker" ] && [ "$MODE" = fix ]; then
    say "request $REQUEST_ID was already applied ($(cat "$marker" 2>/dev/null)); diagnosing only"
    MODE=diagnose
  fi
fi

say "ec2-ssh-rescue: mode=$MODE user=${USER_NAME:-<detect>} strict=$STRICT recursive=$RECURSIVE request=${REQUEST_ID:-none}"
[ -n "$USER_NAME" ] || detect_user

if ! PW_ENTRY=$(getent passwd "$USER_NAME"); then
  finding blocking USER_NOT_FOUND '' "user $USER_NAME does not exist; check the user name for the AMI or add the user"
  finish user-not-found 3
fi
UID_N=$(printf '%s\n' "$PW_ENTRY" | cut -d: -f3)
GID_N=$(printf '%s\n' "$PW_ENTRY" | cut -d: -f4)
HOME_DIR=$(printf '%s\n' "$PW_ENTRY" | cut -d: -f6)
GROUP_NAME=$(getent group "$GID_N" | cut -d: -f1)
GROUP_NAME=${GROUP_NAME:-$GID_N}
AKC=0

check_sshd
check_account

# Account-level blockers: the key would still be refused, and the account may be a
# service account whose files must not be touched, so nothing is changed.
if [ "$N_BLOCKING" -gt 0 ] && [ "$MODE" = fix ]; then
  say "blocking problems found; changing nothing"
  MODE=diagnose
fi

if [ -z "$HOME_DIR" ] || [ ! -d "$HOME_DIR" ]; then
  finding blocking HOME_MISSING "$HOME_DIR" "home directory does not exist"
else
  HOME_REAL=$(cd -P -- "$HOME_DIR" && pwd -P)
  [ "$HOME_REAL" = "$HOME_DIR" ] || say "home $HOME_DIR resolves to $HOME_REAL"
  case $HOME_REAL in
    /*/*)
      check_ancestors
      check_path "$HOME_REAL" own ;;
    *) finding blocking HOME_TOP_LEVEL "$HOME_REAL" "home is / or a top-level directory; not changed" ;;
  esac
  case $HOME_REAL in
    /*/*)
      for pat in $(key_patterns "$USER_NAME"); do
        [ "$pat" = none ] && continue
        check_key_file "$(expand_keyfile "$pat" "$HOME_REAL" "$USER_NAME" "$UID_N")"
      done
      if [ "$KEYS_FOUND" = 0 ] && [ "$AKC" = 0 ]; then
        finding blocking KEY_FILE_MISSING '' "no authorized keys file exists for $USER_NAME; add the public key"
      fi
      recursive_own
      selinux_restore ;;
  esac
fi

if [ "$USERDATA_MODE" = 1 ] && [ "$MODE" = fix ]; then
  [ -d "$state" ] || mkdir -p -- "$state" 2>/dev/null || :
  printf '%s\n' "request=$REQUEST_ID actions=$N_ACTIONS blocking=$N_BLOCKING" >"$marker" 2>/dev/null ||
    say "cannot write $marker"
fi

if [ "$N_BLOCKING" -gt 0 ]; then finish cannot-fix 4
elif [ "$N_ACTIONS" -gt 0 ]; then finish fixed 0
elif [ "$N_FIXABLE" -gt 0 ] && [ "$MODE" = diagnose ]; then finish needs-fix 0
else finish ok 0
fi
