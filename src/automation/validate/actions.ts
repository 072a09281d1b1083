/**
 * Every action of the Automation actions reference
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html):
 * the JSON Schema of its `inputs`, the outputs it sets without being declared, its
 * limits, and the page each comes from. Inputs are closed (unknown keys refused)
 * except for the three actions that take the request members of any AWS API, which
 * the API check validates against the service's API model.
 */

/** A JSON Schema object as ajv takes it. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One documented action. */
export interface ActionSpec {
  /** `aws:...` */
  readonly name: string;
  /** The action's page in the Systems Manager User Guide. */
  readonly source: string;
  /** Schema of `inputs`. */
  readonly inputs: JsonSchema;
  /** Outputs set by the action itself, usable as {{ step.X }} without declaring them. */
  readonly outputs: Readonly<Record<string, OutputDataType>>;
  /** Highest `timeoutSeconds`, when the page gives one. */
  readonly maxTimeoutSeconds?: number;
}

/** Data types of outputs, parameters and variables (automation-action-outputs-inputs.html). */
export type OutputDataType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'MapList' | 'StringMap';

const UG = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/';

/** A value given wholly as a `{{ reference }}`. */
export const WHOLE_REFERENCE = '^\\s*\\{\\{\\s*[^{}]+?\\s*\\}\\}\\s*$';
const ref: JsonSchema = { type: 'string', pattern: WHOLE_REFERENCE, description: 'a {{ reference }}' };

/** `schema`, or a string that is a whole `{{ reference }}` resolved at run time. */
export function orRef(schema: JsonSchema, what: string): JsonSchema {
  return { anyOf: [schema, ref], description: `${what} or a {{ reference }}` };
}

const str: JsonSchema = { type: 'string' };
const bool = orRef({ type: 'boolean' }, 'a boolean');
const int = orRef({ type: 'integer' }, 'an integer');
const strList = orRef({ type: 'array', items: { type: 'string' } }, 'a list of strings');
const obj = orRef({ type: 'object' }, 'a map');
const mapList = orRef({ type: 'array', items: { type: 'object' } }, 'a list of maps');
const enumOrRef = (values: readonly string[]): JsonSchema => orRef({ type: 'string', enum: values }, `one of ${values.join(', ')}`);

/** A number in an ISO 8601 duration, or a {{ reference }} standing for one (`PT{{ Minutes }}M`). */
const N = '(?:\\d+|\\{\\{[^{}]+\\}\\})';
/** ISO 8601 duration such as PT10M (automation-action-sleep.html), references allowed in place of numbers. */
export const ISO_DURATION = `^P(?!$)(${N}Y)?(${N}M)?(${N}W)?(${N}D)?(T(?=[\\d{])(${N}H)?(${N}M)?(${N}S)?)?$`;

/**
 * `aws:executeScript` runtimes (automation-action-executeScript.html). Python 3.6–3.8
 * can no longer be used in new or updated runbooks since 2024-12-04 (notice on that
 * page), so they are not accepted; the others are, and RUNTIME_END_OF_SUPPORT warns
 * about those past their end of support.
 */
export const SCRIPT_RUNTIME_PATTERN = '^(python3\\.(9|1[0-9])|PowerShell 7\\.[0-9]|PowerShell Core 6\\.0)$';

/**
 * Runtimes past their end of support, with the date and its source. The runbook
 * still runs, so it is a warning (SSM-SCH-005).
 */
export const RUNTIME_END_OF_SUPPORT: Readonly<Record<string, { readonly date: string; readonly source: string }>> = {
  // PEP 596 (Python 3.9 release schedule): end of life 2025-10.
  'python3.9': { date: '2025-10-31', source: 'https://peps.python.org/pep-0596/' },
  // Microsoft PowerShell support lifecycle: PowerShell Core 6.0 ended 2019-02-13, 7.0 on 2022-12-03, 7.2 on 2024-11-08.
  'PowerShell Core 6.0': { date: '2019-02-13', source: 'https://learn.microsoft.com/powershell/scripting/install/powershell-support-lifecycle' },
  'PowerShell 7.0': { date: '2022-12-03', source: 'https://learn.microsoft.com/powershell/scripting/install/powershell-support-lifecycle' },
  'PowerShell 7.2': { date: '2024-11-08', source: 'https://learn.microsoft.com/powershell/scripting/install/powershell-support-lifecycle' },
};

const closed = (properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});

/** Inputs of the API actions: Service and Api plus any request member, checked by the API check. */
const apiCall = (extra: Record<string, JsonSchema>, required: readonly string[]): JsonSchema => ({
  type: 'object',
  required: ['Service', 'Api', ...required],
  properties: { Service: str, Api: str, ...extra },
});

