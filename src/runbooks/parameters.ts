import { Builtin, Parameter } from '../automation';
import { FINGERPRINT_PATTERN, PUBLIC_KEY_PATTERN, RepairArgsPlaceholders } from '../repair/user-data';
import { KEY_PAIR_STEP } from './key-pair';

/**
 * Instance id pattern AWS's own runbooks use (e.g. AWS-RestartEC2Instance).
 * https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-restartec2instance.html
 */
export const INSTANCE_ID_PATTERN = '^[m]{0,1}i-[a-z0-9]{8,17}$';

/**
 * An instance id or an instance ARN. EventBridge targets often pass the ARN from the event's
 * `resources` list; the ARN format is `arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies
 */
export const INSTANCE_ID_OR_ARN_PATTERN = '^(arn:aws[a-z-]*:ec2:[a-z0-9-]+:\\d{12}:instance/)?[m]{0,1}i-[a-z0-9]{8,17}$';

/**
 * An IAM role ARN.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z0-9-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';

/**
 * Login user names the repair script accepts (the portable user-name set of useradd, lower
 * case), or empty to let the script detect the AMI's default user. Every character outside
 * `[a-z0-9._-]` — spaces, `;`, `/`, quotes, newlines inside the value — is refused by SSM before
 * any step runs, so the name can never carry shell syntax or a path.
 */
export const USER_NAME_PATTERN = '^$|^[a-z_][a-z0-9._-]{0,31}$';

/**
 * An S3 bucket name (general purpose bucket naming rules), or empty for no durable copy.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const BUCKET_NAME_PATTERN = '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** The instance to repair. */
export function instanceIdParameter(): Parameter<'String'> {
  return Parameter.string('InstanceId', {
    description: '(Required) The ID of the EC2 instance, e.g. i-0123456789abcdef0.',
    allowedPattern: INSTANCE_ID_PATTERN,
  });
}

/**
 * The role the execution assumes. Required: every runbook here starts with an aws:executeScript
 * step that calls AWS APIs, and such a script gets credentials only from the assume role; without
 * one it runs with no permissions and the step fails ("Using scripts in runbooks",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-document-script-considerations.html).
 * No default: a role name built from `{{ global:ACCOUNT_ID }}` would tie every deployment to one
 * fixed, account-wide IAM role name, and a wrong guess fails only once the execution runs.
 */
export function assumeRoleParameter(): Parameter<'String'> {
  return Parameter.string('AutomationAssumeRole', {
    description: '(Required) ARN of the role Automation assumes (the stack\'s AutomationAssumeRole output); scripts get credentials only from it.',
    allowedPattern: ROLE_ARN_PATTERN,
  });
}

/** The login user whose key sshd refuses. */
export function userNameParameter(): Parameter<'String'> {
  return Parameter.string('UserName', {
    description: '(Optional) The login user whose key is refused, e.g. ec2-user. Empty: the AMI\'s default user.',
    allowedPattern: USER_NAME_PATTERN,
    default: '',
  });
}

/** What the repair script does, in the script's own words (`--mode diagnose|fix`). */
export function scriptModeParameter(): Parameter<'String'> {
  return Parameter.string('Mode', {
    description: '(Optional) diagnose: report what blocks the key, change nothing. fix: repair the ownership and modes sshd refuses.',
    allowedValues: ['diagnose', 'fix'],
    default: 'diagnose',
  });
}

/** Whether to set AWS's strict modes instead of the minimal fix. */
export function strictParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('Strict', {
    description: '(Optional) true: also set home and ~/.ssh 0700, key files 0600. false: change only what sshd refuses.',
    default: false,
  });
}

/** Whether to give the user the whole home directory. */
export function recursiveParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('Recursive', {
    description: '(Optional) true: also give the user every entry of the home (never through symlinks).',
    default: false,
  });
}

/** The explicit consent to lose instance-store data when the instance is stopped. */
export function acknowledgeInstanceStoreParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('AcknowledgeInstanceStoreDataLoss', {
    description: '(Optional) true: stop even though the stop erases the instance-store volumes. false: refuse such instance types.',
    default: false,
  });
}

/** Where the offline repair keeps the original user data. */
export function backupBucketParameter(): Parameter<'String'> {
  return Parameter.string('BackupS3BucketName', {
    description: '(Optional) S3 bucket of this account that keeps the original user data (often secret); steps see its location and SHA-256.',
    allowedPattern: BUCKET_NAME_PATTERN,
    default: '',
  });
}

/**
 * Opt-in account repairs, the script's `--allow-system-user`, `--public-key`, `--create-user`,
 * `--unlock`, `--extend-expiry` and `--fingerprint` (src/repair/README.md). Every one is off or
 * empty by default, which leaves the repair as it was: diagnose, and fix ownership and modes.
 */
