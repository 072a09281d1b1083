import { createHash } from 'node:crypto';
import { Kms } from './kms';
import { ApiParams, Operation, ParamReader } from './params';

/** One stored object. */
export interface S3Object {
  readonly body: Buffer;
  readonly kmsKeyId?: string;
}

/** One simulated general purpose bucket. */
export interface Bucket {
  readonly name: string;
  readonly owner: string;
  /** Default encryption with SSE-KMS under this key; undefined for SSE-S3. */
  readonly kmsKeyId?: string;
  readonly objects: Map<string, S3Object>;
}

/** How a scenario describes a bucket. */
export interface BucketSpec {
  readonly name: string;
  /** @default the world's account */
  readonly owner?: string;
  /** Default encryption SSE-KMS with this key id. @default SSE-S3 */
  readonly kmsKeyId?: string;
}

/**
 * Simulated Amazon S3: PutObject and GetObject on buckets with default encryption. With SSE-KMS,
 * S3 uses the bucket's key for the caller: a PutObject needs kms:GenerateDataKey and a GetObject
 * kms:Decrypt on it, and fails with AccessDenied otherwise
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html,
 * https://repost.aws/knowledge-center/s3-access-denied-error-kms). ExpectedBucketOwner that does not
 * match the owner fails with 403 AccessDenied
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 */
export class S3 {
  readonly buckets = new Map<string, Bucket>();
  readonly operations: Readonly<Record<string, Operation>>;

  constructor(private readonly accountId: string, private readonly kms: Kms) {
    this.operations = {
      PutObject: (p) => this.putObject(p),
      GetObject: (p) => this.getObject(p),
    };
  }

  addBucket(spec: BucketSpec): Bucket {
    const b: Bucket = { name: spec.name, owner: spec.owner ?? this.accountId, kmsKeyId: spec.kmsKeyId, objects: new Map() };
    this.buckets.set(b.name, b);
    return b;
  }

  private bucket(r: ParamReader): Bucket {
    const name = r.string('Bucket');
    const b = this.buckets.get(name);
    if (!b) return r.fail('NoSuchBucket', 'The specified bucket does not exist');
    const expected = r.optionalString('ExpectedBucketOwner');
    if (expected !== undefined && expected !== b.owner) r.fail('AccessDenied', 'Access Denied');
    return b;
  }

  private kmsDenied(r: ParamReader, keyId: string, action: string): never {
    return r.fail('AccessDenied', `User is not authorized to perform: ${action} on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access (key ${keyId})`);
  }

  private putObject(p: ApiParams): unknown {
    const r = new ParamReader('s3', 'PutObject', p);
    r.only(['Bucket', 'Key', 'Body', 'ExpectedBucketOwner', 'ServerSideEncryption', 'SSEKMSKeyId', 'ContentType', 'ChecksumAlgorithm', 'ChecksumSHA256', 'Metadata']);
    const b = this.bucket(r);
    const key = r.string('Key');
    const raw = p.Body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : '', 'utf8');
    const keyId = r.optionalString('SSEKMSKeyId') ?? b.kmsKeyId;
    if (keyId !== undefined && !this.kms.usableByRoleViaService(keyId)) this.kmsDenied(r, keyId, 'kms:GenerateDataKey');
    b.objects.set(key, { body: Buffer.from(body), kmsKeyId: keyId });
    return {
      ETag: `"${createHash('md5').update(body).digest('hex')}"`,
      ServerSideEncryption: keyId !== undefined ? 'aws:kms' : 'AES256',
      ...(keyId !== undefined ? { SSEKMSKeyId: keyId } : {}),
    };
  }

  private getObject(p: ApiParams): unknown {
    const r = new ParamReader('s3', 'GetObject', p);
    r.only(['Bucket', 'Key', 'ExpectedBucketOwner', 'VersionId', 'ChecksumMode']);
    const b = this.bucket(r);
    const o = b.objects.get(r.string('Key'));
    if (!o) return r.fail('NoSuchKey', 'The specified key does not exist.');
    if (o.kmsKeyId !== undefined && !this.kms.usableByRoleViaService(o.kmsKeyId)) this.kmsDenied(r, o.kmsKeyId, 'kms:Decrypt');
    // Blobs travel base64-encoded to the boto3 stand-in, which hands the handler a StreamingBody.
    return { Body: o.body.toString('base64'), ContentLength: o.body.length, ServerSideEncryption: o.kmsKeyId !== undefined ? 'aws:kms' : 'AES256' };
  }
}
