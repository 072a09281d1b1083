import { AutomationDocument } from '../automation';
import { exampleRunbook } from './example';

/** Every runbook the project ships, in the order they are rendered and deployed. */
export function allRunbooks(): AutomationDocument[] {
  return [exampleRunbook()];
}
