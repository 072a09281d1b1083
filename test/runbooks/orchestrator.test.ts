import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { ONLINE_RUNBOOK } from '../../src/runbooks/online';
import { REPAIR_RUNBOOK } from '../../src/runbooks/repair';
import { HandlerWorld, Obj, rendered, runHandler, step, substitute } from './rendered';

// GIVEN the orchestrator as rendered, and its children as rendered.
const { doc } = rendered(REPAIR_RUNBOOK);
const PARENT = '11111111-2222-4333-8444-555555555555';
const CHILD = '99999999-8888-4777-8666-555555555555';
const INSTANCE = 'i-0123456789abcdef0';
const ROLE = 'arn:aws:iam::111122223333:role/EC2SSHRescueAutomation';
const params = (d: Obj): Record<string, Obj> => d.parameters as Record<string, Obj>;

/** The parent's values for `{{ }}` references: its parameter defaults plus what ResolveTarget returns. */
function parentValues(): Record<string, unknown> {
  const values: Record<string, unknown> = { 'automation:EXECUTION_ID': PARENT, 'ResolveTarget.InstanceId': INSTANCE, 'ResolveTarget.ScriptMode': 'diagnose' };
  // The required parameters: the instance and the role.
  for (const [name, p] of Object.entries(params(doc))) values[name] = p.default ?? (name === 'AutomationAssumeRole' ? ROLE : INSTANCE);
  return values;
}

function runStep(name: string, world: Omit<HandlerWorld, 'userData' | 'tags' | 'state'>, values: Record<string, unknown> = {}): ReturnType<typeof runHandler> {
  const inputs = step(doc, name).inputs as { Script: string; InputPayload: unknown };
  return runHandler(inputs.Script, substitute(inputs.InputPayload, { ...parentValues(), ...values }), { state: 'running', userData: Buffer.alloc(0), tags: {}, ...world });
}

describe.each([['RunOnline', ONLINE_RUNBOOK], ['RunOffline', OFFLINE_RUNBOOK]])('%s', (stepName, child) => {
  const inputs = (): { DocumentName: string; RuntimeParameters: Record<string, unknown> } => step(doc, stepName).inputs as never;

  test('passes every parameter as a one-item list, as StartAutomationExecution takes it', () => {
    expect(inputs().DocumentName).toBe(child);
    for (const [name, value] of Object.entries(inputs().RuntimeParameters)) expect([name, Array.isArray(value) && value.length === 1]).toEqual([name, true]);
  });

  test('passes only parameters the child declares, each accepted by the child with the parent\'s defaults and the same role', () => {
    const childParams = params(rendered(child).doc);
    const filled = substitute(inputs().RuntimeParameters, parentValues()) as Record<string, unknown[]>;
    expect(filled.AutomationAssumeRole).toEqual([ROLE]);
    for (const [name, [value]] of Object.entries(filled)) {
      const spec = childParams[name];
      expect([name, spec !== undefined]).toEqual([name, true]);
      const text = String(value);
      if (spec.type === 'Boolean') expect([name, text]).toEqual([name, expect.stringMatching(/^(true|false)$/)]);
      if (spec.allowedPattern !== undefined) expect([name, new RegExp(String(spec.allowedPattern)).test(text)]).toEqual([name, true]);
      if (spec.allowedValues !== undefined) expect(spec.allowedValues).toContain(text);
    }
  });

  test('forwards every parameter the child declares, so options set on the orchestrator reach the child', () => {
    const childParams = Object.keys(params(rendered(child).doc)).sort();
    expect(Object.keys(inputs().RuntimeParameters).sort()).toEqual(childParams);
    // InstanceId (an ARN becomes an id) and Mode (Diagnose/Fix become diagnose/fix) pass through
    // ResolveTarget; every other option is the orchestrator's own parameter, unchanged.
    expect(inputs().RuntimeParameters.InstanceId).toEqual(['{{ ResolveTarget.InstanceId }}']);
    expect(inputs().RuntimeParameters.Mode).toEqual(['{{ ResolveTarget.ScriptMode }}']);
    for (const name of childParams.filter((n) => n !== 'InstanceId' && n !== 'Mode')) {
      expect([name, name in params(doc), inputs().RuntimeParameters[name]]).toEqual([name, true, [`{{ ${name} }}`]]);
    }
  });

  test('waits longer than the child\'s steps can take, so the child always finishes its undo', () => {
    const steps = rendered(child).doc.mainSteps as Obj[];
    const untimed = steps.filter((s) => s.timeoutSeconds === undefined && !['aws:executeAwsApi', 'aws:branch'].includes(String(s.action)));
    expect(untimed.map((s) => s.name)).toEqual([]);
    const worst = steps.reduce((sum, s) => sum + Number(s.timeoutSeconds ?? 0) * Number(s.maxAttempts ?? 1), 0);
    expect(Number(step(doc, stepName).timeoutSeconds)).toBeGreaterThan(worst);
  });

  test('a failed child routes to ChildFailed', () => {
    expect(step(doc, stepName).onFailure).toBe('step:ChildFailed');
  });
});

