import { SimulatorLimitationError } from '../../errors';
import { ActionResult, callAws, inputString, StepContext, StepFailure, waitUntil } from '../step-context';

/**
 * aws:changeInstanceState: asks EC2 for the state (unless CheckStateOnly) and waits until
 * every instance reaches it (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html).
 */
export async function changeInstanceState(ctx: StepContext): Promise<ActionResult> {
  const ids = ctx.inputs.InstanceIds;
  if (!Array.isArray(ids) || ids.length === 0) throw new StepFailure('aws:changeInstanceState needs InstanceIds (a non-empty list)');
  const instanceIds = ids.map(String);
  const desired = inputString(ctx, 'DesiredState');
  const checkOnly = ctx.inputs.CheckStateOnly === true || ctx.inputs.CheckStateOnly === 'true';
  const force = ctx.inputs.Force === true || ctx.inputs.Force === 'true';
  if (!checkOnly) {
    if (desired === 'running') callAws(ctx, 'ec2', 'StartInstances', { InstanceIds: instanceIds });
    else if (desired === 'stopped') callAws(ctx, 'ec2', 'StopInstances', { InstanceIds: instanceIds, Force: force });
    else if (desired === 'terminated') throw new SimulatorLimitationError('aws:changeInstanceState to terminated is not simulated');
    else throw new StepFailure(`DesiredState must be running, stopped or terminated, got ${desired}`);
  }
  waitUntil(ctx, `instances ${instanceIds.join(', ')} to be ${desired}`, () => {
    const r = callAws(ctx, 'ec2', 'DescribeInstances', { InstanceIds: instanceIds }) as { Reservations: { Instances: { State: { Name: string } }[] }[] };
    return r.Reservations.flatMap((x) => x.Instances).every((i) => i.State.Name === desired);
  });
  return { outputs: {} };
}
