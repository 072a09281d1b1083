import { evaluateChoice } from '../branch';
import { parseDuration } from '../duration';
import { Value } from '../parameters';
import { resolve } from '../references';
import { ActionResult, StepContext, StepFailure } from '../step-context';

/**
 * aws:sleep: Duration (ISO 8601) or Timestamp (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-sleep.html).
 */
export async function sleep(ctx: StepContext): Promise<ActionResult> {
  const { clock } = ctx.host.world;
  let until: number;
  if (typeof ctx.inputs.Duration === 'string') {
    try {
      until = clock.now + parseDuration(ctx.inputs.Duration);
    } catch (e) {
      throw new StepFailure((e as Error).message);
    }
  } else if (typeof ctx.inputs.Timestamp === 'string') {
    const t = Date.parse(ctx.inputs.Timestamp);
    if (Number.isNaN(t)) throw new StepFailure(`Timestamp ${ctx.inputs.Timestamp} is not an ISO 8601 time`);
    until = Math.max(clock.now, t - clock.epochMs);
  } else {
    throw new StepFailure('aws:sleep needs Duration or Timestamp');
  }
  if (until > ctx.deadline) {
    clock.advanceTo(ctx.deadline);
    throw new StepFailure('Step timed out during aws:sleep', true);
  }
  clock.advanceTo(until);
  return { outputs: {} };
}

/**
 * aws:branch: the first true choice wins; no true choice → Default; no Default → the next
 * step in the list (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html).
 * Choices are resolved here, not up front, so an unused choice may name a step output
 * that was never produced.
 */
export async function branch(ctx: StepContext): Promise<ActionResult> {
  const raw = ctx.step.inputs;
  if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) throw new StepFailure('aws:branch needs Choices (a non-empty list)');
  for (const choice of raw.Choices as Record<string, unknown>[]) {
    let hit: boolean;
    try {
      hit = evaluateChoice(choice, (v) => resolve(v, ctx.scope));
    } catch (e) {
      throw new StepFailure(`aws:branch: ${(e as Error).message}`);
    }
    if (hit) {
      if (typeof choice.NextStep !== 'string') throw new StepFailure('aws:branch choice needs NextStep');
      return { outputs: {}, nextStep: choice.NextStep };
    }
  }
  return { outputs: {}, nextStep: typeof raw.Default === 'string' ? raw.Default : undefined };
}

/** aws:updateVariable: sets a declared runbook variable (`Name: variable:X`). */
export async function updateVariable(ctx: StepContext): Promise<ActionResult> {
  const name = String(ctx.inputs.Name ?? '');
  if (!name.startsWith('variable:')) throw new StepFailure('aws:updateVariable Name must be variable:NAME');
  const key = name.slice('variable:'.length);
  if (!(key in ctx.scope.variables)) throw new StepFailure(`aws:updateVariable: variable ${key} is not declared`);
  ctx.scope.variables[key] = ctx.inputs.Value as Value;
  return { outputs: {} };
}
