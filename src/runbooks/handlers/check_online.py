# The online repair needs the node to be an SSM managed node that is Online and runs Linux.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
import boto3

HOW = ('Use EC2SSHRescue-FixAccessOffline (stops the instance and repairs through user data), '
       'or EC2SSHRescue-Repair with AllowOffline=true.')


def handler(events, context):
    iid = events['InstanceId']
    info = boto3.client('ssm').describe_instance_information(
        Filters=[{'Key': 'InstanceIds', 'Values': [iid]}])['InstanceInformationList']
    if not info:
        raise Exception('%s is not an SSM managed node (no SSM Agent registration). %s' % (iid, HOW))
    if info[0].get('PingStatus') != 'Online':
        raise Exception('The SSM Agent on %s is %s, not Online. %s' % (iid, info[0].get('PingStatus'), HOW))
    if info[0].get('PlatformType') != 'Linux':
        raise Exception('%s runs %s; this repair is for Linux sshd.' % (iid, info[0].get('PlatformType')))
    return {'PingStatus': 'Online'}
