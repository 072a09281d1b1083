import { Node } from 'constructs';
import { SyslogTimestamp } from './sshd-log-pattern';

/** Prefix of every context key the app reads (`cdk synth -c ec2-ssh-rescue:prefix=test-`). */
export const CONTEXT_PREFIX = 'ec2-ssh-rescue:';

/** The app's settings, read from CDK context (cdk.json `context`, or `-c key=value`). */
export interface AppSettings {
  readonly account?: string;
  readonly region?: string;
  readonly prefix: string;
  readonly instanceTagCondition?: { key: string; value: string };
  readonly orchestrator: string;
  readonly mode: 'Diagnose' | 'Fix';
  readonly allowOffline: boolean;
  readonly tagTrigger: { key: string; value: string } | null;
  readonly sshdLogGroupName?: string;
  readonly sshdInstanceIds?: string[];
  readonly sshdTimestamp: SyslogTimestamp;
  readonly eventSenders?: string[];
  readonly organizationalUnitIds: string[];
  readonly regions: string[];
  readonly accounts?: string[];
  readonly roleRegion?: string;
  readonly shareWithAccounts?: string[];
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
}

/** Reads and checks every context key; unknown `ec2-ssh-rescue:` keys are refused so typos surface. */
export function readSettings(node: Node): AppSettings {
  const known = new Set(['account', 'region', 'prefix', 'instanceTag', 'orchestrator', 'mode', 'allowOffline', 'tagTrigger',
    'sshdLogGroup', 'sshdInstanceIds', 'sshdTimestamp', 'eventSenders', 'organizationalUnitIds', 'regions', 'accounts', 'roleRegion', 'shareWithAccounts', 'callAs']);
  const all = node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(all)) {
    if (key.startsWith(CONTEXT_PREFIX) && !known.has(key.slice(CONTEXT_PREFIX.length))) {
      throw new Error(`Unknown context key ${key}; known: ${[...known].map((k) => CONTEXT_PREFIX + k).join(', ')}`);
    }
  }
  const str = (key: string): string | undefined => {
    const v = all[CONTEXT_PREFIX + key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`Context ${CONTEXT_PREFIX}${key} must be a string`);
    return v;
  };
  const list = (key: string): string[] | undefined => {
    const v = all[CONTEXT_PREFIX + key];
    if (v === undefined || v === '') return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    throw new Error(`Context ${CONTEXT_PREFIX}${key} must be a list of strings or a comma-separated string`);
  };
  const bool = (key: string): boolean => {
    const v = all[CONTEXT_PREFIX + key];
    if (v === undefined || v === false || v === 'false') return false;
    if (v === true || v === 'true') return true;
    throw new Error(`Context ${CONTEXT_PREFIX}${key} must be true or false`);
  };
  const pair = (key: string): { key: string; value: string } | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const at = v.indexOf('=');
    if (at <= 0) throw new Error(`Context ${CONTEXT_PREFIX}${key} must be key=value, got "${v}"`);
    return { key: v.slice(0, at), value: v.slice(at + 1) };
  };
  const oneOf = <T extends string>(key: string, values: readonly T[], fallback: T): T => {
    const v = str(key) ?? fallback;
    if (!(values as readonly string[]).includes(v)) throw new Error(`Context ${CONTEXT_PREFIX}${key} must be one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  };
  const trigger = str('tagTrigger');
  return {
    account: str('account'),
    region: str('region'),
    prefix: str('prefix') ?? '',
    instanceTagCondition: pair('instanceTag'),
    orchestrator: str('orchestrator') ?? 'EC2SSHRescue-Repair',
    mode: oneOf('mode', ['Diagnose', 'Fix'] as const, 'Diagnose'),
    allowOffline: bool('allowOffline'),
    tagTrigger: trigger === 'off' ? null : (pair('tagTrigger') ?? { key: 'ec2-ssh-rescue', value: 'repair' }),
    sshdLogGroupName: str('sshdLogGroup'),
    sshdInstanceIds: list('sshdInstanceIds'),
    eventSenders: list('eventSenders'),
    sshdTimestamp: oneOf('sshdTimestamp', [SyslogTimestamp.TRADITIONAL, SyslogTimestamp.RFC3339] as const, SyslogTimestamp.TRADITIONAL),
    organizationalUnitIds: list('organizationalUnitIds') ?? [],
    regions: list('regions') ?? [],
    accounts: list('accounts'),
    roleRegion: str('roleRegion'),
    shareWithAccounts: list('shareWithAccounts'),
    callAs: oneOf('callAs', ['SELF', 'DELEGATED_ADMIN'] as const, 'SELF'),
  };
}
