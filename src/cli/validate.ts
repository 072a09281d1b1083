import { Command, InvalidArgumentError } from 'commander';
import { type CheckKind, type Diagnostic, formatDiagnostic } from '../automation/validate/diagnostic';
import { DOCUMENT_CHECKS, validateFile } from '../automation/validate/validate';

function parseChecks(value: string): CheckKind[] {
  const checks = value.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const unknown = checks.filter((c) => !(DOCUMENT_CHECKS as readonly string[]).includes(c));
  if (unknown.length > 0 || checks.length === 0) {
    throw new InvalidArgumentError(`unknown check(s) ${unknown.join(', ') || '(none given)'}; use a comma-separated list of ${DOCUMENT_CHECKS.join(', ')}`);
  }
  return checks as CheckKind[];
}

const HELP = `
Severities:
  error    AWS would reject the document, or the step would certainly fail at run time (exit 1)
  warning  legal but likely wrong: aws:branch without Default, unreachable step, runtime past
           its end of support, API model not installed (exit 0 unless --strict)

Every finding prints as "severity [check] RULE-ID file: step: what is wrong — how to fix".
Rule ids (SSM-SCH-001, SSM-REF-003, SSM-API-006, ...) are stable; the table of rules is in
src/automation/validate/README.md.

API models come from botocore's data files (python3-botocore or the AWS CLI's bundled
models; AWS_DATA_PATH adds folders), loaded only for the services a document calls.
`;

/** Adds `validate FILE...`: runs every check on Automation documents; exit 1 on any error. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate SSM Automation documents (YAML or JSON): schema, AWS schema, step graph, references, AWS API models')
    .argument('<files...>', 'documents to validate')
    .option('--json', 'print the diagnostics as a JSON array')
    .option('--strict', 'treat warnings as errors (used for the project\'s own runbooks)')
    .option('--checks <list>', `comma-separated checks to run (${DOCUMENT_CHECKS.join(',')})`, parseChecks)
    .addHelpText('after', HELP)
    .action((files: string[], opts: { json?: boolean; strict?: boolean; checks?: CheckKind[] }) => {
      const diagnostics: Diagnostic[] = files.flatMap((f) => validateFile(f, { checks: opts.checks, strict: opts.strict === true }));
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
      } else {
        for (const d of diagnostics) process.stdout.write(`${d.severity} [${d.check}] ${d.rule} ${formatDiagnostic(d)}\n`);
      }
      process.stderr.write(`validate: ${files.length} file(s), ${errors} error(s), ${warnings} warning(s)\n`);
      process.exitCode = errors > 0 ? 1 : 0;
    });
}
