# shellcheck shell=bash disable=SC2034 # sourced by boot-lab.sh, which uses the variables set here
# Scenarios of boot-lab.sh. setup_NAME prepares the image (after common_setup) and creates the
# user with mkuser; break_NAME breaks that user's access after boot 1, the way instances get
# broken. A scenario named NAME-VARIANT uses NAME's functions (the jest side writes a different
# repair user data for each variant).

# Ubuntu 22.10+ layout: sshd socket-activated, so /run/sshd does not exist until the first connection.
setup_shell() {
  chroot "$M" systemctl disable -q ssh.service
  chroot "$M" systemctl enable -q ssh.socket
  mkuser alice
}
break_shell() { chmod 0777 "$M/home/alice"; }

# The home on its own file system from /etc/fstab. A loop device or a block device cannot be
# attached inside nspawn without host devices, so the home is a bind mount from fstab: a
# separate mount unit (home.mount) that systemd orders like any local file system. Its source
# /srv/homefs has no "bob" until the mount is there, so a repair that ran before the mount would
# report the home missing. The mount waits for lab-slow.service (2 s), so being early would show.
setup_cloudcfg() {
  mkdir -p "$M/srv/homefs"
  mkuser bob
  mv "$M/home/bob" "$M/srv/homefs/bob"
  echo '/srv/homefs /home none bind,x-systemd.requires=lab-slow.service 0 0' >>"$M/etc/fstab"
  printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/sleep 2\n' >"$M/etc/systemd/system/lab-slow.service"
  HOME_REL=srv/homefs/bob
}
break_cloudcfg() { chmod 0777 "$M/srv/homefs/bob/.ssh"; }

# A home outside /home.
setup_mime() { mkdir -p "$M/srv/users"; mkuser carol -d /srv/users/carol; }
break_mime() { chmod 0666 "$M/srv/users/carol/.ssh/authorized_keys"; }

# sshd_config with a Match User block moving the user's key file to /etc/ssh/keys/%u.
setup_gzip() {
  mkuser dave
  mkdir -m 0755 "$M/etc/ssh/keys"
  cp "$M/root/lab/key.pub" "$M/etc/ssh/keys/dave"
  chroot "$M" chown dave: /etc/ssh/keys/dave
  printf '\nMatch User dave\n    AuthorizedKeysFile /etc/ssh/keys/%%u\n' >>"$M/etc/ssh/sshd_config"
  rm "$M/home/dave/.ssh/authorized_keys"
}
break_gzip() { chmod 0666 "$M/etc/ssh/keys/dave"; }

# No user data at all; the home handed to root.
setup_empty() { mkuser erin; }
# sshd accepts a root-owned home (StrictModes); 0700 makes it one the user cannot traverse.
break_empty() { chown 0:0 "$M/home/erin"; chmod 0700 "$M/home/erin"; }
