import { OutputSpec } from '../document';
import { select } from './jsonpath';
import { Value } from './parameters';

/** An output value whose type does not match the declared Type. */
export class OutputTypeError extends Error {}

/**
 * Converts a selected value to the output's declared Type (String, Integer, Boolean,
 * StringList, StringMap, MapList — the types outputs may declare:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html).
 */
export function convertOutput(spec: OutputSpec, value: unknown): Value {
  const fail = (): never => {
    throw new OutputTypeError(`output ${spec.Name} (${spec.Type}) cannot hold ${JSON.stringify(value)?.slice(0, 200)}`);
  };
  switch (spec.Type) {
    case 'String':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return fail();
    case 'Integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
      return fail();
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail();
    case 'StringList':
      if (Array.isArray(value) && value.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return value.map(String);
      return fail();
    case 'StringMap':
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Value;
      return fail();
    case 'MapList':
      if (Array.isArray(value) && value.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return value as Value;
      return fail();
    default:
      throw new OutputTypeError(`output ${spec.Name} has unknown Type ${spec.Type}`);
  }
}

/** Applies a step's declared outputs to a response; an output whose selector matches nothing is left unset. */
export function selectOutputs(specs: readonly OutputSpec[] | undefined, response: unknown): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const spec of specs ?? []) {
    const v = select(response, spec.Selector);
    if (v !== undefined) out[spec.Name] = convertOutput(spec, v);
  }
  return out;
}

/** Output values as GetAutomationExecution shows them: each a list of strings. */
export function asStrings(v: Value): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return [typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)];
}
