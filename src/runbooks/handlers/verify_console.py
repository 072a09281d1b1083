# Waits for the repair script's marker line for this request id in the console output (base64).
# How depends on the instance type's hypervisor (DescribeInstanceTypes Hypervisor): on Nitro,
# Latest=True reads the live serial console buffer, so the marker shows as soon as the script
# prints it. Other (Xen) types support only the buffered output EC2 posts shortly after a state
# transition (start, stop, reboot, terminate), so a marker printed during the boot may not show
# until the next transition: one read, then an honest "unverified" instead of a long wait.
# The marker ends with the codes of the script's findings (findings=CODE,CODE or none), so a
# cannot-fix names its cause in the failure Finish raises.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceTypeInfo.html
import base64
import re
import time

import boto3


def console(ec2, iid, latest):
    out = ec2.get_console_output(InstanceId=iid, Latest=True) if latest else ec2.get_console_output(InstanceId=iid)
    return base64.b64decode(out.get('Output') or '').decode('utf-8', 'replace')


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    itype = ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['InstanceType']
    hypervisor = ec2.describe_instance_types(InstanceTypes=[itype])['InstanceTypes'][0].get('Hypervisor', 'unknown')
    live = hypervisor == 'nitro'
    marker = re.compile(r'ec2-ssh-rescue: request=%s verdict=([a-z-]+) user=(\S*) actions=(\d+)(?: findings=([A-Z0-9_,]+|none))?' % re.escape(events['RequestId']))
    deadline = time.time() + int(events['WaitSeconds'])
    while True:
        found = marker.findall(console(ec2, iid, live))
        if found:
            verdict, user, actions, findings = found[-1]
            line = 'ec2-ssh-rescue: request=%s verdict=%s user=%s actions=%s%s' % (
                events['RequestId'], verdict, user, actions, ' findings=' + findings if findings else '')
            return {'Verdict': verdict, 'ConsoleMarker': line, 'Detail': ''}
        if not live:
            return {'Verdict': 'unverified', 'ConsoleMarker': '',
                    'Detail': 'type %s runs on the %s hypervisor, whose console output is posted only at state changes; log in to check' % (itype, hypervisor)}
        if time.time() + 15 > deadline:
            return {'Verdict': 'unverified', 'ConsoleMarker': '', 'Detail': 'no report line in the live console output within %s s' % events['WaitSeconds']}
        time.sleep(15)
