import { Aws, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { derivedStatements, InstanceTagCondition } from './derived-policy';
import { RunbookCatalog } from './runbook-catalog';
import { deployedBackupResources, SshRescueBackupBucket } from './ssh-rescue-backup-bucket';

/** Properties of {@link SshRescueAutomationRole}. */
export interface SshRescueAutomationRoleProps {
  /** The runbooks the role runs; its policy is derived from their declared permissions. */
  readonly catalog: RunbookCatalog;
  /**
   * Restrict instance-changing actions (stop, start, modify attribute, tag) to instances carrying this
   * tag. Without it they are limited to instance ARNs of the account and Region only.
   * @default - no tag condition
   */
  readonly instanceTagCondition?: InstanceTagCondition;
  /**
   * Physical role name. A fixed name is needed when other accounts refer to the role by name
   * (TargetLocations use `AWS-SystemsManager-AutomationExecutionRole`).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * ARN of a role in a central account that may assume this role to run the runbooks here
   * (multi-account Automation: `AWS-SystemsManager-AutomationAdministrationRole`).
   * @default - only Automation in this account may assume the role
   */
  readonly administrationRoleArn?: string;
  /**
   * The user-data backup bucket: the steps' S3 object and S3-used KMS key permissions are granted on
   * this bucket's backup prefix and its key only.
   * @default - granted as declared (the backup prefix of any bucket of the account)
   */
  readonly backupBucket?: SshRescueBackupBucket;
}

/**
 * The role Automation assumes to run the runbooks. Its permissions are derived from the documents,
 * never written by hand; see {@link derivedStatements} for the rules applied.
 */
export class SshRescueAutomationRole extends Construct {
  readonly role: iam.Role;
  /** The role's ARN, to pass as the runbooks' `AutomationAssumeRole` parameter. */
  readonly roleArn: string;
  private readonly catalog: RunbookCatalog;

  constructor(scope: Construct, id: string, props: SshRescueAutomationRoleProps) {
    super(scope, id);
    this.catalog = props.catalog;
    // Confused-deputy protection for Automation: only executions in this account may assume the role.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html
    const automation = new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:automation-execution/*` },
      },
    });
    const assumedBy = props.administrationRoleArn === undefined
      ? automation
      : new iam.CompositePrincipal(automation, new iam.ArnPrincipal(props.administrationRoleArn));
    this.role = new iam.Role(this, 'Role', {
      assumedBy,
      roleName: props.roleName,
      description: `Runs the EC2 SSH rescue runbooks (${props.catalog.entries.map((e) => e.name).join(', ')})`.slice(0, 1000),
    });
    this.roleArn = this.role.roleArn;
    const policy = new iam.Policy(this, 'DerivedPolicy', { statements: derivedStatements(props.catalog, props.instanceTagCondition, props.backupBucket?.store) });
    if (props.catalog.startsChildAutomations) {
      // aws:executeAutomation passes this role to the child execution; only to itself, only to SSM.
      // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAutomation.html
      policy.addStatements(passRoleStatement(this.role.roleArn));
    }
    policy.attachToRole(this.role);
    acknowledgeDerivedWildcards(policy, props.catalog, props.backupBucket);
  }

  /** ARN pattern of a runbook's automation definition, any version. */
  automationDefinitionArn(deployedName: string): string {
    return Stack.of(this).formatArn({ service: 'ssm', resource: 'automation-definition', resourceName: `${deployedName}:*` });
  }

  /**
   * Lets a principal start the runbooks with this role (StartAutomationExecution + PassRole).
   * StartAutomationExecution is authorized on the runbook's document and on the new execution
   * (both required resource types) as well as on its automation-definition.
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
   */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const start = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartAutomationExecution'],
      resourceArns: [
        ...this.catalog.entries.filter((e) => e.documentType === 'Automation').flatMap((e) => [
          this.automationDefinitionArn(e.name),
          stack.formatArn({ service: 'ssm', resource: 'document', resourceName: e.name }),
        ]),
        stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }),
      ],
    });
    acknowledge(grantee, [
      ...this.catalog.entries.filter((e) => e.documentType === 'Automation').map((e) => `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/${e.name}:*`),
      'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*',
    ], 'Any version of exactly these runbooks: executions name a version ($DEFAULT, $LATEST or a number); execution ids are generated at start.');
    return start.combine(this.grantPassRole(grantee));
  }

  /** Lets a principal pass this role to Systems Manager (and to nothing else). */
  grantPassRole(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    });
  }

  /** Lets a principal follow and stop executions (the console's execution pages). */
  grantReadAndStopExecutions(grantee: iam.IGrantable): iam.Grant {
    // GetAutomationExecution and StopAutomationExecution act on automation-execution resources;
    // the Describe* list calls support no resource-level permissions.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
    const execution = Stack.of(this).formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' });
    acknowledge(grantee, ['arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*'],
      'Execution ids are generated at run time; the grant covers executions of this account and Region only.');
    acknowledge(grantee, ['*'], 'DescribeAutomationExecutions and DescribeAutomationStepExecutions support no resource-level permissions.');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
      resourceArns: [execution],
    }).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:DescribeAutomationExecutions', 'ssm:DescribeAutomationStepExecutions'],
      resourceArns: ['*'],
    }));
  }
}

/** iam:PassRole on one role, to Systems Manager only. */
export function passRoleStatement(roleArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
  });
}

/**
 * The derived policy's wildcards come from the runbooks' declarations, so each one is acknowledged for
 * cdk-nag by the exact finding it produces, never as a blanket suppression: "*" for calls without
 * resource-level permissions, ARN patterns for resources a runbook only knows at run time.
 */
function acknowledgeDerivedWildcards(policy: iam.Policy, catalog: RunbookCatalog, backup?: SshRescueBackupBucket): void {
  const patterns = new Map<string, Set<string>>();
  for (const { document, permission } of catalog.permissions()) {
    const granted = deployedBackupResources(permission, backup?.store);
    for (const [n, resource] of permission.resources.entries()) {
      if (granted[n] !== resource && backup !== undefined) {
        // Narrowed to the backup bucket: cdk-nag names it by the bucket's logical id.
        const id = Stack.of(backup).getLogicalId(backup.bucket.node.defaultChild as CfnElement);
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${id}.Arn>/ec2-ssh-rescue/*]`,
          reason: 'Backups are named per execution at run time; the grant covers the backup prefix of the deployment\'s own backup bucket only.',
        });
        continue;
      }
      if (!resource.includes('*')) continue;
      const users = patterns.get(resource) ?? new Set<string>();
      permission.actions.forEach((a) => users.add(`${a} (${document})`));
      patterns.set(resource, users);
    }
  }
  for (const [resource, users] of patterns) {
    const finding = resource.replace(/\$\{([^}]+)\}/g, '<$1>');
    const reason = resource === '*'
      ? `Declared by the runbooks for calls without resource-level permissions: ${[...users].join(', ')}`
      : `Declared by the runbooks for resources known only at run time (instance-changing actions carry the tag condition when one is set): ${[...users].join(', ')}`;
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason: reason.slice(0, 2000) });
  }
}

/**
 * Acknowledges, on the grantee, the cdk-nag findings a grant helper necessarily produces, each by its
 * exact resource, so the user's own stack passes the AwsSolutions checks without blanket suppressions.
 */
function acknowledge(grantee: iam.IGrantable, resources: readonly string[], reason: string): void {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal)) return;
  for (const resource of resources) Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}
