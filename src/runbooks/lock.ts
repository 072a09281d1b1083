import { Builtin, ExecuteScript, Input } from '../automation';
import { handlerSource } from './handler-source';

/**
 * The per-instance lock is the Parameter Store parameter `LOCK_PARAMETER_PREFIX<instance id>`,
 * created with Overwrite=false (an atomic create: ParameterAlreadyExists when it exists); its
 * value is the holding execution's id. EC2 tags cannot be a lock: they have no conditional write
 * and EC2 reads are eventually consistent.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
 */
export const LOCK_PARAMETER_PREFIX = '/ec2-ssh-rescue/lock/';
/** Claim taken while a stale lock (its holder ended without releasing it) is recovered. */
export const LOCK_RECOVERY_PREFIX = '/ec2-ssh-rescue/lock-recovery/';

/**
 * Parameter ARNs under a path: a parameter ARN names the parameter without its leading slash.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
 */
const parameterArn = (prefix: string): string => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${prefix}*`;
export const LOCK_PARAMETER_ARN = parameterArn(LOCK_PARAMETER_PREFIX);
/**
 * Automation executions are the resource of GetAutomationExecution (service authorization
 * reference, AWS Systems Manager: automation-execution).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export const AUTOMATION_EXECUTION_ARN = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*';

/** The lock parameter's name for an instance id (a parameter reference or literal). */
export function lockParameter(instanceId: Input): Input {
  return `${LOCK_PARAMETER_PREFIX}${String(instanceId)}`;
}

/** Takes the lock, recovering a stale one; refuses, having changed nothing, when another execution holds it. */
export function takeLock(name: string, instanceId: Input): ExecuteScript {
  return new ExecuteScript(name, {
    description: `Creates the lock parameter ${LOCK_PARAMETER_PREFIX}<instance id>, failing if another execution holds it; recovers an ended holder's lock.`,
    handler: 'handler',
    script: handlerSource('take_lock'),
    inputPayload: {
      InstanceId: instanceId,
      ExecutionId: Builtin.EXECUTION_ID,
      LockParameter: lockParameter(instanceId),
      RecoveryParameter: `${LOCK_RECOVERY_PREFIX}${String(instanceId)}`,
    },
    outputs: { Recovered: { selector: '$.Payload.Recovered', type: 'String' } },
    timeoutSeconds: 60,
    // Idempotent: a second attempt finds its own lock.
    maxAttempts: 2,
    permissions: [
      { actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter'], resources: [LOCK_PARAMETER_ARN, parameterArn(LOCK_RECOVERY_PREFIX)] },
      { actions: ['ssm:GetAutomationExecution'], resources: [AUTOMATION_EXECUTION_ARN] },
    ],
  });
}

/** Removes the lock parameter if this execution holds it (and did not keep it on purpose). */
export function releaseLock(name: string, instanceId: Input): ExecuteScript {
  return new ExecuteScript(name, {
    description: 'Removes this execution\'s lock once nothing it changed is in effect.',
    handler: 'handler',
    script: handlerSource('release_lock'),
    inputPayload: { ExecutionId: Builtin.EXECUTION_ID, LockParameter: lockParameter(instanceId) },
    outputs: { Action: { selector: '$.Payload.Action', type: 'String' } },
    timeoutSeconds: 60,
    maxAttempts: 2,
    permissions: [{ actions: ['ssm:GetParameter', 'ssm:DeleteParameter'], resources: [LOCK_PARAMETER_ARN] }],
  });
}
