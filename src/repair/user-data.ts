import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Options of one repair run delivered through EC2 user data. */
export interface RepairOptions {
  /**
   * Login user to repair; must match `^[a-z_][a-z0-9._-]{0,31}$`.
   * @default - detected on the instance among the AMI default users
   */
  readonly user?: string;
  /**
   * `fix` changes what sshd refuses; `diagnose` only reports.
   * @default 'fix'
   */
  readonly mode?: 'fix' | 'diagnose';
  /**
   * Also set AWS's modes (home 0700, ~/.ssh 0700, key files 0600).
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Also give the user every entry of the home it does not own.
   * @default false
   */
  readonly recursive?: boolean;
  /** Request id, `^[A-Za-z0-9-]{1,64}$`; the fix runs once per id and the console marker carries it. */
  readonly requestId: string;
  /**
   * Also repair an account whose uid is below UID_MIN (a system account). Homes that are system
   * directories are refused regardless.
   * @default false
   */
  readonly allowSystemUser?: boolean;
  /**
   * OpenSSH public key to append to the user's first key file unless a key file has it already
   * ({@link PUBLIC_KEY_PATTERN}: ed25519, ecdsa, rsa 2048-4096 bits, optional one-word comment).
   * @default - none
   */
  readonly publicKey?: string;
  /**
   * Re-create the user with useradd when it does not exist (needs {@link publicKey}).
   * @default false
   */
  readonly createUserIfMissing?: boolean;
  /**
   * Remove a password lock ("!" hash) when sshd refuses keys for it (UsePAM no).
   * @default false
   */
  readonly unlockUser?: boolean;
  /**
   * Clear an account expiry date that has passed (`chage -E -1`).
   * @default false
   */
  readonly extendExpiredAccount?: boolean;
  /**
   * SHA256 fingerprint of a key the user holds ({@link FINGERPRINT_PATTERN}); the report says
   * which local users authorize it.
   * @default - none
   */
  readonly publicKeyFingerprint?: string;
  /**
   * SHA256 fingerprint of the instance's launch key pair; the report says which local users
   * authorize it.
   * @default - none
   */
  readonly keyPairFingerprint?: string;
  /**
   * Name of that key pair, for the report ({@link KEY_PAIR_NAME_PATTERN}).
   * @default - none
   */
  readonly keyPairName?: string;
}

/** Values (or SSM `{{ }}` placeholders) of the args line, already checked by the caller. */
export interface RepairArgsPlaceholders {
  readonly user: string;
  readonly mode: string;
  readonly strict: string;
  readonly recursive: string;
  readonly request: string;
  readonly system: string;
  readonly create: string;
  readonly unlock: string;
  readonly extend: string;
  readonly fingerprint: string;
  readonly keyPair: string;
  readonly keyPairName: string;
  /** The public key; it has a line of its own since it contains spaces. */
  readonly publicKey: string;
}

/** Thrown for options the repair script would refuse; names the option and the rule. */
export class RepairOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepairOptionsError';
  }
}

/** Portable user name, the same rule the script applies to `--user`. */
export const USER_NAME_PATTERN = /^[a-z_][a-z0-9._-]{0,31}$/;
/** Request id rule, the same the script applies to `--request-id` and `request=`. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
/** Prefix of the one cloud-config comment line the script reads its arguments from. */
export const ARGS_LINE_PREFIX = '# ec2-ssh-rescue-args: ';
/** Prefix of the line that carries the public key (it contains spaces), empty for none. */
export const KEY_LINE_PREFIX = '# ec2-ssh-rescue-key: ';

/**
 * An OpenSSH public key the repair installs: `TYPE BLOB [COMMENT]` with nothing before the type
 * (so no `command="..."` or other authorized_keys options), one line, a comment of one word.
 * Blob lengths are those of real keys (ssh-keygen): ed25519 68 characters; ecdsa nistp256/384/521
 * 140/184/232; rsa 372 (2048 bits) to 716 (4096 bits; the bound keeps the offline user data
 * within 16 KB). The script checks again with ssh-keygen, including rsa >= 2048 bits.
 */
