# Puts the original user data back, byte for byte, and proves it by reading it again. Driven by
# the instance's actual state, so it is safe on the success path, after any failure and when run
# again: nothing to do when the user data already equals the backup; otherwise stop the instance
# if it runs (graceful, then forced), write, re-read.
# DescribeInstanceAttribute returns base64; the SDK base64-encodes ModifyInstanceAttribute's
# UserData.Value itself, so the saved value is decoded first (passing it through would
# double-encode it). An empty original is written as b'' (UserData.Value= on the wire), which
# clears the user data, as `aws ec2 modify-instance-attribute --user-data "Value="` does
# (kubernetes-sigs/cluster-api-provider-aws#1387); the re-read below proves it either way.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html
import base64
import time

import boto3

def current(ec2, iid):
    return base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', ''))


def state_of(ec2, iid):
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    return inst['State']['Name'], {t['Key']: t['Value'] for t in inst.get('Tags', [])}


def wait_stopped(ec2, iid, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if state_of(ec2, iid)[0] == 'stopped':
            return True
        time.sleep(10)
    return False


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    original = base64.b64decode(events['UserDataBase64'])
    state, tags = state_of(ec2, iid)
    holder = tags.get(events['LockKey'], '')
    if holder not in ('', events['ExecutionId']):
        return {'UserDataRestored': False, 'Action': 'left alone: execution %s holds the lock' % holder}
    if current(ec2, iid) == original:
        return {'UserDataRestored': True, 'Action': 'unchanged: the user data already is the original'}
    if state in ('pending', 'running'):
        ec2.stop_instances(InstanceIds=[iid])
    if not wait_stopped(ec2, iid, int(events['GracefulStopSeconds'])):
        ec2.stop_instances(InstanceIds=[iid], Force=True)
        if not wait_stopped(ec2, iid, int(events['ForcedStopSeconds'])):
            raise Exception('The instance did not stop; its user data is still the repair user data.')
    ec2.modify_instance_attribute(InstanceId=iid, UserData={'Value': original})
    if current(ec2, iid) != original:
        raise Exception('EC2 reports user data that differs from the backup after the restore.')
    return {'UserDataRestored': True, 'Action': 'restored %d bytes' % len(original)}
