/**
 * Our own strict JSON Schema (draft-07 dialect, compiled by ajv in strict mode) for
 * Automation documents, schemaVersion 0.3. Stricter than AWS's published schema: no
 * unknown key is accepted at any level, except the API members of the AWS API actions,
 * which the API check validates against the AWS SDK models.
 *
 * Sources (AWS Systems Manager User Guide):
 * - common step properties, actions list:
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 * - one page per action, `automation-action-<name>.html`, e.g.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 *   (600 s maximum), .../automation-action-lamb.html (300 s maximum),
 *   .../automation-action-approve.html (30 days maximum, at most 10 approvers),
 *   .../automation-action-loop.html (at most 100 iterations / iterators),
 *   .../automation-action-sleep.html (at most 604799 s), .../automation-action-update-variable.html
 * - outputs (`Type` optional, default String):
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html
 * - parameters: https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */

/** A JSON Schema object as ajv takes it. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Step names: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html (name). */
export const STEP_NAME_PATTERN = '^[a-zA-Z0-9_]+$';

/** The data types of parameters, variables and step outputs. */
export const DATA_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'] as const;

/**
 * `aws:branch` operators (automation-action-branch.html). `NumericEqual` is not a
 * documented operator; only `NumericEquals` is.
 */
export const BRANCH_OPERATORS = [
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
  'BooleanEquals',
] as const;

/**
 * `aws:executeScript` runtimes. Python 3.6–3.8 can no longer be used in new or updated
 * runbooks since 2024-12-04 (notice on automation-action-executeScript.html), so only
 * 3.9 and later are accepted.
 */
export const SCRIPT_RUNTIME_PATTERN = '^(python3\\.(9|1[0-9])|PowerShell 7\\.[0-9]|PowerShell Core 6\\.0)$';

const REF = '^\\s*\\{\\{\\s*[^{}]+?\\s*\\}\\}\\s*$';
/** A whole value given as a `{{ reference }}`. */
const ref: JsonSchema = { type: 'string', pattern: REF, description: 'a {{ reference }}' };

function orRef(schema: JsonSchema, what: string): JsonSchema {
  return { anyOf: [schema, ref], description: `${what} or a {{ reference }}` };
}

const str: JsonSchema = { type: 'string' };
const bool = orRef({ type: 'boolean' }, 'a boolean');
const int = orRef({ type: 'integer' }, 'an integer');
const strList = orRef({ type: 'array', items: { type: 'string' } }, 'a list of strings');
const obj = orRef({ type: 'object' }, 'a map');
const mapList = orRef({ type: 'array', items: { type: 'object' } }, 'a list of maps');
const enumOrRef = (values: readonly string[]): JsonSchema =>
  orRef({ type: 'string', enum: values }, `one of ${values.join(', ')}`);

/** ISO 8601 duration such as PT10M (automation-action-sleep.html). */
const ISO_DURATION = '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$';

