import { ParameterInput } from '../parameters';
import { ActionResult, inputString, StepContext, StepFailure } from '../step-context';

/**
 * aws:executeAutomation: runs a child runbook (looked up among the loaded documents) in the
 * same world and waits for it. Outputs ExecutionId, Status and Output
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAutomation.html).
 */
export async function executeAutomation(ctx: StepContext): Promise<ActionResult> {
  const name = inputString(ctx, 'DocumentName');
  if (!ctx.host.documents.has(name)) throw new StepFailure(`Document ${name} does not exist (loaded: ${[...ctx.host.documents.keys()].join(', ')})`);
  const raw = ctx.inputs.RuntimeParameters ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new StepFailure('RuntimeParameters must be a map');
  const child = await ctx.host.runChild(name, raw as ParameterInput, ctx.depth);
  const outputs = {
    ExecutionId: child.AutomationExecutionId,
    Status: child.AutomationExecutionStatus,
    Output: JSON.stringify(child.Outputs),
  };
  if (child.AutomationExecutionStatus !== 'Success') {
    throw new StepFailure(`Child automation ${name} (${child.AutomationExecutionId}) ended ${child.AutomationExecutionStatus}: ${child.FailureMessage ?? ''}`);
  }
  return { outputs };
}
