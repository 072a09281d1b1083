import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SshRescueAutomationRole } from '../../src/cdk/ssh-rescue-automation-role';
import { CUSTOM_EVENT_SOURCE, SshRescueRemediation, SshRescueRemediationProps } from '../../src/cdk/ssh-rescue-remediation';
import { SshRescueRunbooks } from '../../src/cdk/ssh-rescue-runbooks';
import { SyslogTimestamp } from '../../src/cdk/sshd-log-pattern';
import { childDocuments, childFixture, nagFindings, newStack, orchestratorFixture } from './fixtures';

const SENDER = 'arn:aws:iam::111122223333:role/repair-requester';

function build(extra: Partial<SshRescueRemediationProps> = {}, withLogs = true) {
  const stack = newStack();
  const orchestrator = orchestratorFixture();
  const runbooks = new SshRescueRunbooks(stack, 'Runbooks', { documents: [...childDocuments(), orchestrator], prefix: 'p-' });
  const automationRole = new SshRescueAutomationRole(stack, 'AutomationRole', { catalog: runbooks.catalog });
  const remediation = new SshRescueRemediation(stack, 'Remediation', {
    runbooks, automationRole, orchestrator,
    sshdLogAlarm: withLogs ? { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', '/ec2/secure'), instanceIds: ['i-0123456789abcdef0', 'i-0fedcba9876543210'] } : undefined,
    customEventSenders: [SENDER],
    ...extra,
  });
  return { stack, remediation, template: Template.fromStack(stack) };
}

// GIVEN the defaults (Diagnose, no offline) with every trigger; synthesized once
const { stack, template } = build();
const roleArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^AutomationRole'), 'Arn'] };
const targetArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':automation-definition/p-Fixture-Repair:$DEFAULT']] };

/** The rendered InputTemplate with the role ARN token replaced, parsed back to JSON. */
function inputOf(pattern: object): { paths: Record<string, string>; input: Record<string, string[]> } {
  const rules = template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.objectLike(pattern) } });
  const [rule] = Object.values(rules) as { Properties: { Targets: { Arn: unknown; InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: unknown } }[] } }[];
  const target = rule.Properties.Targets[0];
  expect(target.Arn).toEqual(targetArn);
  const raw = target.InputTransformer.InputTemplate as { 'Fn::Join': [string, unknown[]] };
  const text = raw['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'ROLE_ARN')).join('');
  // Placeholders stand unquoted where a whole value goes: EventBridge inserts the value as JSON (a
  // string arrives quoted), so ["<x>"] below reads as the list of that one string.
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
  return { paths: target.InputTransformer.InputPathsMap, input: JSON.parse(text.replace(/\[<([A-Za-z0-9-]+)>\]/g, '["<$1>"]')) };
}

