#!/bin/sh
# ec2-ssh-rescue: diagnose/repair why sshd refuses a valid key. POSIX sh. See README.md.
# Never follows a symlink or acts through a hardlink. With no arguments (user data) the
# arguments are DATA from the "# ec2-ssh-rescue-args:" line, never eval'd.
set -u -f
umask 077
LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL PATH
PFX='# ec2-ssh-rescue-args: '
DEFAULTS='ec2-user ubuntu admin debian centos fedora rocky almalinux cloud-user bitnami opc'
MODE='' USER_NAME='' STRICT=0 RECURSIVE=0 REQUEST_ID='' CONSOLE=0 UD=0
FINDINGS='' ACTIONS='' PATHS='' N_ACT=0 N_FIX=0 N_BLOCK=0 KEYS=0 SSHDIR=0 AKC=0 SEEN=/
TMP=''

say() { printf '%s\n' "$*"; }

# JSON string of $1; bytes <32 or >126 become \u00XX: valid JSON for any file name.
j() {
  J=$1 awk 'BEGIN{for(i=1;i<256;i++)o[sprintf("%c",i)]=i;s=ENVIRON["J"];r=""
for(i=1;i<=length(s);i++){c=substr(s,i,1);n=o[c]
if(c=="\""||c=="\\")r=r "\\" c;else if(n<32||n>126)r=r sprintf("\\u%04x",n);else r=r c}
printf "\"%s\"",r}'
}
add() { eval "[ -z \"\$$1\" ] && $1=\$2 || $1=\"\$$1,\$2\""; }

fd() { # fd fixable|blocking|info CODE PATH MESSAGE
  case $1 in fixable) N_FIX=$((N_FIX + 1)) ;; blocking) N_BLOCK=$((N_BLOCK + 1)) ;; esac
  say "[$1] $2 ${3:+$3: }$4"
  add FINDINGS "{\"code\":$(j "$2"),\"path\":$(j "$3"),\"message\":$(j "$4")}"
}
act() { # act ACTION PATH FROM TO
  N_ACT=$((N_ACT + 1))
  say "[action] $1 $2: $3 -> $4"
  add ACTIONS "{\"action\":$(j "$1"),\"path\":$(j "$2"),\"from\":$(j "$3"),\"to\":$(j "$4")}"
}
finish() { # finish VERDICT EXIT
  say "verdict: $1"
  if [ "$CONSOLE" = 1 ]; then
    l="ec2-ssh-rescue: request=${REQUEST_ID:-none} verdict=$1 user=${USER_NAME:-none} actions=$N_ACT"
    for d in /dev/console /dev/kmsg; do [ ! -w $d ] || printf '%s\n' "$l" 2>/dev/null >>$d || :; done
  fi
  # validated values: no escaping needed
  printf '{"tool":"ec2-ssh-rescue","version":1,"mode":"%s","user":"%s","requestId":"%s","verdict":"%s","findings":[%s],"actions":[%s],"paths":[%s]}\n' \
    "${MODE:-diagnose}" "$USER_NAME" "$REQUEST_ID" "$1" "$FINDINGS" "$ACTIONS" "$PATHS"
  [ -z "$TMP" ] || rm -rf -- "$TMP"
  exit "$2"
}
bad() { fd blocking BAD_INPUT '' "$1"; finish bad-input 2; }

set_user() {
  case $1 in
    '') ;;
    [!a-z_]* | *[!a-z0-9._-]*) bad "bad user name '$1'" ;;
    *) [ ${#1} -le 32 ] || bad "user name too long" ;;
  esac
  USER_NAME=$1
}
set_mode() { case $1 in fix | diagnose) MODE=$1 ;; *) bad "mode must be fix or diagnose" ;; esac; }
set_bool() { case $3 in true) eval "$1=1" ;; false) eval "$1=0" ;; *) bad "$2 must be true or false" ;; esac; }
set_req() {
  case $1 in '' | *[!A-Za-z0-9-]*) bad "bad request id" ;; esac
  [ ${#1} -le 64 ] || bad "request id too long"
  REQUEST_ID=$1
}

parse_cli() {
  while [ $# -gt 0 ]; do
    case $1 in --user | --mode | --request-id) [ $# -ge 2 ] || bad "$1 needs a value" ;; esac
    case $1 in
      --user) set_user "$2"; shift ;; --mode) set_mode "$2"; shift ;; --request-id) set_req "$2"; shift ;;
      --strict) STRICT=1 ;; --recursive) RECURSIVE=1 ;; --console) CONSOLE=1 ;;
      *) bad "unknown argument $1" ;;
    esac
    shift
  done
  [ -n "$MODE" ] || bad "--mode fix|diagnose is required"
}

