# Takes the per-instance lock: a Parameter Store parameter created with Overwrite=false, which
# fails with ParameterAlreadyExists when it exists — an atomic create. EC2 tags cannot serve: they
# have no conditional write and EC2 reads are eventually consistent, so two executions could both
# believe they hold a tag.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
# https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
# The value is the holder's execution id; "<id>|kept: ..." marks a lock its holder kept on purpose
# because something it changed is still in effect (see retry_undo.py, cancel_cleanup.py).
# A lock whose holder no longer runs (GetAutomationExecution says so) and that was not kept on
# purpose is stale: its holder ended without releasing it (e.g. the release failed). It is
# recovered under a second atomic create, the recovery claim, so two executions never both
# recover the same lock; the claim winner re-reads the lock (GetParameter returns the latest
# version) before replacing it, and removes the claim afterwards.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html
# https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html
import re

import boto3

# Statuses after which an execution changes nothing any more (AutomationExecutionStatus).
ENDED = ('Success', 'TimedOut', 'Cancelled', 'Failed', 'Rejected', 'ChangeCalendarOverrideRejected',
         'CompletedWithSuccess', 'CompletedWithFailure', 'Exited')


def code(e):
    return getattr(e, 'response', {}).get('Error', {}).get('Code', '')


def create(ssm, name, value):
    try:
        ssm.put_parameter(Name=name, Value=value, Type='String', Overwrite=False,
                          Description='ec2-ssh-rescue lock; value: the holding Automation execution id')
        return True
    except Exception as e:
        if code(e) == 'ParameterAlreadyExists':
            return False
        raise


def read(ssm, name):
    try:
        return ssm.get_parameter(Name=name)['Parameter']['Value']
    except Exception as e:
        if code(e) == 'ParameterNotFound':
            return None
        raise


def handler(events, context):
    iid, me = events['InstanceId'], events['ExecutionId']
    name, claim = events['LockParameter'], events['RecoveryParameter']
    ssm = boto3.client('ssm')
    if create(ssm, name, me):
        return {'Lock': name, 'Recovered': ''}
    value = read(ssm, name)
    if value is None and create(ssm, name, me):
        return {'Lock': name, 'Recovered': ''}
    value = value or read(ssm, name) or ''
    holder = value.split('|')[0]
    if holder == me:
        # An earlier attempt of this step created it.
        return {'Lock': name, 'Recovered': ''}
    refuse = 'Refusing to repair %s; nothing was changed: ' % iid
    drop = ' Once nothing of it is left in effect, remove the lock with: aws ssm delete-parameter --name %s' % name
    if '|kept' in value:
        raise Exception(refuse + 'execution %s kept the lock because something it changed is still in effect (%s); '
                        'finish what it names first.%s' % (holder, value.split('|', 1)[1], drop))
    if not re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', holder):
        raise Exception(refuse + 'the lock %s holds "%s", which is no execution id, so whether its holder still works '
                        'cannot be checked.%s' % (name, holder[:100], drop))
    try:
        status = ssm.get_automation_execution(AutomationExecutionId=holder)['AutomationExecution']['AutomationExecutionStatus']
    except Exception as e:
        if code(e) not in ('AutomationExecutionNotFoundException', 'ValidationException'):
            raise
        raise Exception(refuse + 'the lock %s names %s, which is no Automation execution of this account and Region '
                        '(older than the execution history?), so whether it still works cannot be checked.%s' % (name, holder, drop))
    if status not in ENDED:
        raise Exception(refuse + 'execution %s is %s on this instance; wait for it to end.' % (holder, status))
    if not create(ssm, claim, '%s>%s' % (holder, me)):
        raise Exception(refuse + 'another execution is recovering the stale lock of %s right now (%s exists).' % (holder, claim))
    try:
        if read(ssm, name) != value:
            raise Exception(refuse + 'the lock changed while it was being recovered; another execution holds it now.')
        ssm.delete_parameter(Name=name)
        if not create(ssm, name, me):
            raise Exception(refuse + 'another execution took the lock while the stale one was being removed.')
    finally:
        ssm.delete_parameter(Name=claim)
    return {'Lock': name, 'Recovered': '%s (%s)' % (holder, status)}
