# Runs when the step that ran a child runbook failed: ends the execution Failed with the child's
# own failure message, read from the child execution when the failed step names it and from the
# step's failure message otherwise, so the reason is visible where the repair was started.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html
import boto3


def handler(events, context):
    ssm = boto3.client('ssm')
    me = ssm.get_automation_execution(AutomationExecutionId=events['ExecutionId'])['AutomationExecution']
    for s in reversed(me.get('StepExecutions', [])):
        if s.get('StepName') in events['ChildSteps'] and s.get('StepStatus') != 'Success':
            message = s.get('FailureMessage') or s.get('StepStatus', 'failed')
            child = (s.get('Outputs', {}).get('ExecutionId') or [''])[0]
            if child:
                ex = ssm.get_automation_execution(AutomationExecutionId=child)['AutomationExecution']
                message = 'child execution %s ended %s: %s' % (child, ex.get('AutomationExecutionStatus', ''), ex.get('FailureMessage', message))
            raise Exception('%s failed: %s' % (s['StepName'], message))
    raise Exception('The child runbook failed; its step is not in this execution\'s record.')
