import { Aws, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as cfn from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SsmDocument } from '../automation';
import { InstanceTagCondition } from './derived-policy';
import { synthMemberTemplate } from './member-template';
import { SshRescueAutomationRole } from './ssh-rescue-automation-role';
import { SshRescueRunbooks } from './ssh-rescue-runbooks';

/**
 * Role names AWS's multi-account Automation uses: the central account's role assumes the execution
 * role of the same name in every target account (TargetLocation.ExecutionRoleName default).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-multiple-accounts-regions.html
 */
export const ADMINISTRATION_ROLE_NAME = 'AWS-SystemsManager-AutomationAdministrationRole';
export const EXECUTION_ROLE_NAME = 'AWS-SystemsManager-AutomationExecutionRole';

/** Properties of {@link SshRescueOrganization}. */
export interface SshRescueOrganizationProps {
  /** The runbooks to roll out. */
  readonly documents: readonly SsmDocument[];
  /** @default '' */
  readonly prefix?: string;
  /** Organizational units whose accounts get the runbooks and the execution role (ou-xxxx-yyyyyyyy or r-xxxx). */
  readonly organizationalUnitIds: readonly string[];
  /** Regions to deploy the runbooks to. */
  readonly regions: readonly string[];
  /**
   * Only these accounts of the OUs (StackSets AccountFilterType INTERSECTION).
   * @default - every account in the OUs
   */
  readonly accounts?: readonly string[];
  /**
   * The one Region the (global) execution role is deployed from; IAM names are account-wide, so
   * deploying the role in every Region would collide.
   * @default - the first of `regions`
   */
  readonly roleRegion?: string;
  /** Percentage of accounts deployed at once, per Region. @default 25 */
  readonly maxConcurrentPercentage?: number;
  /** Percentage of accounts that may fail, per Region, before the operation stops. @default 10 */
  readonly failureTolerancePercentage?: number;
  /** @default 'PARALLEL' */
  readonly regionConcurrency?: 'PARALLEL' | 'SEQUENTIAL';
  /**
   * Deploying from a delegated administrator account instead of the management account.
   * @default 'SELF'
   */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** @default - no tag condition; see SshRescueAutomationRoleProps */
  readonly instanceTagCondition?: InstanceTagCondition;
  /**
   * Also share this account's copies of the documents with these accounts (ssm:ModifyDocumentPermission).
   * @default - not shared; every member account gets its own copy from the StackSet
   */
  readonly shareWithAccounts?: readonly string[];
}

const OU = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** ModifyDocumentPermission takes at most 20 account ids per call (AccountIdsToAdd). */
const SHARE_BATCH = 20;

/**
 * Rolls the runbooks out to an AWS Organization from a central account.
 *
 * Why StackSets (service-managed) rather than CDK Pipelines stages: StackSets target OUs, so accounts
 * that join an OU later get the runbooks automatically (auto-deployment), synthesis does not grow with
 * the number of accounts, and member accounts need no CDK bootstrap. Pipelines would need one stage per
 * account and Region and a bootstrapped, trusted environment in each.
 *
 * The central account gets the runbooks, its own automation role and
 * `AWS-SystemsManager-AutomationAdministrationRole`; every member account gets the runbooks in each
 * Region and `AWS-SystemsManager-AutomationExecutionRole` (derived permissions, trusting the central
 * administration role), so StartAutomationExecution with TargetLocations works from the central account.
 */
export class SshRescueOrganization extends Construct {
  readonly runbooks: SshRescueRunbooks;
  readonly automationRole: SshRescueAutomationRole;
  readonly administrationRole: iam.Role;
  readonly runbookStackSet: cfn.CfnStackSet;
  readonly roleStackSet: cfn.CfnStackSet;
  /** The synthesized member templates the StackSets deploy, for inspection. */
  readonly memberTemplates: { readonly runbooks: unknown; readonly executionRole: unknown };

