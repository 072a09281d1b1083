import { ONLINE_RUNBOOK } from '../../src/runbooks/online';
import { HandlerWorld, rendered, runHandler, step, substitute } from './rendered';

// GIVEN the online runbook's handlers as rendered, run by Debian's python with fake SSM answers.
const { doc } = rendered(ONLINE_RUNBOOK);
const INSTANCE = 'i-0123456789abcdef0';
const REPORT = JSON.stringify({
  tool: 'ec2-ssh-rescue', version: 1, mode: 'fix', user: 'ec2-user', requestId: 'r', verdict: 'fixed',
  findings: [{ code: 'home-group-writable', path: '/home/ec2-user', message: 'group writable' }],
  actions: [{ action: 'chmod', path: '/home/ec2-user', from: '0775', to: '0755' }],
});

function runStep(name: string, values: Record<string, unknown>, world: Partial<HandlerWorld> = {}): ReturnType<typeof runHandler> {
  const inputs = step(doc, name).inputs as { Script: string; InputPayload: unknown };
  return runHandler(inputs.Script, substitute(inputs.InputPayload, { InstanceId: INSTANCE, ...values }), { state: 'running', userData: Buffer.alloc(0), tags: {}, ...world });
}

describe('CheckOnline', () => {
  test.each([
    [[], /is not an SSM managed node.*EC2SSHRescue-FixAccessOffline.*AllowOffline=true/],
    [[{ PingStatus: 'ConnectionLost', PlatformType: 'Linux' }], /is ConnectionLost, not Online.*EC2SSHRescue-FixAccessOffline/],
    [[{ PingStatus: 'Online', PlatformType: 'Windows' }], /runs Windows; this repair is for Linux sshd/],
  ])('refuses %j', (information, message) => {
    expect(runStep('CheckOnline', {}, { instanceInformation: information }).error).toMatch(message);
  });

  test('accepts an Online Linux node', () => {
    expect(runStep('CheckOnline', {}, { instanceInformation: [{ PingStatus: 'Online', PlatformType: 'Linux' }] }).result).toEqual({ PingStatus: 'Online' });
  });
});

describe('ParseReport', () => {
  test('reads the report printed first in the (truncated) Output', () => {
    const out = runStep('ParseReport', { 'RunRepair.Output': `${REPORT}\n--- ec2-ssh-rescue exit code 0; readable output:\nchecking...`, 'RunRepair.CommandId': 'c-1' });
    expect(out.result).toEqual({
      Verdict: 'fixed', User: 'ec2-user',
      Findings: ['home-group-writable /home/ec2-user: group writable'], ActionsTaken: ['chmod /home/ec2-user: 0775 -> 0755'],
    });
    expect(out.calls).toEqual([]);
  });

  test('a report longer than the 2500 characters of Output is read whole from GetCommandInvocation', () => {
    const out = runStep('ParseReport', { 'RunRepair.Output': REPORT.slice(0, 60), 'RunRepair.CommandId': 'c-1' }, { standardOutput: `${REPORT}\nmore` });
    expect(out.result).toMatchObject({ Verdict: 'fixed' });
    expect(out.calls).toEqual(['get_command_invocation']);
  });

  test('no report at all fails the step', () => {
    expect(runStep('ParseReport', { 'RunRepair.Output': 'sh: 1: syntax error', 'RunRepair.CommandId': 'c-1' }, { standardOutput: 'sh: 1: syntax error' }).error)
      .toBe('The repair command printed no ec2-ssh-rescue report; see the RunRepair step output.');
  });
});

describe('Conclude', () => {
  test.each(['cannot-fix', 'user-not-found', 'bad-input'])('verdict %s ends the execution Failed with the findings', (verdict) => {
    const out = runStep('Conclude', { 'ParseReport.Verdict': verdict, 'ParseReport.User': 'bob', 'ParseReport.Findings': ['a: b', 'c: d'] });
    expect(out.error).toBe(`The repair script reported "${verdict}" for user "bob": a: b | c: d`);
  });

  test.each(['ok', 'fixed', 'needs-fix'])('verdict %s succeeds', (verdict) => {
    expect(runStep('Conclude', { 'ParseReport.Verdict': verdict, 'ParseReport.User': 'bob', 'ParseReport.Findings': ['none'] }).result).toEqual({ Verdict: verdict });
  });
});
