import { Parameter } from '../automation';

/**
 * Instance id pattern AWS's own runbooks use (e.g. AWS-RestartEC2Instance).
 * https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-restartec2instance.html
 */
export const INSTANCE_ID_PATTERN = '^[m]{0,1}i-[a-z0-9]{8,17}$';

/**
 * An IAM role ARN, or empty to run with the caller's permissions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export const ROLE_ARN_PATTERN = '^$|^arn:aws[a-z0-9-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';

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
