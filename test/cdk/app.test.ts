import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../src/cdk/app';
import { allDocuments, allRunbooks } from '../../src/runbooks';

const names = (app: App) => app.node.children.filter((c) => Stack.isStack(c)).map((c) => c.node.id).sort();

describe('CDK app', () => {
  // GIVEN no context at all (a fresh clone, no credentials); WHEN the app is built and synthesized
  const app = buildApp(new App());
  const assembly = app.synth();

  test('synthesizes env-agnostic console and EventBridge stacks offline, cdk-nag included', () => {
    const stacks = assembly.stacks.map((s) => s.stackName).sort();
    const hasOrchestrator = allRunbooks().some((r) => r.document.name === 'EC2SSHRescue-Repair');
    expect(stacks).toEqual(hasOrchestrator ? ['EC2SSHRescue-Remediation', 'EC2SSHRescue-Runbooks'] : ['EC2SSHRescue-Runbooks']);
    for (const s of assembly.stacks) expect(s.environment.account).toBe('unknown-account');
  });

  test('every shipped runbook and Command document is deployed, and the remediation starts the orchestrator', () => {
    const runbooks = assembly.getStackByName('EC2SSHRescue-Runbooks').template as { Resources: Record<string, { Type: string; Properties: { Name?: string } }> };
    const deployed = Object.values(runbooks.Resources).filter((r) => r.Type === 'AWS::SSM::Document').map((r) => r.Properties.Name).sort();
    expect(deployed).toEqual(allDocuments().map((d) => d.name).sort());
    if (assembly.stacks.some((s) => s.stackName === 'EC2SSHRescue-Remediation')) {
      const rules = JSON.stringify(assembly.getStackByName('EC2SSHRescue-Remediation').template);
      expect(rules).toContain(':automation-definition/EC2SSHRescue-Repair:$DEFAULT');
    }
  });

  test('context selects prefix, environment, Fix mode, log trigger and the organisation stack', () => {
    const configured = buildApp(new App({ context: {
      'ec2-ssh-rescue:prefix': 'ops-',
      'ec2-ssh-rescue:account': '123456789012',
      'ec2-ssh-rescue:region': 'eu-west-1',
      'ec2-ssh-rescue:mode': 'Fix',
      'ec2-ssh-rescue:tagTrigger': 'off',
      'ec2-ssh-rescue:sshdLogGroup': '/ec2/secure',
      'ec2-ssh-rescue:sshdInstanceIds': 'i-0123456789abcdef0,i-0123456789abcdef1',
      'ec2-ssh-rescue:organizationalUnitIds': ['ou-ab12-abcdefgh'],
      'ec2-ssh-rescue:regions': 'eu-west-1,us-east-1',
      'ec2-ssh-rescue:eventSenders': 'arn:aws:iam::123456789012:role/ops-tooling',
    } }));
    expect(names(configured)).toEqual(['EC2SSHRescue-Organization', 'EC2SSHRescue-Remediation', 'EC2SSHRescue-Runbooks']);
    const remediation = configured.node.findChild('EC2SSHRescue-Remediation') as Stack;
    expect(remediation.account).toBe('123456789012');
    const t = Template.fromStack(remediation);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::Events::Rule', 2);
    t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: { mode: ['Diagnose', 'Fix'] } } });
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'ops-EC2SSHRescue-Requests' });
  });

  test('bad context is refused with the key named', () => {
    expect(() => buildApp(new App({ context: { 'ec2-ssh-rescue:mod': 'Fix' } }))).toThrow(/Unknown context key ec2-ssh-rescue:mod/);
    expect(() => buildApp(new App({ context: { 'ec2-ssh-rescue:mode': 'Repair' } }))).toThrow(/ec2-ssh-rescue:mode must be one of Diagnose, Fix/);
    expect(() => buildApp(new App({ context: { 'ec2-ssh-rescue:instanceTag': 'novalue' } }))).toThrow(/must be key=value/);
    expect(() => buildApp(new App({ context: { 'ec2-ssh-rescue:sshdLogGroup': '/x' } }))).toThrow(/sshdLogGroupName and sshdInstanceIds go together/);
  });
});
