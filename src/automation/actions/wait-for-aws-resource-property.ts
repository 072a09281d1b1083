import { PropertyCheck } from './property-check';

/**
 * Polls an API until a response property takes one of the desired values (or the step times out).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-waitForAwsResourceProperty.html
 */
export class WaitForAwsResourceProperty extends PropertyCheck {
  readonly action = 'aws:waitForAwsResourceProperty';
}
