import { GetDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parse as parseYaml } from 'yaml';
import { InputError } from './input';

/** A parameter as the deployed document declares it. */
export interface DeployedParameter {
  readonly type: string;
  readonly default?: unknown;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
}

/** Whether a step may stop or start the instance (for counting stop/start cycles). */
export interface StepPower {
  readonly stops: boolean;
  readonly starts: boolean;
  /** The step may change something (an API call or script call that is not a read). */
  readonly changes: boolean;
}

/** boto3 method names that only read. */
const READ_CALL = /^(describe|get|list)_/;
/** API operation names that only read. */
const READ_API = /^(Describe|Get|List)/;

/** What `run` needs to know about one deployed document: read from its own content. */
export interface RunbookInfo {
  readonly name: string;
  readonly parameters: Readonly<Record<string, DeployedParameter>>;
  /** Step name → the step's own `description`. */
  readonly descriptions: ReadonlyMap<string, string>;
  readonly power: ReadonlyMap<string, StepPower>;
  /** Names of the documents its aws:executeAutomation steps start. */
  readonly children: readonly string[];
  /** Stop/start cycles along the path without failures or cancellation. */
  readonly plannedCycles: number;
}

interface RawStep {
  name?: string;
  action?: string;
  description?: string;
  inputs?: Record<string, unknown>;
  nextStep?: string;
  isEnd?: boolean;
  onCancel?: string;
  onFailure?: string;
}

/**
 * How a step can change the instance's power state: aws:changeInstanceState by its
 * DesiredState, aws:executeScript by the EC2 calls in its script (a script that stops the
 * instance only when needed still counts as one that may).
 */
function powerOf(step: RawStep): StepPower {
  const i = step.inputs ?? {};
  if (step.action === 'aws:changeInstanceState') {
    // CheckStateOnly only waits for the state (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html).
    if (String(i.CheckStateOnly) === 'true') return { stops: false, starts: false, changes: false };
    const s = String(i.DesiredState ?? '');
    return { stops: s === 'stopped', starts: s === 'running', changes: true };
  }
  if (step.action === 'aws:executeScript') {
    const script = String(i.Script ?? '');
    const calls = [...script.matchAll(/\.([a-z][a-z0-9_]*)\(/g)].map((m) => m[1]).filter((c) => /_/.test(c) && c !== 'get_automation_execution');
    return {
      stops: calls.includes('stop_instances'),
      starts: calls.includes('start_instances'),
      changes: calls.some((c) => !READ_CALL.test(c) && c !== 'client' && /^(modify|create|delete|put|stop|start|enter|exit|terminate|update|attach|detach|send|reboot|associate|disassociate)_/.test(c)),
    };
  }
  if (step.action === 'aws:executeAwsApi') {
    const api = String(i.Api ?? '');
    return { stops: /^(StopInstances|stop_instances)$/.test(api), starts: /^(StartInstances|start_instances)$/.test(api), changes: api !== '' && !READ_API.test(api) && !READ_CALL.test(api) };
  }
  // aws:runCommand changes what its command changes: the script's own actions list says what.
  return { stops: false, starts: false, changes: false };
}

/** Counts cycles as `run` shows them: a stop after a start (or the first stop) opens one. */
export class CycleCounter {
  private lastWasStart = true;
  cycle = 0;

  /** Updates on a step that starts running; returns the current cycle (0: none yet). */
  onStep(p: StepPower | undefined): number {
    if (p?.stops && this.lastWasStart) {
      this.cycle++;
      this.lastWasStart = false;
    }
    if (p?.starts) this.lastWasStart = true;
    return this.cycle;
  }
}

/** Steps on the path of a run without failure or cancel, in order (branches: every choice). */
function mainPath(steps: readonly RawStep[]): RawStep[] {
  const cancelTargets = new Set(steps.map((s) => s.onCancel).filter((t): t is string => typeof t === 'string' && t.startsWith('step:')).map((t) => t.slice(5)));
  return steps.filter((s) => !cancelTargets.has(String(s.name)));
}

export function describeRunbook(name: string, content: string): RunbookInfo {
  const raw = parseYaml(content) as { parameters?: Record<string, DeployedParameter>; mainSteps?: RawStep[] } | null;
  if (raw === null || typeof raw !== 'object' || !Array.isArray(raw.mainSteps)) throw new Error(`document ${name} has no mainSteps; is it an Automation document?`);
  const descriptions = new Map<string, string>();
  const power = new Map<string, StepPower>();
  const children: string[] = [];
  const visit = (steps: readonly RawStep[]): void => {
    for (const s of steps) {
      if (typeof s.name !== 'string') continue;
      if (typeof s.description === 'string') descriptions.set(s.name, s.description.trim());
      power.set(s.name, powerOf(s));
      if (s.action === 'aws:executeAutomation' && typeof s.inputs?.DocumentName === 'string') children.push(s.inputs.DocumentName);
      if (s.action === 'aws:loop' && Array.isArray(s.inputs?.Steps)) visit(s.inputs.Steps as RawStep[]);
    }
  };
  visit(raw.mainSteps);
  const counter = new CycleCounter();
  for (const s of mainPath(raw.mainSteps)) counter.onStep(power.get(String(s.name)));
  return { name, parameters: raw.parameters ?? {}, descriptions, power, children: [...new Set(children)], plannedCycles: counter.cycle };
}

/** Reads a deployed document's content with GetDocument (read-only). */
export async function fetchRunbook(ssm: SSMClient, name: string, region: string): Promise<RunbookInfo> {
  try {
    const out = await ssm.send(new GetDocumentCommand({ Name: name }));
    return describeRunbook(name, out.Content ?? '');
  } catch (e) {
    const code = (e as { name?: string }).name;
    if (code === 'InvalidDocument') {
      throw new InputError(`document ${name} is not deployed in ${region}: deploy it with \`npx cdk deploy EC2SSHRescue-Runbooks\` (or aws ssm create-document from runbooks/${name.replace(/^.*(EC2SSHRescue-)/, '$1')}.yaml), or pass the --document-prefix it was deployed with`);
    }
    throw e;
  }
}
