# Reads the repair script's JSON report. The run-command wrapper prints it as the FIRST line, since
# the aws:runCommand Output is cut after its first 2500 characters; when the report itself is
# longer, the full stdout (first 24,000 characters) comes from GetCommandInvocation.
# https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-runcommand.html
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html
import json

import boto3


def report_in(text):
    for line in (text or '').splitlines():
        if line.startswith('{"tool":"ec2-ssh-rescue"'):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def handler(events, context):
    report = report_in(events['Output'])
    if report is None:
        inv = boto3.client('ssm').get_command_invocation(CommandId=events['CommandId'], InstanceId=events['InstanceId'])
        report = report_in(inv.get('StandardOutputContent'))
    if report is None:
        raise Exception('The repair command printed no ec2-ssh-rescue report; see the RunRepair step output.')
    return {
        'Verdict': report['verdict'],
        'User': report.get('user', ''),
        'Findings': ['%s %s: %s' % (f['code'], f['path'], f['message']) for f in report.get('findings', [])] or ['none'],
        'ActionsTaken': ['%s %s: %s -> %s' % (a['action'], a['path'], a['from'], a['to']) for a in report.get('actions', [])] or ['none'],
    }