export const PUBLIC_KEY_PATTERN =
  '^(ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}|ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY[A-Za-z0-9+/]{108}=|' +
  'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQ[A-Za-z0-9+/]{151}==|ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjE[A-Za-z0-9+/]{199}==|' +
  'ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]{355,701}={0,2})( [A-Za-z0-9@._+=:-]{1,100})?$';
/** A SHA256 key fingerprint as `ssh-keygen -l -E sha256` prints it. */
export const FINGERPRINT_PATTERN = '^SHA256:[A-Za-z0-9+/]{43}$';
/** A key pair name as the report shows it (EC2 allows more; the runbook replaces other characters). */
export const KEY_PAIR_NAME_PATTERN = '^[A-Za-z0-9._@+-]{0,128}$';


/**
 * EC2 user data is at most 16 KB in raw form, before base64 encoding.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html
 */
export const USER_DATA_MAX_BYTES = 16384;
/**
 * Room the repair user data keeps below {@link USER_DATA_MAX_BYTES} with the longest argument
 * values (tests hold it to this), so a slightly longer script or args line never reaches
 * the limit unnoticed. src/repair/README.md states the current figure.
 */
export const USER_DATA_MARGIN_BYTES = 512;

const SCRIPT_FILE = 'ssh-access-repair.sh';
let scriptCache: string | undefined;

/** The repair script, read from the file next to this module (cached). */
export function repairScriptText(): string {
  if (scriptCache === undefined) {
    scriptCache = readFileSync(join(__dirname, SCRIPT_FILE), 'utf8');
  }
  return scriptCache;
}

function validated(opts: RepairOptions): RepairArgsPlaceholders {
  const user = opts.user ?? '';
  if (user !== '' && !USER_NAME_PATTERN.test(user)) {
    throw new RepairOptionsError(
      `user ${JSON.stringify(user)} is not a portable user name: it must match ${USER_NAME_PATTERN.source} (or be empty to detect the AMI default user)`,
    );
  }
  const mode = opts.mode ?? 'fix';
  if (mode !== 'fix' && mode !== 'diagnose') {
    throw new RepairOptionsError(`mode ${JSON.stringify(mode)} is not supported: use 'fix' or 'diagnose'`);
  }
  if (!REQUEST_ID_PATTERN.test(opts.requestId)) {
    throw new RepairOptionsError(
      `requestId ${JSON.stringify(opts.requestId)} must match ${REQUEST_ID_PATTERN.source} (letters, digits and '-', 1 to 64)`,
    );
  }
  const publicKey = opts.publicKey ?? '';
  if (publicKey !== '' && !new RegExp(PUBLIC_KEY_PATTERN).test(publicKey)) {
    throw new RepairOptionsError(
      'publicKey must be one OpenSSH public key line "TYPE BLOB [COMMENT]" (ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa of 2048 to 4096 bits; no options such as command="..."; a one-word comment)',
    );
  }
  if (opts.createUserIfMissing === true && publicKey === '') {
    throw new RepairOptionsError('createUserIfMissing needs publicKey: a re-created user has no key to log in with otherwise');
  }
  for (const [name, value] of [['publicKeyFingerprint', opts.publicKeyFingerprint], ['keyPairFingerprint', opts.keyPairFingerprint]] as const) {
    if (value !== undefined && value !== '' && !new RegExp(FINGERPRINT_PATTERN).test(value)) {
      throw new RepairOptionsError(`${name} ${JSON.stringify(value)} must match ${FINGERPRINT_PATTERN} (as ssh-keygen -l -E sha256 prints it)`);
    }
  }
  if (!new RegExp(KEY_PAIR_NAME_PATTERN).test(opts.keyPairName ?? '')) {
    throw new RepairOptionsError(`keyPairName ${JSON.stringify(opts.keyPairName)} must match ${KEY_PAIR_NAME_PATTERN}`);
  }
  return {
    user,
    mode,
    strict: String(opts.strict ?? false),
    recursive: String(opts.recursive ?? false),
    request: opts.requestId,
    system: String(opts.allowSystemUser ?? false),
    create: String(opts.createUserIfMissing ?? false),
    unlock: String(opts.unlockUser ?? false),
    extend: String(opts.extendExpiredAccount ?? false),
    fingerprint: opts.publicKeyFingerprint ?? '',
    keyPair: opts.keyPairFingerprint ?? '',
    keyPairName: opts.keyPairName ?? '',
    publicKey,
  };
}

