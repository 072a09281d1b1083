import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayKind } from '../../src/run/display';
import { checkStartOptions, InputError } from '../../src/run/input';
import { CycleCounter, describeRunbook } from '../../src/run/runbook-info';

const RUNBOOKS = path.join(__dirname, '..', '..', 'runbooks');
const read = (name: string): string => fs.readFileSync(path.join(RUNBOOKS, `${name}.yaml`), 'utf8');

describe('what run reads from the rendered runbooks', () => {
  test('the offline runbook: two stop/start cycles planned, its own step descriptions, which steps change things', () => {
    const info = describeRunbook('EC2SSHRescue-FixAccessOffline', read('EC2SSHRescue-FixAccessOffline'));
    expect(info.plannedCycles).toBe(2);
    expect(info.descriptions.get('StopInstance')).toMatch(/^Stops the instance/);
    expect(info.power.get('StopInstance')).toEqual({ stops: true, starts: false, changes: true });
    // CheckStateOnly waits for a state and changes nothing.
    expect(info.power.get('WaitForStatusChecks')?.changes).toBe(false);
    expect(info.power.get('Preflight')?.changes).toBe(false);
  });

  test('the orchestrator starts both children and stops nothing itself', () => {
    const info = describeRunbook('EC2SSHRescue-Repair', read('EC2SSHRescue-Repair'));
    expect([...info.children].sort()).toEqual(['EC2SSHRescue-FixAccessOffline', 'EC2SSHRescue-FixAccessOnline']);
    expect(info.plannedCycles).toBe(0);
    expect(Object.keys(info.parameters)).toEqual(expect.arrayContaining(['InstanceId', 'UserName', 'Mode', 'AllowOffline', 'Strict']));
  });

  test('a cycle opens at the first stop after a start; a forced stop in the same cycle does not open another', () => {
    const c = new CycleCounter();
    const none = { stops: false, starts: false, changes: false };
    const stop = { stops: true, starts: false, changes: true };
    const start = { stops: false, starts: true, changes: true };
    expect([none, stop, stop, start, none, stop, start].map((p) => c.onStep(p))).toEqual([0, 1, 1, 1, 1, 2, 2]);
  });
});

describe('run options and display', () => {
  test('a terminal gets the panel, CI and pipes get plain lines, --json wins', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(displayKind(false, tty, {})).toBe('tty');
    expect(displayKind(false, tty, { CI: 'true' })).toBe('plain');
    expect(displayKind(false, pipe, {})).toBe('plain');
    expect(displayKind(true, tty, {})).toBe('json');
  });

  test('instance ARNs are accepted; ids of the wrong length are not', () => {
    expect(checkStartOptions({ instance: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0' }).mode).toBe('diagnose');
    expect(() => checkStartOptions({ instance: 'i-0123456789abcdef' })).toThrow(InputError);
    expect(() => checkStartOptions({ instance: 'i-0123456789abcdef0', mode: 'repair' })).toThrow(/--mode must be diagnose or fix/);
  });
});