/** Action → schema of its `inputs` (closed unless the action forwards API members). */
const INPUTS: Record<string, JsonSchema> = {
  'aws:executeAwsApi': {
    type: 'object',
    required: ['Service', 'Api'],
    properties: { Service: str, Api: str },
  },
  'aws:waitForAwsResourceProperty': {
    type: 'object',
    required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'],
    properties: { Service: str, Api: str, PropertySelector: str, DesiredValues: { type: 'array', minItems: 1 } },
  },
  'aws:assertAwsResourceProperty': {
    type: 'object',
    required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'],
    properties: { Service: str, Api: str, PropertySelector: str, DesiredValues: { type: 'array', minItems: 1 } },
  },
  'aws:branch': {
    type: 'object',
    required: ['Choices'],
    additionalProperties: false,
    properties: {
      Choices: { type: 'array', minItems: 1, items: { $ref: '#/$defs/choice' } },
      Default: { type: 'string', pattern: STEP_NAME_PATTERN },
    },
  },
  'aws:changeInstanceState': {
    type: 'object',
    required: ['InstanceIds', 'DesiredState'],
    additionalProperties: false,
    properties: {
      InstanceIds: strList,
      DesiredState: enumOrRef(['running', 'stopped', 'terminated']),
      CheckStateOnly: bool,
      Force: bool,
      AdditionalInfo: str,
    },
  },
  'aws:runCommand': {
    type: 'object',
    required: ['DocumentName'],
    additionalProperties: false,
    properties: {
      DocumentName: str,
      InstanceIds: strList,
      Targets: mapList,
      Parameters: obj,
      CloudWatchOutputConfig: obj,
      Comment: str,
      DocumentHash: str,
      DocumentHashType: enumOrRef(['Sha256', 'Sha1']),
      DocumentVersion: str,
      MaxConcurrency: str,
      MaxErrors: str,
      NotificationConfig: obj,
      OutputS3BucketName: str,
      OutputS3KeyPrefix: str,
      ServiceRoleArn: str,
      TimeoutSeconds: int,
    },
  },
  'aws:executeScript': {
    type: 'object',
    required: ['Runtime'],
    additionalProperties: false,
    properties: {
      Runtime: orRef({ type: 'string', pattern: SCRIPT_RUNTIME_PATTERN }, 'python3.9 or later, or PowerShell 7.x'),
      Handler: str,
      Script: str,
      Attachment: str,
      InputPayload: obj,
    },
  },
  'aws:sleep': {
    type: 'object',
    additionalProperties: false,
    properties: {
      Duration: orRef({ type: 'string', pattern: ISO_DURATION }, 'an ISO 8601 duration such as PT10M'),
      Timestamp: str,
    },
  },
  'aws:executeAutomation': {
    type: 'object',
    required: ['DocumentName'],
    additionalProperties: false,
    properties: {
      DocumentName: str,
      DocumentVersion: str,
      MaxConcurrency: str,
      MaxErrors: str,
      RuntimeParameters: obj,
      Tags: { type: 'array', maxItems: 5, items: { type: 'object' } },
      TargetLocations: orRef({ type: 'array', minItems: 1, maxItems: 100, items: { type: 'object' } }, '1 to 100 locations'),
      TargetMaps: mapList,
      TargetParameterName: str,
      Targets: mapList,
    },
  },
  'aws:loop': {
    type: 'object',
    required: ['Steps'],
    additionalProperties: false,
    properties: {
      Steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
      Iterators: orRef({ type: 'array', maxItems: 100 }, 'a list of at most 100 items'),
      IteratorDataType: { type: 'string', enum: ['Boolean', 'Integer', 'String', 'StringMap'] },
      LoopCondition: { $ref: '#/$defs/condition' },
      MaxIterations: { type: 'integer', minimum: 1, maximum: 100 },
    },
  },
  'aws:approve': {
    type: 'object',
    required: ['Approvers'],
    additionalProperties: false,
    properties: {
      Approvers: orRef({ type: 'array', minItems: 1, maxItems: 10, items: { type: 'string' } }, '1 to 10 approvers'),
      NotificationArn: str,
      Message: { type: 'string', maxLength: 4096 },
      MinRequiredApprovals: int,
    },
  },
  'aws:createTags': {
    type: 'object',
    required: ['ResourceIds', 'Tags'],
    additionalProperties: false,
    properties: {
      ResourceIds: strList,
      Tags: mapList,
      ResourceType: enumOrRef(['EC2', 'ManagedInstance', 'MaintenanceWindow', 'Parameter']),
    },
  },
  'aws:invokeLambdaFunction': {
    type: 'object',
    required: ['FunctionName'],
    additionalProperties: false,
    properties: {
      FunctionName: str,
      Qualifier: str,
      InvocationType: enumOrRef(['Event', 'RequestResponse', 'DryRun']),
      LogType: enumOrRef(['None', 'Tail']),
      ClientContext: str,
      InputPayload: obj,
      Payload: str,
    },
  },
  'aws:pause': { type: 'object', additionalProperties: false, properties: {} },
  'aws:updateVariable': {
    type: 'object',
    required: ['Name', 'Value'],
    additionalProperties: false,
    properties: { Name: { type: 'string', pattern: '^variable:[a-zA-Z0-9_]+$' }, Value: {} },
  },
  'aws:createImage': {
    type: 'object',
    required: ['InstanceId', 'ImageName'],
    additionalProperties: false,
    properties: { InstanceId: str, ImageName: str, ImageDescription: str, NoReboot: bool, BlockDeviceMappings: obj },
  },
  'aws:deleteImage': {
    type: 'object',
    required: ['ImageId'],
    additionalProperties: false,
    properties: { ImageId: str },
  },
  'aws:copyImage': {
    type: 'object',
    required: ['SourceRegion', 'SourceImageId', 'ImageName'],
    additionalProperties: false,
    properties: {
      SourceRegion: str,
      SourceImageId: str,
      ImageName: str,
      ImageDescription: str,
      Encrypted: bool,
      KmsKeyId: str,
      ClientToken: str,
    },
  },
};

