import { SimulatorLimitationError } from '../../src/simulate/errors';
import { doc, failStep, INSTANCE_ID, okStep, run, trace } from './helpers';

// Semantics of schemaVersion 0.3 documents, each test naming the AWS page it encodes.

describe('parameters (documents-syntax-data-elements-parameters.html)', () => {
  const d = doc('Params', `parameters:
  Id:
    type: String
    allowedPattern: '^i-[a-z0-9]{8,17}$'
  Mode:
    type: String
    allowedValues: [diagnose, fix]
    default: diagnose
  Ids:
    type: StringList
    default: ['${INSTANCE_ID}']
  Count:
    type: Integer
    default: 2
  Flag:
    type: Boolean
    default: false
outputs: [echo.Mode, echo.Count, echo.Ids]
mainSteps:
  - name: echo
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: DescribeInstances
      InstanceIds: '{{ Ids }}'
    outputs:
      - Name: Mode
        Selector: $.Reservations[0].Instances[0].InstanceId
        Type: String
      - Name: Count
        Selector: $.Reservations[0].Instances[0].State.Code
        Type: Integer
      - Name: Ids
        Selector: $.Reservations[0].Instances[*].InstanceId
        Type: StringList
`);

  it('applies defaults and keeps a whole-value StringList reference a list', async () => {
    const { execution } = await run(d, { Id: [INSTANCE_ID] });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.Parameters).toEqual({ Id: [INSTANCE_ID], Mode: ['diagnose'], Ids: [INSTANCE_ID], Count: ['2'], Flag: ['false'] });
    expect(execution.Outputs['echo.Count']).toEqual(['16']);
    expect(execution.Outputs['echo.Ids']).toEqual([INSTANCE_ID]);
  });

  it.each([
    [{ Id: 'i-BAD' }, 'does not match the allowed pattern'],
    [{ Id: INSTANCE_ID, Mode: 'rm' }, 'is not one of the allowed values'],
    [{ Id: INSTANCE_ID, Count: 'two' }, 'must be an integer'],
    [{ Id: INSTANCE_ID, Flag: 'yes' }, 'must be true or false'],
    [{}, 'Parameter Id is required'],
    [{ Id: INSTANCE_ID, Extra: 'x' }, 'Parameter Extra is not defined'],
    [{ Id: [INSTANCE_ID, INSTANCE_ID] }, 'takes one value'],
  ])('refuses bad input %j before any step runs', async (params, message) => {
    const { execution } = await run(d, params);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.StepExecutions).toHaveLength(0);
    expect(execution.FailureMessage).toContain(message);
  });
});

describe('references', () => {
  it('interpolates references inside longer strings and resolves built-ins', async () => {
    const d = doc('Refs', `parameters:
  Name: {type: String, default: web}
mainSteps:
  - name: tag
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: CreateTags
      Resources: ['${INSTANCE_ID}']
      Tags:
        - Key: owner
          Value: '{{ Name }}-{{ global:REGION }}-{{ automation:EXECUTION_ID }}'
`);
    const { execution, instance } = await run(d);
    expect(instance.tags.get('owner')).toBe(`web-us-east-1-${execution.AutomationExecutionId}`);
  });

  it('fails the step, naming the reference, when a step output does not exist', async () => {
    const d = doc('BadRef', `mainSteps:
${okStep('first')}  - name: second
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: DescribeInstances
      InstanceIds: ['{{ first.Nothing }}']
`);
    const { execution } = await run(d);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.StepExecutions[1].FailureMessage).toContain('{{ first.Nothing }}');
  });
});

