/**
 * SSM-REF-011: numeric operators (NumericEquals, NumericGreater, ...) compare integers and
 * BooleanEquals compares booleans
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html);
 * comparing a string with them cannot succeed, so the document is wrong whatever the input.
 * Checked in aws:branch choices and aws:loop LoopConditions, And/Or/Not included.
 */
import type { Diagnostic } from '../diagnostic';
import { allSteps, isObject } from '../document-view';
import { finding } from '../rules';
import { ValueTypes } from './value-types';

const EXPECTED: Readonly<Record<string, string>> = {
  NumericEquals: 'Integer',
  NumericGreater: 'Integer',
  NumericLesser: 'Integer',
  NumericGreaterOrEquals: 'Integer',
  NumericLesserOrEquals: 'Integer',
  BooleanEquals: 'Boolean',
};

export function checkBranchOperandTypes(doc: unknown, file: string): Diagnostic[] {
  const types = new ValueTypes(doc);
  const out: Diagnostic[] = [];
  const visit = (c: unknown, step: string, path: string): void => {
    if (!isObject(c)) return;
    for (const k of ['And', 'Or'] as const) {
      const list = c[k];
      if (Array.isArray(list)) list.forEach((x, i) => visit(x, step, `${path}.${k}[${i}]`));
    }
    if (c.Not !== undefined) visit(c.Not, step, `${path}.Not`);
    for (const [op, want] of Object.entries(EXPECTED)) {
      if (!(op in c)) continue;
      const operand = types.of(c[op]);
      if (operand !== undefined && operand !== want) {
        out.push(finding('SSM-REF-011', file, step, `${path}: ${op} compares ${want === 'Integer' ? 'integers' : 'booleans'}, but its value ${JSON.stringify(c[op])} is ${operand === 'String' && typeof c[op] === 'string' && !c[op].includes('{{') ? 'a string' : `of type ${operand}`}`, want === 'Integer' ? 'write the number without quotes, or use StringEquals' : 'write true or false without quotes, or use StringEquals'));
      }
      const variable = types.of(c.Variable);
      if (typeof c.Variable === 'string' && c.Variable.includes('{{') && variable !== undefined && variable !== want) {
        out.push(finding('SSM-REF-011', file, step, `${path}: ${op} compares ${want === 'Integer' ? 'integers' : 'booleans'}, but Variable ${c.Variable} is of type ${variable}`, `declare the value as ${want} (output Type, parameter or variable type), or use a string operator such as StringEquals`));
      }
    }
  };
  for (const s of allSteps(doc)) {
    if (s.action === 'aws:branch' && Array.isArray(s.inputs?.Choices)) s.inputs.Choices.forEach((c, i) => visit(c, s.name, `inputs.Choices[${i}]`));
    if (s.action === 'aws:loop' && s.inputs?.LoopCondition !== undefined) visit(s.inputs.LoopCondition, s.name, 'inputs.LoopCondition');
  }
  return out;
}
