import { AutomationDocument, ParameterSpec } from '../document';

/** A resolved parameter value, typed as the parameter declares. */
export type Value = string | number | boolean | Value[] | { [key: string]: Value };

/** Parameter input: StartAutomationExecution passes every value as a list of strings; single values are accepted too. */
export type ParameterInput = Readonly<Record<string, string | readonly string[] | number | boolean | Value>>;

/** Raised for a bad parameter value; the execution then fails before any step runs. */
export class ParameterError extends Error {}

/**
 * Checks and converts the input parameters exactly once, before the first step, as
 * Automation does (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html):
 * defaults fill missing values, a parameter without default is required, allowedValues,
 * allowedPattern (each item of a StringList), min/max items and chars, and type conversion.
 */
export function resolveParameters(doc: AutomationDocument, input: ParameterInput): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const key of Object.keys(input)) {
    if (!(key in doc.parameters)) throw new ParameterError(`Parameter ${key} is not defined in document ${doc.name}`);
  }
  for (const [name, spec] of Object.entries(doc.parameters)) {
    const given = input[name];
    if (given === undefined) {
      if (spec.default === undefined) throw new ParameterError(`Parameter ${name} is required (it has no default)`);
      // Defaults are checked like input: a default that breaks allowedPattern fails the start too.
      out[name] = convert(name, spec, spec.default as Value);
    } else {
      out[name] = convert(name, spec, given as Value);
    }
  }
  return out;
}

function convert(name: string, spec: ParameterSpec, raw: Value): Value {
  const fail = (why: string): never => {
    throw new ParameterError(`Parameter ${name} (${spec.type}) ${why}`);
  };
  const single = (): string | number | boolean => {
    if (Array.isArray(raw)) {
      if (raw.length !== 1) fail(`takes one value, got ${raw.length}`);
      return raw[0] as string;
    }
    if (typeof raw === 'object') return fail('takes a single value, got a map');
    return raw;
  };
  switch (spec.type) {
    case 'String': {
      const v = single();
      const s = typeof v === 'string' ? v : String(v);
      checkString(name, spec, s);
      return s;
    }
    case 'Integer': {
      const v = single();
      const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
      if (!Number.isInteger(n)) fail(`must be an integer, got ${JSON.stringify(v)}`);
      if (spec.allowedValues && !spec.allowedValues.map(String).includes(String(n))) fail(`value ${n} is not one of ${spec.allowedValues.join(', ')}`);
      return n;
    }
    case 'Boolean': {
      const v = single();
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      return fail(`must be true or false, got ${JSON.stringify(v)}`);
    }
    case 'StringList': {
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : fail('must be a list of strings');
      if (list.some((x) => typeof x !== 'string')) fail('must be a list of strings');
      if (spec.minItems !== undefined && list.length < spec.minItems) fail(`needs at least ${spec.minItems} items`);
      if (spec.maxItems !== undefined && list.length > spec.maxItems) fail(`takes at most ${spec.maxItems} items`);
      for (const item of list as string[]) checkString(name, spec, item);
      return list;
    }
    case 'StringMap': {
      const v = Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string' ? parseJson(name, raw[0]) : typeof raw === 'string' ? parseJson(name, raw) : raw;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('must be a map');
      return v;
    }
    case 'MapList': {
      const v = Array.isArray(raw) && raw.every((x) => typeof x === 'string') ? raw.map((x) => parseJson(name, x as string)) : raw;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) fail('must be a list of maps');
      return v;
    }
  }
}

function parseJson(name: string, s: string): Value {
  try {
    return JSON.parse(s) as Value;
  } catch {
    throw new ParameterError(`Parameter ${name} is not valid JSON: ${s}`);
  }
}

function checkString(name: string, spec: ParameterSpec, s: string): void {
  if (spec.allowedValues && !spec.allowedValues.includes(s)) {
    throw new ParameterError(`Parameter ${name} value "${s}" is not one of the allowed values: ${spec.allowedValues.join(', ')}`);
  }
  if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(s)) {
    throw new ParameterError(`Parameter ${name} value "${s}" does not match the allowed pattern ${spec.allowedPattern}`);
  }
  if (spec.minChars !== undefined && s.length < spec.minChars) throw new ParameterError(`Parameter ${name} needs at least ${spec.minChars} characters`);
  if (spec.maxChars !== undefined && s.length > spec.maxChars) throw new ParameterError(`Parameter ${name} takes at most ${spec.maxChars} characters`);
}
