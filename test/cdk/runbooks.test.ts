import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { AutomationDocument, documentType, ExecuteAwsApi, ExecuteScript, iamPrefix, Rendered, SsmDocument } from '../../src/automation';
import { promoterSource } from '../../src/cdk/default-version-promoter';
import { MUTATING_INSTANCE_ACTIONS } from '../../src/cdk/derived-policy';
import { REPAIR_COMMAND_DOCUMENT } from '../../src/runbooks/repair-command';
import { RunbookCatalog } from '../../src/cdk/runbook-catalog';
import { SshRescueAutomationRole } from '../../src/cdk/ssh-rescue-automation-role';
import { SshRescueRunbooks } from '../../src/cdk/ssh-rescue-runbooks';
import { allDocuments } from '../../src/runbooks';
import { childDocuments, childFixture, FIXTURE_LOCK_KEY, nagFindings, newStack, orchestratorFixture } from './fixtures';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string>> };
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

// GIVEN the shipped runbooks plus an orchestrator/child pair, deployed with a prefix and a tag condition
const documents: SsmDocument[] = [...allDocuments(), ...childDocuments(), orchestratorFixture()];
const stack = newStack();
const runbooks = new SshRescueRunbooks(stack, 'Runbooks', { documents, prefix: 'test-' });
const role = new SshRescueAutomationRole(stack, 'AutomationRole', { catalog: runbooks.catalog, instanceTagCondition: { key: 'rescue', value: 'allowed' } });
const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
role.grantStartExecution(operator);
role.grantReadAndStopExecutions(operator);
// WHEN synthesized once for the whole file
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const derived = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('AutomationRoleDerivedPolicy'));
const derivedStatements = (derived?.[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;

describe('SshRescueRunbooks', () => {
  test('one document per runbook and per Command document, YAML, NewVersion, prefixed stable name', () => {
    template.resourceCountIs('AWS::SSM::Document', documents.length);
    template.hasResourceProperties('AWS::SSM::Document', { Name: `test-${REPAIR_COMMAND_DOCUMENT}`, DocumentType: 'Command' });
    for (const doc of documents) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: `test-${doc.name}`, DocumentType: documentType(doc), DocumentFormat: 'YAML', UpdateMethod: 'NewVersion',
      });
    }
  });

  test('content is the rendered document object; only child and Command document names are rewritten', () => {
    for (const doc of documents) {
      const [, resource] = Object.entries(template.findResources('AWS::SSM::Document', { Properties: { Name: `test-${doc.name}` } }))[0];
      const content = (resource as { Properties: { Content: { mainSteps: { action: string; inputs: Record<string, Rendered> }[] } } }).Properties.Content;
      const expected = doc.toObject() as typeof content;
      for (const step of expected.mainSteps) {
        if (step.action === 'aws:executeAutomation' || step.action === 'aws:runCommand') step.inputs.DocumentName = `test-${String(step.inputs.DocumentName)}`;
      }
      expect(content).toEqual(expected);
    }
    const orchestrator = runbooks.catalog.entries.find((e) => e.originalName === 'Fixture-Repair');
    expect(JSON.stringify(orchestrator?.content)).toContain('"DocumentName":"test-Fixture-Child"');
  });

  // `npm run synth` writes runbooks/*.yaml; each committed file must be exactly what is deployed.
  const shipped = new RunbookCatalog(allDocuments());
  test.each(shipped.entries.map((e) => [e.name, e.content] as const))('committed runbooks/%s.yaml parses to the deployed content', (name, content) => {
    const path = join(__dirname, '../../runbooks', `${name}.yaml`);
    expect(existsSync(path)).toBe(true);
    expect(parse(readFileSync(path, 'utf8'))).toEqual(content);
  });

  test('default version promoted on every content change, with least privilege', () => {
    template.resourceCountIs('Custom::SsmDocumentDefaultVersion', documents.length);
    for (const entry of runbooks.catalog.entries) {
      template.hasResourceProperties('Custom::SsmDocumentDefaultVersion', { DocumentName: entry.name, ContentHash: entry.contentHash });
    }
    template.hasResourceProperties('AWS::Lambda::Function', { Code: { ZipFile: promoterSource() }, Handler: 'index.handler' });
    const promoter = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('RunbooksDefaultVersionRole'));
    const statements = (promoter?.[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements[0].Action).toEqual(['ssm:DescribeDocument', 'ssm:UpdateDocumentDefaultVersion']);
    const arns = JSON.stringify(statements[0].Resource);
    for (const entry of runbooks.catalog.entries) expect(arns).toContain(`:document/${entry.name}"`);
    expect(asList(statements[0].Resource)).toHaveLength(documents.length);
  });

  test('the content hash follows the content', () => {
    const [, a, b] = new RunbookCatalog([...childDocuments(), orchestratorFixture()]).entries.map((e) => e.contentHash);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toEqual(b);
    expect(new RunbookCatalog(childDocuments()).entries[1].contentHash).toEqual(a);
  });

  test('bad names are refused before anything is built', () => {
    expect(() => new RunbookCatalog([orchestratorFixture('Missing-Child')])).toThrow(/runs the child runbook Missing-Child, which is not among the deployed documents/);
    const online = allDocuments().filter((d) => d.name !== REPAIR_COMMAND_DOCUMENT);
    expect(() => new RunbookCatalog(online)).toThrow(new RegExp(`runs the Command document ${REPAIR_COMMAND_DOCUMENT}, which is not among the deployed documents`));
    expect(() => new RunbookCatalog(childDocuments(), 'aws-')).toThrow(/reserves/);
    expect(() => new RunbookCatalog(childDocuments(), 'bad prefix')).toThrow(/prefix "bad prefix"/);
    expect(() => new RunbookCatalog([...childDocuments(), childFixture()])).toThrow(/given twice/);
    expect(() => new RunbookCatalog([])).toThrow(/no documents/);
    expect(() => new RunbookCatalog(childDocuments(), 'x'.repeat(120))).toThrow(/longer than 128/);
  });
});