export interface AccountRepairParameters {
  readonly allowSystemUser: Parameter<'Boolean'>;
  readonly publicKey: Parameter<'String'>;
  readonly createUser: Parameter<'Boolean'>;
  readonly unlockUser: Parameter<'Boolean'>;
  readonly extendExpired: Parameter<'Boolean'>;
  readonly fingerprint: Parameter<'String'>;
}

/** Fresh instances of the opt-in account repair parameters. */
export function accountRepairParameters(): AccountRepairParameters {
  return {
    allowSystemUser: Parameter.boolean('AllowSystemUser', {
      description: '(Optional) true: also repair accounts below UID_MIN. System-directory homes are refused anyway.',
      default: false,
    }),
    publicKey: Parameter.string('PublicKey', {
      description: '(Optional) Public key "TYPE BLOB [COMMENT]" (ed25519, ecdsa, rsa 2048-4096) to append unless present. Undo: delete the line.',
      allowedPattern: `^$|${PUBLIC_KEY_PATTERN}`,
      default: '',
    }),
    createUser: Parameter.boolean('CreateUserIfMissing', {
      description: '(Optional) true: re-create a missing user (useradd) with PublicKey. Undo: userdel -r USER.',
      default: false,
    }),
    unlockUser: Parameter.boolean('UnlockUser', {
      description: '(Optional) true: remove a "!" lock sshd refuses (UsePAM no). Undo: usermod -L USER.',
      default: false,
    }),
    extendExpired: Parameter.boolean('ExtendExpiredAccount', {
      description: '(Optional) true: chage -E -1 an expired account. Undo: chage -E DAY USER.',
      default: false,
    }),
    fingerprint: Parameter.string('PublicKeyFingerprint', {
      description: '(Optional) SHA256 fingerprint of your key; the report names the users who authorize it.',
      allowedPattern: `^$|${FINGERPRINT_PATTERN}`,
      default: '',
    }),
  };
}

/** The explicit consent to keep the original user data in the execution record when no bucket is given. */
export function allowUserDataInRecordParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('AllowUserDataInExecutionRecord', {
    description: '(Optional) No bucket: true keeps the user data in step outputs, readable with ssm:GetAutomationExecution; false refuses.',
    default: false,
  });
}

/** The parameters both repair runbooks (online and offline) take, declared once. */
export interface RepairParameters extends AccountRepairParameters {
  readonly instanceId: Parameter<'String'>;
  readonly userName: Parameter<'String'>;
  readonly mode: Parameter<'String'>;
  readonly strict: Parameter<'Boolean'>;
  readonly recursive: Parameter<'Boolean'>;
  readonly role: Parameter<'String'>;
}

/** Fresh instances of the parameters both repair runbooks take. */
export function repairParameters(): RepairParameters {
  return {
    instanceId: instanceIdParameter(),
    userName: userNameParameter(),
    mode: scriptModeParameter(),
    strict: strictParameter(),
    recursive: recursiveParameter(),
    ...accountRepairParameters(),
    role: assumeRoleParameter(),
  };
}

/** The account repair parameters in document order (after Recursive). */
export function accountRepairParameterList(p: AccountRepairParameters): Parameter<'String' | 'Boolean'>[] {
  return [p.allowSystemUser, p.publicKey, p.createUser, p.unlockUser, p.extendExpired, p.fingerprint];
}

/** The parameters a runbook forwards to a child repair runbook, by name. */
export function accountRepairForwarding(p: AccountRepairParameters): Record<string, [Parameter<'String' | 'Boolean'>]> {
  return Object.fromEntries(accountRepairParameterList(p).map((param) => [param.name, [param]]));
}

/** References to the launch key pair's SHA256 fingerprint and (sanitized) name, read by a step. */
export interface KeyPairRefs {
  readonly fingerprint: { toString(): string };
  readonly name: { toString(): string };
}

/** The outputs of the ReadKeyPair step (key-pair.ts) both repair runbooks run before the repair. */
export const KEY_PAIR_REFS: KeyPairRefs = {
  fingerprint: `{{ ${KEY_PAIR_STEP}.Fingerprint }}`,
  name: `{{ ${KEY_PAIR_STEP}.KeyName }}`,
};

/**
 * The repair script's arguments as `{{ }}` placeholders Automation fills in at run time; the
 * request id is the execution id, so the script's report names the execution that asked for it.
 */
export function repairArgs(p: RepairParameters, keyPair: KeyPairRefs = KEY_PAIR_REFS): RepairArgsPlaceholders {
  return {
    user: p.userName.toString(),
    mode: p.mode.toString(),
    strict: p.strict.toString(),
    recursive: p.recursive.toString(),
    request: Builtin.EXECUTION_ID.toString(),
    system: p.allowSystemUser.toString(),
    create: p.createUser.toString(),
    unlock: p.unlockUser.toString(),
    extend: p.extendExpired.toString(),
    fingerprint: p.fingerprint.toString(),
    keyPair: keyPair.fingerprint.toString(),
    keyPairName: keyPair.name.toString(),
    publicKey: p.publicKey.toString(),
  };
}
