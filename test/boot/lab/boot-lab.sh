#!/bin/bash
# Boot lab: boots a real Debian root file system (systemd, cloud-init, OpenSSH) under
# systemd-nspawn three times per scenario, the way the offline runbook boots an instance:
#
#   boot 1  original user data (first boot of the instance)
#           ... access broken for the scenario's user ...
#   boot 2  the repair user data (the runbook's SwapInRepairUserData, filled in)
#   boot 3  the original user data restored
#
#   unshare --mount --propagation private bash boot-lab.sh ROOTFS OUTDIR NAME...
#
# OUTDIR/NAME/ must hold ud-original and ud-repair (raw user-data bytes, written by the jest
# side). Each scenario runs on its own overlayfs upper layer over the cached ROOTFS (never
# written). cgroup2 is mounted only in this mount namespace, /run is a private tmpfs (nspawn's
# lock and propagation directories), every boot gets its own child cgroup that is killed and
# removed afterwards, and --private-network gives the container its own loopback only: the
# key login runs inside the container (lab-probe.service), nothing listens on the host.
# EC2 re-reads user data at every boot; NoCloud keeps what it cached for the same instance id,
# so obj.pkl is deleted before boots 2 and 3 (README.md says what is and is not emulated).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
ROOTFS=$1
OUT=$2
shift 2

if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
  echo "boot-lab.sh must run inside: unshare --mount --propagation private" >&2
  exit 70
fi
for t in systemd-nspawn chroot ssh-keygen timeout; do
  command -v "$t" >/dev/null || { echo "boot-lab.sh: $t is missing" >&2; exit 127; }
done

mount -t tmpfs -o mode=0755 tmpfs /run
mount -t cgroup2 none /sys/fs/cgroup
CGROOT=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)

