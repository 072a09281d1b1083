import { VirtualClock } from '../clock';
import { AwsApiError, SimulatorLimitationError } from '../errors';
import { DEFAULT_LATENCIES, draw, Latencies } from '../latency';
import { Rng } from '../rng';
import { AutoScaling } from './autoscaling';
import { Ec2 } from './ec2';
import { Kms } from './kms';
import { S3 } from './s3';
import { ApiParams, Operation } from './params';
import { Ssm } from './ssm';

/** Options of a simulated world. */
export interface WorldOptions {
  /** @default 1 */
  readonly seed?: number;
  /** @default DEFAULT_LATENCIES */
  readonly latencies?: Partial<Latencies>;
  /** @default '111122223333' */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * Step executions GetAutomationExecution returns before it sets StepExecutionsTruncated (the
   * API reference names the flag but no figure). @default no truncation
   */
  readonly stepExecutionsLimit?: number;
}

/**
 * Hook that sees every API call before it reaches the service; returning an error makes
 * the call fail with it (fault injection).
 */
export type CallInterceptor = (service: string, operation: string) => AwsApiError | undefined;

/** snake_case (boto3 method) → PascalCase (API operation). */
export function operationName(name: string): string {
  if (!name.includes('_')) return name;
  return name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The simulated AWS account: EC2, Auto Scaling and SSM sharing one virtual clock. */
export class World {
  readonly clock = new VirtualClock();
  readonly rng: Rng;
  readonly latencies: Latencies;
  readonly accountId: string;
  readonly region: string;
  readonly ec2: Ec2;
  readonly autoscaling: AutoScaling;
  readonly ssm: Ssm;
  readonly kms: Kms;
  readonly s3: S3;
  /** Count of API calls per `service:Operation`. */
  readonly calls = new Map<string, number>();
  /** Every instance state change, in order (for downtime and stop/start figures). */
  readonly stateLog: { readonly instanceId: string; readonly state: string; readonly atMs: number }[] = [];
  interceptor?: CallInterceptor;
  private readonly services: Readonly<Record<string, Readonly<Record<string, Operation>>>>;

  constructor(options: WorldOptions = {}) {
    this.rng = new Rng(options.seed ?? 1);
    this.latencies = { ...DEFAULT_LATENCIES, ...options.latencies };
    this.accountId = options.accountId ?? '111122223333';
    this.region = options.region ?? 'us-east-1';
    this.kms = new Kms(this.accountId, this.region);
    this.s3 = new S3(this.accountId, this.kms);
    this.ec2 = new Ec2({
      kms: this.kms,
      clock: this.clock,
      rng: this.rng,
      latencies: this.latencies,
      accountId: this.accountId,
      onStateChange: (i) => {
        this.stateLog.push({ instanceId: i.instanceId, state: i.state, atMs: this.clock.now });
        this.autoscaling.onStateChange(i);
      },
    });
    this.autoscaling = new AutoScaling(this.clock, this.rng, this.latencies, this.ec2);
    this.ssm = new Ssm(this.clock, this.rng, this.latencies, this.ec2, options.stepExecutionsLimit);
    this.services = {
      ec2: this.ec2.operations, autoscaling: this.autoscaling.operations, ssm: this.ssm.operations, kms: this.kms.operations, s3: this.s3.operations,
    };
  }

  /** Total API calls made so far. */
  get totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  /**
   * Calls `service`'s `operation` (PascalCase or boto3 snake_case). Each call costs one
   * API round trip of virtual time. Unknown services/operations are a simulator gap and
   * raise SimulatorLimitationError naming them.
   */
  call(service: string, operation: string, params: ApiParams): Record<string, unknown> {
    const ops = this.services[service];
    if (!ops) throw new SimulatorLimitationError(`simulated AWS has no service "${service}" (known: ${Object.keys(this.services).join(', ')})`);
    const name = operationName(operation);
    const op = ops[name];
    if (!op) throw new SimulatorLimitationError(`simulated AWS does not implement ${service}:${name}`);
    const key = `${service}:${name}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.clock.advanceBy(draw(this.rng, this.latencies.apiCall));
    const injected = this.interceptor?.(service, name);
    if (injected) throw injected;
    const result = op(params) as Record<string, unknown>;
    return { ...structuredClone(result), ResponseMetadata: { HTTPStatusCode: 200 } };
  }
}
