/**
 * Control-flow analysis of an Automation document's `mainSteps`.
 *
 * Semantics follow the "Properties shared by all actions" and `aws:branch` pages of
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 * and https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html:
 * - after success a step goes to `nextStep`, else to the next step in the list;
 *   `isEnd: true` stops the automation whether the step succeeded or failed;
 * - `onFailure: step:X` jumps to X, `Continue` goes on as after success (the failed
 *   step's outputs are not set), `Abort` (the default) stops;
 * - `onCancel: step:X` jumps to X when a user cancels the step;
 * - `aws:branch` goes to the `NextStep` of the first matching choice, else to
 *   `Default`, and with no `Default` falls through to the next step in the list — or,
 *   with `isEnd: true`, ends the automation.
 *
 * Steps inside an `aws:loop` are not nodes of this graph: the loop step stands for
 * its whole body.
 */
import { isObject, mainSteps, stepTarget, type StepView } from './document-view';

/** Why control moves from one step to another. */
export type EdgeKind =
  | 'next' // nextStep after success
  | 'fallthrough' // list order after success
  | 'choice' // aws:branch Choices[].NextStep
  | 'default' // aws:branch Default
  | 'continue' // onFailure: Continue
  | 'failure' // onFailure: step:X
  | 'cancel'; // onCancel: step:X

/** One control-flow edge. */
export interface StepEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /**
   * True when taking this edge means `from` completed successfully, so its outputs
   * are set. False for failure, continue-after-failure and cancel edges.
   */
  readonly completed: boolean;
}

/** An edge whose target names no step of the document. */
export interface DanglingTarget {
  readonly from: string;
  readonly target: string;
  readonly kind: EdgeKind;
}

/** The result of {@link analyzeStepGraph}. */
export interface StepGraph {
  /** The main steps in list order. */
  readonly steps: readonly StepView[];
  /** The first step, where every execution starts; undefined for an empty document. */
  readonly entry?: string;
  /** Outgoing edges of a step (empty for unknown names). */
  successors(step: string): readonly StepEdge[];
  /** Steps some execution can reach from the entry, following every edge kind. */
  readonly reachable: ReadonlySet<string>;
  /**
   * Steps that have completed successfully on EVERY path from the entry to `step`
   * (the step itself excluded). A step reached only through X's onFailure edge has
   * not seen X's outputs, so X is not in the set. Empty for unreachable steps.
   */
  guaranteedBefore(step: string): ReadonlySet<string>;
  /** Edges that point at missing steps (they are left out of the graph). */
  readonly dangling: readonly DanglingTarget[];
}

function branchEdges(step: StepView): Array<{ to: string; kind: EdgeKind }> {
  const edges: Array<{ to: string; kind: EdgeKind }> = [];
  const choices = step.inputs?.Choices;
  if (Array.isArray(choices)) {
    for (const c of choices) {
      if (isObject(c) && typeof c.NextStep === 'string') edges.push({ to: c.NextStep, kind: 'choice' });
    }
  }
  if (typeof step.inputs?.Default === 'string') edges.push({ to: step.inputs.Default, kind: 'default' });
  return edges;
}

function rawEdges(step: StepView, following: StepView | undefined): Array<{ to: string; kind: EdgeKind }> {
  const edges: Array<{ to: string; kind: EdgeKind }> = [];
  const failTarget = stepTarget(step.onFailure);
  if (failTarget !== undefined) edges.push({ to: failTarget, kind: 'failure' });
  const cancelTarget = stepTarget(step.onCancel);
  if (cancelTarget !== undefined) edges.push({ to: cancelTarget, kind: 'cancel' });
  if (step.action === 'aws:branch' && step.isEnd) {
    // A branch with isEnd: true still jumps to a matching choice; it ends the automation
    // only when no choice matches (the common "end unless ..." pattern of AWS runbooks).
    edges.push(...branchEdges(step));
    return edges;
  }
  if (step.isEnd) return edges;
  // Where the automation goes after this step when it does not jump.
  const normal: { to: string; kind: EdgeKind } | undefined =
    step.nextStep !== undefined
      ? { to: step.nextStep, kind: 'next' }
      : following !== undefined
        ? { to: following.name, kind: 'fallthrough' }
        : undefined;
  if (step.action === 'aws:branch') {
    const b = branchEdges(step);
    edges.push(...b);
    if (!b.some((e) => e.kind === 'default') && following !== undefined) {
      edges.push({ to: following.name, kind: 'fallthrough' });
    }
  } else if (normal !== undefined) {
    edges.push(normal);
  }
  if (step.onFailure === 'Continue' && normal !== undefined) edges.push({ to: normal.to, kind: 'continue' });
  return edges;
}

const SUCCESS_KINDS: ReadonlySet<EdgeKind> = new Set(['next', 'fallthrough', 'choice', 'default']);

/** Builds the control-flow graph of a parsed document (tolerates malformed input). */
export function analyzeStepGraph(doc: unknown): StepGraph {
  const steps = mainSteps(doc);
  const names = new Set(steps.map((s) => s.name));
  const out = new Map<string, StepEdge[]>();
  const dangling: DanglingTarget[] = [];
  steps.forEach((step, i) => {
    if (out.has(step.name)) return; // duplicate names: the first definition wins
    const edges: StepEdge[] = [];
    for (const e of rawEdges(step, steps[i + 1])) {
      if (!names.has(e.to)) dangling.push({ from: step.name, target: e.to, kind: e.kind });
      else edges.push({ from: step.name, to: e.to, kind: e.kind, completed: SUCCESS_KINDS.has(e.kind) });
    }
    out.set(step.name, edges);
  });
  const entry = steps[0]?.name;

  const reachable = new Set<string>();
  const work = entry === undefined ? [] : [entry];
  while (work.length > 0) {
    const s = work.pop() as string;
    if (reachable.has(s)) continue;
    reachable.add(s);
    for (const e of out.get(s) ?? []) work.push(e.to);
  }

  // Forward "must" data-flow: done(n) = ∩ over incoming edges p→n of done(p) ∪ ({p} if
  // the edge means p completed). The entry also has the empty start path.
  const done = new Map<string, Set<string>>();
  const incoming = new Map<string, StepEdge[]>();
  for (const edges of out.values()) {
    for (const e of edges) {
      if (reachable.has(e.from)) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
    }
  }
  const order = steps.map((s) => s.name).filter((n, i, a) => reachable.has(n) && a.indexOf(n) === i);
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of order) {
      let acc: Set<string> | undefined = n === entry ? new Set() : undefined;
      for (const e of incoming.get(n) ?? []) {
        const before = done.get(e.from);
        if (before === undefined) continue; // not computed yet: the top element of the lattice
        const via = new Set(before);
        if (e.completed) via.add(e.from);
        acc = acc === undefined ? via : new Set([...acc].filter((x) => via.has(x)));
      }
      if (acc === undefined) continue;
      const prev = done.get(n);
      if (prev === undefined || prev.size !== acc.size || [...prev].some((x) => !acc.has(x))) {
        done.set(n, acc);
        changed = true;
      }
    }
  }

  return {
    steps,
    entry,
    successors: (step) => out.get(step) ?? [],
    reachable,
    guaranteedBefore: (step) => {
      const d = new Set(done.get(step) ?? []);
      d.delete(step); // a step inside a cycle has completed before its next run, not this one
      return d;
    },
    dangling,
  };
}
