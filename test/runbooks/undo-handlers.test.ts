import { createHash } from 'node:crypto';
import { LOCK_PARAMETER_PREFIX } from '../../src/runbooks/lock';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { HandlerWorld, Obj, rendered, runHandler, step, substitute } from './rendered';

// GIVEN the offline runbook's handlers as rendered, run by Debian's python against the in-memory
// EC2 / Auto Scaling / SSM of fixtures/run_handler.py (virtual clock, so polling ends at once).
const { doc } = rendered(OFFLINE_RUNBOOK);
const EXECUTION = '0b5c3f4e-1d2a-4b6c-9e8f-123456789abc';
const INSTANCE = 'i-0123456789abcdef0';
const ORIGINAL = Buffer.from('#cloud-config\npackages: [nginx]\n');
const REPAIR_USER_DATA = Buffer.from('Content-Type: multipart/mixed; boundary="//"\n\nrepair\n');
const VALUES = {
  InstanceId: INSTANCE,
  'automation:EXECUTION_ID': EXECUTION,
  // The user data kept in the execution record (no bucket, AllowUserDataInExecutionRecord=true).
  'BackupUserData.UserDataBase64': ORIGINAL.toString('base64'),
  'BackupUserData.Sha256': createHash('sha256').update(ORIGINAL).digest('hex'),
  'BackupUserData.BackupLocation': '',
  'Preflight.WasRunning': true,
  'Preflight.InAutoScalingGroup': true,
  'Preflight.AutoScalingGroupName': 'web-asg',
  AcknowledgeInstanceStoreDataLoss: false,
};

function runStep(name: string, world: HandlerWorld): ReturnType<typeof runHandler> {
  const inputs = step(doc, name).inputs as { Script: string; InputPayload: unknown };
  return runHandler(inputs.Script, substitute(inputs.InputPayload, VALUES), world);
}

const LOCK = `${LOCK_PARAMETER_PREFIX}${INSTANCE}`;
/** The lock parameter held by this execution (Parameter Store in the handler fixture). */
const locked = { [LOCK]: EXECUTION };

describe('ExitStandbyIfEntered', () => {
  test('leaves a stopped instance in Standby (the group would terminate it) and fails saying how to finish', () => {
    const out = runStep('ExitStandbyIfEntered', { state: 'stopped', userData: ORIGINAL, tags: {}, parameters: locked, asg: { group: 'web-asg', lifecycle: 'Standby', desired: 1 } });
    expect(out.error).toMatch(/^Left in Standby in group web-asg: the instance is stopped/);
    expect(out.error).toContain(`aws autoscaling exit-standby --instance-ids ${INSTANCE} --auto-scaling-group-name web-asg`);
    expect(out.calls).not.toContain('exit_standby');
    expect(out.world.asg).toEqual({ group: 'web-asg', lifecycle: 'Standby', desired: 1 });
  });

  test('returns a running instance to service', () => {
    const out = runStep('ExitStandbyIfEntered', { state: 'running', userData: ORIGINAL, tags: {}, parameters: locked, asg: { group: 'web-asg', lifecycle: 'Standby', desired: 1 } });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ Action: 'InService' });
    expect(out.world.asg).toEqual({ group: 'web-asg', lifecycle: 'InService', desired: 2 });
  });
});

describe('RestartIfWasRunning', () => {
  test('fails at once with EC2\'s reason when the start is turned back (KMS: Client.InternalError)', () => {
    const out = runStep('RestartIfWasRunning', { state: 'stopped', userData: ORIGINAL, tags: {}, parameters: locked, startFails: true });
    expect(out.error).toBe('The instance was running before the repair but did not start again: Client.InternalError: Client error on launch');
    expect(out.calls.filter((c) => c === 'start_instances')).toHaveLength(1);
    expect(out.elapsed).toBeLessThanOrEqual(10);
  });

  test('starts an instance that was running and waits for running', () => {
    const out = runStep('RestartIfWasRunning', { state: 'stopped', userData: ORIGINAL, tags: {}, parameters: locked });
    expect(out.result).toEqual({ Action: 'running' });
    expect(out.world.state).toBe('running');
  });
});

