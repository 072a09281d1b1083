import { parse } from 'yaml';
import { type CheckKind, type Diagnostic, type Severity, validateDocument, validateText } from '../../../src/automation/validate';

/** A small valid document that each case breaks in one place. */
function base(): Record<string, unknown> {
  return parse(`
schemaVersion: '0.3'
parameters:
  InstanceId:
    type: String
    allowedPattern: '^i-[a-z0-9]{8,17}$'
mainSteps:
  - name: describe
    action: aws:executeAwsApi
    inputs:
      Service: ec2
      Api: DescribeInstances
      InstanceIds: ['{{ InstanceId }}']
    outputs:
      - Name: State
        Selector: $.Reservations[0].Instances[0].State.Name
        Type: String
  - name: report
    action: aws:sleep
    inputs:
      Duration: PT1S
`) as Record<string, unknown>;
}

type Doc = Record<string, unknown> & { mainSteps: Array<Record<string, unknown>> };

function mutate(f: (d: Doc) => void): Doc {
  const d = base() as Doc;
  f(d);
  return d;
}

const step = (name: string, action: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, action, inputs, ...extra });

interface Case {
  readonly title: string;
  readonly doc: unknown;
  readonly check: CheckKind;
  readonly step: string | undefined;
  readonly message: string;
  /** @default 'error' */
  readonly severity?: Severity;
}

