import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BackupStore } from './policy-document';

export { BACKUP_PREFIX, BackupStore, deployedBackupResources } from './policy-document';

/** Properties of {@link SshRescueBackupBucket}. */
export interface SshRescueBackupBucketProps {
  /**
   * Days a backup (and each overwritten version) is kept. A backup is needed only while an execution
   * runs, or to finish a restore by hand after one that could not; user data often holds secrets,
   * so it does not stay longer.
   * @default 14
   */
  readonly retentionDays?: number;
}

/**
 * Where the offline runbook keeps an instance's original user data while it runs (parameter
 * `BackupS3BucketName`), so only a location and a SHA-256 travel between steps:
 * - SSE-KMS with a key of its own (rotated yearly), S3 Bucket Key on;
 * - versioned, so an overwrite never loses a backup;
 * - all public access blocked, ACLs disabled (bucket owner enforced);
 * - TLS only: a Deny for `aws:SecureTransport` false
 *   (https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule);
 * - every version expires after `retentionDays`;
 * - once {@link limitObjectAccessTo} is called, no principal but the automation role can read,
 *   write or delete the backups, whatever its identity policy allows (an explicit Deny in the
 *   bucket policy wins: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
 */
export class SshRescueBackupBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: SshRescueBackupBucketProps = {}) {
    super(scope, id);
    const days = props.retentionDays ?? 14;
    if (!Number.isInteger(days) || days < 1) throw new Error(`SshRescueBackupBucket: retentionDays must be a whole number of days (at least 1), got ${days}`);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the EC2 SSH rescue user-data backups',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{
        id: 'ExpireBackups',
        expiration: Duration.days(days),
        noncurrentVersionExpiration: Duration.days(days),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      // A backup may still be needed to restore an instance by hand: the stack never deletes them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only short-lived user-data backups that the automation role alone may read or write (bucket policy); object access is recorded by CloudTrail data events where the account enables them, and a log bucket would be one more copy of who touched secrets.',
    });
  }

  /** The bucket and key ARNs the role's backup permissions are narrowed to. */
  get store(): BackupStore {
    return { bucketArn: this.bucket.bucketArn, keyArn: this.key.keyArn };
  }

  /** The bucket name, to pass as the runbooks' `BackupS3BucketName`. */
  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /**
   * Denies every object action to all principals but `role` (what `role` itself may do comes from
   * its own policy, derived from the steps). For a role, aws:PrincipalArn is the role's ARN, also
   * when it is used through an assumed-role session.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  limitObjectAccessTo(role: iam.IRole): void {
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyTheAutomationRoleTouchesBackups',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject', 's3:ReplicateObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
    }));
  }
}