describe('Preflight', () => {
  test('refuses a stopped Auto Scaling member before any change', () => {
    const out = runStep('Preflight', { state: 'stopped', userData: ORIGINAL, tags: {}, asg: { group: 'web-asg', lifecycle: 'InService', min: 1, desired: 2 } });
    expect(out.error).toContain(`Refusing to repair ${INSTANCE} offline; nothing was changed: it is stopped while InService in Auto Scaling group web-asg`);
    expect(out.calls.filter((c) => !c.startsWith('describe_'))).toEqual([]);
  });

  test('accepts a running member of a group above its minimum', () => {
    const out = runStep('Preflight', { state: 'running', userData: ORIGINAL, tags: {}, asg: { group: 'web-asg', lifecycle: 'InService', min: 1, desired: 2 } });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ WasRunning: true, InAutoScalingGroup: true, AutoScalingGroupName: 'web-asg' });
  });
});

describe('Finish', () => {
  const execution = (steps: Obj[]): Record<string, unknown> => ({ [EXECUTION]: { AutomationExecutionStatus: 'InProgress', StepExecutions: steps } });
  const verified = { StepName: 'VerifyRepair', StepStatus: 'Success', Outputs: { Verdict: ['fixed'], ConsoleMarker: ['ec2-ssh-rescue: request=x verdict=fixed user=ec2-user actions=1'] } };

  test('does not report Success when the user data was not proven restored, even with a good verdict', () => {
    const out = runStep('Finish', {
      state: 'running', userData: ORIGINAL, tags: {},
      executions: execution([verified, { StepName: 'RestoreUserData', StepStatus: 'Success', Outputs: { UserDataRestored: ['false'], Action: ['left alone: execution other holds the lock'] } }]),
    });
    expect(out.error).toBe('The repair script reported "fixed", but the original user data was not restored (left alone: execution other holds the lock).');
  });

  test('a start turned back by EC2 is reported with EC2\'s reason (KMS)', () => {
    const out = runStep('Finish', {
      state: 'stopped', userData: ORIGINAL, tags: {}, startFails: true,
      executions: execution([
        { StepName: 'StartForRepair', StepStatus: 'TimedOut', FailureMessage: 'Step timed out' },
        { StepName: 'RestoreUserData', StepStatus: 'Success', Outputs: { UserDataRestored: ['true'], Action: ['restored 31 bytes'] } },
        { StepName: 'RestartIfWasRunning', StepStatus: 'Failed', FailureMessage: 'did not start again' },
      ]),
    });
    expect(out.error).toBe('Step StartForRepair failed: Step timed out Cleanup ran; user data restored: true. Cleanup steps that also failed: '
      + 'RestartIfWasRunning (did not start again) EC2 reports for the instance: Client.InternalError: Client error on launch');
  });

  test('reports Success with the verdict when the repair verified and everything was restored', () => {
    const out = runStep('Finish', {
      state: 'running', userData: ORIGINAL, tags: {},
      executions: execution([
        { StepName: 'StopInstance', StepStatus: 'TimedOut', FailureMessage: 'Step timed out' },
        verified,
        { StepName: 'RestoreUserData', StepStatus: 'Success', Outputs: { UserDataRestored: ['true'], Action: ['restored 31 bytes'] } },
      ]),
    });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ Verdict: 'fixed' });
  });
});

describe('CancelCleanup', () => {
  test('tries every undo, keeps a stopped instance in Standby and fails naming what is left', () => {
    const out = runStep('CancelCleanup', { state: 'stopped', userData: REPAIR_USER_DATA, tags: {}, parameters: locked, startFails: true, asg: { group: 'web-asg', lifecycle: 'Standby', desired: 1 } });
    expect(Buffer.from(out.world.userData, 'base64').equals(ORIGINAL)).toBe(true);
    expect(out.calls).not.toContain('exit_standby');
    expect(out.world.parameters).toEqual({});
    expect(out.error).toMatch(/^Cancel cleanup incomplete: start: EC2 stopped it again: Client.InternalError: Client error on launch; left in Standby: the instance is stopped; .*Done: user data restored; start requested; lock released\.$/);
  });
});

