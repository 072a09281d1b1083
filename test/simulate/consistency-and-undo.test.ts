import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { describeRollbackGroup, rollbackPathGroups } from '../../src/runbooks/safety';
import { Fault, FaultKind, findScenario, runCase, Simulator, STALE_READ_MS, World } from '../../src/simulate';
import { INSTANCE_ID } from './helpers';

// The previous runbooks (test/fixtures/runbooks-0.1, byte for byte as released) against the
// current ones, under two behaviours the simulator models since: EC2's eventually consistent reads
// and an undo step that fails however often it is retried.
const OFFLINE = 'EC2SSHRescue-FixAccessOffline';
const ROOT = path.join(__dirname, '..', '..');
const PREVIOUS = path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1');
const CURRENT = path.join(ROOT, 'runbooks');

async function offlineCase(dir: string, kind: FaultKind, step: string, scenario = 'agent-offline') {
  const sim = new Simulator(Simulator.loadDir(dir));
  try {
    const fault: Fault = { kind, at: { document: OFFLINE, step } };
    return await runCase(sim, OFFLINE, findScenario(scenario), fault, 1);
  } finally {
    await sim.close();
  }
}

describe('EC2 eventual consistency (fault kind stale-reads)', () => {
  test('the world: right after a start a read still says stopped, with the earlier stop\'s reason; after the window it is current', () => {
    const w = new World({ seed: 3 });
    w.ec2.add({ instanceId: INSTANCE_ID, state: 'stopped' });
    w.ec2.staleReadMs = STALE_READ_MS;
    const read = (): { Name: string; Reason?: string } => {
      const r = w.call('ec2', 'DescribeInstances', { InstanceIds: [INSTANCE_ID] }) as { Reservations: { Instances: { State: { Name: string }; StateReason?: { Code: string } }[] }[] };
      const i = r.Reservations[0].Instances[0];
      return { Name: i.State.Name, Reason: i.StateReason?.Code };
    };
    w.call('ec2', 'StartInstances', { InstanceIds: [INSTANCE_ID] });
    expect(read().Name).toBe('stopped');
    w.clock.advanceBy(STALE_READ_MS);
    expect(['pending', 'running']).toContain(read().Name);
  });

  test('0.1.0: a stale "stopped" right after the repair start is taken for a failed start', async () => {
    const r = await offlineCase(PREVIOUS, 'stale-reads', 'StartForRepair');
    expect(r.status).toBe('Failed');
    expect(r.violations.map((v) => v.invariant)).toContain('expected-outcome');
  });

  test('current: the same run repairs, every read-back retried within its bound', async () => {
    const r = await offlineCase(CURRENT, 'stale-reads', 'StartForRepair');
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('Success');
  });

  test('current: stale reads from the first step on (the swap\'s and the restore\'s read-backs) still repair', async () => {
    const r = await offlineCase(CURRENT, 'stale-reads', 'TakeLock');
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('Success');
  });
});

describe('undo that survives its own failures', () => {
  const groups = (dir: string): string[] => rollbackPathGroups(YAML.parse(readFileSync(path.join(dir, `${OFFLINE}.yaml`), 'utf8'))).map(describeRollbackGroup);

  test('rollback-path analysis: 0.1.0 has 4 path groups that end with a change in effect, all where an undo step fails', () => {
    expect(groups(PREVIOUS)).toEqual([
      'when ExitStandbyIfEntered fails, the execution ends with standby (by EnterStandby) still in effect',
      'when ReleaseLock fails, the execution ends with lock (by TakeLock) still in effect',
      'when RestartIfWasRunning fails, the execution ends with stop (by RestoreUserData) still in effect',
      'when RestoreUserData fails, the execution ends with user-data (by SwapInRepairUserData) still in effect',
    ]);
  });

  test('rollback-path analysis: the current runbooks have none', () => {
    for (const name of ['EC2SSHRescue-FixAccessOffline', 'EC2SSHRescue-FixAccessOnline', 'EC2SSHRescue-Repair']) {
      expect(rollbackPathGroups(YAML.parse(readFileSync(path.join(CURRENT, `${name}.yaml`), 'utf8')))).toEqual([]);
    }
  });

  test('0.1.0: a restore that fails on every attempt (api-outage) leaves the repair user data in place', async () => {
    const r = await offlineCase(PREVIOUS, 'api-outage', 'RestoreUserData', 'in-asg');
    expect(r.violations.map((v) => v.invariant)).toContain('user-data-restored');
  });

  test('current: the second attempt (forced stop) restores it and the instance ends as found', async () => {
    const r = await offlineCase(CURRENT, 'api-outage', 'RestoreUserData', 'in-asg');
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('Failed');
    expect(r.execution?.StepExecutions.map((s) => `${s.StepName}:${s.StepStatus}`)).toEqual(expect.arrayContaining(['RestoreUserData:Failed', 'CancelCleanup:Success']));
  });

  test.each(['RestartIfWasRunning', 'ExitStandbyIfEntered', 'ReleaseLock'])('current: %s failing on every attempt is made good by the second attempt', async (step) => {
    const r = await offlineCase(CURRENT, 'api-outage', step, 'in-asg');
    expect(r.violations).toEqual([]);
  });
});
