import { Parameter } from './parameter';
import { Ref } from './ref';

/**
 * A value a step input may hold: literals, references (rendered to `{{ }}`), and lists or maps of
 * them. Undefined members of a map are dropped, so optional inputs can be passed straight through.
 */
export type Input =
  | string
  | number
  | boolean
  | Ref
  | Parameter
  | readonly Input[]
  | { readonly [key: string]: Input | undefined };

/** The rendered (plain JSON) form of an input. */
export type Rendered = string | number | boolean | Rendered[] | { [key: string]: Rendered };

/** Renders an input to plain JSON, replacing references by their `{{ }}` form. */
export function renderInput(value: Input): Rendered {
  if (value instanceof Ref || value instanceof Parameter) return value.toString();
  if (Array.isArray(value)) return value.map((v: Input) => renderInput(v));
  if (typeof value === 'object') {
    const out: { [key: string]: Rendered } = {};
    for (const [key, v] of Object.entries(value as { readonly [key: string]: Input | undefined })) {
      if (v !== undefined) out[key] = renderInput(v);
    }
    return out;
  }
  return value as string | number | boolean;
}

/** Renders a map of inputs, dropping undefined members. */
export function renderInputs(inputs: { readonly [key: string]: Input | undefined }): { [key: string]: Rendered } {
  return renderInput(inputs) as { [key: string]: Rendered };
}
