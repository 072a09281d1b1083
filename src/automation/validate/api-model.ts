/**
 * AWS API models, read lazily from botocore's data files (`<service>/<version>/service-2.json`,
 * optionally gzip-compressed as newer botocore ships them): the same models boto3 — which
 * Automation's API actions use — is generated from. Only the services a document calls are
 * loaded, once per process.
 *
 * Where the models are looked for, first match wins:
 * - each directory of `AWS_DATA_PATH` (botocore's own variable for extra model folders,
 *   https://botocore.amazonaws.com/v1/documentation/api/latest/reference/loaders.html);
 * - the models bundled with the AWS CLI package (Debian `awscli`), usually the newer ones;
 * - Debian's `python3-botocore` (installed by scripts/install-deps.sh).
 *
 * Automation's `Service` is the boto3 client name
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html:
 * "The AWS service namespace that contains the API operation"), which is the botocore
 * data folder name (ec2, ssm, autoscaling, elbv2, logs, ...).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Default model folders, newest first. */
export const MODEL_DIRS: readonly string[] = ['/usr/lib/python3/dist-packages/awscli/botocore/data', '/usr/lib/python3/dist-packages/botocore/data'];

/** What to install when no model is found. */
export const MODEL_PACKAGE_HINT = 'apt-get install python3-botocore (or pip install botocore and add its botocore/data folder to AWS_DATA_PATH)';

/** A member reference inside a shape. */
interface MemberRef {
  readonly shape: string;
}

/** A botocore shape (only the fields the checks read). */
export interface Shape {
  readonly name: string;
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'double' | 'float' | 'timestamp' | 'blob';
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly value?: MemberRef;
  readonly enum?: readonly string[];
  readonly document?: boolean;
}

interface RawModel {
  readonly metadata?: { readonly apiVersion?: string };
  readonly operations: Readonly<Record<string, { readonly input?: MemberRef; readonly output?: MemberRef }>>;
  readonly shapes: Readonly<Record<string, Omit<Shape, 'name'>>>;
}

/** A loaded service. */
export interface LoadedModel {
  readonly ok: true;
  readonly service: string;
  /** File the model came from. */
  readonly file: string;
  readonly apiVersion: string;
  /** When the model file was written: botocore packages keep the release date. */
  readonly date: Date;
  readonly operations: ReadonlySet<string>;
  readonly raw: RawModel;
}

/** A service's model, or why it could not be loaded. */
export type ServiceModel = LoadedModel | { readonly ok: false; readonly service: string; readonly reason: string };

/** One API operation: its input and output shapes. */
export interface ApiOperation {
  readonly name: string;
  readonly input: Shape;
  readonly output: Shape;
  /** Names of required input members. */
  readonly required: ReadonlySet<string>;
}

const cache = new Map<string, ServiceModel>();

const EMPTY: Shape = { name: 'Empty', type: 'structure', members: {} };

function searchDirs(): string[] {
  const extra = (process.env.AWS_DATA_PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [...extra, ...MODEL_DIRS];
}

/** Finds `service-2.json[.gz]` of the newest API version of a service. */
function modelFile(service: string): string | undefined {
  for (const dir of searchDirs()) {
    const base = join(dir, service);
    if (!existsSync(base)) continue;
    const versions = readdirSync(base).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)).sort();
    for (const v of versions.reverse()) {
      for (const f of ['service-2.json', 'service-2.json.gz']) {
        const p = join(base, v, f);
        if (existsSync(p)) return p;
      }
    }
  }
  return undefined;
}

/** Loads (once per process) the model of a boto3 service name. */
export function serviceModel(service: string): ServiceModel {
  const cached = cache.get(service);
  if (cached !== undefined) return cached;
  let model: ServiceModel;
  if (!/^[a-z0-9-]+$/.test(service)) {
    model = { ok: false, service, reason: 'is not a boto3 service name (lower-case letters, digits, dashes)' };
  } else {
    const file = modelFile(service);
    if (file === undefined) {
      model = { ok: false, service, reason: `has no API model here (looked in ${searchDirs().join(', ')})` };
    } else {
      try {
        const bytes = readFileSync(file);
        const raw = JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as RawModel;
        model = { ok: true, service, file, apiVersion: raw.metadata?.apiVersion ?? '?', date: statSync(file).mtime, operations: new Set(Object.keys(raw.operations)), raw };
      } catch (e) {
        model = { ok: false, service, reason: `has an unreadable API model ${file}: ${(e as Error).message}` };
      }
    }
  }
  cache.set(service, model);
  return model;
}

/** Services gain operations and members every month; a model older than this may lack them. */
export const STALE_AFTER_DAYS = 365;

/** Whether a model is old enough that a name it lacks may simply be newer than the model. */
export function isStale(model: LoadedModel, now = new Date()): boolean {
  return now.getTime() - model.date.getTime() > STALE_AFTER_DAYS * 86400000;
}

/** A shape of a loaded model by name. */
export function shapeOf(model: LoadedModel, ref: MemberRef | undefined): Shape {
  if (ref === undefined) return EMPTY;
  const s = model.raw.shapes[ref.shape];
  return s === undefined ? EMPTY : { ...s, name: ref.shape };
}

/** Resolves an operation of a loaded service. */
export function operation(model: LoadedModel, api: string): ApiOperation | undefined {
  const op = model.raw.operations[api];
  if (op === undefined) return undefined;
  const input = shapeOf(model, op.input);
  return { name: api, input, output: shapeOf(model, op.output), required: new Set(input.required ?? []) };
}

/** Member shapes of a structure, by member name. */
export function membersOf(model: LoadedModel, shape: Shape): Map<string, Shape> {
  return new Map(Object.entries(shape.members ?? {}).map(([n, ref]) => [n, shapeOf(model, ref)]));
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
