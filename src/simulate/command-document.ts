import { parse as parseYaml } from 'yaml';
import { isRecord, ParameterSpec, parseDocumentText, parseParameters } from './document';
import { DocumentError } from './errors';

/** One `aws:runShellScript` step of a Command document as the simulator runs it. */
export interface ShellStepSpec {
  readonly name: string;
  /** Lines of the script, or one `{{ StringList parameter }}` reference. */
  readonly runCommand: readonly string[] | string;
  readonly timeoutSeconds?: number | string;
}

/** A parsed Command document (schemaVersion 2.2). */
export interface CommandDocumentSpec {
  readonly kind: 'Command';
  readonly name: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly steps: readonly ShellStepSpec[];
}

/** Whether a document's text is a Command document (schemaVersion 1.2, 2.0 or 2.2) rather than a runbook. */
export function isCommandDocumentText(text: string): boolean {
  try {
    const raw = parseYaml(text) as unknown;
    return isRecord(raw) && ['1.2', '2.0', '2.2'].includes(String(raw.schemaVersion));
  } catch {
    return false;
  }
}

/**
 * Parses the rendered YAML (or JSON) of a schema 2.2 Command document with aws:runShellScript steps,
 * the only plugin the simulated agent runs.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript
 */
export function parseCommandDocument(text: string, name: string): CommandDocumentSpec {
  const raw = parseDocumentText(text, name);
  if (!isRecord(raw) || raw.schemaVersion !== '2.2') throw new DocumentError(name, 'a Command document must have schemaVersion 2.2');
  if (!Array.isArray(raw.mainSteps) || raw.mainSteps.length === 0) throw new DocumentError(name, 'mainSteps must be a non-empty list');
  const parameters = parseParameters(name, raw.parameters);
  const steps = raw.mainSteps.map((s: unknown, n: number): ShellStepSpec => {
    if (!isRecord(s) || typeof s.name !== 'string') throw new DocumentError(name, `mainSteps[${n}] needs a name`);
    if (s.action !== 'aws:runShellScript') throw new DocumentError(name, `step ${s.name}: the simulated agent runs only aws:runShellScript, not ${String(s.action)}`);
    const inputs = isRecord(s.inputs) ? s.inputs : {};
    const run = inputs.runCommand;
    if (!(typeof run === 'string' || (Array.isArray(run) && run.every((l) => typeof l === 'string')))) {
      throw new DocumentError(name, `step ${s.name}: runCommand must be a list of strings`);
    }
    return { name: s.name, runCommand: run as string[] | string, timeoutSeconds: inputs.timeoutSeconds as number | string | undefined };
  });
  return { kind: 'Command', name, parameters, steps };
}

/**
 * AWS-RunShellScript as AWS publishes it: a StringList `commands` joined into the script, an
 * optional working directory and an execution timeout (default 3600 s).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript
 */
export const AWS_RUN_SHELL_SCRIPT: CommandDocumentSpec = {
  kind: 'Command',
  name: 'AWS-RunShellScript',
  parameters: {
    commands: { type: 'StringList', description: '(Required) Specify a shell script or a command to run.' },
    workingDirectory: { type: 'String', default: '', description: '(Optional) The path to the working directory on your instance.' },
    executionTimeout: {
      type: 'String', default: '3600', description: '(Optional) The time in seconds for a command to complete.',
      allowedPattern: '([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)',
    },
  },
  steps: [{ name: 'runShellScript', runCommand: '{{ commands }}', timeoutSeconds: '{{ executionTimeout }}' }],
};

/** Why SendCommand refused the parameters (InvalidParameters), or the filled-in script of every step. */
export type ResolvedCommand = { readonly error: string } | { readonly script: string };

/**
 * What SSM does with SendCommand's Parameters before the agent sees anything: every value is a list
 * of strings; unknown names are refused; required parameters must be given; a String must match
 * allowedPattern and allowedValues; then `{{ Name }}` in the steps is replaced by the value (a
 * StringList joined by newlines where it is a whole runCommand). A refusal is SendCommand's
 * InvalidParameters error: "You must specify values for all required parameters in the Systems
 * Manager document ... parameters specified in the SendCommand don't match".
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export function resolveCommand(doc: CommandDocumentSpec, given: Readonly<Record<string, unknown>>): ResolvedCommand {
  const values: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(given)) {
    const spec = doc.parameters[name];
    if (spec === undefined) return { error: `Parameter "${name}" is not defined in document ${doc.name}.` };
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return { error: `Parameter "${name}" must be a list of strings.` };
    const list = value as string[];
    if (spec.type === 'StringList') {
      values[name] = list;
      continue;
    }
    if (list.length !== 1) return { error: `Parameter "${name}" of type ${spec.type} takes one value, got ${list.length}.` };
    values[name] = list[0];
  }
  for (const [name, spec] of Object.entries(doc.parameters)) {
    if (values[name] !== undefined) continue;
    if (spec.default === undefined) return { error: `Parameter "${name}" is required by document ${doc.name}.` };
    values[name] = Array.isArray(spec.default) ? spec.default.map(String) : String(spec.default);
  }
  for (const [name, spec] of Object.entries(doc.parameters)) {
    const v = values[name];
    for (const item of Array.isArray(v) ? v : [v]) {
      if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(item)) {
        return { error: `Parameter "${name}" value ${JSON.stringify(item)} does not match the allowed pattern ${spec.allowedPattern}.` };
      }
      if (spec.allowedValues !== undefined && !spec.allowedValues.map(String).includes(item)) {
        return { error: `Parameter "${name}" value ${JSON.stringify(item)} is not one of the allowed values ${spec.allowedValues.join(', ')}.` };
      }
    }
  }
  const fill = (line: string): string => line.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, ref: string) => {
    const v = values[ref];
    return v === undefined ? m : Array.isArray(v) ? v.join('\n') : v;
  });
  const lines = doc.steps.flatMap((s) => (typeof s.runCommand === 'string' ? [fill(s.runCommand)] : s.runCommand.map(fill)));
  return { script: lines.join('\n') };
}
