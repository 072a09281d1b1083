# Shared by RestoreUserData and CancelCleanup (prepended to their handlers, see handler-source.ts),
# so the success, failure and cancel paths put the user data back by one code path.
# DescribeInstanceAttribute returns base64; the SDK base64-encodes ModifyInstanceAttribute's
# UserData.Value itself, so the saved value is decoded first (passing it through would
# double-encode it). An empty original is written as b'' (UserData.Value= on the wire), which
# clears the user data, as `aws ec2 modify-instance-attribute --user-data "Value="` does
# (kubernetes-sigs/cluster-api-provider-aws#1387); the re-read proves it either way.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html
# User data can be changed only while the instance is stopped, and a pending instance cannot be
# stopped yet (IncorrectInstanceState), so a pending one is first waited for.
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (IncorrectInstanceState)
import base64
import time

import boto3


def current(ec2, iid):
    return base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', ''))


def state_of(ec2, iid):
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    return inst['State']['Name'], {t['Key']: t['Value'] for t in inst.get('Tags', [])}, inst.get('StateReason', {}).get('Message', '')


def wait_for(ec2, iid, states, end):
    while True:
        state = state_of(ec2, iid)[0]
        if state in states or time.time() >= end:
            return state
        time.sleep(3)


# Stops the instance if it is not stopped (gracefully for up to `graceful` seconds, 0: forced at
# once; then forced), writes the original and re-reads it. All within graceful + forced seconds;
# False when the instance did not stop in that time (nothing written then).
def put_back(ec2, iid, original, graceful, forced):
    end = time.time() + graceful + forced
    state = wait_for(ec2, iid, ('running', 'stopping', 'stopped'), end)
    if state == 'running' and graceful > 0:
        ec2.stop_instances(InstanceIds=[iid])
        state = wait_for(ec2, iid, ('stopped',), min(end, time.time() + graceful))
    if state in ('running', 'stopping'):
        ec2.stop_instances(InstanceIds=[iid], Force=True)
        state = wait_for(ec2, iid, ('stopped',), end)
    if state != 'stopped':
        return False
    ec2.modify_instance_attribute(InstanceId=iid, UserData={'Value': original})
    if not settled(ec2, iid, original, True):
        raise Exception('EC2 reports user data that differs from the backup 60 s after the restore.')
    return True


# EC2 reads are eventually consistent: a read right after a change may show the old value
# (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). settled() re-reads
# for up to `seconds` until a read gives `want` (True: equals the original, a read-back; False:
# differs, so a "nothing to restore" is trusted only after reading the original all that time).
def settled(ec2, iid, original, want, seconds=60):
    end = time.time() + seconds
    while True:
        same = current(ec2, iid) == original
        if same == want or time.time() >= end:
            return same
        time.sleep(10)


# After StartInstances a stale read may still say stopped with the earlier stop's reason; only
# another reason (e.g. Client.InternalError) or a stop seen after pending is a failed start.
def start_ended(ec2, iid, end, stale_seconds=60):
    t0, moved = time.time(), False
    while True:
        inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
        state, code = inst['State']['Name'], inst.get('StateReason', {}).get('Code')
        moved = moved or state == 'pending'
        stale = state == 'stopped' and code == 'Client.UserInitiatedShutdown' and not moved and time.time() - t0 < stale_seconds
        if state == 'running' or (state == 'stopped' and not stale) or time.time() >= end:
            return state
        time.sleep(3)