const SPECS: readonly ActionSpec[] = [
  {
    name: 'aws:approve',
    source: `${UG}automation-action-approve.html`,
    // At most 10 approvers, Message at most 4096 characters; the step waits at most 7 days by default, 30 days with timeoutSeconds.
    inputs: closed(
      {
        Approvers: orRef({ type: 'array', minItems: 1, maxItems: 10, items: { type: 'string' } }, '1 to 10 approvers'),
        NotificationArn: str,
        Message: { type: 'string', maxLength: 4096 },
        MinRequiredApprovals: int,
      },
      ['Approvers'],
    ),
    outputs: { ApprovalStatus: 'String', ApproverDecisions: 'MapList' },
    maxTimeoutSeconds: 2592000,
  },
  {
    name: 'aws:assertAwsResourceProperty',
    source: `${UG}automation-action-assertAwsResourceProperty.html`,
    inputs: apiCall({ PropertySelector: str, DesiredValues: { type: 'array', minItems: 1 } }, ['PropertySelector', 'DesiredValues']),
    outputs: {},
  },
  {
    name: 'aws:branch',
    source: `${UG}automation-action-branch.html`,
    inputs: closed({ Choices: { type: 'array', minItems: 1, items: { $ref: '#/$defs/choice' } }, Default: { type: 'string', pattern: '^[a-zA-Z0-9_]+$' } }, ['Choices']),
    outputs: {},
  },
  {
    name: 'aws:changeInstanceState',
    source: `${UG}automation-action-changestate.html`,
    inputs: closed(
      { InstanceIds: strList, DesiredState: enumOrRef(['running', 'stopped', 'terminated']), CheckStateOnly: bool, Force: bool, AdditionalInfo: str },
      ['InstanceIds', 'DesiredState'],
    ),
    outputs: {},
  },
  {
    name: 'aws:copyImage',
    source: `${UG}automation-action-copyimage.html`,
    inputs: closed(
      { SourceRegion: str, SourceImageId: str, ImageName: str, ImageDescription: str, Encrypted: bool, KmsKeyId: str, ClientToken: str },
      ['SourceRegion', 'SourceImageId', 'ImageName'],
    ),
    outputs: { ImageId: 'String', ImageState: 'String' },
  },
  {
    name: 'aws:createImage',
    source: `${UG}automation-action-create.html`,
    inputs: closed({ InstanceId: str, ImageName: str, ImageDescription: str, NoReboot: bool, BlockDeviceMappings: obj }, ['InstanceId', 'ImageName']),
    outputs: { ImageId: 'String', ImageState: 'String' },
  },
  {
    name: 'aws:createStack',
    source: `${UG}automation-action-createstack.html`,
    inputs: closed(
      {
        Capabilities: strList,
        ClientRequestToken: str,
        DisableRollback: bool,
        NotificationARNs: strList,
        OnFailure: enumOrRef(['DO_NOTHING', 'ROLLBACK', 'DELETE']),
        Parameters: mapList,
        ResourceTypes: strList,
        RoleARN: str,
        StackName: str,
        StackPolicyBody: str,
        StackPolicyURL: str,
        Tags: mapList,
        TemplateBody: str,
        TemplateURL: str,
        TimeoutInMinutes: int,
      },
      ['StackName'],
    ),
    outputs: { StackId: 'String', StackStatus: 'String', StackStatusReason: 'String' },
  },
  {
    name: 'aws:createTags',
    source: `${UG}automation-action-createtag.html`,
    inputs: closed({ ResourceIds: strList, Tags: mapList, ResourceType: enumOrRef(['EC2', 'ManagedInstance', 'MaintenanceWindow', 'Parameter']) }, ['ResourceIds', 'Tags']),
    outputs: {},
  },
  {
    name: 'aws:deleteImage',
    source: `${UG}automation-action-delete.html`,
    inputs: closed({ ImageId: str }, ['ImageId']),
    outputs: {},
  },
  {
    name: 'aws:deleteStack',
    source: `${UG}automation-action-deletestack.html`,
    inputs: closed({ StackName: str, RoleARN: str, RetainResources: strList }, ['StackName']),
    outputs: {},
  },
  {
    name: 'aws:executeAutomation',
    source: `${UG}automation-action-executeAutomation.html`,
    // Tags: at most 5; TargetLocations: 1 to 100 locations.
    inputs: closed(
      {
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
      ['DocumentName'],
    ),
    outputs: { ExecutionId: 'String', Status: 'String', Output: 'StringList' },
  },
  {
    name: 'aws:executeAwsApi',
    source: `${UG}automation-action-executeAwsApi.html`,
    inputs: apiCall({}, []),
    outputs: {},
  },
  {
    name: 'aws:executeScript',
    source: `${UG}automation-action-executeScript.html`,
    inputs: closed(
      {
        Runtime: orRef({ type: 'string', pattern: SCRIPT_RUNTIME_PATTERN }, 'python3.9 or later, or PowerShell 7.x'),
        Handler: str,
        Script: str,
        Attachment: str,
        InputPayload: obj,
      },
      ['Runtime'],
    ),
    outputs: { Payload: 'StringMap' },
    maxTimeoutSeconds: 600,
  },
  {
    name: 'aws:executeStateMachine',
    source: `${UG}automation-action-executeStateMachine.html`,
    inputs: closed({ stateMachineArn: str, name: str, input: str }, ['stateMachineArn']),
    outputs: { executionArn: 'String', input: 'String', name: 'String', output: 'String', startDate: 'String', stateMachineArn: 'String', status: 'String', stopDate: 'String' },
  },
  {
    name: 'aws:invokeLambdaFunction',
    source: `${UG}automation-action-lamb.html`,
    inputs: closed(
      {
        FunctionName: str,
        Qualifier: str,
        InvocationType: enumOrRef(['Event', 'RequestResponse', 'DryRun']),
        LogType: enumOrRef(['None', 'Tail']),
        ClientContext: str,
        InputPayload: obj,
        Payload: str,
      },
      ['FunctionName'],
    ),
    outputs: { StatusCode: 'Integer', FunctionError: 'String', LogResult: 'String', Payload: 'String' },
    maxTimeoutSeconds: 300,
  },
  {
    name: 'aws:invokeWebhook',
    source: `${UG}invoke-webhook.html`,
    inputs: closed({ IntegrationName: str, Body: str }, ['IntegrationName']),
    outputs: { Response: 'String', ResponseCode: 'Integer' },
  },
  {
    name: 'aws:loop',
    source: `${UG}automation-action-loop.html`,
    // At most 100 iterators, MaxIterations 1 to 100.
    inputs: closed(
      {
        Steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
        Iterators: orRef({ type: 'array', maxItems: 100 }, 'a list of at most 100 items'),
        IteratorDataType: { type: 'string', enum: ['Boolean', 'Integer', 'String', 'StringMap'] },
        LoopCondition: { $ref: '#/$defs/condition' },
        MaxIterations: { type: 'integer', minimum: 1, maximum: 100 },
      },
      ['Steps'],
    ),
    outputs: { CurrentIteration: 'Integer', CurrentIteratorValue: 'String' },
  },
  {
    name: 'aws:pause',
    source: `${UG}automation-action-pause.html`,
    inputs: closed({}),
    outputs: {},
  },
  {
    name: 'aws:runCommand',
    source: `${UG}automation-action-runcommand.html`,
    inputs: closed(
      {
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
      ['DocumentName'],
    ),
    outputs: { CommandId: 'String', Status: 'String', ResponseCode: 'Integer', Output: 'String' },
  },
  {
    name: 'aws:runInstances',
    source: `${UG}automation-action-runinstance.html`,
    inputs: closed(
      {
        AdditionalInfo: str,
        BlockDeviceMappings: mapList,
        ClientToken: str,
        DisableApiTermination: bool,
        EbsOptimized: bool,
        IamInstanceProfileArn: str,
        IamInstanceProfileName: str,
        ImageId: str,
        InstanceInitiatedShutdownBehavior: enumOrRef(['stop', 'terminate']),
        InstanceType: str,
        KernelId: str,
        KeyName: str,
        MaxInstanceCount: int,
        MinInstanceCount: int,
        Monitoring: bool,
        NetworkInterfaces: mapList,
        Placement: obj,
        PrivateIpAddress: str,
        RamdiskId: str,
        SecurityGroupIds: strList,
        SecurityGroups: strList,
        SubnetId: str,
        TagSpecifications: mapList,
        UserData: str,
      },
      ['ImageId'],
    ),
    outputs: { InstanceIds: 'StringList' },
  },
  {
    name: 'aws:sleep',
    source: `${UG}automation-action-sleep.html`,
    inputs: closed({ Duration: orRef({ type: 'string', pattern: ISO_DURATION }, 'an ISO 8601 duration such as PT10M'), Timestamp: str }),
    outputs: {},
  },
  {
    name: 'aws:updateVariable',
    source: `${UG}automation-action-update-variable.html`,
    inputs: closed({ Name: { type: 'string', pattern: '^variable:[a-zA-Z0-9_]+$' }, Value: {} }, ['Name', 'Value']),
    outputs: {},
  },
  {
    name: 'aws:waitForAwsResourceProperty',
    source: `${UG}automation-action-waitForAwsResourceProperty.html`,
    inputs: apiCall({ PropertySelector: str, DesiredValues: { type: 'array', minItems: 1 } }, ['PropertySelector', 'DesiredValues']),
    outputs: {},
  },
];

/** Every documented action by name. */
export const ACTIONS: ReadonlyMap<string, ActionSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** Actions that call an AWS API named by `Service` and `Api`. */
export const API_ACTIONS: ReadonlySet<string> = new Set(['aws:executeAwsApi', 'aws:waitForAwsResourceProperty', 'aws:assertAwsResourceProperty']);

/** automation-actions.html (onCancel): "doesn't support moving to" steps of these actions. */
export const ON_CANCEL_FORBIDDEN: ReadonlySet<string> = new Set([
  'aws:approve',
  'aws:copyImage',
  'aws:createImage',
  'aws:createStack',
  'aws:createTags',
  'aws:pause',
  'aws:runInstances',
  'aws:sleep',
]);