const cases: Case[] = [
  {
    title: 'typo in an API name',
    doc: mutate((d) => ((d.mainSteps[0].inputs as Record<string, unknown>).Api = 'DescribeInstance')),
    check: 'api',
    step: 'describe',
    message: 'service ec2 has no API "DescribeInstance" (did you mean DescribeInstances',
  },
  {
    title: 'unknown service',
    doc: mutate((d) => ((d.mainSteps[0].inputs as Record<string, unknown>).Service = 'ec3')),
    check: 'api',
    step: 'describe',
    message: 'service "ec3" has no API model here',
    severity: 'warning',
  },
  {
    title: 'unknown input member',
    doc: mutate((d) => ((d.mainSteps[0].inputs as Record<string, unknown>).InstanceId = 'i-12345678')),
    check: 'api',
    step: 'describe',
    message: 'inputs.InstanceId is not a parameter of ec2:DescribeInstances (did you mean InstanceIds',
  },
  {
    title: 'missing required member',
    doc: mutate((d) => d.mainSteps.splice(1, 0, step('attr', 'aws:executeAwsApi', { Service: 'ec2', Api: 'DescribeInstanceAttribute', InstanceId: '{{ InstanceId }}' }))),
    check: 'api',
    step: 'attr',
    message: 'ec2:DescribeInstanceAttribute requires Attribute, which is missing',
  },
  {
    title: 'missing required member (Auto Scaling)',
    doc: mutate((d) => d.mainSteps.splice(1, 0, step('standby', 'aws:executeAwsApi', { Service: 'autoscaling', Api: 'EnterStandby', AutoScalingGroupName: 'g' }))),
    check: 'api',
    step: 'standby',
    message: 'autoscaling:EnterStandby requires ShouldDecrementDesiredCapacity, which is missing',
  },
  {
    title: 'wrong output selector path',
    doc: mutate((d) => (((d.mainSteps[0].outputs as Array<Record<string, unknown>>)[0]).Selector = '$.Reservations[0].Instance[0].State.Name')),
    check: 'api',
    step: 'describe',
    message: 'output State: $.Reservations[].Instance does not exist',
    severity: 'warning',
  },
  {
    title: 'wrong PropertySelector',
    doc: mutate((d) => d.mainSteps.splice(1, 0, step('wait', 'aws:waitForAwsResourceProperty', { Service: 'ec2', Api: 'DescribeInstances', InstanceIds: ['{{ InstanceId }}'], PropertySelector: '$.Reservations[0].Instances[0].State.Nme', DesiredValues: ['stopped'] }))),
    check: 'api',
    step: 'wait',
    message: 'PropertySelector: $.Reservations[].Instances[].State.Nme does not exist',
  },
  {
    title: 'literal of the wrong shape for a list member',
    doc: mutate((d) => ((d.mainSteps[0].inputs as Record<string, unknown>).InstanceIds = 'i-12345678')),
    check: 'api',
    step: 'describe',
    message: 'inputs.InstanceIds must be a list',
  },
  {
    title: 'dangling nextStep',
    doc: mutate((d) => (d.mainSteps[0].nextStep = 'nowhere')),
    check: 'graph',
    step: 'describe',
    message: 'nextStep points to step "nowhere", which does not exist',
  },
  {
    title: 'dangling onFailure step:X',
    doc: mutate((d) => (d.mainSteps[0].onFailure = 'step:cleanup')),
    check: 'graph',
    step: 'describe',
    message: 'onFailure points to step "cleanup", which does not exist',
  },
  {
    title: 'branch without Default',
    doc: mutate((d) => d.mainSteps.splice(1, 0, step('choose', 'aws:branch', { Choices: [{ NextStep: 'report', Variable: '{{ describe.State }}', StringEquals: 'running' }] }))),
    check: 'graph',
    step: 'choose',
    message: 'aws:branch has no Default',
    severity: 'warning',
  },
  {
    title: 'branch choice without operator',
    doc: mutate((d) => d.mainSteps.splice(1, 0, step('choose', 'aws:branch', { Choices: [{ NextStep: 'report', Variable: '{{ describe.State }}' }], Default: 'report' }))),
    check: 'schema',
    step: 'choose',
    message: 'inputs.Choices[0] has no operator',
  },
  {
    title: 'reference to a step that ran on one branch only',
    doc: mutate((d) => {
      d.mainSteps.splice(1, 0, step('choose', 'aws:branch', { Choices: [{ NextStep: 'stop', Variable: '{{ describe.State }}', StringEquals: 'running' }], Default: 'report' }));
      d.mainSteps.splice(2, 0, step('stop', 'aws:executeAwsApi', { Service: 'ec2', Api: 'StopInstances', InstanceIds: ['{{ InstanceId }}'] }, { outputs: [{ Name: 'Prev', Selector: '$.StoppingInstances[0].PreviousState.Name', Type: 'String' }] }));
      d.mainSteps[3] = step('report', 'aws:sleep', { Duration: 'PT1S' }, { description: 'was {{ stop.Prev }}' });
    }),
    check: 'reference',
    step: 'report',
    message: '{{ stop.Prev }} reads step stop, which has not completed on every path to report',
  },
  {
    title: 'reference to a step reached only through its onFailure',
    doc: mutate((d) => {
      d.mainSteps[0].onFailure = 'step:report';
      d.mainSteps[0].nextStep = 'report';
      d.mainSteps[1] = step('report', 'aws:sleep', { Duration: 'PT1S' }, { description: 'state {{ describe.State }}' });
    }),
    check: 'reference',
    step: 'report',
    message: '{{ describe.State }} reads step describe, which has not completed on every path to report',
  },
  {
    title: 'reference to an undeclared output',
    doc: mutate((d) => (d.mainSteps[1].description = '{{ describe.Status }}')),
    check: 'reference',
    step: 'report',
    message: '{{ describe.Status }}: step describe (aws:executeAwsApi) has no output "Status"; its outputs: State',
  },
  {
    title: 'reference to an unknown parameter',
    doc: mutate((d) => ((d.mainSteps[0].inputs as Record<string, unknown>).InstanceIds = ['{{ InstanceID }}'])),
    check: 'reference',
    step: 'describe',
    message: 'inputs.InstanceIds[0]: {{ InstanceID }} names no parameter',
  },
  {
    title: 'document output of an undeclared step output',
    doc: mutate((d) => (d.outputs = ['describe.Nope'])),
    check: 'reference',
    step: 'outputs',
    message: 'outputs[0]: "describe.Nope": step describe has no output "Nope"',
  },
  {
    title: 'duplicate step name',
    doc: mutate((d) => (d.mainSteps[1].name = 'describe')),
    check: 'graph',
    step: 'describe',
    message: 'duplicate step name "describe"',
  },
  {
    title: 'unreachable step',
    doc: mutate((d) => {
      d.mainSteps[0].isEnd = true;
    }),
    check: 'graph',
    step: 'report',
    message: 'step "report" is unreachable',
    severity: 'warning',
  },
  {
    title: 'isEnd with nextStep',
    doc: mutate((d) => {
      d.mainSteps[0].isEnd = true;
      d.mainSteps[0].nextStep = 'report';
    }),
    check: 'graph',
    step: 'describe',
    message: 'isEnd is true and nextStep is "report"',
  },
  {
    title: 'bad onCancel value',
    doc: mutate((d) => (d.mainSteps[0].onCancel = 'Continue')),
    check: 'graph',
    step: 'describe',
    message: 'onCancel is "Continue"; only Abort or step:<name> are allowed',
  },
  {
    title: 'onCancel moving to an action that cannot be a cancel target',
    doc: mutate((d) => (d.mainSteps[0].onCancel = 'step:report')),
    check: 'graph',
    step: 'describe',
    message: 'onCancel moves to report, an aws:sleep step',
  },
  {
    title: 'unknown key at top level',
    doc: mutate((d) => (d.mainStep = [])),
    check: 'schema',
    step: undefined,
    message: 'unknown key "mainStep"',
  },
  {
    title: 'unknown key in a step',
    doc: mutate((d) => (d.mainSteps[1].retries = 3)),
    check: 'schema',
    step: 'report',
    message: 'unknown key "retries"',
  },
  {
    title: 'unknown key in inputs',
    doc: mutate((d) => ((d.mainSteps[1].inputs as Record<string, unknown>).Seconds = 3)),
    check: 'schema',
    step: 'report',
    message: 'inputs: unknown key "Seconds"',
  },
  {
    title: 'parameter default not matching allowedPattern',
    doc: mutate((d) => (((d.parameters as Record<string, Record<string, unknown>>).InstanceId).default = 'instance-1')),
    check: 'reference',
    step: 'parameters.InstanceId',
    message: 'default "instance-1" does not match allowedPattern',
  },
  {
    title: 'parameter default not in allowedValues',
    doc: mutate((d) => ((d.parameters as Record<string, unknown>).Mode = { type: 'String', allowedValues: ['minimal', 'strict'], default: 'lax' })),
    check: 'reference',
    step: 'parameters.Mode',
    message: 'default "lax" is not in allowedValues ("minimal", "strict")',
  },
  {
    title: 'parameter default of the wrong type',
    doc: mutate((d) => ((d.parameters as Record<string, unknown>).Count = { type: 'Integer', default: 'three' })),
    check: 'reference',
    step: 'parameters.Count',
    message: 'default "three" is not an integer as type Integer requires',
  },
  {
    title: 'unknown parameter type',
    doc: mutate((d) => ((d.parameters as Record<string, unknown>).Count = { type: 'Number' })),
    check: 'schema',
    step: 'parameters.Count',
    message: 'type: is "Number", not one of String, StringList, Integer, Boolean, MapList, StringMap',
  },
  {
    title: 'bad schemaVersion',
    // (2.2 would make it a Command document, which has checks of its own)
    doc: mutate((d) => (d.schemaVersion = '0.4')),
    check: 'schema',
    step: undefined,
    message: 'schemaVersion: is "0.4", must be "0.3"',
  },
  {
    title: 'executeScript timeout above 600 s',
    doc: mutate((d) => (d.mainSteps[1] = step('report', 'aws:executeScript', { Runtime: 'python3.11', Handler: 'h', Script: 'def h(e, c):\n  return {}' }, { timeoutSeconds: 900 }))),
    check: 'schema',
    step: 'report',
    message: 'timeoutSeconds: is 900, above the maximum 600',
  },
  {
    title: 'executeScript with a retired Python runtime',
    doc: mutate((d) => (d.mainSteps[1] = step('report', 'aws:executeScript', { Runtime: 'python3.7', Handler: 'h', Script: 'x' }))),
    check: 'schema',
    step: 'report',
    message: 'inputs.Runtime: is "python3.7", must be python3.9 or later',
  },
  {
    title: 'loop with more than 100 iterations',
    doc: mutate((d) => (d.mainSteps[1] = step('report', 'aws:loop', { MaxIterations: 500, LoopCondition: { Variable: '{{ body.Again }}', BooleanEquals: true }, Steps: [step('body', 'aws:sleep', { Duration: 'PT1S' })] }))),
    check: 'schema',
    step: 'report',
    message: 'inputs.MaxIterations: is 500, above the maximum 100',
  },
  {
    title: 'unknown action',
    doc: mutate((d) => (d.mainSteps[1].action = 'aws:wait')),
    check: 'schema',
    step: 'report',
    message: 'unknown action "aws:wait"',
  },
  {
    title: 'bad output Type',
    doc: mutate((d) => (((d.mainSteps[0].outputs as Array<Record<string, unknown>>)[0]).Type = 'Str')),
    check: 'schema',
    step: 'describe',
    message: 'outputs[0].Type: is "Str", not one of String',
  },
  {
    title: 'bad DesiredState of aws:changeInstanceState',
    doc: mutate((d) => (d.mainSteps[1] = step('report', 'aws:changeInstanceState', { InstanceIds: ['{{ InstanceId }}'], DesiredState: 'stop' }))),
    check: 'schema',
    step: 'report',
    message: 'inputs.DesiredState: is "stop", must be one of running, stopped, terminated',
  },
  {
    title: 'undeclared runbook variable',
    doc: mutate((d) => (d.mainSteps[1] = step('report', 'aws:updateVariable', { Name: 'variable:Count', Value: 1 }, { description: '{{ variable:Count }}' }))),
    check: 'reference',
    step: 'report',
    message: '{{ variable:Count }} names runbook variable "Count", which is not declared',
  },
];

