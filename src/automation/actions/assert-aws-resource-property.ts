import { PropertyCheck } from './property-check';

/**
 * Checks a response property once and fails the step at once unless it has one of the desired values.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-assertAwsResourceProperty.html
 */
export class AssertAwsResourceProperty extends PropertyCheck {
  readonly action = 'aws:assertAwsResourceProperty';
}
