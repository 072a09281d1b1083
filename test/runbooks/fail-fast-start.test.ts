import { findScenario, parseDocument, runCase, Simulator, StepExecution } from '../../src/simulate';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { rendered, step } from './rendered';

// GIVEN the offline runbook as rendered, run by the project's simulator on an instance whose start
// EC2 turns back to stopped (Client.InternalError: the root volume's KMS key cannot be used).
const { yaml, doc } = rendered(OFFLINE_RUNBOOK);
const START_STEPS = ['StartForRepair', 'WaitForRepairStart', 'WaitForStatusChecks'];

describe('the repair start', () => {
  const sim = new Simulator([parseDocument(yaml, OFFLINE_RUNBOOK)]);
  afterAll(() => sim.close());

  test('fails at once with EC2\'s reason when the instance goes pending -> stopped, and still restores everything', async () => {
    const result = await runCase(sim, OFFLINE_RUNBOOK, findScenario('kms-start-failure'), undefined, 1);
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^Step Finish failed: Exception: Step WaitForRepairStart failed: Exception: EC2 stopped the instance instead of running it: Client.InternalError: Client error on launch Cleanup ran; user data restored: true\./);
    expect(result.failureMessage).toContain('EC2 reports for the instance: Client.InternalError: Client error on launch');
    expect(result.violations).toEqual([]);
    // The wait ends with the turned-back start (seconds), not with its 270 s timeout.
    const seconds = (s: StepExecution): number => (s.endMs - s.startMs) / 1000;
    const steps = result.execution?.StepExecutions ?? [];
    const wait = steps.find((s) => s.StepName === 'WaitForRepairStart');
    expect(wait?.StepStatus).toBe('Failed');
    expect(seconds(wait as StepExecution)).toBeLessThan(60);
    expect(steps.map((s) => s.StepName)).toEqual(expect.arrayContaining(['RestoreUserData', 'RestartIfWasRunning', 'CancelCleanup', 'Finish']));
    expect(steps.map((s) => s.StepName)).not.toContain('WaitForStatusChecks');
  });

  test('waits for the start to end (a stale "stopped" is no failed start), then waits for the status checks without changing anything', () => {
    expect(step(doc, 'StartForRepair')).toMatchObject({ action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'StartInstances' } });
    expect(step(doc, 'WaitForRepairStart')).toMatchObject({ action: 'aws:executeScript', inputs: { InputPayload: { StaleSeconds: 60 } } });
    expect(step(doc, 'WaitForStatusChecks')).toMatchObject({ action: 'aws:changeInstanceState', inputs: { CheckStateOnly: true, DesiredState: 'running' } });
  });

  test.each(START_STEPS)('%s hands every failure to the undo chain and every cancel to the cancel cleanup', (name) => {
    expect(step(doc, name)).toMatchObject({ onFailure: 'step:RestoreUserData', onCancel: 'step:CancelCleanup' });
  });
});
