import { AutomationExecution } from './interpreter/execution-types';
import { ParameterInput } from './interpreter/parameters';
import { Simulator } from './simulator';
import { World } from './world/world';

/**
 * Chooses which of two executions runs its next step, from the steps each has started so far
 * and which have ended. Only executions that have not ended are ever asked for.
 */
export type Schedule = (started: readonly [number, number], ended: readonly [boolean, boolean]) => 0 | 1;

/** Execution 0 runs `k` steps, then execution 1 runs to its end, then execution 0 finishes. */
export const afterSteps = (k: number): Schedule => (started, ended) => (started[0] < k || ended[1] ? 0 : 1);

/** Execution 0 runs `k` steps, then the two take turns, one step each, execution 1 first. */
export const alternatingAfter = (k: number): Schedule => (started, ended) => {
  if (started[0] < k || ended[1]) return 0;
  if (ended[0]) return 1;
  return started[1] <= started[0] - k ? 1 : 0;
};

/**
 * Runs two executions of `runbook` in one world, interleaved at step boundaries as `schedule`
 * says: only one execution runs at a time and each stops before every step (also on its
 * failure and cancel paths) until the schedule picks it. Real concurrent executions can
 * interleave at any point; step boundaries are where Automation hands over between API calls
 * of different steps, and every handler's API calls within a step are covered by the choice of
 * boundary before and after it.
 */
export async function runInterleaved(sim: Simulator, world: World, runbook: string, parameters: ParameterInput, schedule: Schedule): Promise<[AutomationExecution, AutomationExecution]> {
  const started: [number, number] = [0, 0];
  const ended: [boolean, boolean] = [false, false];
  const parked: [(() => void) | undefined, (() => void) | undefined] = [undefined, undefined];
  const dispatch = (): void => {
    if ((!ended[0] && !parked[0]) || (!ended[1] && !parked[1])) return;
    if (ended[0] && ended[1]) return;
    let k = schedule(started, ended);
    if (ended[k]) k = k === 0 ? 1 : 0;
    const go = parked[k] as () => void;
    parked[k] = undefined;
    started[k]++;
    go();
  };
  const run = (k: 0 | 1): Promise<AutomationExecution> => sim.run(world, runbook, parameters, {
    hooks: { beforeStep: () => new Promise<void>((resume) => { parked[k] = resume; dispatch(); }) },
  }).finally(() => {
    ended[k] = true;
    dispatch();
  });
  const [a, b] = await Promise.all([run(0), run(1)]);
  return [a, b];
}