describe('CancelCleanup with a start that succeeds', () => {
  test('restores, starts, and returns the instance to service once it runs', () => {
    const out = runStep('CancelCleanup', { state: 'stopped', userData: REPAIR_USER_DATA, tags: {}, parameters: locked, asg: { group: 'web-asg', lifecycle: 'Standby', desired: 1 } });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ Summary: 'user data restored; start requested; exit from Standby requested; lock released' });
    expect(out.world).toMatchObject({ state: 'running', parameters: {}, asg: { lifecycle: 'InService', desired: 2 } });
    expect(out.elapsed).toBeLessThanOrEqual(60);
  });
});

describe('CancelCleanup of an instance running or starting with the repair user data', () => {
  // EC2 timings in virtual seconds: a graceful stop far longer than the cancel window, so only a
  // forced stop can make it.
  const timings = { stopSeconds: 600, forcedStopSeconds: 30, startSeconds: 30 };
  const standby = { group: 'web-asg', lifecycle: 'Standby', desired: 1 };
  const budget = (): number => Number(((step(doc, 'CancelCleanup').inputs as Obj).InputPayload as Obj).BudgetSeconds);

  test('the budget fits the step timeout, which fits the two-minute cancel window', () => {
    expect(budget()).toBeLessThan(Number(step(doc, 'CancelCleanup').timeoutSeconds));
    expect(Number(step(doc, 'CancelCleanup').timeoutSeconds)).toBeLessThanOrEqual(120);
  });

  test.each(['running', 'pending'])('force-stops a %s instance, restores the user data, starts it, leaves Standby and unlocks within the budget', (state) => {
    const out = runStep('CancelCleanup', { state, userData: REPAIR_USER_DATA, tags: {}, parameters: locked, asg: standby, ...timings });
    expect(out.error).toBeUndefined();
    expect(out.world.stops).toEqual([{ Force: true }]);
    expect(Buffer.from(out.world.userData, 'base64').equals(ORIGINAL)).toBe(true);
    expect(out.result).toEqual({ Summary: 'user data restored; start requested; exit from Standby requested; lock released' });
    expect(out.world).toMatchObject({ state: 'running', parameters: {}, asg: { lifecycle: 'InService', desired: 2 } });
    expect(out.elapsed).toBeLessThanOrEqual(budget());
  });

  test('a stop that does not end in time: the lock and the repair user data stay, and the failure says how to finish', () => {
    const out = runStep('CancelCleanup', { state: 'running', userData: REPAIR_USER_DATA, tags: {}, parameters: locked, asg: standby, ...timings, forcedStopSeconds: 300 });
    expect(out.world).toMatchObject({ state: 'stopping', asg: standby });
    expect(out.world.parameters?.[LOCK]).toMatch(new RegExp(`^${EXECUTION}\\|kept: the repair user data may still be in place`));
    expect(Buffer.from(out.world.userData, 'base64').equals(REPAIR_USER_DATA)).toBe(true);
    expect(out.error).toContain(`the repair user data may still be in place: run aws ec2 stop-instances --instance-ids ${INSTANCE} --force`);
    expect(out.error).toContain(`BackupUserData.UserDataBase64 of execution ${EXECUTION}`);
    expect(out.error).toContain(`lock ${LOCK} kept: remove it last with aws ssm delete-parameter --name ${LOCK}`);
    expect(out.error).toMatch(/Done: nothing\.$/);
    expect(out.elapsed).toBeGreaterThanOrEqual(budget() - 5);
    expect(out.elapsed).toBeLessThanOrEqual(budget() + 5);
  });

  test('a restart that does not end in time: user data restored, Standby and the lock kept, the failure names both commands', () => {
    const out = runStep('CancelCleanup', { state: 'running', userData: REPAIR_USER_DATA, tags: {}, parameters: locked, asg: standby, ...timings, startSeconds: 300 });
    expect(Buffer.from(out.world.userData, 'base64').equals(ORIGINAL)).toBe(true);
    expect(out.world).toMatchObject({ state: 'pending', asg: standby });
    expect(out.world.parameters?.[LOCK]).toMatch(new RegExp(`^${EXECUTION}\\|kept: the instance is pending`));
    expect(out.calls).not.toContain('exit_standby');
    expect(out.error).toContain('the instance is pending, not yet running');
    expect(out.error).toContain(`aws autoscaling exit-standby --instance-ids ${INSTANCE} --auto-scaling-group-name web-asg`);
    expect(out.error).toContain(`lock ${LOCK} kept`);
    expect(out.error).toMatch(/Done: user data restored; start requested\.$/);
    expect(out.elapsed).toBeLessThanOrEqual(budget() + 5);
  });

  test('a restart EC2 turns back (KMS): user data restored, kept in Standby, unlocked, failing with EC2\'s reason', () => {
    const out = runStep('CancelCleanup', { state: 'running', userData: REPAIR_USER_DATA, tags: {}, parameters: locked, asg: standby, ...timings, startFails: true });
    expect(Buffer.from(out.world.userData, 'base64').equals(ORIGINAL)).toBe(true);
    expect(out.world).toMatchObject({ state: 'stopped', parameters: {}, asg: standby });
    expect(out.error).toContain('start: EC2 stopped it again: Client.InternalError: Client error on launch');
  });
});

