import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AutomationExecution, buildWorld, findScenario, runCase, Scenario, SCENARIO_BUCKET, scenarioParameters, Simulator, StepExecution, World,
} from '../../src/simulate';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { REPAIR_RUNBOOK } from '../../src/runbooks/repair';

// Each behaviour of real AWS below broke the 0.1.0 runbooks (test/fixtures/runbooks-0.1, byte for
// byte) while the simulator did not model it. Every test runs the previous runbook in the
// simulator and shows it fail, then the current runbook (runbooks/, as committed) and shows it pass.

const ROOT = path.join(__dirname, '..', '..');
const previous = new Simulator(Simulator.loadDir(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1')));
const current = new Simulator(Simulator.loadDir(path.join(ROOT, 'runbooks')));
afterAll(async () => {
  await previous.close();
  await current.close();
});

const seconds = (s: StepExecution): number => (s.endMs - s.startMs) / 1000;
const stepOf = (e: AutomationExecution | undefined, name: string): StepExecution | undefined => e?.StepExecutions.find((s) => s.StepName === name);

/** The `--parameters` of every start-automation-execution example in the README, parsed as the AWS CLI shorthand. */
function readmeExamples(): Record<string, string>[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/start-automation-execution --document-name EC2SSHRescue-Repair \\\n\s+--parameters '([^']+)'/g)]
    .map((m) => Object.fromEntries(m[1].split(',').map((kv) => kv.split('=', 2) as [string, string])));
}

describe('1. no assume role, no permissions (Using scripts in runbooks)', () => {
  const scenario = findScenario('agent-offline');
  // The 0.1.0 README started the repair without a role.
  const unfixedExample = { InstanceId: 'i-0123456789abcdef0', UserName: 'ec2-user', Mode: 'Fix', AllowOffline: 'true' };

  test('the previous runbook, started as its README said, fails at its first script step', async () => {
    const { world } = buildWorld(scenario, { seed: 1 });
    const e = await previous.run(world, REPAIR_RUNBOOK, unfixedExample);
    expect(e.AutomationExecutionStatus).toBe('Failed');
    expect(e.StepExecutions[0]).toMatchObject({ StepName: 'ResolveTarget', StepStatus: 'Failed' });
    expect(e.StepExecutions[0].FailureMessage).toContain('NoCredentialsError');
  });

  test('the current runbook refuses a start without the role before any step runs', async () => {
    const { world } = buildWorld(scenario, { seed: 1 });
    const e = await current.run(world, REPAIR_RUNBOOK, unfixedExample);
    expect(e.AutomationExecutionStatus).toBe('Failed');
    expect(e.StepExecutions).toEqual([]);
    expect(e.FailureMessage).toMatch(/AutomationAssumeRole/);
  });

  test('every README example passes the role, and each one runs in the simulator', async () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      expect(example.AutomationAssumeRole).toMatch(/^arn:aws:iam::\d{12}:role\//);
      const { world } = buildWorld(scenario, { seed: 1 });
      world.s3.addBucket({ name: example.BackupS3BucketName ?? 'unused-bucket' });
      const e = await current.run(world, REPAIR_RUNBOOK, example);
      // Diagnose refuses the offline path without AllowOffline; the fix example repairs.
      const failures = [e, ...e.ChildExecutions].flatMap((x) => x.StepExecutions).map((s) => s.FailureMessage ?? '');
      expect(failures.join('\n')).not.toContain('NoCredentialsError');
      if (example.AllowOffline === 'true') expect(e.AutomationExecutionStatus).toBe('Success');
    }
  });
});

describe('2. customer managed KMS keys (kms-iam-ec2-permission)', () => {
  test('the previous runbook stops an instance whose volume key it cannot use and leaves it stopped', async () => {
    const r = await runCase(previous, OFFLINE_RUNBOOK, findScenario('cmk-volume-denied'), undefined, 1);
    expect(r.violations).toContainEqual({ invariant: 'state-restored', detail: 'instance is stopped, was running' });
  });

  test('the current runbook refuses before any change, naming the volume and the key', async () => {
    const r = await runCase(current, OFFLINE_RUNBOOK, findScenario('cmk-volume-denied'), undefined, 1);
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('Failed');
    expect(r.failureMessage).toMatch(/Refusing to repair .* volume vol-\w+ is under KMS key arn:aws:kms:[^ ]+ \(AccessDeniedException\), so EC2 could not start it again/);
    // Only the lock was taken, and released.
    expect(r.execution?.StepExecutions.map((s) => s.StepName)).toEqual(['TakeLock', 'Preflight', 'Unlock', 'Finish']);
    expect(r.metrics.stopStartCycles).toBe(0);
  });

  test('a key the role may use does not stop the repair', async () => {
    const r = await runCase(current, OFFLINE_RUNBOOK, findScenario('cmk-volume'), undefined, 1);
    expect([r.status, r.violations]).toEqual(['Success', []]);
  });

  test('an SSE-KMS backup bucket whose key the role may not use stops the run before the first change', async () => {
    const scenario = findScenario('agent-offline');
    const { world, instance } = buildWorld(scenario, { seed: 1 });
    world.kms.add({ keyId: 'denied-bucket-key', roleMayUse: false });
    world.s3.addBucket({ name: 'locked-bucket', kmsKeyId: 'denied-bucket-key' });
    const e = await current.run(world, OFFLINE_RUNBOOK, { ...scenarioParameters(current.documents.get(OFFLINE_RUNBOOK)!, instance), BackupS3BucketName: 'locked-bucket' });
    expect(e.AutomationExecutionStatus).toBe('Failed');
    expect(stepOf(e, 'BackupUserData')?.FailureMessage).toMatch(/AccessDenied.*kms:GenerateDataKey/);
    expect(e.StepExecutions.map((s) => s.StepName)).toEqual(['TakeLock', 'Preflight', 'ReadKeyPair', 'BackupUserData', 'Unlock', 'Finish']);
    expect(world.stateLog).toEqual([]);
  });
});