describe('reading the child\'s result', () => {
  test('a child that ended Failed fails the parent with the child\'s message', () => {
    const out = runStep('OfflineVerdict', { executions: { [CHILD]: { AutomationExecutionStatus: 'Failed', FailureMessage: 'Step StartForRepair failed: Client.InternalError', Outputs: { 'Finish.Verdict': ['fixed'] } } } }, { 'RunOffline.ExecutionId': CHILD });
    expect(out.error).toBe(`Child execution ${CHILD} ended Failed: Step StartForRepair failed: Client.InternalError`);
  });

  test('a child that ended Success gives its verdict', () => {
    const out = runStep('OnlineVerdict', { executions: { [CHILD]: { AutomationExecutionStatus: 'Success', Outputs: { 'ParseReport.Verdict': ['needs-fix'] } } } }, { 'RunOnline.ExecutionId': CHILD });
    expect(out.result).toEqual({ Verdict: 'needs-fix', Status: 'Success' });
  });

  test('ChildFailed names the failed child step and the child\'s own failure message', () => {
    const out = runStep('ChildFailed', {
      executions: {
        [PARENT]: { StepExecutions: [
          { StepName: 'ResolveTarget', StepStatus: 'Success' },
          { StepName: 'RunOffline', StepStatus: 'Failed', FailureMessage: 'Automation execution failed', Outputs: { ExecutionId: [CHILD] } },
        ] },
        [CHILD]: { AutomationExecutionStatus: 'Failed', FailureMessage: 'Refusing to repair i-0123456789abcdef0 offline; nothing was changed: stop protection' },
      },
    });
    expect(out.error).toBe(`RunOffline failed: child execution ${CHILD} ended Failed: Refusing to repair i-0123456789abcdef0 offline; nothing was changed: stop protection`);
  });

  test('ChildFailed falls back to the step\'s own message when the step names no child', () => {
    const out = runStep('ChildFailed', { executions: { [PARENT]: { StepExecutions: [{ StepName: 'RunOnline', StepStatus: 'TimedOut', FailureMessage: 'Step timed out' }] } } });
    expect(out.error).toBe('RunOnline failed: Step timed out');
  });
});

describe('ResolveTarget', () => {
  test.each([
    ['arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0123456789abcdef0'],
    ['arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-0123456789abcdef0'],
    ['i-0123456789abcdef0'],
  ])('takes %s, maps Mode Fix to the script\'s fix', (given) => {
    expect(new RegExp(String(params(doc).InstanceId.allowedPattern)).test(given)).toBe(true);
    const out = runStep('ResolveTarget', { instanceInformation: [{ InstanceId: INSTANCE, PingStatus: 'Online' }] }, { InstanceId: given, Mode: 'Fix' });
    expect(out.result).toEqual({ InstanceId: INSTANCE, Path: 'online', ScriptMode: 'fix', PingStatus: 'Online' });
  });

  test('an unreachable agent without AllowOffline fails before anything runs, explaining the options', () => {
    const out = runStep('ResolveTarget', { instanceInformation: [{ InstanceId: INSTANCE, PingStatus: 'ConnectionLost' }] });
    expect(out.error).toMatch(/not reachable \(ConnectionLost\).*AllowOffline=true.*STOPS/);
    expect(out.calls).toEqual(['describe_instance_information']);
  });
});
