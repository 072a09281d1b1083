import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AutomationDocument, Branch, CommandDocument, Condition, ExecuteAutomation, ExecuteAwsApi, INSTANCE_ARN, Parameter, RunCommand,
} from '../../src/automation';

/** Lock tag key the fixture child sets and removes, as the real runbooks do with theirs. */
export const FIXTURE_LOCK_KEY = 'fixture:lock';

const ID_OR_ARN = '^(arn:aws[a-z-]*:ec2:[a-z0-9-]+:\\d{12}:instance/)?i-[a-z0-9]{8,17}$';
const ROLE = '^$|^arn:aws[a-z0-9-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';

/** A Command document with one pattern-checked parameter, as the child runs it. */
export function commandFixture(): CommandDocument {
  const word = Parameter.string('Word', { description: 'word', allowedPattern: '^[a-z]{1,16}$' });
  return new CommandDocument({
    name: 'Fixture-Command', description: 'fixture command', parameters: [word],
    steps: [{ name: 'Say', script: "cat <<'EOF'\n{{ Word }}\nEOF\n", timeoutSeconds: 60 }],
  });
}

/** The child runbook with the Command document it runs (a deployable set). */
export function childDocuments(): [CommandDocument, AutomationDocument] {
  return [commandFixture(), childFixture()];
}

/** A child runbook that tags (locks) the instance, runs the fixture Command document and untags it. */
export function childFixture(): AutomationDocument {
  const instance = Parameter.string('InstanceId', { description: 'instance', allowedPattern: ID_OR_ARN });
  const role = Parameter.string('AutomationAssumeRole', { description: 'role', allowedPattern: ROLE, default: '' });
  return new AutomationDocument({
    name: 'Fixture-Child',
    description: 'fixture child',
    assumeRole: role,
    parameters: [instance, role],
    steps: [
      new ExecuteAwsApi('Lock', {
        service: 'ec2', api: 'CreateTags', params: { Resources: [instance.ref], Tags: [{ Key: FIXTURE_LOCK_KEY, Value: 'x' }] },
        resources: [INSTANCE_ARN], mutatesInstance: true,
      }),
      new RunCommand('Repair', { documentName: 'Fixture-Command', command: commandFixture(), instanceIds: [instance.ref], parameters: { Word: ['ok'] } }),
      new ExecuteAwsApi('Unlock', {
        service: 'ec2', api: 'DeleteTags', params: { Resources: [instance.ref], Tags: [{ Key: FIXTURE_LOCK_KEY }] },
        resources: [INSTANCE_ARN], mutatesInstance: true,
      }).end(),
    ],
  });
}

/** An orchestrator with the parameters the real one declares, running the child by name. */
export function orchestratorFixture(childName = 'Fixture-Child'): AutomationDocument {
  const instance = Parameter.string('InstanceId', { description: 'instance', allowedPattern: ID_OR_ARN });
  const mode = Parameter.string('Mode', { description: 'mode', allowedValues: ['Diagnose', 'Fix'], default: 'Diagnose' });
  const offline = Parameter.boolean('AllowOffline', { description: 'offline', default: false });
  const role = Parameter.string('AutomationAssumeRole', { description: 'role', allowedPattern: ROLE, default: '' });
  const run = new ExecuteAutomation('RunChild', {
    documentName: childName,
    runtimeParameters: { InstanceId: [instance.ref], AutomationAssumeRole: [role.ref] },
  }).end();
  const describe = new ExecuteAwsApi('Describe', { service: 'ec2', api: 'DescribeInstances', params: { InstanceIds: [instance.ref] } }).end();
  return new AutomationDocument({
    name: 'Fixture-Repair',
    description: 'fixture orchestrator',
    assumeRole: role,
    parameters: [instance, mode, offline, role],
    steps: [
      new Branch('Choose', { choices: [{ when: Condition.stringEquals(mode, 'Fix'), next: 'RunChild' }], default: 'Describe' }),
      run,
      describe,
    ],
  });
}

/** A stack in a fresh app, env-agnostic like the real ones. */
export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id);
}

/** cdk-nag AwsSolutions findings that are not acknowledged in code, as "rule at path" lines. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}
