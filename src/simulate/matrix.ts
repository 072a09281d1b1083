import { SimulatorLimitationError } from './errors';
import { BENIGN_FAULT_KINDS, describeFault, Fault, FAULT_KINDS, FaultInjector, FaultKind, StepRef } from './faults';
import { checkExpectation, checkInvariants, SETTLE_MS, snapshot, Violation } from './invariants';
import { AutomationExecution } from './interpreter/execution-types';
import { expectedOutcome, profileFor } from './runbook-profiles';
import { buildWorld, Scenario, scenarioParameters } from './scenarios';
import { Simulator } from './simulator';

/** Figures of one run, in simulated time. */
export interface CaseMetrics {
  /** From the execution's start to its end. */
  readonly simulatedSeconds: number;
  /** Time the instance was not running during the execution. */
  readonly downtimeSeconds: number;
  /** Times the instance was stopped. */
  readonly stopStartCycles: number;
  /** Step executions, child runbooks included. */
  readonly steps: number;
  readonly apiCalls: number;
}

/** One run of one runbook in one scenario with at most one fault. */
export interface CaseResult {
  readonly runbook: string;
  readonly scenario: string;
  /** `none` or `kind@document/step`. */
  readonly fault: string;
  readonly faultKind?: FaultKind;
  /** The fault changed something (an API fault on a step without API calls does not). */
  readonly injected: boolean;
  readonly status: string;
  readonly failureMessage?: string;
  readonly violations: readonly Violation[];
  /** Set when the simulator could not run the document (unsupported action or API). */
  readonly error?: string;
  readonly metrics: CaseMetrics;
  readonly execution?: AutomationExecution;
}

/** Step executions of an execution and its children, in order. */
export function executedSteps(e: AutomationExecution): StepRef[] {
  const out: StepRef[] = e.StepExecutions.map((s) => ({ document: e.DocumentName, step: s.StepName }));
  for (const c of e.ChildExecutions) out.push(...executedSteps(c));
  return out;
}

function countSteps(e: AutomationExecution): number {
  return e.StepExecutions.length + e.ChildExecutions.reduce((n, c) => n + countSteps(c), 0);
}

/** Runs one runbook in one scenario, optionally with one fault, and checks the invariants. */
export async function runCase(sim: Simulator, runbook: string, scenario: Scenario, fault: Fault | undefined, seed: number): Promise<CaseResult> {
  const { world, instance } = buildWorld(scenario, { seed });
  const before = snapshot(world, instance.instanceId);
  const doc = sim.documents.get(runbook);
  if (!doc) throw new Error(`runbook ${runbook} is not loaded`);
  const profile = profileFor(runbook);
  const injector = fault ? new FaultInjector(fault, world, instance.instanceId) : undefined;
  const base = { runbook, scenario: scenario.name, fault: describeFault(fault), faultKind: fault?.kind };
  let execution: AutomationExecution;
  try {
    execution = await sim.run(world, runbook, { ...scenarioParameters(doc, instance), ...profile.parameters }, { hooks: injector });
  } catch (e) {
    if (!(e instanceof SimulatorLimitationError)) throw e;
    return { ...base, injected: false, status: 'SimulatorError', violations: [], error: e.message, metrics: { simulatedSeconds: 0, downtimeSeconds: 0, stopStartCycles: 0, steps: 0, apiCalls: world.totalCalls } };
  }
  const endMs = execution.endMs;
  world.clock.advanceBy(SETTLE_MS);
  const cancelledTopLevel = fault?.kind === 'cancel' && fault.at.document === runbook;
  const violations = [
    ...checkInvariants(before, world, execution, fault?.kind, cancelledTopLevel),
    // Without a fault, or with one a correct runbook absorbs, the outcome is the expected one.
    ...(fault && !BENIGN_FAULT_KINDS.includes(fault.kind) ? [] : checkExpectation(expectedOutcome(profile, scenario), world, before, execution)),
  ];
  let down = 0;
  let downSince: number | undefined = before.state === 'running' ? undefined : execution.startMs;
  let stops = 0;
  for (const entry of world.stateLog) {
    if (entry.instanceId !== instance.instanceId || entry.atMs > endMs) continue;
    if (entry.state === 'stopping') stops++;
    if (entry.state !== 'running' && downSince === undefined) downSince = entry.atMs;
    if (entry.state === 'running' && downSince !== undefined) {
      down += entry.atMs - downSince;
      downSince = undefined;
    }
  }
  if (downSince !== undefined) down += endMs - downSince;
  return {
    ...base,
    injected: injector?.fired ?? false,
    status: execution.AutomationExecutionStatus,
    failureMessage: execution.FailureMessage,
    violations,
    metrics: {
      simulatedSeconds: (endMs - execution.startMs) / 1000,
      downtimeSeconds: down / 1000,
      stopStartCycles: stops,
      steps: countSteps(execution),
      apiCalls: world.totalCalls,
    },
    execution,
  };
}

export interface MatrixOptions {
  /** `all`: every fault kind at every step the fault-free run reached. @default 'all' */
  readonly faults?: 'all' | 'none';
  /** @default 1 */
  readonly seed?: number;
  /** Keep each run's execution record (memory heavy for big matrices). @default false */
  readonly keepExecutions?: boolean;
  /**
   * Runs in flight at once; each has its own world, so results do not depend on it.
   * @default the simulator's pythonWorkers
   */
  readonly concurrency?: number;
}

/** Runs `jobs` with at most `limit` in flight, keeping their order in the result. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, lane));
  return out;
}

/**
 * The fault matrix: each runbook × scenario once without faults, then once per fault kind
 * per step the fault-free run executed. Runs are deterministic for a seed, so a run with a
 * fault behaves exactly like the fault-free run up to the faulted step; steps that run did
 * not reach cannot be faulted.
 */
export async function runMatrix(sim: Simulator, runbooks: readonly string[], scenarios: readonly Scenario[], options: MatrixOptions = {}): Promise<CaseResult[]> {
  const seed = options.seed ?? 1;
  const limit = options.concurrency ?? sim.pythonWorkers;
  const keep = (r: CaseResult): CaseResult => (options.keepExecutions ? r : { ...r, execution: undefined });
  const pairs = runbooks.flatMap((runbook) => scenarios.map((scenario) => ({ runbook, scenario })));
  const clean = await pool(pairs.map(({ runbook, scenario }) => () => runCase(sim, runbook, scenario, undefined, seed)), limit);
  const groups = await pool(clean.map((c, n) => async () => {
    const { runbook, scenario } = pairs[n];
    if (options.faults === 'none' || !c.execution) return [keep(c)];
    const seen = new Set<string>();
    const faults: Fault[] = [];
    for (const at of executedSteps(c.execution)) {
      const key = `${at.document}/${at.step}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const kind of FAULT_KINDS) faults.push({ kind, at });
    }
    const faulted: CaseResult[] = [];
    for (const f of faults) faulted.push(keep(await runCase(sim, runbook, scenario, f, seed)));
    return [keep(c), ...faulted];
  }), limit);
  return groups.flat();
}
