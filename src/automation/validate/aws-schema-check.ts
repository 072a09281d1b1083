/**
 * Check 2: AWS's own published Automation schema (npm `aws-ssm-document-language-service`,
 * dist/schema.json) as a cross-check of ours. It is not strict-mode clean, so it is
 * compiled non-strict. Findings matching {@link AWS_SCHEMA_ALLOWLIST} are dropped;
 * the rest have check `aws-schema`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileCached } from './compile-cache';
import { AWS_SCHEMA_ALLOWLIST, type AllowlistEntry } from './aws-schema-allowlist';
import type { Diagnostic } from './diagnostic';
import { locate } from './json-path';
import { finding } from './rules';

let compiled: ValidateFunction | undefined;

/** Path of AWS's schema file in node_modules. */
export function awsSchemaPath(): string {
  const main = createRequire(__filename).resolve('aws-ssm-document-language-service');
  return join(dirname(main), 'schema.json');
}

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(awsSchemaPath(), 'utf8')) as Record<string, unknown>;
    // Editor-only keywords (defaultSnippets) need strict off; its patterns such as
    // `^{{[ ]{0,1}...}}$` are valid only without the regexp `u` flag.
    compiled = compileCached('aws-schema', schema, { allErrors: true, strict: false, unicodeRegExp: false });
  }
  return compiled;
}

/** Raw AWS-schema findings with the allowlist entry each matches, if any. */
export function awsSchemaFindings(doc: unknown): Array<{ error: ErrorObject; allowed?: AllowlistEntry }> {
  const validate = validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((error) => ({
    error,
    allowed: AWS_SCHEMA_ALLOWLIST.find((a) => a.matches({ instancePath: error.instancePath, keyword: error.keyword, params: error.params as Record<string, unknown>, doc })),
  }));
}

/** Runs check 2 on a parsed document. */
export function checkAwsSchema(doc: unknown, file: string): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const { error } of awsSchemaFindings(doc).filter((f) => f.allowed === undefined)) {
    // A failed if/then or oneOf repeats the errors of its branches: keep the specific ones.
    if (error.keyword === 'if') continue;
    const loc = locate(doc, error.instancePath);
    const message = `AWS schema: ${loc.path === '' ? '' : `${loc.path} `}${error.message ?? error.keyword}${error.keyword === 'additionalProperties' ? ` "${String((error.params as Record<string, unknown>).additionalProperty)}"` : ''}`;
    const key = `${loc.step ?? ''}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(finding('SSM-AWS-001', file, loc.step, message, 'fix the document, or if AWS accepts it, add the difference to AWS_SCHEMA_ALLOWLIST with a reason'));
  }
  return out;
}
