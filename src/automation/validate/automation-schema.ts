/**
 * Our own strict JSON Schema (draft-07 dialect, compiled by ajv in strict mode) for
 * Automation documents, schemaVersion 0.3. Stricter than AWS's published schema: no
 * unknown key is accepted at any level, except the API members of the AWS API actions,
 * which the API check validates against the API models of the AWS services.
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

import { ACTIONS, type JsonSchema } from './actions';

export type { JsonSchema } from './actions';

/** Step names: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html (name). */
export const STEP_NAME_PATTERN = '^[a-zA-Z0-9_]+$';

/** The data types of variables and step outputs (automation-action-outputs-inputs.html). */
export const DATA_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'] as const;

/**
 * Parameter types that make the console list matching resources; they behave as String
 * (or StringList for the List<...> forms) at run time. Names and the patterns AWS uses:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/populating-input-parameters.html
 */
export const RESOURCE_PARAMETER_TYPES: Readonly<Record<string, { readonly base: 'String' | 'StringList'; readonly pattern: string }>> = {
  'AWS::EC2::Instance::Id': { base: 'String', pattern: '^m?i-([a-z0-9]{8}|[a-z0-9]{17})$' },
  'List<AWS::EC2::Instance::Id>': { base: 'StringList', pattern: '^m?i-([a-z0-9]{8}|[a-z0-9]{17})$' },
  'AWS::S3::Bucket::Name': { base: 'String', pattern: '^[0-9a-z][a-z0-9\\-\\.]{3,63}$' },
  'List<AWS::S3::Bucket::Name>': { base: 'StringList', pattern: '^[0-9a-z][a-z0-9\\-\\.]{3,63}$' },
  'AWS::IAM::Role::Arn': { base: 'String', pattern: '^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::[0-9]{12}:role/.*$' },
  'List<AWS::IAM::Role::Arn>': { base: 'StringList', pattern: '^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::[0-9]{12}:role/.*$' },
};

/** Every parameter type: the data types and the resource types. */
export const PARAMETER_TYPES: readonly string[] = [...DATA_TYPES, ...Object.keys(RESOURCE_PARAMETER_TYPES)];

/** The data type a parameter type behaves as at run time. */
export function baseType(type: string): string {
  return RESOURCE_PARAMETER_TYPES[type]?.base ?? type;
}

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

const str: JsonSchema = { type: 'string' };

/** Actions this validator knows: every action of the actions reference, sorted. */
export const SUPPORTED_ACTIONS: readonly string[] = [...ACTIONS.keys()].sort();

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
  const spec = ACTIONS.get(action);
  const maxTimeout = spec?.maxTimeoutSeconds;
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
      inputs: spec?.inputs,
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
    type: { type: 'string', enum: PARAMETER_TYPES },
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
