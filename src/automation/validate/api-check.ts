/**
 * Check 5: steps that call AWS APIs (aws:executeAwsApi, aws:waitForAwsResourceProperty,
 * aws:assertAwsResourceProperty) against the service's botocore API model: the service
 * and operation exist, input members exist and required ones are given, literal values
 * have the member's shape, enum values and number / boolean types are the model's, and
 * output Selector / PropertySelector paths exist in the response with a matching Type.
 * Findings have check `api`.
 *
 * Inputs are the API's own member names
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html:
 * "In most cases, you can specify the request parameters exactly as listed"); Automation
 * calls the API with boto3, which sends them as given, and the service rejects a value
 * outside an enum or of the wrong type, so such a step fails every time it runs.
 */
import { API_ACTIONS } from './actions';
import { closest, isStale, membersOf, MODEL_PACKAGE_HINT, operation, serviceModel, shapeOf, type LoadedModel, type Shape } from './api-model';
import { sdkHasMember, sdkHasOperation } from './sdk-model';
import type { Diagnostic } from './diagnostic';
import { allSteps, isObject, type StepView } from './document-view';
import { finding } from './rules';
import { followSelector, typeContradiction } from './selector';

/** Inputs of these actions that are not API members. */
const ACTION_KEYS: ReadonlySet<string> = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

const isRef = (v: unknown): boolean => typeof v === 'string' && /^\s*\{\{[^{}]+\}\}\s*$/.test(v);
/** A string that holds a reference somewhere is only known at run time. */
const hasRef = (v: unknown): boolean => typeof v === 'string' && v.includes('{{');

interface Problem {
  readonly rule: string;
  readonly message: string;
}

/** Checks a literal value against a shape. */
function valueProblems(model: LoadedModel, value: unknown, shape: Shape, path: string): Problem[] {
  if (isRef(value) || shape.document === true) return []; // resolved at run time / free-form JSON
  const p = (rule: string, message: string): Problem[] => [{ rule, message }];
  switch (shape.type) {
    case 'list':
      if (!Array.isArray(value)) return p('SSM-API-005', `${path} must be a list`);
      return value.flatMap((v, i) => valueProblems(model, v, shapeOf(model, shape.member), `${path}[${i}]`));
    case 'structure': {
      if (!isObject(value)) return p('SSM-API-005', `${path} must be a map with members ${Object.keys(shape.members ?? {}).join(', ')}`);
      const members = membersOf(model, shape);
      const out: Problem[] = Object.entries(value).flatMap(([k, v]) => {
        const m = members.get(k);
        if (m === undefined) {
          const hint = closest(k, members.keys());
          return p('SSM-API-003', `${path}.${k} is not a member of ${shape.name}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}; members: ${[...members.keys()].join(', ')}`);
        }
        return valueProblems(model, v, m, `${path}.${k}`);
      });
      for (const r of shape.required ?? []) if (!(r in value)) out.push({ rule: 'SSM-API-004', message: `${path} lacks ${r}, which ${shape.name} requires` });
      return out;
    }
    case 'map':
      if (!isObject(value)) return p('SSM-API-005', `${path} must be a map`);
      return Object.entries(value).flatMap(([k, v]) => valueProblems(model, v, shapeOf(model, shape.value), `${path}.${k}`));
    case 'boolean':
      if (typeof value === 'boolean' || hasRef(value) || (typeof value === 'string' && /^(true|false)$/i.test(value))) return [];
      return p('SSM-API-006', `${path} is ${JSON.stringify(value)}, but ${shape.name} is a boolean`);
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const integer = shape.type === 'integer' || shape.type === 'long';
      if (typeof value === 'number' && (!integer || Number.isInteger(value))) return [];
      if (hasRef(value) || (typeof value === 'string' && (integer ? /^\s*-?\d+\s*$/ : /^\s*-?\d+(\.\d+)?\s*$/).test(value))) return [];
      return p('SSM-API-006', `${path} is ${JSON.stringify(value)}, but ${shape.name} is ${integer ? 'an integer' : 'a number'}`);
    }
    default:
      if (Array.isArray(value) || isObject(value)) return p('SSM-API-005', `${path} must be a single value, not a ${Array.isArray(value) ? 'list' : 'map'}`);
      if (shape.enum !== undefined && typeof value === 'string' && !hasRef(value) && !shape.enum.includes(value)) {
        const hint = closest(value, shape.enum);
        return p('SSM-API-006', `${path} is ${JSON.stringify(value)}, not a value of ${shape.name}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}; allowed: ${shape.enum.join(', ')}`);
      }
      return [];
  }
}

