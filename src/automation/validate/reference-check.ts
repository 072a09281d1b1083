/**
 * Check 4: every `{{ X }}` resolves — to a parameter, a runbook variable
 * (`variable:X`), a system variable, or `Step.Output` of a step that declares (or
 * always has) that output AND has completed on every path before the reader. Also
 * document outputs and parameter defaults. Findings have check `reference`.
 */
import { outputsOf } from './action-outputs';
import type { Diagnostic } from './diagnostic';
import { isObject, loopSteps, parameters, variables, type JsonObject, type StepView } from './document-view';
import { findReferences, SYSTEM_VARIABLES, type Reference } from './references';
import { analyzeStepGraph } from './step-graph';
import { checkParameterDefaults } from './parameter-check';
import { finding } from './rules';
import { checkBranchOperandTypes } from './checks/branch-operand-type';
import { checkUpdateVariable } from './checks/update-variable';

interface Scope {
  readonly params: ReadonlySet<string>;
  readonly vars: ReadonlySet<string>;
  /** Every step of the document by name (loop bodies included). */
  readonly steps: ReadonlyMap<string, StepView>;
}

function withoutLoopBody(step: StepView): JsonObject {
  if (step.action !== 'aws:loop' || step.inputs === undefined) return step.raw;
  // The body and the do-while condition are checked in their own scopes.
  const inputs = Object.fromEntries(Object.entries(step.inputs).filter(([k]) => k !== 'Steps' && k !== 'LoopCondition'));
  return { ...step.raw, inputs };
}

/** Resolves one reference read by `reader`, given the steps guaranteed to have completed. */
function resolve(
  ref: Reference,
  reader: StepView,
  guaranteed: ReadonlySet<string>,
  scope: Scope,
  file: string,
): Diagnostic | undefined {
  const e = ref.expression;
  const at = ref.path === '' ? '' : `${ref.path}: `;
  const err = (rule: string, message: string, fix: string): Diagnostic => finding(rule, file, reader.name, `${at}${message}`, fix);
  if (SYSTEM_VARIABLES.has(e)) return undefined;
  if (e.startsWith('global:') || e.startsWith('automation:')) {
    return err('SSM-REF-001', `{{ ${e} }} is not a documented system variable`, `use one of ${[...SYSTEM_VARIABLES].join(', ')}`);
  }
  if (e.startsWith('variable:')) {
    const v = e.slice('variable:'.length);
    return scope.vars.has(v) ? undefined : err('SSM-REF-002', `{{ ${e} }} names runbook variable "${v}", which is not declared`, 'declare it under variables or fix the name');
  }
  if (e.startsWith('ssm:')) {
    // automation-variables.html: Parameter Store parameters can't be referenced directly in step inputs.
    return err('SSM-REF-004', `{{ ${e} }} reads Parameter Store directly, which step inputs cannot do`, 'declare a runbook parameter whose default is this {{ ssm:... }} reference and read the parameter');
  }
  // automation-action-runcommand.html: {{RESOURCE_ID}} stands for the instances of the target group.
  if (e === 'RESOURCE_ID' && reader.action === 'aws:runCommand') return undefined;
  const dot = e.indexOf('.');
  if (dot < 0) {
    if (scope.params.has(e)) return undefined;
    const hint = scope.vars.has(e) ? ` (it is a runbook variable: write {{ variable:${e} }})` : '';
    return err('SSM-REF-003', `{{ ${e} }} names no parameter${hint}`, `declare parameter ${e} or use one of: ${[...scope.params].join(', ') || '(no parameters)'}`);
  }
  const stepName = e.slice(0, dot);
  const output = e.slice(dot + 1).split('.')[0];
  const source = scope.steps.get(stepName);
  if (source === undefined) return err('SSM-REF-005', `{{ ${e} }} refers to step "${stepName}", which does not exist`, 'fix the step name');
  const available = outputsOf(source.action, source.outputs.map((o) => o.name));
  if (!available.has(output)) {
    return err(
      'SSM-REF-006',
      `{{ ${e} }}: step ${stepName} (${source.action ?? 'no action'}) has no output "${output}"${available.size > 0 ? `; its outputs: ${[...available].join(', ')}` : ''}`,
      `declare ${output} in the outputs of ${stepName} (Name, Selector, Type) or read an existing output`,
    );
  }
  if (!guaranteed.has(stepName)) {
    return err(
      'SSM-REF-007',
      `{{ ${e} }} reads step ${stepName}, which has not completed on every path to ${reader.name} (it can be skipped by a branch or jump, or reached only through its onFailure/onCancel)`,
      `move the read to a step that always runs after ${stepName} succeeds, or pass the value another way`,
    );
  }
  return undefined;
}

