/**
 * The data type (String, Integer, Boolean, StringList, StringMap, MapList) of a value in a
 * document: of a literal, or of what a `{{ reference }}` stands for — a parameter's type
 * (resource types behave as String / StringList), a runbook variable's type, a step
 * output's declared `Type` (default String,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html)
 * or the type an action's page gives its built-in outputs. Undefined when unknown.
 */
import { builtInOutputType } from '../action-outputs';
import { baseType } from '../automation-schema';
import { allSteps, isObject, parameters, variables, type StepView } from '../document-view';
import { SYSTEM_VARIABLES } from '../references';

const WHOLE = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/;

/** Type lookups for one document. */
export class ValueTypes {
  private readonly steps = new Map<string, StepView>();

  constructor(private readonly doc: unknown) {
    for (const s of allSteps(doc)) if (!this.steps.has(s.name)) this.steps.set(s.name, s);
  }

  /** Type of what `{{ expression }}` stands for. */
  ofReference(expression: string): string | undefined {
    if (SYSTEM_VARIABLES.has(expression)) return 'String';
    if (expression.startsWith('variable:')) {
      const def = variables(this.doc)[expression.slice('variable:'.length)];
      return isObject(def) && typeof def.type === 'string' ? def.type : undefined;
    }
    const parts = expression.split('.');
    if (parts.length === 1) {
      const def = parameters(this.doc)[expression];
      return isObject(def) && typeof def.type === 'string' ? baseType(def.type) : undefined;
    }
    if (parts.length !== 2) return undefined;
    const [stepName, output] = parts;
    const step = this.steps.get(stepName);
    if (step === undefined) return undefined;
    const declared = step.outputs.find((o) => o.name === output);
    if (declared !== undefined) return declared.type ?? 'String';
    if (step.action === 'aws:loop' && output === 'CurrentIteratorValue') {
      return typeof step.inputs?.IteratorDataType === 'string' ? step.inputs.IteratorDataType : 'String';
    }
    return builtInOutputType(step.action, output);
  }

  /** Type of a value as written: a whole reference's type, else the literal's. */
  of(value: unknown): string | undefined {
    if (typeof value === 'string') {
      const m = WHOLE.exec(value);
      return m === null ? 'String' : this.ofReference(m[1]);
    }
    if (typeof value === 'boolean') return 'Boolean';
    if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : undefined;
    if (Array.isArray(value)) return value.length === 0 ? undefined : value.every((v) => isObject(v)) ? 'MapList' : 'StringList';
    if (isObject(value)) return 'StringMap';
    return undefined;
  }
}