/** The args line and the key line; the script reads both as data. */
function argsLine(v: RepairArgsPlaceholders): string {
  return [
    // request= stays last: the boothook reads it as everything after it.
    `${ARGS_LINE_PREFIX}user=${v.user} mode=${v.mode} strict=${v.strict} recursive=${v.recursive} system=${v.system} create=${v.create}` +
      ` unlock=${v.unlock} extend=${v.extend} fingerprint=${v.fingerprint} keypair=${v.keyPair} keyname=${v.keyPairName} request=${v.request}`,
    `${KEY_LINE_PREFIX}${v.publicKey}`,
  ].join('\n');
}

/**
 * The args line with placeholders (e.g. `{{ UserName }}`) that Automation fills in at run time;
 * the script validates the substituted values itself.
 */
export function repairArgsLineTemplate(placeholders: RepairArgsPlaceholders): string {
  for (const [key, value] of Object.entries(placeholders)) {
    // One line: a line break would end the args line early.
    if (value === '' || /[\r\n]/.test(value)) {
      throw new RepairOptionsError(`placeholder for ${key} must be non-empty and on one line: ${JSON.stringify(value)}`);
    }
  }
  return argsLine(placeholders);
}

/** The `# ec2-ssh-rescue-args:` and `# ec2-ssh-rescue-key:` lines for these options; throws {@link RepairOptionsError} on bad input. */
export function repairArgsLine(opts: RepairOptions): string {
  return argsLine(validated(opts));
}

/** Line after which the repair user data carries the repair script; the boothook copies what follows it. */
export const SCRIPT_SEPARATOR = '# ec2-ssh-rescue: repair script';
/** Transient systemd unit the boothook starts; one per boot at most. */
export const REPAIR_UNIT = 'ec2-ssh-rescue-repair.service';

/**
 * The script as the user data carries it: without its comment lines (all but the `#!` line),
 * which are documentation here and bytes the 16 KB limit cannot spare. No line of the script
 * starts with `#` inside a multi-line string; the user-data lab runs exactly this text.
 */
