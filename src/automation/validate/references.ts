/**
 * Finds `{{ ... }}` references in document values. Syntax and the variables Automation
 * substitutes: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-variables.html
 */
import { isObject } from './document-view';

/** One `{{ X }}` occurrence. */
export interface Reference {
  /** The text between the braces, trimmed: `InstanceId`, `getState.Name`, `global:REGION`. */
  readonly expression: string;
  /** Dotted path of the value holding it, relative to where the search started. */
  readonly path: string;
}

const REF = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** System and automation variables (automation-variables.html). */
export const SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  'global:ACCOUNT_ID',
  'global:DATE',
  'global:DATE_TIME',
  'global:AWS_PARTITION',
  'global:REGION',
  'automation:EXECUTION_ID',
]);

/** All references in a value, recursing through lists and maps (keys included). */
export function findReferences(value: unknown, path = ''): Reference[] {
  if (typeof value === 'string') {
    return [...value.matchAll(REF)].map((m) => ({ expression: m[1], path }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findReferences(v, `${path}[${i}]`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => [
      ...findReferences(k, path),
      ...findReferences(v, path === '' ? k : `${path}.${k}`),
    ]);
  }
  return [];
}
