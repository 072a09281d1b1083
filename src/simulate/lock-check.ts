import { checkInvariants, SETTLE_MS, snapshot } from './invariants';
import { afterSteps, alternatingAfter, runInterleaved, Schedule } from './interleave';
import { AutomationExecution } from './interpreter/execution-types';
import { profileFor } from './runbook-profiles';
import { buildWorld, findScenario, scenarioParameters } from './scenarios';
import { Simulator } from './simulator';

/** One interleaving's outcome: the problems found (empty when the lock held). */
export interface InterleavingResult {
  readonly schedule: string;
  readonly statuses: readonly [string, string];
  readonly problems: readonly string[];
}

/**
 * Runs two executions of `runbook` on one instance (scenario `scenario`), interleaved at every
 * step boundary of a solo run in two ways (the second execution starting after k steps of the
 * first and running to its end, or from there taking turns step by step), and checks each: the
 * two never both work on the instance at once (a step of `changeSteps` of one runs between the
 * other's first change and the end of its first successful lock release), one that changed nothing did not end Success, at least one
 * ended Success, and the world ends as it was found (invariants.ts) with no lock left behind.
 */
export async function checkLockInterleavings(sim: Simulator, runbook: string, changeSteps: ReadonlySet<string>, releaseSteps: ReadonlySet<string>, scenario = 'agent-offline', seed = 1): Promise<InterleavingResult[]> {
  const doc = sim.documents.get(runbook);
  if (!doc) throw new Error(`runbook ${runbook} is not loaded`);
  const solo = (() => {
    const { world, instance } = buildWorld(findScenario(scenario), { seed });
    return sim.run(world, runbook, { ...scenarioParameters(doc, instance), ...profileFor(runbook).parameters });
  })();
  const steps = (await solo).StepExecutions.length;
  const schedules: [string, Schedule][] = [];
  for (let k = 0; k <= steps; k++) schedules.push([`second after ${k} steps`, afterSteps(k)], [`turns after ${k} steps`, alternatingAfter(k)]);
  const out: InterleavingResult[] = [];
  for (const [name, schedule] of schedules) {
    const { world, instance } = buildWorld(findScenario(scenario), { seed });
    const before = snapshot(world, instance.instanceId);
    const params = { ...scenarioParameters(doc, instance), ...profileFor(runbook).parameters };
    const runs = await runInterleaved(sim, world, runbook, params, schedule);
    world.clock.advanceBy(SETTLE_MS);
    const problems: string[] = [];
    const firstChange = (e: AutomationExecution): number | undefined => e.StepExecutions.find((s) => changeSteps.has(s.StepName))?.startMs;
    // The lock is free again once the first release step after the first change has succeeded.
    const released = (e: AutomationExecution): number => {
      const from = firstChange(e) ?? Infinity;
      return e.StepExecutions.find((s) => s.startMs >= from && releaseSteps.has(s.StepName) && s.StepStatus === 'Success')?.endMs ?? e.endMs;
    };
    const [a, b] = runs.map((e) => ({ e, from: firstChange(e), to: released(e) }));
    const overlaps = (x: typeof a, y: typeof a): boolean => x.from !== undefined && y.e.StepExecutions.some((s) => changeSteps.has(s.StepName) && s.startMs >= (x.from as number) && s.startMs <= x.to);
    if (overlaps(a, b) || overlaps(b, a)) problems.push('both executions changed the instance at the same time');
    for (const [n, r] of [a, b].entries()) {
      if (r.from === undefined && r.e.AutomationExecutionStatus === 'Success') problems.push(`execution ${n + 1} changed nothing yet ended Success`);
    }
    if (!runs.some((e) => e.AutomationExecutionStatus === 'Success')) problems.push(`neither execution repaired (${runs.map((e) => e.FailureMessage ?? e.AutomationExecutionStatus).join(' | ')})`);
    const last = runs[0].endMs >= runs[1].endMs ? runs[0] : runs[1];
    for (const v of checkInvariants(before, world, last, undefined, false)) problems.push(`${v.invariant}: ${v.detail}`);
    out.push({ schedule: name, statuses: [runs[0].AutomationExecutionStatus, runs[1].AutomationExecutionStatus], problems });
  }
  return out;
}
