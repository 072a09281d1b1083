# Removes the lock parameter only while its value is exactly this execution's id. Parameter Store
# has no conditional delete, but no other execution changes a lock that names a running holder
# (take_lock.py recovers only locks of ended executions), so the read-then-delete cannot race.
# A lock this execution kept on purpose ("<id>|kept: ...", see retry_undo.py) stays. Safe to run
# again: a missing lock is no error.
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
import boto3


def handler(events, context):
    ssm, name, me = boto3.client('ssm'), events['LockParameter'], events['ExecutionId']
    try:
        value = ssm.get_parameter(Name=name)['Parameter']['Value']
    except Exception as e:
        if getattr(e, 'response', {}).get('Error', {}).get('Code') == 'ParameterNotFound':
            return {'Action': 'no lock'}
        raise
    if value != me:
        return {'Action': 'kept: %s' % value if value.startswith(me + '|') else 'not held by this execution'}
    try:
        ssm.delete_parameter(Name=name)
    except Exception as e:
        if getattr(e, 'response', {}).get('Error', {}).get('Code') != 'ParameterNotFound':
            raise
    return {'Action': 'released'}
