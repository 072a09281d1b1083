/**
 * Known defects of AWS's published Automation schema (npm
 * `aws-ssm-document-language-service`, dist/schema.json): valid documents it rejects.
 * A finding of the AWS schema that matches an entry here is not reported. Each entry
 * is demonstrated by a test (test/automation/validate/aws-schema-allowlist.test.ts).
 */

/** What an AWS-schema finding looks like, enough to match it. */
export interface AwsSchemaFinding {
  /** JSON pointer of the offending value. */
  readonly instancePath: string;
  /** ajv keyword that failed (additionalProperties, enum, oneOf, type, ...). */
  readonly keyword: string;
  /** ajv params (e.g. additionalProperty, allowedValues). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The document, to look at the value or step involved. */
  readonly doc: unknown;
}

/** One tolerated difference. */
export interface AllowlistEntry {
  readonly id: string;
  readonly reason: string;
  readonly matches: (f: AwsSchemaFinding) => boolean;
}

function at(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const t of pointer.split('/').slice(1)) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[t] : undefined;
  }
  return node;
}

const STEP = /^\/mainSteps\/\d+$/;
/** Parameter types that make the console list resources (populating-input-parameters.html). */
const RESOURCE_TYPES = new Set(['AWS::EC2::Instance::Id', 'List<AWS::EC2::Instance::Id>', 'AWS::S3::Bucket::Name', 'List<AWS::S3::Bucket::Name>', 'AWS::IAM::Role::Arn', 'List<AWS::IAM::Role::Arn>']);
const NEWER_ACTIONS = new Set(['aws:loop', 'aws:updateVariable', 'aws:invokeWebhook']);

/** The table of tolerated differences. */
export const AWS_SCHEMA_ALLOWLIST: readonly AllowlistEntry[] = [
  {
    id: 'variables-section',
    reason: 'The AWS schema predates runbook variables (top-level `variables`, automation-action-update-variable.html).',
    matches: (f) => f.instancePath === '' && f.keyword === 'additionalProperties' && f.params.additionalProperty === 'variables',
  },
  {
    id: 'onCancel-property',
    reason: 'onCancel is a documented common step property (automation-actions.html) missing from the AWS schema.',
    matches: (f) => STEP.test(f.instancePath) && f.keyword === 'additionalProperties' && f.params.additionalProperty === 'onCancel',
  },
  {
    id: 'newer-actions',
    reason: 'aws:loop, aws:updateVariable and aws:invokeWebhook are documented actions missing from the AWS schema action enum.',
    matches: (f) => /^\/mainSteps\/\d+\/action$/.test(f.instancePath) && f.keyword === 'enum' && NEWER_ACTIONS.has(String(at(f.doc, f.instancePath))),
  },
  {
    id: 'newer-script-runtimes',
    reason: 'The AWS schema only knows python3.6/3.7 and PowerShell Core 6.0; AWS now requires python3.11-era runtimes (automation-action-executeScript.html).',
    matches: (f) => /^\/mainSteps\/\d+\/inputs\/Runtime$/.test(f.instancePath) && ['enum', 'pattern', 'oneOf'].includes(f.keyword),
  },
  {
    id: 'resource-parameter-types',
    reason: 'AWS::EC2::Instance::Id, AWS::S3::Bucket::Name, AWS::IAM::Role::Arn and their List<> forms are documented parameter types (populating-input-parameters.html) missing from the AWS schema.',
    matches: (f) => /^\/parameters\/[^/]+\/type$/.test(f.instancePath) && f.keyword === 'enum' && RESOURCE_TYPES.has(String(at(f.doc, f.instancePath))),
  },
  {
    id: 'maplist-default',
    reason: 'The AWS schema wants each item of a MapList default to be a list; the documented MapList value is a list of maps.',
    matches: (f) => /^\/parameters\/[^/]+\/default\/\d+$/.test(f.instancePath) && f.keyword === 'type',
  },
];
