/**
 * IAM permissions a step needs. Steps declare them so the automation role is derived from the
 * document instead of being written by hand (the aws-stepfunctions task model).
 */
export interface Permission {
  /** IAM actions, e.g. `ec2:StopInstances`. Never `*`. */
  readonly actions: readonly string[];
  /**
   * Resource ARNs in CloudFormation `Fn::Sub` syntax (`${AWS::Partition}`, `${AWS::Region}`,
   * `${AWS::AccountId}`), or `*` for actions that support no resource-level permissions.
   */
  readonly resources: readonly string[];
  /**
   * Marks actions that change an instance (stop, start, modify, tag), so a deployment can add a
   * condition restricting them to instances the operator chose (e.g. by tag).
   * @default false
   */
  readonly mutatesInstance?: boolean;
  /**
   * IAM condition block (`{ Operator: { key: value } }`), values in `Fn::Sub` syntax, e.g.
   * `{ StringEquals: { 'kms:ViaService': 'ec2.${AWS::Region}.amazonaws.com' } }`.
   * @default none
   */
  readonly conditions?: PermissionConditions;
}

/** An IAM policy condition block: operator → condition key → value(s). */
export type PermissionConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** ARN pattern for every EC2 instance in the deployment's account and region. */
export const INSTANCE_ARN = 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*';

/** The IAM service prefix for a boto3 service name, where the two differ. */
export function iamPrefix(service: string): string {
  // Service authorization reference: the prefixes below differ from the SDK client names.
  // https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
  const special: Record<string, string> = { 'elbv2': 'elasticloadbalancing', 'elb': 'elasticloadbalancing', 'logs': 'logs', 'stepfunctions': 'states' };
  return special[service] ?? service;
}

/** Merges permissions with identical resources, flags and conditions into one statement each, sorted for stable output. */
export function mergePermissions(perms: readonly Permission[]): Permission[] {
  const byKey = new Map<string, { actions: Set<string>; resources: readonly string[]; mutatesInstance: boolean; conditions?: PermissionConditions }>();
  for (const p of perms) {
    const resources = [...new Set(p.resources)].sort();
    const mutatesInstance = p.mutatesInstance === true;
    const key = JSON.stringify([resources, mutatesInstance, p.conditions ?? null]);
    const entry = byKey.get(key) ?? { actions: new Set<string>(), resources, mutatesInstance, ...(p.conditions ? { conditions: p.conditions } : {}) };
    for (const a of p.actions) entry.actions.add(a);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((e) => ({ actions: [...e.actions].sort(), resources: e.resources, mutatesInstance: e.mutatesInstance, ...(e.conditions ? { conditions: e.conditions } : {}) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
