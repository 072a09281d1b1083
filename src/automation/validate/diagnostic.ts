/**
 * How bad a validation finding is. `error`: AWS would reject the document, or the step
 * would certainly fail at run time. `warning`: legal, but likely not what was meant.
 * Errors make `validate` exit 1; `--strict` (and the `strict` option) turns warnings
 * into errors.
 */
export type Severity = 'error' | 'warning';

/** Which family of checks produced a finding. */
export type CheckKind = 'schema' | 'aws-schema' | 'graph' | 'reference' | 'api' | 'size' | 'parse';

/**
 * One validation finding. Rendered as `file: step: what is wrong — how to fix`
 * (step is omitted for document-level findings).
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly check: CheckKind;
  /** Stable rule id such as `SSM-REF-003`; the table of rules is in src/automation/validate/README.md. */
  readonly rule: string;
  /** File the document came from, or a label such as `<memory>`. */
  readonly file: string;
  /** Step name, or `parameters.X` / `outputs` for non-step findings; undefined for the whole document. */
  readonly step?: string;
  /** What is wrong, specific enough to find it without reading the validator. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats a diagnostic the way the CLI prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.step === undefined ? d.file : `${d.file}: ${d.step}`;
  return `${where}: ${d.message} — ${d.fix}`;
}

/** Makes every warning an error (the `--strict` mode), keeping its rule id. */
export function strictly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d));
}
