# Puts the instance back in service if this execution put it in Standby; ExitStandby raises the
# desired capacity again by one. Waits for InService. Safe to run again.
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExitStandby.html
# An instance is returned to service only while it runs: an InService instance that is not
# running fails the EC2 health check and the group terminates and replaces it, which Standby
# exists to prevent (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html,
# https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html). So an
# instance that could not be started again (e.g. a KMS key it cannot use) is LEFT in Standby and
# the step fails saying how to finish by hand.
import time

import boto3


def instance(ec2, iid):
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    return inst['State']['Name'], {t['Key']: t['Value'] for t in inst.get('Tags', [])}


def handler(events, context):
    iid = events['InstanceId']
    if str(events['InAutoScalingGroup']).lower() != 'true':
        return {'Action': 'not in an Auto Scaling group'}
    ec2 = boto3.client('ec2')
    asg = boto3.client('autoscaling')
    group = events['AutoScalingGroupName']

    def lifecycle():
        found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
        return found[0]['LifecycleState'] if found else 'Detached'

    end = time.time() + int(events['WaitSeconds'])
    exited = False
    while True:
        state = lifecycle()
        if state == 'Standby' and not exited:
            running = instance(ec2, iid)[0]
            if running != 'running':
                raise Exception(
                    'Left in Standby in group %s: the instance is %s, and returning it to service now would make the group '
                    'terminate and replace it. Start it, then run: aws autoscaling exit-standby --instance-ids %s '
                    '--auto-scaling-group-name %s' % (group, running, iid, group))
            # ExitStandby adds one to the desired capacity and fails when that exceeds MaxSize,
            # which happens when the group scaled out to its maximum meanwhile.
            # https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExitStandby.html
            g = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])['AutoScalingGroups'][0]
            if g['DesiredCapacity'] + 1 > g['MaxSize']:
                raise Exception(
                    'Left in Standby in group %s: the group scaled to its maximum (%d) meanwhile, so leaving Standby would '
                    'exceed MaxSize. Raise it by one (aws autoscaling update-auto-scaling-group --auto-scaling-group-name %s '
                    '--max-size %d) or lower the desired capacity, then run: aws autoscaling exit-standby --instance-ids %s '
                    '--auto-scaling-group-name %s' % (group, g['MaxSize'], group, g['MaxSize'] + 1, iid, group))
            asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=group)
            exited = True
        elif state in ('InService', 'Detached'):
            return {'Action': state}
        if time.time() > end:
            raise Exception('The instance is %s in group %s, not InService.' % (state, group))
        time.sleep(10)
