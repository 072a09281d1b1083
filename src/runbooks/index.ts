import { CommandDocument, SsmDocument } from '../automation';
import { offlineRunbook } from './offline';
import { onlineRunbook } from './online';
import { repairRunbook } from './repair';
import { Runbook } from './runbook';

/** Every runbook the project ships, in the order they are rendered and deployed. */
export function allRunbooks(): Runbook[] {
  return [onlineRunbook(), offlineRunbook(), repairRunbook()];
}

/** The Command documents the runbooks run, each once, in the order the runbooks name them. */
export function commandDocumentsOf(runbooks: readonly Runbook[]): CommandDocument[] {
  const byName = new Map<string, CommandDocument>();
  for (const rb of runbooks) for (const c of rb.commandDocuments ?? []) if (!byName.has(c.name)) byName.set(c.name, c);
  return [...byName.values()];
}

/** Every document a deployment ships: the runbooks, then the Command documents they run. */
export function allDocuments(runbooks: readonly Runbook[] = allRunbooks()): SsmDocument[] {
  return [...runbooks.map((r) => r.document), ...commandDocumentsOf(runbooks)];
}
