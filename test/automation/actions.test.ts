import YAML from 'yaml';
import {
  AssertAwsResourceProperty, Branch, ChangeInstanceState, Condition, ExecuteAutomation, ExecuteAwsApi,
  ExecuteScript, Parameter, RunCommand, Sleep, WaitForAwsResourceProperty,
} from '../../src/automation';
import { BUILT_IN_OUTPUTS } from '../../src/automation/validate';

// Each expected value below is the YAML example (or the documented input list) of the action's page
// in the Automation actions reference, adapted only in names:
// https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
const aws = (yaml: string): unknown => YAML.parse(yaml);

describe('each action renders the structure AWS documents', () => {
  const imageName = Parameter.string('ImageName', { description: 'AMI name', allowedPattern: '^[\\w .-]+$' });
  const instanceIds = Parameter.stringList('InstanceIds', { description: 'Instances', allowedPattern: '^i-[a-z0-9]{8,17}$' });

  test('aws:executeAwsApi with a typed output', () => {
    // GIVEN the DescribeImages example of automation-action-executeAwsApi.html
    const step = new ExecuteAwsApi('getImageId', {
      service: 'ec2', api: 'DescribeImages',
      params: { Filters: [{ Name: 'name', Values: [imageName] }] },
      outputs: { ImageId: { selector: '$.Images[0].ImageId', type: 'String' } },
    });
    // THEN
    expect(step.render()).toEqual(aws(`
      name: getImageId
      action: aws:executeAwsApi
      inputs:
        Service: ec2
        Api: DescribeImages
        Filters:
        - Name: name
          Values:
          - "{{ ImageName }}"
      outputs:
      - Name: ImageId
        Selector: "$.Images[0].ImageId"
        Type: String`));
    expect(`${step.out.ImageId}`).toBe('{{ getImageId.ImageId }}');
    expect(step.out.ImageId.type).toBe('String');
    expect(step.permissions()).toEqual([{ actions: ['ec2:DescribeImages'], resources: ['*'], mutatesInstance: false }]);
  });

  test('aws:waitForAwsResourceProperty', () => {
    const step = new WaitForAwsResourceProperty('waitForInstance', {
      service: 'ec2', api: 'DescribeInstanceStatus', params: { InstanceIds: instanceIds },
      propertySelector: '$.InstanceStatuses[0].InstanceState.Name', desiredValues: ['running'],
    });
    expect(step.render()).toEqual(aws(`
      name: waitForInstance
      action: aws:waitForAwsResourceProperty
      inputs:
        Service: ec2
        Api: DescribeInstanceStatus
        InstanceIds: "{{ InstanceIds }}"
        PropertySelector: "$.InstanceStatuses[0].InstanceState.Name"
        DesiredValues:
        - running`));
  });

  test('aws:assertAwsResourceProperty', () => {
    const step = new AssertAwsResourceProperty('assertState', {
      service: 'ec2', api: 'DescribeInstanceStatus', params: { InstanceIds: instanceIds },
      propertySelector: '$.InstanceStatuses[0].InstanceState.Name', desiredValues: ['running'],
    });
    expect(step.render()).toMatchObject({ action: 'aws:assertAwsResourceProperty', inputs: { PropertySelector: '$.InstanceStatuses[0].InstanceState.Name', DesiredValues: ['running'] } });
  });

  test('aws:branch with nested operators and a Default', () => {
    const os = Parameter.string('OS', { description: 'OS', allowedValues: ['Windows', 'Linux'] });
    const win = new Sleep('RunPowerShell', { duration: 'PT1S' }).end();
    const linux = new Sleep('RunShell', { duration: 'PT1S' }).end();
    const other = new Sleep('Sleep3', { duration: 'PT1S' }).end();
    const step = new Branch('chooseOS', {
      choices: [
        { when: Condition.stringEquals(os, 'Windows'), next: win },
        { when: Condition.and(Condition.stringEquals(os, 'Linux'), Condition.not(Condition.compare(os, 'Contains', 'x'))), next: linux },
      ],
      default: other,
    });
    expect(step.render()).toEqual(aws(`
      name: chooseOS
      action: aws:branch
      inputs:
        Choices:
        - NextStep: RunPowerShell
          Variable: "{{ OS }}"
          StringEquals: Windows
        - NextStep: RunShell
          And:
          - Variable: "{{ OS }}"
            StringEquals: Linux
          - Not:
              Variable: "{{ OS }}"
              Contains: x
        Default: Sleep3`));
    expect(step.explicitTargets()).toEqual(['RunPowerShell', 'RunShell', 'Sleep3']);
    expect(step.permissions()).toEqual([]);
  });

  test('aws:changeInstanceState declares the verb it needs, scoped to instances', () => {
    const step = new ChangeInstanceState('stopInstance', { instanceIds: instanceIds, desiredState: 'stopped', force: true });
    expect(step.render()).toEqual(aws(`
      name: stopInstance
      action: aws:changeInstanceState
      inputs:
        InstanceIds: "{{ InstanceIds }}"
        DesiredState: stopped
        Force: true`));
    const stop = step.permissions().find((p) => p.actions.includes('ec2:StopInstances'));
    expect(stop?.mutatesInstance).toBe(true);
    expect(stop?.resources[0]).toMatch(/:instance\/\*$/);
    const check = new ChangeInstanceState('check', { instanceIds: instanceIds, desiredState: 'running', checkStateOnly: true });
    expect(check.permissions().flatMap((p) => p.actions)).not.toContain('ec2:StartInstances');
  });

  test('aws:runCommand with built-in outputs', () => {
    const step = new RunCommand('runShell', { documentName: 'AWS-RunShellScript', instanceIds: instanceIds, parameters: { commands: ['echo hi'] } });
    expect(step.render()).toEqual(aws(`
      name: runShell
      action: aws:runCommand
      inputs:
        DocumentName: AWS-RunShellScript
        InstanceIds: "{{ InstanceIds }}"
        Parameters:
          commands:
          - echo hi`));
    expect(`${step.out.Output}`).toBe('{{ runShell.Output }}');
    expect(step.permissions()[0].resources).toContain('arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-RunShellScript');
  });

  test('aws:executeScript with payload outputs and declared permissions', () => {
    const script = 'def handler(events, context):\n  return {"ok": True}\n';
    const step = new ExecuteScript('check', {
      handler: 'handler', script, inputPayload: { Name: imageName },
      outputs: { Ok: { selector: '$.Payload.ok', type: 'Boolean' } },
      permissions: [{ actions: ['ec2:DescribeImages'], resources: ['*'] }],
    });
    expect(step.render()).toEqual({
      name: 'check', action: 'aws:executeScript',
      inputs: { Runtime: 'python3.11', Handler: 'handler', Script: script, InputPayload: { Name: '{{ ImageName }}' } },
      outputs: [{ Name: 'Ok', Selector: '$.Payload.ok', Type: 'Boolean' }],
    });
    expect(`${step.out.Payload}`).toBe("{{ check.Payload }}");
    expect(step.permissions()).toEqual([{ actions: ['ec2:DescribeImages'], resources: ['*'] }]);
  });

  test('aws:sleep and aws:executeAutomation', () => {
    expect(new Sleep('sleep', { duration: 'PT10M' }).render()).toEqual({ name: 'sleep', action: 'aws:sleep', inputs: { Duration: 'PT10M' } });
    const child = new ExecuteAutomation('runChild', { documentName: 'Child', runtimeParameters: { InstanceId: [imageName] } });
    expect(child.render()).toEqual({ name: 'runChild', action: 'aws:executeAutomation', inputs: { DocumentName: 'Child', RuntimeParameters: { InstanceId: ['{{ ImageName }}'] } } });
    expect(child.permissions().flatMap((p) => p.actions)).toEqual(['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution']);
  });

  test('common step properties render with AWS names and step: targets', () => {
    const cleanup = new Sleep('Cleanup', { duration: 'PT1S' }).end();
    const step = new Sleep('Work', { duration: 'PT1S', description: 'd', timeoutSeconds: 30, maxAttempts: 3, isCritical: false })
      .onFailure(cleanup).onCancel('Cleanup').next(cleanup);
    expect(step.render()).toEqual({
      name: 'Work', action: 'aws:sleep', description: 'd', maxAttempts: 3, timeoutSeconds: 30,
      onFailure: 'step:Cleanup', onCancel: 'step:Cleanup', isCritical: false, inputs: { Duration: 'PT1S' }, nextStep: 'Cleanup',
    });
  });
});

