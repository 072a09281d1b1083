import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { Instance } from './instance';
import { parseArgsLine, runRepair, SCRIPT_MARKER } from './repair-effect';

/** One part of a MIME multipart user data. */
interface MimePart {
  readonly contentType: string;
  readonly body: string;
}

/** One file of the instance's `/var/lib/cloud/instance/scripts/` and where it came from. */
interface ScriptFile {
  /** `original`: written by the instance's first boot; `later`: by a later boot's user data. */
  readonly origin: 'original' | 'later';
  readonly body: string;
}

/** cloud-init state on the instance's disk that outlives a boot. */
interface CloudInitDisk {
  readonly scripts: Map<string, ScriptFile>;
  /** Boot numbers and names of first-boot scripts that ran again at a later boot. */
  readonly reruns: string[];
}

const disks = new WeakMap<Instance, CloudInitDisk>();

/**
 * The user data as cloud-init reads it: gzip-compressed user data is decompressed first
 * (https://cloudinit.readthedocs.io/en/latest/explanation/format.html — "Gzip compressed content").
 */
function userDataText(raw: Buffer): string {
  if (raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw).toString('utf8');
    } catch {
      return '';
    }
  }
  return raw.toString('utf8');
}

/**
 * The parts cloud-init finds in user data, in order: a MIME multipart's parts, else the whole
 * text as one part typed by its first line (`#!` shell script, `#cloud-config`, `#cloud-boothook`).
 */
function userDataParts(text: string): MimePart[] {
  const mime = parseMultipart(text);
  if (mime) return mime;
  if (text.startsWith('#!')) return [{ contentType: 'text/x-shellscript', body: text }];
  if (text.startsWith('#cloud-config')) return [{ contentType: 'text/cloud-config', body: text }];
  if (text.startsWith('#cloud-boothook')) return [{ contentType: 'text/cloud-boothook', body: text }];
  return [];
}

function cloudConfigs(parts: readonly MimePart[]): Record<string, unknown>[] {
  return parts.filter((p) => p.contentType === 'text/cloud-config').flatMap((p) => {
    try {
      const doc: unknown = parseYaml(p.body);
      return typeof doc === 'object' && doc !== null ? [doc as Record<string, unknown>] : [];
    } catch {
      return []; // cloud-init ignores a cloud-config it cannot parse
    }
  });
}

/**
 * What a boot's user data writes into `/var/lib/cloud/instance/scripts/`: each shell part as
 * `part-NNN` (numbered over all parts, rewritten at EVERY boot because cloud-init consumes
 * user data at every boot), and, at the first boot only, `runcmd` (cc_runcmd is a
 * per-instance module). Measured by booting Debian 12 with cloud-init 22.4.2 (test/boot,
 * DESIGN.md §4 "Instance-side facts").
 */
function writeScripts(disk: CloudInitDisk, parts: readonly MimePart[], origin: ScriptFile['origin']): void {
  parts.forEach((p, n) => {
    if (p.contentType !== 'text/x-shellscript') return;
    const name = `part-${String(n + 1).padStart(3, '0')}`;
    // The same bytes rewritten (the original user data restored) are still the first boot's script.
    if (disk.scripts.get(name)?.body !== p.body) disk.scripts.set(name, { origin, body: p.body });
  });
  if (origin === 'original' && cloudConfigs(parts).some((c) => c.runcmd !== undefined)) disk.scripts.set('runcmd', { origin, body: 'runcmd' });
}

/**
 * Records what the instance's first boot (before the simulation starts) left on its disk:
 * the scripts its original user data put in the scripts directory. Called when the
 * simulated instance is created; its user data then is the first boot's.
 */
export function recordFirstBoot(instance: Instance): void {
  const disk: CloudInitDisk = { scripts: new Map(), reruns: [] };
  writeScripts(disk, userDataParts(userDataText(instance.userData)), 'original');
  disks.set(instance, disk);
}

function diskOf(instance: Instance): CloudInitDisk {
  let disk = disks.get(instance);
  if (!disk) {
    disk = { scripts: new Map(), reruns: [] };
    disks.set(instance, disk);
  }
  return disk;
}

/** First-boot scripts of the instance's original user data that a later boot ran again, as `boot N: NAME`. */
export function originalUserDataReruns(instance: Instance): readonly string[] {
  return diskOf(instance).reruns;
}

function runRepairFrom(instance: Instance, argsText: string): void {
  const args = parseArgsLine(argsText);
  if (typeof args === 'string') {
    instance.consoleOutput += `ec2-ssh-rescue: request= verdict=bad-input user= actions=0\n`;
    return;
  }
  // The script keeps a marker per request id, so boots before the restore do nothing more.
  if (instance.userDataRequestsDone.has(args.requestId)) return;
  instance.userDataRequestsDone.add(args.requestId);
  const run = runRepair(instance, args);
  instance.consoleOutput += `ec2-ssh-rescue: request=${args.requestId} verdict=${run.verdict} user=${run.user} actions=${run.actions}\n`;
}

/** Where in the boot the repair of this user data runs, or undefined when it runs none. */
export function repairStage(userData: Buffer): 'boothook' | 'final' | undefined {
  const parts = userDataParts(userDataText(userData));
  if (parts.some((p) => p.contentType === 'text/cloud-boothook' && SCRIPT_MARKER.test(p.body))) return 'boothook';
  if (runsScriptsAlways(parts) && parts.some((p) => p.contentType === 'text/x-shellscript' && SCRIPT_MARKER.test(p.body))) return 'final';
  return undefined;
}

