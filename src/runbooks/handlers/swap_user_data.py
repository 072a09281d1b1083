# Puts the repair user data in place while the instance is stopped (EC2 changes user data only
# while stopped, and accepts at most 16 KB of raw bytes).
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html
import base64
import time

import boto3

LIMIT = 16384


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    raw = events['RepairUserData'].encode('ascii')
    if len(raw) > LIMIT:
        raise Exception('The repair user data is %d bytes; EC2 accepts at most %d.' % (len(raw), LIMIT))
    state = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name']
    if state != 'stopped':
        raise Exception('The instance is %s; user data can be changed only while it is stopped.' % state)
    # The SDK base64-encodes UserData.Value itself: pass raw bytes.
    ec2.modify_instance_attribute(InstanceId=iid, UserData={'Value': raw})
    # EC2 reads are eventually consistent: the read-back may show the old value for a while, so it
    # is repeated for up to a minute. https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
    end = time.time() + 60
    while base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', '')) != raw:
        if time.time() > end:
            raise Exception('EC2 does not report the repair user data 60 s after ModifyInstanceAttribute.')
        time.sleep(5)
    return {'Bytes': len(raw)}
