import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AWS_SCHEMA_ALLOWLIST, validateDocument } from '../../../src/automation/validate';
import { awsSchemaFindings, checkAwsSchema } from '../../../src/automation/validate/aws-schema-check';

const good = (name: string): unknown => parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'documents', 'good', name), 'utf8'));

const sleep = { name: 'wait', action: 'aws:sleep', inputs: { Duration: 'PT1S' } };

/** One minimal document per allowlist entry, valid for our checks, that AWS's schema complains about. */
const demos: Record<string, unknown> = {
  'variables-section': { schemaVersion: '0.3', variables: { N: { type: 'Integer', default: 0 } }, mainSteps: [sleep] },
  'onCancel-property': {
    schemaVersion: '0.3',
    mainSteps: [
      { ...sleep, onCancel: 'step:cleanup', isEnd: true },
      { name: 'cleanup', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'DescribeInstances' } },
    ],
  },
  'newer-actions': {
    schemaVersion: '0.3',
    mainSteps: [
      { name: 'each', action: 'aws:loop', inputs: { Iterators: ['a', 'b'], Steps: [{ ...sleep, name: 'inner' }] } },
      { name: 'hook', action: 'aws:invokeWebhook', inputs: { IntegrationName: 'example' } },
    ],
  },
  'newer-script-runtimes': {
    schemaVersion: '0.3',
    mainSteps: [{ name: 'run', action: 'aws:executeScript', inputs: { Runtime: 'python3.11', Handler: 'h', Script: 'def h(e, c):\n  return 1' } }],
  },
  'resource-parameter-types': {
    schemaVersion: '0.3',
    parameters: { InstanceId: { type: 'AWS::EC2::Instance::Id' }, Role: { type: 'List<AWS::IAM::Role::Arn>', default: [] } },
    mainSteps: [sleep],
  },
  'maplist-default': {
    schemaVersion: '0.3',
    parameters: { Tags: { type: 'MapList', default: [{ Key: 'a', Value: 'b' }] } },
    mainSteps: [sleep],
  },
};

describe('AWS schema allowlist', () => {
  test('every entry has a demonstration', () => {
    expect(Object.keys(demos).sort()).toEqual(AWS_SCHEMA_ALLOWLIST.map((a) => a.id).sort());
  });

  test.each(AWS_SCHEMA_ALLOWLIST.map((a) => [a.id, a] as const))('%s', (id, entry) => {
    const doc = demos[id];
    // GIVEN a document that passes our strict checks
    expect(validateDocument(doc)).toEqual([]);
    // WHEN AWS's schema validates it
    const findings = awsSchemaFindings(doc);
    // THEN it complains, the entry suppresses the complaint, and says why
    expect(findings.some((f) => f.allowed?.id === id)).toBe(true);
    expect(entry.reason.length).toBeGreaterThan(20);
    expect(checkAwsSchema(doc, 'demo.yaml')).toEqual([]);
  });

  test('findings outside the allowlist are reported with check aws-schema', () => {
    // aws:approve needs Approvers in both schemas; the AWS finding is not allowlisted.
    const doc = { schemaVersion: '0.3', mainSteps: [{ name: 'ok', action: 'aws:approve', inputs: { Message: 'hi' } }] };
    const found = checkAwsSchema(doc, 'a.yaml');
    expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'aws-schema', step: 'ok', message: expect.stringContaining("must have required property 'Approvers'") })]));
  });

  test('the realistic documents need only allowlisted differences', () => {
    expect(checkAwsSchema(good('branch-script.yaml'), 'b.yaml')).toEqual([]);
  });
});
