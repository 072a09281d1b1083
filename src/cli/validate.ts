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

/** Adds `validate FILE...`: runs every check on Automation documents; exit 1 on any error. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate SSM Automation documents (YAML or JSON): schema, AWS schema, step graph, references, AWS API models')
    .argument('<files...>', 'documents to validate')
    .option('--json', 'print the diagnostics as a JSON array')
    .option('--checks <list>', `comma-separated checks to run (${DOCUMENT_CHECKS.join(',')})`, parseChecks)
    .action((files: string[], opts: { json?: boolean; checks?: CheckKind[] }) => {
      const diagnostics: Diagnostic[] = files.flatMap((f) => validateFile(f, { checks: opts.checks }));
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
      } else {
        for (const d of diagnostics) process.stdout.write(`${d.severity} [${d.check}] ${formatDiagnostic(d)}\n`);
      }
      process.stderr.write(`validate: ${files.length} file(s), ${errors} error(s), ${warnings} warning(s)\n`);
      process.exitCode = errors > 0 ? 1 : 0;
    });
}
