/**
 * Check 1: our own strict schema ({@link automationSchema}), compiled by ajv in strict
 * mode, plus the structural rules JSON Schema cannot say clearly (one operator per
 * branch choice, Iterators xor LoopCondition, ...). Findings have check `schema`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileCached } from './compile-cache';
import { automationSchema, BRANCH_OPERATORS, SUPPORTED_ACTIONS } from './automation-schema';
import type { Diagnostic } from './diagnostic';
import { allSteps, isObject, type JsonObject, type StepView } from './document-view';
import { locate } from './json-path';
import { closest } from './api-model';
import { finding } from './rules';
import { checkScriptHandler } from './checks/script-handler';
import { checkScriptRuntime } from './checks/script-runtime';

let compiled: ValidateFunction | undefined;

/** Compiles once per process; strict mode makes ajv reject any mistake in the schema itself. */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    compiled = compileCached('automation-schema', automationSchema, { allErrors: true, strict: true, allowUnionTypes: true, discriminator: true, verbose: true });
  }
  return compiled;
}

function quote(v: unknown): string {
  return JSON.stringify(v)?.slice(0, 80) ?? String(v);
}

function describe(e: ErrorObject): { message: string; fix: string } | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as JsonObject | undefined)?.properties ?? {});
      return {
        message: `unknown key "${String(p.additionalProperty)}"`,
        fix: allowed.length > 0 ? `remove it or fix its spelling; allowed keys here: ${allowed.join(', ')}` : 'remove it',
      };
    }
    case 'required':
      return { message: `missing required key "${String(p.missingProperty)}"`, fix: `add ${String(p.missingProperty)}` };
    case 'const':
      return { message: `is ${quote(e.data)}, must be ${quote(p.allowedValue)}`, fix: `set it to ${quote(p.allowedValue)}` };
    case 'enum':
      return {
        message: `is ${quote(e.data)}, not one of ${(p.allowedValues as unknown[]).join(', ')}`,
        fix: 'use one of the allowed values',
      };
    case 'pattern':
      return { message: `${quote(e.data)} does not match ${String(p.pattern)}`, fix: 'change the value to match the pattern' };
    case 'type':
      return { message: `is ${quote(e.data)}, must be ${String(p.type)}`, fix: `give a value of type ${String(p.type)}` };
    case 'anyOf':
      return {
        message: `is ${quote(e.data)}, must be ${String((e.parentSchema as JsonObject).description ?? 'of another form')}`,
        fix: 'change the value',
      };
    case 'maximum':
    case 'minimum':
      return {
        message: `is ${quote(e.data)}, ${e.keyword === 'maximum' ? 'above the maximum' : 'below the minimum'} ${String(p.limit)}`,
        fix: `use a value ${e.keyword === 'maximum' ? '<=' : '>='} ${String(p.limit)}`,
      };
    case 'maxItems':
    case 'minItems':
    case 'maxLength':
      return { message: `${e.message ?? 'has a bad size'}`, fix: 'change the number of items' };
    case 'propertyNames':
      return {
        message: `name "${String(p.propertyName)}" is not allowed`,
        fix: 'use only letters, digits and underscores',
      };
    default:
      return undefined; // oneOf/discriminator/if: their branch errors say what is wrong
  }
}

/** Drops errors that only repeat what an anyOf error at the same place already says. */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter(
    (e) =>
      e.keyword === 'anyOf' ||
      !anyOfs.some((a) => a.instancePath === e.instancePath && e.schemaPath.startsWith(a.schemaPath.replace(/\/anyOf$/, '/anyOf/'))),
  );
}

function diag(file: string, step: string | undefined, message: string, fix: string, rule = 'SSM-SCH-004'): Diagnostic {
  return finding(rule, file, step, message, fix);
}

const OPERATOR_SET: ReadonlySet<string> = new Set(BRANCH_OPERATORS);

/** A branch condition is `Variable` + exactly one operator, or one of And / Or / Not. */
function conditionProblem(c: unknown): string | undefined {
  if (!isObject(c)) return 'is not a map';
  const ops = Object.keys(c).filter((k) => OPERATOR_SET.has(k));
  const logical = ['And', 'Or', 'Not'].filter((k) => k in c);
  if (logical.length > 1 || (logical.length === 1 && (ops.length > 0 || 'Variable' in c))) {
    return `mixes ${[...logical, ...ops, ...('Variable' in c ? ['Variable'] : [])].join(', ')}`;
  }
  if (logical.length === 1) {
    const inner = c[logical[0]];
    const items = logical[0] === 'Not' ? [inner] : Array.isArray(inner) ? inner : [];
    for (const [i, item] of items.entries()) {
      const p = conditionProblem(item);
      if (p !== undefined) return `${logical[0]}${logical[0] === 'Not' ? '' : `[${i}]`} ${p}`;
    }
    return undefined;
  }
  if (ops.length === 0) return `has no operator (one of ${BRANCH_OPERATORS.join(', ')}, or And/Or/Not)`;
  if (ops.length > 1) return `has ${ops.length} operators (${ops.join(', ')}); a choice takes exactly one`;
  if (!('Variable' in c)) return `has operator ${ops[0]} but no Variable`;
  return undefined;
}

