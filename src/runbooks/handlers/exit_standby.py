# Puts the instance back in service if this execution put it in Standby; ExitStandby raises the
# desired capacity again by one. Waits for InService. Safe to run again.
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExitStandby.html
import time

import boto3

def handler(events, context):
    iid = events['InstanceId']
    if str(events['InAutoScalingGroup']).lower() != 'true':
        return {'Action': 'not in an Auto Scaling group'}
    inst = boto3.client('ec2').describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    holder = {t['Key']: t['Value'] for t in inst.get('Tags', [])}.get(events['LockKey'], '')
    if holder not in ('', events['ExecutionId']):
        return {'Action': 'left alone: execution %s holds the lock' % holder}
    asg = boto3.client('autoscaling')

    def lifecycle():
        found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
        return found[0]['LifecycleState'] if found else 'Detached'

    end = time.time() + int(events['WaitSeconds'])
    exited = False
    while True:
        state = lifecycle()
        if state == 'Standby' and not exited:
            asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=events['AutoScalingGroupName'])
            exited = True
        elif state in ('InService', 'Detached'):
            return {'Action': state}
        if time.time() > end:
            raise Exception('The instance is %s in group %s, not InService.' % (state, events['AutoScalingGroupName']))
        time.sleep(10)
