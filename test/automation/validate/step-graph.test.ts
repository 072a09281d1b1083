import { analyzeStepGraph } from '../../../src/automation/validate';

const s = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, action: 'aws:sleep', inputs: { Duration: 'PT1S' }, ...extra });
const branch = (name: string, choices: string[], def?: string): Record<string, unknown> => ({
  name,
  action: 'aws:branch',
  inputs: { Choices: choices.map((c) => ({ NextStep: c, Variable: '{{ P }}', StringEquals: c })), ...(def === undefined ? {} : { Default: def }) },
});
const doc = (...mainSteps: Array<Record<string, unknown>>): unknown => ({ schemaVersion: '0.3', mainSteps });

describe('analyzeStepGraph', () => {
  test('list order, nextStep, onFailure, onCancel and Continue edges', () => {
    const g = analyzeStepGraph(doc(s('a', { onFailure: 'step:c', onCancel: 'step:d' }), s('b', { nextStep: 'd', onFailure: 'Continue' }), s('c'), s('d')));
    expect(g.entry).toBe('a');
    expect(g.successors('a')).toEqual([
      { from: 'a', to: 'c', kind: 'failure', completed: false },
      { from: 'a', to: 'd', kind: 'cancel', completed: false },
      { from: 'a', to: 'b', kind: 'fallthrough', completed: true },
    ]);
    expect(g.successors('b').map((e) => [e.to, e.kind])).toEqual([['d', 'next'], ['d', 'continue']]);
    expect([...g.reachable].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('isEnd stops the list order; a branch without Default falls through', () => {
    const g = analyzeStepGraph(doc(branch('x', ['z']), s('y', { isEnd: true }), s('z')));
    expect(g.successors('x').map((e) => [e.to, e.kind])).toEqual([['z', 'choice'], ['y', 'fallthrough']]);
    expect(g.successors('y')).toEqual([]);
  });

  test('guaranteed steps: both branches vs one branch', () => {
    // x branches to l or r; both join at j. Only x is guaranteed at j.
    const g = analyzeStepGraph(doc(branch('x', ['l'], 'r'), s('l', { nextStep: 'j' }), s('r'), s('j')));
    expect([...g.guaranteedBefore('j')].sort()).toEqual(['x']);
    expect([...g.guaranteedBefore('l')]).toEqual(['x']);
    expect([...g.guaranteedBefore('r')]).toEqual(['x']);
  });

  test('a step reached through an onFailure edge has not seen the failed step', () => {
    // a → b on success, a → b on failure: b cannot rely on a.
    const g = analyzeStepGraph(doc(s('a', { onFailure: 'step:b' }), s('b')));
    expect([...g.guaranteedBefore('b')]).toEqual([]);
    // a → b only on success: b can rely on a.
    expect([...analyzeStepGraph(doc(s('a'), s('b'))).guaranteedBefore('b')]).toEqual(['a']);
  });

  test('loops in the graph: a step before the loop stays guaranteed, the step itself is excluded', () => {
    const g = analyzeStepGraph(doc(s('a'), s('b'), branch('c', ['b'], 'd'), s('d')));
    expect([...g.guaranteedBefore('b')]).toEqual(['a']);
    expect([...g.guaranteedBefore('d')].sort()).toEqual(['a', 'b', 'c']);
  });

  test('unreachable steps and dangling targets', () => {
    const g = analyzeStepGraph(doc(s('a', { isEnd: true, onFailure: 'step:nope' }), s('b')));
    expect(g.reachable.has('b')).toBe(false);
    expect(g.dangling).toEqual([{ from: 'a', target: 'nope', kind: 'failure' }]);
    expect([...g.guaranteedBefore('b')]).toEqual([]);
  });

  test('malformed input yields an empty graph, not an exception', () => {
    for (const bad of [null, 42, 'x', {}, { mainSteps: 'no' }, { mainSteps: [null, 3] }]) {
      const g = analyzeStepGraph(bad);
      expect(g.steps).toEqual([]);
      expect(g.entry).toBeUndefined();
    }
  });
});
