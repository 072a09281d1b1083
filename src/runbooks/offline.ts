import {
  AutomationDocument, Branch, Builtin, ChangeInstanceState, Condition, EXECUTE_SCRIPT_MAX_SECONDS, ExecuteAwsApi,
  ExecuteScript, INSTANCE_ARN, WaitForAwsResourceProperty,
} from '../automation';
import { buildRepairUserDataTemplate } from '../repair/user-data';
import { handlerSource } from './handler-source';
import { DESCRIBE_KEYS, START_ENCRYPTED_VOLUMES, WRITE_BACKUP } from './encryption-permissions';
import { LOCK_PARAMETER_PREFIX, releaseLock, takeLock } from './lock';
import { readKeyPairStep } from './key-pair';
import { ACCOUNT_CHANGES } from './online';
import {
  accountRepairParameterList, acknowledgeInstanceStoreParameter, allowUserDataInRecordParameter, backupBucketParameter, repairArgs, repairParameters,
} from './parameters';
import { Runbook } from './runbook';
import { AUTO_SCALING_GROUP_ARN, undoChain } from './undo-chain';

/** Name of the offline runbook. */
export const OFFLINE_RUNBOOK = 'EC2SSHRescue-FixAccessOffline';

/** Seconds the verify step watches the live console of a Nitro instance for the marker (inside the 600 s executeScript limit). */
const CONSOLE_WAIT_SECONDS = 540;

const PURPOSE = [
  'Repairs SSH access on an instance whose SSM Agent is not reachable, by the AWS knowledge-center user-data swap',
  '(https://repost.aws/knowledge-center/ec2-server-refused-our-key), automated end to end: it stops the instance,',
  'replaces its user data with a cloud-init boothook that runs only the ec2-ssh-rescue script, early in the boot, starts it,',
  'reads the script\'s verdict from the console output (live on Nitro instance types; on Xen types, which post console output only around state transitions, the verdict is an honest unverified), stops it again, restores the original user data byte for byte',
  'and starts it again if it was running. It REFUSES, before changing anything: instances that are not running or stopped,',
  'an instance-store root device, one-time Spot Instances, stop protection, hibernation, Windows, instance types with',
  'instance-store volumes (unless AcknowledgeInstanceStoreDataLoss=true), an instance locked by another execution,',
  'volumes under a KMS key the role may not use or that is not enabled (EC2 could not start it again), user data that is',
  'still the repair user data of an interrupted earlier execution (it names the command to restore the original from that',
  'execution\'s backup), user data without BackupS3BucketName unless AllowUserDataInExecutionRecord=true (user data often',
  'holds secrets: with the bucket, steps pass only its location and SHA-256 and the restore checks the hash),',
  'and Auto Scaling members that are not InService and running, whose group is at its minimum size, is owned by EKS, ECS or',
  'Elastic Beanstalk (by its tags) or has a launch lifecycle hook that ABANDONs. In an Auto Scaling group the',
  'instance is put in Standby with ShouldDecrementDesiredCapacity=true so no replacement is launched; a group at',
  'MinSize is refused rather than let the desired capacity go below the minimum (lower MinSize by one or detach the',
  'instance first). The public IPv4 address changes with the stop unless an Elastic IP is attached (output',
  'PublicIpBefore/PublicIpAfter). When a step fails — including a start that fails because of the root volume\'s KMS key —',
  'every undo still runs, an undo that fails gets a second attempt (the user data after a forced stop), and the execution ends',
  'Failed with the original error and whatever is still in effect with the commands to finish it; an Auto Scaling member that cannot be',
  'started again is left in Standby (back in service it would be terminated and replaced); a start that EC2 turns back to stopped',
  'fails at once with EC2\'s reason (a stale read right after the start is not taken for one). A cancel gets about two minutes: it force-stops an instance running with the repair user',
  'data, restores the original, starts it again if it was running, leaves Standby once it runs and releases the lock; what',
  'does not finish in that time is named with the commands to finish it, and the lock is then kept.',
].join(' ');

const SUMMARY = `Repairs SSH access by the user-data swap when the SSM Agent is unreachable; every change is undone on failure and cancel. See runbooks/${OFFLINE_RUNBOOK}.md.`;

