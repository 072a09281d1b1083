/**
 * Parameter defaults must be valid values of their own parameter: right type, inside
 * allowedValues, matching allowedPattern, within minItems/maxItems. Automation refuses
 * such input at start (documents-syntax-data-elements-parameters.html:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html),
 * so a bad default makes the runbook fail whenever the caller omits the parameter.
 * Part of the `reference` check.
 */
import type { Diagnostic } from './diagnostic';
import { baseType } from './automation-schema';
import { isObject, parameters } from './document-view';
import { finding } from './rules';

const TYPE_TESTS: Record<string, { test: (v: unknown) => boolean; what: string }> = {
  String: { test: (v) => typeof v === 'string', what: 'a string' },
  StringList: { test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), what: 'a list of strings' },
  Integer: { test: (v) => Number.isInteger(v), what: 'an integer' },
  Boolean: { test: (v) => typeof v === 'boolean', what: 'a boolean' },
  StringMap: { test: (v) => isObject(v), what: 'a map' },
  MapList: { test: (v) => Array.isArray(v) && v.every(isObject), what: 'a list of maps' },
};

/** A default taken from Parameter Store is resolved at run time and cannot be checked here. */
const isStoreReference = (v: unknown): boolean => typeof v === 'string' && /^\s*\{\{\s*ssm:[^{}]+\}\}\s*$/.test(v);

/** Checks each parameter's default against its own definition. */
export function checkParameterDefaults(doc: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, def] of Object.entries(parameters(doc))) {
    if (!isObject(def) || typeof def.type !== 'string') continue;
    const step = `parameters.${name}`;
    const err = (message: string, fix: string): void => {
      out.push(finding('SSM-REF-009', file, step, message, fix));
    };
    let pattern: RegExp | undefined;
    if (typeof def.allowedPattern === 'string') {
      try {
        pattern = new RegExp(def.allowedPattern);
      } catch {
        // AWS evaluates patterns with Java's regex engine, which knows constructs JavaScript
        // does not (inline flags such as `(?i:...)`); such a pattern cannot be checked here.
        pattern = undefined;
      }
    }
    const typeTest = TYPE_TESTS[baseType(def.type)];
    if (!('default' in def) || typeTest === undefined || isStoreReference(def.default)) continue;
    const value = def.default;
    if (!typeTest.test(value)) {
      err(`default ${JSON.stringify(value)} is not ${typeTest.what} as type ${def.type} requires`, `give a default of type ${def.type} or change the type`);
      continue;
    }
    const items: unknown[] = baseType(def.type) === 'StringList' || def.type === 'MapList' ? (value as unknown[]) : [value];
    if (pattern !== undefined) {
      for (const item of items) {
        if (typeof item === 'string' && !pattern.test(item)) {
          err(`default ${JSON.stringify(item)} does not match allowedPattern ${def.allowedPattern as string}`, 'change the default or the pattern; Automation rejects the run when the caller omits this parameter');
        }
      }
    }
    if (Array.isArray(def.allowedValues)) {
      const allowed = def.allowedValues.map((v) => JSON.stringify(v));
      for (const item of items) {
        if (!allowed.includes(JSON.stringify(item))) {
          err(`default ${JSON.stringify(item)} is not in allowedValues (${allowed.join(', ')})`, 'use one of the allowed values as default');
        }
      }
    }
    if (Array.isArray(value)) {
      if (typeof def.minItems === 'number' && value.length < def.minItems) err(`default has ${value.length} items, fewer than minItems ${def.minItems}`, 'add items to the default');
      if (typeof def.maxItems === 'number' && value.length > def.maxItems) err(`default has ${value.length} items, more than maxItems ${def.maxItems}`, 'remove items from the default');
    }
  }
  return out;
}
