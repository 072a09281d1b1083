# Waits for the repair script's marker line for this request id in the console output. The
# output is base64-encoded; Latest=True (the live buffer) works only on Nitro instances, so
# other instances fall back to the buffer EC2 saves after boot. The marker ends with the codes of
# the script's findings (findings=CODE,CODE or none), so a cannot-fix names its cause in the
# failure Finish raises.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html
import base64
import re
import time

import boto3


def console(ec2, iid):
    try:
        out = ec2.get_console_output(InstanceId=iid, Latest=True)
    except Exception:
        out = ec2.get_console_output(InstanceId=iid)
    return base64.b64decode(out.get('Output') or '').decode('utf-8', 'replace')


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    marker = re.compile(r'ec2-ssh-rescue: request=%s verdict=([a-z-]+) user=(\S*) actions=(\d+)(?: findings=([A-Z0-9_,]+|none))?' % re.escape(events['RequestId']))
    deadline = time.time() + int(events['WaitSeconds'])
    while True:
        found = marker.findall(console(ec2, iid))
        if found:
            verdict, user, actions, findings = found[-1]
            line = 'ec2-ssh-rescue: request=%s verdict=%s user=%s actions=%s%s' % (
                events['RequestId'], verdict, user, actions, ' findings=' + findings if findings else '')
            return {'Verdict': verdict, 'ConsoleMarker': line}
        if time.time() + 15 > deadline:
            return {'Verdict': 'unverified', 'ConsoleMarker': ''}
        time.sleep(15)
