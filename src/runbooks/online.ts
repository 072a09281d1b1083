import { AutomationDocument, ExecuteScript, RunCommand } from '../automation';
import { handlerSource } from './handler-source';
import { readKeyPairStep } from './key-pair';
import { accountRepairParameterList, repairParameters } from './parameters';
import { REPAIR_COMMAND_DOCUMENT, repairCommandDocument, repairCommandParameters } from './repair-command';
import { Runbook } from './runbook';

/** Name of the online runbook. */
export const ONLINE_RUNBOOK = 'EC2SSHRescue-FixAccessOnline';

const PURPOSE = [
  'Repairs SSH access on an instance that is an Online SSM managed node, without stopping it: it runs the ec2-ssh-rescue',
  `script through Run Command (the project's own Command document ${REPAIR_COMMAND_DOCUMENT}), in diagnose mode (changes nothing) or fix mode (changes only the`,
  'ownership and modes sshd refuses, or AWS\'s strict modes with Strict=true), and publishes the script\'s verdict,',
  'findings and actions as outputs. It refuses at once, naming EC2SSHRescue-FixAccessOffline and EC2SSHRescue-Repair',
  'AllowOffline=true, when the node is not Online or not Linux. It reads the instance\'s launch key pair, and the script',
  'reports which local users authorize it. Opt-in parameters add a public key, re-create a deleted user, remove a password',
  'lock or an expiry (each off by default). Verdicts cannot-fix (also any fix that did not take), user-not-found and',
  'bad-input end the execution Failed with the script\'s findings.',
].join(' ');

/** What the opt-in account repairs change and how each is undone (both repair runbooks). */
export const ACCOUNT_CHANGES = [
  { change: 'PublicKey (Mode=fix): appends the key as a new last line of the user\'s first AuthorizedKeysFile (creating ~/.ssh 0700 and the file 0600 if missing) unless a key file has it already', undo: 'not undone automatically: delete that line (ActionsTaken names the file and the key\'s fingerprint)' },
  { change: 'CreateUserIfMissing=true (Mode=fix): useradd -m -s /bin/bash USER (uid from UID_MIN up, home under the distro\'s base, own group, "*" password: none, not locked)', undo: 'not undone automatically: userdel -r USER' },
  { change: 'UnlockUser=true (Mode=fix, UsePAM no only): removes the leading "!" of the shadow hash (chpasswd -e), "*" if nothing is left', undo: 'not undone automatically: usermod -L USER' },
  { change: 'ExtendExpiredAccount=true (Mode=fix): chage -E -1 USER on an account whose expiry date has passed', undo: 'not undone automatically: chage -E <old day> USER (ActionsTaken has the old day)' },
];

/** The online repair runbook (Run Command on an Online managed node). */
export function onlineRunbook(): Runbook {
  const params = repairParameters();
  const { instanceId, userName, mode, strict, recursive, role } = params;
  const command = repairCommandDocument(params);
  const keyPair = readKeyPairStep(instanceId);

  const check = new ExecuteScript('CheckOnline', {
    description: 'Checks that the instance is an Online Linux SSM managed node; fails naming the offline runbook otherwise.',
    handler: 'handler',
    script: handlerSource('check_online'),
    inputPayload: { InstanceId: instanceId },
    timeoutSeconds: 60,
    permissions: [{ actions: ['ssm:DescribeInstanceInformation'], resources: ['*'] }],
  });
  const run = new RunCommand('RunRepair', {
    description: `Runs the repair script on the instance through ${REPAIR_COMMAND_DOCUMENT}; the report line comes first in the output.`,
    documentName: REPAIR_COMMAND_DOCUMENT,
    command,
    instanceIds: [instanceId],
    parameters: repairCommandParameters(params),
    timeoutSeconds: 900,
  });
  const parse = new ExecuteScript('ParseReport', {
    description: 'Reads the script\'s JSON report into outputs.',
    handler: 'handler',
    script: handlerSource('parse_report'),
    inputPayload: { Output: run.out.Output, CommandId: run.out.CommandId, InstanceId: instanceId },
    outputs: {
      Verdict: { selector: '$.Payload.Verdict', type: 'String' },
      User: { selector: '$.Payload.User', type: 'String' },
      Findings: { selector: '$.Payload.Findings', type: 'StringList' },
      ActionsTaken: { selector: '$.Payload.ActionsTaken', type: 'StringList' },
    },
    timeoutSeconds: 60,
    permissions: [{ actions: ['ssm:GetCommandInvocation'], resources: ['*'] }],
  });
  const conclude = new ExecuteScript('Conclude', {
    description: 'Fails the execution with the findings when the script could not repair.',
    handler: 'handler',
    script: handlerSource('conclude'),
    inputPayload: { Verdict: parse.out.Verdict, User: parse.out.User, Findings: parse.out.Findings },
    timeoutSeconds: 30,
    permissions: [],
  }).end();

  const document = new AutomationDocument({
    name: ONLINE_RUNBOOK,
    description: [`# ${ONLINE_RUNBOOK}`, '', PURPOSE, '', 'Outputs: Verdict, Findings, ActionsTaken.'].join('\n'),
    assumeRole: role,
    parameters: [instanceId, userName, mode, strict, recursive, ...accountRepairParameterList(params), role],
    steps: [check, keyPair, run, parse, conclude],
    outputs: [parse.out.Verdict, parse.out.Findings, parse.out.ActionsTaken],
    source: 'src/runbooks/online.ts',
  });
  return {
    document,
    commandDocuments: [command],
    purpose: PURPOSE,
    changes: [{
      change: 'in Mode=fix, the repair script changes owner and modes of the home, ~/.ssh and the key files, makes the home\'s parent traversable for the user, and strips group/other write from root-owned directories above a key file outside the home (never through symlinks, never a ChrootDirectory path, never a system account or system directory); nothing in diagnose mode',
      step: run.name,
      undo: 'not undone: these are the repair; every change is listed with its old and new value in the ActionsTaken output',
    }, ...ACCOUNT_CHANGES.map((c) => ({ ...c, step: run.name }))],
  };
}
