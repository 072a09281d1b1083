import { AutomationExecution } from '@aws-sdk/client-ssm';
import { FollowResult } from './follow';
import { RunbookInfo } from './runbook-info';

/**
 * Verdicts of the repair script's report (src/repair/README.md) after which the key is
 * accepted: `ok` (nothing was wrong) and `fixed`.
 */
export const GOOD_VERDICTS: ReadonlySet<string> = new Set(['ok', 'fixed']);

/** Exit statuses of `run`. */
export const EXIT = { good: 0, notGood: 1, badInput: 2, cancelled: 3 } as const;

/** What a finished rescue did, gathered from the executions' outputs. */
export interface Outcome {
  readonly executionId: string;
  readonly document: string;
  readonly status: string;
  readonly failureMessage?: string;
  readonly path?: string;
  readonly verdict?: string;
  readonly findings: readonly string[];
  readonly actions: readonly string[];
  readonly publicIpBefore?: string;
  readonly publicIpAfter?: string;
  /** What the runbooks changed and how each change was undone, from their steps' outputs. */
  readonly changes: readonly string[];
  readonly children: readonly { readonly executionId: string; readonly document: string; readonly status: string; readonly failureMessage?: string }[];
  readonly elapsedSeconds: number;
  readonly good: boolean;
  readonly exitCode: number;
}

/** A placeholder sentence for an output that has no value yet ("No output available yet …"), never a verdict or an address. */
const NO_OUTPUT = /^No output available yet/;

function values(e: AutomationExecution | undefined, key: string): string[] {
  const out: string[] = [];
  const take = (vs: string[] | undefined): void => {
    for (const v of vs ?? []) if (v !== '' && !NO_OUTPUT.test(v)) out.push(v);
  };
  for (const [k, vs] of Object.entries(e?.Outputs ?? {})) if (k.endsWith(`.${key}`)) take(vs);
  for (const s of e?.StepExecutions ?? []) if (s.StepStatus === 'Success') take(s.Outputs?.[key]);
  return out;
}

function first(all: readonly (AutomationExecution | undefined)[], key: string): string | undefined {
  for (const e of all) {
    const v = values(e, key)[0];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Builds the outcome of a followed run. */
export function explain(result: FollowResult, infos: ReadonlyMap<string, RunbookInfo | null>): Outcome {
  const { root, children } = result;
  // Child records first: they hold the script's report; the root only forwards the verdict.
  const all = [...children, root];
  const status = root.AutomationExecutionStatus ?? 'Unknown';
  const verdict = first(all, 'Verdict');
  const list = (key: string): string[] => {
    const vs = all.flatMap((e) => values(e, key)).filter((v) => v !== 'none');
    return [...new Set(vs)];
  };
  const changes: string[] = [];
  for (const e of [...children, root]) {
    const info = infos.get(e.DocumentName ?? '') ?? null;
    for (const s of e.StepExecutions ?? []) {
      const name = s.StepName ?? '';
      const power = info?.power.get(name);
      const did = [...(s.Outputs?.Action ?? []), ...(s.Outputs?.Summary ?? [])].filter((v) => v !== '' && !NO_OUTPUT.test(v));
      if (did.length > 0) changes.push(`${name}: ${did.join('; ')}`);
      else if (s.StepStatus === 'Success' && power?.changes === true) changes.push(`${name}: ${info?.descriptions.get(name) ?? s.Action}`);
      const restored = s.Outputs?.UserDataRestored?.[0];
      if (restored !== undefined && !NO_OUTPUT.test(restored)) changes.push(`${name}: original user data restored byte for byte: ${restored}`);
    }
  }
  const good = status === 'Success' && verdict !== undefined && GOOD_VERDICTS.has(verdict);
  const exitCode = good ? EXIT.good : status === 'Cancelled' ? EXIT.cancelled : EXIT.notGood;
  return {
    executionId: root.AutomationExecutionId ?? '',
    document: root.DocumentName ?? '',
    status,
    ...(root.FailureMessage !== undefined ? { failureMessage: root.FailureMessage } : {}),
    ...(first(all, 'Path') !== undefined ? { path: first(all, 'Path') } : {}),
    ...(verdict !== undefined ? { verdict } : {}),
    findings: list('Findings'),
    actions: list('ActionsTaken'),
    ...(first(all, 'PublicIp') !== undefined ? { publicIpBefore: first(all, 'PublicIp') } : {}),
    ...(first(all, 'PublicIpAfter') !== undefined ? { publicIpAfter: first(all, 'PublicIpAfter') } : {}),
    changes,
    children: children.map((c) => ({
      executionId: c.AutomationExecutionId ?? '',
      document: c.DocumentName ?? '',
      status: c.AutomationExecutionStatus ?? '',
      ...(c.FailureMessage !== undefined ? { failureMessage: c.FailureMessage } : {}),
    })),
    elapsedSeconds: result.elapsedSeconds,
    good,
    exitCode,
  };
}

const VERDICT_WORDS: Readonly<Record<string, string>> = {
  ok: 'nothing blocks the key',
  fixed: 'repaired: sshd accepts the key again',
  'needs-fix': 'problems found; run again with --mode fix to repair them',
  'cannot-fix': 'problems the repair must not or cannot fix (see findings)',
  'user-not-found': 'the login user does not exist on the instance',
  'bad-input': 'the repair script refused its arguments',
};

/** The outcome in words, for people. */
export function describeOutcome(o: Outcome): string {
  const lines: string[] = [];
  const mins = `${Math.floor(o.elapsedSeconds / 60)}m${String(o.elapsedSeconds % 60).padStart(2, '0')}s`;
  lines.push(`${o.document} ${o.executionId}: ${o.status} after ${mins}`);
  if (o.verdict !== undefined) lines.push(`  verdict:   ${o.verdict} — ${VERDICT_WORDS[o.verdict] ?? 'see the findings'}`);
  else lines.push('  verdict:   none (the repair script did not report)');
  if (o.path !== undefined) lines.push(`  path:      ${o.path}`);
  for (const c of o.children) lines.push(`  child:     ${c.document} ${c.executionId}: ${c.status}`);
  if (o.failureMessage !== undefined) lines.push(`  why:       ${o.failureMessage}`);
  if (o.findings.length > 0) lines.push('  findings:', ...o.findings.map((f) => `    - ${f}`));
  if (o.actions.length > 0) lines.push('  actions:', ...o.actions.map((a) => `    - ${a}`));
  if (o.publicIpBefore !== undefined || o.publicIpAfter !== undefined) {
    const before = o.publicIpBefore ?? 'none';
    const after = o.publicIpAfter ?? 'none';
    lines.push(`  public IP: ${before} -> ${after}${before !== after && o.publicIpAfter !== undefined ? '  (changed: connect to the new address)' : ''}`);
  }
  if (o.changes.length > 0) lines.push('  changed and undone:', ...o.changes.map((c) => `    - ${c}`));
  else if (o.actions.length > 0) lines.push('  changed:   only what the actions above list, on the instance');
  else lines.push('  changed:   nothing (no step that changes the instance or its group ran)');
  lines.push(o.good ? 'Result: good — the key should be accepted now.' : o.status === 'Cancelled' ? 'Result: cancelled.' : 'Result: not repaired.');
  return lines.join('\n');
}
