import { LOCK_PARAMETER_PREFIX, LOCK_RECOVERY_PREFIX } from '../../src/runbooks/lock';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { HandlerWorld, rendered, runHandler, step, substitute } from './rendered';

// GIVEN the offline runbook's TakeLock and ReleaseLock handlers as rendered, run by Debian's python
// against the Parameter Store of fixtures/run_handler.py (PutParameter without Overwrite fails
// with ParameterAlreadyExists, as the API reference says).
const { doc } = rendered(OFFLINE_RUNBOOK);
const ME = '0b5c3f4e-1d2a-4b6c-9e8f-123456789abc';
const OTHER = '6f1e2d3c-4b5a-4969-8877-665544332211';
const INSTANCE = 'i-0123456789abcdef0';
const LOCK = `${LOCK_PARAMETER_PREFIX}${INSTANCE}`;
const CLAIM = `${LOCK_RECOVERY_PREFIX}${INSTANCE}`;

function runStep(name: string, world: Partial<HandlerWorld>): ReturnType<typeof runHandler> {
  const inputs = step(doc, name).inputs as { Script: string; InputPayload: unknown };
  const events = substitute(inputs.InputPayload, { InstanceId: INSTANCE, 'automation:EXECUTION_ID': ME });
  return runHandler(inputs.Script, events, { state: 'running', userData: Buffer.alloc(0), tags: {}, ...world });
}
const holder = (status: string): Record<string, unknown> => ({ [OTHER]: { AutomationExecutionId: OTHER, AutomationExecutionStatus: status } });

describe('TakeLock', () => {
  test('creates the lock when there is none', () => {
    const out = runStep('TakeLock', {});
    expect(out.error).toBeUndefined();
    expect(out.world.parameters).toEqual({ [LOCK]: ME });
  });

  test('finds its own lock on a second attempt', () => {
    const out = runStep('TakeLock', { parameters: { [LOCK]: ME } });
    expect(out.error).toBeUndefined();
    expect(out.world.parameters).toEqual({ [LOCK]: ME });
  });

  test.each(['InProgress', 'Cancelling'])('refuses, changing nothing, while the holder is %s', (status) => {
    const out = runStep('TakeLock', { parameters: { [LOCK]: OTHER }, executions: holder(status) });
    expect(out.error).toBe(`Refusing to repair ${INSTANCE}; nothing was changed: execution ${OTHER} is ${status} on this instance; wait for it to end.`);
    expect(out.world.parameters).toEqual({ [LOCK]: OTHER });
    expect(out.calls.filter((c) => c === 'delete_parameter')).toEqual([]);
  });

  test.each(['Failed', 'Cancelled'])('recovers a stale lock whose holder is %s, under a claim it removes again', (status) => {
    const out = runStep('TakeLock', { parameters: { [LOCK]: OTHER }, executions: holder(status) });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ Lock: LOCK, Recovered: `${OTHER} (${status})` });
    expect(out.world.parameters).toEqual({ [LOCK]: ME });
    expect(out.calls).toContain('put_parameter');
  });

  test('refuses while another execution holds the recovery claim', () => {
    const out = runStep('TakeLock', { parameters: { [LOCK]: OTHER, [CLAIM]: `${OTHER}>someone` }, executions: holder('Failed') });
    expect(out.error).toContain('another execution is recovering the stale lock');
    expect(out.world.parameters).toEqual({ [LOCK]: OTHER, [CLAIM]: `${OTHER}>someone` });
  });

  test('never recovers a lock its holder kept because something is still in effect', () => {
    const kept = `${OTHER}|kept: the instance is pending, not yet running`;
    const out = runStep('TakeLock', { parameters: { [LOCK]: kept }, executions: holder('Cancelled') });
    expect(out.error).toContain(`execution ${OTHER} kept the lock because something it changed is still in effect (kept: the instance is pending`);
    expect(out.error).toContain(`aws ssm delete-parameter --name ${LOCK}`);
    expect(out.world.parameters).toEqual({ [LOCK]: kept });
  });

  test('refuses a lock naming an execution Automation does not know, and one that is no execution id', () => {
    const unknown = runStep('TakeLock', { parameters: { [LOCK]: OTHER } });
    expect(unknown.error).toContain('which is no Automation execution of this account and Region');
    const garbage = runStep('TakeLock', { parameters: { [LOCK]: 'me, by hand' } });
    expect(garbage.error).toContain('which is no execution id');
    expect(garbage.world.parameters).toEqual({ [LOCK]: 'me, by hand' });
  });
});

describe('ReleaseLock', () => {
  test('removes its own lock, leaves another\'s and a kept one, and is harmless when run again', () => {
    expect(runStep('ReleaseLock', { parameters: { [LOCK]: ME } }).world.parameters).toEqual({});
    expect(runStep('ReleaseLock', { parameters: { [LOCK]: OTHER } }).world.parameters).toEqual({ [LOCK]: OTHER });
    const kept = `${ME}|kept: still in Standby`;
    expect(runStep('ReleaseLock', { parameters: { [LOCK]: kept } }).world.parameters).toEqual({ [LOCK]: kept });
    expect(runStep('ReleaseLock', { parameters: {} }).result).toEqual({ Action: 'no lock' });
  });
});