/** The offline repair runbook (user-data swap). */
export function offlineRunbook(): Runbook {
  const params = repairParameters();
  const { instanceId, userName, mode, strict, recursive, role } = params;
  const acknowledge = acknowledgeInstanceStoreParameter();
  const bucket = backupBucketParameter();
  const allowInRecord = allowUserDataInRecordParameter();

  // The lock comes first, so everything the preflight and the backup read is read while no other
  // execution can change the instance. Until the first change a failure or cancel only releases it.
  const unlock = releaseLock('Unlock', instanceId.ref);
  const beforeChange = <S extends { onFailure: (t: typeof unlock) => S; onCancel: (t: typeof unlock) => S }>(s: S): S =>
    s.onFailure(unlock).onCancel(unlock);
  const lock = beforeChange(takeLock('TakeLock', instanceId.ref));
  const preflight = beforeChange(new ExecuteScript('Preflight', {
    description: 'Checks that the instance can be stopped safely and refuses otherwise; changes nothing.',
    handler: 'handler',
    script: handlerSource('preflight'),
    inputPayload: {
      InstanceId: instanceId, AcknowledgeInstanceStoreDataLoss: acknowledge, BucketName: bucket, AllowUserDataInExecutionRecord: allowInRecord,
    },
    outputs: {
      WasRunning: { selector: '$.Payload.WasRunning', type: 'Boolean' },
      InAutoScalingGroup: { selector: '$.Payload.InAutoScalingGroup', type: 'Boolean' },
      AutoScalingGroupName: { selector: '$.Payload.AutoScalingGroupName', type: 'String' },
      PublicIp: { selector: '$.Payload.PublicIp', type: 'String' },
      PublicIpWillChange: { selector: '$.Payload.PublicIpWillChange', type: 'Boolean' },
    },
    timeoutSeconds: 120,
    permissions: [
      {
        actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceAttribute', 'ec2:DescribeInstanceTypes', 'ec2:DescribeSpotInstanceRequests', 'ec2:DescribeVolumes'],
        resources: ['*'],
      },
      { actions: ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks'], resources: ['*'] },
      DESCRIBE_KEYS,
    ],
  }));
  const keyPair = beforeChange(readKeyPairStep(instanceId));
  const backup = beforeChange(new ExecuteScript('BackupUserData', {
    description: 'Keeps the original user data in the backup bucket; outputs its location and SHA-256.',
    handler: 'handler',
    script: handlerSource('backup_user_data'),
    inputPayload: {
      InstanceId: instanceId, ExecutionId: Builtin.EXECUTION_ID, BucketName: bucket, AccountId: Builtin.ACCOUNT_ID,
      AllowUserDataInExecutionRecord: allowInRecord,
    },
    outputs: {
      BackupLocation: { selector: '$.Payload.BackupLocation', type: 'String' },
      Sha256: { selector: '$.Payload.Sha256', type: 'String' },
      // Empty unless AllowUserDataInExecutionRecord=true and no bucket was given.
      UserDataBase64: { selector: '$.Payload.UserDataBase64', type: 'String' },
    },
    timeoutSeconds: 120,
    permissions: [{ actions: ['ec2:DescribeInstanceAttribute'], resources: ['*'] }, ...WRITE_BACKUP],
  }));

  const chain = undoChain({
    instanceId: instanceId.ref,
    backup: { location: backup.out.BackupLocation, sha256: backup.out.Sha256, userDataBase64: backup.out.UserDataBase64 },
    wasRunning: preflight.out.WasRunning,
    inAutoScalingGroup: preflight.out.InAutoScalingGroup,
    autoScalingGroupName: preflight.out.AutoScalingGroupName,
    verifyStep: 'VerifyRepair',
    toleratedFailures: ['StopInstance'],
  });
  /** From the first change on, every failure runs the undo chain and every cancel the cancel cleanup. */
  const guarded = <S extends { onFailure: (t: typeof chain.restore) => S; onCancel: (t: typeof chain.cancel) => S }>(s: S): S =>
    s.onFailure(chain.restore).onCancel(chain.cancel);

  const stop = guarded(new ChangeInstanceState('StopInstance', {
    description: 'Stops the instance gracefully (nothing happens if it is already stopped).',
    instanceIds: [instanceId],
    desiredState: 'stopped',
    timeoutSeconds: 600,
    // A graceful stop that does not finish in time hands over to the forced stop. Failed steps
    // are critical by default and a failed critical step makes the whole execution Failed
    // whatever follows (common step property isCritical,
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html), so
    // this designed fallback must not count; Finish tolerates it too.
    isCritical: false,
  })).onFailure('ForceStopInstance').next('SwapInRepairUserData');
  // Standby first, so the stopped instance is not found unhealthy and replaced. Only InService
  // instances can enter Standby (checked by the preflight); decrementing the desired capacity keeps
  // the group from launching a replacement.
  // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnterStandby.html
  // https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html
  const enterStandby = guarded(new ExecuteAwsApi('EnterStandby', {
    description: 'Puts the instance in Standby in its Auto Scaling group without launching a replacement.',
    service: 'autoscaling',
    api: 'EnterStandby',
    params: { AutoScalingGroupName: preflight.out.AutoScalingGroupName, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: true },
    resources: [AUTO_SCALING_GROUP_ARN],
  }));
  const waitStandby = guarded(new WaitForAwsResourceProperty('WaitForStandby', {
    description: 'Waits until the instance is in Standby.',
    service: 'autoscaling',
    api: 'DescribeAutoScalingInstances',
    params: { InstanceIds: [instanceId] },
    propertySelector: '$.AutoScalingInstances[0].LifecycleState',
    desiredValues: ['Standby'],
    timeoutSeconds: 600,
  })).next(stop);
  const standbyChoice = guarded(new Branch('StandbyIfInGroup', {
    description: 'Enters Standby only for Auto Scaling group members.',
    choices: [{ when: Condition.booleanEquals(preflight.out.InAutoScalingGroup, true), next: enterStandby }],
    default: stop,
  }));
  const forceStop = guarded(new ChangeInstanceState('ForceStopInstance', {
    description: 'Forces the stop when the graceful stop did not finish in time.',
    instanceIds: [instanceId],
    desiredState: 'stopped',
    force: true,
    timeoutSeconds: 600,
  }));
  const swap = guarded(new ExecuteScript('SwapInRepairUserData', {
    description: 'Replaces the user data with the repair boothook for this execution.',
    handler: 'handler',
    script: handlerSource('swap_user_data'),
    inputPayload: {
      InstanceId: instanceId,
      RepairUserData: buildRepairUserDataTemplate(repairArgs(params, { fingerprint: keyPair.out.Fingerprint, name: keyPair.out.KeyName })),
    },
    outputs: { Bytes: { selector: '$.Payload.Bytes', type: 'Integer' } },
    timeoutSeconds: 120,
    permissions: [
      { actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceAttribute'], resources: ['*'] },
      { actions: ['ec2:ModifyInstanceAttribute'], resources: [INSTANCE_ARN], mutatesInstance: true },
    ],
  }));
  // A start can fail when the root volume's KMS key cannot be used: the instance goes pending ->
  // stopped with StateReason Client.InternalError (the caller lacks kms:CreateGrant), and a step
  // waiting for running would wait out its timeout. So the start is split: start, wait for running
  // OR stopped, fail at once when stopped (Finish then names EC2's StateReason), then wait for the
  // status checks. Every failure still restores the user data.
  // https://repost.aws/knowledge-center/kms-iam-ec2-permission
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html#troubleshooting-launch-internal
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html
  const start = guarded(new ExecuteAwsApi('StartForRepair', {
    description: 'Starts the instance so cloud-init runs the repair script.',
    service: 'ec2',
    api: 'StartInstances',
    params: { InstanceIds: [instanceId] },
    resources: [INSTANCE_ARN],
    mutatesInstance: true,
    extraPermissions: [START_ENCRYPTED_VOLUMES],
  }));
  const waitStart = guarded(new ExecuteScript('WaitForRepairStart', {
    description: 'Waits until the start has ended; fails at once when EC2 stopped the instance again (e.g. Client.InternalError), not on a stale read.',
    handler: 'handler',
    script: handlerSource('wait_for_start'),
    inputPayload: { InstanceId: instanceId, WaitSeconds: 270, StaleSeconds: 60 },
    // With the status checks below, the 1200 s the single start step used to have.
    timeoutSeconds: 300,
    permissions: [{ actions: ['ec2:DescribeInstances'], resources: ['*'] }],
  }));
  const statusChecks = guarded(new ChangeInstanceState('WaitForStatusChecks', {
    description: 'Waits for the status checks of the running instance (changes nothing).',
    instanceIds: [instanceId],
    desiredState: 'running',
    checkStateOnly: true,
    timeoutSeconds: 900,
  }));
  const verify = guarded(new ExecuteScript('VerifyRepair', {
    description: 'Reads the script\'s verdict from the console: live on Nitro types, one read on Xen types.',
    handler: 'handler',
    script: handlerSource('verify_console'),
    inputPayload: { InstanceId: instanceId, RequestId: Builtin.EXECUTION_ID, WaitSeconds: CONSOLE_WAIT_SECONDS },
    outputs: {
      Verdict: { selector: '$.Payload.Verdict', type: 'String' },
      ConsoleMarker: { selector: '$.Payload.ConsoleMarker', type: 'String' },
      Detail: { selector: '$.Payload.Detail', type: 'String' },
    },
    timeoutSeconds: EXECUTE_SCRIPT_MAX_SECONDS,
    permissions: [
      { actions: ['ec2:GetConsoleOutput'], resources: [INSTANCE_ARN] },
      { actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'], resources: ['*'] },
    ],
  })).next(chain.restore);

  const document = new AutomationDocument({
    name: OFFLINE_RUNBOOK,
    // The full purpose is on the generated runbook page; the document keeps a summary because
    // an SSM document may hold at most 64 KB.
    description: [
      `# ${OFFLINE_RUNBOOK}`,
      '',
      SUMMARY,
      '',
      'Outputs: Finish.Verdict, Preflight.PublicIp, Finish.PublicIpAfter, RestoreUserData.UserDataRestored, Preflight.InAutoScalingGroup, Finish.ConsoleMarker.',
    ].join('\n'),
    assumeRole: role,
    parameters: [instanceId, userName, mode, strict, recursive, ...accountRepairParameterList(params), acknowledge, bucket, allowInRecord, role],
    steps: [
      lock, preflight, keyPair, backup, standbyChoice, enterStandby, waitStandby, stop, forceStop, swap, start, waitStart,
      statusChecks, verify,
      chain.restore, chain.restart, chain.exitStandby, chain.release, unlock.onFailure(chain.finish).next(chain.finish), chain.cancel, chain.finish,
    ],
    outputs: [
      chain.finish.out.Verdict,
      preflight.out.PublicIp,
      chain.finish.out.PublicIpAfter,
      chain.restore.out.UserDataRestored,
      preflight.out.InAutoScalingGroup,
      chain.finish.out.ConsoleMarker,
    ],
    source: 'src/runbooks/offline.ts',
  });
  return {
    document,
    purpose: PURPOSE,
    changes: [
      { change: `creates the lock parameter ${LOCK_PARAMETER_PREFIX}<instance id> holding the execution id (refuses, changing nothing, when another running execution holds it; recovers a lock whose holder has ended)`, step: lock.name, undo: 'removed by Unlock when the preflight or the backup fails or is cancelled, by ReleaseLock on success and failure, and by CancelCleanup on cancel — only while it holds this execution\'s id; kept, marked "kept", when something is still in effect (the failure names it)' },
      { change: 'puts the instance in Standby in its Auto Scaling group (desired capacity minus one)', step: enterStandby.name, undo: 'ExitStandbyIfEntered returns it to InService (desired capacity plus one) on success and failure, once it runs again (a stopped instance stays in Standby and the execution fails saying so); CancelCleanup requests ExitStandby on cancel once the instance runs' },
      { change: 'stops the instance (graceful, then forced after 10 minutes)', step: stop.name, undo: 'RestartIfWasRunning starts it again if it was running before, on success and failure; CancelCleanup starts it again on cancel and waits for running within its time' },
      { change: 'stops the instance with Force when the graceful stop timed out', step: forceStop.name, undo: 'as for StopInstance' },
      { change: 'replaces the user data with the repair boothook user data', step: swap.name, undo: 'RestoreUserData writes the original back byte for byte and re-reads it (retrying within a minute: EC2 reads are eventually consistent), on success and failure; CancelCleanup restores it on cancel, force-stopping the instance first if it runs, and makes the second attempt, with a forced stop, when an undo step failed' },
      { change: 'starts the instance with the repair user data', step: start.name, undo: 'RestoreUserData stops it again before restoring the user data; CancelCleanup force-stops it on cancel' },
      { change: 'at the repair boot, in Mode=fix: what the repair script changes (as in the online runbook)', step: start.name, undo: 'not undone: these are the repair; the console marker names the verdict, the number of actions and the findings' },
      ...ACCOUNT_CHANGES.map((c) => ({ ...c, step: start.name })),
      { change: 'stops the instance (graceful, then forced) when it still runs with the repair user data, so the original can be written back', step: chain.restore.name, undo: 'RestartIfWasRunning starts it again if it was running before the repair' },
    ],
  };
}