# boot N: one boot of $M, console lines time-stamped (host clock, seconds since the epoch).
boot() {
  local n=$1 cg rc=0 t0
  echo "$n" >"$M/var/lib/lab/boot"
  cg=$CGROOT/ec2-ssh-rescue-lab-$$-$NAME-$n
  mkdir "$cg"
  t0=$EPOCHREALTIME
  # --resolv-conf/--timezone off: nspawn must not write the container's /etc (the lab compares it).
  # shellcheck disable=SC2016 # the inner bash expands its own arguments
  timeout --kill-after=10 "${LAB_BOOT_TIMEOUT:-180}" bash -c 'echo $$ >"$1/cgroup.procs" && exec systemd-nspawn -D "$2" --boot \
    --private-network --register=no --keep-unit --console=read-only --resolv-conf=off --timezone=off --link-journal=no -q' \
    _ "$cg" "$M" </dev/null 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"; done >"$S/boot-$n.console" || rc=$?
  echo "$t0 $EPOCHREALTIME $rc" >"$S/boot-$n.time"
  # Whatever is left of the boot: kill it (cgroup.kill, Linux 5.14+), then remove the cgroups.
  if [ -e "$cg/cgroup.kill" ]; then echo 1 >"$cg/cgroup.kill"; fi
  for _ in $(seq 50); do
    [ -z "$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
    sleep 0.1
  done
  find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  cp "$M/var/lib/lab/boot-$n/"* "$S/" 2>/dev/null || true
}

# Owner, mode, size and content hash of everything under /etc and /var/lib/cloud, and of the
# user's home (without following symlinks), relative to the root.
snapshot() {
  (cd "$M" && find etc var/lib/cloud "${HOME_REL:-nonexistent}" -xdev \( -type f -printf '%p f %m %U %G ' -exec md5sum {} \; \) \
    -o \( ! -type f -printf '%p %y %m %U %G %l\n' \) 2>/dev/null | sed 's/  .*//' | sort)
}

common_setup() {
  mkdir -p "$M/var/lib/lab" "$M/root/lab" "$M/var/log/journal" "$M/var/lib/cloud/seed/nocloud" "$M/var/lib/cloud/scripts/per-boot"
  chmod 0755 "$M"
  echo "0123456789abcdef0123456789abcdef" >"$M/etc/machine-id"
  # NoCloud from the seed directory only; a minbase image has no locales (DESIGN.md §6).
  printf 'datasource_list: [ NoCloud, None ]\nlocale: C.utf8\n' >"$M/etc/cloud/cloud.cfg.d/90-lab.cfg"
  printf 'instance-id: i-0lab%s\nlocal-hostname: lab\n' "$(echo "$NAME" | md5sum | cut -c1-12)" >"$M/var/lib/cloud/seed/nocloud/meta-data"
  # The image's own per-boot script: run by the final module scripts-per-boot at every boot.
  printf '#!/bin/sh\ncat /var/lib/lab/boot >>/var/lib/lab/ran-per-boot\n' >"$M/var/lib/cloud/scripts/per-boot/lab-per-boot"
  chmod 0755 "$M/var/lib/cloud/scripts/per-boot/lab-per-boot"
  ssh-keygen -q -t ed25519 -N '' -C lab -f "$M/root/lab/key"
  install -m 0755 "$LAB_DIR/lab-probe.sh" "$M/usr/local/sbin/lab-probe"
  cat >"$M/etc/systemd/system/lab-probe.service" <<'EOF'
[Unit]
Description=Boot lab probe: real key login, results, power off
After=cloud-final.service multi-user.target ssh.service ssh.socket ec2-ssh-rescue-repair.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/lab-probe
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
  chroot "$M" systemctl enable -q lab-probe.service
}

# mkuser NAME [useradd options...]: an account whose key is the lab key, modes correct.
mkuser() {
  local name=$1 home
  shift
  chroot "$M" useradd -m -s /bin/sh "$@" "$name"
  chroot "$M" usermod -p '*' "$name" # no password, not locked
  home=$(chroot "$M" getent passwd "$name" | cut -d: -f6)
  chroot "$M" install -d -m 0700 -o "$name" -g "$(chroot "$M" id -g "$name")" "$home/.ssh"
  chroot "$M" install -m 0600 -o "$name" -g "$(chroot "$M" id -g "$name")" /root/lab/key.pub "$home/.ssh/authorized_keys"
  echo "$name" >"$M/var/lib/lab/user"
  HOME_REL=${home#/} CHOME=${home#/}
}

# shellcheck source=test/boot/lab/scenarios.sh
. "$LAB_DIR/scenarios.sh"

for NAME in "$@"; do
  S=$OUT/$NAME
  W=$S/.w
  mkdir -p "$W/upper" "$W/work" "$W/m"
  M=$W/m
  mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$W/upper,workdir=$W/work" "$M"
  HOME_REL='' CHOME=''
  echo "scenario $NAME" >&2
  common_setup
  "setup_${NAME%%-*}"
  echo "$CHOME $HOME_REL" >"$S/home"
  SEED=$M/var/lib/cloud/seed/nocloud/user-data
  IID=$(sed -n 's/^instance-id: //p' "$M/var/lib/cloud/seed/nocloud/meta-data")
  cp "$S/ud-original" "$SEED"
  boot 1
  "break_${NAME%%-*}"
  snapshot >"$S/snapshot.before"
  rm -f "$M/var/lib/cloud/instances/$IID/obj.pkl"
  cp "$S/ud-repair" "$SEED"
  boot 2
  snapshot >"$S/snapshot.after"
  rm -f "$M/var/lib/cloud/instances/$IID/obj.pkl"
  cp "$S/ud-original" "$SEED"
  boot 3
  for f in ran-original ran-bootcmd ran-per-boot; do cp "$M/var/lib/lab/$f" "$S/$f" 2>/dev/null || : >"$S/$f"; done
  cp "$M/var/log/cloud-init.log" "$S/cloud-init.log" 2>/dev/null || true
  journalctl -D "$M/var/log/journal" -o short-monotonic --no-pager >"$S/journal" 2>&1 || true
  ls "$M/var/lib/ec2-ssh-rescue" >"$S/state" 2>/dev/null || : >"$S/state"
  umount "$M"
  rm -rf "$W"
done