parse_user_data() {
  UD=1 CONSOLE=1
  f=${EC2_SSH_RESCUE_USER_DATA:-/var/lib/cloud/instance/user-data.txt}
  [ -r "$f" ] || bad "cannot read $f"
  n=$(grep -c "^$PFX" "$f")
  [ "$n" = 1 ] || bad "need one args line in user data, found $n"
  line=$(grep "^$PFX" "$f" | tr -d '\r')
  seen=' '
  for w in ${line#"$PFX"}; do
    k=${w%%=*} v=${w#*=}
    [ "$k" != "$w" ] || bad "args: $w is not key=value"
    case $seen in *" $k "*) bad "args: $k twice" ;; esac
    seen="$seen$k "
    case $k in
      user) set_user "$v" ;; mode) set_mode "$v" ;; request) set_req "$v" ;;
      strict) set_bool STRICT strict "$v" ;; recursive) set_bool RECURSIVE recursive "$v" ;;
      *) bad "args: unknown $k" ;;
    esac
  done
  for k in user mode strict recursive request; do
    case $seen in *" $k "*) ;; *) bad "args: $k missing" ;; esac
  done
}

SSHD=${SSHD:-/usr/sbin/sshd}
sshd_run() { if [ -n "${SSHD_CONFIG:-}" ]; then "$SSHD" -f "$SSHD_CONFIG" "$@"; else "$SSHD" "$@"; fi; }
# Effective setting for a user, Match blocks included.
cfg() { # cfg USER KEYWORD
  [ -f "$TMP/T.$1" ] || sshd_run -T -C "user=$1,host=localhost,addr=127.0.0.1" >"$TMP/T.$1" 2>/dev/null
  awk -v k="$2" '$1==k{$1="";sub(/^ /,"");print;exit}' "$TMP/T.$1"
}
# AuthorizedKeysFile paths, %% %h %u %U expanded, relative to the home (sshd_config(5)).
keyfiles() { # keyfiles USER HOME UID
  p=$(cfg "$1" authorizedkeysfile)
  P=${p:-.ssh/authorized_keys .ssh/authorized_keys2} H=$2 U=$1 I=$3 awk 'BEGIN{
n=split(ENVIRON["P"],a," ");for(k=1;k<=n;k++){p=a[k];if(p=="none")continue;r=""
for(i=1;i<=length(p);i++){c=substr(p,i,1);if(c=="%"&&i<length(p)){t=substr(p,++i,1)
c=t=="%"?"%":t=="h"?ENVIRON["H"]:t=="u"?ENVIRON["U"]:t=="U"?ENVIRON["I"]:"%" t}r=r c}
if(substr(r,1,1)!="/")r=ENVIRON["H"] "/" r;print r}}'
}

