import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaseResult, runMatrix } from '../../src/simulate/matrix';
import { RUNBOOK_PROFILES } from '../../src/simulate/runbook-profiles';
import { SCENARIOS } from '../../src/simulate/scenarios';
import { Simulator } from '../../src/simulate/simulator';

const RUNBOOK_DIR = path.join(__dirname, '..', '..', 'runbooks');

const summary = (rs: readonly CaseResult[]): string[] =>
  rs.flatMap((r) => [...r.violations.map((v) => `${r.scenario} ${r.fault} ${r.status}: ${v.invariant}: ${v.detail}`), ...(r.error ? [`${r.scenario} ${r.fault}: ${r.error}`] : [])]);

describe('fault matrix', () => {
  it('is deterministic for a seed', async () => {
    const sim = new Simulator(Simulator.loadDir(path.join(__dirname, 'docs')), { pythonWorkers: 2 });
    try {
      const scenarios = SCENARIOS.filter((s) => ['agent-offline', 'in-asg'].includes(s.name));
      const a = await runMatrix(sim, ['Fixture-OfflineRepair'], scenarios, { seed: 3 });
      const b = await runMatrix(sim, ['Fixture-OfflineRepair'], scenarios, { seed: 3 });
      const key = (rs: CaseResult[]): string[] => rs.map((r) => `${r.scenario} ${r.fault} ${r.status} ${r.metrics.simulatedSeconds} ${r.violations.length}`);
      expect(key(a)).toEqual(key(b));
      expect(a.filter((r) => r.injected).length).toBeGreaterThan(50);
    } finally {
      await sim.close();
    }
  });
});

// The project's runbooks, as synthesised into runbooks/: every fault at every step they
// reach, in every scenario, must keep the invariants.
const present = RUNBOOK_PROFILES.map((p) => p.name);

describe('fault matrix over runbooks/', () => {
  it('has every profiled runbook rendered in runbooks/', () => {
    expect(present.filter((n) => !fs.existsSync(path.join(RUNBOOK_DIR, `${n}.yaml`)))).toEqual([]);
  });
  const sim = new Simulator(Simulator.loadDir(RUNBOOK_DIR), { pythonWorkers: 2 });
  let results: CaseResult[] = [];
  // Every fault kind at every step of three runbooks in every scenario: thousands of executions,
  // more than the default per-test timeout on a loaded machine.
  beforeAll(async () => {
    results = await runMatrix(sim, present, SCENARIOS, { faults: 'all', seed: 1 });
  }, 600_000);
  afterAll(() => sim.close());

  describe.each(present)('%s', (runbook) => {
    const mine = (): CaseResult[] => results.filter((r) => r.runbook === runbook);

    it('runs every scenario without simulator errors and injects faults', () => {
      expect(mine().filter((r) => r.error).map((r) => r.error)).toEqual([]);
      expect(mine().filter((r) => r.injected).length).toBeGreaterThan(0);
    });

    it('repairs or refuses as intended without faults', () => {
      expect(summary(mine().filter((r) => r.fault === 'none'))).toEqual([]);
    });

    it('keeps every invariant under every fault', () => {
      expect(summary(mine().filter((r) => r.fault !== 'none'))).toEqual([]);
    });
  });
});
