/**
 * Entry points: validate a parsed document, a document's text, or a file.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { checkApi } from './api-check';
import { checkAwsSchema } from './aws-schema-check';
import { checkCommandDocument, isCommandDocument } from './command-check';
import type { CheckKind, Diagnostic } from './diagnostic';
import { checkGraph } from './graph-check';
import { checkReferences } from './reference-check';
import { checkSchema } from './schema-check';

/**
 * Largest document content, in bytes: "The content of the document must not exceed
 * 64KB" (CreateDocument, Content —
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html;
 * MaxDocumentSizeExceeded: "The size limit of a document is 64 KB").
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

/** The checks a caller can select. */
export const DOCUMENT_CHECKS: readonly CheckKind[] = ['schema', 'aws-schema', 'graph', 'reference', 'api'];

/** Options of {@link validateDocument}. */
export interface ValidateDocumentOptions {
  /**
   * Label used as the `file` of every diagnostic.
   * @default '<memory>'
   */
  readonly file?: string;
  /**
   * Which checks to run.
   * @default all of DOCUMENT_CHECKS
   */
  readonly checks?: readonly CheckKind[];
}

/** Options of {@link validateText}. */
export interface ValidateTextOptions {
  /**
   * Label used as the `file` of every diagnostic; its extension picks the format when `format` is not given.
   * @default '<memory>'
   */
  readonly file?: string;
  /**
   * How to parse the text.
   * @default 'json' when the file ends in .json or the text starts with `{`, else 'yaml'
   */
  readonly format?: 'yaml' | 'json';
  /**
   * Which checks to run on the parsed document.
   * @default all of DOCUMENT_CHECKS
   */
  readonly checks?: readonly CheckKind[];
}

const RUNNERS: Partial<Record<CheckKind, (doc: unknown, file: string) => Diagnostic[]>> = {
  schema: checkSchema,
  'aws-schema': checkAwsSchema,
  graph: checkGraph,
  reference: checkReferences,
  api: checkApi,
};

/** Runs the document checks on a parsed YAML/JSON document. */
export function validateDocument(doc: unknown, options: ValidateDocumentOptions = {}): Diagnostic[] {
  const file = options.file ?? '<memory>';
  const checks = options.checks ?? DOCUMENT_CHECKS;
  for (const c of checks) {
    if (RUNNERS[c] === undefined) throw new Error(`unknown check "${c}"; use some of ${DOCUMENT_CHECKS.join(', ')}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return [{ severity: 'error', check: 'schema', file, message: 'the document is not a map of sections', fix: 'start from schemaVersion: "0.3" and mainSteps' }];
  }
  // Command documents (schemaVersion 1.2/2.0/2.2) have checks of their own.
  if (isCommandDocument(doc)) return checkCommandDocument(doc as Record<string, unknown>, file);
  return checks.flatMap((c) => (RUNNERS[c] as (doc: unknown, file: string) => Diagnostic[])(doc, file));
}

/** Parses a document's text (YAML or JSON), checks its size, then runs the document checks. */
export function validateText(text: string, options: ValidateTextOptions = {}): Diagnostic[] {
  const file = options.file ?? '<memory>';
  const format = options.format ?? (extname(file).toLowerCase() === '.json' || text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const out: Diagnostic[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    out.push({ severity: 'error', check: 'size', file, message: `document is ${bytes} bytes, above the 64 KB (${MAX_DOCUMENT_BYTES} bytes) SSM document limit`, fix: 'move scripts to attachments or split the runbook with aws:executeAutomation' });
  }
  let doc: unknown;
  if (format === 'json') {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return [...out, { severity: 'error', check: 'parse', file, message: `invalid JSON: ${(e as Error).message}`, fix: 'fix the JSON syntax' }];
    }
  } else {
    const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (parsed.errors.length > 0) {
      return [...out, ...parsed.errors.map((e): Diagnostic => ({ severity: 'error', check: 'parse', file, message: `invalid YAML: ${e.message.split('\n')[0]}`, fix: 'fix the YAML syntax' }))];
    }
    doc = parsed.toJS();
  }
  return [...out, ...validateDocument(doc, { file, checks: options.checks })];
}

/** Reads a file and validates it; an unreadable file is a `parse` error diagnostic. */
export function validateFile(path: string, options: { readonly checks?: readonly CheckKind[] } = {}): Diagnostic[] {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return [{ severity: 'error', check: 'parse', file: path, message: `cannot read the file: ${(e as Error).message}`, fix: 'check the path and permissions' }];
  }
  return validateText(text, { file: path, checks: options.checks });
}
