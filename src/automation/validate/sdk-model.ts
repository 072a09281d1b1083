/**
 * A second, newer opinion on which operations and request members exist, from the AWS
 * SDK for JavaScript v3 clients installed with this package (EC2, Auto Scaling, SSM).
 * Consulted only when the botocore model lacks a name, since that model can be older
 * than the document. Each client exports its operations as static schemas
 * `[9, namespace, name, traits, input, output]`; `NormalizedSchema` walks them.
 */
import { createRequire } from 'node:module';
import { NormalizedSchema } from '@smithy/core/schema';

const load = createRequire(__filename);

/** boto3 service name → SDK v3 package, for the clients this package depends on. */
const PACKAGES: Readonly<Record<string, string>> = {
  ec2: '@aws-sdk/client-ec2',
  autoscaling: '@aws-sdk/client-auto-scaling',
  ssm: '@aws-sdk/client-ssm',
};

type OperationSchema = readonly [9, string, string, unknown, unknown, unknown];

const cache = new Map<string, ReadonlyMap<string, OperationSchema> | undefined>();

function operations(service: string): ReadonlyMap<string, OperationSchema> | undefined {
  if (cache.has(service)) return cache.get(service);
  const pkg = PACKAGES[service];
  let ops: Map<string, OperationSchema> | undefined;
  if (pkg !== undefined) {
    try {
      ops = new Map();
      for (const v of Object.values(load(pkg) as Record<string, unknown>)) {
        if (Array.isArray(v) && v[0] === 9 && typeof v[2] === 'string') ops.set(v[2], v as unknown as OperationSchema);
      }
    } catch {
      ops = undefined;
    }
  }
  cache.set(service, ops);
  return ops;
}

/** Whether the SDK knows the operation: true / false, or undefined when it has no model of the service. */
export function sdkHasOperation(service: string, api: string): boolean | undefined {
  return operations(service)?.has(api);
}

/** Whether the SDK knows a request member of an operation (undefined: no opinion). */
export function sdkHasMember(service: string, api: string, member: string): boolean | undefined {
  const op = operations(service)?.get(api);
  if (op === undefined) return undefined;
  const input = NormalizedSchema.of(op[4] as Parameters<typeof NormalizedSchema.of>[0]);
  return input.isStructSchema() ? [...input.structIterator()].some(([n]) => n === member) : undefined;
}
