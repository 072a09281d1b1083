# Starts the instance again only if it was running before the repair and is stopped now, and
# waits for it to run. Safe to run again. A start that EC2 turns back to stopped (e.g.
# Client.InternalError when the root volume's KMS key cannot be used) fails at once with EC2's
# StateReason instead of waiting out the step.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html
# https://repost.aws/knowledge-center/kms-iam-ec2-permission
import time

import boto3


def state_of(ec2, iid):
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    return inst['State']['Name'], {t['Key']: t['Value'] for t in inst.get('Tags', [])}, inst.get('StateReason', {}).get('Message', '')


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    state = state_of(ec2, iid)[0]
    if str(events['WasRunning']).lower() != 'true':
        return {'Action': 'left %s: it was not running before' % state}
    end = time.time() + int(events['WaitSeconds'])
    while state in ('stopping', 'pending') and time.time() < end:
        time.sleep(10)
        state = state_of(ec2, iid)[0]
    started = False
    if state == 'stopped':
        ec2.start_instances(InstanceIds=[iid])
        started = True
        state = 'pending'
    while state != 'running' and time.time() < end:
        time.sleep(10)
        state, _, reason = state_of(ec2, iid)
        # Right after the start a stale read may still say stopped with the earlier stop's reason
        # (EC2 reads are eventually consistent); any other reason is EC2 turning the start back.
        # https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
        if started and state == 'stopped' and 'UserInitiatedShutdown' not in reason:
            raise Exception('The instance was running before the repair but did not start again: %s' % (reason or 'EC2 stopped it again'))
    if state != 'running':
        raise Exception('The instance was running before the repair but is %s now.' % state)
    return {'Action': 'running'}
