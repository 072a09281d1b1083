import { mergePermissions, Permission } from '../automation';
import { RunbookCatalog } from './runbook-catalog';

/** One statement of the automation role's derived policy, before CloudFormation resolves it. */
export interface PolicyDocumentStatement {
  readonly actions: readonly string[];
  /** ARN patterns in `Fn::Sub` syntax, `*`, or deployment tokens (the backup bucket and key). */
  readonly resources: readonly string[];
  /** Condition block; values in `Fn::Sub` syntax where they name the account or Region. */
  readonly conditions?: StatementConditions;
}

/** An IAM condition block: operator → key → value(s). */
export type StatementConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** A step's own condition block, where its permission declares one. */
function ownConditions(p: Permission): StatementConditions | undefined {
  return (p as Permission & { readonly conditions?: StatementConditions }).conditions;
}

/** The key prefix the offline runbook writes its user-data backups under. */
export const BACKUP_PREFIX = 'ec2-ssh-rescue/';

/** What the runbooks declare for the backup objects: the prefix in any bucket (of this account). */
const DECLARED_OBJECTS = `arn:\${AWS::Partition}:s3:::*/${BACKUP_PREFIX}*`;
/** What they declare for the key S3 uses for the backup: any key of the Region, used through S3. */
const DECLARED_KEYS = /^arn:\$\{AWS::Partition\}:kms:\$\{AWS::Region\}:[^:]*:key\/\*$/;

/** The deployed bucket and key, for {@link deployedBackupResources}. */
export interface BackupStore {
  readonly bucketArn: string;
  readonly keyArn: string;
}

/**
 * A step's declared resources with the backup bucket and its key put in where the runbooks name
 * "the backup prefix of any bucket" and "a key used through S3": a deployment knows the one bucket
 * and the one key, so the role gets exactly those.
 */
export function deployedBackupResources(permission: Permission, store: BackupStore | undefined): readonly string[] {
  if (store === undefined) return permission.resources;
  const conditions = JSON.stringify((permission as Permission & { readonly conditions?: unknown }).conditions ?? {});
  const throughS3 = /"kms:ViaService":\s*"s3\./.test(conditions);
  return permission.resources.map((r) => {
    if (r === DECLARED_OBJECTS) return `${store.bucketArn}/${BACKUP_PREFIX}*`;
    if (throughS3 && DECLARED_KEYS.test(r)) return store.keyArn;
    return r;
  });
}

/** A tag the automation role requires on an instance before it may change it. */
export interface InstanceTagCondition {
  /** Tag key, e.g. `ec2-ssh-rescue`. */
  readonly key: string;
  /** Tag value the instance must carry, e.g. `allowed`. */
  readonly value: string;
}

/**
 * EC2 actions that change an instance. They are restricted even when a step forgot to flag them, so a
 * missing `mutatesInstance` can never widen the role. The knowledge-center procedure this project
 * automates asks to restrict ModifyInstanceAttribute in particular (user data swap).
 * https://repost.aws/knowledge-center/ec2-server-refused-our-key
 */
export const MUTATING_INSTANCE_ACTIONS: ReadonlySet<string> = new Set([
  'ec2:StopInstances', 'ec2:StartInstances', 'ec2:ModifyInstanceAttribute', 'ec2:CreateTags', 'ec2:DeleteTags',
  'ec2:TerminateInstances', 'ec2:RebootInstances',
]);

/** Tag keys are 1-128 characters; values 0-256 (EC2 tag restrictions). */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * AWS-owned Command documents that run whatever shell or PowerShell text the caller passes. The role
 * must never hold ssm:SendCommand on them: whoever may pass the role to an execution could run any
 * command as root on every node the role reaches. Runbooks ship their own Command document instead.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html
 */
export const ARBITRARY_COMMAND_DOCUMENTS: readonly string[] = ['AWS-RunShellScript', 'AWS-RunPowerShellScript', 'AWS-RunRemoteScript', 'AWS-RunDocument'];

/**
 * The tag condition key each service evaluates on instances. EC2 actions use the global
 * `aws:ResourceTag/<key>`; for ssm:SendCommand on an EC2 instance the Service Authorization
 * Reference lists `ssm:resourceTag/<key>`, the key Systems Manager's own Run Command example uses.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cmdsec.html
 */
export function instanceTagConditionKey(action: string, tagKey: string): string {
  return action.startsWith('ssm:') ? `ssm:resourceTag/${tagKey}` : `aws:ResourceTag/${tagKey}`;
}

/**
 * The IAM statements the automation role needs (resources in Fn::Sub syntax or deployment tokens), derived from the documents' declared permissions:
 * - no wildcard actions, and no ssm:SendCommand on AWS's run-any-script documents;
 * - instance-changing actions (stop, start, modify, tag, send a command) only on instance ARNs and,
 *   when a tag condition is given, only on instances carrying the tag (the tag already on the
 *   instance, so the runbook can still add or remove its own lock tag on those instances), with the
 *   condition key the action's service evaluates;
 * - statements with the same resources and condition merged, sorted for a stable template.
 */
