/**
 * aws:updateVariable (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-update-variable.html)
 * sets a runbook variable declared in the document's `variables`; the new Value must be of
 * the variable's type. SSM-REF-002: the variable is not declared. SSM-REF-010: the value
 * is of another type.
 */
import type { Diagnostic } from '../diagnostic';
import { allSteps, isObject, variables } from '../document-view';
import { finding } from '../rules';
import { ValueTypes } from './value-types';

export function checkUpdateVariable(doc: unknown, file: string): Diagnostic[] {
  const types = new ValueTypes(doc);
  const declared = variables(doc);
  const out: Diagnostic[] = [];
  for (const s of allSteps(doc)) {
    if (s.action !== 'aws:updateVariable' || s.inputs === undefined || typeof s.inputs.Name !== 'string') continue;
    const m = /^variable:([a-zA-Z0-9_]+)$/.exec(s.inputs.Name);
    if (m === null) continue; // the schema check reports the malformed name
    const def = declared[m[1]];
    if (!isObject(def)) {
      out.push(finding('SSM-REF-002', file, s.name, `inputs.Name: runbook variable "${m[1]}" is not declared`, `declare it under variables (with its type and default), or fix the name; declared: ${Object.keys(declared).join(', ') || '(none)'}`));
      continue;
    }
    const want = typeof def.type === 'string' ? def.type : undefined;
    const got = types.of(s.inputs.Value);
    if (want !== undefined && got !== undefined && got !== want) {
      out.push(finding('SSM-REF-010', file, s.name, `inputs.Value ${JSON.stringify(s.inputs.Value)} is of type ${got}, but variable ${m[1]} is ${want}`, `give a value of type ${want}, or change the variable's type`));
    }
  }
  return out;
}
