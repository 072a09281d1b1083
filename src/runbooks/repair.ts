import { AutomationDocument, Branch, Builtin, Condition, ExecuteAutomation, ExecuteScript, Parameter } from '../automation';
import { handlerSource } from './handler-source';
import { OFFLINE_RUNBOOK } from './offline';
import { ONLINE_RUNBOOK } from './online';
import {
  accountRepairForwarding, accountRepairParameterList, accountRepairParameters, acknowledgeInstanceStoreParameter, allowUserDataInRecordParameter,
  assumeRoleParameter, backupBucketParameter, INSTANCE_ID_OR_ARN_PATTERN, recursiveParameter, strictParameter, userNameParameter,
} from './parameters';
import { Runbook } from './runbook';

/** Seconds the orchestrator waits for the online child (its timed steps need at most 1,050 s). */
export const ONLINE_CHILD_TIMEOUT_SECONDS = 1800;
/** Seconds the orchestrator waits for the offline child (its timed steps need at most 7,840 s). */
export const OFFLINE_CHILD_TIMEOUT_SECONDS = 10800;

/** Name of the orchestrator runbook. */
export const REPAIR_RUNBOOK = 'EC2SSHRescue-Repair';

const PURPOSE = [
  'The entry point for the console and EventBridge rules: takes an instance id or ARN, uses',
  `${ONLINE_RUNBOOK} when the instance is an Online SSM managed node, otherwise ${OFFLINE_RUNBOOK} — but only with`,
  'AllowOffline=true, because the offline repair stops and restarts the instance. Without it the execution fails and',
  'explains the options. Mode defaults to Diagnose, which changes nothing on the instance. The child runs as its own',
  'execution (aws:executeAutomation) so its steps, rollback and outputs stay visible on their own, and it receives',
  'the same AutomationAssumeRole and every repair option (PublicKey, CreateUserIfMissing, UnlockUser, ExtendExpiredAccount,',
  'AllowSystemUser, PublicKeyFingerprint; each off by default).',
].join(' ');

