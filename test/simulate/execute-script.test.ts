import { Simulator } from '../../src/simulate/simulator';
import { doc, INSTANCE_ID, run } from './helpers';

// aws:executeScript handlers run for real in /usr/bin/python3 with a boto3 stand-in that
// proxies to the simulated world (automation-action-executeScript.html). Without
// /usr/bin/python3 and botocore these tests fail, as CI must install them.

const script = (body: string): string => body.split('\n').map((l) => `        ${l}`).join('\n');

function scriptDoc(name: string, body: string, payload = `{InstanceId: '${INSTANCE_ID}'}`): ReturnType<typeof doc> {
  // Scripts get AWS credentials only from an assume role (Using scripts in runbooks).
  return doc(name, `assumeRole: arn:aws:iam::111122223333:role/EC2SSHRescueAutomation
outputs: [s.Result]
mainSteps:
  - name: s
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: ${payload}
      Script: |
${script(body)}
    outputs:
      - Name: Result
        Selector: $.Payload.result
        Type: String
`);
}

describe('aws:executeScript', () => {
  const sim = new Simulator();
  afterAll(() => sim.close());

  it('restores user data byte-exactly with base64.b64decode of the saved value', async () => {
    const original = Buffer.from([0x23, 0x21, 0x00, 0xff, 0xfe, 0x0a, 0x80]);
    const d = scriptDoc('Restore', `import base64
import boto3
def handler(events, context):
    ec2 = boto3.client('ec2')
    saved = ec2.describe_instance_attribute(InstanceId=events['InstanceId'], Attribute='userData')['UserData']['Value']
    ec2.modify_instance_attribute(InstanceId=events['InstanceId'], UserData={'Value': b'swapped'})
    ec2.modify_instance_attribute(InstanceId=events['InstanceId'], UserData={'Value': base64.b64decode(saved)})
    return {'result': saved}`);
    const { execution, instance } = await run(d, {}, { sim, instance: { state: 'stopped', userData: original } });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(instance.userData.equals(original)).toBe(true);
    expect(execution.Outputs['s.Result']).toEqual([original.toString('base64')]);
  });

  it('double-encodes when the saved base64 text is passed back as is', async () => {
    const original = Buffer.from('#cloud-config\n');
    const d = scriptDoc('DoubleEncode', `import boto3
def handler(events, context):
    ec2 = boto3.client('ec2')
    saved = ec2.describe_instance_attribute(InstanceId=events['InstanceId'], Attribute='userData')['UserData']['Value']
    ec2.modify_instance_attribute(InstanceId=events['InstanceId'], UserData={'Value': saved})
    return {'result': 'done'}`);
    const { instance } = await run(d, {}, { sim, instance: { state: 'stopped', userData: original } });
    expect(instance.userData.toString()).toBe(original.toString('base64'));
  });

  it('raises botocore ClientError with the real code, which the handler can catch', async () => {
    const d = scriptDoc('ClientError', `import boto3
from botocore.exceptions import ClientError
def handler(events, context):
    try:
        boto3.client('ec2').modify_instance_attribute(InstanceId=events['InstanceId'], UserData={'Value': b'x'})
    except ClientError as e:
        return {'result': e.response['Error']['Code']}
    return {'result': 'no error'}`);
    const { execution } = await run(d, {}, { sim });
    expect(execution.Outputs['s.Result']).toEqual(['IncorrectInstanceState']);
  });

  it('validates parameters with botocore as real boto3 does', async () => {
    const d = scriptDoc('BadParam', `import boto3
def handler(events, context):
    boto3.client('ec2').describe_instances(InstanceIdz=['x'])
    return {'result': 'unreachable'}`);
    const { execution } = await run(d, {}, { sim });
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.StepExecutions[0].FailureMessage).toContain('ParamValidationError');
    expect(execution.StepExecutions[0].FailureMessage).toContain('InstanceIdz');
  });

  it('fails the step with the exception a handler raises, and keeps print() off the protocol', async () => {
    const d = scriptDoc('Raise', `def handler(events, context):
    print('noise on stdout')
    raise ValueError('bad verdict')`);
    const { execution } = await run(d, {}, { sim });
    expect(execution.StepExecutions[0].FailureMessage).toBe('ValueError: bad verdict');
  });

  it('exposes the handler result as the Payload output', async () => {
    const d = scriptDoc('Payload', `import json
def handler(events, context):
    return {'result': json.loads(events['Report'])['verdict']}`, `{Report: '{"verdict":"fixed"}'}`);
    const { execution } = await run(d, {}, { sim });
    expect(execution.StepExecutions[0].Outputs).toEqual({ Payload: ['{"result":"fixed"}'], Result: ['fixed'] });
  });

  it('reports an API the simulated world lacks as a simulator limitation', async () => {
    const d = scriptDoc('Unknown', `import boto3
def handler(events, context):
    boto3.client('ec2').reboot_instances(InstanceIds=[events['InstanceId']])
    return {'result': 'x'}`);
    await expect(run(d, {}, { sim })).rejects.toThrow('simulated AWS does not implement ec2:RebootInstances');
  });
});

describe('aws:executeScript response types', () => {
  const sim = new Simulator();
  afterAll(() => sim.close());

  it('gives timestamps as datetime, as botocore parses them', async () => {
    const d = scriptDoc('Types', `import boto3
import datetime
def handler(events, context):
    inst = boto3.client('ec2').describe_instances(InstanceIds=[events['InstanceId']])['Reservations'][0]['Instances'][0]
    return {'result': type(inst['LaunchTime']).__name__ + ' ' + str(isinstance(inst['LaunchTime'], datetime.datetime))}`);
    const { execution } = await run(d, {}, { sim });
    expect(execution.Outputs['s.Result']).toEqual(['datetime True']);
  });
});
