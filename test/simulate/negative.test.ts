import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from '../../src/simulate/document';
import { runMatrix } from '../../src/simulate/matrix';
import { findScenario } from '../../src/simulate/scenarios';
import { Simulator } from '../../src/simulate/simulator';

// Broken copies of the fixture runbook must be caught by the invariants.

const fixture = fs.readFileSync(path.join(__dirname, 'docs', 'Fixture-OfflineRepair.yaml'), 'utf8');

describe('invariants catch broken runbooks', () => {
  const sim = new Simulator();
  afterAll(() => sim.close());

  it('the intact fixture passes its scenarios without faults', async () => {
    sim.add(parseDocument(fixture, 'Intact'));
    const results = await runMatrix(sim, ['Intact'], ['agent-offline', 'in-asg', 'user-data-16k', 'kms-start-failure'].map(findScenario), { faults: 'none' });
    expect(results.flatMap((r) => r.violations)).toEqual([]);
  });

  it('a runbook that never exits Standby is caught in the Auto Scaling scenario', async () => {
    const broken = fixture.replace('      Default: exitStandby\n', '      Default: done\n');
    expect(broken).not.toBe(fixture);
    sim.add(parseDocument(broken, 'NoExitStandby'));
    const [r] = await runMatrix(sim, ['NoExitStandby'], [findScenario('in-asg')], { faults: 'none' });
    expect(r.violations.map((v) => v.invariant)).toContain('asg-restored');
  });

  it('a runbook that restores the saved base64 text as is (double encoding) is caught', async () => {
    const broken = fixture.replace("UserData={'Value': base64.b64decode(events['Saved'])}", "UserData={'Value': events['Saved']}");
    expect(broken).not.toBe(fixture);
    sim.add(parseDocument(broken, 'DoubleEncoded'));
    const [r] = await runMatrix(sim, ['DoubleEncoded'], [findScenario('agent-offline')], { faults: 'none' });
    expect(r.violations.map((v) => v.invariant)).toContain('user-data-restored');
  });

  it('a runbook whose restore path is skipped on a failed start is caught under the start-failure fault', async () => {
    const broken = fixture.replace('    onFailure: step:stopForRestore\n    onCancel: step:stopForRestore\n', '    onCancel: step:stopForRestore\n');
    expect(broken).not.toBe(fixture);
    sim.add(parseDocument(broken, 'NoRestoreOnStartFailure'));
    const results = await runMatrix(sim, ['NoRestoreOnStartFailure'], [findScenario('agent-offline')], { faults: 'all' });
    const hit = results.filter((r) => r.faultKind === 'start-failure' && r.violations.some((v) => v.invariant === 'user-data-restored'));
    expect(hit.length).toBeGreaterThan(0);
  });
});
