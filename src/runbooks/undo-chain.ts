import { Builtin, EXECUTE_SCRIPT_MAX_SECONDS, ExecuteScript, INSTANCE_ARN, Ref } from '../automation';
import { READ_BACKUP, START_ENCRYPTED_VOLUMES } from './encryption-permissions';
import { handlerSource } from './handler-source';
import { LOCK_PARAMETER_ARN, lockParameter, releaseLock } from './lock';

/** Facts the undo steps need, all produced by steps that run before the first change. */
export interface UndoChainProps {
  /** The instance id (parameter). */
  readonly instanceId: Ref<'String'>;
  /**
   * Where BackupUserData kept the original user data: its S3 location, its SHA-256, and the
   * base64 bytes only when the user allowed them in the execution record.
   */
  readonly backup: { readonly location: Ref<'String'>; readonly sha256: Ref<'String'>; readonly userDataBase64: Ref<'String'> };
  /** Whether the instance was running before the repair. */
  readonly wasRunning: Ref<'Boolean'>;
  /** Whether the instance belongs to an Auto Scaling group (and so is put in Standby). */
  readonly inAutoScalingGroup: Ref<'Boolean'>;
  /** The group's name, or empty. */
  readonly autoScalingGroupName: Ref<'String'>;
  /** Name of the step whose Verdict/ConsoleMarker outputs report the repair. */
  readonly verifyStep: string;
  /** Steps whose failure has a designed fallback and so does not fail the execution. */
  readonly toleratedFailures: readonly string[];
}

