/**
 * A tolerant, read-only view of a parsed Automation document. Every check runs on
 * documents that may be malformed, so nothing here throws: missing or mistyped
 * fields simply read as undefined.
 */

/** A plain JSON object. */
export type JsonObject = { readonly [key: string]: unknown };

/** The fields of one step that the graph and reference checks need. */
export interface StepView {
  /** Step name; `#<index>` when the step has no usable name. */
  readonly name: string;
  /** Index in its containing step list. */
  readonly index: number;
  /** Name of the enclosing `aws:loop` step, for steps inside a loop. */
  readonly loop?: string;
  readonly action?: string;
  readonly inputs?: JsonObject;
  readonly outputs: readonly OutputView[];
  readonly nextStep?: string;
  readonly isEnd: boolean;
  readonly onFailure?: string;
  readonly onCancel?: string;
  /** The raw step object. */
  readonly raw: JsonObject;
}

/** A declared step output. */
export interface OutputView {
  readonly name: string;
  readonly selector?: string;
  readonly type?: string;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readOutputs(value: unknown): OutputView[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).flatMap((o) => {
    const name = str(o.Name);
    return name === undefined ? [] : [{ name, selector: str(o.Selector), type: str(o.Type) }];
  });
}

function readStep(raw: unknown, index: number, loop?: string): StepView | undefined {
  if (!isObject(raw)) return undefined;
  return {
    name: str(raw.name) ?? `#${index}`,
    index,
    loop,
    action: str(raw.action),
    inputs: isObject(raw.inputs) ? raw.inputs : undefined,
    outputs: readOutputs(raw.outputs),
    nextStep: str(raw.nextStep),
    isEnd: raw.isEnd === true,
    onFailure: str(raw.onFailure),
    onCancel: str(raw.onCancel),
    raw,
  };
}

/** The top-level steps (`mainSteps`) in list order. */
export function mainSteps(doc: unknown): StepView[] {
  if (!isObject(doc) || !Array.isArray(doc.mainSteps)) return [];
  return doc.mainSteps.flatMap((s, i) => readStep(s, i) ?? []);
}

/** The steps nested in an `aws:loop` step's `Steps` input, in list order. */
export function loopSteps(step: StepView): StepView[] {
  if (step.action !== 'aws:loop' || step.inputs === undefined || !Array.isArray(step.inputs.Steps)) return [];
  return step.inputs.Steps.flatMap((s, i) => readStep(s, i, step.name) ?? []);
}

/** Every step of the document: main steps, each followed by the steps of its loop body. */
export function allSteps(doc: unknown): StepView[] {
  return mainSteps(doc).flatMap((s) => [s, ...loopSteps(s)]);
}

/** `step:Name` → `Name`; undefined for `Abort`, `Continue` or anything else. */
export function stepTarget(value: string | undefined): string | undefined {
  return value !== undefined && value.startsWith('step:') ? value.slice('step:'.length) : undefined;
}

/** The document's declared parameters (name → definition). */
export function parameters(doc: unknown): JsonObject {
  return isObject(doc) && isObject(doc.parameters) ? doc.parameters : {};
}

/** The document's declared runbook variables (name → definition). */
export function variables(doc: unknown): JsonObject {
  return isObject(doc) && isObject(doc.variables) ? doc.variables : {};
}