describe('CancelCleanup during EnterStandby', () => {
  test('waits for the transition to Standby and returns the running instance to service', () => {
    const out = runStep('CancelCleanup', { state: 'running', userData: ORIGINAL, tags: {}, parameters: locked, asg: { group: 'web-asg', lifecycle: 'EnteringStandby', desired: 1 } });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ Summary: 'exit from Standby requested; lock released' });
    expect(out.world).toMatchObject({ parameters: {}, asg: { lifecycle: 'InService', desired: 2 } });
  });
});

describe('an instance found stopped ends stopped', () => {
  const stoppedBefore = { 'Preflight.WasRunning': false };

  test('RestartIfWasRunning leaves it stopped', () => {
    const inputs = step(doc, 'RestartIfWasRunning').inputs as { Script: string; InputPayload: unknown };
    const out = runHandler(inputs.Script, substitute(inputs.InputPayload, { ...VALUES, ...stoppedBefore }), { state: 'stopped', userData: ORIGINAL, tags: {}, parameters: locked });
    expect(out.result).toEqual({ Action: 'left stopped: it was not running before' });
    expect(out.calls).not.toContain('start_instances');
  });

  test('CancelCleanup restores its user data without starting it', () => {
    const inputs = step(doc, 'CancelCleanup').inputs as { Script: string; InputPayload: unknown };
    const events = substitute(inputs.InputPayload, { ...VALUES, ...stoppedBefore, 'Preflight.InAutoScalingGroup': false });
    const out = runHandler(inputs.Script, events, { state: 'stopped', userData: REPAIR_USER_DATA, tags: {}, parameters: locked });
    expect(out.result).toEqual({ Summary: 'user data restored; lock released' });
    expect(out.world.state).toBe('stopped');
  });
});

describe('ExitStandbyIfEntered after a failed EnterStandby', () => {
  test('finds the instance InService and changes nothing', () => {
    const out = runStep('ExitStandbyIfEntered', { state: 'running', userData: ORIGINAL, tags: {}, parameters: locked, asg: { group: 'web-asg', lifecycle: 'InService', desired: 2 } });
    expect(out.result).toEqual({ Action: 'InService' });
    expect(out.calls).not.toContain('exit_standby');
  });
});

describe('the offline step options', () => {
  test('the description names every output the document publishes, as published', () => {
    for (const output of doc.outputs as string[]) expect(String(doc.description)).toContain(output);
  });

  test('the graceful stop, whose designed fallback is the forced stop, is not critical', () => {
    expect(step(doc, 'StopInstance')).toMatchObject({ isCritical: false, onFailure: 'step:ForceStopInstance' });
  });

  test.each(['RestoreUserData', 'RestartIfWasRunning', 'ExitStandbyIfEntered', 'ReleaseLock'])('undo step %s is retried after a transient error', (name) => {
    expect(step(doc, name).maxAttempts).toBeGreaterThanOrEqual(2);
  });
});
