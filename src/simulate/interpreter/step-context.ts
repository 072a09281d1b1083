import { AutomationDocument, StepSpec } from '../document';
import { AwsApiError } from '../errors';
import { PythonWorker } from '../python/python-worker';
import { World } from '../world/world';
import { ParameterInput, Value } from './parameters';
import { Scope } from './references';
import type { AutomationExecution } from './execution-types';

/** A step failed; `timedOut` marks a failure caused by reaching timeoutSeconds. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** What a finished action hands back to the executor. */
export interface ActionResult {
  readonly outputs: Record<string, Value>;
  /** aws:branch only: the step to go to (undefined = next in list). */
  readonly nextStep?: string;
}

/** Services of the simulator an execution runs inside. */
export interface ExecutionHost {
  readonly world: World;
  readonly documents: ReadonlyMap<string, AutomationDocument>;
  python(): PythonWorker;
  runChild(documentName: string, parameters: ParameterInput, parentDepth: number, parentExecutionId?: string): Promise<AutomationExecution>;
}

/** Everything an action handler needs while one step runs. */
export interface StepContext {
  readonly host: ExecutionHost;
  readonly step: StepSpec;
  /** Step inputs with `{{ }}` references resolved. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly scope: Scope;
  /** Virtual time (ms) at which the step times out. */
  readonly deadline: number;
  readonly depth: number;
  /** The execution's resolved assumeRole; empty when it runs with the starting user's permissions. */
  readonly assumeRole: string;
}

/** Calls the simulated AWS, turning AWS errors into a failed step with AWS's message. */
export function callAws(ctx: StepContext, service: string, api: string, params: Record<string, unknown>): Record<string, unknown> {
  try {
    return ctx.host.world.call(service, api, params);
  } catch (e) {
    if (e instanceof AwsApiError) throw new StepFailure(e.message);
    throw e;
  }
}

/** The API parameters of executeAwsApi-like inputs: everything except the action's own keys. */
export function apiParams(inputs: Readonly<Record<string, unknown>>, own: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (!own.includes(k)) out[k] = v;
  return out;
}

/** Required string input. */
export function inputString(ctx: StepContext, name: string): string {
  const v = ctx.inputs[name];
  if (typeof v !== 'string' || v === '') throw new StepFailure(`${ctx.step.action} needs input ${name} (a string)`);
  return v;
}

/** Poll interval of waiting actions. */
export const POLL_MS = 5000;

/**
 * Waits on the virtual clock until `check` holds, polling every POLL_MS. Between polls the
 * world only changes through scheduled events, so quiet stretches are skipped in one jump.
 */
export function waitUntil(ctx: StepContext, what: string, check: () => boolean): void {
  const { clock } = ctx.host.world;
  for (;;) {
    if (check()) return;
    const next = clock.nextEventAt();
    let target = clock.now + POLL_MS;
    if (next === undefined || next > target) {
      target = next === undefined ? Infinity : clock.now + Math.ceil((next - clock.now) / POLL_MS) * POLL_MS;
    }
    if (target > ctx.deadline) {
      clock.advanceTo(Math.max(clock.now, ctx.deadline));
      throw new StepFailure(`Step timed out while waiting for ${what}`, true);
    }
    clock.advanceTo(target);
  }
}