describe('SshRescueAutomationRole', () => {
  test('trusted only by Automation executions of this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{
        Action: 'sts:AssumeRole',
        Principal: { Service: 'ssm.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:*:', { Ref: 'AWS::AccountId' }, ':automation-execution/*']] } },
        },
      }] },
    });
  });

  test('no wildcard actions', () => {
    const actions = derivedStatements.flatMap((s) => asList(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });

  test('instance-changing actions: instance ARNs only, and only with the tag', () => {
    const mutating = derivedStatements.filter((s) => asList(s.Action).some((a) => MUTATING_INSTANCE_ACTIONS.has(a)));
    expect(mutating.length).toBeGreaterThan(0);
    for (const s of mutating) {
      expect(asList(s.Action).every((a) => MUTATING_INSTANCE_ACTIONS.has(a))).toBe(true);
      expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/rescue': 'allowed' } });
      for (const r of asList(s.Resource)) expect(r).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*' });
    }
    // The lock tag is still allowed on tagged instances: CreateTags/DeleteTags are granted under the condition.
    expect(mutating.flatMap((s) => asList(s.Action))).toEqual(expect.arrayContaining(['ec2:CreateTags', 'ec2:DeleteTags']));
  });

  test.each([
    ['with instanceTag', { key: 'rescue', value: 'allowed' }],
    ['without instanceTag', undefined],
  ] as const)('ssm:SendCommand %s: only the project\'s Command document, on instances only under the tag', (_, tag) => {
    // GIVEN exactly the shipped documents, prefixed
    const s = newStack();
    const rb = new SshRescueRunbooks(s, 'R', { documents: allDocuments(), prefix: 'test-' });
    new SshRescueAutomationRole(s, 'Role', { catalog: rb.catalog, instanceTagCondition: tag });
    // WHEN synthesized
    const t = Template.fromStack(s);
    // THEN the document half names only the prefixed repair document, with no tag condition (a
    // document carries no instance tag), and the instance half is conditioned on the tag with ssm:resourceTag.
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([
      { Effect: 'Allow', Action: 'ssm:SendCommand', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/test-${REPAIR_COMMAND_DOCUMENT}` } },
      {
        Effect: 'Allow', Action: 'ssm:SendCommand', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*' },
        ...(tag === undefined ? {} : { Condition: { StringEquals: { 'ssm:resourceTag/rescue': 'allowed' } } }),
      },
    ]) } });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
    const send = statements.filter((st) => asList(st.Action).includes('ssm:SendCommand'));
    expect(send).toHaveLength(2);
    expect(send.filter((st) => st.Condition !== undefined)).toHaveLength(tag === undefined ? 0 : 1);
    // No AWS-owned document at all, so in particular no AWS-RunShellScript.
    expect(JSON.stringify(send)).not.toMatch(/document\/AWS-/);
  });

  test('PassRole only to itself and only to SSM', () => {
    const pass = derivedStatements.filter((s) => asList(s.Action).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AutomationRole/), 'Arn'] });
    expect(pass[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
  });

  test('the policy covers every call the runbooks make, and nothing more', () => {
    const expected = new Set(runbooks.catalog.entries.filter((e) => e.documentType === 'Automation')
      .flatMap((e) => expectedActions(e.content, documents.find((d) => d.name === e.originalName) as AutomationDocument)));
    const granted = new Set(derivedStatements.flatMap((s) => asList(s.Action)));
    expect([...granted].sort()).toEqual([...expected].sort());
  });

  test('grant helpers: start only these runbooks, pass only this role to SSM', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }],
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Action: 'ssm:StartAutomationExecution', Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':automation-definition/test-Fixture-Repair:*'])] })]) }),
        Match.objectLike({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } } }),
        Match.objectLike({ Action: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'] }),
      ]) },
    });
  });

  test('refuses a tag condition on the key the runbooks lock with', () => {
    const s = newStack();
    const rb = new SshRescueRunbooks(s, 'R', { documents: childDocuments() });
    expect(() => new SshRescueAutomationRole(s, 'Role', { catalog: rb.catalog, instanceTagCondition: { key: FIXTURE_LOCK_KEY, value: 'x' } }))
      .toThrow(/creates or deletes tag fixture:lock itself/);
    expect(() => new SshRescueAutomationRole(s, 'Role2', { catalog: rb.catalog, instanceTagCondition: { key: 'aws:x', value: 'x' } }))
      .toThrow(/not a valid EC2 tag key/);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

/**
 * IAM actions each step needs, read from the rendered step (what AWS receives), per the action
 * references: executeAwsApi/wait/assert call Service:Api; changeInstanceState describes and (unless
 * CheckStateOnly) starts/stops/terminates; runCommand sends and polls; executeAutomation starts and
 * polls the child and passes the role; executeScript calls only what its author declares.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 */
function expectedActions(content: { [key: string]: Rendered }, doc: AutomationDocument): string[] {
  const out: string[] = [];
  const steps = content.mainSteps as { name: string; action: string; inputs: Record<string, Rendered> }[];
  for (const step of steps) {
    const i = step.inputs;
    switch (step.action) {
      case 'aws:executeAwsApi': case 'aws:waitForAwsResourceProperty': case 'aws:assertAwsResourceProperty':
        out.push(`${iamPrefix(String(i.Service))}:${String(i.Api)}`);
        break;
      case 'aws:changeInstanceState':
        out.push('ec2:DescribeInstances', 'ec2:DescribeInstanceStatus');
        if (i.CheckStateOnly !== true) out.push(`ec2:${{ running: 'StartInstances', stopped: 'StopInstances', terminated: 'TerminateInstances' }[String(i.DesiredState)]}`);
        break;
      case 'aws:runCommand':
        out.push('ssm:SendCommand', 'ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation');
        break;
      case 'aws:executeAutomation':
        out.push('ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'iam:PassRole');
        break;
      case 'aws:executeScript':
        out.push(...(doc.steps.find((s) => s.name === step.name)?.permissions() ?? []).flatMap((p) => p.actions));
        break;
      case 'aws:branch': case 'aws:sleep':
        break;
      default:
        throw new Error(`no expectation for ${step.action} (step ${step.name}) — add one`);
    }
  }
  return out;
}

describe('derived policy refusals', () => {
  const withStep = (step: ExecuteAwsApi | ExecuteScript): AutomationDocument => new AutomationDocument({
    name: 'Fixture-Bad', description: 'bad', parameters: [], steps: [step],
  });

  test('a wildcard action declared by a script is refused', () => {
    const s = newStack();
    const script = new ExecuteScript('S', { handler: 'handler', script: 'def handler(events, context):\n  return {}\n', permissions: [{ actions: ['ec2:*'], resources: ['*'] }] });
    const rb = new SshRescueRunbooks(s, 'R', { documents: [withStep(script)] });
    expect(() => new SshRescueAutomationRole(s, 'Role', { catalog: rb.catalog })).toThrow(/action "ec2:\*" — actions must be exact/);
  });

  test('ssm:SendCommand on AWS-RunShellScript is refused', () => {
    const s = newStack();
    const send = new ExecuteAwsApi('Send', {
      service: 'ssm', api: 'SendCommand', params: { DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-0123456789abcdef0'] },
      resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-RunShellScript'],
    });
    const rb = new SshRescueRunbooks(s, 'R', { documents: [withStep(send)] });
    expect(() => new SshRescueAutomationRole(s, 'Role', { catalog: rb.catalog })).toThrow(/ssm:SendCommand on AWS-RunShellScript, which runs any command as root/);
  });

  test('an instance-changing call on every resource is refused, even unflagged', () => {
    const s = newStack();
    const modify = new ExecuteAwsApi('M', { service: 'ec2', api: 'ModifyInstanceAttribute', params: { InstanceId: 'i-0123456789abcdef0' } });
    const rb = new SshRescueRunbooks(s, 'R', { documents: [withStep(modify)] });
    expect(() => new SshRescueAutomationRole(s, 'Role', { catalog: rb.catalog })).toThrow(/declares ec2:ModifyInstanceAttribute on every resource/);
  });
});
