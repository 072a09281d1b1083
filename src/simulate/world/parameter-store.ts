import { VirtualClock } from '../clock';
import { ApiParams, Operation, ParamReader } from './params';

/** One stored parameter (String type; the runbooks store plain execution ids). */
export interface StoredParameter {
  readonly value: string;
  readonly version: number;
  readonly lastModifiedMs: number;
}

/**
 * Simulated Systems Manager Parameter Store, enough for the runbooks' lock: PutParameter
 * creates a parameter and, with Overwrite false (the default), fails with
 * ParameterAlreadyExists when the name exists — an atomic create, unlike EC2 tags, which have
 * no conditional write. GetParameter returns the latest version; DeleteParameter of an unknown
 * name fails with ParameterNotFound.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html
 */
export class ParameterStore {
  readonly parameters = new Map<string, StoredParameter>();
  readonly operations: Readonly<Record<string, Operation>>;

  constructor(private readonly clock: VirtualClock) {
    this.operations = {
      PutParameter: (p) => this.putParameter(p),
      GetParameter: (p) => this.getParameter(p),
      DeleteParameter: (p) => this.deleteParameter(p),
    };
  }

  /** Seeds a parameter (scenarios: a lock left by an earlier execution). */
  seed(name: string, value: string): void {
    this.parameters.set(name, { value, version: 1, lastModifiedMs: this.clock.now });
  }

  private reader(op: string, p: ApiParams): ParamReader {
    return new ParamReader('ssm', op, p);
  }

  private putParameter(p: ApiParams): unknown {
    const r = this.reader('PutParameter', p);
    r.only(['Name', 'Description', 'Value', 'Type', 'KeyId', 'Overwrite', 'AllowedPattern', 'Tags', 'Tier', 'Policies', 'DataType']);
    const name = r.string('Name');
    const value = r.string('Value');
    const existing = this.parameters.get(name);
    if (existing && !r.boolean('Overwrite')) {
      return r.fail('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    const version = (existing?.version ?? 0) + 1;
    this.parameters.set(name, { value, version, lastModifiedMs: this.clock.now });
    return { Version: version, Tier: 'Standard' };
  }

  private getParameter(p: ApiParams): unknown {
    const r = this.reader('GetParameter', p);
    r.only(['Name', 'WithDecryption']);
    const name = r.string('Name');
    const found = this.parameters.get(name);
    if (!found) return r.fail('ParameterNotFound', `Parameter ${name} not found.`);
    return {
      Parameter: {
        Name: name, Type: 'String', Value: found.value, Version: found.version,
        LastModifiedDate: new Date(this.clock.epochMs + found.lastModifiedMs).toISOString(), DataType: 'text',
      },
    };
  }

  private deleteParameter(p: ApiParams): unknown {
    const r = this.reader('DeleteParameter', p);
    r.only(['Name']);
    const name = r.string('Name');
    if (!this.parameters.delete(name)) return r.fail('ParameterNotFound', `Parameter ${name} not found.`);
    return {};
  }
}
