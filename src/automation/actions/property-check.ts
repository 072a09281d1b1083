import { Input } from '../input';
import { AwsApiCall, AwsApiCallProps } from './aws-api-call';

/** Properties of a step that compares one response property with desired values. */
export interface PropertyCheckProps extends AwsApiCallProps {
  /** JSONPath into the response, e.g. `$.Reservations[0].Instances[0].State.Name`. */
  readonly propertySelector: string;
  /** Values the property must take. */
  readonly desiredValues: readonly Input[];
}

/** Shared shape of the wait and assert actions: an API call plus a property test on its response. */
export abstract class PropertyCheck extends AwsApiCall {
  constructor(name: string, private readonly check: PropertyCheckProps) {
    super(name, check);
    if (!check.propertySelector.startsWith('$')) {
      throw new Error(`Step ${name}: PropertySelector "${check.propertySelector}" must be a JSONPath starting with $`);
    }
    if (check.desiredValues.length === 0) throw new Error(`Step ${name}: desiredValues must not be empty`);
  }

  protected inputs(): { [key: string]: Input | undefined } {
    return { ...this.callInputs(), PropertySelector: this.check.propertySelector, DesiredValues: this.check.desiredValues };
  }
}
