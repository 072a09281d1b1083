import { CommandDocument } from './command-document';
import { AutomationDocument } from './document';

/** Any SSM document the project builds, rendered and deployed the same way. */
export type SsmDocument = AutomationDocument | CommandDocument;

/** The CreateDocument `DocumentType` of a built document. */
export function documentType(doc: SsmDocument): 'Automation' | 'Command' {
  return doc instanceof CommandDocument ? 'Command' : 'Automation';
}
