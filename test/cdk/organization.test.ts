import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ADMINISTRATION_ROLE_NAME, EXECUTION_ROLE_NAME, SshRescueOrganizationProps } from '../../src/cdk/ssh-rescue-organization';
import { OrganizationStack } from '../../src/cdk/stacks/organization-stack';
import { childDocuments, nagFindings, orchestratorFixture } from './fixtures';

const share = Array.from({ length: 25 }, (_, i) => String(100000000000 + i));
const base: SshRescueOrganizationProps = {
  documents: [...childDocuments(), orchestratorFixture()],
  organizationalUnitIds: ['ou-ab12-abcdefgh', 'ou-ab12-ijklmnop'],
  regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'],
  roleRegion: 'us-east-1',
  maxConcurrentPercentage: 50,
  failureTolerancePercentage: 5,
  instanceTagCondition: { key: 'rescue', value: 'allowed' },
  shareWithAccounts: share,
};

// GIVEN an organisation rollout to two OUs and four Regions, shared with 25 accounts; synthesized once
const stack = new OrganizationStack(new App(), 'Org', base);
const template = Template.fromStack(stack);
const { runbooks: runbookMember, executionRole: roleMember } = stack.organization.memberTemplates as { runbooks: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }; executionRole: { Parameters: Record<string, unknown>; Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } };

describe('SshRescueOrganization', () => {
  test('runbook StackSet: service-managed, OU targets, every Region, concurrency and tolerance', () => {
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'EC2SSHRescue-Runbooks',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      TemplateURL: Match.anyValue(),
      OperationPreferences: { MaxConcurrentPercentage: 50, FailureTolerancePercentage: 5, RegionConcurrencyType: 'PARALLEL' },
      StackInstancesGroup: [{ Regions: base.regions, DeploymentTargets: { OrganizationalUnitIds: base.organizationalUnitIds } }],
    });
  });

  test('execution role StackSet: one Region only (IAM is global), told the central account', () => {
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'EC2SSHRescue-ExecutionRole',
      StackInstancesGroup: [{ Regions: ['us-east-1'], DeploymentTargets: { OrganizationalUnitIds: base.organizationalUnitIds } }],
      Parameters: [{ ParameterKey: 'AdministrationAccountId', ParameterValue: { Ref: 'AWS::AccountId' } }],
    });
  });

  test('administration role: trusted by Automation here, assumes only the execution role, lists OU accounts', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: ADMINISTRATION_ROLE_NAME,
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ssm.amazonaws.com' }, Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) })] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('AdministrationRole') }],
      PolicyDocument: { Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${EXECUTION_ROLE_NAME}`]] } },
        { Action: 'organizations:ListAccountsForParent', Effect: 'Allow', Resource: '*' },
      ] },
    });
  });

  test('member execution role: fixed name, trusts the central role and local Automation, derived tagged policy', () => {
    expect(roleMember.Parameters.AdministrationAccountId).toEqual({ Type: 'String', AllowedPattern: '^\\d{12}$' });
    const roles = Object.values(roleMember.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.RoleName).toBe(EXECUTION_ROLE_NAME);
    const trust = JSON.stringify(roles[0].Properties.AssumeRolePolicyDocument);
    expect(trust).toContain(`:role/${ADMINISTRATION_ROLE_NAME}`);
    expect(trust).toContain('"Ref":"AdministrationAccountId"');
    expect(trust).toContain('"aws:SourceAccount"');
    const policies = JSON.stringify(Object.values(roleMember.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain('"aws:ResourceTag/rescue":"allowed"');
    expect(policies).toContain('tag:GetResources');
    expect(policies).not.toMatch(/"Action":"\*"|"[a-z0-9-]+:\*"/);
  });

  test('member runbooks: the same documents and promoter, no assets, no bootstrap rule', () => {
    const docs = Object.values(runbookMember.Resources).filter((r) => r.Type === 'AWS::SSM::Document');
    expect(docs.map((d) => d.Properties.Name).sort()).toEqual(['Fixture-Child', 'Fixture-Command', 'Fixture-Repair']);
    expect(Object.values(runbookMember.Resources).filter((r) => r.Type === 'Custom::SsmDocumentDefaultVersion')).toHaveLength(3);
    expect(JSON.stringify(runbookMember)).not.toMatch(/BootstrapVersion|cdk-hnb659fds-assets/);
  });

  test('sharing: ModifyDocumentPermission per document in batches of 20, unshared on delete', () => {
    const shares = template.findResources('Custom::AWS');
    expect(Object.keys(shares)).toHaveLength(6);
    const creates = Object.values(shares).map((r) => JSON.stringify((r as { Properties: { Create: unknown } }).Properties.Create));
    expect(creates.filter((c) => c.includes('Fixture-Repair')).map((c) => (c.match(/\d{12}/g) ?? []).length).sort()).toEqual([20, 5]);
    expect(JSON.stringify(shares)).toContain('AccountIdsToRemove');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ssm:ModifyDocumentPermission', Effect: 'Allow', Resource: { 'Fn::Join': ['', Match.arrayWith([':document/Fixture-Child'])] } }] },
    });
  });

  test('bad input is refused with every problem listed', () => {
    expect(() => new OrganizationStack(new App(), 'Bad', { ...base, organizationalUnitIds: ['root'], regions: ['mars-1', 'mars-1'], roleRegion: 'eu-central-1', accounts: ['12'], maxConcurrentPercentage: 0 }))
      .toThrow(/"root" is not an OU id[\s\S]*"mars-1" is not a Region[\s\S]*lists a Region twice[\s\S]*roleRegion eu-central-1[\s\S]*"12" is not a 12-digit[\s\S]*at least 1/);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings (member stacks are checked during synthesis)', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
