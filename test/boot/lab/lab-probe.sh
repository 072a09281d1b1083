#!/bin/sh
# Runs inside the booted container after cloud-final.service (and after the repair unit, if
# the boot started one): a real key login with ssh to the container's own sshd on its
# loopback, then the results for the host, then power off. Results go to
# /var/lib/lab/boot-N/ (N from /var/lib/lab/boot, written by the host before each boot).
n=$(cat /var/lib/lab/boot)
o=/var/lib/lab/boot-$n
mkdir -p "$o"
# A repair unit still queued or running (it is ordered before this unit when both are queued).
for _ in $(seq 120); do
  case $(systemctl show -p ActiveState --value ec2-ssh-rescue-repair.service) in
    activating | active | deactivating) sleep 0.5 ;;
    *) break ;;
  esac
done
u=$(cat /var/lib/lab/user)
ssh -F /dev/null -i /root/lab/key -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
  -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o LogLevel=ERROR "$u@127.0.0.1" true </dev/null 2>"$o/login.err"
echo $? >"$o/login-$n"
systemctl list-units --failed --plain --no-legend >"$o/failed-$n" 2>&1
systemctl is-active ssh.service ssh.socket >"$o/sshd-$n" 2>&1
echo "lab-probe: boot $n login=$(cat "$o/login-$n")"
systemctl poweroff --no-block
