#!/bin/sh
# ec2-ssh-rescue: diagnose/repair why sshd refuses a valid key. POSIX sh. Usage:
#  --user NAME --mode fix|diagnose [--strict] [--recursive] [--request-id ID] [--console]
#  [--allow-system-user] [--public-key KEY] [--create-user] [--unlock] [--extend-expiry]
#  [--fingerprint SHA256:..] [--key-pair SHA256:.. --key-pair-name NAME]
# Last line is JSON. Exit: 0 ok/fixed/needs-fix, 2 bad-input, 3 user-not-found,
# 4 cannot-fix (README.md). Never follows a symlink or acts through a hardlink.
# No arguments (cloud-init scripts-user): this file is the user data's shell part byte
# for byte and the user name must never be spliced into shell code, so the arguments
# are DATA from the "# ec2-ssh-rescue-args:" line, split into words, never eval'd.
set -u -f
umask 077
LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL PATH
PFX='# ec2-ssh-rescue-args: '
DEFAULTS='ec2-user ubuntu admin debian centos fedora rocky almalinux cloud-user bitnami opc'
MODE='' USER_NAME='' STRICT=0 RECURSIVE=0 REQUEST_ID='' CONSOLE=0 UD=0 SYSTEM=0 CREATE=0 UNLOCK=0
EXTEND=0 PUBKEY='' FP='' KP='' KPN='' PKFP='' CHROOT='' CODES=''
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
  [ "$1" = info ] || case ,$CODES, in *",$2,"*) ;; *) CODES=${CODES:+$CODES,}$2 ;; esac
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
    l="ec2-ssh-rescue: request=${REQUEST_ID:-none} verdict=$1 user=${USER_NAME:-none} actions=$N_ACT findings=${CODES:-none}"
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

