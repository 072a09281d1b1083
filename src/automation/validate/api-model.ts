/**
 * AWS API models, read at run time from the AWS SDK for JavaScript v3 clients
 * installed in node_modules. Each client exports its operations as static schemas
 * `[9, namespace, name, traits, input, output]` (input/output are structure schemas
 * `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount?]`);
 * `NormalizedSchema` from `@smithy/core/schema` walks them.
 *
 * Required members: a structure schema lists its required members first and gives
 * their count as the trailing element (index 6) — the serializer in
 * `@smithy/core/dist-cjs/submodules/protocols/index.js` reads `source[6]` the same
 * way. Verified here on DescribeInstanceAttribute (InstanceId, Attribute) and
 * EnterStandby (AutoScalingGroupName, ShouldDecrementDesiredCapacity).
 */
import { createRequire } from 'node:module';
import { NormalizedSchema } from '@smithy/core/schema';

const load = createRequire(__filename);

/**
 * Automation's `Service` is the boto3 client name
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html:
 * "The AWS service namespace that contains the API operation", e.g. ec2, ssm).
 * Most are also the SDK v3 package suffix; these are the ones whose package is named differently.
 */
const PACKAGE_EXCEPTIONS: Readonly<Record<string, string>> = {
  autoscaling: 'auto-scaling',
  'application-autoscaling': 'application-auto-scaling',
  elbv2: 'elastic-load-balancing-v2',
  elb: 'elastic-load-balancing',
  logs: 'cloudwatch-logs',
  events: 'eventbridge',
  stepfunctions: 'sfn',
  'cognito-idp': 'cognito-identity-provider',
};

/** The npm package holding the model of a boto3 service name. */
export function packageFor(service: string): string {
  return `@aws-sdk/client-${PACKAGE_EXCEPTIONS[service] ?? service}`;
}

/** A static operation schema as the SDK exports it. */
type OperationSchema = readonly [9, string, string, unknown, unknown, unknown];

/** One API operation: its input and output shapes. */
export interface ApiOperation {
  readonly name: string;
  readonly input: NormalizedSchema;
  readonly output: NormalizedSchema;
  /** Names of required input members. */
  readonly required: ReadonlySet<string>;
}

/** A service's operations, or why they could not be loaded. */
export type ServiceModel =
  | { readonly ok: true; readonly packageName: string; readonly operations: ReadonlyMap<string, OperationSchema> }
  | { readonly ok: false; readonly packageName: string; readonly reason: string };

const cache = new Map<string, ServiceModel>();

function isOperation(v: unknown): v is OperationSchema {
  return Array.isArray(v) && v[0] === 9 && typeof v[2] === 'string';
}

/** Loads (once per process) the operations of a boto3 service name. */
export function serviceModel(service: string): ServiceModel {
  const cached = cache.get(service);
  if (cached !== undefined) return cached;
  const packageName = packageFor(service);
  let model: ServiceModel;
  if (!/^[a-z0-9-]+$/.test(service)) {
    model = { ok: false, packageName, reason: 'is not a boto3 service name (lower-case letters, digits, dashes)' };
  } else {
    try {
      const mod = load(packageName) as Record<string, unknown>;
      const operations = new Map<string, OperationSchema>();
      for (const v of Object.values(mod)) if (isOperation(v)) operations.set(v[2], v);
      model = { ok: true, packageName, operations };
    } catch {
      model = { ok: false, packageName, reason: `has no API model here: npm package ${packageName} is not installed` };
    }
  }
  cache.set(service, model);
  return model;
}

/** Resolves an operation of a loaded service. */
export function operation(model: ServiceModel & { ok: true }, api: string): ApiOperation | undefined {
  const op = model.operations.get(api);
  if (op === undefined) return undefined;
  const input = NormalizedSchema.of(op[4] as Parameters<typeof NormalizedSchema.of>[0]);
  const output = NormalizedSchema.of(op[5] as Parameters<typeof NormalizedSchema.of>[0]);
  const raw = input.getSchema();
  const names = Array.isArray(raw) ? (raw[4] as string[]) : [];
  const count = Array.isArray(raw) && typeof raw[6] === 'number' ? raw[6] : 0;
  return { name: api, input, output, required: new Set(names.slice(0, count)) };
}

/** Member names of a structure shape. */
export function memberNames(shape: NormalizedSchema): string[] {
  return shape.isStructSchema() ? [...shape.structIterator()].map(([n]) => n) : [];
}

/** Closest candidates by edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const d = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length];
  };
  return [...candidates]
    .map((c) => ({ c, s: d(word, c) }))
    .filter((x) => x.s <= Math.max(2, Math.floor(word.length / 3)))
    .sort((a, b) => a.s - b.s)
    .slice(0, max)
    .map((x) => x.c);
}
