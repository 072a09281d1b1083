import { Value } from './parameters';

/** A `{{ }}` reference that names nothing in scope. */
export class ReferenceError extends Error {}

/** What `{{ }}` references can see while a step runs. */
export interface Scope {
  readonly parameters: Readonly<Record<string, Value>>;
  readonly variables: Record<string, Value>;
  /** Outputs by step name, then output name. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, Value>>>;
  readonly builtins: Readonly<Record<string, Value>>;
}

const WHOLE = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/;
const ANY = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** Looks one reference up: `Param`, `Step.Output`, `variable:Name`, `automation:EXECUTION_ID`, `global:REGION`… */
export function lookup(scope: Scope, ref: string): Value {
  if (ref.startsWith('variable:')) {
    const name = ref.slice('variable:'.length);
    if (!(name in scope.variables)) throw new ReferenceError(`{{ ${ref} }}: no variable ${name} is declared`);
    return scope.variables[name];
  }
  if (ref.includes(':')) {
    if (!(ref in scope.builtins)) throw new ReferenceError(`{{ ${ref} }}: unknown built-in variable (known: ${Object.keys(scope.builtins).join(', ')})`);
    return scope.builtins[ref];
  }
  if (ref in scope.parameters) return scope.parameters[ref];
  const dot = ref.indexOf('.');
  if (dot > 0) {
    const step = ref.slice(0, dot);
    const name = ref.slice(dot + 1);
    const outputs = scope.outputs.get(step);
    if (outputs && name in outputs) return outputs[name];
    if (outputs) throw new ReferenceError(`{{ ${ref} }}: step ${step} has no output ${name} (it has: ${Object.keys(outputs).join(', ') || 'none'})`);
    throw new ReferenceError(`{{ ${ref} }}: step ${step} has not run or produced no outputs`);
  }
  throw new ReferenceError(`{{ ${ref} }}: no parameter, step output or variable of that name`);
}

function text(v: Value): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * Resolves `{{ }}` references in a step's inputs. A value that is exactly one reference
 * keeps the referenced type (a StringList parameter in a list field stays a list, as
 * AWS's examples use `InstanceIds: '{{ InstanceIds }}'`); references inside a longer
 * string are interpolated as text.
 */
export function resolve(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(scope, whole[1]);
    if (!value.includes('{{')) return value;
    return value.replace(ANY, (_, ref: string) => text(lookup(scope, ref)));
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolve(v, scope);
    return out;
  }
  return value;
}