detect_user() {
  all='' keyed=''
  for u in $DEFAULTS; do
    e=$(getent passwd "$u") || continue
    all="$all $u"
    # shellcheck disable=SC2086 # split the passwd entry on ':'
    for f in $(IFS=:; set -- $e; keyfiles "$u" "$6" "$3"); do
      if [ -s "$f" ]; then keyed="$keyed $u"; break; fi
    done
  done
  for c in "$keyed" "$all"; do
    # shellcheck disable=SC2086 # a list of user names, globbing is off
    set -- $c
    [ $# = 1 ] && { USER_NAME=$1; say "detected login user $1"; return; }
    [ $# -gt 1 ] && { fd blocking USER_AMBIGUOUS '' "candidates:$c; pass --user"; finish bad-input 2; }
  done
  fd blocking USER_NOT_FOUND '' "no default user; pass --user"
  finish user-not-found 3
}

st() { stat -c "$1" -- "$2" 2>/dev/null; }
mo() { printf '%04o' $((0$(st %a "$1"))); }
meta() { if [ -e "$1" ] || [ -L "$1" ]; then printf '{"owner":%s,"group":%s,"mode":"%s"}' "$(j "$(st %U "$1")")" "$(j "$(st %G "$1")")" "$(mo "$1")"; else printf null; fi; }
in_home() { case $1 in "$HOME_R" | "$HOME_R"/*) return 0 ;; esac; return 1; }

# Can the user read (4) or traverse (1) P? Diagnose judges the owner a fix would leave.
can() { # can P BIT ROLE
  o=$(st %u "$1") g=$(st %g "$1") m=$((0$(st %a "$1")))
  [ "$MODE" = diagnose ] && { [ "$3" = own ] || { [ "$3" = dirin ] && [ "$o" != 0 ]; }; } && o=$UID_N
  if [ "$UID_N" = 0 ]; then :
  elif [ "$o" = "$UID_N" ]; then [ $((m & $2 * 64)) -ne 0 ]
  elif [ "$g" = "$GID_N" ]; then [ $((m & $2 * 8)) -ne 0 ]
  else [ $((m & $2)) -ne 0 ]; fi
}
do_chmod() { # chmod follows symlinks: re-check right before acting
  b=$(mo "$1")
  [ "$MODE" = fix ] || return 0
  if [ -L "$1" ]; then fd blocking PATH_CHANGED "$1" "became a symlink; left alone"; return; fi
  chmod "$2" -- "$1" && act chmod "$1" "$b" "$(mo "$1")"
}
do_chown() {
  b="$(st %U "$1"):$(st %G "$1")"
  [ "$MODE" != fix ] || { chown -h "$UID_N:$GID_N" -- "$1" && act chown "$1" "$b" "$USER_NAME:$GROUP_NAME"; }
}

# check P ROLE: own (the user's), dirin/keyout (root or user), out (report only),
# parent (traversable, not g/o writable), above (traversable).
check() {
  p=$1 r=$2
  case $SEEN in *"
$p
"*) return ;; esac
  SEEN="$SEEN
$p
"
  before=$(meta "$p")
  if [ -L "$p" ]; then fd blocking SYMLINK "$p" "is a symlink; left alone"; return; fi
  bit=4; [ ! -d "$p" ] || bit=1
  o=$(st %u "$p") m=$((0$(st %a "$p")))
  # sshd accepts components owned by root or the user (StrictModes, auth.c safe_path).
  if [ "$o" != "$UID_N" ] && { [ "$r" = own ] || [ "$o" != 0 ]; }; then
    case $r in
      own | dirin | keyout) fd fixable BAD_OWNER "$p" "owned by $(st %U "$p")"; do_chown "$p" ;;
      out) fd blocking BAD_OWNER "$p" "owned by $(st %U "$p"); not changed" ;;
    esac
  fi
  # g/o write is refused (upstream sshd even for a one-member group)
  if [ $((m & 18)) -ne 0 ] && [ "$r" != above ]; then
    if [ "$r" = out ]; then
      fd blocking WRITABLE "$p" "mode $(mo "$p") is g/o writable; not changed"
    else
      fd fixable GROUP_OTHER_WRITABLE "$p" "mode $(mo "$p") is g/o writable"
      [ "$STRICT$r" = 1own ] || do_chmod "$p" go-w
    fi
  fi
  if [ "$STRICT$r" = 1own ]; then # AWS's modes
    w=0600; [ $bit = 4 ] || w=0700
    n=$(mo "$p")
    if [ "$n" != "$w" ]; then
      [ $((m & 18)) -ne 0 ] || fd fixable NOT_STRICT "$p" "mode $n, --strict wants $w"
      do_chmod "$p" $w
    fi
  fi
  # Keys are opened as the user; sshd then only logs "Permission denied".
  if ! can "$p" $bit "$r"; then
    v='read'; [ $bit = 4 ] || v='traverse'
    if [ "$r" = out ]; then fd blocking NOT_ACCESSIBLE "$p" "$USER_NAME cannot $v it"
    else
      fd fixable NOT_ACCESSIBLE "$p" "$USER_NAME cannot $v it"
      if [ "$(st %u "$p")" = "$UID_N" ]; then s=u; else s=go; fi
      if [ $bit = 4 ]; then do_chmod "$p" $s+r; else do_chmod "$p" $s+x; fi
    fi
  fi
  add PATHS "{\"path\":$(j "$p"),\"before\":$before,\"after\":$(meta "$p")}"
}

up() { d=${1%/*}; printf '%s' "${d:-/}"; }
check_dirs_in() { # directories between the home (exclusive) and $1 (inclusive)
  rest=${1#"$HOME_R"} cur=$HOME_R
  while [ -n "$rest" ]; do
    rest=${rest#/} part=${rest%%/*}
    rest=${rest#"$part"} cur=$cur/$part
    if [ "$cur" = "$HOME_R/.ssh" ]; then check "$cur" own; else check "$cur" dirin; fi
  done
}

check_key() { # check_key PATH
  f=$1 dir=$(up "$1")
  say "key file: $f"
  if [ ! -d "$dir" ]; then
    if [ "$dir" = "$HOME_R/.ssh" ] && [ $SSHDIR = 0 ] && [ ! -L "$dir" ]; then
      SSHDIR=1
      fd fixable SSH_DIR_MISSING "$dir" "missing"
      [ "$MODE" != fix ] || { mkdir -m 0700 -- "$dir" && chown "$UID_N:$GID_N" -- "$dir" && act mkdir "$dir" '' "0700 $USER_NAME:$GROUP_NAME"; }
    fi
    return
  fi
  rd=$(cd -P -- "$dir" && pwd -P) || return
  if in_home "$f"; then
    in_home "$rd" || { fd blocking SYMLINK_OUTSIDE_HOME "$dir" "is $rd, outside the home; left alone"; KEYS=1; return; }
    check_dirs_in "$rd"
  else
    d=$rd
    while :; do check "$d" out; [ "$d" != / ] || break; d=$(up "$d"); done
  fi
  f=$rd/${f##*/}
  if [ -L "$f" ]; then
    t=$(readlink -f -- "$f") || t=''
    KEYS=1
    if ! in_home "$1" || [ -z "$t" ] || ! in_home "$t"; then
      fd blocking SYMLINK_OUTSIDE_HOME "$f" "links to ${t:-a missing file}; left alone"; return
    fi
    say "$f -> $t"
    f=$t
    check_dirs_in "$(up "$f")"
  fi
  [ -e "$f" ] || return 0
  KEYS=1
  if [ ! -f "$f" ]; then fd blocking NOT_REGULAR "$f" "is not a regular file"; return; fi
  n=$(st %h "$f")
  if [ "$n" -gt 1 ]; then fd blocking HARDLINK "$f" "has $n hard links; left alone"; return; fi
  [ -s "$f" ] || fd blocking KEY_FILE_EMPTY "$f" "is empty; add the public key"
  if in_home "$f"; then check "$f" own; else check "$f" keyout; fi
  # OpenSSH 8.8+ refuses ssh-rsa SHA-1 signatures (rsa-sha2-* work): report only.
  if [ "$SSHD_V" -ge 808 ] && [ "$(awk '/^[ \t]*(#|$)/{next}{for(i=1;i<=NF;i++)if($i~/^(ssh-|ecdsa-|sk-)/){print $i;break}}' "$f" | sort -u)" = ssh-rsa ]; then
    fd info RSA_SHA1_ONLY "$f" "only ssh-rsa keys; clients must use rsa-sha2-256/512"
  fi
}

check_account() {
  sh=$(printf '%s' "$PW" | cut -d: -f7)
  case ${sh##*/} in
    nologin | false) fd blocking SHELL_NOLOGIN '' "shell $sh ends every session" ;;
  esac
  sp=$(getent shadow "$USER_NAME") || return 0
  # UsePAM no: sshd refuses a "!" hash (usermod -L); "*" is no lock (auth.c allowed_user,
  # LOCKED_PASSWD_PREFIX; verified with a real sshd in test/repair).
  IFS=: read -r _ h _ _ _ _ _ e _ <<EOF
$sp
EOF
  case $h in '!'*) [ "$(cfg "$USER_NAME" usepam)" != no ] || fd blocking ACCOUNT_LOCKED '' "'!' hash, UsePAM no" ;; esac
  [ -z "$e" ] || [ "$e" -gt $(($(date +%s) / 86400)) ] ||
    fd blocking ACCOUNT_EXPIRED '' "account expired (chage -E -1)"
}

