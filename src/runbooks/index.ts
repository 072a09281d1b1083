import { exampleRunbook } from './example';
import { Runbook } from './runbook';

/** Every runbook the project ships, in the order they are rendered and deployed. */
export function allRunbooks(): Runbook[] {
  return [exampleRunbook()];
}
