# Runs when the execution is cancelled after the first change. Automation gives the onCancel path
# only about two minutes, too little to stop and start an instance, so this step does only what
# completes at once: restore the user data if the instance is already stopped, start it if it was
# running and is stopped, leave Standby (only once the instance runs: a group replaces an
# InService instance that is not running), release the lock. Its waits (at most 50 s for a
# start, 25 s for EnteringStandby; a cancel needs one or the other) fit the step's 100 s. Each undo is tried even when an
# earlier one failed; the step fails afterwards naming what failed. When the instance still runs
# with the repair user data it cannot be restored in time: the lock tag is then KEPT, naming this
# execution, whose BackupUserData output holds the original; run the repair again after removing
# the tag, or restore by hand.
import base64
import time

import boto3


def handler(events, context):
    iid, me = events['InstanceId'], events['ExecutionId']
    ec2 = boto3.client('ec2')
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    state = inst['State']['Name']
    holder = {t['Key']: t['Value'] for t in inst.get('Tags', [])}.get(events['LockKey'], '')
    if holder not in ('', me):
        return {'Summary': 'nothing undone: execution %s holds the lock' % holder}
    done, failed = [], []

    def attempt(what, action):
        try:
            action()
            return True
        except Exception as e:
            failed.append('%s: %s' % (what, e))
            return False

    original = base64.b64decode(events['UserDataBase64'])
    now = base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', ''))
    restored = now == original
    if not restored and state == 'stopped':
        restored = attempt('restore user data', lambda: ec2.modify_instance_attribute(InstanceId=iid, UserData={'Value': original}))
        if restored:
            done.append('user data restored')
    if restored and state == 'stopped' and str(events['WasRunning']).lower() == 'true':
        if attempt('start', lambda: ec2.start_instances(InstanceIds=[iid])):
            done.append('start requested')
            # A start usually reaches running well within the cancel window; Standby can be left
            # only then.
            end = time.time() + int(events['StartWaitSeconds'])
            while state != 'running' and time.time() < end:
                time.sleep(5)
                state = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name']
    if str(events['InAutoScalingGroup']).lower() == 'true':
        asg = boto3.client('autoscaling')
        found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
        # Cancelled during EnterStandby: the instance is still EnteringStandby for a moment.
        end = time.time() + 25
        while found and found[0]['LifecycleState'] == 'EnteringStandby' and time.time() < end:
            time.sleep(5)
            found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
        if found and found[0]['LifecycleState'] == 'Standby':
            if state != 'running':
                failed.append('left in Standby: the instance is %s; start it, then run aws autoscaling exit-standby' % state)
            elif attempt('exit Standby', lambda: asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=events['AutoScalingGroupName'])):
                done.append('exit from Standby requested')
    if restored:
        if attempt('release lock', lambda: ec2.delete_tags(Resources=[iid], Tags=[{'Key': events['LockKey'], 'Value': me}])):
            done.append('lock released')
    else:
        done.append('user data NOT restored (instance %s): lock kept; the original is in this execution\'s BackupUserData output' % state)
    if failed:
        raise Exception('Cancel cleanup incomplete: %s. Done: %s.' % ('; '.join(failed), '; '.join(done) or 'nothing'))
    return {'Summary': '; '.join(done)}
