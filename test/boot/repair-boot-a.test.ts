import { currentUserDataSuite } from './suite';

// GIVEN a Debian 12 image (systemd 252, cloud-init 22.4.2, OpenSSH 9.2) booted three times per
// instance under systemd-nspawn: its original user data, then the offline runbook's repair user
// data as SwapInRepairUserData writes it, then the original again (test/boot/README.md).
// The boot lab is split over two files so jest's two workers boot in parallel.
currentUserDataSuite(['shell', 'cloudcfg', 'mime']);
