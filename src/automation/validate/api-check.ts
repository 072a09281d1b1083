/**
 * Check 5: steps that call AWS APIs (aws:executeAwsApi, aws:waitForAwsResourceProperty,
 * aws:assertAwsResourceProperty) against the real API models of the AWS SDK: the
 * service and operation exist, input members exist and required ones are given,
 * literal values have the right shape, and output Selector / PropertySelector paths
 * exist in the operation's output. Findings have check `api`.
 *
 * Inputs are the API's own member names
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html:
 * "In most cases, you can specify the request parameters exactly as listed"), and
 * selectors are JSONPath over the response.
 */
import type { NormalizedSchema } from '@smithy/core/schema';
import { closest, memberNames, operation, serviceModel } from './api-model';
import type { Diagnostic } from './diagnostic';
import { allSteps, isObject, type StepView } from './document-view';

const API_ACTIONS: ReadonlySet<string> = new Set(['aws:executeAwsApi', 'aws:waitForAwsResourceProperty', 'aws:assertAwsResourceProperty']);
/** Inputs of these actions that are not API members. */
const ACTION_KEYS: ReadonlySet<string> = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

const isRef = (v: unknown): boolean => typeof v === 'string' && /^\s*\{\{[^{}]+\}\}\s*$/.test(v);

/** Checks a literal value against a shape; returns problems as `path: what`. */
function valueProblems(value: unknown, shape: NormalizedSchema, path: string): string[] {
  if (isRef(value)) return []; // resolved at run time
  if (shape.isListSchema()) {
    if (!Array.isArray(value)) return [`${path} must be a list`];
    return value.flatMap((v, i) => valueProblems(v, shape.getValueSchema(), `${path}[${i}]`));
  }
  if (shape.isStructSchema()) {
    if (!isObject(value)) return [`${path} must be a map with members ${memberNames(shape).join(', ')}`];
    const members = new Map([...shape.structIterator()]);
    return Object.entries(value).flatMap(([k, v]) => {
      const m = members.get(k);
      if (m === undefined) {
        const hint = closest(k, members.keys());
        return [`${path}.${k} is not a member of ${shape.getName() ?? 'this structure'}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}; members: ${[...members.keys()].join(', ')}`];
      }
      return valueProblems(v, m, `${path}.${k}`);
    });
  }
  if (shape.isMapSchema()) {
    if (!isObject(value)) return [`${path} must be a map`];
    return Object.entries(value).flatMap(([k, v]) => valueProblems(v, shape.getValueSchema(), `${path}.${k}`));
  }
  if (shape.isBooleanSchema() && typeof value !== 'boolean' && typeof value !== 'string') return [`${path} must be a boolean`];
  if (shape.isNumericSchema() && typeof value !== 'number' && typeof value !== 'string') return [`${path} must be a number`];
  if (shape.isStringSchema() && (Array.isArray(value) || isObject(value))) return [`${path} must be a single value, not a ${Array.isArray(value) ? 'list' : 'map'}`];
  return [];
}

type Token = { kind: 'member'; name: string } | { kind: 'index' };

/** Tokenizes the JSONPath subset Automation selectors use: `$.A[0].B[*]['C']`. */
function tokenize(selector: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+|\*)\]|\['([^']+)'\]|\["([^"]+)"\]/y;
  if (!selector.startsWith('$')) return undefined;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const m = re.exec(selector);
    if (m === null) return undefined;
    if (m[2] !== undefined) tokens.push({ kind: 'index' });
    else tokens.push({ kind: 'member', name: m[1] ?? m[3] ?? m[4] });
  }
  return tokens;
}

/** Follows a selector through an output shape; returns a problem or undefined. */
export function selectorProblem(selector: string, output: NormalizedSchema): string | undefined {
  const tokens = tokenize(selector);
  if (tokens === undefined) return `selector ${JSON.stringify(selector)} is not a simple JSONPath ($.Member[0].Member...)`;
  let shape = output;
  let walked = '$';
  for (const t of tokens) {
    if (shape.isDocumentSchema()) return undefined; // free-form JSON: nothing to check below
    if (t.kind === 'index') {
      if (!shape.isListSchema()) return `${walked} is not a list, so ${walked}[…] selects nothing`;
      shape = shape.getValueSchema();
      walked += '[]';
      continue;
    }
    while (shape.isListSchema()) shape = shape.getValueSchema(); // JSONPath maps a member over list items
    if (shape.isMapSchema()) {
      shape = shape.getValueSchema();
    } else if (shape.isStructSchema()) {
      const members = new Map([...shape.structIterator()]);
      const m = members.get(t.name);
      if (m === undefined) {
        const hint = closest(t.name, members.keys());
        return `${walked}.${t.name} does not exist: ${shape.getName() ?? 'the structure'} has ${[...members.keys()].join(', ')}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}`;
      }
      shape = m;
    } else {
      return `${walked} is a scalar, so .${t.name} selects nothing`;
    }
    walked += `.${t.name}`;
  }
  return undefined;
}

function checkStep(step: StepView, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (message: string, fix: string): void => {
    out.push({ severity: 'error', check: 'api', file, step: step.name, message, fix });
  };
  const inputs = step.inputs;
  if (inputs === undefined || typeof inputs.Service !== 'string' || typeof inputs.Api !== 'string') return out;
  if (isRef(inputs.Service) || isRef(inputs.Api)) return out; // chosen at run time
  const model = serviceModel(inputs.Service);
  if (!model.ok) {
    err(`service "${inputs.Service}" ${model.reason}`, `use a boto3 service name (ec2, ssm, autoscaling, ...); if it is right, install its model: npm i --no-audit --no-fund ${model.packageName}`);
    return out;
  }
  const op = operation(model, inputs.Api);
  if (op === undefined) {
    const hint = closest(inputs.Api, model.operations.keys());
    err(`service ${inputs.Service} has no API "${inputs.Api}"${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}`, 'use the PascalCase operation name from the API reference');
    return out;
  }
  const members = new Map([...op.input.structIterator()]);
  for (const [key, value] of Object.entries(inputs)) {
    if (ACTION_KEYS.has(key)) continue;
    const m = members.get(key);
    if (m === undefined) {
      const hint = closest(key, members.keys());
      err(`inputs.${key} is not a parameter of ${inputs.Service}:${inputs.Api}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}`, `use the API's member names: ${[...members.keys()].join(', ')}`);
      continue;
    }
    for (const p of valueProblems(value, m, `inputs.${key}`)) err(p, `see the ${inputs.Api} request syntax`);
  }
  for (const r of op.required) {
    if (!(r in inputs)) err(`${inputs.Service}:${inputs.Api} requires ${r}, which is missing`, `add inputs.${r}`);
  }
  if (typeof inputs.PropertySelector === 'string') {
    const p = selectorProblem(inputs.PropertySelector, op.output);
    if (p !== undefined) err(`PropertySelector: ${p}`, `pick a path of the ${inputs.Api} response`);
  }
  if (step.action === 'aws:executeAwsApi') {
    for (const o of step.outputs) {
      if (o.selector === undefined) continue;
      const p = selectorProblem(o.selector, op.output);
      if (p !== undefined) err(`output ${o.name}: ${p}`, `pick a path of the ${inputs.Api} response`);
    }
  }
  return out;
}

/** Runs check 5 on a parsed document. */
export function checkApi(doc: unknown, file: string): Diagnostic[] {
  return allSteps(doc)
    .filter((s) => s.action !== undefined && API_ACTIONS.has(s.action))
    .flatMap((s) => checkStep(s, file));
}
