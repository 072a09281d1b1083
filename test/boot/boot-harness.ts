import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { ACCOUNT_OPTIONS_OFF, rendered, step, substitute } from '../runbooks/rendered';

export const REPO = join(__dirname, '..', '..');
const LAB = join(__dirname, 'lab');
/** The 0.1.0 offline runbook, byte for byte: the knowledge-center MIME user data. */
const FIXTURE_0_1 = join(REPO, 'test', 'fixtures', 'runbooks-0.1', 'EC2SSHRescue-FixAccessOffline.yaml');

/** What the boot lab needs on the host, each with the Debian package that provides it. */
const TOOLS: readonly (readonly [string, string])[] = [
  ['/usr/bin/systemd-nspawn', 'systemd-container'],
  ['/usr/sbin/debootstrap', 'debootstrap'],
  ['/usr/bin/unshare', 'util-linux'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/flock', 'util-linux'],
];

/** Reasons the boot lab cannot run here; empty when it can. */
export function missingBootTools(): string[] {
  const missing = TOOLS.filter(([path]) => !existsSync(path)).map(([path, apt]) => `${path} (apt: ${apt})`);
  if (process.getuid?.() !== 0) missing.push('root (debootstrap, overlayfs, systemd-nspawn)');
  return missing;
}

/**
 * `describe` when the boot lab can run; under CI=true a failing test naming what is missing
 * (never a skip); elsewhere a visible skip.
 */
export function describeBootLab(title: string, body: () => void): void {
  const missing = missingBootTools();
  if (missing.length === 0) {
    describe(title, body);
  } else if (process.env.CI === 'true') {
    describe(title, () => {
      test('system dependencies are installed', () => {
        throw new Error(`missing: ${missing.join('; ')} (scripts/install-deps.sh)`);
      });
    });
  } else {
    console.warn(`SKIPPED ${title}: missing ${missing.join('; ')} (install them, or set CI=true to fail)`);
    describe.skip(title, body);
  }
}

/** Builds the cached root file system (once, under a lock) and returns its path. */
export function rootfs(): string {
  return execFileSync('sh', [join(LAB, 'rootfs.sh')], { encoding: 'utf8', timeout: 2_400_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Seconds the cached root file system took to build (written by rootfs.sh). */
export function rootfsBuildSeconds(root: string): number {
  return Number(readFileSync(join(root, '.ec2-ssh-rescue-build-seconds'), 'utf8'));
}

/** The values Automation puts in for the runbook's references, as in a real execution. */
export interface RepairValues {
  readonly user: string;
  readonly request: string;
}

function fill(template: string, v: RepairValues): string {
  const text = substitute(template, {
    UserName: v.user, Mode: 'fix', Strict: 'false', Recursive: 'false', 'automation:EXECUTION_ID': v.request, ...ACCOUNT_OPTIONS_OFF,
  });
  if (/\{\{/.test(text)) throw new Error('a {{ }} reference is left in the user data');
  return text;
}

/** The repair user data exactly as the current runbook's SwapInRepairUserData step receives it. */
export function currentRepairUserData(v: RepairValues): Buffer {
  const inputs = step(rendered(OFFLINE_RUNBOOK).doc, 'SwapInRepairUserData').inputs as { InputPayload: { RepairUserData: string } };
  return Buffer.from(fill(inputs.InputPayload.RepairUserData, v), 'ascii');
}

/** The same from the 0.1.0 runbook: the AWS knowledge-center MIME ([scripts-user, always] + shell part). */
export function knowledgeCenterUserData(v: RepairValues): Buffer {
  const doc = YAML.parse(readFileSync(FIXTURE_0_1, 'utf8')) as { mainSteps: { name: string; inputs: { InputPayload: { RepairUserData: string } } }[] };
  const swap = doc.mainSteps.find((s) => s.name === 'SwapInRepairUserData');
  if (swap === undefined) throw new Error('no SwapInRepairUserData in the 0.1.0 fixture');
  return Buffer.from(fill(swap.inputs.InputPayload.RepairUserData, v), 'ascii');
}

/** Appends the boot number to a lab file: evidence of what ran at which boot. */
const record = (file: string): string => `cat /var/lib/lab/boot >>/var/lib/lab/${file}`;

/** The original (first-boot) user data of each scenario kind. */
export function originalUserData(kind: string): Buffer {
  const script = `#!/bin/sh\n${record('ran-original')}\n`;
  switch (kind) {
    case 'shell':
      return Buffer.from(script);
    case 'cloudcfg':
      return Buffer.from(`#cloud-config\nruncmd:\n  - [sh, -c, '${record('ran-original')}']\nbootcmd:\n  - [sh, -c, '${record('ran-bootcmd')}']\n`);
    case 'mime':
      return Buffer.from([
        'Content-Type: multipart/mixed; boundary="==lab=="', 'MIME-Version: 1.0', '',
        '--==lab==', 'Content-Type: text/cloud-config; charset="us-ascii"', '',
        '#cloud-config', 'bootcmd:', `  - [sh, -c, '${record('ran-bootcmd')}']`, '',
        '--==lab==', 'Content-Type: text/x-shellscript; charset="us-ascii"', '', script,
        '--==lab==--', '',
      ].join('\n'));
    case 'gzip':
      return gzipSync(Buffer.from(script));
    case 'empty':
      return Buffer.alloc(0);
    default:
      throw new Error(`unknown scenario kind ${kind}`);
  }
}

/** One scenario: NAME or NAME-VARIANT (the lab uses NAME's setup), its user and both user data. */
export interface Scenario {
  readonly name: string;
  readonly user: string;
  readonly repair: Buffer;
}

/** Runs the boot lab for these scenarios in a private mount namespace; resolves to OUTDIR. */
export async function runBootLab(root: string, scenarios: readonly Scenario[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-boot-'));
  for (const s of scenarios) {
    mkdirSync(join(out, s.name));
    writeFileSync(join(out, s.name, 'ud-original'), originalUserData(s.name.split('-')[0]));
    writeFileSync(join(out, s.name, 'ud-repair'), s.repair);
  }
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'bash', join(LAB, 'boot-lab.sh'), root, out, ...scenarios.map((s) => s.name)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`boot-lab.sh exited ${code}: ${stderr.slice(-3000)}`))));
  });
  writeFileSync(join(out, 'lab-seconds'), String((Date.now() - started) / 1000));
  return out;
}

/** A file the lab wrote for a scenario ('' when absent). */
export function lab(out: string, name: string, file: string): string {
  const path = join(out, name, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Boot numbers a lab file recorded, in order. */
export function boots(out: string, name: string, file: string): number[] {
  return lab(out, name, file).split('\n').filter((l) => l !== '').map(Number);
}

/** Console lines of one boot: [host seconds since the epoch, text]. */
export function consoleLines(out: string, name: string, boot: number): { at: number; text: string }[] {
  return lab(out, name, `boot-${boot}.console`).split('\n').filter((l) => l !== '').map((l) => {
    const sp = l.indexOf(' ');
    return { at: Number(l.slice(0, sp)), text: l.slice(sp + 1) };
  });
}

/** Start and end of one boot (host clock) and nspawn's exit code. */
export function bootTime(out: string, name: string, boot: number): { start: number; end: number; rc: number } {
  const [start, end, rc] = lab(out, name, `boot-${boot}.time`).trim().split(' ').map(Number);
  return { start, end, rc };
}

/** The console marker lines VerifyRepair looks for (verify_console.py's pattern). */
export function markers(out: string, name: string, boot: number): { request: string; verdict: string; user: string; actions: number; at: number }[] {
  const re = /ec2-ssh-rescue: request=(\S+) verdict=([a-z-]+) user=(\S*) actions=(\d+)/;
  return consoleLines(out, name, boot).flatMap(({ at, text }) => {
    const m = re.exec(text);
    return m === null ? [] : [{ request: m[1], verdict: m[2], user: m[3], actions: Number(m[4]), at }];
  });
}

/**
 * cloud-init's final-stage modules of each boot, from cloud-init.log: the module names the
 * `modules:final` stage considered (run, or skipped as already run for this instance).
 */
export function finalModules(out: string, name: string): string[][] {
  const stages = lab(out, name, 'cloud-init.log').split(/running 'modules:final'/).slice(1);
  return stages.map((text) => {
    const upTo = text.split(/running '(?:init|init-local|modules:config)'/)[0];
    const names = new Set<string>();
    for (const m of upTo.matchAll(/Running module (\S+) \(|config-(\S+) already ran/g)) names.add((m[1] ?? m[2]).replace(/-/g, '_'));
    return [...names].sort();
  });
}

/** The `find` snapshot of /etc, /var/lib/cloud and the user's home as a map path -> attributes. */
export function snapshot(out: string, name: string, which: 'before' | 'after'): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lab(out, name, `snapshot.${which}`).split('\n')) {
    if (line === '') continue;
    const sp = line.indexOf(' ');
    map.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return map;
}

/** Paths whose entry differs between two snapshots (added, removed or changed). */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Runs a command and returns stdout (for host facts in the lab report). */
export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
}
