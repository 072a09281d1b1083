# Chooses how to repair: online when the instance is an Online SSM managed node, offline only
# when the caller allowed stopping it. Accepts an instance id or an instance ARN (EventBridge
# events name instances by ARN).
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
import boto3


def handler(events, context):
    iid = events['InstanceId'].rsplit('/', 1)[-1]
    info = boto3.client('ssm').describe_instance_information(
        Filters=[{'Key': 'InstanceIds', 'Values': [iid]}])['InstanceInformationList']
    ping = info[0].get('PingStatus', 'Unknown') if info else 'NotManaged'
    if ping == 'Online':
        path = 'online'
    elif str(events['AllowOffline']).lower() == 'true':
        path = 'offline'
    else:
        raise Exception(
            'The SSM Agent on %s is not reachable (%s), so the online repair cannot run. Options: '
            'start again with AllowOffline=true to repair through user data, which STOPS and restarts '
            'the instance (its public IP changes unless it has an Elastic IP; instance-store data is lost); '
            'or fix the SSM Agent connection (IAM instance profile, network route to SSM) and run again.' % (iid, ping))
    return {'InstanceId': iid, 'Path': path, 'ScriptMode': events['Mode'].lower(), 'PingStatus': ping}
