import { ActionResult, callAws, inputString, StepContext, StepFailure, waitUntil } from '../step-context';

const TERMINAL = ['Success', 'Failed', 'DeliveryTimedOut', 'Cancelled', 'TimedOut', 'Undeliverable', 'Terminated'];
const SEND_KEYS = ['DocumentName', 'InstanceIds', 'Targets', 'Parameters', 'TimeoutSeconds', 'Comment', 'CloudWatchOutputConfig', 'OutputS3BucketName', 'OutputS3KeyPrefix', 'MaxConcurrency', 'MaxErrors', 'DocumentVersion', 'ServiceRoleArn', 'NotificationConfig'];

/**
 * SendCommand takes Parameters as lists of strings
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html#systemsmanager-SendCommand-request-Parameters);
 * a step may give one value for a parameter, and a whole `{{ Param }}` reference to a Boolean or
 * Integer resolves to a typed value, which travels as its text. Structures are left for SendCommand
 * to refuse.
 */
function asStringLists(parameters: Record<string, unknown>): Record<string, unknown> {
  const text = (v: unknown): unknown => (typeof v === 'boolean' || typeof v === 'number' ? String(v) : v);
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.isArray(v) ? v.map(text) : [text(v)]]));
}

/**
 * aws:runCommand: SendCommand, then wait for the invocation to finish. Outputs CommandId,
 * Status, ResponseCode and Output (standard output, truncated to 2,500 characters as the
 * action documents: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-runcommand.html).
 * The step fails unless the command succeeded.
 */
export async function runCommand(ctx: StepContext): Promise<ActionResult> {
  inputString(ctx, 'DocumentName');
  const ids = ctx.inputs.InstanceIds;
  if (!Array.isArray(ids) || ids.length !== 1) throw new StepFailure('aws:runCommand in the simulator needs InstanceIds with exactly one instance');
  const params: Record<string, unknown> = {};
  for (const k of SEND_KEYS) if (ctx.inputs[k] !== undefined) params[k] = ctx.inputs[k];
  if (typeof params.Parameters === 'object' && params.Parameters !== null && !Array.isArray(params.Parameters)) {
    params.Parameters = asStringLists(params.Parameters as Record<string, unknown>);
  }
  const sent = callAws(ctx, 'ssm', 'SendCommand', params) as { Command: { CommandId: string } };
  const commandId = sent.Command.CommandId;
  let invocation: Record<string, unknown> = {};
  waitUntil(ctx, `command ${commandId} to finish`, () => {
    invocation = callAws(ctx, 'ssm', 'GetCommandInvocation', { CommandId: commandId, InstanceId: String(ids[0]) });
    return TERMINAL.includes(String(invocation.Status));
  });
  const status = String(invocation.Status);
  const output = String(invocation.StandardOutputContent ?? '').slice(0, 2500);
  if (status !== 'Success') {
    throw new StepFailure(`Command ${commandId} on ${String(ids[0])} ended ${status} (exit ${String(invocation.ResponseCode)}): ${String(invocation.StandardErrorContent ?? '')}`);
  }
  return { outputs: { CommandId: commandId, Status: status, ResponseCode: Number(invocation.ResponseCode), Output: output } };
}
