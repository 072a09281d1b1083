import { parse as parseYaml } from 'yaml';
import { DocumentError } from './errors';

/** Parameter types of schemaVersion 0.3 (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html). */
export type ParameterType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'MapList' | 'StringMap';

export interface ParameterSpec {
  readonly type: ParameterType;
  readonly description?: string;
  readonly default?: unknown;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minChars?: number;
  readonly maxChars?: number;
}

export interface OutputSpec {
  readonly Name: string;
  readonly Selector: string;
  readonly Type: string;
}

/** A step as written in the document (common properties: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html). */
export interface StepSpec {
  readonly name: string;
  readonly action: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs?: readonly OutputSpec[];
  readonly nextStep?: string;
  readonly isEnd?: boolean;
  readonly onFailure?: string;
  readonly onCancel?: string;
  readonly isCritical?: boolean;
  readonly maxAttempts?: number;
  readonly timeoutSeconds?: number;
}

export interface AutomationDocument {
  readonly name: string;
  readonly schemaVersion: '0.3';
  readonly description?: string;
  readonly assumeRole?: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly variables: Readonly<Record<string, { type: ParameterType; default?: unknown }>>;
  readonly mainSteps: readonly StepSpec[];
  readonly outputs: readonly string[];
}

const PARAMETER_TYPES: readonly string[] = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'];

/** Whether a parsed value is a YAML mapping (not null, not a list). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The document text parsed as YAML (JSON is YAML); a parse error names the document. */
export function parseDocumentText(text: string, name: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (e) {
    throw new DocumentError(name, `not valid YAML/JSON: ${(e as Error).message}`);
  }
}

/** A document's `parameters` section; every parameter needs one of the types SSM documents take. */
export function parseParameters(name: string, section: unknown): Record<string, ParameterSpec> {
  const parameters: Record<string, ParameterSpec> = {};
  for (const [key, spec] of Object.entries(isRecord(section) ? section : {})) {
    if (!isRecord(spec) || typeof spec.type !== 'string' || !PARAMETER_TYPES.includes(spec.type)) {
      throw new DocumentError(name, `parameter ${key} needs a type (one of ${PARAMETER_TYPES.join(', ')})`);
    }
    parameters[key] = spec as unknown as ParameterSpec;
  }
  return parameters;
}

/** Parses the rendered YAML (or JSON) of an Automation document. */
export function parseDocument(text: string, name: string): AutomationDocument {
  const raw = parseDocumentText(text, name);
  if (!isRecord(raw)) throw new DocumentError(name, 'the document must be a mapping');
  if (raw.schemaVersion !== '0.3') throw new DocumentError(name, `schemaVersion must be '0.3' for Automation, got ${JSON.stringify(raw.schemaVersion)}`);
  if (!Array.isArray(raw.mainSteps) || raw.mainSteps.length === 0) throw new DocumentError(name, 'mainSteps must be a non-empty list');
  const parameters = parseParameters(name, raw.parameters);
  const steps = raw.mainSteps.map((s, n) => parseStep(name, s, `mainSteps[${n}]`));
  const seen = new Set<string>();
  const check = (list: readonly StepSpec[]): void => {
    for (const s of list) {
      if (seen.has(s.name)) throw new DocumentError(name, `duplicate step name ${s.name}`);
      seen.add(s.name);
      if (s.action === 'aws:loop' && Array.isArray(s.inputs.Steps)) check(s.inputs.Steps as StepSpec[]);
    }
  };
  check(steps);
  return {
    name,
    schemaVersion: '0.3',
    description: typeof raw.description === 'string' ? raw.description : undefined,
    assumeRole: typeof raw.assumeRole === 'string' ? raw.assumeRole : undefined,
    parameters,
    variables: isRecord(raw.variables) ? (raw.variables as AutomationDocument['variables']) : {},
    mainSteps: steps,
    outputs: Array.isArray(raw.outputs) ? raw.outputs.map(String) : [],
  };
}

function parseStep(doc: string, raw: unknown, where: string): StepSpec {
  if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.action !== 'string') {
    throw new DocumentError(doc, `${where} needs a name and an action`);
  }
  const inputs = isRecord(raw.inputs) ? raw.inputs : {};
  const withNested = raw.action === 'aws:loop' && Array.isArray(inputs.Steps)
    ? { ...inputs, Steps: inputs.Steps.map((s, n) => parseStep(doc, s, `${raw.name}.Steps[${n}]`)) }
    : inputs;
  return { ...(raw as unknown as StepSpec), inputs: withNested };
}