# Keys are data: only these characters, one line, checked again by ssh-keygen (check_keys).
set_key() { # set_key VAR LABEL VALUE
  case $3 in *[!A-Za-z0-9+/=@._:\ -]*) bad "$2: only [A-Za-z0-9+/=@._: -] allowed (no options, quotes or line breaks)" ;; esac
  [ ${#3} -le 2000 ] || bad "$2: longer than 2000 characters"
  eval "$1=\$3"
}
set_fp() { # set_fp VAR VALUE
  case $2 in '') ;; SHA256:*[!A-Za-z0-9+/]*) bad "bad fingerprint" ;; SHA256:*) [ ${#2} = 50 ] || bad "fingerprint: SHA256: and 43 characters" ;; *) bad "fingerprint must start SHA256:" ;; esac
  eval "$1=\$2"
}
set_kpn() { case $1 in *[!A-Za-z0-9._@+-]*) bad "bad key pair name" ;; esac; [ ${#1} -le 128 ] || bad "key pair name too long"; KPN=$1; }

parse_cli() {
  while [ $# -gt 0 ]; do
    case $1 in --user | --mode | --request-id | --public-key | --fingerprint | --key-pair*) [ $# -ge 2 ] || bad "$1 needs a value" ;; esac
    case $1 in
      --user) set_user "$2"; shift ;; --mode) set_mode "$2"; shift ;; --request-id) set_req "$2"; shift ;;
      --strict) STRICT=1 ;; --recursive) RECURSIVE=1 ;; --console) CONSOLE=1 ;;
      --allow-system-user) SYSTEM=1 ;; --create-user) CREATE=1 ;; --unlock) UNLOCK=1 ;; --extend-expiry) EXTEND=1 ;;
      --public-key) set_key PUBKEY public-key "$2"; shift ;; --fingerprint) set_fp FP "$2"; shift ;;
      --key-pair) set_fp KP "$2"; shift ;; --key-pair-name) set_kpn "$2"; shift ;;
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
  # A public key contains spaces: it has a line of its own, at most once, empty for none.
  [ "$(grep -c '^# ec2-ssh-rescue-key:' "$f")" -le 1 ] || bad "more than one key line"
  v=$(sed -n 's/^# ec2-ssh-rescue-key: *//p' "$f" | tr -d '\r')
  set_key PUBKEY public-key "${v%"${v##*[! ]}"}"
  seen=' '
  for w in ${line#"$PFX"}; do
    k=${w%%=*} v=${w#*=}
    [ "$k" != "$w" ] || bad "args: $w is not key=value"
    case $seen in *" $k "*) bad "args: $k twice" ;; esac
    seen="$seen$k "
    case $k in
      user) set_user "$v" ;; mode) set_mode "$v" ;; request) set_req "$v" ;;
      strict) set_bool STRICT strict "$v" ;; recursive) set_bool RECURSIVE recursive "$v" ;;
      system) set_bool SYSTEM system "$v" ;; create) set_bool CREATE create "$v" ;;
      unlock) set_bool UNLOCK unlock "$v" ;; extend) set_bool EXTEND extend "$v" ;; fingerprint) set_fp FP "$v" ;;
      keypair) set_fp KP "$v" ;; keyname) set_kpn "$v" ;;
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
# -C: Match blocks are evaluated for this user (a connection from a client host address).
cfg() { # cfg USER KEYWORD
  [ -f "$TMP/T.$1" ] || sshd_run -T -C "user=$1,host=client.invalid,addr=192.0.2.1" >"$TMP/T.$1" 2>"$TMP/E.$1" || : >"$TMP/T.$1"
  awk -v k="$2" '$1==k{$1="";sub(/^ /,"");print;exit}' "$TMP/T.$1"
}
# AuthorizedKeysFile paths, %% %h %u %U expanded, relative to the home (sshd_config(5)).
keyfiles() { # keyfiles USER HOME UID [PATTERN]
  p=${4-$(cfg "$1" authorizedkeysfile)}
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
  [ "$MODE" = diagnose ] && [ "$o" != 0 ] && case $3 in own | dirin | keyout) ;; *) false ;; esac && o=$UID_N
  if [ "$UID_N" = 0 ]; then :
  elif [ "$o" = "$UID_N" ]; then [ $((m & $2 * 64)) -ne 0 ]
  elif [ "$g" = "$GID_N" ]; then [ $((m & $2 * 8)) -ne 0 ]
  else [ $((m & $2)) -ne 0 ]; fi
}
# A ChrootDirectory must stay root-owned and unwritable (sshd_config(5)): never change it or above.
on_chroot() { [ -n "$CHROOT" ] && case $CHROOT/ in "${1%/}"/*) true ;; *) false ;; esac; }
guard() {
  [ "$MODE" = fix ] || return 1
  if on_chroot "$1"; then fd blocking CHROOT_PATH "$1" "on the ChrootDirectory path $CHROOT; not changed"; return 1; fi
}
# A change that fails (read-only mount, immutable file) leaves the key refused: blocking.
failed() { fd blocking FIX_FAILED "$1" "$2 failed: $(tr -d '\r\n' <"$TMP/err")"; }
do_chmod() { # chmod follows symlinks: re-check right before acting
  b=$(mo "$1")
  guard "$1" || return 0
  if [ -L "$1" ]; then fd blocking PATH_CHANGED "$1" "became a symlink; left alone"; return; fi
  if chmod "$2" -- "$1" 2>"$TMP/err"; then act chmod "$1" "$b" "$(mo "$1")"; else failed "$1" "chmod $2"; fi
}
do_chown() {
  b="$(st %U "$1"):$(st %G "$1")"
  guard "$1" || return 0
  if chown -h "$UID_N:$GID_N" -- "$1" 2>"$TMP/err"; then act chown "$1" "$b" "$USER_NAME:$GROUP_NAME"; else failed "$1" chown; fi
}

# check P ROLE: own/dirin/keyout (root or the user's), out (above a key file outside the home:
# root-owned, not sticky: g/o write stripped; else reported), parent/above (traversable only:
# sshd's StrictModes stops at the home, so a shared parent such as /var/tmp keeps its bits).
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
  # sshd accepts components owned by root or the user (StrictModes, auth.c safe_path): a
  # root-owned home stays root's (ChrootDirectory %h needs it).
  if [ "$o" != "$UID_N" ] && [ "$o" != 0 ]; then
    case $r in
      own | dirin | keyout) fd fixable BAD_OWNER "$p" "owned by $(st %U "$p")"; do_chown "$p" ;;
      out) fd blocking BAD_OWNER "$p" "owned by $(st %U "$p"); not changed" ;;
    esac
  fi
  # g/o write is refused (upstream sshd even for a one-member group)
  if [ $((m & 18)) -ne 0 ] && [ "$r" != above ] && [ "$r" != parent ]; then
    if [ "$r" = out ] && { [ "$o" != 0 ] || [ -k "$p" ]; }; then
      fd blocking WRITABLE "$p" "mode $(mo "$p") is g/o writable (shared or not root's); not changed"
    else
      fd fixable GROUP_OTHER_WRITABLE "$p" "mode $(mo "$p") is g/o writable"
      [ "$STRICT$r" = 1own ] || do_chmod "$p" go-w
    fi
  fi
  if [ "$STRICT$r" = 1own ] && [ "$(st %u "$p")" = "$UID_N" ]; then # AWS's modes, on the user's own
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
      # just enough for this user: its owner, group or other bit
      if [ "$(st %u "$p")" = "$UID_N" ]; then s=u; elif [ "$(st %g "$p")" = "$GID_N" ]; then s=g; else s=o; fi
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
      mkssh
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

mkssh() {
  guard "$HOME_R" || return 0
  if mkdir -m 0700 -- "$HOME_R/.ssh" 2>"$TMP/err" && chown "$UID_N:$GID_N" -- "$HOME_R/.ssh" 2>"$TMP/err"; then
    act mkdir "$HOME_R/.ssh" '' "0700 $USER_NAME:$GROUP_NAME"
  else failed "$HOME_R/.ssh" mkdir; fi
}

check_account() {
  sp=$(getent shadow "$USER_NAME") || return 0
  IFS=: read -r _ h c _ _ _ _ e _ <<EOF
$sp
EOF
  pam=$(cfg "$USER_NAME" usepam)
  # Measured with the real sshd (test/repair): UsePAM no refuses every "!"-prefixed hash
  # (usermod -L, "!!", "!*"); "*" and "*LK*" are no lock; UsePAM yes refuses none of them.
  case $h in
    '!'*) if [ "$pam" != no ]; then fd info LOCKED_NOT_REFUSED '' "'!' hash; UsePAM yes does not refuse keys for it"
      elif [ $UNLOCK = 0 ] || [ "$MODE" != fix ]; then fd blocking ACCOUNT_LOCKED '' "'!' hash, UsePAM no (UnlockUser=true / --unlock, or usermod -U $USER_NAME)"
      else
        n=${h#"${h%%[!!]*}"}
        fd fixable ACCOUNT_LOCKED '' "'!' hash, UsePAM no"
        # the hash without its "!"s; none left: "*" (no password, not locked). Via stdin, not argv.
        if printf '%s:%s\n' "$USER_NAME" "${n:-*}" | chpasswd -e 2>"$TMP/err"; then act unlock /etc/shadow locked "unlocked (undo: usermod -L $USER_NAME)"
        else failed /etc/shadow unlock; fi
      fi ;;
  esac
  # UsePAM yes: a forced password change ends the session after the key is accepted.
  [ "$c" != 0 ] || [ "$pam" = no ] || fd info PASSWORD_CHANGE_REQUIRED '' "password must be changed (passwd $USER_NAME)"
  { [ -z "$e" ] || [ "$e" -gt $(($(date +%s) / 86400)) ]; } && return
  if [ $EXTEND = 0 ] || [ "$MODE" != fix ]; then
    fd blocking ACCOUNT_EXPIRED '' "account expired on day $e (ExtendExpiredAccount=true / --extend-expiry, or chage -E -1 $USER_NAME)"
  else
    fd fixable ACCOUNT_EXPIRED '' "account expired on day $e"
    if chage -E -1 "$USER_NAME" 2>"$TMP/err"; then act extend-expiry /etc/shadow "day $e" "never (undo: chage -E $e $USER_NAME)"
    else failed /etc/shadow "chage -E -1"; fi
  fi
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
  # sshd's error lines end in CR LF: strip the CR before using them.
  e=$(sshd_run -t 2>&1) || fd blocking SSHD_CONFIG_ERROR "${SSHD_CONFIG:-}" "sshd -t: $(printf '%s' "$e" | tr -d '\r' | tr '\n' ' ')"
  cfg "$USER_NAME" port >/dev/null
  [ -s "$TMP/T.$USER_NAME" ] || [ -n "$e" ] || fd blocking SSHD_CONFIG_ERROR "${SSHD_CONFIG:-}" "sshd -T -C user=$USER_NAME: $(tr -d '\r' <"$TMP/E.$USER_NAME" | tr '\n' ' ')"
  c=$(cfg "$USER_NAME" chrootdirectory)
  case $c in '' | none) ;; *) c=$(keyfiles "$USER_NAME" "$HOME_D" "$UID_N" "$c"); CHROOT=$(cd -P -- "$c" 2>/dev/null && pwd -P) || CHROOT=$c ;; esac
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

# A public key: "TYPE BLOB [COMMENT]", ed25519, ecdsa or rsa >= 2048 bits, proven by ssh-keygen.
fpr() { # fpr WHAT KEY -> fingerprint in F
  printf '%s\n' "$2" | awk '{print $1, $2}' >"$TMP/key"
  t=${2%% *}
  case $t in ssh-ed25519 | ecdsa-sha2-nistp256 | ecdsa-sha2-nistp384 | ecdsa-sha2-nistp521 | ssh-rsa) ;; *) bad "$1: key type must be ssh-ed25519, ecdsa-sha2-nistp* or ssh-rsa" ;; esac
  l=$(ssh-keygen -l -E sha256 -f "$TMP/key" 2>/dev/null) || bad "$1: not a valid OpenSSH public key"
  [ "$t" != ssh-rsa ] || [ "${l%% *}" -ge 2048 ] || bad "$1: RSA keys need at least 2048 bits"
  l=${l#* } F=${l%% *}
}
check_keys() {
  [ -z "$PUBKEY" ] || { fpr public-key "$PUBKEY"; PKFP=$F; }
  [ $CREATE = 0 ] || [ -n "$PUBKEY" ] || bad "create needs a public key to install"
}
# Fingerprints of the keys a user's key files authorize (root reads them: never written).
fps_of() { # fps_of USER HOME UID
  keyfiles "$1" "$2" "$3" | while IFS= read -r kf; do
    [ ! -f "$kf" ] || ssh-keygen -l -E sha256 -f "$kf" 2>/dev/null | awk '{print $2}'
  done
}
# Which local accounts (root, uid >= UID_MIN, the AMI defaults) authorize fingerprint $2.
holders() { # holders WHAT FP
  getent passwd | while IFS=: read -r u _ i _ _ hd _; do
    [ "$i" = 0 ] || [ "$i" -ge "$UID_MIN" ] || case " $DEFAULTS " in *" $u "*) ;; *) continue ;; esac
    ! fps_of "$u" "$hd" "$i" | grep -qxF "$2" || printf '%s ' "$u"
  done
}
key_report() {
  if [ -n "$KP" ]; then
    n=$KPN
    h=$(holders key-pair "$KP") h=${h% }
    case " $h " in
      "  ") fd info KEY_PAIR_NOT_AUTHORIZED '' "key pair ${n:-$KP} is not authorized for any local user" ;;
      *" ${USER_NAME:-,} "*) fd info KEY_PAIR_AUTHORIZED '' "key pair ${n:-$KP} is authorized for $h" ;;
      *) fd info KEY_PAIR_OTHER_USER '' "key pair ${n:-$KP} is authorized for $h, not ${USER_NAME:-the user}" ;;
    esac
  fi
  if [ -n "$FP" ]; then
    h=$(holders fingerprint "$FP") h=${h% }
    case " $h " in
      *" ${USER_NAME:-,} "*) fd info KEY_AUTHORIZED '' "key $FP is authorized for $USER_NAME" ;;
      "  ") fd blocking KEY_NOT_AUTHORIZED '' "key $FP is not authorized for any local user; pass its public key (PublicKey)" ;;
      *) fd blocking KEY_NOT_AUTHORIZED '' "key $FP is authorized for $h, not ${USER_NAME:-the user}" ;;
    esac
  fi
}

# Appends PUBKEY to the user's first key file unless one of the files has it already: never
# reorders, deduplicates or rewrites a line; never writes through a symlink or a hardlink.
install_key() {
  [ -n "$PUBKEY" ] || return 0
  if fps_of "$USER_NAME" "$HOME_R" "$UID_N" | grep -qxF "$PKFP"; then say "public key $PKFP already authorized"; return; fi
  f=$(keyfiles "$USER_NAME" "$HOME_R" "$UID_N" | head -n 1)
  dir=${f%/*}
  [ -n "$f" ] || { fd blocking KEY_NOT_INSTALLED '' "AuthorizedKeysFile none"; return; }
  if [ -L "$f" ] || [ -L "$dir" ] || { [ -e "$f" ] && [ "$(st %h "$f")" != 1 ]; }; then
    fd blocking KEY_NOT_INSTALLED "$f" "symlink or hardlink; not written"; return
  fi
  fd fixable KEY_NOT_INSTALLED "$f" "public key $PKFP not authorized"
  if [ ! -d "$dir" ] && [ "$dir" = "$HOME_R/.ssh" ]; then SSHDIR=1; mkssh; fi
  guard "$f" || return 0
  new=0; [ -e "$f" ] || new=1
  # a last line without its line break gets one, so the key starts a line of its own
  if ! { { [ $new = 1 ] || [ ! -s "$f" ] || [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || printf '\n' >>"$f"; } &&
    printf '%s\n' "$PUBKEY" >>"$f" && { [ $new = 0 ] || { chown "$UID_N:$GID_N" -- "$f" && chmod 0600 -- "$f"; }; }; } 2>"$TMP/err"; then
    failed "$f" "append key"; return
  fi
  act add-key "$f" '' "$PKFP (undo: delete that line)"
}

# Homes that are, or resolve to, system directories are never changed (nor their owners).
sysdir() {
  case $1 in
    / | /usr | /usr/* | /bin | /bin/* | /sbin | /sbin/* | /lib* | /etc | /etc/* | /var | /var/tmp | /var/lib | /var/log | /var/spool | /var/cache | /var/mail | /var/run | /var/empty | /var/backups) ;;
    /tmp | /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /boot | /boot/* | /run | /run/* | /opt | /srv | /mnt | /media | /home | /nonexistent) ;;
    /root) [ "$UID_N" != 0 ] ;;
    *) false ;;
  esac
}

create_user() {
  [ $CREATE = 1 ] || return 1
  fd fixable USER_NOT_FOUND '' "user $USER_NAME does not exist; CreateUserIfMissing"
  [ "$MODE" = fix ] || finish needs-fix 0
  # useradd(8): no -r, so a uid from UID_MIN up; -m home under HOME of /etc/default/useradd;
  # primary group per USERGROUPS_ENAB; the login shell cloud-init gives default users.
  s=/bin/bash; [ -x $s ] || s=/bin/sh
  useradd -m -s "$s" -- "$USER_NAME" 2>"$TMP/err" || { failed '' useradd; finish cannot-fix 4; }
  # useradd's "!" hash is a lock sshd refuses under UsePAM no; "*" is no password, no lock.
  printf '%s:*\n' "$USER_NAME" | chpasswd -e 2>"$TMP/err" || failed /etc/shadow "chpasswd -e"
  act useradd "$USER_NAME" '' "$(getent passwd "$USER_NAME" | cut -d: -f3,6), no password (undo: userdel -r $USER_NAME)"
}

recursive() {
  # No symlink followed, one file system; hardlinked files are reported, not re-owned.
  F() { find -P "$HOME_R" -xdev ! -user "$UID_N" ! -path "$CHROOT" "$@"; }
  F ! -type d -links +1 >"$TMP/h"
  while IFS= read -r x; do fd blocking HARDLINK "$x" "hardlinked; left alone"; done <"$TMP/h"
  n=$(F \( -type d -o -links 1 \) | wc -l)
  [ "$n" -gt 0 ] || return 0
  fd fixable RECURSIVE_OWNER "$HOME_R" "$n entries not owned by $USER_NAME"
  # Braces: `a || b && c` is `(a || b) && c`, which would record the action in diagnose mode.
  [ "$MODE" != fix ] || { F \( -type d -o -links 1 \) -exec chown -h "$UID_N:$GID_N" {} + &&
    act chown-recursive "$HOME_R" "$n entries" "$USER_NAME:$GROUP_NAME"; }
}

if [ $# = 0 ]; then parse_user_data; else parse_cli "$@"; fi
[ "$(id -u)" = 0 ] || [ "$MODE" = diagnose ] || bad "fix mode must run as root"
TMP=$(mktemp -d) || bad "no temp dir"
check_keys
UID_MIN=$(awk '$1=="UID_MIN"{print $2}' /etc/login.defs 2>/dev/null)
case $UID_MIN in '' | *[!0-9]*) UID_MIN=1000 ;; esac
if [ $UD = 1 ]; then
  STATE=${EC2_SSH_RESCUE_STATE_DIR:-/var/lib/ec2-ssh-rescue}
  MARK=$STATE/request-$REQUEST_ID.done
  [ ! -e "$MARK" ] || [ "$MODE" != fix ] || { say "request already applied: diagnose only"; MODE=diagnose; }
fi
say "mode=$MODE user=$USER_NAME strict=$STRICT recursive=$RECURSIVE request=$REQUEST_ID system=$SYSTEM create=$CREATE unlock=$UNLOCK extend=$EXTEND"
privsep
[ -n "$USER_NAME" ] || detect_user
PW=$(getent passwd "$USER_NAME") || create_user || {
  fd blocking USER_NOT_FOUND '' "user $USER_NAME does not exist"; key_report; finish user-not-found 3
}
PW=$(getent passwd "$USER_NAME")
IFS=: read -r _ _ UID_N GID_N _ HOME_D _ <<EOF
$PW
EOF
GROUP_NAME=$(getent group "$GID_N" | cut -d: -f1)
GROUP_NAME=${GROUP_NAME:-$GID_N}
check_sshd
if [ "$UID_N" -lt "$UID_MIN" ] && [ $SYSTEM = 0 ]; then
  fd blocking SYSTEM_ACCOUNT '' "uid $UID_N is below UID_MIN $UID_MIN (a system account); AllowSystemUser=true / --allow-system-user to repair it"
fi
HOME_R=$(cd -P -- "$HOME_D" 2>/dev/null && pwd -P) || HOME_R=''
for h in "$HOME_D" "$HOME_R"; do
  ! sysdir "$h" || { fd blocking SYSTEM_HOME "$h" "home is a system directory; never changed"; HOME_R=-; break; }
done
sh=$(printf '%s' "$PW" | cut -d: -f7)
case ${sh##*/} in nologin | false) fd blocking SHELL_NOLOGIN '' "shell $sh ends every session" ;; esac
# Account blockers: the key stays refused (maybe a service account): change nothing. A lock
# or an expiry is changed only when asked for, and only with no other blocker.
blocked() { [ $N_BLOCK = 0 ] || [ "$MODE" != fix ] || { say "blocked: changing nothing"; MODE=diagnose; }; }
blocked
check_account
blocked
case $HOME_R in
  /*/*)
    [ "$HOME_R" = "$HOME_D" ] || say "home $HOME_D is $HOME_R"
    [ "$MODE" != fix ] || install_key
    d=$(up "$HOME_R")
    check "$d" parent
    while [ "$d" != / ]; do d=$(up "$d"); check "$d" above; done
    check "$HOME_R" own
    keyfiles "$USER_NAME" "$HOME_R" "$UID_N" >"$TMP/k"
    while IFS= read -r k; do check_key "$k"; done <"$TMP/k"
    [ $KEYS = 1 ] || [ $AKC = 1 ] || fd blocking KEY_FILE_MISSING '' "no authorized keys file; add the public key"
    [ $RECURSIVE = 0 ] || recursive
    selinux ;;
  -) ;;
  '') fd blocking HOME_MISSING "$HOME_D" "home directory does not exist" ;;
  *) fd blocking HOME_TOP_LEVEL "$HOME_R" "top-level home; not changed" ;;
esac
key_report
if [ $UD = 1 ] && [ "$MODE" = fix ]; then
  { mkdir -p -- "$STATE" && say "actions=$N_ACT" >"$MARK"; } || say "cannot write $MARK"
fi
if [ $N_BLOCK -gt 0 ]; then finish cannot-fix 4
elif [ $N_ACT -gt 0 ]; then finish fixed 0
elif [ $N_FIX -gt 0 ]; then finish needs-fix 0
else finish ok 0; fi
