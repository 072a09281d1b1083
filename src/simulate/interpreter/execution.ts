import { AutomationDocument, StepSpec } from '../document';
import { DocumentError, SimulatorLimitationError } from '../errors';
import { executeAutomation } from './actions/execute-automation';
import { executeScript } from './actions/execute-script';
import { assertAwsResourceProperty, executeAwsApi, waitForAwsResourceProperty } from './actions/aws-api';
import { changeInstanceState } from './actions/change-instance-state';
import { branch, sleep, updateVariable } from './actions/flow';
import { runCommand } from './actions/run-command';
import { ChoiceError, evaluateChoice } from './branch';
import { AutomationExecution, ExecutionStatus, StepExecution, StepStatus } from './execution-types';
import { SelectorError } from './jsonpath';
import { asStrings, OutputTypeError } from './outputs';
import { ParameterError, ParameterInput, resolveParameters, Value } from './parameters';
import { ReferenceError, resolve, Scope } from './references';
import { ActionResult, ExecutionHost, StepContext, StepFailure } from './step-context';

type Handler = (ctx: StepContext) => Promise<ActionResult>;

const HANDLERS: Readonly<Record<string, Handler>> = {
  'aws:executeAwsApi': executeAwsApi,
  'aws:waitForAwsResourceProperty': waitForAwsResourceProperty,
  'aws:assertAwsResourceProperty': assertAwsResourceProperty,
  'aws:changeInstanceState': changeInstanceState,
  'aws:runCommand': runCommand,
  'aws:sleep': sleep,
  'aws:branch': branch,
  'aws:updateVariable': updateVariable,
  'aws:executeAutomation': executeAutomation,
  'aws:executeScript': executeScript,
};

/** Actions whose inputs are resolved lazily by the action itself. */
const LAZY_INPUTS = new Set(['aws:branch', 'aws:loop']);

/**
 * Timeout of a step without timeoutSeconds, in seconds: aws:executeAwsApi runs at most 25 s
 * (automation-action-executeAwsApi.html), aws:executeScript at most 600 s
 * (automation-action-executeScript.html); waiting actions are given an hour.
 */
const DEFAULT_TIMEOUT_S: Readonly<Record<string, number>> = {
  'aws:executeAwsApi': 25,
  'aws:executeScript': 600,
  'aws:waitForAwsResourceProperty': 3600,
  'aws:changeInstanceState': 3600,
  'aws:runCommand': 3600,
};

/** A fault the host applies to one step (see faults.ts). */
export interface StepFaultEffect {
  /** The step's work happens, then it is reported TimedOut. */
  readonly timeout?: boolean;
  /** The execution is cancelled while the step runs. */
  readonly cancel?: boolean;
}

/** Hooks a fault injector or an observer uses; all optional. */
export interface StepHooks {
  /** Awaited before each step starts (lets a scheduler interleave executions at step boundaries). */
  beforeStep?(document: string, step: StepSpec): Promise<void> | void;
  /** An execution (root or child) is about to run its first step. */
  onExecutionStart?(executionId: string, document: string, parentExecutionId: string | undefined): void;
  onStepStart?(document: string, step: StepSpec, executionId: string): StepFaultEffect | undefined;
  /** After each attempt of a step (maxAttempts may make several). */
  onAttemptEnd?(document: string, step: StepSpec, executionId: string): void;
  /**
   * After a step's work, before its record is written: an observer may wait here (to let
   * wall-clock time catch up with virtual time) and return `cancel` when a cancel request
   * arrived while the step ran.
   */
  afterStep?(document: string, step: StepSpec, executionId: string): Promise<StepFaultEffect | undefined>;
}

/** Options of one execution. */
export interface ExecutionOptions {
  /**
   * How long the onCancel path may run: Automation runs it for at most about two minutes
   * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html, onCancel).
   * @default 120
   */
  readonly onCancelLimitSeconds?: number;
  /**
   * Step executions after which the run is stopped as a probable endless loop.
   * @default 2000
   */
  readonly maxStepRuns?: number;
  readonly hooks?: StepHooks;
  /** The execution whose aws:executeAutomation step started this one. */
  readonly parentExecutionId?: string;
}

type SequenceEnd = { kind: 'completed' | 'end' | 'abort' | 'stopped' } | { kind: 'cancelled'; step: StepSpec };

const ISO = (ms: number, epoch: number): string => new Date(epoch + ms).toISOString();

/**
 * Runs one Automation document, step by step, on the host's virtual clock, following
 * AWS's documented semantics for flow control and failure handling
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-branchdocs.html).
 */
