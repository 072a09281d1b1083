import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AutomationDocument, ExecuteAutomation, ExecuteScript, INSTANCE_ARN, Parameter, Permission } from '../../src/automation';
import { policyReport } from '../../src/automation/policy-report';
import { allDocuments } from '../../src/runbooks';
import { REPAIR_COMMAND_DOCUMENT } from '../../src/runbooks/repair-command';

const script = (name: string, permissions: Permission[]): ExecuteScript =>
  new ExecuteScript(name, { description: `${name} needs this`, handler: 'handler', script: 'def handler(events, context):\n  return {}\n', permissions });
const docWith = (...steps: (ExecuteScript | ExecuteAutomation)[]): AutomationDocument => new AutomationDocument({
  name: 'Fixture-Report', description: 'fixture', parameters: [Parameter.string('X', { description: 'x', allowedPattern: '^x$', default: 'x' })], steps,
});

describe('policy report', () => {
  test('the shipped runbooks: every action explained, nothing on * that the service lets a policy narrow', async () => {
    // GIVEN the shipped documents and a deployment tag WHEN the report is built
    const report = await policyReport(allDocuments(), { instanceTag: { key: 'rescue', value: 'allowed' } });
    // THEN there are no findings, every row names its step and why
    expect(report.findings).toEqual([]);
    expect(report.referenceVersion).toMatch(/^\d+\.\d+\.\d{9}$/);
    for (const row of report.rows) expect(row.why.length).toBeGreaterThan(10);
    const send = report.rows.filter((r) => r.action === 'ssm:SendCommand');
    expect(send.map((r) => r.resources[0])).toEqual([
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${REPAIR_COMMAND_DOCUMENT}`,
      INSTANCE_ARN,
    ]);
    expect(send[1].conditions).toEqual({ StringEquals: { 'ssm:resourceTag/rescue': 'allowed' } });
    expect(send[0].conditions).toEqual({});
    // The offline runbook's instance-changing EC2 calls carry aws:ResourceTag.
    expect(report.rows.find((r) => r.action === 'ec2:StopInstances')?.conditions).toEqual({ StringEquals: { 'aws:ResourceTag/rescue': 'allowed' } });
  });

  test('an action on * that the service authorizes on a resource type is a finding; a listed one is narrowed', async () => {
    const report = await policyReport([docWith(script('Stop', [
      { actions: ['ec2:StopInstances'], resources: ['*'] },
      { actions: ['ec2:DescribeInstanceAttribute', 'ec2:DescribeInstances'], resources: ['*'] },
    ]))]);
    expect(report.findings.map((f) => `${f.step} ${f.action}: ${f.message.split(' — ')[0]}`)).toEqual([
      'Stop ec2:StopInstances: ec2:StopInstances is granted on * but the service authorizes it on resource type(s) instance (required)',
    ]);
    expect(report.rows.find((r) => r.action === 'ec2:DescribeInstanceAttribute')?.resources).toEqual([INSTANCE_ARN]);
    expect(report.rows.find((r) => r.action === 'ec2:DescribeInstances')?.resources).toEqual(['*']);
  });

  test('an unknown action and a grant missing a required resource type are findings', async () => {
    const report = await policyReport([docWith(script('Typo', [
      { actions: ['ec2:StopInstance'], resources: [INSTANCE_ARN] },
      { actions: ['ssm:StartAutomationExecution'], resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-definition/X:*'] },
    ]))]);
    expect(report.findings.map((f) => f.message.split(' — ')[0])).toEqual([
      'ec2:StopInstance is not an IAM action in the Service Authorization Reference',
      expect.stringMatching(/^ssm:StartAutomationExecution needs every required resource type named, but no granted ARN is a automation-execution .* or document /),
    ]);
  });

  test('`ec2-ssh-rescue permissions` prints every runbook and exits 0', () => {
    const res = spawnSync('npx', ['tsx', join(__dirname, '../../src/cli.ts'), 'permissions', '--instance-tag', 'rescue=allowed'], { encoding: 'utf8', cwd: join(__dirname, '../..') });
    expect(res.status).toBe(0);
    for (const d of allDocuments().filter((x) => x instanceof AutomationDocument)) expect(res.stdout.split('\n')).toContain(d.name);
    expect(res.stdout).toMatch(/: 0 finding\(s\)\.\n$/);
    expect(res.stdout).toContain('"ssm:resourceTag/rescue":"allowed"');
  }, 60_000);
});
