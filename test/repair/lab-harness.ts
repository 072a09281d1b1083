import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Repository paths the repair tests use. */
export const REPO = join(__dirname, '..', '..');
export const SCRIPT = join(REPO, 'src', 'repair', 'ssh-access-repair.sh');
export const LAB = join(REPO, 'test', 'repair', 'lab', 'lab.sh');

/** A system tool the lab needs and the Debian package that provides it. */
interface Tool {
  readonly path: string;
  readonly apt: string;
}

const TOOLS: Record<string, Tool> = {
  sshd: { path: '/usr/sbin/sshd', apt: 'openssh-server' },
  ssh: { path: '/usr/bin/ssh', apt: 'openssh-client' },
  unshare: { path: '/usr/bin/unshare', apt: 'util-linux' },
  useradd: { path: '/usr/sbin/useradd', apt: 'passwd' },
  shellcheck: { path: '/usr/bin/shellcheck', apt: 'shellcheck' },
  dash: { path: '/usr/bin/dash', apt: 'dash' },
  busybox: { path: '/usr/bin/busybox', apt: 'busybox' },
  python3: { path: '/usr/bin/python3', apt: 'python3 python3-yaml' },
};

function unshareWorks(): boolean {
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function cloudInitImports(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import cloudinit.user_data, yaml'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reasons the given tools cannot be used here, each naming the apt package. Under CI the
 * caller turns a non-empty list into a failing test; elsewhere into a visible skip.
 */
export function missingTools(names: readonly string[]): string[] {
  const missing: string[] = [];
  for (const name of names) {
    if (name === 'cloud-init') {
      if (!cloudInitImports()) missing.push('cloud-init Python modules (apt: cloud-init python3-yaml) under /usr/bin/python3');
      continue;
    }
    const tool = TOOLS[name];
    if (!existsSync(tool.path)) missing.push(`${tool.path} (apt: ${tool.apt})`);
  }
  if (names.includes('unshare') && process.getuid?.() !== 0) missing.push('root (the lab uses unshare --mount and useradd)');
  else if (names.includes('unshare') && missing.length === 0 && !unshareWorks()) {
    missing.push('a working `unshare --mount --propagation private` (apt: util-linux; needs CAP_SYS_ADMIN)');
  }
  return missing;
}

/**
 * `describe` when the tools exist; under CI=true a failing test naming the missing apt
 * packages; otherwise a skipped block with a message saying why.
 */
export function describeWithTools(title: string, tools: readonly string[], body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(title, body);
  } else if (process.env.CI === 'true') {
    describe(title, () => {
      test('system dependencies are installed', () => {
        throw new Error(`missing: ${missing.join('; ')}`);
      });
    });
  } else {
    console.warn(`SKIPPED ${title}: missing ${missing.join('; ')} (install them, or set CI=true to fail)`);
    describe.skip(title, body);
  }
}

/** A free TCP port on 127.0.0.1 for the lab's sshd. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs lab.sh in a private mount namespace; resolves to the output directory. */
export async function runLab(specs: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-lab-'));
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'bash', LAB, out, String(port), ...specs], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`lab.sh exited ${code}: ${stderr.slice(-2000)}`))));
  });
  return out;
}

/** The JSON report a run printed as its last line. */
export interface Report {
  tool: string;
  version: number;
  mode: string;
  user: string;
  requestId: string;
  verdict: string;
  findings: { code: string; path: string; message: string }[];
  actions: { action: string; path: string; from: string; to: string }[];
  paths: { path: string; before: Meta | null; after: Meta | null }[];
}
interface Meta {
  owner: string;
  group: string;
  mode: string;
}

/** Reads one observation file of a scenario. */
export function observed(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8').trim();
}

/** Parses the last output line of run TAG, which must be the compact JSON report. */
export function report(dir: string, tag: string): Report {
  const lines = observed(dir, `${tag}.out`).split('\n');
  return JSON.parse(lines[lines.length - 1]) as Report;
}

/** `find -printf '%p|%u|%g|%m|%y'` snapshot lines as a map from path to its fields. */
export function tree(dir: string, file: string): Map<string, { owner: string; group: string; mode: string; type: string }> {
  const map = new Map<string, { owner: string; group: string; mode: string; type: string }>();
  for (const line of observed(dir, file).split('\n')) {
    if (line === '') continue;
    const [path, owner, group, mode, type] = line.split('|');
    map.set(path, { owner, group, mode, type });
  }
  return map;
}
