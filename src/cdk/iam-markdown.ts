import { SsmDocument } from '../automation';
import { generatedHeader } from '../automation/render';
import { derivedPolicyDocument } from './policy-document';
import { RunbookCatalog } from './runbook-catalog';

/** Placeholders the page shows where a deployment puts its own values. */
const TAG = { key: 'TAG-KEY', value: 'TAG-VALUE' };
const STORE = { bucketArn: 'arn:${AWS::Partition}:s3:::BACKUP-BUCKET', keyArn: 'BACKUP-BUCKET-KEY-ARN' };

/**
 * The automation role's policy exactly as the CDK synthesizes it for these documents (the same
 * function builds both), with `instanceTag` and the backup bucket shown as placeholders.
 */
export function iamMarkdown(documents: readonly SsmDocument[]): string {
  const catalog = new RunbookCatalog(documents);
  const statements = derivedPolicyDocument(catalog, TAG, STORE);
  const out = [
    `<!-- ${generatedHeader('src/cdk/iam-markdown.ts')} -->`,
    '',
    '# IAM policy of the automation role',
    '',
    `The policy the \`EC2SSHRescue-Runbooks\` stack gives the automation role, derived from the steps of ${catalog.entries.filter((e) => e.documentType === 'Automation').map((e) => `\`${e.name}\``).join(', ')}`,
    '(`src/cdk/policy-document.ts` builds it; `ec2-ssh-rescue permissions` lists the step behind each action). `TAG-KEY`/`TAG-VALUE`',
    'stand for `-c ec2-ssh-rescue:instanceTag=KEY=VALUE` (without it those statements have no condition), `BACKUP-BUCKET` and',
    '`BACKUP-BUCKET-KEY-ARN` for the backup bucket the stack creates and its key. Besides these statements the role may pass',
    'itself to Systems Manager only (`iam:PassRole` on its own ARN with `iam:PassedToService` = `ssm.amazonaws.com`), because',
    'the orchestrator starts child runbooks with it. `ssm:SendCommand` is granted on the project\'s own Command document, never on',
    'an AWS-owned shell document such as `AWS-RunShellScript`.',
    '',
    '| Actions | Resources | Condition |',
    '| --- | --- | --- |',
  ];
  for (const s of statements) {
    const condition = s.conditions === undefined ? '' : Object.entries(s.conditions)
      .flatMap(([op, keys]) => Object.entries(keys).map(([k, v]) => `${op} \`${k}\` = \`${[v].flat().join('`, `')}\``)).join('<br/>');
    out.push(`| ${s.actions.map((a) => `\`${a}\``).join('<br/>')} | ${s.resources.map((r) => `\`${r}\``).join('<br/>')} | ${condition} |`);
  }
  out.push('');
  return out.join('\n');
}
