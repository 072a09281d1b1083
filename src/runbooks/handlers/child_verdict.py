# Reads the verdict a child runbook published as its Verdict output.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html
import boto3


def handler(events, context):
    ex = boto3.client('ssm').get_automation_execution(AutomationExecutionId=events['ChildExecutionId'])['AutomationExecution']
    for name, values in ex.get('Outputs', {}).items():
        if name.endswith('.Verdict') and values:
            return {'Verdict': values[0], 'Status': ex.get('AutomationExecutionStatus', '')}
    return {'Verdict': 'unknown', 'Status': ex.get('AutomationExecutionStatus', '')}
