# Puts the original user data back, byte for byte, and proves it by reading it again (the shared
# put_back_user_data.py and user_data_backup.py are prepended). Driven by the instance's actual state, so it is safe on the
# success path, after any failure and when run again: nothing to do when the user data already
# equals the backup; otherwise stop the instance if it runs (graceful, then forced), write, re-read.


def handler(events, context):
    iid = events['InstanceId']
    ec2 = boto3.client('ec2')
    original = load_original(events)
    # Writing to a stopped instance costs nothing, so only a running one is trusted to need no
    # restore, and only after its user data read the same for a minute (a read right after the
    # swap may still show the original).
    if state_of(ec2, iid)[0] != 'stopped' and settled(ec2, iid, original, False):
        return {'UserDataRestored': True, 'Action': 'unchanged: the user data already is the original'}
    if not put_back(ec2, iid, original, int(events['GracefulStopSeconds']), int(events['ForcedStopSeconds'])):
        raise Exception('The instance did not stop; its user data is still the repair user data.')
    return {'UserDataRestored': True, 'Action': 'restored %d bytes' % len(original)}