describe('broken documents are rejected with a specific message', () => {
  test.each(cases)('$title', ({ doc, check, step: stepName, message, severity }) => {
    // WHEN
    const found = validateDocument(doc, { file: 'doc.yaml' });
    // THEN
    const match = found.find((d: Diagnostic) => d.check === check && d.step === stepName && d.message.includes(message));
    if (match === undefined) {
      throw new Error(`expected [${check}] ${stepName ?? '(document)'}: ${message}\ngot:\n${found.map((d) => `[${d.check}] ${d.step ?? '(document)'}: ${d.message}`).join('\n')}`);
    }
    expect(match.severity).toBe(severity ?? 'error');
    expect(match.rule).toMatch(/^SSM-[A-Z]+-\d{3}$/);
    // --strict makes every finding an error
    expect(validateDocument(doc, { file: 'doc.yaml', strict: true }).filter((d) => d.severity === 'warning')).toEqual([]);
    expect(match.file).toBe('doc.yaml');
    expect(match.fix.length).toBeGreaterThan(0);
  });

  test('every case is distinct', () => {
    expect(new Set(cases.map((c) => c.message)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  test('the base document itself is valid', () => {
    expect(validateDocument(base())).toEqual([]);
  });
});

describe('validateText', () => {
  test('oversize document (> 64 KB) is a size error', () => {
    // GIVEN a valid document padded past 64 KB with a long description
    const text = `schemaVersion: '0.3'\ndescription: '${'x'.repeat(70 * 1024)}'\nmainSteps:\n  - name: s\n    action: aws:sleep\n    inputs: {Duration: PT1S}\n`;
    // WHEN
    const found = validateText(text, { file: 'big.yaml' });
    // THEN
    expect(found).toEqual([expect.objectContaining({ check: 'size', severity: 'error', message: expect.stringContaining('above the 64 KB (65536 bytes) SSM document limit') })]);
  });

  test('YAML syntax errors are parse diagnostics', () => {
    const found = validateText('schemaVersion: "0.3"\nmainSteps: [\n', { file: 'x.yaml' });
    expect(found[0]).toEqual(expect.objectContaining({ check: 'parse', file: 'x.yaml', message: expect.stringContaining('invalid YAML') }));
  });

  test('JSON is detected by content and parsed', () => {
    const found = validateText('{"schemaVersion": "0.3", "mainSteps": [{"name": "s", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}]}');
    expect(found).toEqual([]);
    expect(validateText('{"schemaVersion": ', { file: 'a.json' })[0]).toEqual(expect.objectContaining({ check: 'parse', message: expect.stringContaining('invalid JSON') }));
  });

  test('duplicate YAML keys are a warning (the last value wins, as YAML loaders do)', () => {
    const found = validateText("schemaVersion: '0.3'\nschemaVersion: '0.3'\nmainSteps: []\n");
    expect(found[0]).toEqual(expect.objectContaining({ check: 'parse', rule: 'SSM-PARSE-002', severity: 'warning', message: expect.stringContaining('key "schemaVersion" appears twice in one map (line 2)') }));
  });

  test('checks can be selected', () => {
    const doc = mutate((d) => (d.mainSteps[0].nextStep = 'nowhere'));
    expect(validateDocument(doc, { checks: ['schema'] })).toEqual([]);
    const graphOnly = validateDocument(doc, { checks: ['graph'] });
    expect(new Set(graphOnly.map((d) => d.check))).toEqual(new Set(['graph']));
    expect(graphOnly.map((d) => d.message)).toContain('nextStep points to step "nowhere", which does not exist');
  });
});
