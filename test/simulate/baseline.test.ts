import { baselineDocument, BASELINE_NAME } from '../../src/simulate/baseline';
import { runCase } from '../../src/simulate/matrix';
import { findScenario } from '../../src/simulate/scenarios';
import { Simulator } from '../../src/simulate/simulator';

// The knowledge-center procedure taken literally: it repairs a plain instance, but has no
// Standby and no backup, and the simulator shows what that costs.

describe('knowledge-center baseline', () => {
  const sim = new Simulator([baselineDocument()]);
  afterAll(() => sim.close());

  it('repairs an instance without user data', async () => {
    const r = await runCase(sim, BASELINE_NAME, findScenario('empty-user-data'), undefined, 1);
    expect(r.status).toBe('Success');
    expect(r.violations).toEqual([]);
    expect(r.metrics.stopStartCycles).toBe(2);
  });

  it('in an Auto Scaling group loses the instance to a replacement (why Standby matters)', async () => {
    const r = await runCase(sim, BASELINE_NAME, findScenario('in-asg'), undefined, 1);
    expect(r.violations.map((v) => v.invariant)).toEqual(expect.arrayContaining(['no-replacement', 'instance-kept']));
    expect(r.status).not.toBe('Success');
  });

  it('destroys the original user data', async () => {
    const r = await runCase(sim, BASELINE_NAME, findScenario('user-data-16k'), undefined, 1);
    expect(r.violations.map((v) => v.invariant)).toContain('user-data-restored');
  });
});
