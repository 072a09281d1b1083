import * as path from 'node:path';
import { findScenario, runCase, Simulator } from '../../src/simulate';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { rendered, runHandler, step, substitute } from '../runbooks/rendered';

// Auto Scaling groups the offline repair must not put through Standby: one whose capacity EKS
// owns (tag eks:nodegroup-name) and one whose launch lifecycle hook ABANDONs an instance that
// leaves Standby. The previous runbook (test/fixtures/runbooks-0.1) against the current one.
const ROOT = path.join(__dirname, '..', '..');

async function offlineCase(dir: string, scenario: string) {
  const sim = new Simulator(Simulator.loadDir(dir));
  try {
    return await runCase(sim, OFFLINE_RUNBOOK, findScenario(scenario), undefined, 1);
  } finally {
    await sim.close();
  }
}

describe('Auto Scaling groups another service or a lifecycle hook controls', () => {
  test('0.1.0: leaving Standby under an ABANDON launch hook loses the instance to a replacement', async () => {
    const r = await offlineCase(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1'), 'asg-launch-hook-abandon');
    expect(r.violations.map((v) => v.invariant)).toEqual(expect.arrayContaining(['no-replacement']));
  });

  test('0.1.0: works on an instance of an EKS managed node group instead of refusing', async () => {
    const r = await offlineCase(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1'), 'asg-eks-managed');
    expect(r.violations.map((v) => v.invariant)).toContain('expected-outcome');
  });

  test.each(['asg-launch-hook-abandon', 'asg-eks-managed'])('current: %s is refused before any change', async (scenario) => {
    const r = await offlineCase(path.join(ROOT, 'runbooks'), scenario);
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('Failed');
    expect(r.failureMessage).toMatch(/Step Preflight failed: .*Refusing to repair i-0123456789abcdef0 offline; nothing was changed/);
    expect(r.execution?.StepExecutions.map((s) => s.StepName)).toEqual(['TakeLock', 'Preflight', 'Unlock', 'Finish']);
  });
});

describe('Preflight and ExitStandbyIfEntered handlers', () => {
  const { doc } = rendered(OFFLINE_RUNBOOK);
  const VALUES = { InstanceId: 'i-0123456789abcdef0', 'automation:EXECUTION_ID': '0b5c3f4e-1d2a-4b6c-9e8f-123456789abc', 'Preflight.InAutoScalingGroup': true, 'Preflight.AutoScalingGroupName': 'web-asg', AcknowledgeInstanceStoreDataLoss: false };
  const runStep = (name: string, asg: Record<string, unknown>) => {
    const inputs = step(doc, name).inputs as { Script: string; InputPayload: unknown };
    return runHandler(inputs.Script, substitute(inputs.InputPayload, VALUES), { state: 'running', userData: Buffer.alloc(0), tags: {}, asg: { group: 'web-asg', lifecycle: 'InService', min: 1, desired: 2, ...asg } });
  };

  test.each([
    ['AmazonECSManaged', 'an ECS capacity provider'],
    ['elasticbeanstalk:environment-name', 'an Elastic Beanstalk environment'],
    ['eks:nodegroup-name', 'an EKS managed node group'],
  ])('Preflight refuses a group tagged %s', (key, owner) => {
    const out = runStep('Preflight', { tags: [{ Key: key, Value: 'x' }] });
    expect(out.error).toContain(`group web-asg belongs to ${owner} (tag ${key})`);
  });

  test('Preflight refuses an ABANDON launch hook and accepts a CONTINUE one', () => {
    const hook = (r: string): Record<string, unknown> => ({ LifecycleHookName: 'warmup', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', DefaultResult: r });
    expect(runStep('Preflight', { hooks: [hook('ABANDON')] }).error).toContain('launch lifecycle hook warmup with DefaultResult ABANDON');
    expect(runStep('Preflight', { hooks: [hook('CONTINUE')] }).error).toBeUndefined();
  });

  test('ExitStandbyIfEntered names the commands when the group scaled to its maximum meanwhile', () => {
    const out = runStep('ExitStandbyIfEntered', { lifecycle: 'Standby', desired: 4, max: 4 });
    expect(out.error).toContain('the group scaled to its maximum (4) meanwhile');
    expect(out.error).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --max-size 5');
    expect(out.calls).not.toContain('exit_standby');
  });
});
