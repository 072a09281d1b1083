/**
 * The rules of the validator: one stable id per kind of finding, its severity and
 * where the AWS behaviour behind it is documented. The table in
 * src/automation/validate/README.md lists the same rules (a test keeps them equal).
 *
 * Severity policy: `error` when AWS would reject the document (CreateDocument /
 * UpdateDocument) or the step would certainly fail at run time; `warning` when the
 * document is legal but very likely not what was meant.
 */
import type { CheckKind, Diagnostic, Severity } from './diagnostic';

/** One rule. */
export interface Rule {
  readonly id: string;
  readonly check: CheckKind;
  readonly severity: Severity;
  /** What the rule finds, one line. */
  readonly title: string;
  /** AWS documentation the rule relies on. */
  readonly source: string;
}

const UG = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/';

const LIST: readonly Rule[] = [
  { id: 'SSM-PARSE-001', check: 'parse', severity: 'error', title: 'the text is not valid YAML or JSON, or the file cannot be read', source: `${UG}documents-syntax-data-elements-parameters.html` },
  { id: 'SSM-PARSE-002', check: 'parse', severity: 'warning', title: 'a YAML map repeats a key (the last value wins)', source: 'https://yaml.org/spec/1.2.2/#mapping' },
  { id: 'SSM-PARSE-004', check: 'parse', severity: 'warning', title: 'YAML only lenient parsers (js-yaml, used by AWS document tooling) accept', source: 'https://yaml.org/spec/1.2.2/#flow-collection-styles' },
  { id: 'SSM-PARSE-003', check: 'schema', severity: 'error', title: 'the document is not a map of sections', source: `${UG}documents-syntax-data-elements-parameters.html` },
  { id: 'SSM-SIZE-001', check: 'size', severity: 'error', title: 'the document is larger than 64 KB', source: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html' },
  { id: 'SSM-SCH-001', check: 'schema', severity: 'error', title: 'a key, value or type the Automation document syntax does not allow', source: `${UG}automation-actions.html` },
  { id: 'SSM-SCH-002', check: 'schema', severity: 'error', title: 'an action that is not in the Automation actions reference', source: `${UG}automation-actions.html` },
  { id: 'SSM-SCH-003', check: 'schema', severity: 'error', title: 'a branch choice or loop condition without exactly one operator and a Variable', source: `${UG}automation-action-branch.html` },
  { id: 'SSM-SCH-004', check: 'schema', severity: 'error', title: 'an input combination the action refuses (Iterators xor LoopCondition, Duration xor Timestamp, InstanceIds or Targets, Script or Attachment, Handler per runtime)', source: `${UG}automation-actions.html` },
  { id: 'SSM-SCH-005', check: 'schema', severity: 'warning', title: 'an aws:executeScript runtime past its end of support', source: `${UG}automation-action-executeScript.html` },
  { id: 'SSM-SCH-006', check: 'schema', severity: 'error', title: 'an aws:executeScript Python handler that the inline script does not define', source: `${UG}automation-action-executeScript.html` },
  { id: 'SSM-AWS-001', check: 'aws-schema', severity: 'error', title: "a finding of AWS's published document schema that is not a known defect of that schema", source: 'https://www.npmjs.com/package/aws-ssm-document-language-service' },
  { id: 'SSM-GRAPH-001', check: 'graph', severity: 'error', title: 'two steps share a name', source: `${UG}automation-actions.html` },
  { id: 'SSM-GRAPH-002', check: 'graph', severity: 'error', title: 'nextStep, a branch target, onFailure or onCancel names no step', source: `${UG}automation-actions.html` },
  { id: 'SSM-GRAPH-003', check: 'graph', severity: 'error', title: 'isEnd and nextStep on the same step, or an onCancel that is neither Abort nor step:<name>', source: `${UG}automation-actions.html` },
  { id: 'SSM-GRAPH-004', check: 'graph', severity: 'warning', title: 'an aws:branch without Default (no match falls through to the next step in the list)', source: `${UG}automation-action-branch.html` },
  { id: 'SSM-GRAPH-005', check: 'graph', severity: 'error', title: 'onCancel moves to an action that cannot be a cancel target', source: `${UG}automation-actions.html` },
  { id: 'SSM-GRAPH-006', check: 'graph', severity: 'error', title: 'a step inside an aws:loop jumps outside its loop body', source: `${UG}automation-action-loop.html` },
  { id: 'SSM-GRAPH-007', check: 'graph', severity: 'warning', title: 'a step no path reaches', source: `${UG}automation-actions.html` },
  { id: 'SSM-REF-001', check: 'reference', severity: 'error', title: 'an undocumented global: or automation: variable', source: `${UG}automation-variables.html` },
  { id: 'SSM-REF-002', check: 'reference', severity: 'error', title: '{{ variable:X }} or aws:updateVariable on a runbook variable that is not declared', source: `${UG}automation-action-update-variable.html` },
  { id: 'SSM-REF-003', check: 'reference', severity: 'error', title: '{{ X }} names no parameter', source: `${UG}automation-variables.html` },
  { id: 'SSM-REF-004', check: 'reference', severity: 'error', title: '{{ ssm:... }} read directly in a step input', source: `${UG}automation-variables.html` },
  { id: 'SSM-REF-005', check: 'reference', severity: 'error', title: '{{ Step.Output }} names a step that does not exist', source: `${UG}automation-action-outputs-inputs.html` },
  { id: 'SSM-REF-006', check: 'reference', severity: 'error', title: '{{ Step.Output }} or a document output names an output the step does not have', source: `${UG}automation-action-outputs-inputs.html` },
  { id: 'SSM-REF-007', check: 'reference', severity: 'error', title: '{{ Step.Output }} read where that step has not completed on every path', source: `${UG}automation-actions.html` },
  { id: 'SSM-REF-008', check: 'reference', severity: 'error', title: 'assumeRole reads something other than a parameter', source: `${UG}automation-variables.html` },
  { id: 'SSM-REF-009', check: 'reference', severity: 'error', title: 'a parameter default that is not a valid value of its own parameter', source: `${UG}documents-syntax-data-elements-parameters.html` },
  { id: 'SSM-REF-010', check: 'reference', severity: 'error', title: 'aws:updateVariable sets a value of another type than the variable', source: `${UG}automation-action-update-variable.html` },
  { id: 'SSM-REF-011', check: 'reference', severity: 'error', title: 'a numeric or boolean branch operator compared with a value of another type', source: `${UG}automation-action-branch.html` },
  { id: 'SSM-API-001', check: 'api', severity: 'warning', title: 'the API model of a service cannot be loaded, so its calls are not checked', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-002', check: 'api', severity: 'error', title: 'the service has no such API operation', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-003', check: 'api', severity: 'error', title: 'an input that is not a member of the operation request', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-004', check: 'api', severity: 'error', title: 'a required request member is missing', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-005', check: 'api', severity: 'error', title: 'a literal value of the wrong shape (list, map, structure, scalar) for its member', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-006', check: 'api', severity: 'error', title: 'a literal value the API model does not allow (enum value, non-number for a number member, non-boolean for a boolean member)', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-API-007', check: 'api', severity: 'error', title: 'a PropertySelector path that is not in the response shape (the wait or assertion can never succeed)', source: `${UG}automation-action-waitForAwsResourceProperty.html` },
  { id: 'SSM-API-008', check: 'api', severity: 'error', title: 'an output Type that contradicts the shape its Selector selects', source: `${UG}automation-action-outputs-inputs.html` },
  { id: 'SSM-API-009', check: 'api', severity: 'warning', title: 'an output Selector that selects nothing in the response shape (the output is never set)', source: `${UG}automation-action-outputs-inputs.html` },
  { id: 'SSM-API-010', check: 'api', severity: 'warning', title: 'an operation or member missing from an API model over a year old, which may predate it', source: `${UG}automation-action-executeAwsApi.html` },
  { id: 'SSM-CMD-001', check: 'schema', severity: 'error', title: 'a Command document (schemaVersion 2.2) key, parameter, precondition or aws:runShellScript input that is not allowed', source: `${UG}documents-schemas-features.html` },
  { id: 'SSM-CMD-002', check: 'reference', severity: 'error', title: 'a Command document {{ X }} that names no parameter, or a String parameter replaced into the script without allowedPattern/allowedValues', source: `${UG}documents-syntax-data-elements-parameters.html` },
  { id: 'SSM-CMD-003', check: 'reference', severity: 'warning', title: 'a Command document reads a Parameter Store value into its script unchecked', source: `${UG}documents-syntax-data-elements-parameters.html` },
  { id: 'SSM-CMD-004', check: 'schema', severity: 'warning', title: 'a Command document step without a platformType precondition', source: `${UG}documents-schemas-features.html` },
];

/** Every rule, by id. */
export const RULES: ReadonlyMap<string, Rule> = new Map(LIST.map((r) => [r.id, r]));

/** Builds a finding of a rule; severity and check come from the rule. */
export function finding(id: string, file: string, step: string | undefined, message: string, fix: string): Diagnostic {
  const rule = RULES.get(id);
  if (rule === undefined) throw new Error(`validator bug: no rule ${id}`);
  return { severity: rule.severity, check: rule.check, rule: id, file, step, message, fix };
}