# ssh.socket: sshd makes its privsep dir at the 1st connection; -t/-T need it now.
privsep() {
  d=$(sshd_run -t 2>&1 | sed -n 's|^Missing privilege separation directory: \(/[^[:space:]]*\).*|\1|p')
  [ -z "$d" ] || if mkdir -m 0755 -- "$d"; then fd info PRIVSEP_DIR_CREATED "$d" "created 0755 root"
  else fd blocking PRIVSEP_DIR_MISSING "$d" "cannot create it"; fi
}
check_sshd() {
  v=$("$SSHD" -V 2>&1 | sed -n 's/.*OpenSSH_\([0-9]*\)\.\([0-9]*\).*/\1 \2/p' | head -n 1)
  SSHD_V=$((${v% *}0 * 10 + ${v#* }0 / 10)) # major*100+minor, 0 if unknown
  e=$(sshd_run -t 2>&1) || fd blocking SSHD_CONFIG_ERROR "${SSHD_CONFIG:-}" "sshd -t: $(printf '%s' "$e" | tr '\n' ' ')"
  [ "$(cfg "$USER_NAME" strictmodes)" != no ] ||
    fd info STRICTMODES_OFF "${SSHD_CONFIG:-}" "StrictModes no: modes are not the cause"
  case $(cfg "$USER_NAME" authorizedkeyscommand) in '' | none) ;; *) AKC=1 ;; esac
}

selinux() {
  command -v selinuxenabled >/dev/null && selinuxenabled && command -v restorecon >/dev/null || return 0
  for p in "$HOME_R" "$HOME_R/.ssh"; do
    if [ ! -d "$p" ] || [ -L "$p" ]; then continue; fi
    [ -n "$(restorecon -nvR -- "$p" 2>/dev/null)" ] || continue
    fd fixable SELINUX_CONTEXT "$p" "wrong SELinux context"
    [ "$MODE" != fix ] || { restorecon -R -- "$p" && act restorecon "$p" context policy; }
  done
}

recursive() {
  # No symlink followed, one file system; hardlinked files are reported, not re-owned.
  F() { find -P "$HOME_R" -xdev ! -user "$UID_N" "$@"; }
  F ! -type d -links +1 >"$TMP/h"
  while IFS= read -r x; do fd blocking HARDLINK "$x" "hardlinked; left alone"; done <"$TMP/h"
  n=$(F \( -type d -o -links 1 \) | wc -l)
  [ "$n" -gt 0 ] || return 0
  fd fixable RECURSIVE_OWNER "$HOME_R" "$n entries not owned by $USER_NAME"
  [ "$MODE" != fix ] || F \( -type d -o -links 1 \) -exec chown -h "$UID_N:$GID_N" {} + &&
    act chown-recursive "$HOME_R" "$n entries" "$USER_NAME:$GROUP_NAME"
}

if [ $# = 0 ]; then parse_user_data; else parse_cli "$@"; fi
[ "$(id -u)" = 0 ] || [ "$MODE" = diagnose ] || bad "fix mode must run as root"
TMP=$(mktemp -d) || bad "no temp dir"
if [ $UD = 1 ]; then
  STATE=${EC2_SSH_RESCUE_STATE_DIR:-/var/lib/ec2-ssh-rescue}
  MARK=$STATE/request-$REQUEST_ID.done
  [ ! -e "$MARK" ] || [ "$MODE" != fix ] || { say "request already applied: diagnose only"; MODE=diagnose; }
fi
say "mode=$MODE user=$USER_NAME strict=$STRICT recursive=$RECURSIVE request=$REQUEST_ID"
privsep
[ -n "$USER_NAME" ] || detect_user
PW=$(getent passwd "$USER_NAME") || { fd blocking USER_NOT_FOUND '' "user $USER_NAME does not exist"; finish user-not-found 3; }
IFS=: read -r _ _ UID_N GID_N _ HOME_D _ <<EOF
$PW
EOF
GROUP_NAME=$(getent group "$GID_N" | cut -d: -f1)
GROUP_NAME=${GROUP_NAME:-$GID_N}
check_sshd
check_account
# Account blockers: the key stays refused (maybe a service account): change nothing.
[ $N_BLOCK = 0 ] || [ "$MODE" != fix ] || { say "blocked: changing nothing"; MODE=diagnose; }
HOME_R=$(cd -P -- "$HOME_D" 2>/dev/null && pwd -P) || HOME_R=''
case $HOME_R in
  /*/*)
    [ "$HOME_R" = "$HOME_D" ] || say "home $HOME_D is $HOME_R"
    d=$(up "$HOME_R")
    check "$d" parent
    while [ "$d" != / ]; do d=$(up "$d"); check "$d" above; done
    check "$HOME_R" own
    keyfiles "$USER_NAME" "$HOME_R" "$UID_N" >"$TMP/k"
    while IFS= read -r k; do check_key "$k"; done <"$TMP/k"
    [ $KEYS = 1 ] || [ $AKC = 1 ] || fd blocking KEY_FILE_MISSING '' "no authorized keys file; add the public key"
    [ $RECURSIVE = 0 ] || recursive
    selinux ;;
  '') fd blocking HOME_MISSING "$HOME_D" "home directory does not exist" ;;
  *) fd blocking HOME_TOP_LEVEL "$HOME_R" "top-level home; not changed" ;;
esac
if [ $UD = 1 ] && [ "$MODE" = fix ]; then
  { mkdir -p -- "$STATE" && say "actions=$N_ACT" >"$MARK"; } || say "cannot write $MARK"
fi
if [ $N_BLOCK -gt 0 ]; then finish cannot-fix 4
elif [ $N_ACT -gt 0 ]; then finish fixed 0
elif [ $N_FIX -gt 0 ]; then finish needs-fix 0
else finish ok 0; fi
