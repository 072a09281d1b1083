import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

interface Scenario {
  scenario: string;
  status: string;
  responses: { path: string; contentType: string; body: { Status: string; Reason: string; PhysicalResourceId: string; RequestId: string; StackId: string; LogicalResourceId: string; Data: Record<string, string> } }[];
}

/** Runs the promoter handler under Debian's python with botocore (see promote-default-version-check.py). */
function runScenarios(): Map<string, Scenario> {
  if (!existsSync(PYTHON)) {
    // Under CI a missing interpreter is a broken environment, not a reason to pass.
    throw new Error(`${PYTHON} is required (Debian python3 with python3-botocore)`);
  }
  const out = execFileSync(PYTHON, [join(__dirname, 'promote-default-version-check.py'), join(__dirname, '../../src/cdk/promote-default-version.py')], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((line) => JSON.parse(line) as Scenario).map((s) => [s.scenario, s]));
}

describe('promote-default-version.py (custom resource handler)', () => {
  const results = runScenarios();

  test('a stale default is moved to the latest version, and CloudFormation hears SUCCESS', () => {
    const s = results.get('stale-default');
    expect(s?.status).toBe('SUCCESS');
    expect(s?.responses).toHaveLength(1);
    expect(s?.responses[0].path).toBe('/cfn-response?sig=1');
    expect(s?.responses[0].contentType).toBe('');
    expect(s?.responses[0].body).toEqual({
      Status: 'SUCCESS', Reason: 'ok', PhysicalResourceId: 'EC2SSHRescue-Repair', RequestId: 'r1',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1', LogicalResourceId: 'Promote', Data: { DefaultVersion: '4' },
    });
  });

  test('a current default is left alone (no UpdateDocumentDefaultVersion call)', () => {
    const s = results.get('already-current');
    expect(s?.status).toBe('SUCCESS');
    expect(s?.responses[0].body.Data).toEqual({ DefaultVersion: '1' });
    expect(s?.responses[0].body.PhysicalResourceId).toBe('EC2SSHRescue-Repair');
  });

  test('an SSM error reaches CloudFormation as FAILED with the reason', () => {
    const s = results.get('missing-document');
    expect(s?.status).toBe('FAILED');
    expect(s?.responses[0].body.Status).toBe('FAILED');
    expect(s?.responses[0].body.Reason).toMatch(/^InvalidDocument: An error occurred \(InvalidDocument\) when calling the DescribeDocument operation/);
  });

  test('delete changes nothing and succeeds', () => {
    const s = results.get('delete');
    expect(s?.status).toBe('SUCCESS');
    expect(s?.responses[0].body.Data).toEqual({});
  });
});
