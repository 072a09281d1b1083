import { DocumentBuildError, refsIn } from './document';
import { Rendered } from './input';
import { Parameter } from './parameter';
import { Permission } from './permission';
import { renderJson, renderYaml } from './render';

/**
 * Most seconds one `aws:runShellScript` step may run: the plugin's `timeoutSeconds` input, like
 * SendCommand's execution timeout, is at most 172800 (48 hours).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript
 */
export const RUN_SHELL_SCRIPT_MAX_SECONDS = 172800;

/** One `aws:runShellScript` step of a Command document. */
export interface RunShellScriptStep {
  /** Step name, unique in the document (letters, digits, `_`, `-`). */
  readonly name: string;
  /**
   * The script, as one element of `runCommand`. `{{ Name }}` placeholders are replaced by SSM with
   * the parameter values before the agent runs it, so they must only ever stand where a value is
   * data (e.g. inside a quoted heredoc) and every parameter they name must be pattern-checked.
   */
  readonly script: string;
  /**
   * Seconds the script may run before the agent stops it.
   * @default 3600 (the plugin's default)
   */
  readonly timeoutSeconds?: number;
}

/** Properties of a Command document. */
export interface CommandDocumentProps {
  /** The SSM document name, e.g. `EC2SSHRescue-RepairCommand`. */
  readonly name: string;
  /** Markdown shown in the console. */
  readonly description: string;
  /**
   * The document parameters. Only String parameters (with allowedPattern or allowedValues) are
   * accepted: SendCommand passes every value as a list of strings
   * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html#systemsmanager-SendCommand-request-Parameters),
   * and a value is replaced into the script text, so each must be checked by SSM first.
   */
  readonly parameters: readonly Parameter<'String'>[];
  /** The steps, run in order (schema 2.2 sequencing). */
  readonly steps: readonly RunShellScriptStep[];
  /** Source file named in the generated header. @default 'src/runbooks' */
  readonly source?: string;
}

/** SSM document names: letters, digits, `_`, `-`, `.`; 3 to 128 characters (CreateDocument API). */
const DOCUMENT_NAME = /^[A-Za-z0-9_.-]{3,128}$/;
/** Step (plugin) names in schema 2.2 documents. */
const STEP_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * An SSM Command document (schemaVersion 2.2) of `aws:runShellScript` steps for Linux. Schema 2.2
 * documents are versioned, have a default version, and run their steps in order; `precondition`
 * limits each step to Linux so a Windows node reports the step as skipped instead of running it.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-schemas-features.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export class CommandDocument {
  readonly documentType = 'Command';
  readonly name: string;
  private readonly content: { [key: string]: Rendered };

  constructor(readonly props: CommandDocumentProps) {
    this.name = props.name;
    const problems = checkStructure(props);
    if (problems.length > 0) throw new DocumentBuildError(props.name, problems);
    this.content = renderContent(props);
  }

  /** The parameters, in the order shown to users. */
  get parameters(): readonly Parameter<'String'>[] {
    return this.props.parameters;
  }

  /** The document content as a plain object (what CloudFormation's `Content` takes). */
  toObject(): { [key: string]: Rendered } {
    return structuredClone(this.content);
  }

  /** The document as YAML with a generated-file header. */
  toYaml(): string {
    return renderYaml(this.name, this.content, this.props.source ?? 'src/runbooks');
  }

  /** The document as JSON. */
  toJson(): string {
    return renderJson(this.name, this.content);
  }

  /**
   * A Command document runs with the instance profile's permissions on the node; the caller's
   * ssm:SendCommand is declared by the aws:runCommand step that runs it.
   */
  permissions(): Permission[] {
    return [];
  }
}

function renderContent(props: CommandDocumentProps): { [key: string]: Rendered } {
  const parameters: { [key: string]: Rendered } = {};
  for (const p of props.parameters) parameters[p.name] = p.render() as { [key: string]: Rendered };
  return {
    schemaVersion: '2.2',
    description: props.description,
    parameters,
    mainSteps: props.steps.map((s) => {
      const inputs: { [key: string]: Rendered } = { runCommand: [s.script] };
      if (s.timeoutSeconds !== undefined) inputs.timeoutSeconds = s.timeoutSeconds;
      return {
        action: 'aws:runShellScript',
        name: s.name,
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs,
      };
    }),
  };
}

function checkStructure(props: CommandDocumentProps): string[] {
  const problems: string[] = [];
  if (!DOCUMENT_NAME.test(props.name)) problems.push(`name "${props.name}" must be 3-128 letters, digits, _, - or .`);
  if (props.steps.length === 0) problems.push('a Command document needs at least one step');
  const params = new Set<string>();
  for (const p of props.parameters) {
    if (params.has(p.name)) problems.push(`parameter ${p.name} is declared twice`);
    params.add(p.name);
    if ((p.type as string) !== 'String') problems.push(`parameter ${p.name} is ${p.type}; Command document parameters here are Strings with allowedPattern or allowedValues`);
  }
  const steps = new Set<string>();
  for (const s of props.steps) {
    if (!STEP_NAME.test(s.name)) problems.push(`step name "${s.name}" may hold only letters, digits, _, - and .`);
    if (steps.has(s.name)) problems.push(`step name ${s.name} is used twice`);
    steps.add(s.name);
    if (s.timeoutSeconds !== undefined && (!Number.isInteger(s.timeoutSeconds) || s.timeoutSeconds < 1 || s.timeoutSeconds > RUN_SHELL_SCRIPT_MAX_SECONDS)) {
      problems.push(`step ${s.name}: timeoutSeconds must be an integer from 1 to ${RUN_SHELL_SCRIPT_MAX_SECONDS}`);
    }
    for (const ref of refsIn(s.script)) {
      if (ref.startsWith('ssm:')) {
        problems.push(`step ${s.name} reads {{ ${ref} }}: Parameter Store values are not pattern-checked, pass them as parameters`);
      } else if (!params.has(ref)) {
        problems.push(`step ${s.name} reads {{ ${ref} }}, which is not a parameter of this document — declare it`);
      }
    }
  }
  return problems;
}
