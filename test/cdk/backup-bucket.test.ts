import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { derivedPolicyDocument } from '../../src/cdk/policy-document';
import { RemediationStack } from '../../src/cdk/stacks/remediation-stack';
import { RunbooksStack } from '../../src/cdk/stacks/runbooks-stack';
import { allDocuments } from '../../src/runbooks';
import { AutomationDocument } from '../../src/automation';
import { nagFindings } from './fixtures';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

// GIVEN the console stack with the shipped documents, and the remediation stack beside it
const app = new App();
const stack = new RunbooksStack(app, 'Runbooks', { documents: allDocuments(), instanceTagCondition: { key: 'rescue', value: 'allowed' } });
const orchestrator = allDocuments().find((d): d is AutomationDocument => d instanceof AutomationDocument && d.name === 'EC2SSHRescue-Repair') as AutomationDocument;
const remediation = new RemediationStack(app, 'Remediation', { runbooksStack: stack, orchestrator });
// WHEN synthesized
const template = Template.fromStack(stack);
const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ssm.amazonaws.com' } }] } } }))[0];
const derived = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('AutomationRoleDerivedPolicy'));
const statements = (derived?.[1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;

describe('user-data backup bucket', () => {
  test('SSE-KMS with its own rotated key, versioned, no public access, ACLs off, every version expires', () => {
    expect(bucketId).toBeDefined();
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ Id: 'ExpireBackups', Status: 'Enabled', ExpirationInDays: 14, NoncurrentVersionExpiration: { NoncurrentDays: 14 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('bucket policy: TLS only, and no principal but the automation role touches the objects', () => {
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
    template.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      Match.objectLike({
        Sid: 'OnlyTheAutomationRoleTouchesBackups', Effect: 'Deny', Principal: { AWS: '*' }, Resource: objects,
        Action: Match.arrayWith(['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*']),
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleId, 'Arn'] } } },
      }),
    ]) } });
  });

  test('the role\'s S3 grant names only the backup prefix of this bucket, never every bucket', () => {
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.length).toBeGreaterThan(0);
    for (const s of s3) expect(s.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/ec2-ssh-rescue/*']] });
    expect(JSON.stringify(statements)).not.toContain(':s3:::*');
    // KMS use through S3 (where the runbooks declare it) is on this bucket's key only.
    for (const s of statements.filter((x) => JSON.stringify(x.Condition ?? {}).includes('"kms:ViaService":{"Fn::Sub":"s3.'))) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
  });

  test('the bucket name is a stack output and what automatic runs pass as BackupS3BucketName', () => {
    template.hasOutput('BackupS3BucketName', { Value: { Ref: bucketId } });
    const rules = JSON.stringify(Template.fromStack(remediation).findResources('AWS::Events::Rule'));
    expect(rules).toContain('\\"BackupS3BucketName\\":[\\"');
    expect(rules).toContain('ExportsOutputRef');
  });

  test('the synthesized policy is statement for statement the policy document runbooks/IAM.md is generated from', () => {
    const expected = derivedPolicyDocument(stack.runbooks.catalog, { key: 'rescue', value: 'allowed' }, stack.backupBucket.store);
    const synthesized = statements.filter((s) => s.Action !== 'iam:PassRole');
    expect(synthesized.map((s) => [s.Action].flat())).toEqual(expected.map((s) => s.actions));
    // Condition values with pseudo parameters (kms:ViaService ec2.${AWS::Region}.amazonaws.com) synthesize as Fn::Sub.
    const sub = (v: string): unknown => (v.includes('${') ? { 'Fn::Sub': v } : v);
    const resolved = (c: Record<string, Record<string, string>> | undefined): unknown =>
      (c === undefined ? null : Object.fromEntries(Object.entries(c).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, sub(v)]))])));
    expect(synthesized.map((s) => s.Condition ?? null)).toEqual(expected.map((s) => resolved(s.conditions as Record<string, Record<string, string>> | undefined)));
    expect(synthesized.map((s) => [s.Resource].flat().length)).toEqual(expected.map((s) => s.resources.length));
    expect(statements.filter((s) => s.Action === 'iam:PassRole')).toHaveLength(1);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
