/**
 * Check 3: the shape of the step graph — unique names, existing jump targets, no
 * unreachable step (warning), a Default on every aws:branch (warning), isEnd xor
 * nextStep. Findings have check `graph`. Semantics: see step-graph.ts.
 */
import type { Diagnostic } from './diagnostic';
import { allSteps, loopSteps, mainSteps, stepTarget } from './document-view';
import { ON_CANCEL_FORBIDDEN } from './actions';
import { finding } from './rules';
import { analyzeStepGraph, type EdgeKind } from './step-graph';

const EDGE_FIELD: Record<EdgeKind, string> = {
  next: 'nextStep',
  fallthrough: 'next step in the list',
  choice: 'inputs.Choices[].NextStep',
  default: 'inputs.Default',
  continue: 'onFailure',
  failure: 'onFailure',
  cancel: 'onCancel',
};


/** Runs check 3 on a parsed document. */
export function checkGraph(doc: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (rule: string, step: string | undefined, message: string, fix: string): void => {
    out.push(finding(rule, file, step, message, fix));
  };

  const seen = new Set<string>();
  for (const s of allSteps(doc)) {
    if (seen.has(s.name)) err('SSM-GRAPH-001', s.name, `duplicate step name "${s.name}"`, 'give every step a name that is unique in the whole document, loop bodies included');
    seen.add(s.name);
  }

  const graph = analyzeStepGraph(doc);
  for (const d of graph.dangling) {
    err('SSM-GRAPH-002', d.from, `${EDGE_FIELD[d.kind]} points to step "${d.target}", which does not exist`, `use the name of an existing step (${graph.steps.map((s) => s.name).join(', ')})`);
  }

  for (const s of allSteps(doc)) {
    if (s.isEnd && s.nextStep !== undefined) {
      err('SSM-GRAPH-003', s.name, `isEnd is true and nextStep is "${s.nextStep}": the automation stops here, so nextStep is never used`, 'remove one of isEnd and nextStep');
    }
    if (s.action === 'aws:branch' && s.inputs !== undefined && s.inputs.Default === undefined && !s.isEnd) {
      // automation-action-branch.html: with no match and no Default the automation goes on in list order, rarely what was meant.
      err('SSM-GRAPH-004', s.name, 'aws:branch has no Default: when no choice matches, the automation silently falls through to the next step in the list', 'add inputs.Default naming the step to run when no choice matches');
    }
    if (s.onCancel !== undefined && s.onCancel !== 'Abort' && stepTarget(s.onCancel) === undefined) {
      err('SSM-GRAPH-003', s.name, `onCancel is "${s.onCancel}"; only Abort or step:<name> are allowed`, 'use Abort or step:<name>');
    }
  }

  // automation-actions.html (onCancel): "doesn't support moving to" these actions.
  const byName = new Map(allSteps(doc).map((s) => [s.name, s]));
  for (const s of allSteps(doc)) {
    const target = byName.get(stepTarget(s.onCancel) ?? '');
    if (target?.action !== undefined && ON_CANCEL_FORBIDDEN.has(target.action)) {
      err('SSM-GRAPH-005', s.name, `onCancel moves to ${target.name}, an ${target.action} step; onCancel cannot move to ${[...ON_CANCEL_FORBIDDEN].join(', ')}`, 'cancel to a step of another action, e.g. aws:executeAwsApi');
    }
  }

  // Jumps inside a loop body must stay inside it.
  for (const loop of mainSteps(doc)) {
    const body = loopSteps(loop);
    const names = new Set(body.map((b) => b.name));
    for (const b of body) {
      for (const [field, target] of [['nextStep', b.nextStep], ['onFailure', stepTarget(b.onFailure)], ['onCancel', stepTarget(b.onCancel)]] as const) {
        if (target !== undefined && !names.has(target)) err('SSM-GRAPH-006', b.name, `${field} points to "${target}", which is not a step of loop ${loop.name}`, `jump only to steps of the same loop body (${[...names].join(', ')})`);
      }
    }
  }

  const flagged = new Set<string>();
  for (const s of graph.steps) {
    if (!graph.reachable.has(s.name) && !flagged.has(s.name)) {
      flagged.add(s.name);
      err('SSM-GRAPH-007', s.name, `step "${s.name}" is unreachable: no nextStep, branch, onFailure/onCancel or list fall-through leads to it`, 'point a step at it or delete it');
    }
  }
  return out;
}
