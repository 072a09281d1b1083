import * as path from 'node:path';
import { Simulator } from '../../src/simulate/simulator';
import { World } from '../../src/simulate/world/world';
import { INSTANCE_ID } from './helpers';

// Small documents shaped like AWS-published runbooks (test/simulate/docs), end to end.

describe('AWS-published runbook shapes', () => {
  const sim = new Simulator(Simulator.loadDir(path.join(__dirname, 'docs')));
  afterAll(() => sim.close());

  function setup(inGroup: boolean): World {
    const w = new World({ seed: 21 });
    const i = w.ec2.add({ instanceId: INSTANCE_ID });
    if (inGroup) w.autoscaling.addGroup({ name: 'web', minSize: 1, maxSize: 3, desiredCapacity: 2 }, i);
    return w;
  }

  it('AWS-StopEC2Instance stops the instance and waits for it', async () => {
    const w = setup(false);
    const e = await sim.run(w, 'AWS-StopEC2Instance', { InstanceId: [INSTANCE_ID] });
    expect(e.AutomationExecutionStatus).toBe('Success');
    expect(w.ec2.instances.get(INSTANCE_ID)?.state).toBe('stopped');
  });

  it('AWS-RestartEC2Instance stops and starts, costing one stop/start cycle', async () => {
    const w = setup(false);
    const e = await sim.run(w, 'AWS-RestartEC2Instance', { InstanceId: [INSTANCE_ID] });
    expect(e.AutomationExecutionStatus).toBe('Success');
    expect(w.stateLog.map((s) => s.state)).toEqual(['stopping', 'stopped', 'pending', 'running']);
  });

  it('AWS-RestartEC2Instance on an InService Auto Scaling instance usually loses it to a replacement', async () => {
    // Whether the health check sees the instance stopped depends on the drawn latencies:
    // over 20 seeds most restarts lose the instance, and a lost instance never ends Success.
    let lost = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const w = new World({ seed });
      w.autoscaling.addGroup({ name: 'web', minSize: 1, maxSize: 3, desiredCapacity: 2 }, w.ec2.add({ instanceId: INSTANCE_ID }));
      const e = await sim.run(w, 'AWS-RestartEC2Instance', { InstanceId: [INSTANCE_ID] });
      w.clock.advanceBy(30 * 60_000);
      if (w.autoscaling.replacements.some((r) => r.terminated === INSTANCE_ID)) {
        lost++;
        expect(e.AutomationExecutionStatus).not.toBe('Success');
      }
    }
    expect(lost).toBeGreaterThan(10);
  });

  it('AWS-ASGEnterStandby, a restart, then AWS-ASGExitStandby keeps the instance and the capacity', async () => {
    const w = setup(true);
    const enter = await sim.run(w, 'AWS-ASGEnterStandby', { InstanceId: INSTANCE_ID });
    expect(enter.Outputs).toEqual({ 'describeASGInstance.ASGName': ['web'] });
    expect((await sim.run(w, 'AWS-RestartEC2Instance', { InstanceId: [INSTANCE_ID] })).AutomationExecutionStatus).toBe('Success');
    expect((await sim.run(w, 'AWS-ASGExitStandby', { InstanceId: INSTANCE_ID })).AutomationExecutionStatus).toBe('Success');
    w.clock.advanceBy(30 * 60_000);
    expect(w.autoscaling.replacements).toEqual([]);
    expect(w.autoscaling.membership(INSTANCE_ID)).toEqual({ group: 'web', lifecycle: 'InService', desired: 2 });
  });

  it('AWS-ASGExitStandby on an instance that is not in Standby fails with the ValidationError', async () => {
    const w = setup(true);
    const e = await sim.run(w, 'AWS-ASGExitStandby', { InstanceId: INSTANCE_ID });
    expect(e.AutomationExecutionStatus).toBe('Failed');
    expect(e.FailureMessage).toContain('ValidationError');
  });
});
