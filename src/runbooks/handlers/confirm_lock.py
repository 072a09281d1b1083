# Re-reads the lock tag after a pause, so of two executions that tagged the instance at the
# same time only the one whose value stuck goes on.
import time

import boto3

def handler(events, context):
    time.sleep(int(events.get('SettleSeconds', 10)))
    tags = boto3.client('ec2').describe_tags(Filters=[
        {'Name': 'resource-id', 'Values': [events['InstanceId']]}, {'Name': 'key', 'Values': [events['LockKey']]}])['Tags']
    holder = tags[0]['Value'] if tags else ''
    if holder != events['ExecutionId']:
        raise Exception('The %s tag is held by %s, not by this execution; another repair is running on this instance.' % (events['LockKey'], holder or 'nobody'))
    return {'Holder': holder}
