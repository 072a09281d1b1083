import { allSteps, FaultInjector, FaultKind } from '../../src/simulate/faults';
import { Simulator } from '../../src/simulate/simulator';
import { World } from '../../src/simulate/world/world';
import { doc, INSTANCE_ID, okStep, run, trace } from './helpers';

// Each fault kind, injected into one step of a small document.

const tagStep = (name: string, extra = ''): string =>
  `  - name: ${name}\n    action: aws:executeAwsApi\n${extra}    inputs:\n      Service: ec2\n      Api: CreateTags\n      Resources: ['${INSTANCE_ID}']\n      Tags: [{Key: k, Value: v}]\n`;

function inject(kind: FaultKind, document: string, step: string): { world: World; injector: FaultInjector } {
  const world = new World({ seed: 5 });
  world.ec2.add({ instanceId: INSTANCE_ID });
  return { world, injector: new FaultInjector({ kind, at: { document, step } }, world, INSTANCE_ID) };
}

describe('fault injection', () => {
  it.each([
    ['api-error', 'InternalError'],
    ['throttling', 'RequestLimitExceeded'],
  ] as const)('%s fails the step with the service code %s, and only its first attempt', async (kind, code) => {
    const d = doc('ApiFault', `mainSteps:\n${tagStep('tag')}`);
    const { world, injector } = inject(kind, 'ApiFault', 'tag');
    const { execution } = await run(d, {}, { world, hooks: injector });
    expect(execution.StepExecutions[0].FailureMessage).toContain(`(${code})`);
    expect(injector.fired).toBe(true);

    const retried = doc('ApiFaultRetried', `mainSteps:\n${tagStep('tag', '    maxAttempts: 2\n')}`);
    const again = inject(kind, 'ApiFaultRetried', 'tag');
    const r = await run(retried, {}, { world: again.world, hooks: again.injector });
    expect(r.execution.AutomationExecutionStatus).toBe('Success');
    expect(r.execution.StepExecutions[0].Attempts).toBe(2);
  });

  it('an API fault on a step without API calls changes nothing and says so', async () => {
    const d = doc('NoCalls', `mainSteps:\n${okStep('wait')}${tagStep('tag')}`);
    const { world, injector } = inject('api-error', 'NoCalls', 'wait');
    const { execution } = await run(d, {}, { world, hooks: injector });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(injector.fired).toBe(false);
  });

  it('step-timeout lets the work happen, then reports TimedOut', async () => {
    const d = doc('Late', `mainSteps:\n${tagStep('tag')}`);
    const { world, injector } = inject('step-timeout', 'Late', 'tag');
    const { execution, instance } = await run(d, {}, { world, hooks: injector });
    expect(execution.AutomationExecutionStatus).toBe('TimedOut');
    expect(instance.tags.get('k')).toBe('v');
    expect(execution.endMs).toBeGreaterThanOrEqual(25_000);
  });

  it('cancel ends the execution Cancelled after the step did its work', async () => {
    const d = doc('Cancel', `mainSteps:\n${tagStep('tag')}${okStep('after')}`);
    const { world, injector } = inject('cancel', 'Cancel', 'tag');
    const { execution, instance } = await run(d, {}, { world, hooks: injector });
    expect(trace(execution)).toEqual(['tag:Cancelled']);
    expect(instance.tags.get('k')).toBe('v');
  });

  it('start-failure makes the next start fall back to stopped', async () => {
    const d = doc('Restart', `mainSteps:
  - name: stop
    action: aws:changeInstanceState
    inputs: {InstanceIds: ['${INSTANCE_ID}'], DesiredState: stopped}
  - name: start
    action: aws:changeInstanceState
    timeoutSeconds: 300
    inputs: {InstanceIds: ['${INSTANCE_ID}'], DesiredState: running}
`);
    const { world, injector } = inject('start-failure', 'Restart', 'stop');
    const { execution, instance } = await run(d, {}, { world, hooks: injector });
    expect(execution.StepExecutions[1].StepStatus).toBe('TimedOut');
    expect(instance.state).toBe('stopped');
    expect(instance.stateReason?.Code).toBe('Client.InternalError');
  });

  it('agent-offline takes the node to ConnectionLost and Run Command refuses it', async () => {
    const d = doc('Online', `mainSteps:
  - name: run
    action: aws:runCommand
    inputs: {DocumentName: AWS-RunShellScript, InstanceIds: ['${INSTANCE_ID}'], Parameters: {commands: ['true']}}
`);
    const { world, injector } = inject('agent-offline', 'Online', 'run');
    const { execution } = await run(d, {}, { world, hooks: injector });
    expect(execution.StepExecutions[0].FailureMessage).toContain('InvalidInstanceId');
    const info = world.call('ssm', 'DescribeInstanceInformation', {}) as { InstanceInformationList: { PingStatus: string }[] };
    expect(info.InstanceInformationList[0].PingStatus).toBe('ConnectionLost');
  });

  it('enumerates the steps of loops and of child runbooks', () => {
    const child = doc('Child', `mainSteps:\n${okStep('c1')}`);
    const parent = doc('Parent', `mainSteps:
  - name: each
    action: aws:loop
    inputs:
      Iterators: [a]
      Steps:
${okStep('inner').replace(/^/gm, '      ')}
  - name: call
    action: aws:executeAutomation
    inputs: {DocumentName: Child}
`);
    const sim = new Simulator([parent, child]);
    expect(allSteps(parent, sim.documents)).toEqual([
      { document: 'Parent', step: 'each' }, { document: 'Parent', step: 'inner' },
      { document: 'Parent', step: 'call' }, { document: 'Child', step: 'c1' },
    ]);
  });
});

describe('GetAutomationExecution', () => {
  it('shows a running execution its own finished steps, as a cleanup handler reads them', async () => {
    const d = doc('Self', `assumeRole: arn:aws:iam::111122223333:role/EC2SSHRescueAutomation
outputs: [look.Seen]
mainSteps:
${tagStep('tag')}  - name: look
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {Id: '{{ automation:EXECUTION_ID }}'}
      Script: |
        import boto3
        def handler(events, context):
            ex = boto3.client('ssm').get_automation_execution(AutomationExecutionId=events['Id'])['AutomationExecution']
            return {'Seen': '%s %s' % (ex['AutomationExecutionStatus'], ','.join(s['StepName'] + ':' + s['StepStatus'] for s in ex['StepExecutions']))}
    outputs: [{Name: Seen, Selector: $.Payload.Seen, Type: String}]
`);
    const { execution } = await run(d);
    expect(execution.Outputs['look.Seen']).toEqual(['InProgress tag:Success']);
  });
});
