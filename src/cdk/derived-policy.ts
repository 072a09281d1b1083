import { Fn, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BackupStore, derivedPolicyDocument, InstanceTagCondition } from './policy-document';
import { RunbookCatalog } from './runbook-catalog';

export {
  ARBITRARY_COMMAND_DOCUMENTS, derivedPolicyDocument, InstanceTagCondition, instanceTagConditionKey, MUTATING_INSTANCE_ACTIONS,
} from './policy-document';

/** The automation role's derived policy as CDK statements; see {@link derivedPolicyDocument} for the rules applied. */
export function derivedStatements(catalog: RunbookCatalog, tag?: InstanceTagCondition, backup?: BackupStore): iam.PolicyStatement[] {
  return derivedPolicyDocument(catalog, tag, backup).map((s) => new iam.PolicyStatement({
    actions: [...s.actions],
    resources: s.resources.map(resolveArn),
    conditions: s.conditions === undefined ? undefined : Object.fromEntries(Object.entries(s.conditions).map(([op, keys]) => [op,
      Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, typeof v === 'string' ? resolveArn(v) : v.map(resolveArn)]))])),
  }));
}

/** `*` stays as is; ARN patterns use CloudFormation Fn::Sub pseudo parameters. */
export function resolveArn(arn: string): string {
  if (Token.isUnresolved(arn)) return arn;
  return arn === '*' ? '*' : arn.includes('${') ? Fn.sub(arn) : arn;
}