export function payloadScript(script: string = repairScriptText()): string {
  return script
    .split('\n')
    .filter((line, i) => i === 0 || !/^\s*#/.test(line))
    .join('\n');
}

/**
 * The boothook that starts the repair (see src/repair/README.md, "User-data mode", for the
 * boot-lab evidence). cloud-init runs a `#cloud-boothook` early at every boot
 * (https://cloudinit.readthedocs.io/en/latest/explanation/format.html#cloud-boothook) and
 * discards its output; this one only hands the script that follows it to systemd as a
 * oneshot unit ordered after the local file systems and the user's home, which reports on the
 * journal and console itself. No module list is touched and scripts-user is not asked to run,
 * so the instance's own first-boot scripts stay where they are and do not run again.
 */
const BOOTHOOK = [
  'set -u',
  'A=$(sed -n \'s/^# ec2-ssh-rescue-args: //p\' "$0")',
  'Q=${A##*request=} U=${A#user=}',
  'U=${U%% *} H=/home',
  'no() { printf \'ec2-ssh-rescue: %s\\nec2-ssh-rescue: request=%s verdict=no-systemd user=none actions=0\\n\' "$1" "$Q" >/dev/console; exit 0; }',
  '[ -d /run/systemd/system ] && command -v systemd-run >/dev/null || no "systemd is not running; nothing was changed"',
  '[ -z "$U" ] || H="$H $(getent passwd "$U" | cut -d: -f6)"',
  'case $H in *[!A-Za-z0-9/._\\ -]*) H=/home ;; esac',
  'D=/run/ec2-ssh-rescue',
  `{ [ -d $D ] || mkdir -m 0700 $D; } && sed '1,/^${SCRIPT_SEPARATOR}$/d' "$0" | base64 -d | gzip -dc >$D/repair.sh || no "cannot write $D"`,
  `systemd-run --no-block --unit=${REPAIR_UNIT} --description=ec2-ssh-rescue -p Type=oneshot \\`,
  '  -p After=local-fs.target -p "RequiresMountsFor=$H" -p StandardOutput=journal+console \\',
  '  -p StandardError=journal+console /bin/sh $D/repair.sh >/dev/null || no "systemd-run failed"',
  'exit 0',
];

/**
 * The one assembler: a `#cloud-boothook` user data (a single part, no MIME). The args line is
 * a comment of the boothook, which the script reads from the user data as DATA; the script
 * follows the separator line and is never run by cloud-init itself.
 */
function assemble(args: string): string {
  return ['#cloud-boothook', '#!/bin/sh', args, ...BOOTHOOK, SCRIPT_SEPARATOR, compressed(payloadScript())].join('\n');
}

/**
 * The payload gzip-compressed and base64-encoded in 76-character lines: even without its
 * comments the script is larger than EC2's 16 KB. The boothook decodes it with base64 -d and
 * gzip -dc (coreutils and gzip, present on every supported distribution). Node writes mtime 0,
 * so the rendered runbooks stay byte-stable.
 */
export function compressed(text: string): string {
  const b64 = gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64');
  return b64.replace(/.{1,76}/g, (line) => `${line}\n`);
}

function checkSize(text: string, what: string): void {
  if ([...text].some((c) => c !== '\n' && (c < ' ' || c > '~'))) {
    throw new RepairOptionsError(`${what} must be 7-bit ASCII without control characters other than LF`);
  }
  const size = Buffer.byteLength(text, 'utf8');
  if (size > USER_DATA_MAX_BYTES) {
    throw new RepairOptionsError(
      `${what} is ${size} bytes; EC2 allows at most ${USER_DATA_MAX_BYTES} bytes of raw user data (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html)`,
    );
  }
}

/** MIME multipart user data that runs the repair once per request id (see {@link RepairOptions}). */
export function buildRepairUserData(opts: RepairOptions): string {
  const text = assemble(repairArgsLine(opts));
  checkSize(text, 'repair user data');
  return text;
}

/** Longest values the script accepts, used to bound the size of a filled-in template. */
export const LONGEST_VALUES: RepairArgsPlaceholders = {
  user: 'u'.repeat(32),
  mode: 'diagnose',
  strict: 'false',
  recursive: 'false',
  request: 'r'.repeat(64),
  system: 'false',
  create: 'false',
  unlock: 'false',
  extend: 'false',
  fingerprint: `SHA256:${'f'.repeat(43)}`,
  keyPair: `SHA256:${'k'.repeat(43)}`,
  keyPairName: 'n'.repeat(128),
  publicKey: `ssh-rsa AAAAB3NzaC1yc2E${'A'.repeat(699)}== ${'c'.repeat(100)}`,
};

/**
 * The same user data with the args-line values replaced by placeholders, e.g.
 * `{{ UserName }}`, for an Automation document to fill in at execution time. The script
 * validates the substituted values itself, so a bad value is refused on the instance
 * rather than run. Throws if the template, filled with the longest values the script
 * accepts, would exceed the EC2 user-data limit.
 */
export function buildRepairUserDataTemplate(placeholders: RepairArgsPlaceholders): string {
  const line = repairArgsLineTemplate(placeholders);
  checkSize(assemble(argsLine(LONGEST_VALUES)), 'repair user data with the longest argument values');
  const text = assemble(line);
  checkSize(text, 'repair user-data template');
  return text;
}
