# Waits until a start has ended: running, or stopped again because EC2 turned it back (e.g.
# Client.InternalError when the root volume's KMS key cannot be used), which fails at once with
# EC2's StateReason. EC2 reads are eventually consistent: right after StartInstances a read may
# still say "stopped" with the reason of the earlier stop (Client.UserInitiatedShutdown). Such a
# read is not a failed start; only a stopped state with another reason, or one seen after pending,
# is — and a stale "stopped" is re-read until StaleSeconds have passed.
# https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html
# https://repost.aws/knowledge-center/kms-iam-ec2-permission
import time

import boto3


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    start = time.time()
    moved = False
    while True:
        inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
        state, reason = inst['State']['Name'], inst.get('StateReason', {})
        if state == 'running':
            return {'State': state}
        moved = moved or state == 'pending'
        stale = reason.get('Code') == 'Client.UserInitiatedShutdown' and not moved
        if state == 'stopped' and (not stale or time.time() - start > int(events['StaleSeconds'])):
            raise Exception('EC2 stopped the instance instead of running it: %s' % (reason.get('Message') or 'no reason given'))
        if time.time() - start > int(events['WaitSeconds']):
            raise Exception('The instance is still %s %d s after the start.' % (state, int(events['WaitSeconds'])))
        time.sleep(5)
