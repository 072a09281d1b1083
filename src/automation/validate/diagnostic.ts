/** How bad a validation finding is: errors make `validate` exit 1, warnings do not. */
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
