import { Permission } from '../automation';

/** Every KMS key of the deployment's Region (EBS volumes and S3 objects use keys of their own Region). */
const KEYS_IN_REGION = 'arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*';

/**
 * What StartInstances needs for volumes under a customer managed key: EC2 creates a grant on the
 * key for the caller, so the caller needs kms:CreateGrant — here only when EC2 in this Region asks
 * for it on the role's behalf, for an AWS resource.
 * https://repost.aws/knowledge-center/kms-iam-ec2-permission
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html (kms:GrantIsForAWSResource)
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html (kms:ViaService, kms:GrantIsForAWSResource)
 */
export const START_ENCRYPTED_VOLUMES: Permission = {
  actions: ['kms:CreateGrant'],
  resources: [KEYS_IN_REGION],
  conditions: {
    Bool: { 'kms:GrantIsForAWSResource': 'true' },
    StringEquals: { 'kms:ViaService': 'ec2.${AWS::Region}.amazonaws.com' },
  },
};

/** The Preflight's look at the keys of encrypted volumes (state, and whether the key policy lets the role in). */
export const DESCRIBE_KEYS: Permission = { actions: ['kms:DescribeKey'], resources: [KEYS_IN_REGION] };

/** Objects of the backup prefix in buckets of this account only. */
const BACKUP_OBJECTS: Permission = {
  actions: [],
  resources: ['arn:${AWS::Partition}:s3:::*/ec2-ssh-rescue/*'],
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html (s3:ResourceAccount)
  conditions: { StringEquals: { 's3:ResourceAccount': '${AWS::AccountId}' } },
};

/**
 * An SSE-KMS backup bucket: S3 asks KMS for a data key when it stores an object and to decrypt
 * it when it returns one, on the caller's behalf — only through S3 in this Region here.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
const BACKUP_KEY = (actions: string[]): Permission => ({
  actions,
  resources: [KEYS_IN_REGION],
  conditions: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com' } },
});

/** Writing the backup and reading it back. */
export const WRITE_BACKUP: Permission[] = [
  { ...BACKUP_OBJECTS, actions: ['s3:GetObject', 's3:PutObject'] },
  BACKUP_KEY(['kms:Decrypt', 'kms:GenerateDataKey']),
];

/** Reading the backup for the restore. */
export const READ_BACKUP: Permission[] = [{ ...BACKUP_OBJECTS, actions: ['s3:GetObject'] }, BACKUP_KEY(['kms:Decrypt'])];
