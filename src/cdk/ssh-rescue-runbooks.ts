import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SsmDocument } from '../automation';
import { DefaultVersionPromoter } from './default-version-promoter';
import { RunbookCatalog } from './runbook-catalog';

/** Properties of {@link SshRescueRunbooks}. */
export interface SshRescueRunbooksProps {
  /** The runbooks and the Command documents they run, e.g. `allDocuments()`. */
  readonly documents: readonly SsmDocument[];
  /**
   * Prepended to every document name, and to every `aws:executeAutomation` reference between them, so
   * several copies (e.g. `test-`) can live in one account.
   * @default '' — the documents keep their own names
   */
  readonly prefix?: string;
  /**
   * Promote the latest version to default after every content change, closing the gap reported in
   * cloudformation-coverage-roadmap#2539.
   * @default true
   */
  readonly promoteDefaultVersion?: boolean;
}

/**
 * One `AWS::SSM::Document` (YAML) per runbook and per Command document the runbooks run, with stable
 * names and UpdateMethod NewVersion, so an update keeps the document (and its execution history)
 * and adds a version; each new version is then made the default.
 */
export class SshRescueRunbooks extends Construct {
  /** Deployed names, content and permissions. */
  readonly catalog: RunbookCatalog;
  /** The document resources, keyed by the runbook's original name. */
  readonly documents: ReadonlyMap<string, ssm.CfnDocument>;

  constructor(scope: Construct, id: string, props: SshRescueRunbooksProps) {
    super(scope, id);
    this.catalog = new RunbookCatalog(props.documents, props.prefix ?? '');
    const documents = new Map<string, ssm.CfnDocument>();
    for (const entry of this.catalog.entries) {
      // Content must be an object: CloudFormation converts it to DocumentFormat itself.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-document.html
      documents.set(entry.originalName, new ssm.CfnDocument(this, entry.originalName.replace(/[^A-Za-z0-9]/g, ''), {
        name: entry.name,
        documentType: entry.documentType,
        documentFormat: 'YAML',
        content: entry.content,
        updateMethod: 'NewVersion',
      }));
    }
    this.documents = documents;
    if (props.promoteDefaultVersion ?? true) {
      new DefaultVersionPromoter(this, 'DefaultVersion', {
        documents: this.catalog.entries.map((e) => ({ name: e.name, contentHash: e.contentHash, resource: documents.get(e.originalName) as ssm.CfnDocument })),
      });
    }
  }

  /** The deployed name of a runbook given by its original name (e.g. `EC2SSHRescue-Repair`). */
  deployedName(originalName: string): string {
    return this.catalog.deployedName(originalName);
  }
}
