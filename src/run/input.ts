import * as fs from 'node:fs';

/** Why `run` refuses its input, before any AWS call. */
export class InputError extends Error {}

/** An instance id (i- and 8 or 17 hex digits) or an EC2 instance ARN holding one. */
const INSTANCE = /^(?:arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/)?i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** Linux login names as useradd accepts them by default (NAME_REGEX of adduser.conf). */
const USER = /^[a-z_][a-z0-9._-]{0,31}$/;
/** IAM role ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
const ROLE_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** SSM document names: letters, digits, _ - . (CreateDocument's Name pattern). */
const DOC_PREFIX = /^[a-zA-Z0-9_.-]*$/;
/** Execution ids are 36 characters (StopAutomationExecution, GetAutomationExecution). */
const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** OpenSSH public key line: type, base64 blob, optional comment. */
const PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [^\r\n]*)?$/;

/** What `run` was asked to start. */
export interface StartRequest {
  readonly instance: string;
  readonly user?: string;
  readonly mode: 'diagnose' | 'fix';
  readonly allowOffline: boolean;
  readonly strict: boolean;
  /** The public key line from --public-key. */
  readonly publicKey?: string;
  readonly role?: string;
  /** S3 bucket for the original user data (--backup-bucket), passed as BackupS3BucketName. */
  readonly backupBucket?: string;
  readonly documentPrefix: string;
}

/** Raw options as commander hands them over. */
export interface RawStartOptions {
  readonly instance?: string;
  readonly user?: string;
  readonly mode?: string;
  readonly allowOffline?: boolean;
  readonly strict?: boolean;
  readonly publicKey?: string;
  readonly role?: string;
  readonly backupBucket?: string;
  readonly documentPrefix?: string;
}

/** Checks every start option; each problem is a specific message. */
export function checkStartOptions(o: RawStartOptions): StartRequest {
  if (o.instance === undefined) throw new InputError('--instance is required (an instance id such as i-0123456789abcdef0, or its ARN), or use --follow EXECUTION_ID');
  if (!INSTANCE.test(o.instance)) throw new InputError(`--instance ${JSON.stringify(o.instance)} is not an instance id (i- and 8 or 17 lowercase hex digits) or an EC2 instance ARN`);
  if (o.user !== undefined && !USER.test(o.user)) throw new InputError(`--user ${JSON.stringify(o.user)} is not a Linux login name (a lowercase letter or _, then up to 31 of a-z 0-9 . _ -)`);
  const mode = (o.mode ?? 'diagnose').toLowerCase();
  if (mode !== 'diagnose' && mode !== 'fix') throw new InputError(`--mode must be diagnose or fix, got ${JSON.stringify(o.mode)}`);
  if (o.role !== undefined && !ROLE_ARN.test(o.role)) throw new InputError(`--role ${JSON.stringify(o.role)} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)`);
  if (o.backupBucket !== undefined && !BUCKET.test(o.backupBucket)) throw new InputError(`--backup-bucket ${JSON.stringify(o.backupBucket)} is not an S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit)`);
  const prefix = o.documentPrefix ?? '';
  if (!DOC_PREFIX.test(prefix)) throw new InputError(`--document-prefix ${JSON.stringify(prefix)} may hold only letters, digits, _, - and .`);
  let publicKey: string | undefined;
  if (o.publicKey !== undefined) publicKey = readPublicKey(o.publicKey);
  return { instance: o.instance, user: o.user, mode, allowOffline: o.allowOffline === true, strict: o.strict === true, publicKey, role: o.role, backupBucket: o.backupBucket, documentPrefix: prefix };
}

/** Reads one OpenSSH public key line from `file`, refusing private keys and other content. */
export function readPublicKey(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`--public-key ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (/PRIVATE KEY/.test(text)) throw new InputError(`--public-key ${file} holds a PRIVATE key; pass the .pub file`);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) throw new InputError(`--public-key ${file} must hold exactly one public key line, found ${lines.length}`);
  if (!PUBLIC_KEY.test(lines[0])) throw new InputError(`--public-key ${file} is not an OpenSSH public key line (TYPE BASE64 [COMMENT], e.g. ssh-ed25519 AAAA… you@host)`);
  return lines[0];
}

/** Checks an id given to --follow. */
export function checkExecutionId(id: string): string {
  if (!EXECUTION_ID.test(id)) throw new InputError(`--follow ${JSON.stringify(id)} is not an automation execution id (36 characters: 8-4-4-4-12 hex digits)`);
  return id;
}
