import { INSTANCE_ARN, Permission } from './permission';

/** Every Automation execution of the deployment's account and Region. */
export const AUTOMATION_EXECUTION_ARN = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*';

/**
 * Actions that support exactly one, required resource type whose ARN pattern for the deployment's
 * account and Region is known. A step that declares one of them on `*` (because the resource is
 * only known at run time) is granted it on that pattern instead: the Service Authorization
 * Reference lists the resource type, so `*` would only add resources of other accounts and Regions
 * the runbook never touches. `ec2-ssh-rescue permissions` checks against the reference data that no
 * other action on `*` could be narrowed the same way.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html (DescribeInstanceAttribute: instance*)
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html (GetAutomationExecution: automation-execution*)
 */
export const ACCOUNT_WIDE_RESOURCE: Readonly<Record<string, string>> = {
  'ec2:DescribeInstanceAttribute': INSTANCE_ARN,
  'ssm:GetAutomationExecution': AUTOMATION_EXECUTION_ARN,
  // Same reference page: DescribeAutomationStepExecutions, automation-execution*.
  'ssm:DescribeAutomationStepExecutions': AUTOMATION_EXECUTION_ARN,
};

/** The permission with `*` replaced by the account-wide pattern for actions listed in {@link ACCOUNT_WIDE_RESOURCE}. */
export function narrowPermission(p: Permission): Permission[] {
  if (!p.resources.includes('*')) return [p];
  const narrowed = p.actions.filter((a) => ACCOUNT_WIDE_RESOURCE[a] !== undefined);
  if (narrowed.length === 0) return [p];
  const rest = p.actions.filter((a) => ACCOUNT_WIDE_RESOURCE[a] === undefined);
  const out: Permission[] = narrowed.map((a) => ({ ...p, actions: [a], resources: p.resources.map((r) => (r === '*' ? ACCOUNT_WIDE_RESOURCE[a] : r)) }));
  if (rest.length > 0) out.push({ ...p, actions: rest });
  return out;
}