  constructor(scope: Construct, id: string, props: SshRescueOrganizationProps) {
    super(scope, id);
    checkProps(props);
    const prefix = props.prefix ?? '';
    this.runbooks = new SshRescueRunbooks(this, 'Runbooks', { documents: props.documents, prefix });
    this.automationRole = new SshRescueAutomationRole(this, 'AutomationRole', {
      catalog: this.runbooks.catalog,
      instanceTagCondition: props.instanceTagCondition,
    });

    // AWS's template for the administration role: trusted by Automation, may assume the execution role
    // in any account and list the accounts of an OU.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-multiple-accounts-regions.html
    this.administrationRole = new iam.Role(this, 'AdministrationRole', {
      roleName: ADMINISTRATION_ROLE_NAME,
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:automation-execution/*` },
        },
      }),
      description: 'Central role for running the EC2 SSH rescue runbooks in member accounts (TargetLocations)',
    });
    this.administrationRole.addToPolicy(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: [`arn:${Aws.PARTITION}:iam::*:role/${EXECUTION_ROLE_NAME}`],
    }));
    this.administrationRole.addToPolicy(new iam.PolicyStatement({ actions: ['organizations:ListAccountsForParent'], resources: ['*'] }));
    Validations.of(this.administrationRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/AWS-SystemsManager-AutomationExecutionRole]',
      reason: 'AWS\'s multi-account Automation design: the central role assumes the execution role of this fixed name in whichever member account a TargetLocation names.',
    });
    Validations.of(this.administrationRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'organizations:ListAccountsForParent supports no resource-level permissions; Automation needs it to expand OU targets.',
    });

    const runbookTemplate = synthMemberTemplate('EC2SSHRescueMemberRunbooks', (stack) => {
      new SshRescueRunbooks(stack, 'Runbooks', { documents: props.documents, prefix });
    });
    const roleTemplate = synthMemberTemplate('EC2SSHRescueMemberExecutionRole', (stack) => {
      const central = new CfnParameter(stack, 'AdministrationAccountId', { type: 'String', allowedPattern: '^\\d{12}$' });
      const member = new SshRescueAutomationRole(stack, 'ExecutionRole', {
        catalog: this.runbooks.catalog,
        roleName: EXECUTION_ROLE_NAME,
        instanceTagCondition: props.instanceTagCondition,
        administrationRoleArn: `arn:${Aws.PARTITION}:iam::${central.valueAsString}:role/${ADMINISTRATION_ROLE_NAME}`,
      });
      // Automation resolves TargetLocations targets (tags, resource groups) with the execution role,
      // as in AWS's execution role template.
      member.role.addToPolicy(new iam.PolicyStatement({
        actions: ['tag:GetResources', 'resource-groups:ListGroupResources'],
        resources: ['*'],
      }));
      Validations.of(member.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'tag:GetResources supports no resource-level permissions; Automation uses it (and ListGroupResources) to resolve TargetLocations targets.',
      });
    });
    this.memberTemplates = { runbooks: runbookTemplate.template, executionRole: roleTemplate.template };
    this.runbookStackSet = this.stackSet('RunbookStackSet', 'EC2SSHRescue-Runbooks', runbookTemplate.file, props, props.regions, []);
    this.roleStackSet = this.stackSet('ExecutionRoleStackSet', 'EC2SSHRescue-ExecutionRole', roleTemplate.file, props,
      [props.roleRegion ?? props.regions[0]], [{ parameterKey: 'AdministrationAccountId', parameterValue: Aws.ACCOUNT_ID }]);

    if (props.shareWithAccounts !== undefined && props.shareWithAccounts.length > 0) this.share(props.shareWithAccounts);
  }

  private stackSet(id: string, name: string, templateFile: string, props: SshRescueOrganizationProps, regions: readonly string[], parameters: cfn.CfnStackSet.ParameterProperty[]): cfn.CfnStackSet {
    // A template with full runbooks exceeds TemplateBody's 51,200 bytes; TemplateURL takes up to 1 MB.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stackset.html
    const template = new s3assets.Asset(this, `${id}Template`, { path: templateFile });
    return new cfn.CfnStackSet(this, id, {
      stackSetName: `${props.prefix ?? ''}${name}`,
      description: 'EC2 SSH rescue runbooks (ec2-ssh-rescue)',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { Active: true },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      templateUrl: template.httpUrl,
      parameters: parameters.length > 0 ? parameters : undefined,
      operationPreferences: {
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 10,
        regionConcurrencyType: props.regionConcurrency ?? 'PARALLEL',
      },
      stackInstancesGroup: [{
        regions: [...regions],
        deploymentTargets: {
          organizationalUnitIds: [...props.organizationalUnitIds],
          accounts: props.accounts !== undefined ? [...props.accounts] : undefined,
          accountFilterType: props.accounts !== undefined ? 'INTERSECTION' : undefined,
        },
      }],
    });
  }

  /** Shares every document with the accounts, 20 per call, and unshares them on delete. */
  private share(accounts: readonly string[]): void {
    const stack = Stack.of(this);
    const batches: string[][] = [];
    for (let i = 0; i < accounts.length; i += SHARE_BATCH) batches.push(accounts.slice(i, i + SHARE_BATCH));
    for (const entry of this.runbooks.catalog.entries) {
      const document = this.runbooks.documents.get(entry.originalName);
      batches.forEach((batch, n) => {
        const call = (add: boolean): cr.AwsSdkCall => ({
          service: 'SSM',
          action: 'modifyDocumentPermission',
          parameters: { Name: entry.name, PermissionType: 'Share', [add ? 'AccountIdsToAdd' : 'AccountIdsToRemove']: batch },
          physicalResourceId: cr.PhysicalResourceId.of(`${entry.name}-share-${n}`),
        });
        const share = new cr.AwsCustomResource(this, `Share${entry.originalName.replace(/[^A-Za-z0-9]/g, '')}${n}`, {
          onCreate: call(true),
          onUpdate: call(true),
          onDelete: call(false),
          policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
            actions: ['ssm:ModifyDocumentPermission'],
            resources: [stack.formatArn({ service: 'ssm', resource: 'document', resourceName: entry.name })],
          })]),
          installLatestAwsSdk: false,
        });
        if (document !== undefined) share.node.addDependency(document);
      });
    }
    const provider = stack.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (provider !== undefined) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AwsCustomResource provider function of aws-cdk-lib only writes its own logs with this policy.',
      });
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The AwsCustomResource provider runtime is chosen and kept current by aws-cdk-lib.',
      });
    }
  }
}