describe('5. console output on Xen instance types (GetConsoleOutput Latest is Nitro only)', () => {
  test('the previous runbook waits out 540 s for a marker a Xen type never posts while running', async () => {
    const r = await runCase(previous, OFFLINE_RUNBOOK, findScenario('xen-console'), undefined, 1);
    expect(r.violations.map((v) => v.invariant)).toContain('expected-outcome');
    // It polls until less than one 15 s poll is left of its 540 s.
    expect(seconds(stepOf(r.execution, 'VerifyRepair') as StepExecution)).toBeGreaterThan(520);
  });

  test('the current runbook reads the posted output once and reports unverified, naming the hypervisor', async () => {
    const r = await runCase(current, OFFLINE_RUNBOOK, findScenario('xen-console'), undefined, 1);
    expect(r.violations).toEqual([]);
    expect(r.failureMessage).toMatch(/unverified: type t2\.micro runs on the xen hypervisor/);
    expect(seconds(stepOf(r.execution, 'VerifyRepair') as StepExecution)).toBeLessThan(5);
    // Everything was still put back.
    expect(r.failureMessage).toContain('user data restored: true');
  });

  test('on a Nitro type the current runbook still reads the live console and repairs', async () => {
    const r = await runCase(current, OFFLINE_RUNBOOK, findScenario('agent-offline'), undefined, 1);
    expect(r.status).toBe('Success');
    expect(r.execution?.Outputs['Finish.ConsoleMarker'][0]).toMatch(/verdict=fixed/);
  });
});

describe('6. leftover repair user data', () => {
  test('the previous runbook backs up the leftover repair user data as the original and "restores" it', async () => {
    const r = await runCase(previous, OFFLINE_RUNBOOK, findScenario('leftover-repair-user-data'), undefined, 1);
    expect(r.status).toBe('Success');
    expect(r.violations).toEqual([{ invariant: 'expected-outcome', detail: 'expected a refusal, got Success' }]);
  });

  test('the current runbook refuses, naming the earlier execution and where its backup is', async () => {
    const r = await runCase(current, OFFLINE_RUNBOOK, findScenario('leftover-repair-user-data'), undefined, 1);
    expect(r.violations).toEqual([]);
    expect(r.failureMessage).toContain('repair user data of execution e0a1b2c3-0000-4000-8000-00000000e4a1');
    expect(r.failureMessage).toContain(`s3://${SCENARIO_BUCKET}/ec2-ssh-rescue/i-0123456789abcdef0/e0a1b2c3-0000-4000-8000-00000000e4a1/user-data.bin`);
    expect(r.metrics.stopStartCycles).toBe(0);
  });
});

describe('9. Finish pages StepExecutionsTruncated', () => {
  // GetAutomationExecution returning only the first 5 step executions.
  const truncated = { seed: 1, stepExecutionsLimit: 5 };
  async function finishMessage(sim: Simulator, options: { seed: number; stepExecutionsLimit?: number }): Promise<string> {
    const scenario: Scenario = findScenario('kms-start-failure');
    const { world, instance } = buildWorld(scenario, options);
    const e = await sim.run(world, OFFLINE_RUNBOOK, scenarioParameters(sim.documents.get(OFFLINE_RUNBOOK)!, instance));
    return e.FailureMessage ?? '';
  }

  test('the previous Finish misreads a truncated record: it says the user data was not restored', async () => {
    const message = await finishMessage(previous, truncated);
    expect(message).toContain('the original user data was not restored');
    expect(message).not.toContain('Client.InternalError');
  });

  test('the current Finish pages DescribeAutomationStepExecutions and reports as on a full record', async () => {
    const full = await finishMessage(current, { seed: 1 });
    expect(full).toContain('EC2 stopped the instance');
    expect(await finishMessage(current, truncated)).toBe(full);
  });
});

describe('the simulated world these tests rely on', () => {
  test('GetAutomationExecution truncates and DescribeAutomationStepExecutions pages at most 50', () => {
    const w = new World({ stepExecutionsLimit: 2 });
    const steps = Array.from({ length: 120 }, (_, n) => ({ StepName: `s${n}` }));
    w.ssm.registerExecution('e1', () => ({ AutomationExecutionId: 'e1', StepExecutions: steps }));
    const got = w.call('ssm', 'GetAutomationExecution', { AutomationExecutionId: 'e1' }).AutomationExecution as { StepExecutions: unknown[]; StepExecutionsTruncated: boolean };
    expect([got.StepExecutions.length, got.StepExecutionsTruncated]).toEqual([2, true]);
    const pages: number[] = [];
    let token: string | undefined;
    do {
      const page = w.call('ssm', 'DescribeAutomationStepExecutions', { AutomationExecutionId: 'e1', ...(token ? { NextToken: token } : {}) });
      pages.push((page.StepExecutions as unknown[]).length);
      token = page.NextToken as string | undefined;
    } while (token);
    expect(pages).toEqual([50, 50, 20]);
  });
});
