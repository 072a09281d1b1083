import { ExecuteScript, Parameter } from '../automation';
import { handlerSource } from './handler-source';

/** Name of the step; the repair arguments refer to its Fingerprint and KeyName outputs. */
export const KEY_PAIR_STEP = 'ReadKeyPair';

/**
 * A step that reads the instance's launch key pair (DescribeInstances KeyName, DescribeKeyPairs with
 * IncludePublicKey=true) and outputs its SHA256 fingerprint and name for the repair script, which
 * reports which local users authorize it. Changes nothing; an instance without a key pair, or one
 * whose key pair was deleted, gives an empty fingerprint.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeKeyPairs.html
 */
export function readKeyPairStep(instanceId: Parameter<'String'>): ExecuteScript<{
  KeyName: { selector: string; type: 'String' };
  Fingerprint: { selector: string; type: 'String' };
}> {
  return new ExecuteScript(KEY_PAIR_STEP, {
    description: 'Reads the launch key pair\'s public key; its SHA256 fingerprint goes to the repair script.',
    handler: 'handler',
    script: handlerSource('read_key_pair'),
    inputPayload: { InstanceId: instanceId },
    outputs: {
      KeyName: { selector: '$.Payload.KeyName', type: 'String' },
      Fingerprint: { selector: '$.Payload.Fingerprint', type: 'String' },
    },
    timeoutSeconds: 60,
    permissions: [{ actions: ['ec2:DescribeInstances', 'ec2:DescribeKeyPairs'], resources: ['*'] }],
  });
}
