#!/usr/bin/env bash
# Installs the system packages the main job (simulate) and the tests run against, on Debian/Ubuntu:
#   openssh-server/client  real sshd and ssh for the repair-script lab
#   cloud-init, python3-yaml  real cloud-init parses the generated user data
#   python3-botocore       botocore API models for the simulator's boto3 stand-in, and the real serializer for the user-data round trip
#   shellcheck, dash, busybox  the repair script is linted and run under several POSIX shells
#   util-linux             unshare, for the lab's private mount namespace; flock for the boot lab's build lock
#   awscli                 the real AWS CLI v2 (/usr/bin/aws) drives the simulator's local SSM endpoint in the tests
#   systemd-container      systemd-nspawn, which boots the boot lab's Debian image (test/boot)
#   debootstrap, debian-archive-keyring  build that image (Debian bookworm: systemd, cloud-init, OpenSSH)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  openssh-server openssh-client cloud-init python3 python3-yaml python3-botocore \
  shellcheck dash busybox util-linux passwd procps awscli \
  systemd-container debootstrap debian-archive-keyring >/dev/null
echo "system dependencies installed"
