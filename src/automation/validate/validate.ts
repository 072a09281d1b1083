/**
 * Entry points: validate a parsed document, a document's text, or a file.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isScalar, parseDocument, visit } from 'yaml';
import { checkApi } from './api-check';
import { checkAwsSchema } from './aws-schema-check';
import { checkCommandDocument, isCommandDocument } from './command-check';
import { strictly, type CheckKind, type Diagnostic } from './diagnostic';
import { parseLenient } from './lenient-yaml';
import { finding } from './rules';
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
  /**
   * Report warnings as errors (`validate --strict`; used for the project's own runbooks).
   * @default false
   */
  readonly strict?: boolean;
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
  /**
   * Report warnings as errors.
   * @default false
   */
  readonly strict?: boolean;
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
    return [finding('SSM-PARSE-003', file, undefined, 'the document is not a map of sections', 'start from schemaVersion: "0.3" and mainSteps')];
  }
  // Command documents (schemaVersion 1.2/2.0/2.2) have checks of their own.
  const found = isCommandDocument(doc)
    ? checkCommandDocument(doc as Record<string, unknown>, file)
    : checks.flatMap((c) => (RUNNERS[c] as (doc: unknown, file: string) => Diagnostic[])(doc, file));
  return options.strict === true ? strictly(found) : found;
}

/**
 * Parses YAML the way AWS's tooling accepts it: YAML 1.2 with merge keys (`<<`); text
 * only js-yaml accepts (see lenient-yaml.ts) is read as js-yaml reads it, with a warning
 * (SSM-PARSE-004); a repeated key is a warning (SSM-PARSE-002, last value wins) rather
 * than refused.
 */
function parseYaml(text: string, file: string): { doc?: unknown; found: Diagnostic[] } {
  const parsed = parseDocument(text, { uniqueKeys: false, merge: true, strict: false, prettyErrors: true });
  const found: Diagnostic[] = [];
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0].message.split('\n')[0];
    const lenient = parseLenient(text);
    if (lenient !== undefined) {
      return { doc: lenient.doc, found: [finding('SSM-PARSE-004', file, undefined, `YAML that strict YAML 1.2 parsers refuse (${first}), read as js-yaml reads it`, 'indent the continuation lines of multi-line flow collections more than their key')] };
    }
    return { found: parsed.errors.map((e) => finding('SSM-PARSE-001', file, undefined, `invalid YAML: ${e.message.split('\n')[0]}`, 'fix the YAML syntax')) };
  }
  visit(parsed, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (seen.has(key) && key !== '<<') {
          const at = isScalar(pair.key) && pair.key.range !== undefined && pair.key.range !== null ? ` (line ${lineOf(text, pair.key.range[0])})` : '';
          found.push(finding('SSM-PARSE-002', file, undefined, `key "${key}" appears twice in one map${at}; the last value is used`, 'remove one of them'));
        }
        seen.add(key);
      }
    },
  });
  return { doc: parsed.toJS({ maxAliasCount: -1 }), found };
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Parses a document's text (YAML or JSON), checks its size, then runs the document checks. */
export function validateText(text: string, options: ValidateTextOptions = {}): Diagnostic[] {
  const file = options.file ?? '<memory>';
  const format = options.format ?? (extname(file).toLowerCase() === '.json' || text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const out: Diagnostic[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    out.push(finding('SSM-SIZE-001', file, undefined, `document is ${bytes} bytes, above the 64 KB (${MAX_DOCUMENT_BYTES} bytes) SSM document limit`, 'move scripts to attachments or split the runbook with aws:executeAutomation'));
  }
  let doc: unknown;
  if (format === 'json') {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return [...out, finding('SSM-PARSE-001', file, undefined, `invalid JSON: ${(e as Error).message}`, 'fix the JSON syntax')];
    }
  } else {
    const parsed = parseYaml(text, file);
    out.push(...parsed.found);
    if (parsed.doc === undefined) return out;
    doc = parsed.doc;
  }
  const all = [...out, ...validateDocument(doc, { file, checks: options.checks })];
  return options.strict === true ? strictly(all) : all;
}

/** Reads a file and validates it; an unreadable file is a `parse` error diagnostic. */
export function validateFile(path: string, options: { readonly checks?: readonly CheckKind[]; readonly strict?: boolean } = {}): Diagnostic[] {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return [finding('SSM-PARSE-001', path, undefined, `cannot read the file: ${(e as Error).message}`, 'check the path and permissions')];
  }
  return validateText(text, { file: path, checks: options.checks, strict: options.strict });
}
