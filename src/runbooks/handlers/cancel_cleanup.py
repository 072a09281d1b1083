# Runs when the execution is cancelled after the first change. Automation gives the onCancel path
# only about two minutes, too little to stop and start an instance, so this step does only what
# completes at once: restore the user data if the instance is already stopped, start it if it was
# running and is stopped, leave Standby, release the lock. When the instance still runs with the
# repair user data it cannot be restored in time: the lock tag is then KEPT, naming this
# execution, whose BackupUserData output holds the original; run the repair again after removing
# the tag, or restore by hand.
import base64

import boto3

def handler(events, context):
    iid, me = events['InstanceId'], events['ExecutionId']
    ec2 = boto3.client('ec2')
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    state = inst['State']['Name']
    holder = {t['Key']: t['Value'] for t in inst.get('Tags', [])}.get(events['LockKey'], '')
    if holder not in ('', me):
        return {'Summary': 'nothing undone: execution %s holds the lock' % holder}
    done = []
    original = base64.b64decode(events['UserDataBase64'])
    now = base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', ''))
    restored = now == original
    if not restored and state == 'stopped':
        ec2.modify_instance_attribute(InstanceId=iid, UserData={'Value': original})
        restored = True
        done.append('user data restored')
    if restored and state == 'stopped' and str(events['WasRunning']).lower() == 'true':
        ec2.start_instances(InstanceIds=[iid])
        done.append('start requested')
    if str(events['InAutoScalingGroup']).lower() == 'true':
        asg = boto3.client('autoscaling')
        found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
        if found and found[0]['LifecycleState'] == 'Standby':
            asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=events['AutoScalingGroupName'])
            done.append('exit from Standby requested')
    if restored:
        ec2.delete_tags(Resources=[iid], Tags=[{'Key': events['LockKey'], 'Value': me}])
        done.append('lock released')
    else:
        done.append('user data NOT restored (instance %s): lock kept; the original is in this execution\'s BackupUserData output' % state)
    return {'Summary': '; '.join(done)}
