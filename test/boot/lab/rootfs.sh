#!/bin/sh
# Builds (once) and prints the path of a cached Debian bookworm root filesystem with
# systemd, cloud-init and OpenSSH, for booting under systemd-nspawn (DESIGN.md §6).
# The cache lives outside the repository and is keyed by a hash of this file, so a
# change to the package list or the recipe gives a new root file system. The build goes
# into a temporary directory that is renamed into place only when complete, under a lock,
# so parallel test workers never build twice nor see a half-built tree.
# The scenarios never write to it: each boot runs on an overlayfs upper layer (boot-lab.sh).
set -eu
PKGS=systemd,systemd-sysv,dbus,cloud-init,openssh-server,openssh-client,iproute2,ifupdown,procps,python3-yaml
SUITE=bookworm
CACHE=${EC2_SSH_RESCUE_CACHE:-/var/cache/ec2-ssh-rescue}
here=$(cd "$(dirname "$0")" && pwd)
key=$(sha256sum "$here/rootfs.sh" | cut -c1-16)
ROOT=$CACHE/rootfs-$key
[ -d "$ROOT" ] && { printf '%s\n' "$ROOT"; exit 0; }
for t in debootstrap chroot unshare flock; do
  command -v $t >/dev/null || { echo "rootfs.sh: $t is missing (scripts/install-deps.sh)" >&2; exit 127; }
done
mkdir -p "$CACHE"
exec 9>"$ROOT.lock"
flock 9
[ -d "$ROOT" ] && { printf '%s\n' "$ROOT"; exit 0; }
# The host's Debian mirror (the one apt uses here), else the public one.
MIRROR=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TMPROOT=$(mktemp -d "$CACHE/.build-XXXXXX")
chmod 0755 "$TMPROOT" # mktemp makes it 0700; it becomes the image's /
trap 'rm -rf -- "$TMPROOT" "$TMPROOT.log"' EXIT
trap 'exit 1' INT TERM HUP # a killed build (a test timeout) leaves nothing behind either
start=$(date +%s)
# Private mount namespace: the /proc that apt needs inside the chroot never shows on the host.
# shellcheck disable=SC2016 # the inner shell expands its own arguments
if ! unshare --mount --propagation private sh -eu -c '
  R=$1 M=$2 P=$3 S=$4
  debootstrap --variant=minbase --include="$P" "$S" "$R" "$M" >"$R.log" 2>&1 || {
    # bookworm: python3-cryptography stays unconfigured (virtual python3-cffi-backend-api-*).
    mount -t proc proc "$R/proc"
    chroot "$R" apt-get -f install -y -q python3-cffi-backend >>"$R.log" 2>&1
    chroot "$R" apt-get -f install -y -q >>"$R.log" 2>&1
    umount "$R/proc"
  }
  chroot "$R" sh -c "dpkg --audit | grep -q . && exit 1; command -v cloud-init sshd systemctl >/dev/null" ||
    { echo "rootfs.sh: incomplete root file system" >&2; exit 1; }
  chroot "$R" apt-get clean
' sh "$TMPROOT" "$MIRROR" "$PKGS" "$SUITE"; then
  echo "rootfs.sh: the build failed; last lines of its log:" >&2
  tail -n 40 "$TMPROOT.log" >&2
  exit 1
fi
rm -f "$TMPROOT.log"
echo "$(($(date +%s) - start))" >"$TMPROOT/.ec2-ssh-rescue-build-seconds"
mv -T "$TMPROOT" "$ROOT"
trap - EXIT
printf '%s\n' "$ROOT"
