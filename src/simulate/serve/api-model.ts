/**
 * The SSM API model as botocore ships it (Debian's python3-botocore,
 * `botocore/data/ssm/<version>/service-2.json`), used to check every request the local
 * endpoint receives and every response it sends: member names, types, required members,
 * enums, lengths, ranges and patterns. The SDK v3 schemas carry no length or pattern
 * constraints, botocore's JSON model does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** One shape of a botocore service model. */
export interface ModelShape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly exception?: boolean;
  readonly error?: { readonly httpStatusCode?: number };
}

interface ModelFile {
  readonly metadata: { readonly targetPrefix: string; readonly jsonVersion: string; readonly protocol: string };
  readonly operations: Readonly<Record<string, { readonly input?: { shape: string }; readonly output?: { shape: string }; readonly errors?: readonly { shape: string }[] }>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
}

/** Where Debian and Ubuntu install botocore's data (python3-botocore). */
const BOTOCORE_DATA_DIRS = ['/usr/lib/python3/dist-packages/botocore/data'];

function readModelFile(service: string): { file: string; model: ModelFile } {
  for (const base of BOTOCORE_DATA_DIRS) {
    const dir = path.join(base, service);
    if (!fs.existsSync(dir)) continue;
    const versions = fs.readdirSync(dir).sort().reverse();
    for (const v of versions) {
      for (const name of ['service-2.json', 'service-2.json.gz']) {
        const file = path.join(dir, v, name);
        if (!fs.existsSync(file)) continue;
        const raw = fs.readFileSync(file);
        const text = name.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        return { file, model: JSON.parse(text) as ModelFile };
      }
    }
  }
  throw new Error(`the ${service} API model was not found under ${BOTOCORE_DATA_DIRS.join(', ')}; install python3-botocore (scripts/install-deps.sh)`);
}

/** Lower-camel-case path element, as AWS names members in validation messages. */
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** What {@link ApiModel.check} enforces. */
export interface CheckOptions {
  /**
   * String lengths and patterns. Responses are checked without them: the service itself
   * returns values outside them, e.g. `"AutomationAssumeRole": [""]` for a parameter left
   * empty, below AutomationParameterValue's minimum length of 1.
   * @default true
   */
  readonly stringLengths?: boolean;
}

/** A botocore JSON-protocol model and checks against it. */
export class ApiModel {
  readonly file: string;
  readonly targetPrefix: string;
  private readonly model: ModelFile;

  constructor(service = 'ssm') {
    const { file, model } = readModelFile(service);
    if (model.metadata.protocol !== 'json') throw new Error(`${file}: protocol ${model.metadata.protocol}, expected json`);
    this.file = file;
    this.model = model;
    this.targetPrefix = model.metadata.targetPrefix;
  }

  get jsonVersion(): string {
    return this.model.metadata.jsonVersion;
  }

