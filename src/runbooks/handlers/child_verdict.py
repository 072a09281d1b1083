# Reads the verdict a child runbook published as its Verdict output. A child that did not end
# Success fails this step with the child's own failure message.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html
import boto3


def handler(events, context):
    child = events['ChildExecutionId']
    ex = boto3.client('ssm').get_automation_execution(AutomationExecutionId=child)['AutomationExecution']
    status = ex.get('AutomationExecutionStatus', '')
    if status != 'Success':
        raise Exception('Child execution %s ended %s: %s' % (child, status, ex.get('FailureMessage', 'no failure message')))
    for name, values in ex.get('Outputs', {}).items():
        if name.endswith('.Verdict') and values:
            return {'Verdict': values[0], 'Status': status}
    raise Exception('Child execution %s published no Verdict output.' % child)