describe('steps are immutable values', () => {
  test('with/next/end/onFailure return copies and leave the original alone', () => {
    const a = new Sleep('A', { duration: 'PT1S' });
    const b = a.onFailure('Abort').end();
    expect(a.render()).toEqual({ name: 'A', action: 'aws:sleep', inputs: { Duration: 'PT1S' } });
    expect(b.render()).toMatchObject({ onFailure: 'Abort', isEnd: true });
    expect(b).toBeInstanceOf(Sleep);
    expect(b.next('X').render().isEnd).toBeUndefined();
  });
});

describe('bad step definitions fail at construction with the step named', () => {
  const ids = Parameter.stringList('Ids', { description: 'ids', allowedPattern: '^i-[a-z0-9]+$' });
  test.each([
    ['bad step name', () => new Sleep('has space', { duration: 'PT1S' }), /Step "has space": step names/],
    ['isEnd with nextStep', () => new Sleep('S', { duration: 'PT1S', isEnd: true, nextStep: 'X' }), /Step S: isEnd and nextStep/],
    ['bad duration', () => new Sleep('S', { duration: '10s' }), /Step S: duration "10s"/],
    ['bad api casing', () => new ExecuteAwsApi('S', { service: 'ec2', api: 'describeInstances' }), /Step S: api "describeInstances"/],
    ['bad service', () => new ExecuteAwsApi('S', { service: 'EC2', api: 'DescribeInstances' }), /Step S: service "EC2"/],
    ['bad selector', () => new ExecuteAwsApi('S', { service: 'ec2', api: 'DescribeInstances', outputs: { X: { selector: 'Reservations', type: 'String' } } }), /output X selector "Reservations"/],
    ['empty desired values', () => new WaitForAwsResourceProperty('S', { service: 'ec2', api: 'DescribeInstances', propertySelector: '$.x', desiredValues: [] }), /desiredValues must not be empty/],
    ['script over 600 s', () => new ExecuteScript('S', { handler: 'h', script: 'def h(e, c):\n  pass\n', timeoutSeconds: 601, permissions: [] }), /at most 600 s/],
    ['handler missing', () => new ExecuteScript('S', { handler: 'h', script: 'def g(e, c):\n  pass\n', permissions: [] }), /defines no function h/],
    ['force when starting', () => new ChangeInstanceState('S', { instanceIds: ids, desiredState: 'running', force: true }), /force applies only/],
    ['branch without choices', () => new Branch('S', { choices: [], default: 'X' }), /at least one choice/],
    ['string parameter without pattern', () => Parameter.string('P', { description: 'p' }), /needs allowedPattern or allowedValues/],
    ['parameter without description', () => Parameter.boolean('P', { description: ' ' }), /description must not be empty/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('built-in output references agree with the validator', () => {
  test('every built-in ref a step exposes is an output the validator accepts for its action', () => {
    const ids = Parameter.stringList('Ids', { description: 'ids', allowedPattern: '^i-[a-z0-9]+$' });
    const steps = [
      new RunCommand('R', { documentName: 'AWS-RunShellScript', instanceIds: ids }),
      new ExecuteAutomation('A', { documentName: 'Child' }),
      new ExecuteScript('S', { handler: 'h', script: 'def h(e, c):\n  pass\n', permissions: [] }),
    ];
    for (const step of steps) {
      const names = Object.keys(step.out);
      expect(names.length).toBeGreaterThan(0);
      expect(BUILT_IN_OUTPUTS[step.action]).toEqual(expect.arrayContaining(names));
    }
  });
});
