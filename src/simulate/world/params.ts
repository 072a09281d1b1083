import { AwsApiError } from '../errors';

/** API request parameters as the interpreter or the Python proxy hand them over. */
export type ApiParams = Readonly<Record<string, unknown>>;

/** An operation of a simulated service. */
export type Operation = (params: ApiParams) => unknown;

/** Reads request members with the checks AWS applies, raising AWS's error codes. */
export class ParamReader {
  constructor(
    private readonly service: string,
    private readonly operation: string,
    private readonly params: ApiParams,
  ) {}

  fail(code: string, message: string): never {
    throw new AwsApiError(this.service, this.operation, code, message);
  }

  private missing(name: string): never {
    // botocore validates required members before sending, so real runbooks see this text.
    return this.fail('MissingParameter', `The request must contain the parameter ${name}`);
  }

  string(name: string): string {
    const v = this.params[name];
    if (v === undefined || v === null) return this.missing(name);
    if (typeof v !== 'string') return this.fail('InvalidParameterValue', `${name} must be a string, got ${typeof v}`);
    return v;
  }

  optionalString(name: string): string | undefined {
    return this.params[name] === undefined ? undefined : this.string(name);
  }

  boolean(name: string): boolean {
    const v = this.params[name];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail('InvalidParameterValue', `${name} must be a boolean, got ${JSON.stringify(v)}`);
  }

  stringList(name: string): string[] {
    const v = this.params[name];
    if (v === undefined || v === null) return this.missing(name);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      return this.fail('InvalidParameterValue', `${name} must be a list of strings`);
    }
    return v as string[];
  }

  optionalStringList(name: string): string[] | undefined {
    return this.params[name] === undefined ? undefined : this.stringList(name);
  }

  list(name: string): Record<string, unknown>[] {
    const v = this.params[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null)) {
      return this.fail('InvalidParameterValue', `${name} must be a list of structures`);
    }
    return v as Record<string, unknown>[];
  }

  struct(name: string): Record<string, unknown> | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail('InvalidParameterValue', `${name} must be a structure`);
    return v as Record<string, unknown>;
  }

  /** Rejects members the operation does not have, as botocore's parameter validation does. */
  only(allowed: readonly string[]): void {
    for (const key of Object.keys(this.params)) {
      if (!allowed.includes(key)) {
        this.fail('InvalidParameter', `Unknown parameter in input: "${key}", must be one of: ${allowed.join(', ')}`);
      }
    }
  }
}

/** Values of `Filters: [{Name, Values}]` for one filter name. */
export function filterValues(filters: Record<string, unknown>[], name: string, keyField = 'Name', valuesField = 'Values'): string[] | undefined {
  const f = filters.find((x) => x[keyField] === name);
  if (!f) return undefined;
  const values = f[valuesField];
  return Array.isArray(values) ? values.map(String) : [];
}
