import { AutomationDocument, StepSpec } from './document';
import { AwsApiError } from './errors';
import { StepFaultEffect, StepHooks } from './interpreter/execution';
import { World } from './world/world';

/** The faults injected at every step. */
export const FAULT_KINDS = ['api-error', 'throttling', 'step-timeout', 'cancel', 'start-failure', 'agent-offline', 'api-outage', 'stale-reads'] as const;
/** Faults a correct runbook absorbs: the run must still end as it would without them. */
export const BENIGN_FAULT_KINDS: readonly FaultKind[] = ['stale-reads'];
/**
 * How long EC2 reads lag behind a change under `stale-reads`. EC2 documents that a change "might
 * not be immediately visible" and advises retrying Describe calls with backoff from a couple of
 * seconds up to minutes; 20 s is longer than every handler's first poll interval, so a read right
 * after a start, stop or user-data write does see the old state.
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
 */
export const STALE_READ_MS = 20_000;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A step of a document (top-level, nested in aws:loop, or of a child runbook). */
export interface StepRef {
  readonly document: string;
  readonly step: string;
}

/** One fault at one step. */
export interface Fault {
  readonly kind: FaultKind;
  readonly at: StepRef;
}

/** Error codes each service really returns for an internal error and for throttling. */
const ERROR_CODES: Readonly<Record<string, { internal: string; throttle: string }>> = {
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  ec2: { internal: 'InternalError', throttle: 'RequestLimitExceeded' },
  // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html
  autoscaling: { internal: 'InternalFailure', throttle: 'Throttling' },
  // https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html
  ssm: { internal: 'InternalServerError', throttle: 'ThrottlingException' },
};

export function describeFault(f: Fault | undefined): string {
  return f ? `${f.kind}@${f.at.document}/${f.at.step}` : 'none';
}

/**
 * Applies one fault the first time its step runs:
 * - api-error / throttling: every API call during the step's first attempt fails with the
 *   service's real code (a short outage: SDK retries inside the attempt fail too, a retry of
 *   the step through maxAttempts succeeds);
 * - step-timeout: the step does its work, then is reported TimedOut at its deadline;
 * - cancel: the execution is cancelled while the step runs (its work happens);
 * - start-failure: from this step on, starting the instance fails (the KMS case);
 * - agent-offline: from this step on, the instance's SSM Agent is down;
 * - api-outage: every API call of every attempt of the step fails with the service's internal
 *   error, so the step fails whatever its maxAttempts (an undo step failing partway);
 * - stale-reads: from this step on, EC2 reads return an instance as it was before its last
 *   start, stop or user-data write for STALE_READ_MS (eventual consistency).
 * `fired` tells whether the fault actually changed anything (an API fault on a step that
 * makes no call does not).
 */
export class FaultInjector implements StepHooks {
  fired = false;
  private reached = false;
  /** An api-outage lasts until the next step starts. */
  private outage = false;

  constructor(
    readonly fault: Fault,
    private readonly world: World,
    private readonly instanceId: string,
  ) {}

  onStepStart(document: string, step: StepSpec): StepFaultEffect | undefined {
    if (this.outage) {
      this.outage = false;
      this.world.interceptor = undefined;
    }
    if (this.reached || document !== this.fault.at.document || step.name !== this.fault.at.step) return undefined;
    this.reached = true;
    const instance = this.world.ec2.instances.get(this.instanceId);
    switch (this.fault.kind) {
      case 'api-outage':
        this.outage = true;
        this.world.interceptor = (service, operation) => {
          this.fired = true;
          return new AwsApiError(service, operation, (ERROR_CODES[service] ?? ERROR_CODES.ec2).internal, 'An internal error has occurred');
        };
        return undefined;
      case 'stale-reads':
        this.fired = true;
        this.world.ec2.staleReadMs = STALE_READ_MS;
        return undefined;
      case 'api-error':
      case 'throttling': {
        const throttle = this.fault.kind === 'throttling';
        this.world.interceptor = (service, operation) => {
          this.fired = true;
          const codes = ERROR_CODES[service] ?? ERROR_CODES.ec2;
          return new AwsApiError(service, operation, throttle ? codes.throttle : codes.internal, throttle ? 'Rate exceeded' : 'An internal error has occurred');
        };
        return undefined;
      }
      case 'step-timeout':
        this.fired = true;
        return { timeout: true };
      case 'cancel':
        this.fired = true;
        return { cancel: true };
      case 'start-failure':
        this.fired = true;
        if (instance) instance.startFails = true;
        return undefined;
      case 'agent-offline':
        this.fired = true;
        if (instance) {
          instance.agentWorks = false;
          instance.agentOnline = false;
        }
        return undefined;
    }
  }

  onAttemptEnd(document: string, step: StepSpec): void {
    // An API fault lasts for the first attempt of its own step (nested steps end earlier).
    if (!this.outage && document === this.fault.at.document && step.name === this.fault.at.step) this.world.interceptor = undefined;
  }
}

/** Steps of `doc`, its aws:loop bodies and the runbooks it starts with aws:executeAutomation. */
export function allSteps(doc: AutomationDocument, documents: ReadonlyMap<string, AutomationDocument>): StepRef[] {
  const out: StepRef[] = [];
  const seenDocs = new Set<string>();
  const visit = (d: AutomationDocument): void => {
    if (seenDocs.has(d.name)) return;
    seenDocs.add(d.name);
    const walk = (steps: readonly StepSpec[]): void => {
      for (const s of steps) {
        out.push({ document: d.name, step: s.name });
        if (s.action === 'aws:loop' && Array.isArray(s.inputs.Steps)) walk(s.inputs.Steps as StepSpec[]);
        if (s.action === 'aws:executeAutomation' && typeof s.inputs.DocumentName === 'string') {
          const child = documents.get(s.inputs.DocumentName);
          if (child) visit(child);
        }
      }
    };
    walk(d.mainSteps);
  };
  visit(doc);
  return out;
}