  hasOperation(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.model.operations, name);
  }

  /** Input and output shape names and the error shapes an operation declares. */
  operation(name: string): { input?: string; output?: string; errors: readonly string[] } {
    const op = this.model.operations[name];
    if (!op) throw new Error(`no operation ${name} in ${this.file}`);
    return { input: op.input?.shape, output: op.output?.shape, errors: (op.errors ?? []).map((e) => e.shape) };
  }

  shape(name: string): ModelShape {
    const s = this.model.shapes[name];
    if (!s) throw new Error(`no shape ${name} in ${this.file}`);
    return s;
  }

  /** HTTP status of an error shape (400 unless the model says otherwise). */
  errorStatus(name: string): number {
    const s = this.model.shapes[name];
    return s?.error?.httpStatusCode ?? 400;
  }

  /**
   * Violations of `shapeName` by a JSON value as it travels on the wire (timestamps as epoch
   * seconds), each worded like AWS's ValidationException messages: "Value '…' at 'a.b'
   * failed to satisfy constraint: …". Unknown members are violations too.
   */
  check(shapeName: string, value: unknown, options: CheckOptions = {}): string[] {
    const out: string[] = [];
    this.lengths = options.stringLengths ?? true;
    this.walk(shapeName, value, '', out);
    return out;
  }

  private lengths = true;

  private walk(shapeName: string, value: unknown, at: string, out: string[]): void {
    const s = this.shape(shapeName);
    const where = at === '' ? 'the request' : `'${at}'`;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    const bad = (why: string): void => {
      out.push(`Value '${(shown ?? '').slice(0, 80)}' at ${where} failed to satisfy constraint: ${why}`);
    };
    const sub = (name: string): string => (at === '' ? name : `${at}.${name}`);
    switch (s.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('Member must be an object');
        const obj = value as Record<string, unknown>;
        for (const req of s.required ?? []) {
          if (obj[req] === undefined || obj[req] === null) out.push(`Value null at '${sub(camel(req))}' failed to satisfy constraint: Member must not be null`);
        }
        for (const [k, v] of Object.entries(obj)) {
          const m = s.members?.[k];
          if (!m) {
            out.push(`${where === 'the request' ? 'The request' : where} has no member ${k} (${shapeName})`);
            continue;
          }
          if (v !== undefined && v !== null) this.walk(m.shape, v, sub(camel(k)), out);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) return bad('Member must be a list');
        this.length(s, value.length, bad);
        value.forEach((v, i) => this.walk((s.member as { shape: string }).shape, v, `${at}.${i + 1}.member`, out));
        return;
      }
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('Member must be a map');
        const entries = Object.entries(value as Record<string, unknown>);
        this.length(s, entries.length, bad);
        for (const [k, v] of entries) {
          this.walk((s.key as { shape: string }).shape, k, `${at}.key`, out);
          this.walk((s.value as { shape: string }).shape, v, `${at}.${k}`, out);
        }
        return;
      }
      case 'string': {
        if (typeof value !== 'string') return bad('Member must be a string');
        if (s.enum && !s.enum.includes(value)) return bad(`Member must satisfy enum value set: [${s.enum.join(', ')}]`);
        if (!this.lengths) return;
        this.length(s, [...value].length, bad);
        if (s.pattern !== undefined && !this.matches(s.pattern, value)) bad(`Member must satisfy regular expression pattern: ${s.pattern}`);
        return;
      }
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) return bad('Member must be an integer');
        if (s.min !== undefined && value < s.min) bad(`Member must have value greater than or equal to ${s.min}`);
        if (s.max !== undefined && value > s.max) bad(`Member must have value less than or equal to ${s.max}`);
        return;
      case 'double':
      case 'float':
        if (typeof value !== 'number') bad('Member must be a number');
        return;
      case 'boolean':
        if (typeof value !== 'boolean') bad('Member must be a boolean');
        return;
      case 'timestamp':
        // awsJson1_1 sends timestamps as epoch seconds (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('Member must be a timestamp in epoch seconds');
        return;
      case 'blob':
        if (typeof value !== 'string') bad('Member must be base64 text');
        return;
      default:
        out.push(`shape ${shapeName} has a type this checker does not know: ${String(s.type)}`);
    }
  }

  private length(s: ModelShape, n: number, bad: (why: string) => void): void {
    if (s.min !== undefined && n < s.min) bad(`Member must have length greater than or equal to ${s.min}`);
    if (s.max !== undefined && n > s.max) bad(`Member must have length less than or equal to ${s.max}`);
  }

  private readonly patterns = new Map<string, RegExp | null>();

  /**
   * Model patterns are not implicitly anchored (https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait);
   * the model's own `^…$` anchor them. The few that JavaScript cannot compile are not
   * checked (and are remembered as such).
   */
  private matches(pattern: string, value: string): boolean {
    let re = this.patterns.get(pattern);
    if (re === undefined) {
      re = null;
      for (const flags of ['u', '']) {
        try {
          re = new RegExp(pattern, flags);
          break;
        } catch {
          // try the next flag set
        }
      }
      this.patterns.set(pattern, re);
    }
    return re === null ? true : re.test(value);
  }
}