function checkProps(props: SshRescueOrganizationProps): void {
  const problems: string[] = [];
  if (props.organizationalUnitIds.length === 0) problems.push('organizationalUnitIds is empty — name at least one OU (or the root r-xxxx)');
  for (const ou of props.organizationalUnitIds) if (!OU.test(ou)) problems.push(`"${ou}" is not an OU id (ou-xxxx-yyyyyyyy) or root id (r-xxxx)`);
  if (props.regions.length === 0) problems.push('regions is empty — name at least one Region');
  for (const r of props.regions) if (!REGION.test(r)) problems.push(`"${r}" is not a Region name such as eu-west-1`);
  if (new Set(props.regions).size !== props.regions.length) problems.push('regions lists a Region twice');
  if (props.roleRegion !== undefined && !props.regions.includes(props.roleRegion)) problems.push(`roleRegion ${props.roleRegion} is not among regions`);
  for (const a of [...(props.accounts ?? []), ...(props.shareWithAccounts ?? [])]) if (!ACCOUNT.test(a)) problems.push(`"${a}" is not a 12-digit account id`);
  for (const [name, value] of [['maxConcurrentPercentage', props.maxConcurrentPercentage], ['failureTolerancePercentage', props.failureTolerancePercentage]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 100)) problems.push(`${name} must be an integer from 0 to 100`);
  }
  if (props.maxConcurrentPercentage === 0) problems.push('maxConcurrentPercentage must be at least 1');
  if (problems.length > 0) throw new Error(`SshRescueOrganization:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
