import { offlineRunbook } from './offline';
import { onlineRunbook } from './online';
import { repairRunbook } from './repair';
import { Runbook } from './runbook';

/** Every runbook the project ships, in the order they are rendered and deployed. */
export function allRunbooks(): Runbook[] {
  return [onlineRunbook(), offlineRunbook(), repairRunbook()];
}
