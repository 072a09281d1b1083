import { Rendered } from './input';
import { mergePermissions, Permission } from './permission';
import { Parameter } from './parameter';
import { Ref } from './ref';
import { narrowPermission } from './resource-narrowing';
import { renderJson, renderYaml } from './render';
import { Step } from './step';
import { analyzeStepGraph } from './validate/step-graph';

/** Properties of an Automation document. */
export interface AutomationDocumentProps {
  /** The SSM document name, e.g. `EC2SSHRescue-Repair`. */
  readonly name: string;
  /** Markdown shown in the console. */
  readonly description: string;
  /**
   * The parameter holding the IAM role the execution assumes.
   * @default - the execution runs with the caller's permissions
   */
  readonly assumeRole?: Parameter<'String'>;
  /** Document parameters, in the order shown to users. */
  readonly parameters: readonly Parameter[];
  /** `mainSteps`, in list order; a step without nextStep/isEnd continues with the next one listed. */
  readonly steps: readonly Step[];
  /** Step outputs published as the document's outputs. @default - none */
  readonly outputs?: readonly Ref[];
  /** Source file named in the generated header. @default 'src/runbooks' */
  readonly source?: string;
}

/** Thrown when a document is built from inconsistent pieces; lists every problem found. */
export class DocumentBuildError extends Error {
  constructor(readonly document: string, readonly problems: readonly string[]) {
    super(`Document ${document} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DocumentBuildError';
  }
}

/** SSM document names: letters, digits, `_`, `-`, `.`; 3 to 128 characters (CreateDocument API). */
const DOCUMENT_NAME = /^[A-Za-z0-9_.-]{3,128}$/;

/**
 * An SSM Automation document (schemaVersion 0.3) built from typed parameters and steps. Building
 * checks what a document can get wrong by construction: duplicate names, targets that do not exist,
 * references to parameters or steps that are not in the document.
 */
export class AutomationDocument {
  readonly name: string;
  private readonly content: { [key: string]: Rendered };

  constructor(readonly props: AutomationDocumentProps) {
    this.name = props.name;
    const problems = checkStructure(props);
    if (problems.length > 0) throw new DocumentBuildError(props.name, problems);
    this.content = renderContent(props);
  }

  /** The steps, in list order. */
  get steps(): readonly Step[] {
    return this.props.steps;
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

  /** Every IAM permission the steps declare, narrowed to account-wide ARN patterns where the action allows it, merged. */
  permissions(): Permission[] {
    return mergePermissions(this.props.steps.flatMap((s) => s.permissions()).flatMap(narrowPermission));
  }
}

function renderContent(props: AutomationDocumentProps): { [key: string]: Rendered } {
  const content: { [key: string]: Rendered } = { schemaVersion: '0.3', description: props.description };
  if (props.assumeRole !== undefined) content.assumeRole = props.assumeRole.toString();
  const parameters: { [key: string]: Rendered } = {};
  for (const p of props.parameters) parameters[p.name] = p.render() as { [key: string]: Rendered };
  content.parameters = parameters;
  if (props.outputs !== undefined && props.outputs.length > 0) content.outputs = props.outputs.map((r) => r.expression);
  content.mainSteps = props.steps.map((s) => s.render());
  return content;
}

/** Problems a document can have by construction; empty when it is consistent. */
function checkStructure(props: AutomationDocumentProps): string[] {
  const problems: string[] = [];
  if (!DOCUMENT_NAME.test(props.name)) {
    problems.push(`name "${props.name}" must be 3-128 letters, digits, _, - or .`);
  }
  if (props.steps.length === 0) problems.push('a document needs at least one step');
  const params = new Set<string>();
  for (const p of props.parameters) {
    if (params.has(p.name)) problems.push(`parameter ${p.name} is declared twice`);
    params.add(p.name);
  }
  if (props.assumeRole !== undefined && !params.has(props.assumeRole.name)) {
    problems.push(`assumeRole parameter ${props.assumeRole.name} is not among the document's parameters — add it`);
  }
  const steps = new Set<string>();
  for (const s of props.steps) {
    if (steps.has(s.name)) problems.push(`step name ${s.name} is used twice — step names must be unique`);
    steps.add(s.name);
  }
  for (const s of props.steps) {
    for (const t of s.explicitTargets()) {
      if (!steps.has(t)) problems.push(`step ${s.name} goes to ${t}, which is not a step of this document — add it to steps`);
    }
  }
  if (problems.length > 0) return problems;
  // Control flow decides which outputs a step may read: only those of steps that completed on every
  // path to it (the validator's own analysis, so build and validate agree).
  const graph = analyzeStepGraph({ mainSteps: props.steps.map((s) => s.render()) });
  for (const s of props.steps) {
    if (!graph.reachable.has(s.name)) problems.push(`step ${s.name} can never run: no step leads to it — link it or remove it`);
    const before = graph.guaranteedBefore(s.name);
    for (const ref of refsIn(s.render())) {
      if (ref.includes(':')) continue;
      const [head] = ref.split('.');
      if (!ref.includes('.')) {
        if (!params.has(ref)) problems.push(`step ${s.name} reads {{ ${ref} }}, which is not a parameter of this document`);
      } else if (!steps.has(head)) {
        problems.push(`step ${s.name} reads {{ ${ref} }}, but step ${head} is not in this document`);
      } else if (!before.has(head) && graph.reachable.has(s.name)) {
        problems.push(`step ${s.name} reads {{ ${ref} }}, but ${head} does not complete on every path before ${s.name} — read it only after ${head} on all paths`);
      }
    }
  }
  for (const out of props.outputs ?? []) {
    if (out.stepName === undefined || !steps.has(out.stepName)) {
      problems.push(`output ${out.expression} does not come from a step of this document`);
    }
  }
  return problems;
}

/** Every `{{ X }}` expression in a rendered value. */
export function refsIn(value: Rendered): string[] {
  const out: string[] = [];
  const visit = (v: Rendered): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) out.push(m[1]);
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}