describe('flow control (automation-branchdocs.html, automation-actions.html)', () => {
  it('runs steps in list order, follows nextStep and stops at isEnd', async () => {
    const d = doc('Flow', `mainSteps:
${okStep('a', '    nextStep: c\n')}${okStep('b')}${okStep('c', '    isEnd: true\n')}${okStep('d')}`);
    expect(trace((await run(d)).execution)).toEqual(['a:Success', 'c:Success']);
  });

  it('onFailure Abort (default) ends the execution Failed', async () => {
    const d = doc('Abort', `mainSteps:\n${failStep('f')}${okStep('after')}`);
    const { execution } = await run(d);
    expect(trace(execution)).toEqual(['f:Failed']);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
  });

  it('onFailure Continue goes on and, isCritical defaulting to false, keeps Success', async () => {
    const d = doc('Continue', `mainSteps:\n${failStep('f', '    onFailure: Continue\n')}${okStep('after')}`);
    const { execution } = await run(d);
    expect(trace(execution)).toEqual(['f:Failed', 'after:Success']);
    expect(execution.StepExecutions[0].IsCritical).toBe(false);
    expect(execution.AutomationExecutionStatus).toBe('Success');
  });

  it('onFailure step:X jumps there; a critical failure still makes the execution Failed', async () => {
    const d = doc('Jump', `mainSteps:\n${failStep('f', '    onFailure: step:cleanup\n')}${okStep('skipped')}${okStep('cleanup')}`);
    const { execution } = await run(d);
    expect(trace(execution)).toEqual(['f:Failed', 'cleanup:Success']);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
  });

  it('isCritical false with step:X keeps the execution Success', async () => {
    const d = doc('NonCritical', `mainSteps:\n${failStep('f', '    onFailure: step:cleanup\n    isCritical: false\n')}${okStep('cleanup')}`);
    expect((await run(d)).execution.AutomationExecutionStatus).toBe('Success');
  });

  it('maxAttempts retries a failing step', async () => {
    const d = doc('Retry', `mainSteps:\n${failStep('f', '    maxAttempts: 3\n')}`);
    const { execution } = await run(d);
    expect(execution.StepExecutions[0].Attempts).toBe(3);
    expect(execution.StepExecutions[0].StepStatus).toBe('Failed');
  });

  it('timeoutSeconds ends the step TimedOut and the execution TimedOut (automation-handling-timeouts.html)', async () => {
    const d = doc('Timeout', `mainSteps:
  - name: wait
    action: aws:sleep
    timeoutSeconds: 10
    inputs:
      Duration: PT1M
`);
    const { execution, world } = await run(d);
    expect(execution.StepExecutions[0].StepStatus).toBe('TimedOut');
    expect(execution.AutomationExecutionStatus).toBe('TimedOut');
    expect(world.clock.now).toBeLessThan(11_000);
  });

  it('an unsupported action is an error, never skipped', async () => {
    const d = doc('Unsupported', `mainSteps:\n  - name: x\n    action: aws:createImage\n    inputs: {InstanceId: ${INSTANCE_ID}, ImageName: x}\n`);
    await expect(run(d)).rejects.toThrow(SimulatorLimitationError);
    await expect(run(d)).rejects.toThrow('unsupported action aws:createImage');
  });

  it('an API the simulated world lacks is an error naming service and operation', async () => {
    const d = doc('UnknownApi', `mainSteps:\n  - name: x\n    action: aws:executeAwsApi\n    inputs: {Service: ec2, Api: RebootInstances, InstanceIds: ['${INSTANCE_ID}']}\n`);
    await expect(run(d)).rejects.toThrow('simulated AWS does not implement ec2:RebootInstances');
  });
});

