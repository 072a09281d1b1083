import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { buildRepairUserData, RepairOptionsError } from '../repair/user-data';

interface RenderUserDataFlags {
  user?: string;
  mode: string;
  strict?: boolean;
  recursive?: boolean;
  requestId?: string;
  allowSystemUser?: boolean;
  publicKey?: string;
  createUser?: boolean;
  unlock?: boolean;
  extendExpiry?: boolean;
  fingerprint?: string;
  out?: string;
  base64?: boolean;
}

function fail(message: string): void {
  process.stderr.write(`render-userdata: ${message}\n`);
  process.exitCode = 2;
}

/**
 * Adds `render-userdata`: prints the user data that runs the repair script at the next boot
 * (the offline path: a cloud-init boothook handing the script to systemd, src/repair/README.md). Bad input → message on stderr, exit 2.
 */
export function registerRenderUserData(program: Command): void {
  program
    .command('render-userdata')
    .description(
      'print EC2 user data (a cloud-init boothook that runs only the repair script, as a systemd unit) that repairs SSH access at the next boot, once per request id',
    )
    .option('--user <name>', "login user to repair, ^[a-z_][a-z0-9._-]{0,31}$ ('' detects the AMI default user)")
    .option('--mode <mode>', 'fix or diagnose', 'fix')
    .option('--strict', "also set AWS's modes: home 0700, ~/.ssh 0700, authorized_keys 0600")
    .option('--recursive', 'also give the user every entry of the home it does not own')
    .option('--request-id <id>', 'request id, ^[A-Za-z0-9-]{1,64}$ (default: a random UUID, printed on stderr)')
    .option('--allow-system-user', 'also repair an account whose uid is below UID_MIN (system directories as homes are refused regardless)')
    .option('--public-key <key>', 'append this OpenSSH public key ("TYPE BLOB [COMMENT]": ed25519, ecdsa, rsa 2048-4096; no options) unless a key file has it')
    .option('--create-user', 're-create the user with useradd when it does not exist (needs --public-key)')
    .option('--unlock', 'remove a "!" password lock that sshd refuses keys for (UsePAM no)')
    .option('--extend-expiry', 'clear an account expiry date that has passed (chage -E -1)')
    .option('--fingerprint <fp>', 'SHA256 fingerprint of a key you hold; the report says which users authorize it')
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--base64', 'base64-encode (for APIs that take encoded user data; the AWS SDKs and CLI encode for you)')
    .action((flags: RenderUserDataFlags) => {
      if (flags.user === undefined) {
        fail("--user is required (pass --user '' to detect the AMI default user on the instance)");
        return;
      }
      if (flags.mode !== 'fix' && flags.mode !== 'diagnose') {
        fail(`--mode ${JSON.stringify(flags.mode)} is not supported: use fix or diagnose`);
        return;
      }
      const requestId = flags.requestId ?? randomUUID();
      let text: string;
      try {
        text = buildRepairUserData({
          user: flags.user,
          mode: flags.mode,
          strict: flags.strict === true,
          recursive: flags.recursive === true,
          requestId,
          allowSystemUser: flags.allowSystemUser === true,
          publicKey: flags.publicKey,
          createUserIfMissing: flags.createUser === true,
          unlockUser: flags.unlock === true,
          extendExpiredAccount: flags.extendExpiry === true,
          publicKeyFingerprint: flags.fingerprint,
        });
      } catch (err) {
        if (err instanceof RepairOptionsError) {
          fail(err.message);
          return;
        }
        throw err;
      }
      if (flags.requestId === undefined) process.stderr.write(`render-userdata: request id ${requestId}\n`);
      const output = flags.base64 === true ? `${Buffer.from(text, 'utf8').toString('base64')}\n` : text;
      if (flags.out === undefined) process.stdout.write(output);
      else writeFileSync(flags.out, output);
    });
}
