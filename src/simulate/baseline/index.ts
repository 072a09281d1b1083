import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutomationDocument, parseDocument } from '../document';

/** Name the baseline document is registered under. */
export const BASELINE_NAME = 'Baseline-KnowledgeCenterProcedure';

/** The knowledge-center procedure taken literally (kc-procedure.yaml), for comparisons. */
export function baselineDocument(): AutomationDocument {
  return parseDocument(fs.readFileSync(path.join(__dirname, 'kc-procedure.yaml'), 'utf8'), BASELINE_NAME);
}
