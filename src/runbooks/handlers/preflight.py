# Offline repair preflight: refuses, before anything changes, every instance that the
# stop/start user-data swap would break or that cannot be stopped at all.
import base64
import re

import boto3
from botocore.exceptions import ClientError

def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    inst = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]
    refuse = []
    state = inst['State']['Name']
    if state not in ('running', 'stopped'):
        refuse.append('the instance is %s; run again when it is running or stopped' % state)
    # User data can be changed only while the instance is stopped, and an instance-store-backed
    # instance cannot be stopped.
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Stop_Start.html
    if inst.get('RootDeviceType') != 'ebs':
        refuse.append('its root device is an instance store volume, so it cannot be stopped and its user data cannot be changed')
    # Only a Spot Instance from a persistent request can be stopped.
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/stop-start-spot-instances.html
    if inst.get('InstanceLifecycle') == 'spot':
        kind = 'one-time'
        rid = inst.get('SpotInstanceRequestId')
        if rid:
            reqs = ec2.describe_spot_instance_requests(SpotInstanceRequestIds=[rid])['SpotInstanceRequests']
            kind = reqs[0].get('Type', 'one-time') if reqs else 'one-time'
        if kind != 'persistent':
            refuse.append('it is a one-time Spot Instance, which cannot be stopped')
    # Stop protection makes StopInstances fail.
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-stop-protection.html
    if ec2.describe_instance_attribute(InstanceId=iid, Attribute='disableApiStop').get('DisableApiStop', {}).get('Value'):
        refuse.append('stop protection (DisableApiStop) is on; turn it off first if a stop is acceptable')
    if inst.get('HibernationOptions', {}).get('Configured'):
        refuse.append('it is configured for hibernation; a plain stop would discard the memory state its owner relies on')
    if inst.get('Platform') == 'windows':
        refuse.append('it runs Windows; this repair is for Linux sshd')
    # Instance store volumes are erased by a stop.
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/InstanceStorage.html
    itype = ec2.describe_instance_types(InstanceTypes=[inst['InstanceType']])['InstanceTypes'][0]
    has_store = bool(itype.get('InstanceStorageInfo'))
    if has_store and str(events.get('AcknowledgeInstanceStoreDataLoss')).lower() != 'true':
        refuse.append('type %s has instance store volumes, which a stop erases; set AcknowledgeInstanceStoreDataLoss=true to accept that' % inst['InstanceType'])
    # Volumes under a KMS key: EC2 starts the instance only if it can create a grant on each key
    # for the caller (kms:CreateGrant, which the role holds only through EC2 in this Region); a
    # key whose policy does not let the role use it, or a key that is not enabled, would leave the
    # instance stopped after the stop below. DescribeKey is allowed by the same key policy that
    # must allow the grant, so a denied DescribeKey means the start would fail too.
    # https://repost.aws/knowledge-center/kms-iam-ec2-permission
    # https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    kms = boto3.client('kms')
    for vol in ec2.describe_volumes(Filters=[{'Name': 'attachment.instance-id', 'Values': [iid]}])['Volumes']:
        key = vol.get('KmsKeyId')
        if not vol.get('Encrypted'):
            continue
        try:
            key_state = kms.describe_key(KeyId=key)['KeyMetadata'].get('KeyState')
        except ClientError as e:
            key_state = e.response['Error']['Code']
        if key_state != 'Enabled':
            refuse.append('volume %s is under KMS key %s (%s), so EC2 could not start it again' % (vol['VolumeId'], key, key_state))
    # Repair user data left in place by an interrupted earlier execution would be backed up as
    # the "original" and restored forever; the original is in that execution's backup.
    raw = base64.b64decode(ec2.describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', ''))
    found = re.search(rb'# ec2-ssh-rescue-args:[^\n]*request=([A-Za-z0-9-]+)', raw)
    if found:
        earlier, bucket = found.group(1).decode(), events.get('BucketName')
        refuse.append('its user data is the repair user data of execution %s; write back the original from its backup (%s), then run again' % (
                          earlier, 's3://%s/ec2-ssh-rescue/%s/%s/user-data.bin' % (bucket, iid, earlier) if bucket else 'its BackupUserData.UserDataBase64 output'))
    elif raw and not events.get('BucketName') and str(events.get('AllowUserDataInExecutionRecord')).lower() != 'true':
        # User data often holds secrets; without a bucket the backup would be readable by anyone
        # allowed ssm:GetAutomationExecution or ssm:DescribeAutomationStepExecutions.
        refuse.append('it has user data (maybe secrets) and no BackupS3BucketName; give one, or AllowUserDataInExecutionRecord=true')
    group = ''
    asi = boto3.client('autoscaling').describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
    if asi:
        group = asi[0]['AutoScalingGroupName']
        # Only InService instances can enter Standby; with ShouldDecrementDesiredCapacity the
        # desired capacity drops by one, which may not go below the minimum.
        # https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnterStandby.html
        # https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html
        if asi[0]['LifecycleState'] != 'InService':
            refuse.append('it is %s in Auto Scaling group %s; only InService instances can enter Standby' % (asi[0]['LifecycleState'], group))
        elif state != 'running':
            # A stopped InService instance fails the EC2 health check and is replaced; putting it
            # back in service after the repair would hand it to that check again.
            # https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html
            refuse.append('it is %s while InService in Auto Scaling group %s, which replaces it at its next health check; start it, or detach it from the group, first' % (state, group))
        asg = boto3.client('autoscaling')
        g = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])['AutoScalingGroups'][0]
        if g['DesiredCapacity'] - 1 < g['MinSize']:
            refuse.append('group %s is at its minimum size (%d): Standby without a replacement would go below it. Lower MinSize by one, or detach the instance, or raise the desired capacity first' % (group, g['MinSize']))
        # Services that own a group's capacity tag it, and scale and replace its instances
        # themselves: EKS managed node groups, ECS capacity providers, Elastic Beanstalk.
        # https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html
        # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html
        # https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.tagging.html
        keys = {t['Key'] for t in g.get('Tags', [])}
        for key, owner in (('eks:nodegroup-name', 'an EKS managed node group'), ('AmazonECSManaged', 'an ECS capacity provider'),
                           ('elasticbeanstalk:environment-name', 'an Elastic Beanstalk environment')):
            if key in keys:
                refuse.append('group %s belongs to %s (tag %s), which manages its capacity itself; repair it through that service, or detach the instance first' % (group, owner, key))
        # Leaving Standby passes through Pending, where a launch lifecycle hook holds the instance
        # in Pending:Wait until its action completes or times out; ABANDON then terminates it.
        # https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html
        for h in asg.describe_lifecycle_hooks(AutoScalingGroupName=group)['LifecycleHooks']:
            if h['LifecycleTransition'] == 'autoscaling:EC2_INSTANCE_LAUNCHING' and h.get('DefaultResult') == 'ABANDON':
                refuse.append('group %s has launch lifecycle hook %s with DefaultResult ABANDON: leaving Standby would wait for it and then terminate the instance unless its action is completed' % (group, h['LifecycleHookName']))
    if refuse:
        raise Exception('Refusing to repair %s offline; nothing was changed: %s.' % (iid, '; '.join(refuse)))
    public_ip = inst.get('PublicIpAddress', '')
    # An Elastic IP association is owned by the account; an auto-assigned address by "amazon".
    # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceAssociation.html
    owners = [n.get('Association', {}).get('IpOwnerId') for n in inst.get('NetworkInterfaces', []) if n.get('Association')]
    elastic = any(o and o != 'amazon' for o in owners)
    return {
        'WasRunning': state == 'running',
        'InAutoScalingGroup': group != '',
        'AutoScalingGroupName': group,
        'PublicIp': public_ip,
        'PublicIpWillChange': not elastic,
        'InstanceStoreVolumes': has_store,
    }
