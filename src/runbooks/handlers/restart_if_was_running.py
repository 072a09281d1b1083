# Starts the instance again only if it was running before the repair and is stopped now, and
# waits for it to run. Safe to run again.
import time

import boto3

def state_of(ec2, iid):
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    return inst['State']['Name'], {t['Key']: t['Value'] for t in inst.get('Tags', [])}


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    state, tags = state_of(ec2, iid)
    holder = tags.get(events['LockKey'], '')
    if holder not in ('', events['ExecutionId']):
        return {'Action': 'left alone: execution %s holds the lock' % holder}
    if str(events['WasRunning']).lower() != 'true':
        return {'Action': 'left %s: it was not running before' % state}
    end = time.time() + int(events['WaitSeconds'])
    while state in ('stopping', 'pending') and time.time() < end:
        time.sleep(10)
        state = state_of(ec2, iid)[0]
    if state == 'stopped':
        ec2.start_instances(InstanceIds=[iid])
    while state != 'running' and time.time() < end:
        time.sleep(10)
        state = state_of(ec2, iid)[0]
    if state != 'running':
        raise Exception('The instance was running before the repair but is %s now.' % state)
    return {'Action': 'running'}
