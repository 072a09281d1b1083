import { AutomationDocument, ChangeInstanceState, ExecuteAwsApi } from '../automation';
import { assumeRoleParameter, instanceIdParameter } from './parameters';
import { Runbook } from './runbook';

/** A small read-only runbook: reports an instance's state and checks it is running. */
export function exampleRunbook(): Runbook {
  const instanceId = instanceIdParameter();
  const role = assumeRoleParameter();
  const describe = new ExecuteAwsApi('DescribeInstance', {
    service: 'ec2',
    api: 'DescribeInstances',
    params: { InstanceIds: [instanceId.ref] },
    outputs: { State: { selector: '$.Reservations[0].Instances[0].State.Name', type: 'String' } },
  });
  const check = new ChangeInstanceState('CheckRunning', { instanceIds: [instanceId.ref], desiredState: 'running', checkStateOnly: true }).end();
  const document = new AutomationDocument({
    name: 'EC2SSHRescue-Example',
    description: '# EC2SSHRescue-Example\n\nReports the state of an instance and checks that it is running. Changes nothing.',
    assumeRole: role,
    parameters: [instanceId, role],
    steps: [describe, check],
    outputs: [describe.out.State],
    source: 'src/runbooks/example.ts',
  });
  return { document, purpose: 'Shows the shape of a runbook: reads an instance and checks its state.', changes: [] };
}

