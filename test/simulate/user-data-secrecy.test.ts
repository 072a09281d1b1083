import * as path from 'node:path';
import {
  AutomationExecution, buildWorld, findScenario, Scenario, SCENARIO_BUCKET, scenarioParameters, Simulator, World,
} from '../../src/simulate';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';

// User data often holds secrets. The original is kept in the backup bucket and only its location
// and SHA-256 travel between steps, so a sentinel in the original user data must appear in no step
// output, no step input and no execution record — in plain text or base64 — for every runbook.

const ROOT = path.join(__dirname, '..', '..');
const current = new Simulator(Simulator.loadDir(path.join(ROOT, 'runbooks')));
const previous = new Simulator(Simulator.loadDir(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1')));
afterAll(async () => {
  await current.close();
  await previous.close();
});

const SENTINEL = 'SENTINEL-bootstrap-token-7f3a9c1e5b2d4086';
const USER_DATA = Buffer.from(`#!/bin/bash\nexport JOIN_TOKEN=${SENTINEL}\n/opt/app/join --token "$JOIN_TOKEN"\n`, 'utf8');

/** The sentinel as it would appear in plain text or inside any base64 encoding of bytes around it. */
function encodings(secret: string): string[] {
  const out = [secret];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.from('x'.repeat(shift) + secret, 'utf8').toString('base64');
    // Drop the characters that depend on the bytes before and after the secret.
    out.push(b64.slice(Math.ceil((shift * 4) / 3) + 1, -4));
  }
  return out;
}

/** Every record a reader of the execution can get: the simulator's record and the SSM API views. */
function records(world: World, e: AutomationExecution): string[] {
  const out = [JSON.stringify(e)];
  const visit = (x: AutomationExecution): void => {
    out.push(JSON.stringify(world.call('ssm', 'GetAutomationExecution', { AutomationExecutionId: x.AutomationExecutionId })));
    out.push(JSON.stringify(world.call('ssm', 'DescribeAutomationStepExecutions', { AutomationExecutionId: x.AutomationExecutionId })));
    x.ChildExecutions.forEach(visit);
  };
  visit(e);
  return out;
}

function leaks(texts: string[]): string[] {
  return encodings(SENTINEL).filter((needle) => texts.some((t) => t.includes(needle)));
}

async function runWith(sim: Simulator, runbook: string, scenarioName: string, extra: Record<string, string> = {}) {
  const base: Scenario = findScenario(scenarioName);
  const scenario: Scenario = { ...base, instance: { ...base.instance, userData: USER_DATA } };
  const { world, instance } = buildWorld(scenario, { seed: 3 });
  const doc = sim.documents.get(runbook);
  if (!doc) throw new Error(`no ${runbook}`);
  const execution = await sim.run(world, runbook, { ...scenarioParameters(doc, instance), ...extra });
  return { world, instance, execution };
}

describe('a secret in the original user data', () => {
  test('the check finds the sentinel where the previous offline runbook put it (its base64 in step outputs and inputs)', async () => {
    const { world, execution } = await runWith(previous, OFFLINE_RUNBOOK, 'agent-offline');
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(leaks(records(world, execution)).length).toBeGreaterThan(0);
  });

  const cases = [
    ['EC2SSHRescue-FixAccessOffline', 'agent-offline', {}],
    ['EC2SSHRescue-FixAccessOffline', 'in-asg', {}],
    ['EC2SSHRescue-FixAccessOnline', 'managed-online', {}],
    ['EC2SSHRescue-Repair', 'managed-online', {}],
    ['EC2SSHRescue-Repair', 'agent-offline', { AllowOffline: 'true' }],
  ] as const;
  test.each(cases)('%s in %s: repaired, user data restored, and the sentinel is in no output, input or record', async (runbook, scenario, extra) => {
    const { world, instance, execution } = await runWith(current, runbook, scenario, extra);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(instance.userData.equals(USER_DATA)).toBe(true);
    expect(leaks(records(world, execution))).toEqual([]);
  });

  test('the backup is in the bucket, and the steps carry only its location and SHA-256', async () => {
    const { world, execution } = await runWith(current, OFFLINE_RUNBOOK, 'agent-offline');
    const backup = execution.StepExecutions.find((s) => s.StepName === 'BackupUserData');
    const key = `ec2-ssh-rescue/i-0123456789abcdef0/${execution.AutomationExecutionId}/user-data.bin`;
    expect(backup?.Outputs).toMatchObject({ BackupLocation: [`s3://${SCENARIO_BUCKET}/${key}`], UserDataBase64: [''] });
    expect(world.s3.buckets.get(SCENARIO_BUCKET)?.objects.get(key)?.body.equals(USER_DATA)).toBe(true);
  });

  test('without a bucket the offline repair refuses before any change, saying what would be exposed', async () => {
    const { world, execution } = await runWith(current, OFFLINE_RUNBOOK, 'agent-offline', { BackupS3BucketName: '' });
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.FailureMessage).toMatch(/it has user data \(maybe secrets\) and no BackupS3BucketName; give one, or AllowUserDataInExecutionRecord=true/);
    expect(world.stateLog).toEqual([]);
    expect(leaks(records(world, execution))).toEqual([]);
  });

  test('with AllowUserDataInExecutionRecord=true and no bucket it repairs, and the record holds the user data as the user chose', async () => {
    const { world, instance, execution } = await runWith(current, OFFLINE_RUNBOOK, 'agent-offline', { BackupS3BucketName: '', AllowUserDataInExecutionRecord: 'true' });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(instance.userData.equals(USER_DATA)).toBe(true);
    expect(leaks(records(world, execution)).length).toBeGreaterThan(0);
  });

  test('the restore refuses a backup whose bytes no longer match the SHA-256 taken before the first change', async () => {
    const base = findScenario('agent-offline');
    const { world, instance } = buildWorld({ ...base, instance: { ...base.instance, userData: USER_DATA } }, { seed: 3 });
    const doc = current.documents.get(OFFLINE_RUNBOOK);
    if (!doc) throw new Error('no offline runbook');
    const e = await current.run(world, OFFLINE_RUNBOOK, scenarioParameters(doc, instance), {
      hooks: {
        onStepStart: (_d, step) => {
          if (step.name !== 'RestoreUserData') return undefined;
          const bucket = world.s3.buckets.get(SCENARIO_BUCKET);
          for (const [k, o] of bucket?.objects ?? []) bucket?.objects.set(k, { ...o, body: Buffer.from('#!/bin/bash\necho TAMPERED\n') });
          return undefined;
        },
      },
    });
    expect(e.AutomationExecutionStatus).toBe('Failed');
    expect(e.StepExecutions.find((s) => s.StepName === 'RestoreUserData')?.FailureMessage).toContain('does not match its SHA-256; nothing written');
    expect(instance.userData.toString('utf8')).not.toContain('TAMPERED');
  });
});