describe('aws:branch (automation-action-branch.html)', () => {
  const branchDoc = (choice: string, withDefault: boolean): ReturnType<typeof doc> => doc('Branch', `parameters:
  V: {type: String, default: '5'}
  L: {type: StringList, default: [a, b]}
  B: {type: Boolean, default: true}
mainSteps:
  - name: pick
    action: aws:branch
    inputs:
      Choices:
${choice}${withDefault ? '      Default: fallback\n' : ''}${okStep('next')}${okStep('target', '    isEnd: true\n')}${okStep('fallback', '    isEnd: true\n')}`);

  it.each([
    ['StringEquals', `        - {NextStep: target, Variable: '{{ V }}', StringEquals: '5'}\n`],
    ['EqualsIgnoreCase', `        - {NextStep: target, Variable: 'ABC', EqualsIgnoreCase: abc}\n`],
    ['StartsWith', `        - {NextStep: target, Variable: 'i-0123', StartsWith: 'i-'}\n`],
    ['EndsWith', `        - {NextStep: target, Variable: 'file.yaml', EndsWith: '.yaml'}\n`],
    ['Contains (list item)', `        - {NextStep: target, Variable: '{{ L }}', Contains: b}\n`],
    ['NumericEquals', `        - {NextStep: target, Variable: '{{ V }}', NumericEquals: 5}\n`],
    ['NumericGreater', `        - {NextStep: target, Variable: '{{ V }}', NumericGreater: 4}\n`],
    ['NumericLesser', `        - {NextStep: target, Variable: '{{ V }}', NumericLesser: 6}\n`],
    ['NumericGreaterOrEquals', `        - {NextStep: target, Variable: '{{ V }}', NumericGreaterOrEquals: 5}\n`],
    ['NumericLesserOrEquals', `        - {NextStep: target, Variable: '{{ V }}', NumericLesserOrEquals: 5}\n`],
    ['BooleanEquals', `        - {NextStep: target, Variable: '{{ B }}', BooleanEquals: true}\n`],
    ['And', `        - NextStep: target\n          And:\n            - {Variable: '{{ V }}', StringEquals: '5'}\n            - {Variable: '{{ B }}', BooleanEquals: true}\n`],
    ['Or', `        - NextStep: target\n          Or:\n            - {Variable: '{{ V }}', StringEquals: '6'}\n            - {Variable: '{{ B }}', BooleanEquals: true}\n`],
    ['Not', `        - NextStep: target\n          Not:\n            - {Variable: '{{ V }}', StringEquals: '6'}\n`],
  ])('%s jumps to the matching choice', async (_, choice) => {
    expect(trace((await run(branchDoc(choice, true))).execution)).toEqual(['pick:Success', 'target:Success']);
  });

  it('goes to Default when no choice matches', async () => {
    const choice = `        - {NextStep: target, Variable: '{{ V }}', StringEquals: '6'}\n`;
    expect(trace((await run(branchDoc(choice, true))).execution)).toEqual(['pick:Success', 'fallback:Success']);
  });

  it('falls through to the next listed step when nothing matches and there is no Default', async () => {
    const choice = `        - {NextStep: target, Variable: '{{ V }}', StringEquals: '6'}\n`;
    expect(trace((await run(branchDoc(choice, false))).execution)).toEqual(['pick:Success', 'next:Success', 'target:Success']);
  });
});

describe('onCancel (automation-actions.html)', () => {
  const cancelAt = (stepName: string) => ({ onStepStart: (_d: string, s: { name: string }) => (s.name === stepName ? { cancel: true } : undefined) });

  it('Abort (default) ends Cancelled without running more steps', async () => {
    const d = doc('CancelAbort', `mainSteps:\n${okStep('a')}${okStep('b')}`);
    const { execution } = await run(d, {}, { hooks: cancelAt('a') });
    expect(trace(execution)).toEqual(['a:Cancelled']);
    expect(execution.AutomationExecutionStatus).toBe('Cancelled');
  });

  it('step:X runs the cleanup path, still Cancelled', async () => {
    const d = doc('CancelStep', `mainSteps:\n${okStep('a', '    onCancel: step:cleanup\n')}${okStep('b')}${okStep('cleanup')}`);
    const { execution } = await run(d, {}, { hooks: cancelAt('a') });
    expect(trace(execution)).toEqual(['a:Cancelled', 'cleanup:Success']);
    expect(execution.AutomationExecutionStatus).toBe('Cancelled');
  });

  it('the cleanup path is cut at its time bound', async () => {
    const d = doc('CancelBound', `mainSteps:
${okStep('a', '    onCancel: step:slow\n')}  - name: slow
    action: aws:sleep
    inputs: {Duration: PT5M}
${okStep('never')}`);
    const { execution } = await run(d, {}, { hooks: cancelAt('a'), onCancelLimitSeconds: 120 });
    expect(trace(execution)).toEqual(['a:Cancelled', 'slow:TimedOut']);
    expect(execution.AutomationExecutionStatus).toBe('Cancelled');
  });
});

