import { validateDocument } from '../../src/automation/validate';
import { MAX_DOCUMENT_BYTES } from '../../src/automation';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { checkUndoPaths, stepEffects } from '../../src/runbooks/safety';
import { Obj, rendered, renderedRunbooks, step } from './rendered';

describe('every shipped runbook', () => {
  test.each(renderedRunbooks().map((r) => [r.name, r] as const))('%s passes the validator, the undo-path check and the size limit', (_name, r) => {
    expect(validateDocument(r.doc, { file: r.name })).toEqual([]);
    expect(checkUndoPaths(r.doc)).toEqual([]);
    expect(Buffer.byteLength(r.yaml)).toBeLessThan(MAX_DOCUMENT_BYTES);
  });

  test.each(renderedRunbooks().map((r) => [r.name, r] as const))('%s lists every step that changes something in its docs', (_name, r) => {
    const changing = [...stepEffects(r.doc)].filter(([, e]) => e.changes.size > 0).map(([name]) => name);
    const documented = r.runbook.changes.map((c) => c.step);
    expect(changing.filter((name) => !documented.includes(name))).toEqual([]);
    for (const c of r.runbook.changes) expect(c.undo.trim()).not.toBe('');
  });
});

describe('the undo-path check', () => {
  const fresh = (): Obj => structuredClone(rendered(OFFLINE_RUNBOOK).doc);

  test('finds the changes in the offline runbook from the rendered actions', () => {
    const effects = stepEffects(fresh());
    expect([...effects.get('TakeLock')!.changes]).toEqual(['lock']);
    expect([...effects.get('EnterStandby')!.changes]).toEqual(['standby']);
    expect([...effects.get('StopInstance')!.changes]).toEqual(['stop']);
    expect([...effects.get('SwapInRepairUserData')!.changes]).toEqual(['user-data']);
    expect([...effects.get('RestoreUserData')!.undoes]).toEqual(['user-data']);
    expect([...effects.get('CancelCleanup')!.undoes].sort()).toEqual(['lock', 'standby', 'stop', 'user-data']);
    // The cancel cleanup stops the instance and starts it again itself: its stop is no change.
    expect([...effects.get('CancelCleanup')!.changes]).toEqual([]);
    expect([...effects.get('RestoreUserData')!.changes]).toEqual(['stop']);
  });

  test('a removed onFailure edge is reported with the step and the changes it would leave in effect', () => {
    const doc = fresh();
    delete step(doc, 'SwapInRepairUserData').onFailure;
    expect(checkUndoPaths(doc)).toEqual([
      'step SwapInRepairUserData has onFailure Abort while these changes may still be in effect: lock (by TakeLock), '
      + 'standby (by EnterStandby), stop (by ForceStopInstance, StopInstance), user-data (by SwapInRepairUserData) — route it through the undo steps',
    ]);
  });

  test('a removed onCancel edge is reported', () => {
    const doc = fresh();
    delete step(doc, 'WaitForStandby').onCancel;
    expect(checkUndoPaths(doc)).toEqual([
      'step WaitForStandby has onCancel Abort while these changes may still be in effect: lock (by TakeLock), standby (by EnterStandby) — route it through the undo steps',
    ]);
  });

  test('an undo chain that skips the user-data restore is reported at its end', () => {
    const doc = fresh();
    step(doc, 'VerifyRepair').nextStep = 'RestartIfWasRunning';
    for (const s of doc.mainSteps as Obj[]) if (s.onFailure === 'step:RestoreUserData') s.onFailure = 'step:RestartIfWasRunning';
    const problems = checkUndoPaths(doc);
    expect(problems.some((p) => p.startsWith('step Finish has onFailure Abort') && p.includes('user-data (by SwapInRepairUserData)'))).toBe(true);
  });
});