/** Runs check 4 on a parsed document. */
export function checkReferences(doc: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const graph = analyzeStepGraph(doc);
  const steps = new Map<string, StepView>();
  for (const s of graph.steps) {
    if (!steps.has(s.name)) steps.set(s.name, s);
    for (const b of loopSteps(s)) if (!steps.has(b.name)) steps.set(b.name, b);
  }
  const scope: Scope = { params: new Set(Object.keys(parameters(doc))), vars: new Set(Object.keys(variables(doc))), steps };
  const check = (value: unknown, reader: StepView, guaranteed: ReadonlySet<string>): void => {
    for (const r of findReferences(value)) {
      const d = resolve(r, reader, guaranteed, scope, file);
      if (d !== undefined) out.push(d);
    }
  };

  for (const s of graph.steps) {
    // Unreachable steps are reported by the graph check; only their names are checked here.
    const before = graph.reachable.has(s.name) ? graph.guaranteedBefore(s.name) : new Set(steps.keys());
    check(withoutLoopBody(s), s, before);
    const body = loopSteps(s);
    // Loop body: runs after everything before the loop, in list order; it may read
    // the loop's own CurrentIteration / CurrentIteratorValue.
    body.forEach((b, i) => check(b.raw, b, new Set([...before, s.name, ...body.slice(0, i).map((x) => x.name)])));
    // A do-while LoopCondition is evaluated after each run of the body.
    if (s.inputs?.LoopCondition !== undefined) {
      for (const r of findReferences(s.inputs.LoopCondition, 'inputs.LoopCondition')) {
        const d = resolve(r, s, new Set([...before, s.name, ...body.map((b) => b.name)]), scope, file);
        if (d !== undefined) out.push(d);
      }
    }
  }

  const readsOutputs = isObject(doc) && Array.isArray(doc.outputs) ? doc.outputs : [];
  readsOutputs.forEach((o, i) => {
    if (typeof o !== 'string') return;
    const [stepName, output] = o.split('.');
    const source = steps.get(stepName);
    const err = (rule: string, message: string, fix: string): void => {
      out.push(finding(rule, file, 'outputs', `outputs[${i}]: ${message}`, fix));
    };
    if (source === undefined) err('SSM-REF-005', `"${o}" refers to step "${stepName}", which does not exist`, 'fix the step name');
    else if (!outputsOf(source.action, source.outputs.map((x) => x.name)).has(output ?? '')) {
      err('SSM-REF-006', `"${o}": step ${stepName} has no output "${output ?? ''}"`, `declare ${output ?? '<name>'} in the outputs of ${stepName}`);
    }
  });

  if (isObject(doc) && typeof doc.assumeRole === 'string') {
    for (const r of findReferences(doc.assumeRole)) {
      if (!scope.params.has(r.expression) && !SYSTEM_VARIABLES.has(r.expression)) {
        out.push(finding('SSM-REF-008', file, undefined, `assumeRole: {{ ${r.expression} }} names no parameter`, 'declare the parameter (usually AutomationAssumeRole)'));
      }
    }
  }
  out.push(...checkParameterDefaults(doc, file), ...checkBranchOperandTypes(doc, file), ...checkUpdateVariable(doc, file));
  return out;
}
