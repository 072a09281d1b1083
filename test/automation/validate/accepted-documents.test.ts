/**
 * Documents AWS accepts that an earlier version of the validator refused, and the findings
 * that are warnings rather than errors.
 */
import { validateDocument, validateText } from '../../../src/automation/validate';

const errors = (doc: unknown): string[] => validateDocument(doc).filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.message}`);
const sleep = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, action: 'aws:sleep', inputs: { Duration: 'PT1S' }, ...extra });

describe('accepted as AWS accepts them', () => {
  test('aws:runInstances output InstanceIds feeds aws:runCommand; createStack and deleteStack', () => {
    const doc = {
      schemaVersion: '0.3',
      mainSteps: [
        { name: 'LaunchInstance', action: 'aws:runInstances', inputs: { ImageId: 'ami-12345678', MinInstanceCount: 1, MaxInstanceCount: 1 } },
        { name: 'run', action: 'aws:runCommand', inputs: { DocumentName: 'AWS-RunShellScript', InstanceIds: '{{ LaunchInstance.InstanceIds }}', Parameters: { commands: ['true'] } } },
        { name: 'stack', action: 'aws:createStack', inputs: { StackName: 's', TemplateBody: '{}' } },
        { name: 'gone', action: 'aws:deleteStack', isEnd: true, inputs: { StackName: '{{ stack.StackId }}' } },
      ],
    };
    expect(validateDocument(doc)).toEqual([]);
  });

  test('resource parameter types behave as String / StringList', () => {
    const doc = {
      schemaVersion: '0.3',
      parameters: { Ids: { type: 'List<AWS::EC2::Instance::Id>' }, Role: { type: 'AWS::IAM::Role::Arn', default: '' } },
      mainSteps: [{ name: 'stop', action: 'aws:changeInstanceState', inputs: { InstanceIds: '{{ Ids }}', DesiredState: 'stopped' } }],
    };
    expect(validateDocument(doc)).toEqual([]);
  });

  test('recursive descent selectors and a {{ }} inside a duration', () => {
    const doc = {
      schemaVersion: '0.3',
      parameters: { Minutes: { type: 'Integer', default: 5 } },
      mainSteps: [
        {
          name: 'list',
          action: 'aws:executeAwsApi',
          inputs: { Service: 'ec2', Api: 'DescribeInstances' },
          outputs: [{ Name: 'Ids', Selector: '$.Reservations..Instances..InstanceId', Type: 'StringList' }],
        },
        { name: 'wait', action: 'aws:sleep', isEnd: true, inputs: { Duration: 'PT{{ Minutes }}M' } },
      ],
    };
    expect(validateDocument(doc)).toEqual([]);
  });

  test('a recursive-descent selector naming no member anywhere is still caught', () => {
    const doc = {
      schemaVersion: '0.3',
      mainSteps: [{ name: 'list', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'DescribeInstances', PropertySelector: '$..InstanceIdd', DesiredValues: ['x'] } }],
    };
    // aws:executeAwsApi takes no PropertySelector; use the wait action that does.
    (doc.mainSteps[0] as Record<string, unknown>).action = 'aws:waitForAwsResourceProperty';
    expect(errors(doc)).toEqual([expect.stringMatching(/^SSM-API-007 PropertySelector: \$\.\.InstanceIdd selects nothing/)]);
  });

  test('an aws:branch with isEnd: true jumps to its choices and ends otherwise: no finding', () => {
    const doc = {
      schemaVersion: '0.3',
      parameters: { Mode: { type: 'String', default: 'a' } },
      mainSteps: [
        { name: 'choose', action: 'aws:branch', isEnd: true, inputs: { Choices: [{ NextStep: 'work', Variable: '{{ Mode }}', StringEquals: 'a' }] } },
        sleep('work', { isEnd: true }),
      ],
    };
    expect(validateDocument(doc)).toEqual([]);
  });

  test('a multi-line flow map indented like its key (js-yaml reads it) is a warning, not a parse error', () => {
    const text = ["schemaVersion: '0.3'", 'mainSteps:', '  - name: s', '    action: aws:sleep', '    inputs: { ', '    "Duration": "PT1S"', '    }', ''].join('\n');
    const found = validateText(text);
    expect(found.map((d) => `${d.severity} ${d.rule}`)).toEqual(['warning SSM-PARSE-004']);
  });
});

describe('warnings, and --strict', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      'aws:branch without Default',
      { schemaVersion: '0.3', mainSteps: [{ name: 'b', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'x', Variable: '{{ global:REGION }}', StringEquals: 'eu-west-1' }] } }, sleep('x')] },
      'SSM-GRAPH-004',
    ],
    ['unreachable step', { schemaVersion: '0.3', mainSteps: [sleep('a', { isEnd: true }), sleep('b')] }, 'SSM-GRAPH-007'],
    [
      'runtime past its end of support',
      { schemaVersion: '0.3', mainSteps: [{ name: 's', action: 'aws:executeScript', inputs: { Runtime: 'python3.9', Handler: 'h', Script: 'def h(e, c):\n  return {}' } }] },
      'SSM-SCH-005',
    ],
    [
      'service without an API model names what to install',
      { schemaVersion: '0.3', mainSteps: [{ name: 's', action: 'aws:executeAwsApi', inputs: { Service: 'no-such-service', Api: 'Get' } }] },
      'SSM-API-001',
    ],
  ];

  test.each(cases)('%s is a warning; strict makes it an error', (_, doc, rule) => {
    const found = validateDocument(doc);
    expect(found.map((d) => `${d.severity} ${d.rule}`)).toEqual([`warning ${rule}`]);
    expect(validateDocument(doc, { strict: true }).map((d) => `${d.severity} ${d.rule}`)).toEqual([`error ${rule}`]);
  });

  test('the missing-model warning says what to install', () => {
    const [d] = validateDocument(cases[3][1]);
    expect(d.fix).toContain('python3-botocore');
  });
});
