import { AutomationDocument, CommandDocument } from '../automation';

/** One thing a runbook changes on an instance or group, and how the runbook undoes it. */
export interface ChangeAndUndo {
  /** What is changed, e.g. "stops the instance". */
  readonly change: string;
  /** The step that makes the change. */
  readonly step: string;
  /** How and where it is undone, e.g. "started again by RestoreStart, also on every failure path". */
  readonly undo: string;
}

/** A shipped runbook: the document plus what the generated docs say about it. */
export interface Runbook {
  readonly document: AutomationDocument;
  /**
   * Command documents the runbook runs through aws:runCommand; they are rendered, validated and
   * deployed with it.
   * @default - none
   */
  readonly commandDocuments?: readonly CommandDocument[];
  /** One paragraph: when to use it. */
  readonly purpose: string;
  /** Every change it makes and its undo; empty for read-only runbooks. */
  readonly changes: readonly ChangeAndUndo[];
}