/** The shared user-data restore (handlers/put_back_user_data.py) of RestoreUserData and CancelCleanup. */
const PUT_BACK = 'put_back_user_data';
/** Where the original user data is kept and how it is read back (handlers/user_data_backup.py). */
export const USER_DATA_BACKUP = 'user_data_backup';
/** Timeout of the cancel cleanup: Automation runs the onCancel path for about two minutes. */
const CANCEL_TIMEOUT_SECONDS = 115;
/** Seconds the cancel handler works: it stops before its step's timeout so it can report what is left. */
const CANCEL_BUDGET_SECONDS = 105;
const DESCRIBE = { actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceAttribute'], resources: ['*'] };
/** Attempts of each undo step: all are idempotent, so a retry after a transient error is safe. */
const UNDO_ATTEMPTS = 2;
/** Every Auto Scaling group of the account and region (EnterStandby/ExitStandby act on the group). */
export const AUTO_SCALING_GROUP_ARN = 'arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/*';

/**
 * The steps that put an instance back as it was found. The success path runs them in order, and
 * every failure after the first change enters at `restore`; each step acts only on the state it
 * finds (restore only if the user data differs from the backup, start only if the instance was
 * running and is stopped, leave Standby only if in Standby, unlock only our own lock). When one
 * of them fails, the cancel cleanup makes the second attempt at all of them, each independently
 * of the others, so one broken undo never skips the others. `finish` ends the execution Failed
 * with the original error, and what the second attempt could not put back, when any step failed.
 *
 * `cancel` is the onCancel target: Automation runs the onCancel path for only about two minutes
 * (common step property `onCancel`,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html), so it undoes
 * everything in one step with one time budget; see handlers/cancel_cleanup.py.
 */
export function undoChain(p: UndoChainProps) {
  const common = { InstanceId: p.instanceId, ExecutionId: Builtin.EXECUTION_ID };
  const original = {
    BackupLocation: p.backup.location, Sha256: p.backup.sha256, UserDataBase64: p.backup.userDataBase64, AccountId: Builtin.ACCOUNT_ID,
  };
  const restore = new ExecuteScript('RestoreUserData', {
    description: 'Puts the original user data back byte for byte, stopping the instance first if needed, and re-reads it.',
    handler: 'handler',
    script: handlerSource('restore_user_data', PUT_BACK, USER_DATA_BACKUP),
    inputPayload: { ...common, ...original, GracefulStopSeconds: 240, ForcedStopSeconds: 270 },
    outputs: {
      UserDataRestored: { selector: '$.Payload.UserDataRestored', type: 'Boolean' },
      Action: { selector: '$.Payload.Action', type: 'String' },
    },
    timeoutSeconds: EXECUTE_SCRIPT_MAX_SECONDS,
    // A second attempt continues from the state the first one left (e.g. a stop still under way).
    maxAttempts: UNDO_ATTEMPTS,
    permissions: [
      DESCRIBE,
      { actions: ['ec2:StopInstances', 'ec2:ModifyInstanceAttribute'], resources: [INSTANCE_ARN], mutatesInstance: true },
      ...READ_BACKUP,
    ],
  });
  const restart = new ExecuteScript('RestartIfWasRunning', {
    description: 'Starts the instance again if it was running before the repair and is stopped now.',
    handler: 'handler',
    script: handlerSource('restart_if_was_running'),
    inputPayload: { ...common, WasRunning: p.wasRunning, WaitSeconds: 540 },
    outputs: { Action: { selector: '$.Payload.Action', type: 'String' } },
    timeoutSeconds: EXECUTE_SCRIPT_MAX_SECONDS,
    // State-driven, so a second attempt after a transient API error (throttling, an internal
    // error) simply continues; one failed call must not leave the instance stopped.
    maxAttempts: UNDO_ATTEMPTS,
    permissions: [DESCRIBE, { actions: ['ec2:StartInstances'], resources: [INSTANCE_ARN], mutatesInstance: true }, START_ENCRYPTED_VOLUMES],
  });
  const exitStandby = new ExecuteScript('ExitStandbyIfEntered', {
    description: 'Returns the instance from Standby to service and waits for InService.',
    handler: 'handler',
    script: handlerSource('exit_standby'),
    inputPayload: { ...common, InAutoScalingGroup: p.inAutoScalingGroup, AutoScalingGroupName: p.autoScalingGroupName, WaitSeconds: 540 },
    outputs: { Action: { selector: '$.Payload.Action', type: 'String' } },
    timeoutSeconds: EXECUTE_SCRIPT_MAX_SECONDS,
    maxAttempts: UNDO_ATTEMPTS,
    permissions: [
      DESCRIBE,
      { actions: ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups'], resources: ['*'] },
      { actions: ['autoscaling:ExitStandby'], resources: [AUTO_SCALING_GROUP_ARN] },
    ],
  });
  const release = releaseLock('ReleaseLock', p.instanceId);
  const finish = new ExecuteScript('Finish', {
    description: 'Ends Failed with the original error if a step failed or the repair could not repair, Success otherwise.',
    handler: 'handler',
    script: handlerSource('finish'),
    inputPayload: {
      InstanceId: p.instanceId,
      ExecutionId: Builtin.EXECUTION_ID,
      VerifyStep: p.verifyStep,
      RestoreStep: restore.name,
      LockParameter: lockParameter(p.instanceId),
      ToleratedFailures: [...p.toleratedFailures],
    },
    outputs: {
      Verdict: { selector: '$.Payload.Verdict', type: 'String' },
      ConsoleMarker: { selector: '$.Payload.ConsoleMarker', type: 'String' },
      PublicIpAfter: { selector: '$.Payload.PublicIpAfter', type: 'String' },
    },
    timeoutSeconds: 120,
    permissions: [
      { actions: ['ssm:GetAutomationExecution', 'ssm:DescribeAutomationStepExecutions'], resources: ['*'] },
      { actions: ['ec2:DescribeInstances'], resources: ['*'] },
      // A last attempt at releasing the lock when ReleaseLock failed.
      { actions: ['ssm:GetParameter', 'ssm:DeleteParameter'], resources: [LOCK_PARAMETER_ARN] },
    ],
  });
  const cancel = new ExecuteScript('CancelCleanup', {
    description: 'On cancel, and as second attempt after a failed undo: puts everything back within one time budget; keeps the lock and names what is left.',
    handler: 'handler',
    script: handlerSource('cancel_cleanup', PUT_BACK, USER_DATA_BACKUP),
    inputPayload: {
      ...common, ...original, LockParameter: lockParameter(p.instanceId), WasRunning: p.wasRunning, BudgetSeconds: CANCEL_BUDGET_SECONDS,
      InAutoScalingGroup: p.inAutoScalingGroup, AutoScalingGroupName: p.autoScalingGroupName,
    },
    outputs: { Summary: { selector: '$.Payload.Summary', type: 'String' } },
    timeoutSeconds: CANCEL_TIMEOUT_SECONDS,
    permissions: [
      DESCRIBE,
      { actions: ['ec2:StopInstances', 'ec2:ModifyInstanceAttribute', 'ec2:StartInstances'], resources: [INSTANCE_ARN], mutatesInstance: true },
      { actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'], resources: [LOCK_PARAMETER_ARN] },
      { actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] },
      { actions: ['autoscaling:ExitStandby'], resources: [AUTO_SCALING_GROUP_ARN] },
      START_ENCRYPTED_VOLUMES,
      ...READ_BACKUP,
    ],
  });
  return {
    // An undo step that fails hands over to the cancel cleanup, the second attempt at every undo:
    // it tries each one on its own whatever the others do (the user data after a forced stop),
    // releases the lock only when nothing is left and otherwise marks it kept, and fails naming
    // what is still in effect with the commands to finish it, which Finish then reports. So a
    // failed undo never ends the execution with its change in effect unless the second attempt
    // failed too, and then the failure says so (safety.ts, rollbackPathGroups).
    restore: restore.onFailure(cancel).onCancel(cancel).next(restart),
    restart: restart.onFailure(cancel).onCancel(cancel).next(exitStandby),
    exitStandby: exitStandby.onFailure(cancel).onCancel(cancel).next(release),
    release: release.onFailure(cancel).onCancel(cancel).next(finish),
    finish: finish.end(),
    cancel: cancel.onFailure(finish).next(finish),
  };
}

/** The undo steps, wired. */
export type UndoChain = ReturnType<typeof undoChain>;