function checkStep(step: StepView, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (rule: string, message: string, fix: string): void => {
    out.push(finding(rule, file, step.name, message, fix));
  };
  const inputs = step.inputs;
  if (inputs === undefined || typeof inputs.Service !== 'string' || typeof inputs.Api !== 'string') return out;
  if (hasRef(inputs.Service) || hasRef(inputs.Api)) return out; // chosen at run time
  const service = inputs.Service;
  const model = serviceModel(service);
  if (!model.ok) {
    add('SSM-API-001', `service "${inputs.Service}" ${model.reason}; its API calls are not checked`, `if the name is right, install its model: ${MODEL_PACKAGE_HINT}`);
    return out;
  }
  const op = operation(model, inputs.Api);
  const unknownName = (what: string, sdkKnows: boolean | undefined): boolean => {
    // The botocore model may predate the document: a newer SDK model that knows the name
    // settles it; with none, a name missing from an old model is only a warning.
    if (sdkKnows === true) return true;
    if (sdkKnows === undefined && isStale(model)) {
      add('SSM-API-010', `${what} is not in the installed ${service} model (${model.file}, ${model.date.toISOString().slice(0, 10)}), which may predate it; the call is not checked further`, `update the botocore models (${MODEL_PACKAGE_HINT}), or fix the name`);
      return true;
    }
    return false;
  };
  if (op === undefined) {
    if (unknownName(`API ${inputs.Api}`, sdkHasOperation(service, inputs.Api))) return out;
    const hint = closest(inputs.Api, model.operations);
    add('SSM-API-002', `service ${service} has no API "${inputs.Api}"${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''} (model ${model.apiVersion} in ${model.file})`, 'use the PascalCase operation name from the API reference; if the operation is newer than this model, update the botocore models');
    return out;
  }
  const members = membersOf(model, op.input);
  for (const [key, value] of Object.entries(inputs)) {
    if (ACTION_KEYS.has(key)) continue;
    const m = members.get(key);
    if (m === undefined) {
      if (unknownName(`${service}:${inputs.Api} member ${key}`, sdkHasMember(service, inputs.Api, key))) continue;
      const hint = closest(key, members.keys());
      add('SSM-API-003', `inputs.${key} is not a parameter of ${service}:${inputs.Api}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}`, `use the API's member names: ${[...members.keys()].join(', ')}`);
      continue;
    }
    for (const p of valueProblems(model, value, m, `inputs.${key}`)) add(p.rule, p.message, `see the ${inputs.Api} request syntax`);
  }
  for (const r of op.required) {
    if (!(r in inputs)) add('SSM-API-004', `${service}:${inputs.Api} requires ${r}, which is missing`, `add inputs.${r}`);
  }
  if (typeof inputs.PropertySelector === 'string') {
    const r = followSelector(model, inputs.PropertySelector, op.output);
    if ('problem' in r) add('SSM-API-007', `PropertySelector: ${r.problem}`, `pick a path of the ${inputs.Api} response`);
  }
  if (step.action === 'aws:executeAwsApi') {
    for (const o of step.outputs) {
      if (o.selector === undefined) continue;
      const r = followSelector(model, o.selector, op.output);
      if ('problem' in r) {
        // The step still succeeds; the output is just never set (AWS Solutions runbooks do this).
        add('SSM-API-009', `output ${o.name}: ${r.problem}`, `pick a path of the ${inputs.Api} response`);
        continue;
      }
      const c = typeContradiction(o.type ?? 'String', r);
      if (c !== undefined) add('SSM-API-008', `output ${o.name}: ${c}`, 'change the output Type to the shape selected, or the Selector');
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