describe('other actions', () => {
  it('aws:sleep takes ISO 8601 durations on the virtual clock (automation-action-sleep.html)', async () => {
    const d = doc('Sleep', `mainSteps:\n  - name: s\n    action: aws:sleep\n    inputs: {Duration: PT1H2M3S}\n`);
    const { execution } = await run(d);
    expect(execution.endMs - execution.startMs).toBe(3723_000);
  });

  it('aws:assertAwsResourceProperty passes on a desired value and fails otherwise', async () => {
    const pass = doc('AssertOk', `mainSteps:\n  - name: a\n    action: aws:assertAwsResourceProperty\n    inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: ['${INSTANCE_ID}'], PropertySelector: '$.Reservations[0].Instances[0].State.Name', DesiredValues: [running]}\n`);
    expect((await run(pass)).execution.AutomationExecutionStatus).toBe('Success');
    const fail = doc('AssertFail', `mainSteps:\n${failStep('a')}`);
    const { execution } = await run(fail);
    expect(execution.StepExecutions[0].FailureMessage).toContain('expected one of [terminated]');
  });

  it('aws:waitForAwsResourceProperty waits until the state is reached', async () => {
    const d = doc('Wait', `mainSteps:
  - name: stop
    action: aws:executeAwsApi
    inputs: {Service: ec2, Api: StopInstances, InstanceIds: ['${INSTANCE_ID}']}
  - name: wait
    action: aws:waitForAwsResourceProperty
    timeoutSeconds: 600
    inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: ['${INSTANCE_ID}'], PropertySelector: '$.Reservations[0].Instances[0].State.Name', DesiredValues: [stopped]}
`);
    const { execution, instance } = await run(d);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(instance.state).toBe('stopped');
  });

  it('aws:changeInstanceState with CheckStateOnly only waits (automation-action-changestate.html)', async () => {
    const d = doc('Check', `mainSteps:\n  - name: c\n    action: aws:changeInstanceState\n    timeoutSeconds: 60\n    inputs: {InstanceIds: ['${INSTANCE_ID}'], DesiredState: stopped, CheckStateOnly: true}\n`);
    const { execution, instance } = await run(d);
    expect(execution.StepExecutions[0].StepStatus).toBe('TimedOut');
    expect(instance.state).toBe('running');
  });

  it('aws:loop iterates Iterators and exposes CurrentIteratorValue (automation-action-loop.html)', async () => {
    const d = doc('Loop', `parameters:
  Keys: {type: StringList, default: [a, b, c]}
mainSteps:
  - name: each
    action: aws:loop
    inputs:
      Iterators: '{{ Keys }}'
      Steps:
        - name: tag
          action: aws:executeAwsApi
          inputs:
            Service: ec2
            Api: CreateTags
            Resources: ['${INSTANCE_ID}']
            Tags: [{Key: '{{ each.CurrentIteratorValue }}', Value: '{{ each.CurrentIteration }}'}]
`);
    const { execution, instance } = await run(d);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(Object.fromEntries(instance.tags)).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('aws:loop with LoopCondition and aws:updateVariable stops when the condition fails', async () => {
    const d = doc('LoopCond', `variables:
  Done: {type: String, default: 'no'}
mainSteps:
  - name: until
    action: aws:loop
    inputs:
      MaxIterations: 10
      LoopCondition: {Variable: '{{ variable:Done }}', StringEquals: 'no'}
      Steps:
        - name: mark
          action: aws:updateVariable
          inputs: {Name: 'variable:Done', Value: 'yes'}
`);
    const { execution } = await run(d);
    expect(execution.StepExecutions.filter((s) => s.StepName === 'mark')).toHaveLength(1);
    expect(execution.StepExecutions.at(-1)?.Outputs?.CurrentIteration).toEqual(['1']);
  });

  it('aws:executeAutomation runs a child document in the same world (automation-action-executeAutomation.html)', async () => {
    const child = doc('Child', `parameters:\n  Id: {type: String}\noutputs: [stop.Previous]\nmainSteps:\n  - name: stop\n    action: aws:executeAwsApi\n    inputs: {Service: ec2, Api: StopInstances, InstanceIds: ['{{ Id }}']}\n    outputs: [{Name: Previous, Selector: '$.StoppingInstances[0].PreviousState.Name', Type: String}]\n`);
    const parent = doc('Parent', `mainSteps:\n  - name: call\n    action: aws:executeAutomation\n    inputs: {DocumentName: Child, RuntimeParameters: {Id: '${INSTANCE_ID}'}}\n`);
    const { execution, instance } = await run(parent, {}, { others: [child] });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.ChildExecutions[0].Outputs).toEqual({ 'stop.Previous': ['running'] });
    expect(execution.StepExecutions[0].Outputs?.Status).toEqual(['Success']);
    expect(instance.state).toBe('stopping');
  });
});
