import { createHash } from 'node:crypto';
import { documentType, Permission, Rendered, SsmDocument } from '../automation';

/** One runbook as it is deployed: its deployed name, content and permissions with names rewritten. */
export interface CatalogEntry {
  /** The name the project gives the document, e.g. `EC2SSHRescue-Repair`. */
  readonly originalName: string;
  /** The SSM document name in the account: the prefix plus the original name. */
  readonly name: string;
  /** `Automation` for runbooks, `Command` for the Command documents they run. */
  readonly documentType: 'Automation' | 'Command';
  /** The document content, with `aws:executeAutomation` children and `aws:runCommand` documents renamed to their deployed names. */
  readonly content: { [key: string]: Rendered };
  /** The permissions the document declares, with child runbook ARNs renamed the same way. */
  readonly permissions: readonly Permission[];
  /** Whether the document starts child automations (then the role must be able to pass itself). */
  readonly startsChildAutomations: boolean;
  /** SHA-256 of the content: changes whenever CloudFormation creates a new document version. */
  readonly contentHash: string;
}

/**
 * SSM document names: letters, digits, `_`, `-`, `.`; 3-128 characters; the prefixes `aws`, `amazon`
 * and `amzn` are reserved for AWS.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html#systemsmanager-CreateDocument-request-Name
 */
const NAME_CHARS = /^[A-Za-z0-9_.-]*$/;
const RESERVED_PREFIX = /^(aws|amazon|amzn)/i;
const MAX_NAME = 128;

/**
 * The set of runbooks one deployment ships, named consistently. Pure data: the constructs build
 * CloudFormation resources and IAM policies from it, so a name is rewritten in exactly one place.
 */
export class RunbookCatalog {
  readonly entries: readonly CatalogEntry[];

  /**
   * @param documents the runbooks and Command documents to deploy
   * @param prefix prepended to every document name and to every reference between them
   */
  constructor(documents: readonly SsmDocument[], readonly prefix = '') {
    if (documents.length === 0) throw new Error('RunbookCatalog: no documents given — pass allDocuments()');
    if (!NAME_CHARS.test(prefix)) throw new Error(`RunbookCatalog: prefix "${prefix}" may hold only letters, digits, _, - and .`);
    const names = new Map<string, string>();
    for (const doc of documents) {
      if (names.has(doc.name)) throw new Error(`RunbookCatalog: document ${doc.name} is given twice`);
      const name = `${prefix}${doc.name}`;
      if (name.length > MAX_NAME) throw new Error(`RunbookCatalog: ${name} is longer than ${MAX_NAME} characters — shorten the prefix`);
      if (RESERVED_PREFIX.test(name)) throw new Error(`RunbookCatalog: ${name} starts with a prefix AWS reserves (aws, amazon, amzn) — choose another prefix`);
      names.set(doc.name, name);
    }
    this.entries = documents.map((doc) => {
      const content = renameChildren(doc.name, doc.toObject(), names);
      return {
        originalName: doc.name,
        name: names.get(doc.name) as string,
        documentType: documentType(doc),
        content,
        permissions: doc.permissions().map((p) => ({ ...p, resources: p.resources.map((r) => renameInArn(r, names)) })),
        startsChildAutomations: childDocuments(content).length > 0,
        contentHash: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
      };
    });
  }

  /** The deployed name of a document given by its original name. */
  deployedName(originalName: string): string {
    const entry = this.entries.find((e) => e.originalName === originalName);
    if (entry === undefined) {
      throw new Error(`RunbookCatalog: no document named ${originalName}; known: ${this.entries.map((e) => e.originalName).join(', ')}`);
    }
    return entry.name;
  }

  /** Every permission of every document, each tagged with the document that declares it. */
  permissions(): { readonly document: string; readonly permission: Permission }[] {
    return this.entries.flatMap((e) => e.permissions.map((permission) => ({ document: e.name, permission })));
  }

  /** Whether any document starts child automations. */
  get startsChildAutomations(): boolean {
    return this.entries.some((e) => e.startsChildAutomations);
  }
}

/** Every `aws:executeAutomation` step's DocumentName in a content tree (loops nest steps under inputs.Steps). */
export function childDocuments(content: Rendered): { step: string; documentName: Rendered }[] {
  const out: { step: string; documentName: Rendered }[] = [];
  visitSteps(content, (step) => {
    const inputs = step.inputs;
    if (typeof inputs === 'object' && !Array.isArray(inputs) && inputs.DocumentName !== undefined) {
      out.push({ step: String(step.name), documentName: inputs.DocumentName });
    }
  });
  return out;
}

function visitSteps(value: Rendered, visit: (step: { [key: string]: Rendered }) => void, actions: readonly string[] = ['aws:executeAutomation']): void {
  if (Array.isArray(value)) {
    value.forEach((v) => visitSteps(v, visit, actions));
  } else if (typeof value === 'object') {
    if (actions.includes(String(value.action))) visit(value);
    Object.values(value).forEach((v) => visitSteps(v, visit, actions));
  }
}

/**
 * Rewrites the DocumentName of child runbooks and of Command documents to deployed names, so a prefixed
 * deployment runs its own copies. A document that is neither shipped here nor owned by AWS (`AWS-`
 * prefix) would fail at run time, so it is refused now.
 */
function renameChildren(document: string, content: { [key: string]: Rendered }, names: ReadonlyMap<string, string>): { [key: string]: Rendered } {
  visitSteps(content, (step) => {
    const inputs = step.inputs as { [key: string]: Rendered };
    const child = inputs.DocumentName;
    const kind = step.action === 'aws:runCommand' ? 'Command document' : 'child runbook';
    if (typeof child !== 'string') {
      throw new Error(`RunbookCatalog: ${document} step ${String(step.name)} names its ${kind} with a ${typeof child}; use a fixed document name so it can be deployed and permitted`);
    }
    const renamed = names.get(child);
    if (renamed !== undefined) {
      inputs.DocumentName = renamed;
    } else if (!child.startsWith('AWS-')) {
      throw new Error(`RunbookCatalog: ${document} step ${String(step.name)} runs the ${kind} ${child}, which is not among the deployed documents — add it`);
    }
  }, ['aws:executeAutomation', 'aws:runCommand']);
  return content;
}

/** Renames `document/NAME` and `automation-definition/NAME:...` in an ARN pattern. */
function renameInArn(arn: string, names: ReadonlyMap<string, string>): string {
  return arn.replace(/(:document\/|:automation-definition\/)([A-Za-z0-9_.-]+)(?=:|$)/, (whole, kind: string, name: string) => {
    const renamed = names.get(name);
    return renamed === undefined ? whole : `${kind}${renamed}`;
  });
}
