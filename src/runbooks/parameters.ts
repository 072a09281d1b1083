import { Builtin, Parameter } from '../automation';
import { RepairArgsPlaceholders } from '../repair/user-data';

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
 * An IAM role ARN, or empty to run with the caller's permissions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export const ROLE_ARN_PATTERN = '^$|^arn:aws[a-z0-9-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';

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

/** The role the execution assumes. */
export function assumeRoleParameter(): Parameter<'String'> {
  return Parameter.string('AutomationAssumeRole', {
    description: '(Optional) ARN of the IAM role Automation assumes to run this runbook. Empty: the permissions of the user who starts it.',
    allowedPattern: ROLE_ARN_PATTERN,
    default: '',
  });
}

/** The login user whose key sshd refuses. */
export function userNameParameter(): Parameter<'String'> {
  return Parameter.string('UserName', {
    description: '(Optional) The login user whose key is refused, e.g. ec2-user or ubuntu. Empty: detect the AMI\'s default user.',
    allowedPattern: USER_NAME_PATTERN,
    default: '',
  });
}

/** What the repair script does, in the script's own words (`--mode diagnose|fix`). */
export function scriptModeParameter(): Parameter<'String'> {
  return Parameter.string('Mode', {
    description: '(Optional) diagnose: report what blocks the key and change nothing on the instance. fix: repair ownership and modes that sshd refuses.',
    allowedValues: ['diagnose', 'fix'],
    default: 'diagnose',
  });
}

/** Whether to set AWS's strict modes instead of the minimal fix. */
export function strictParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('Strict', {
    description: '(Optional) true: also set home 0700, ~/.ssh 0700 and key files 0600. false: change only what sshd refuses (minimal fix).',
    default: false,
  });
}

/** Whether to give the user the whole home directory. */
export function recursiveParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('Recursive', {
    description: '(Optional) true: also give the user every entry of the home it does not own (never through symlinks).',
    default: false,
  });
}

/** The explicit consent to lose instance-store data when the instance is stopped. */
export function acknowledgeInstanceStoreParameter(): Parameter<'Boolean'> {
  return Parameter.boolean('AcknowledgeInstanceStoreDataLoss', {
    description: '(Optional) The offline repair stops the instance, which erases its instance-store volumes. true: proceed anyway. false: refuse when the instance type has instance-store volumes.',
    default: false,
  });
}

/** Where the offline repair keeps a durable copy of the original user data. */
export function backupBucketParameter(): Parameter<'String'> {
  return Parameter.string('BackupS3BucketName', {
    description: '(Optional) S3 bucket (in this account) that receives a durable copy of the original user data before anything changes. Empty: the copy is kept in the execution\'s outputs only.',
    allowedPattern: BUCKET_NAME_PATTERN,
    default: '',
  });
}

/** The parameters both repair runbooks (online and offline) take, declared once. */
export interface RepairParameters {
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
    role: assumeRoleParameter(),
  };
}

/**
 * The repair script's arguments as `{{ }}` placeholders Automation fills in at run time; the
 * request id is the execution id, so the script's report names the execution that asked for it.
 */
export function repairArgs(p: RepairParameters): RepairArgsPlaceholders {
  return {
    user: p.userName.toString(),
    mode: p.mode.toString(),
    strict: p.strict.toString(),
    recursive: p.recursive.toString(),
    request: Builtin.EXECUTION_ID.toString(),
  };
}