/** The orchestrator runbook. */
export function repairRunbook(): Runbook {
  const instanceId = Parameter.string('InstanceId', {
    description: '(Required) The instance: an ID such as i-0123456789abcdef0 or an instance ARN as EventBridge events carry it.',
    allowedPattern: INSTANCE_ID_OR_ARN_PATTERN,
  });
  const role = assumeRoleParameter();
  const userName = userNameParameter();
  const mode = Parameter.string('Mode', {
    description: '(Optional) Diagnose: report what blocks the key, change nothing on the instance. Fix: repair ownership and modes that sshd refuses.',
    allowedValues: ['Diagnose', 'Fix'],
    default: 'Diagnose',
  });
  const strict = strictParameter();
  const recursive = recursiveParameter();
  const account = accountRepairParameters();
  const allowOffline = Parameter.boolean('AllowOffline', {
    description: '(Optional) true: if the SSM Agent is not Online, repair offline, which STOPS and restarts the instance (public IP changes without an Elastic IP). false: fail instead.',
    default: false,
  });
  const acknowledge = acknowledgeInstanceStoreParameter();
  const bucket = backupBucketParameter();
  const allowInRecord = allowUserDataInRecordParameter();

  const resolve = new ExecuteScript('ResolveTarget', {
    description: 'Extracts the instance id, checks the SSM Agent and picks the online or offline repair.',
    handler: 'handler',
    script: handlerSource('resolve_target'),
    inputPayload: { InstanceId: instanceId, Mode: mode, AllowOffline: allowOffline },
    outputs: {
      InstanceId: { selector: '$.Payload.InstanceId', type: 'String' },
      Path: { selector: '$.Payload.Path', type: 'String' },
      ScriptMode: { selector: '$.Payload.ScriptMode', type: 'String' },
    },
    timeoutSeconds: 60,
    permissions: [{ actions: ['ssm:DescribeInstanceInformation'], resources: ['*'] }],
  });
  // StartAutomationExecution takes every parameter value as a list of strings, and AWS's schema
  // for aws:executeAutomation documents RuntimeParameters in that shape:
  // {"parameter1": ["value1"]} (npm aws-ssm-document-language-service, schema.json). Automation
  // converts each one-item list to the child's declared type (String, Boolean).
  const common = {
    InstanceId: [resolve.out.InstanceId],
    UserName: [userName],
    Mode: [resolve.out.ScriptMode],
    Strict: [strict],
    Recursive: [recursive],
    ...accountRepairForwarding(account),
    AutomationAssumeRole: [role],
  };
  const childFailed = new ExecuteScript('ChildFailed', {
    description: 'Ends the execution Failed with the child runbook\'s own failure message.',
    handler: 'handler',
    script: handlerSource('child_failure'),
    inputPayload: { ExecutionId: Builtin.EXECUTION_ID, ChildSteps: ['RunOnline', 'RunOffline'] },
    timeoutSeconds: 60,
    permissions: [{ actions: ['ssm:GetAutomationExecution'], resources: ['*'] }],
  }).end();
  const verdictOf = (name: string, child: ExecuteAutomation): ExecuteScript<{ Verdict: { selector: string; type: 'String' } }> =>
    new ExecuteScript(name, {
      description: 'Reads the child execution\'s verdict; fails with the child\'s message unless it ended Success.',
      handler: 'handler',
      script: handlerSource('child_verdict'),
      inputPayload: { ChildExecutionId: child.out.ExecutionId },
      outputs: { Verdict: { selector: '$.Payload.Verdict', type: 'String' } },
      timeoutSeconds: 60,
      permissions: [{ actions: ['ssm:GetAutomationExecution'], resources: ['*'] }],
    }).end();
  // Each child gets longer than the sum of its own step timeouts (attempts included), so the
  // parent never gives up on a child that is still undoing its changes.
  const online = new ExecuteAutomation('RunOnline', {
    documentName: ONLINE_RUNBOOK,
    runtimeParameters: common,
    description: `Runs ${ONLINE_RUNBOOK}.`,
    timeoutSeconds: ONLINE_CHILD_TIMEOUT_SECONDS,
  }).onFailure(childFailed);
  const onlineVerdict = verdictOf('OnlineVerdict', online);
  const offline = new ExecuteAutomation('RunOffline', {
    documentName: OFFLINE_RUNBOOK,
    runtimeParameters: {
      ...common, AcknowledgeInstanceStoreDataLoss: [acknowledge], BackupS3BucketName: [bucket], AllowUserDataInExecutionRecord: [allowInRecord],
    },
    description: `Runs ${OFFLINE_RUNBOOK}.`,
    timeoutSeconds: OFFLINE_CHILD_TIMEOUT_SECONDS,
  }).onFailure(childFailed);
  const offlineVerdict = verdictOf('OfflineVerdict', offline);
  const choose = new Branch('ChoosePath', {
    description: 'Online or offline, as ResolveTarget decided.',
    choices: [{ when: Condition.stringEquals(resolve.out.Path, 'offline'), next: offline }],
    default: online,
  });

  const document = new AutomationDocument({
    name: REPAIR_RUNBOOK,
    description: [`# ${REPAIR_RUNBOOK}`, '', PURPOSE].join('\n'),
    assumeRole: role,
    parameters: [instanceId, userName, mode, strict, recursive, ...accountRepairParameterList(account), allowOffline, acknowledge, bucket, allowInRecord, role],
    steps: [resolve, choose, online, onlineVerdict, offline, offlineVerdict, childFailed],
    outputs: [resolve.out.Path, onlineVerdict.out.Verdict, offlineVerdict.out.Verdict],
    source: 'src/runbooks/repair.ts',
  });
  return {
    document,
    purpose: PURPOSE,
    changes: [
      { change: `what ${ONLINE_RUNBOOK} changes (Mode=Fix only)`, step: online.name, undo: `see ${ONLINE_RUNBOOK}` },
      { change: `what ${OFFLINE_RUNBOOK} changes: stop, user-data swap, Standby, lock tag`, step: offline.name, undo: `${OFFLINE_RUNBOOK} undoes each on every path` },
    ],
  };
}