/**
 * Early in a boot of an EXISTING instance (not its first boot), in cloud-init's init stage:
 * user data is consumed again at every boot, so its shell parts are rewritten into the scripts
 * directory, and a `#cloud-boothook` runs (https://cloudinit.readthedocs.io/en/latest/explanation/format.html#cloud-boothook).
 * The repair user data's boothook hands the repair to systemd, ordered after the local file
 * systems; the boot lab measured it done well before the end of the boot (test/boot/README.md).
 */
export function runBoothooksAtBoot(instance: Instance): void {
  const parts = userDataParts(userDataText(instance.userData));
  writeScripts(diskOf(instance), parts, 'later');
  for (const p of parts) {
    if (p.contentType !== 'text/cloud-boothook' || !SCRIPT_MARKER.test(p.body)) continue;
    const argsLine = /^# ec2-ssh-rescue-args:(.*)$/m.exec(p.body);
    if (argsLine) runRepairFrom(instance, argsLine[1]);
  }
}

/**
 * At the end of a boot of an EXISTING instance, cloud-init's final stage: `scripts-user` is a
 * per-instance module and does nothing, unless the cloud-config sets its frequency to `always`
 * through `cloud_final_modules` (the AWS knowledge-center procedure,
 * https://repost.aws/knowledge-center/ec2-server-refused-our-key;
 * https://cloudinit.readthedocs.io/en/latest/reference/base_config_reference.html). Then it runs
 * EVERY file in the scripts directory — the first boot's scripts as well (subp.runparts;
 * measured in test/boot: the original user data's script ran again).
 */
export function runUserDataAtBoot(instance: Instance): void {
  const parts = userDataParts(userDataText(instance.userData));
  if (!runsScriptsAlways(parts)) return;
  const disk = diskOf(instance);
  for (const [name, file] of [...disk.scripts].sort(([a], [b]) => a.localeCompare(b))) {
    if (file.origin === 'original') disk.reruns.push(`boot ${instance.bootCount}: ${name}`);
    if (!SCRIPT_MARKER.test(file.body)) continue;
    const config = parts.find((p) => p.contentType === 'text/cloud-config' && /^# ec2-ssh-rescue-args:/m.test(p.body));
    const argsLine = config && /^# ec2-ssh-rescue-args:(.*)$/m.exec(config.body);
    if (argsLine) runRepairFrom(instance, argsLine[1]);
  }
}

function runsScriptsAlways(parts: readonly MimePart[]): boolean {
  return cloudConfigs(parts).some((doc) => {
    const modules = doc.cloud_final_modules;
    return Array.isArray(modules) && modules.some((m) => Array.isArray(m) && m[0] === 'scripts-user' && m[1] === 'always');
  });
}

/** Content types cloud-init decompresses (cloudinit/user_data.py DECOMP_TYPES, in part). */
const GZIP_TYPES = ['application/gzip', 'application/x-gzip', 'application/gzip-compressed', 'application/gzipped', 'application/x-gzip-compressed'];

/** Splits a MIME multipart message; undefined when the user data is not multipart. */
export function parseMultipart(text: string): MimePart[] | undefined {
  const headerEnd = text.search(/\r?\n\r?\n/);
  if (headerEnd < 0) return undefined;
  const headers = text.slice(0, headerEnd);
  if (!/^content-type:\s*multipart\//im.test(headers)) return undefined;
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (!boundary) return undefined;
  const chunks = text.split(`--${boundary}`).slice(1);
  const parts: MimePart[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break; // closing delimiter
    const body = chunk.replace(/^\r?\n/, '');
    const split = body.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const partHeaders = body.slice(0, split);
    let content = body.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    let contentType = (/^content-type:\s*([^;\r\n]+)/im.exec(partHeaders)?.[1] ?? 'text/plain').trim().toLowerCase();
    let bytes = /^content-transfer-encoding:\s*base64/im.test(partHeaders) ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    // cloud-init decompresses gzip parts and types them by their first line, "#!" being a shell
    // script (cloudinit/user_data.py _process_msg; https://cloudinit.readthedocs.io/en/latest/explanation/format.html).
    if (GZIP_TYPES.includes(contentType)) {
      try {
        bytes = gunzipSync(bytes);
      } catch {
        continue; // cloud-init logs the failure and skips the part
      }
      contentType = bytes.subarray(0, 2).toString('utf8') === '#!' ? 'text/x-shellscript' : bytes.toString('utf8').startsWith('#cloud-config') ? 'text/cloud-config' : 'text/plain';
    }
    content = bytes.toString('utf8');
    parts.push({ contentType, body: content });
  }
  return parts;
}

/**
 * When, as a fraction of the boot latency (running → cloud-init final stage done), the repair
 * that the boothook hands to systemd has printed its verdict. Measured in the boot lab
 * (test/boot/README.md, "Figures"): the unit starts right after cloud-init.service and its
 * verdict came 1.2–2.4 s before cloud-final.service finished, at 0.88–0.94 of the time from
 * boot start to that point (Debian 12 in systemd-nspawn). Only this point of the boot model is
 * taken from the lab; the boot latency itself is unchanged.
 */
export const REPAIR_UNIT_AT_FRACTION_OF_BOOT = 0.9;
