import { select } from '../jsonpath';
import { selectOutputs } from '../outputs';
import { ActionResult, apiParams, callAws, inputString, StepContext, StepFailure, waitUntil } from '../step-context';

const OWN = ['Service', 'Api', 'PropertySelector', 'DesiredValues'];

/** aws:executeAwsApi: one API call; outputs picked from the response by JSONPath selectors. */
export async function executeAwsApi(ctx: StepContext): Promise<ActionResult> {
  const response = callAws(ctx, inputString(ctx, 'Service'), inputString(ctx, 'Api'), apiParams(ctx.inputs, OWN));
  return { outputs: selectOutputs(ctx.step.outputs, response) };
}

function desiredValues(ctx: StepContext): string[] {
  const v = ctx.inputs.DesiredValues;
  if (!Array.isArray(v) || v.length === 0) throw new StepFailure(`${ctx.step.action} needs DesiredValues (a non-empty list)`);
  return v.map(String);
}

/** A selected property matches when it (or, for a list, every item of a non-empty list) is a desired value. */
function matches(value: unknown, desired: readonly string[]): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((v) => desired.includes(String(v)));
  return value !== undefined && desired.includes(String(value));
}

function readProperty(ctx: StepContext): unknown {
  const response = callAws(ctx, inputString(ctx, 'Service'), inputString(ctx, 'Api'), apiParams(ctx.inputs, OWN));
  return select(response, inputString(ctx, 'PropertySelector'));
}

/**
 * aws:waitForAwsResourceProperty: polls until the property has a desired value, failing at
 * the step's timeout (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-waitForAwsResourceProperty.html).
 */
export async function waitForAwsResourceProperty(ctx: StepContext): Promise<ActionResult> {
  const desired = desiredValues(ctx);
  let last: unknown;
  waitUntil(ctx, `${inputString(ctx, 'PropertySelector')} in [${desired.join(', ')}]`, () => {
    last = readProperty(ctx);
    return matches(last, desired);
  });
  return { outputs: {} };
}

/**
 * aws:assertAwsResourceProperty: one read; the step fails unless the property has a desired
 * value (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-assertAwsResourceProperty.html).
 */
export async function assertAwsResourceProperty(ctx: StepContext): Promise<ActionResult> {
  const desired = desiredValues(ctx);
  const value = readProperty(ctx);
  if (!matches(value, desired)) {
    throw new StepFailure(`Asserted property ${inputString(ctx, 'PropertySelector')} is ${JSON.stringify(value)}, expected one of [${desired.join(', ')}]`);
  }
  return { outputs: {} };
}