export class Execution {
  readonly id: string;
  private readonly steps: StepExecution[] = [];
  private readonly children: AutomationExecution[] = [];
  private failed?: 'Failed' | 'TimedOut';
  private failureMessage?: string;
  private cancelled = false;
  private cancelDeadline?: number;
  private stepRuns = 0;
  private readonly started: number;
  /** The resolved document-level assumeRole ('' when none is given). */
  private assumeRole = '';
  /** Inputs of the step attempt that ran last, as resolved. */
  private lastInputs?: Readonly<Record<string, unknown>>;

  constructor(
    private readonly host: ExecutionHost,
    private readonly doc: AutomationDocument,
    private readonly input: ParameterInput,
    private readonly depth: number,
    private readonly options: ExecutionOptions = {},
  ) {
    const { rng } = host.world;
    this.id = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
    this.started = host.world.clock.now;
    host.world.ssm.registerExecution(this.id, () => this.view());
  }

  private final?: AutomationExecution;

  /** The record GetAutomationExecution returns, also while the execution runs. */
  private view(): Record<string, unknown> {
    // The API shape has no virtual-time fields and no nested child records.
    const strip = (s: StepExecution): Record<string, unknown> => {
      const out: Record<string, unknown> = { ...s };
      delete out.startMs;
      delete out.endMs;
      // StepExecution.Inputs is a map of strings in the API (API_StepExecution.html).
      if (s.Inputs) out.Inputs = Object.fromEntries(Object.entries(s.Inputs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      return out;
    };
    if (this.final) {
      const out: Record<string, unknown> = { ...this.final, StepExecutions: this.final.StepExecutions.map(strip) };
      delete out.startMs;
      delete out.endMs;
      delete out.ChildExecutions;
      return out;
    }
    return {
      AutomationExecutionId: this.id,
      DocumentName: this.doc.name,
      AutomationExecutionStatus: 'InProgress',
      ExecutionStartTime: ISO(this.started, this.host.world.clock.epochMs),
      StepExecutions: this.steps.map(strip),
      Outputs: {},
    };
  }

  async run(): Promise<AutomationExecution> {
    this.options.hooks?.onExecutionStart?.(this.id, this.doc.name, this.options.parentExecutionId);
    let scope: Scope;
    try {
      const parameters = resolveParameters(this.doc, this.input);
      const variables: Record<string, Value> = {};
      for (const [k, v] of Object.entries(this.doc.variables)) if (v.default !== undefined) variables[k] = v.default as Value;
      scope = { parameters, variables, outputs: new Map(), builtins: this.builtins() };
      if (this.doc.assumeRole !== undefined) this.assumeRole = String(resolve(this.doc.assumeRole, scope) ?? '');
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      // Bad input: the execution fails before any step runs.
      return this.result('Failed', {}, `InvalidAutomationExecutionParametersException: ${e.message}`, {});
    }
    const end = await this.sequence(this.doc.mainSteps, 0, scope);
    if (end.kind === 'cancelled') {
      this.cancelled = true;
      const onCancel = end.step.onCancel ?? 'Abort';
      if (onCancel.startsWith('step:')) {
        this.cancelDeadline = this.host.world.clock.now + (this.options.onCancelLimitSeconds ?? 120) * 1000;
        await this.sequence(this.doc.mainSteps, this.indexOf(this.doc.mainSteps, onCancel.slice(5)), scope);
      }
    }
    const status: ExecutionStatus = this.cancelled ? 'Cancelled' : this.failed ?? 'Success';
    return this.result(status, scope.parameters, this.failureMessage, this.collectOutputs(scope));
  }

  private builtins(): Record<string, Value> {
    const { world } = this.host;
    const d = world.clock.date().toISOString();
    return {
      'automation:EXECUTION_ID': this.id,
      'global:ACCOUNT_ID': world.accountId,
      'global:REGION': world.region,
      'global:AWS_PARTITION': 'aws',
      'global:DATE': d.slice(0, 10),
      'global:DATE_TIME': `${d.slice(0, 10)}_${d.slice(11, 19).replace(/:/g, '.')}`,
    };
  }

  private collectOutputs(scope: Scope): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const ref of this.doc.outputs) {
      const dot = ref.indexOf('.');
      const v = scope.outputs.get(ref.slice(0, dot))?.[ref.slice(dot + 1)];
      if (v !== undefined) out[ref] = asStrings(v);
    }
    return out;
  }

