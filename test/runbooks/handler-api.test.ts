import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEBIAN_PYTHON, Obj, renderedRunbooks, requireTool } from './rendered';

// GIVEN every aws:executeScript handler as rendered in the shipped runbooks.
const scripts: Record<string, string> = {};
for (const r of renderedRunbooks()) {
  for (const s of r.doc.mainSteps as Obj[]) {
    const inputs = s.inputs as Obj;
    if (s.action === 'aws:executeScript') scripts[`${r.name}/${String(s.name)}`] = String(inputs.Script);
  }
}

describe('executeScript handlers', () => {
  test('parse as Python 3.11 and call only operations and parameters of the AWS API models (botocore)', () => {
    requireTool(DEBIAN_PYTHON, 'python3-botocore');
    const version = spawnSync(DEBIAN_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
    expect(version).toBe('3.11');
    const res = spawnSync(DEBIAN_PYTHON, [join(__dirname, 'fixtures', 'check_api_calls.py')], { input: JSON.stringify(scripts), encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as { calls: string[]; problems: string[] };
    expect(out.problems).toEqual([]);
    // The check saw the calls the runbooks rely on.
    expect(out.calls).toEqual(expect.arrayContaining([
      'ec2.DescribeInstanceAttribute', 'ec2.ModifyInstanceAttribute', 'ec2.GetConsoleOutput', 'ec2.DescribeInstanceTypes',
      'autoscaling.DescribeAutoScalingInstances', 'autoscaling.ExitStandby', 'ssm.GetAutomationExecution', 'ssm.DescribeInstanceInformation',
      'ssm.GetCommandInvocation', 's3.PutObject', 's3.GetObject', 'ec2.DescribeVolumes', 'kms.DescribeKey', 'ssm.DescribeAutomationStepExecutions',
    ]));
  });
});