describe('SshRescueRemediation', () => {
  test('tag trigger: Tag Change on Resource for the key and value; the instance ARN from resources[0]', () => {
    const { paths, input } = inputOf({
      'source': ['aws.tag'],
      'detail-type': ['Tag Change on Resource'],
      'detail': { 'service': ['ec2'], 'resource-type': ['instance'], 'changed-tag-keys': ['ec2-ssh-rescue'], 'tags': { 'ec2-ssh-rescue': ['repair'] } },
    });
    expect(Object.values(paths)).toEqual(['$.resources[0]']);
    expect(input).toEqual({ InstanceId: [`<${Object.keys(paths)[0]}>`], Mode: ['Diagnose'], AutomationAssumeRole: ['ROLE_ARN'], AllowOffline: ['false'] });
  });

  test('custom events: only Diagnose requests match by default; id and mode from detail', () => {
    const { paths, input } = inputOf({ source: [CUSTOM_EVENT_SOURCE], detail: { instanceId: [{ prefix: 'i-' }, { prefix: 'arn:' }], mode: ['Diagnose'] } });
    expect(Object.values(paths).sort()).toEqual(['$.detail.instanceId', '$.detail.mode']);
    const key = (path: string) => `<${Object.entries(paths).find(([, p]) => p === path)?.[0]}>`;
    expect(input).toEqual({ InstanceId: [key('$.detail.instanceId')], Mode: [key('$.detail.mode')], AutomationAssumeRole: ['ROLE_ARN'], AllowOffline: ['false'] });
  });

  test('custom events arrive only on a dedicated bus that only the named senders may put events to', () => {
    // THEN the bus exists, named after the deployment's prefix
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'p-EC2SSHRescue-Requests' });
    const busRef = { Ref: Match.stringLikeRegexp('^RemediationRequestBus') };
    const busArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediationRequestBus'), 'Arn'] };
    // the custom rule is on it (the tag and alarm rules stay on the default bus, where AWS sends those events)
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: busRef, EventPattern: { source: [CUSTOM_EVENT_SOURCE] } });
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: Match.absent(), EventPattern: { source: ['aws.tag'] } });
    // and its resource policy allows the sender and denies every other principal
    template.hasResourceProperties('AWS::Events::EventBusPolicy', { StatementId: 'cdk-NamedSendersMayPutEvents', Statement: {
      Effect: 'Allow', Action: 'events:PutEvents', Principal: { AWS: SENDER }, Resource: busArn,
    } });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', { StatementId: 'cdk-NobodyElseMayPutEvents', Statement: {
      Effect: 'Deny', Action: 'events:PutEvents', Principal: { AWS: '*' }, Resource: busArn,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [SENDER] } },
    } });
  });

  test('without senders there is no custom trigger and no bus; senders must be IAM principals', () => {
    const { template: none } = build({ customEventSenders: undefined }, false);
    none.resourceCountIs('AWS::Events::EventBus', 0);
    expect(JSON.stringify(none.findResources('AWS::Events::Rule'))).not.toContain(`"source":["${CUSTOM_EVENT_SOURCE}"]`);
    expect(() => build({ customEventSenders: ['123456789012'] }, false)).toThrow(/customEventSenders must be IAM role or user ARNs .*not: 123456789012/);
  });

  test('log trigger: metric filter with the host as InstanceId, one alarm per instance, rule on ALARM', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: '/ec2/secure',
      FilterPattern: '[month, day, time, host, process = "sshd*", w1 = "Authentication", w2 = "refused:", w3 = "bad", w4 = "ownership", ...]',
      MetricTransformations: [{ MetricNamespace: 'EC2SSHRescue', MetricName: 'SshdRefusedBadOwnershipOrModes', MetricValue: '1', Dimensions: [{ Key: 'InstanceId', Value: '$host' }] }],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }], Statistic: 'Sum', Threshold: 1, TreatMissingData: 'notBreaching',
    });
    const { paths, input } = inputOf({ 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'detail': { state: { value: ['ALARM'] } } });
    expect(Object.values(paths)).toEqual(['$.detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId']);
    expect(input.Mode).toEqual(['Diagnose']);
  });

  test('events role: start only the orchestrator, pass only the automation role to SSM', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^RemediationEventsRole') }],
      PolicyDocument: { Statement: [
        { Action: 'ssm:StartAutomationExecution', Effect: 'Allow', Resource: { 'Fn::Join': ['', Match.arrayWith([':automation-definition/p-Fixture-Repair:*'])] } },
        { Action: 'iam:PassRole', Effect: 'Allow', Resource: roleArn, Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } } },
      ] },
    });
  });

  test('Fix and AllowOffline only when asked; Fix requests then match', () => {
    const fix = build({ mode: 'Fix', allowOffline: true, enableTagTrigger: false }, false).template;
    fix.resourceCountIs('AWS::Events::Rule', 1);
    fix.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: { mode: ['Diagnose', 'Fix'] } } });
    const target = (Object.values(fix.findResources('AWS::Events::Rule'))[0] as { Properties: { Targets: { InputTransformer: { InputTemplate: { 'Fn::Join': [string, string[]] } } }[] } }).Properties.Targets[0];
    expect(JSON.stringify(target.InputTransformer.InputTemplate)).toContain('\\"AllowOffline\\":[\\"true\\"]');
  });

  test('refuses settings the orchestrator or AWS would reject', () => {
    expect(() => build({ sshdLogAlarm: undefined, orchestrator: childFixture() })).toThrow(/has no Mode parameter/);
    const stack2 = newStack();
    expect(() => build({ sshdLogAlarm: { logGroup: logs.LogGroup.fromLogGroupName(stack2, 'L', 'x'), instanceIds: ['web-1'] } })).toThrow(/"web-1" is not an instance id/);
    expect(() => build({ sshdLogAlarm: { logGroup: logs.LogGroup.fromLogGroupName(stack2, 'L2', 'x'), instanceIds: [] } })).toThrow(/instanceIds is empty/);
  });

  test('RFC 3339 syslog lines: one timestamp field before the host', () => {
    const t = build({ sshdLogAlarm: undefined }, false);
    const s = newStack();
    const orchestrator = orchestratorFixture();
    const runbooks = new SshRescueRunbooks(s, 'R', { documents: [...childDocuments(), orchestrator] });
    const automationRole = new SshRescueAutomationRole(s, 'A', { catalog: runbooks.catalog });
    new SshRescueRemediation(s, 'Rem', { runbooks, automationRole, orchestrator, sshdLogAlarm: { logGroup: logs.LogGroup.fromLogGroupName(s, 'L', 'g'), instanceIds: ['i-0123456789abcdef0'], timestamp: SyslogTimestamp.RFC3339 } });
    Template.fromStack(s).hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('^\\[timestamp, host, process') });
    t.template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
