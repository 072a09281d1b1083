import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { stepEffects } from '../../src/runbooks/safety';
import { checkLockInterleavings } from '../../src/simulate/lock-check';
import { Simulator } from '../../src/simulate/simulator';

// Two executions of the offline runbook on one instance, interleaved at every step boundary.
const OFFLINE = 'EC2SSHRescue-FixAccessOffline';
const ROOT = path.join(__dirname, '..', '..');

/** Steps that change the instance itself (the lock's own steps excluded) and steps that release the lock, from the rendered actions. */
function lockSteps(dir: string): [Set<string>, Set<string>] {
  const effects = [...stepEffects(YAML.parse(readFileSync(path.join(dir, `${OFFLINE}.yaml`), 'utf8')) as unknown)];
  return [
    new Set(effects.filter(([, e]) => [...e.changes].some((c) => c !== 'lock')).map(([name]) => name)),
    new Set(effects.filter(([, e]) => e.undoes.has('lock')).map(([name]) => name)),
  ];
}

async function interleavings(dir: string) {
  const sim = new Simulator(Simulator.loadDir(dir));
  try {
    return await checkLockInterleavings(sim, OFFLINE, ...lockSteps(dir));
  } finally {
    await sim.close();
  }
}

describe('the lock under two executions interleaved at every step boundary', () => {
  test('0.1.0 (tag, re-read after 10 s): some interleaving lets both work on the instance at once', async () => {
    const results = await interleavings(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1'));
    const broken = results.filter((r) => r.problems.includes('both executions changed the instance at the same time'));
    expect(broken.length).toBeGreaterThan(0);
  }, 300_000);

  test('current (Parameter Store, atomic create): exactly one proceeds, the other refuses before any change, nothing is left', async () => {
    const results = await interleavings(path.join(ROOT, 'runbooks'));
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
    // Where the second starts while the first holds the lock, it refuses (Failed) and the first succeeds.
    expect(results.some((r) => r.statuses.includes('Failed') && r.statuses.includes('Success'))).toBe(true);
  }, 300_000);
});