/** Per-action ceiling of `timeoutSeconds`, from each action's page. */
export const MAX_TIMEOUT_SECONDS: Readonly<Record<string, number>> = {
  'aws:executeScript': 600,
  'aws:invokeLambdaFunction': 300,
  'aws:approve': 2592000,
};

/** Actions this validator knows, in the order of the actions reference. */
export const SUPPORTED_ACTIONS: readonly string[] = Object.keys(INPUTS).sort();

const OUTPUT: JsonSchema = {
  type: 'object',
  required: ['Name', 'Selector'],
  additionalProperties: false,
  properties: {
    Name: { type: 'string', pattern: STEP_NAME_PATTERN },
    Selector: { type: 'string', pattern: '^\\$' },
    Type: { type: 'string', enum: DATA_TYPES },
  },
};

function stepBranch(action: string): JsonSchema {
  const maxTimeout = MAX_TIMEOUT_SECONDS[action];
  return {
    type: 'object',
    required: ['name', 'action', 'inputs'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: STEP_NAME_PATTERN },
      action: { const: action },
      description: str,
      maxAttempts: { type: 'integer', minimum: 1 },
      timeoutSeconds:
        maxTimeout === undefined
          ? { type: 'integer', minimum: 1 }
          : { type: 'integer', minimum: 1, maximum: maxTimeout },
      onFailure: { type: 'string', pattern: '^(Abort|Continue|step:[a-zA-Z0-9_]+)$' },
      onCancel: { type: 'string', pattern: '^(Abort|step:[a-zA-Z0-9_]+)$' },
      isEnd: { type: 'boolean' },
      isCritical: { type: 'boolean' },
      nextStep: { type: 'string', pattern: STEP_NAME_PATTERN },
      inputs: INPUTS[action],
      outputs: { type: 'array', items: OUTPUT },
    },
  };
}

const condition: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    Variable: str,
    ...Object.fromEntries(BRANCH_OPERATORS.map((op) => [op, {}])),
    And: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
    Or: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
    Not: { $ref: '#/$defs/condition' },
  },
};

const parameter: JsonSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: DATA_TYPES },
    description: str,
    default: {},
    allowedValues: { type: 'array', minItems: 1 },
    allowedPattern: str,
    minItems: { type: 'integer', minimum: 0 },
    maxItems: { type: 'integer', minimum: 0 },
    minChars: { type: 'integer', minimum: 0 },
    maxChars: { type: 'integer', minimum: 0 },
    displayType: { type: 'string', enum: ['textfield', 'textarea'] },
  },
};

/** The schema. Steps are selected by their `action` (ajv `discriminator`). */
export const automationSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['schemaVersion', 'mainSteps'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: '0.3' },
    description: str,
    assumeRole: str,
    parameters: {
      type: 'object',
      propertyNames: { pattern: STEP_NAME_PATTERN },
      additionalProperties: parameter,
    },
    variables: {
      type: 'object',
      propertyNames: { pattern: STEP_NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: { type: { type: 'string', enum: DATA_TYPES }, default: {}, description: str },
      },
    },
    outputs: { type: 'array', items: { type: 'string', pattern: '^[a-zA-Z0-9_]+\\.[a-zA-Z0-9_]+$' } },
    mainSteps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    files: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['checksums'],
        additionalProperties: false,
        properties: {
          checksums: {
            type: 'object',
            additionalProperties: false,
            properties: { sha256: { type: 'string', pattern: '^[A-Fa-f0-9]{64}$' } },
          },
          size: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
  $defs: {
    step: {
      type: 'object',
      required: ['action'],
      properties: { action: { type: 'string' } },
      discriminator: { propertyName: 'action' },
      oneOf: SUPPORTED_ACTIONS.map(stepBranch),
    },
    choice: {
      type: 'object',
      required: ['NextStep'],
      additionalProperties: false,
      properties: { ...(condition.properties as Record<string, unknown>), NextStep: { type: 'string', pattern: STEP_NAME_PATTERN } },
    },
    condition,
  },
};
