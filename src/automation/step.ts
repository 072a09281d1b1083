import { Input, Rendered, renderInputs } from './input';
import { Permission } from './permission';
import { Ref, ValueType } from './ref';

/** A step, or the name of a step defined later in the same document (checked when the document is built). */
export type StepTarget = Step | string;

/** Where execution goes when a step fails. */
export type FailureTarget = 'Abort' | 'Continue' | StepTarget;

/** Where execution goes when a step is cancelled; AWS allows only Abort or a step. */
export type CancelTarget = 'Abort' | StepTarget;

/**
 * Options every step accepts. They map one to one onto the common step properties:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html#automation-common
 */
export interface StepOptions {
  /** Shown in the console and generated docs. @default - none */
  readonly description?: string;
  /** Seconds before the step fails with a timeout. @default - the action's own limit */
  readonly timeoutSeconds?: number;
  /** Attempts before the step counts as failed. @default 1 */
  readonly maxAttempts?: number;
  /** Whether the step's failure makes the whole execution fail. @default true */
  readonly isCritical?: boolean;
  /** Where to go when the step fails. @default 'Abort' */
  readonly onFailure?: FailureTarget;
  /** Where to go when the execution is cancelled during the step. @default 'Abort' */
  readonly onCancel?: CancelTarget;
  /** The step to run next. @default - the next step in the document's list */
  readonly nextStep?: StepTarget;
  /** End the execution after this step. @default false */
  readonly isEnd?: boolean;
}

/** One declared output of a step: a JSONPath selector into the action's response and its type. */
export interface OutputSpec<T extends ValueType = ValueType> {
  readonly selector: string;
  readonly type: T;
}

/** A set of declared outputs keyed by output name. */
export type OutputSpecs = { readonly [name: string]: OutputSpec };

/** Typed references for a set of declared outputs. */
export type OutputRefs<O extends OutputSpecs> = { readonly [K in keyof O]: Ref<O[K]['type']> };

/** The name of a target, whether given as a step or as a forward name. */
export function targetName(target: StepTarget): string {
  return typeof target === 'string' ? target : target.name;
}

/** Name rule for steps, from the common step properties reference (letters, digits, underscore). */
const STEP_NAME = /^[A-Za-z0-9_]{1,128}$/;

/**
 * An Automation step: an immutable value. The `with*` methods return modified copies, so one step
 * definition can never be changed behind the back of a document that already holds it.
 */
export abstract class Step {
  /** The action, e.g. `aws:executeAwsApi`. */
  abstract readonly action: string;

  constructor(
    readonly name: string,
    readonly options: StepOptions = {},
  ) {
    if (!STEP_NAME.test(name)) {
      throw new Error(`Step "${name}": step names may hold only letters, digits and underscores (1-128 characters)`);
    }
    if (options.isEnd === true && options.nextStep !== undefined) {
      throw new Error(`Step ${name}: isEnd and nextStep contradict each other — keep one`);
    }
    if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)) {
      throw new Error(`Step ${name}: maxAttempts must be a positive integer`);
    }
    if (options.timeoutSeconds !== undefined && (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1)) {
      throw new Error(`Step ${name}: timeoutSeconds must be a positive integer`);
    }
  }

  /** The action's inputs, with references still as objects. */
  protected abstract inputs(): { readonly [key: string]: Input | undefined };

  /** The IAM permissions the action needs at run time. */
  abstract permissions(): Permission[];

  /** Declared outputs rendered as AWS expects them, or undefined when the step declares none. */
  protected renderedOutputs(): { Name: string; Selector: string; Type: ValueType }[] | undefined {
    return undefined;
  }

  /** A copy of this step with some options replaced. */
  with(options: StepOptions): this {
    const merged: StepOptions = { ...this.options, ...options };
    if (options.isEnd === true) delete (merged as { nextStep?: StepTarget }).nextStep;
    if (options.nextStep !== undefined) delete (merged as { isEnd?: boolean }).isEnd;
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this, { options: merged });
    return copy;
  }

  /** A copy that continues with `step` instead of the next step in the list. */
  next(step: StepTarget): this {
    return this.with({ nextStep: step });
  }

  /** A copy that ends the execution after it. */
  end(): this {
    return this.with({ isEnd: true });
  }

  /** A copy that goes to `target` when it fails. */
  onFailure(target: FailureTarget): this {
    return this.with({ onFailure: target });
  }

  /** A copy that goes to `target` when the execution is cancelled during it. */
  onCancel(target: CancelTarget): this {
    return this.with({ onCancel: target });
  }

  /** Every step this one may hand over to explicitly (not counting list order). */
  explicitTargets(): string[] {
    const out: string[] = [];
    const { nextStep, onFailure, onCancel } = this.options;
    if (nextStep !== undefined) out.push(targetName(nextStep));
    if (onFailure !== undefined && onFailure !== 'Abort' && onFailure !== 'Continue') out.push(targetName(onFailure));
    if (onCancel !== undefined && onCancel !== 'Abort') out.push(targetName(onCancel));
    return out;
  }

  /** The step as it appears in `mainSteps`. */
  render(): { [key: string]: Rendered } {
    const o = this.options;
    const out: { [key: string]: Rendered } = { name: this.name, action: this.action };
    if (o.description !== undefined) out.description = o.description;
    if (o.maxAttempts !== undefined) out.maxAttempts = o.maxAttempts;
    if (o.timeoutSeconds !== undefined) out.timeoutSeconds = o.timeoutSeconds;
    if (o.onFailure !== undefined) out.onFailure = renderTarget(o.onFailure);
    if (o.onCancel !== undefined) out.onCancel = renderTarget(o.onCancel);
    if (o.isCritical !== undefined) out.isCritical = o.isCritical;
    out.inputs = renderInputs(this.inputs());
    const outputs = this.renderedOutputs();
    if (outputs !== undefined && outputs.length > 0) out.outputs = outputs.map((x) => ({ ...x }));
    if (o.nextStep !== undefined) out.nextStep = targetName(o.nextStep);
    if (o.isEnd === true) out.isEnd = true;
    return out;
  }
}

function renderTarget(target: FailureTarget): string {
  if (target === 'Abort' || target === 'Continue') return target;
  return `step:${targetName(target)}`;
}

/** Builds typed references and the rendered `outputs` list for a step's declared outputs. */
export function declareOutputs<O extends OutputSpecs>(stepName: string, specs: O): {
  refs: OutputRefs<O>;
  rendered: { Name: string; Selector: string; Type: ValueType }[];
} {
  const refs: Record<string, Ref> = {};
  const rendered: { Name: string; Selector: string; Type: ValueType }[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new Error(`Step ${stepName}: output name "${name}" may hold only letters, digits and underscores`);
    }
    if (!spec.selector.startsWith('$')) {
      throw new Error(`Step ${stepName}: output ${name} selector "${spec.selector}" must be a JSONPath starting with $`);
    }
    refs[name] = new Ref(`${stepName}.${name}`, spec.type, stepName);
    rendered.push({ Name: name, Selector: spec.selector, Type: spec.type });
  }
  return { refs: refs as OutputRefs<O>, rendered };
}

/** Typed references for outputs an action sets without declaring them (e.g. aws:runCommand's Output). */
export function builtinOutputs<O extends { readonly [name: string]: ValueType }>(stepName: string, types: O): { readonly [K in keyof O]: Ref<O[K]> } {
  const refs: Record<string, Ref> = {};
  for (const [name, type] of Object.entries(types)) refs[name] = new Ref(`${stepName}.${name}`, type, stepName);
  return refs as { readonly [K in keyof O]: Ref<O[K]> };
}
