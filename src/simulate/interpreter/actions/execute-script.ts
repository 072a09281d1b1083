import { SimulatorLimitationError } from '../../errors';
import { selectOutputs } from '../outputs';
import { Value } from '../parameters';
import { ActionResult, inputString, StepContext, StepFailure } from '../step-context';

/** Output limit of aws:executeScript. */
const MAX_OUTPUT_BYTES = 100 * 1024;

/**
 * aws:executeScript with a python3.x Runtime: the handler really runs in /usr/bin/python3,
 * with boto3 calls proxied to the simulated world and time.sleep/time.time on the virtual clock. The return value is the step's Payload;
 * outputs select from `{ Payload }`, and the output is limited to 100 KB
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html).
 */
export async function executeScript(ctx: StepContext): Promise<ActionResult> {
  const runtime = inputString(ctx, 'Runtime');
  if (!/^python3\.\d+$/.test(runtime)) throw new SimulatorLimitationError(`aws:executeScript Runtime ${runtime} is not simulated (python3.x only)`);
  if (ctx.inputs.Attachment !== undefined) throw new SimulatorLimitationError('aws:executeScript Attachment is not simulated; inline the Script');
  const script = inputString(ctx, 'Script');
  const handler = inputString(ctx, 'Handler');
  const events = ctx.inputs.InputPayload ?? {};
  const { world } = ctx.host;
  const result = await ctx.host.python().run(script, handler, events, {
    call: (service, operation, params) => world.call(service, operation, params),
    now: () => world.clock.epochMs + world.clock.now,
    sleep: (ms) => world.clock.advanceBy(ms),
    // A script gets credentials only from the assume role: without one it runs with no
    // permissions and its AWS calls fail ("Using scripts in runbooks", Systems Manager user guide,
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-document-script-considerations.html).
    // aws:executeAwsApi and the other actions use the starting user's permissions instead.
    credentials: ctx.assumeRole !== '',
  });
  if (!result.ok) throw new StepFailure(`${result.errorType}: ${result.errorMessage}`);
  const payload = result.value;
  const size = Buffer.byteLength(JSON.stringify(payload ?? null));
  if (size > MAX_OUTPUT_BYTES) throw new StepFailure(`aws:executeScript output is ${size} bytes, over the 100 KB limit`);
  if (world.clock.now > ctx.deadline) throw new StepFailure('Step timed out', true);
  // `Payload` is the documented implicit output: the object the handler returned.
  const implicit: Record<string, Value> = typeof payload === 'object' && payload !== null ? { Payload: payload as Value } : {};
  return { outputs: { ...implicit, ...selectOutputs(ctx.step.outputs, { Payload: payload }) } };
}
