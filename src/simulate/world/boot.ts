import { parse as parseYaml } from 'yaml';
import { Instance } from './instance';
import { parseArgsLine, runRepair, SCRIPT_MARKER } from './repair-effect';

/** One part of a MIME multipart user data. */
interface MimePart {
  readonly contentType: string;
  readonly body: string;
}

/**
 * What cloud-init does with the instance's user data on a boot of an EXISTING instance
 * (not the first boot): `scripts-user` runs user-data scripts once per instance, unless
 * the cloud-config sets its frequency to `always` through `cloud_final_modules`
 * (https://repost.aws/knowledge-center/ec2-server-refused-our-key — the user-data procedure;
 * https://cloudinit.readthedocs.io/en/latest/reference/base_config_reference.html).
 */
export function runUserDataAtBoot(instance: Instance): void {
  const parts = parseMultipart(instance.userData.toString('utf8'));
  if (!parts) return;
  const cloudConfig = parts.find((p) => p.contentType === 'text/cloud-config');
  const script = parts.find((p) => p.contentType === 'text/x-shellscript' && SCRIPT_MARKER.test(p.body));
  if (!cloudConfig || !script || !runsScriptsAlways(cloudConfig.body)) return;
  const argsLine = /^# ec2-ssh-rescue-args:(.*)$/m.exec(cloudConfig.body);
  if (!argsLine) return;
  const args = parseArgsLine(argsLine[1]);
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

function runsScriptsAlways(cloudConfigBody: string): boolean {
  let doc: unknown;
  try {
    doc = parseYaml(cloudConfigBody);
  } catch {
    return false; // cloud-init ignores a cloud-config it cannot parse
  }
  if (typeof doc !== 'object' || doc === null) return false;
  const modules = (doc as Record<string, unknown>).cloud_final_modules;
  if (!Array.isArray(modules)) return false;
  return modules.some((m) => Array.isArray(m) && m[0] === 'scripts-user' && m[1] === 'always');
}

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
    const contentType = (/^content-type:\s*([^;\r\n]+)/im.exec(partHeaders)?.[1] ?? 'text/plain').trim().toLowerCase();
    if (/^content-transfer-encoding:\s*base64/im.test(partHeaders)) content = Buffer.from(content, 'base64').toString('utf8');
    parts.push({ contentType, body: content });
  }
  return parts;
}
