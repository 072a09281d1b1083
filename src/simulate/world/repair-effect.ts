import { Instance } from './instance';

/** Arguments of the on-instance repair script (src/repair/ssh-access-repair.sh). */
export interface RepairArgs {
  /** Empty means "detect the AMI's login user". */
  readonly user: string;
  readonly mode: 'fix' | 'diagnose';
  readonly strict: boolean;
  readonly recursive: boolean;
  readonly requestId: string;
}

export type Verdict = 'ok' | 'fixed' | 'needs-fix' | 'cannot-fix' | 'user-not-found' | 'bad-input';

/** What one simulated run of the repair script printed and returned. */
export interface RepairRun {
  readonly verdict: Verdict;
  readonly user: string;
  readonly actions: number;
  /** Exit code as the script documents it: 0 ok/fixed/needs-fix, 2 bad input, 3 user not found, 4 cannot fix. */
  readonly exitCode: number;
  /** Readable lines, then the one JSON line runbooks parse. */
  readonly stdout: string;
}

/**
 * The comment near the top of the repair script (`# ec2-ssh-rescue: …`) that identifies it
 * inside commands or user data; the `# ec2-ssh-rescue-args:` data line does not count.
 */
export const SCRIPT_MARKER = /^# ec2-ssh-rescue(?!-args)\b/m;

// Same input rules as the script: a portable user name, request ids of letters, digits and dashes.
const USER_PATTERN = /^[a-z_][a-z0-9._-]{0,31}$/;
const REQUEST_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

const EXIT_CODES: Readonly<Record<Verdict, number>> = {
  ok: 0, fixed: 0, 'needs-fix': 0, 'bad-input': 2, 'user-not-found': 3, 'cannot-fix': 4,
};

/**
 * Applies what the repair script does to the instance's simulated SSH state. The real
 * script is tested against a real sshd in test/repair; here only its effect and report
 * shape matter.
 */
export function runRepair(instance: Instance, args: RepairArgs | string): RepairRun {
  if (typeof args === 'string') return report('bad-input', '', 0, 'diagnose', '', args);
  const badInput = (args.user !== '' && !USER_PATTERN.test(args.user))
    || (args.requestId !== '' && !REQUEST_PATTERN.test(args.requestId));
  if (badInput) return report('bad-input', args.user, 0, args.mode, args.requestId, 'invalid --user or --request-id');
  const ssh = instance.ssh;
  const user = args.user === '' ? (ssh.userExists ? ssh.user : '') : args.user;
  if (user === '' || user !== ssh.user || !ssh.userExists) {
    return report('user-not-found', args.user, 0, args.mode, args.requestId, `user ${args.user || '(detected)'} not found`);
  }
  if (!ssh.broken) return report('ok', user, 0, args.mode, args.requestId, 'nothing to fix');
  if (args.mode === 'diagnose') return report('needs-fix', user, 0, args.mode, args.requestId, 'bad ownership or modes');
  ssh.broken = false;
  return report('fixed', user, ssh.fixActions, args.mode, args.requestId, 'fixed ownership and modes');
}

function report(verdict: Verdict, user: string, actions: number, mode: string, requestId: string, summary: string): RepairRun {
  const json = JSON.stringify({
    tool: 'ec2-ssh-rescue', version: 1, mode, user, requestId, verdict,
    findings: verdict === 'needs-fix' || verdict === 'fixed' ? [{ code: 'HOME_GROUP_WRITABLE', path: `/home/${user}`, message: summary }] : [],
    actions: Array.from({ length: actions }, (_, n) => ({ action: 'chmod', path: `/home/${user}${n === 0 ? '' : '/.ssh'}`, from: '0775', to: '0755' })),
    paths: [],
  });
  return { verdict, user, actions, exitCode: EXIT_CODES[verdict], stdout: `ec2-ssh-rescue: ${summary}\n${json}\n` };
}

/**
 * Reads the script's command-line flags from Run Command lines
 * (`--user NAME --mode fix|diagnose [--strict] [--recursive] [--request-id ID]`); the last
 * invocation wins. Returns an error text for bad input, as the script exits 2.
 */
export function parseCommandArgs(text: string): RepairArgs | string {
  // Comment lines (the script's own usage text) are not arguments.
  const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  const words = code.split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, ''));
  let user = '';
  let mode: string = 'diagnose';
  let requestId = '';
  let strict = false;
  let recursive = false;
  for (let n = 0; n < words.length; n++) {
    const w = words[n];
    if (w === '--user') user = words[++n] ?? '';
    else if (w === '--mode') mode = words[++n] ?? '';
    else if (w === '--request-id') requestId = words[++n] ?? '';
    else if (w === '--strict') strict = true;
    else if (w === '--recursive') recursive = true;
  }
  if (mode !== 'fix' && mode !== 'diagnose') return `bad --mode ${mode}`;
  return { user, mode, strict, recursive, requestId };
}

/** Parses `# ec2-ssh-rescue-args: user=NAME mode=fix strict=false recursive=false request=ID` (data, never code). */
export function parseArgsLine(line: string): RepairArgs | string {
  const values = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) return `malformed token ${token}`;
    values.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const mode = values.get('mode') ?? '';
  const flag = (k: string): boolean | undefined => (values.get(k) === 'true' ? true : values.get(k) === 'false' ? false : undefined);
  const strict = flag('strict');
  const recursive = flag('recursive');
  const requestId = values.get('request') ?? '';
  if ((mode !== 'fix' && mode !== 'diagnose') || strict === undefined || recursive === undefined || !REQUEST_PATTERN.test(requestId)) {
    return `bad ec2-ssh-rescue-args line: ${line}`;
  }
  return { user: values.get('user') ?? '', mode, strict, recursive, requestId };
}