export function derivedPolicyDocument(catalog: RunbookCatalog, tag?: InstanceTagCondition, backup?: BackupStore): PolicyDocumentStatement[] {
  if (tag !== undefined) checkTag(tag, catalog);
  // One group per condition key family (EC2 and SSM evaluate different tag keys on the same
  // instance) and per condition block a step declares: only equal conditions may share a statement.
  const groups = new Map<string, Permission[]>();
  const conditionsOf = new Map<string, StatementConditions | undefined>();
  for (const { document, permission: declared } of catalog.permissions()) {
    // The backup bucket and key the deployment created, where the steps name "any" of them.
    const permission: Permission = { ...declared, resources: deployedBackupResources(declared, backup) };
    for (const action of permission.actions) {
      checkAction(document, action);
      const mutates = permission.mutatesInstance === true || MUTATING_INSTANCE_ACTIONS.has(action);
      if (mutates && permission.resources.includes('*')) {
        throw new Error(`SshRescueAutomationRole: ${document} declares ${action} on every resource — declare it on instance ARNs (INSTANCE_ARN) so it can be restricted`);
      }
      if (action === 'ssm:SendCommand') checkCommandDocuments(document, permission.resources);
      const own = ownConditions(permission);
      const family = JSON.stringify([mutates ? instanceTagConditionKey(action, '') : '', own ?? null]);
      conditionsOf.set(family, own);
      const list = groups.get(family) ?? [];
      list.push({ actions: [action], resources: permission.resources, mutatesInstance: mutates });
      groups.set(family, list);
    }
  }
  // The builder's own merge: one statement per resource set and instance flag, sorted for a stable template.
  return [...groups.keys()].sort().flatMap((family) => mergePermissions(groups.get(family) ?? []).map((p) => ({
    actions: [...p.actions],
    resources: [...p.resources],
    ...statementConditions(conditionsOf.get(family), p.mutatesInstance === true && tag !== undefined ? { [instanceTagConditionKey(p.actions[0], tag.key)]: tag.value } : undefined),
  })));
}

/** The step's own conditions plus the instance tag condition, or nothing when there are none. */
function statementConditions(own: StatementConditions | undefined, tagCondition: Record<string, string> | undefined): { conditions?: StatementConditions } {
  const out: Record<string, Record<string, string | readonly string[]>> = {};
  for (const [operator, keys] of Object.entries(own ?? {})) out[operator] = { ...keys };
  if (tagCondition !== undefined) out.StringEquals = { ...out.StringEquals, ...tagCondition };
  return Object.keys(out).length > 0 ? { conditions: out } : {};
}

/** Refuses ssm:SendCommand on a document that runs arbitrary scripts, and on every document. */
function checkCommandDocuments(document: string, resources: readonly string[]): void {
  for (const r of resources) {
    const name = /:document\/(.+)$/.exec(r)?.[1];
    if (r === '*' || name === '*') {
      throw new Error(`SshRescueAutomationRole: ${document} declares ssm:SendCommand on every document — name the Command document it runs`);
    }
    if (name !== undefined && ARBITRARY_COMMAND_DOCUMENTS.includes(name)) {
      throw new Error(`SshRescueAutomationRole: ${document} declares ssm:SendCommand on ${name}, which runs any command as root — ship a Command document with pattern-checked parameters and send that instead`);
    }
  }
}

function checkAction(document: string, action: string): void {
  if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
    throw new Error(`SshRescueAutomationRole: ${document} declares action "${action}" — actions must be exact (service:Operation), wildcards are not allowed`);
  }
}

/**
 * A runbook that removes the very tag the role is conditioned on would lose its own permission half
 * way (e.g. before restoring user data), so such a tag key is refused.
 */
function checkTag(tag: InstanceTagCondition, catalog: RunbookCatalog): void {
  if (!TAG_KEY.test(tag.key) || tag.key.toLowerCase().startsWith('aws:')) {
    throw new Error(`instanceTagCondition: key "${tag.key}" is not a valid EC2 tag key (1-128 characters, not starting with aws:)`);
  }
  if (!TAG_VALUE.test(tag.value)) throw new Error(`instanceTagCondition: value "${tag.value}" is not a valid EC2 tag value`);
  for (const entry of catalog.entries) {
    for (const key of tagKeysChanged(entry.content)) {
      if (key === tag.key) {
        throw new Error(`instanceTagCondition: ${entry.name} creates or deletes tag ${key} itself — condition the role on another tag key, or the runbook loses its permissions mid-run`);
      }
    }
  }
}

/** Literal tag keys in CreateTags/DeleteTags calls of a content tree. */
function tagKeysChanged(content: unknown): string[] {
  const keys: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const inputs = o.inputs as Record<string, unknown> | undefined;
      if (inputs !== undefined && (inputs.Api === 'CreateTags' || inputs.Api === 'DeleteTags') && Array.isArray(inputs.Tags)) {
        for (const t of inputs.Tags as { Key?: unknown }[]) if (typeof t.Key === 'string') keys.push(t.Key);
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(content);
  return keys;
}
