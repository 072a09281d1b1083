# Last step of every path that is not a cancel: decides the execution's result from what really
# happened. Any failed step (the original error, then cleanup steps that could not finish) makes
# the execution fail with their messages; otherwise the repair script's verdict decides. A step
# whose failure has a designed fallback (a graceful stop followed by a forced one) is tolerated.
# Success needs both a good verdict and the original user data proven restored.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html
import boto3

GOOD = ('ok', 'fixed', 'needs-fix')


# GetAutomationExecution may return only part of the step executions, with
# StepExecutionsTruncated set; DescribeAutomationStepExecutions then pages through all of them
# (MaxResults at most 50, NextToken until absent).
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAutomationStepExecutions.html
def step_executions(execution_id):
    ssm = boto3.client('ssm')
    ex = ssm.get_automation_execution(AutomationExecutionId=execution_id)['AutomationExecution']
    steps, token = ex.get('StepExecutions', []), ''
    if ex.get('StepExecutionsTruncated'):
        steps = []
        while token is not None:
            page = ssm.describe_automation_step_executions(AutomationExecutionId=execution_id, MaxResults=50, NextToken=token) if token else ssm.describe_automation_step_executions(AutomationExecutionId=execution_id, MaxResults=50)
            steps, token = steps + page.get('StepExecutions', []), page.get('NextToken')
    return steps


def handler(events, context):
    steps = step_executions(events['ExecutionId'])
    tolerated = set(events.get('ToleratedFailures', []))
    failed = [s for s in steps if s.get('StepStatus') in ('Failed', 'TimedOut', 'Cancelled') and s.get('StepName') not in tolerated]

    def out(step, name, default=''):
        for s in steps:
            if s.get('StepName') == step and s.get('StepStatus') == 'Success':
                return (s.get('Outputs', {}).get(name) or [default])[0]
        return default

    release_lock(events)
    verdict = out(events['VerifyStep'], 'Verdict', 'not-run')
    restored = out(events['RestoreStep'], 'UserDataRestored', 'false')
    inst = boto3.client('ec2').describe_instances(InstanceIds=[events['InstanceId']])['Reservations'][0]['Instances'][0]
    if failed:
        first = failed[0]
        later = ['%s (%s)' % (s['StepName'], s.get('FailureMessage', s['StepStatus'])) for s in failed[1:]]
        # A start that EC2 turned back (e.g. Client.InternalError for a KMS key the caller cannot
        # use) shows only as a timeout of the waiting step; EC2's StateReason names the cause.
        # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html
        reason = inst.get('StateReason', {}).get('Message', '') if inst['State']['Name'] == 'stopped' else ''
        # A refusal before the first change (the lock, the preflight) has nothing to restore.
        cleanup = ('Cleanup ran; user data restored: %s.' % restored) if any(
            s.get('StepName') == events['RestoreStep'] for s in steps) else 'Nothing had been changed.'
        raise Exception('Step %s failed: %s %s%s%s' % (
            first['StepName'], first.get('FailureMessage', first['StepStatus']), cleanup,
            (' Cleanup steps that also failed: ' + '; '.join(later)) if later else '',
            (' EC2 reports for the instance: ' + reason) if reason else ''))
    if str(restored).lower() != 'true':
        raise Exception('The repair script reported "%s", but the original user data was not restored (%s).' % (
            verdict, out(events['RestoreStep'], 'Action') or 'RestoreUserData did not finish'))
    if verdict == 'unverified':
        raise Exception('The repair ran but is unverified: %s. The instance was put back as it was found; user data restored: %s.' % (
            out(events['VerifyStep'], 'Detail') or 'no console marker within the wait', restored))
    if verdict not in GOOD:
        raise Exception('The repair script reported "%s" (%s). The instance was put back as it was found; user data restored: %s.' % (
            verdict, out(events['VerifyStep'], 'ConsoleMarker') or 'no console marker within the wait', restored))
    return {'Verdict': verdict, 'ConsoleMarker': out(events['VerifyStep'], 'ConsoleMarker'), 'PublicIpAfter': inst.get('PublicIpAddress', '')}


# A last attempt at releasing this execution's lock, for when ReleaseLock failed; a lock marked
# kept or held by another execution stays (release_lock.py).
def release_lock(events):
    name = events.get('LockParameter')
    if not name:
        return
    ssm = boto3.client('ssm')
    try:
        if ssm.get_parameter(Name=name)['Parameter']['Value'] == events['ExecutionId']:
            ssm.delete_parameter(Name=name)
    except Exception as e:
        if getattr(e, 'response', {}).get('Error', {}).get('Code') != 'ParameterNotFound':
            raise