function ruleChecks(step: StepView, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inputs = step.inputs;
  if (inputs === undefined) return out;
  switch (step.action) {
    case 'aws:branch':
      if (Array.isArray(inputs.Choices)) {
        inputs.Choices.forEach((c, i) => {
          const p = conditionProblem(c);
          if (p !== undefined) out.push(diag(file, step.name, `inputs.Choices[${i}] ${p}`, 'give each choice exactly one condition and a NextStep', 'SSM-SCH-003'));
        });
      }
      break;
    case 'aws:loop': {
      // automation-action-loop.html: "only specify either the Iterators or LoopCondition input parameter".
      const n = ['Iterators', 'LoopCondition'].filter((k) => k in inputs).length;
      if (n !== 1) out.push(diag(file, step.name, `aws:loop needs exactly one of Iterators or LoopCondition, found ${n}`, 'use Iterators for a for-each loop or LoopCondition for a do-while loop'));
      if ('LoopCondition' in inputs) {
        const p = conditionProblem(inputs.LoopCondition);
        if (p !== undefined) out.push(diag(file, step.name, `inputs.LoopCondition ${p}`, 'give the loop exactly one condition', 'SSM-SCH-003'));
      }
      break;
    }
    case 'aws:runCommand':
      // automation-action-runcommand.html: InstanceIds (or {{RESOURCE_ID}}) or Targets.
      if (!('InstanceIds' in inputs) && !('Targets' in inputs)) out.push(diag(file, step.name, 'aws:runCommand has neither InstanceIds nor Targets', 'add InstanceIds or Targets'));
      break;
    case 'aws:executeScript': {
      if (!('Script' in inputs) && !('Attachment' in inputs)) out.push(diag(file, step.name, 'aws:executeScript has neither Script nor Attachment', 'add the Script text or an Attachment'));
      const python = typeof inputs.Runtime === 'string' && inputs.Runtime.startsWith('python');
      // automation-action-executeScript.html: Handler is required for Python, not supported for PowerShell.
      if (python && !('Handler' in inputs)) out.push(diag(file, step.name, 'aws:executeScript with a Python runtime has no Handler', 'add Handler: the name of the function to call'));
      if (!python && typeof inputs.Runtime === 'string' && 'Handler' in inputs) out.push(diag(file, step.name, 'Handler is not supported with a PowerShell runtime', 'remove Handler'));
      break;
    }
    case 'aws:sleep':
      if (('Duration' in inputs) === ('Timestamp' in inputs)) out.push(diag(file, step.name, 'aws:sleep needs exactly one of Duration or Timestamp', 'give Duration (e.g. PT10M) or Timestamp'));
      break;
    default:
      break;
  }
  return out;
}

/** Runs check 1 on a parsed document. */
export function checkSchema(doc: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const unknownActionSteps = new Set<string>();
  const collect = (list: unknown, prefix: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => {
      if (!isObject(s)) return;
      if (typeof s.action === 'string' && !SUPPORTED_ACTIONS.includes(s.action)) {
        unknownActionSteps.add(`${prefix}/${i}`);
        const hint = closest(s.action, SUPPORTED_ACTIONS);
        out.push(diag(file, typeof s.name === 'string' ? s.name : `${prefix.slice(1)}[${i}]`, `unknown action "${s.action}"${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}`, `use an action of the Automation actions reference: ${SUPPORTED_ACTIONS.join(', ')}`, 'SSM-SCH-002'));
      }
      if (s.action === 'aws:loop' && isObject(s.inputs)) collect(s.inputs.Steps, `${prefix}/${i}/inputs/Steps`);
    });
  };
  if (isObject(doc)) collect(doc.mainSteps, '/mainSteps');
  const validate = validator();
  if (!validate(doc)) {
    for (const e of simplify(validate.errors ?? [])) {
      if ([...unknownActionSteps].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
      const d = describe(e);
      if (d === undefined) continue;
      const loc = locate(doc, e.instancePath);
      const where = loc.path === '' ? '' : `${loc.path}: `;
      out.push(diag(file, loc.step, `${where}${d.message}`.trim(), d.fix, 'SSM-SCH-001'));
    }
  }
  for (const step of allSteps(doc)) out.push(...ruleChecks(step, file), ...checkScriptRuntime(step, file), ...checkScriptHandler(step, file));
  return out;
}