  private result(status: ExecutionStatus, parameters: Readonly<Record<string, Value>>, failure: string | undefined, outputs: Record<string, string[]>): AutomationExecution {
    const { clock } = this.host.world;
    const params: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(parameters)) params[k] = asStrings(v);
    this.final = {
      AutomationExecutionId: this.id,
      DocumentName: this.doc.name,
      AutomationExecutionStatus: status,
      ...(failure !== undefined && status !== 'Success' ? { FailureMessage: failure } : {}),
      Parameters: params,
      Outputs: outputs,
      StepExecutions: this.steps,
      ChildExecutions: this.children,
      ExecutionStartTime: ISO(this.started, clock.epochMs),
      ExecutionEndTime: ISO(clock.now, clock.epochMs),
      startMs: this.started,
      endMs: clock.now,
    };
    return this.final;
  }

  private indexOf(list: readonly StepSpec[], name: string): number {
    const i = list.findIndex((s) => s.name === name);
    if (i < 0) throw new DocumentError(this.doc.name, `step:${name} names no step in this step list`);
    return i;
  }

  /** Runs a step list from `start` following nextStep / isEnd / onFailure. */
  private async sequence(list: readonly StepSpec[], start: number, scope: Scope): Promise<SequenceEnd> {
    let i = start;
    const { clock } = this.host.world;
    while (i < list.length) {
      if (this.cancelDeadline !== undefined && clock.now >= this.cancelDeadline) return { kind: 'stopped' };
      if (++this.stepRuns > (this.options.maxStepRuns ?? 2000)) {
        this.failed = 'Failed';
        this.failureMessage = `more than ${this.options.maxStepRuns ?? 2000} step executions: endless loop?`;
        return { kind: 'abort' };
      }
      const step = list[i];
      await this.options.hooks?.beforeStep?.(this.doc.name, step);
      const r = await this.runStep(step, scope);
      if (r.status === 'Cancelled') return { kind: 'cancelled', step };
      let next: string | undefined;
      if (r.status === 'Success') {
        if (step.isEnd === true) return { kind: 'end' };
        next = r.nextStep ?? step.nextStep;
      } else {
        const onFailure = step.onFailure ?? 'Abort';
        // isCritical defaults to false when onFailure is Continue, otherwise true (automation-actions.html).
        const critical = step.isCritical ?? onFailure !== 'Continue';
        if (critical && this.failed !== 'TimedOut') {
          this.failed = r.status === 'TimedOut' ? 'TimedOut' : 'Failed';
          this.failureMessage = `Step ${step.name} ${r.status === 'TimedOut' ? 'timed out' : 'failed'}: ${r.failure ?? ''}`;
        }
        if (onFailure === 'Abort') {
          if (!critical && this.failed === undefined) {
            this.failed = 'Failed';
            this.failureMessage = `Step ${step.name} failed and aborted the execution: ${r.failure ?? ''}`;
          }
          return { kind: 'abort' };
        }
        if (step.isEnd === true) return { kind: 'end' };
        if (onFailure === 'Continue') next = step.nextStep;
        else if (onFailure.startsWith('step:')) next = onFailure.slice(5);
        else throw new DocumentError(this.doc.name, `step ${step.name}: onFailure must be Abort, Continue or step:NAME, got ${onFailure}`);
      }
      i = next === undefined ? i + 1 : this.indexOf(list, next);
    }
    return { kind: 'completed' };
  }

  private async runStep(step: StepSpec, scope: Scope): Promise<{ status: StepStatus; nextStep?: string; failure?: string }> {
    const { clock } = this.host.world;
    const startMs = clock.now;
    const maxAttempts = Math.max(1, Number(step.maxAttempts ?? 1));
    let effect = this.options.hooks?.onStepStart?.(this.doc.name, step, this.id);
    let attempts = 0;
    let status: StepStatus = 'Failed';
    let failure: string | undefined;
    let outcome: ActionResult | undefined;
    this.lastInputs = undefined;
    while (attempts < maxAttempts) {
      attempts++;
      const timeoutS = step.timeoutSeconds ?? DEFAULT_TIMEOUT_S[step.action];
      let deadline = timeoutS === undefined ? Infinity : clock.now + timeoutS * 1000;
      if (this.cancelDeadline !== undefined) deadline = Math.min(deadline, this.cancelDeadline);
      try {
        outcome = step.action === 'aws:loop' ? await this.loop(step, scope, deadline) : await this.action(step, scope, deadline);
        if (effect?.timeout && attempts === 1) {
          clock.advanceTo(Number.isFinite(deadline) ? deadline : clock.now + 3600_000);
          throw new StepFailure('Step timed out (injected fault)', true);
        }
        status = 'Success';
        break;
      } catch (e) {
        if (e instanceof LoopCancelled) {
          status = 'Cancelled';
          break;
        }
        if (!(e instanceof StepFailure || e instanceof ReferenceError || e instanceof OutputTypeError || e instanceof SelectorError || e instanceof ChoiceError)) throw e;
        status = e instanceof StepFailure && e.timedOut ? 'TimedOut' : 'Failed';
        failure = e.message;
        if (effect?.cancel) break;
      } finally {
        this.options.hooks?.onAttemptEnd?.(this.doc.name, step, this.id);
      }
    }
    const late = await this.options.hooks?.afterStep?.(this.doc.name, step, this.id);
    if (late?.cancel && !this.cancelled) effect = { ...effect, cancel: true };
    if (effect?.cancel) {
      status = 'Cancelled';
      failure = 'Execution cancelled while the step was running';
    }
    if (status === 'Success' && outcome && Object.keys(outcome.outputs).length > 0) {
      (scope.outputs as Map<string, Record<string, Value>>).set(step.name, outcome.outputs);
    }
    const outputs: Record<string, string[]> = {};
    if (status === 'Success' && outcome) for (const [k, v] of Object.entries(outcome.outputs)) outputs[k] = asStrings(v);
    this.steps.push({
      StepName: step.name,
      Action: step.action,
      StepStatus: status,
      ...(failure !== undefined && status !== 'Success' ? { FailureMessage: failure } : {}),
      ...(Object.keys(outputs).length > 0 ? { Outputs: outputs } : {}),
      ...(step.action === 'aws:loop' ? { Inputs: step.inputs } : this.lastInputs ? { Inputs: this.lastInputs } : {}),
      ExecutionStartTime: ISO(startMs, clock.epochMs),
      ExecutionEndTime: ISO(clock.now, clock.epochMs),
      Attempts: attempts,
      IsCritical: step.isCritical ?? (step.onFailure ?? 'Abort') !== 'Continue',
      OnFailure: step.onFailure ?? 'Abort',
      startMs,
      endMs: clock.now,
    });
    return { status, nextStep: outcome?.nextStep, failure };
  }

  private async action(step: StepSpec, scope: Scope, deadline: number): Promise<ActionResult> {
    const handler = HANDLERS[step.action];
    if (!handler) throw new SimulatorLimitationError(`unsupported action ${step.action} in step ${step.name} of ${this.doc.name}`);
    const inputs = LAZY_INPUTS.has(step.action) ? step.inputs : (resolve(step.inputs, scope) as Record<string, unknown>);
    this.lastInputs = inputs;
    const parent = this.host;
    // Children started by this step are recorded in this execution's result.
    const host: ExecutionHost = {
      world: parent.world,
      documents: parent.documents,
      python: () => parent.python(),
      runChild: async (name, params, depth) => {
        const child = await parent.runChild(name, params, depth, this.id);
        this.children.push(child);
        return child;
      },
    };
    return handler({ host, step, inputs, scope, deadline, depth: this.depth, assumeRole: this.assumeRole });
  }

  /**
   * aws:loop: runs its Steps for each item of Iterators, or while LoopCondition holds, at
   * most MaxIterations times (default and maximum 100); outputs CurrentIteration and
   * CurrentIteratorValue (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-loop.html).
   */
  private async loop(step: StepSpec, scope: Scope, deadline: number): Promise<ActionResult> {
    const inputs = step.inputs;
    const steps = inputs.Steps as StepSpec[] | undefined;
    if (!Array.isArray(steps) || steps.length === 0) throw new StepFailure('aws:loop needs Steps (a non-empty list)');
    const max = Number(inputs.MaxIterations ?? 100);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new StepFailure('aws:loop MaxIterations must be 1..100');
    const iterators = inputs.Iterators === undefined ? undefined : resolve(inputs.Iterators, scope);
    if (iterators !== undefined && !Array.isArray(iterators)) throw new StepFailure('aws:loop Iterators must resolve to a list');
    const condition = inputs.LoopCondition as Record<string, unknown> | undefined;
    if (iterators === undefined && condition === undefined) throw new StepFailure('aws:loop needs Iterators or LoopCondition');
    const outputs = scope.outputs as Map<string, Record<string, Value>>;
    let n = 0;
    for (; n < max; n++) {
      if (iterators !== undefined && n >= iterators.length) break;
      if (iterators === undefined && condition && !evaluateChoice(condition, (v) => resolve(v, scope))) break;
      outputs.set(step.name, { CurrentIteration: n + 1, ...(iterators ? { CurrentIteratorValue: iterators[n] as Value } : {}) });
      const end = await this.sequence(steps, 0, scope);
      if (end.kind === 'cancelled') throw new LoopCancelled();
      if (end.kind === 'abort' || end.kind === 'stopped') throw new StepFailure(`aws:loop iteration ${n + 1}: ${this.failureMessage ?? 'a step failed'}`);
      if (this.host.world.clock.now > deadline) throw new StepFailure('aws:loop timed out', true);
    }
    return { outputs: { CurrentIteration: n, ...(iterators && n > 0 ? { CurrentIteratorValue: iterators[n - 1] as Value } : {}) } };
  }
}

/** Cancellation reached a step nested in a loop. */
class LoopCancelled extends Error {}
