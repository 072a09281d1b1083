import { ApiParams, Operation, ParamReader } from './params';

/** One simulated KMS key. */
export interface KmsKey {
  readonly keyId: string;
  readonly arn: string;
  /** `AWS` for AWS managed keys (aws/ebs), `CUSTOMER` for customer managed keys. */
  readonly manager: 'AWS' | 'CUSTOMER';
  state: 'Enabled' | 'Disabled' | 'PendingDeletion';
  /**
   * Whether the key policy lets the automation role use the key — through the default "enable
   * IAM policies" statement plus the role's own kms:CreateGrant / kms:GenerateDataKey /
   * kms:Decrypt, or by naming the role. False: every use by the role is denied.
   */
  roleMayUse: boolean;
}

/** How a scenario describes a key. */
export interface KmsKeySpec {
  readonly keyId: string;
  /** @default 'CUSTOMER' */
  readonly manager?: 'AWS' | 'CUSTOMER';
  /** @default 'Enabled' */
  readonly state?: KmsKey['state'];
  /** @default true */
  readonly roleMayUse?: boolean;
}

/**
 * Simulated AWS KMS, as far as the runbooks meet it: the keys of encrypted EBS volumes and of an
 * SSE-KMS backup bucket. An AWS managed key's policy lets every principal of the account use it
 * through the integrated service; a customer managed key is usable only as its key policy allows
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
 * https://repost.aws/knowledge-center/kms-iam-ec2-permission). Errors are KMS's documented codes
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html#API_DescribeKey_Errors).
 */
export class Kms {
  readonly keys = new Map<string, KmsKey>();
  readonly operations: Readonly<Record<string, Operation>>;

  constructor(private readonly accountId: string, private readonly region: string) {
    this.operations = { DescribeKey: (p) => this.describeKey(p) };
  }

  add(spec: KmsKeySpec): KmsKey {
    const key: KmsKey = {
      keyId: spec.keyId,
      arn: `arn:aws:kms:${this.region}:${this.accountId}:key/${spec.keyId}`,
      manager: spec.manager ?? 'CUSTOMER',
      state: spec.state ?? 'Enabled',
      roleMayUse: spec.roleMayUse ?? true,
    };
    this.keys.set(key.keyId, key);
    return key;
  }

  /** A key by id or ARN. */
  find(idOrArn: string): KmsKey | undefined {
    return this.keys.get(idOrArn.replace(/^arn:[^:]+:kms:[^:]+:\d+:key\//, ''));
  }

  /**
   * Whether an AWS service acting for the role (EC2 attaching a volume, S3 encrypting an object)
   * may use the key: it must be enabled, and a customer managed key must allow the role.
   */
  usableByRoleViaService(idOrArn: string): boolean {
    const key = this.find(idOrArn);
    if (!key || key.state !== 'Enabled') return false;
    return key.manager === 'AWS' || key.roleMayUse;
  }

  private describeKey(p: ApiParams): unknown {
    const r = new ParamReader('kms', 'DescribeKey', p);
    r.only(['KeyId', 'GrantTokens']);
    const id = r.string('KeyId');
    const key = this.find(id);
    if (!key) return r.fail('NotFoundException', `Key '${id}' does not exist`);
    if (key.manager === 'CUSTOMER' && !key.roleMayUse) {
      return r.fail('AccessDeniedException', `User: arn:aws:sts::${this.accountId}:assumed-role/EC2SSHRescueAutomation/automation is not authorized to perform: kms:DescribeKey on resource: ${key.arn} because no resource-based policy allows the kms:DescribeKey action`);
    }
    return {
      KeyMetadata: {
        AWSAccountId: this.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        Enabled: key.state === 'Enabled',
        KeyState: key.state,
        KeyManager: key.manager,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Origin: 'AWS_KMS',
      },
    };
  }
}
