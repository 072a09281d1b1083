import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { allRunbooks, commandDocumentsOf } from '../../src/runbooks';
import { ONLINE_RUNBOOK } from '../../src/runbooks/online';

/** Debian's python with botocore and cloud-init (the first python3 on PATH lacks them). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Fails the test, naming the Debian package, when a system dependency is missing (in CI and locally alike). */
export function requireTool(path: string, aptPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package ${aptPackage} (apt-get install ${aptPackage})`);
  }
}

export type Obj = { [key: string]: unknown };

/** Every runbook as rendered YAML and parsed back: what AWS receives. */
export function renderedRunbooks(): { name: string; yaml: string; doc: Obj; runbook: ReturnType<typeof allRunbooks>[number] }[] {
  return allRunbooks().map((runbook) => {
    const yaml = runbook.document.toYaml();
    return { name: runbook.document.name, yaml, doc: YAML.parse(yaml) as Obj, runbook };
  });
}

/** One rendered runbook by name. */
export function rendered(name: string): { yaml: string; doc: Obj } {
  const found = renderedRunbooks().find((r) => r.name === name);
  if (found === undefined) throw new Error(`no runbook ${name}`);
  return found;
}

/** Every Command document the runbooks send, as rendered YAML parsed back. */
export function renderedCommandDocuments(): { name: string; yaml: string; doc: Obj }[] {
  return commandDocumentsOf(allRunbooks()).map((c) => {
    const yaml = c.toYaml();
    return { name: c.name, yaml, doc: YAML.parse(yaml) as Obj };
  });
}

/**
 * The shell script the online runbook's RunRepair step makes the agent run, filled in in two stages
 * as AWS does: Automation replaces the step's `{{ }}` references with `values` (runbook parameters
 * and `automation:EXECUTION_ID`), then SSM replaces the Command document's `{{ }}` placeholders with
 * the parameters SendCommand received; aws:runShellScript joins the runCommand lines into one file.
 */
export function onlineCommandScript(values: Record<string, unknown>): string {
  const inputs = step(rendered(ONLINE_RUNBOOK).doc, 'RunRepair').inputs as { DocumentName: string; Parameters: Record<string, unknown[]> };
  const command = renderedCommandDocuments().find((c) => c.name === inputs.DocumentName);
  if (command === undefined) throw new Error(`RunRepair sends ${inputs.DocumentName}, which is not a shipped Command document`);
  const sent = substitute(inputs.Parameters, values);
  const params = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, String(v[0])]));
  const lines = ((command.doc.mainSteps as Obj[])[0].inputs as { runCommand: string[] }).runCommand;
  return substitute(lines, params).join('\n');
}

/** A step of a rendered document. */
export function step(doc: Obj, name: string): Obj {
  const s = (doc.mainSteps as Obj[]).find((x) => x.name === name);
  if (s === undefined) throw new Error(`no step ${name}`);
  return s;
}

/** Replaces `{{ X }}` placeholders in a rendered value the way Automation does, from `values`. */
export function substitute<T>(value: T, values: Record<string, unknown>): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\{\{ ([^{}]+) \}\}$/.exec(v);
      if (whole !== null && whole[1] in values) return values[whole[1]];
      return v.replace(/\{\{ ([^{}]+) \}\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
    }
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}

/** The in-memory world of fixtures/run_handler.py (see its docstring). */
export interface HandlerWorld {
  state: string;
  userData: Buffer;
  tags: Record<string, string>;
  startFails?: boolean;
  /** Virtual seconds a graceful stop, a forced stop, a start take (absent: at once). */
  stopSeconds?: number;
  forcedStopSeconds?: number;
  startSeconds?: number;
  /** Written by the fixture: the Force flag of every StopInstances call. */
  stops?: { Force: boolean }[];
  asg?: { group: string; lifecycle: string; min?: number; max?: number; desired?: number; tags?: { Key: string; Value: string }[]; hooks?: Record<string, unknown>[] };
  executions?: Record<string, unknown>;
  /** Parameter Store: name -> value. */
  parameters?: Record<string, string>;
  instanceInformation?: Record<string, unknown>[];
  standardOutput?: string;
}

/** Runs a rendered executeScript handler with the in-memory EC2 of fixtures/run_handler.py. */
export function runHandler(script: string, events: unknown, world: HandlerWorld): {
  result?: Record<string, unknown>; error?: string; serialized: string[]; calls: string[]; elapsed: number;
  world: Omit<HandlerWorld, 'userData'> & { userData: string };
} {
  requireTool(DEBIAN_PYTHON, 'python3-botocore');
  const input = JSON.stringify({ script, events, world: { ...world, userData: world.userData.toString('base64') } });
  const res = spawnSync(DEBIAN_PYTHON, [join(__dirname, 'fixtures', 'run_handler.py')], { input, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`run_handler.py failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

/** Runs a program and returns stdout. */
export function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 24 });
}

/**
 * Values of the opt-in account repair parameters and the ReadKeyPair outputs when none is used,
 * as Automation substitutes them (defaults: false, empty).
 */
export const ACCOUNT_OPTIONS_OFF: Readonly<Record<string, string>> = {
  AllowSystemUser: 'false',
  CreateUserIfMissing: 'false',
  UnlockUser: 'false',
  ExtendExpiredAccount: 'false',
  PublicKey: '',
  PublicKeyFingerprint: '',
  'ReadKeyPair.Fingerprint': '',
  'ReadKeyPair.KeyName': '',
};
