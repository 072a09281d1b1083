# Runs when the execution is cancelled after the first change (put_back_user_data.py is prepended).
# Automation gives the onCancel path only about two minutes, so everything here shares one budget
# (BudgetSeconds, below the step's timeout, so the step can still report what it could not do):
# one step rather than several, so time a phase does not need goes to the next.
# 1. User data: when it is not the original, stop the instance with Force at once (after waiting
#    out pending, which cannot be stopped) and write the original back by the same code as
#    RestoreUserData. A forced stop still tries a graceful OS shutdown first and forces it only
#    after a timeout (StopInstances, Force); SkipOsShutdown would be faster but risks the file
#    system's data, so it is not used: when the stop does not finish within the budget, the lock
#    is kept and the failure names what is left (below).
#    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html
#    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/TroubleshootingInstancesStopping.html
# 2. Start it again if it was running before, and wait for running while the budget lasts.
# 3. Leave Standby only once it runs: a group replaces an InService instance that is not running.
# 4. Release the lock. The lock is KEPT, marked "<id>|kept: ..." (take_lock.py never recovers a
#    kept lock), when something is still in effect: it names this execution, whose BackupUserData
#    output holds the original user data, and keeps a second repair from taking the repair user
#    data for the original.
# Each undo is tried even when an earlier one failed — a failed read included — and the step
# fails afterwards naming what is left and the commands to finish it.


def handler(events, context):
    iid, me, lock = events['InstanceId'], events['ExecutionId'], events['LockParameter']
    end = time.time() + int(events['BudgetSeconds'])
    ec2, ssm = boto3.client('ec2'), boto3.client('ssm')
    done, failed, left = [], [], []

    def attempt(what, action):
        try:
            return action() is not False
        except Exception as e:
            failed.append('%s: %s' % (what, e))
            return None

    original = None
    try:
        original = load_original(events)
    except Exception as e:
        failed.append('read the user data backup: %s' % e)
    restored = original is not None and (attempt('read user data', lambda: state_of(ec2, iid)[0] != 'stopped' and settled(ec2, iid, original, False, 20)) or False)
    if original is not None and not restored:
        restored = attempt('restore user data', lambda: put_back(ec2, iid, original, 0, end - time.time()))
        if restored:
            done.append('user data restored')
        else:
            # AWS CLI v2 takes blob arguments as base64 by default (cli_binary_format base64), so the
            # saved DescribeInstanceAttribute value is passed as it is; EC2's user-data guide says
            # the CLI handles the encoding: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
            # https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html#cli-config-cli_binary_format
            left.append('the repair user data may still be in place: run aws ec2 stop-instances '
                        '--instance-ids %s --force, then write back the original user data kept in %s with aws ec2 '
                        'modify-instance-attribute --instance-id %s --user-data Value=<its base64> (AWS CLI v2 with its '
                        'default cli_binary_format=base64) and start it if it ran' % (
                            iid, events.get('BackupLocation') or 'the output BackupUserData.UserDataBase64 of execution %s' % me, iid))
    state = None
    try:
        state = state_of(ec2, iid)[0]
    except Exception as e:
        failed.append('read instance state: %s' % e)
    if restored and str(events['WasRunning']).lower() == 'true':
        try:
            state = wait_for(ec2, iid, ('running', 'stopped'), end)
        except Exception as e:
            failed.append('wait for the instance: %s' % e)
        if state == 'stopped' and attempt('start', lambda: ec2.start_instances(InstanceIds=[iid])):
            done.append('start requested')
            try:
                state = start_ended(ec2, iid, end)
                if state == 'stopped':
                    failed.append('start: EC2 stopped it again: %s' % (state_of(ec2, iid)[2] or 'no reason given'))
            except Exception as e:
                failed.append('wait for running: %s' % e)
        if state in ('pending', 'stopping', None):
            left.append('the instance is %s, not yet running: once it runs (aws ec2 start-instances --instance-ids %s if it '
                        'stopped), finish the steps below' % (state or 'of unknown state', iid))
    if str(events['InAutoScalingGroup']).lower() == 'true':
        asg, group = boto3.client('autoscaling'), events['AutoScalingGroupName']
        finish = 'aws autoscaling exit-standby --instance-ids %s --auto-scaling-group-name %s' % (iid, group)

        def lifecycle():
            found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
            return found[0]['LifecycleState'] if found else 'Detached'

        try:
            life = lifecycle()
            while life == 'EnteringStandby' and time.time() < end:
                time.sleep(3)
                life = lifecycle()
        except Exception as e:
            failed.append('read Auto Scaling lifecycle: %s' % e)
            life = 'unknown'
        if life in ('EnteringStandby', 'unknown'):
            left.append('the lifecycle state is %s: once it runs and is in Standby, run %s' % (life, finish))
        elif life == 'Standby':
            if state != 'running':
                failed.append('left in Standby: the instance is %s; start it, then run %s' % (state, finish))
            elif attempt('exit Standby', lambda: asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=group)):
                done.append('exit from Standby requested')
    if restored and not left:
        if attempt('release lock', lambda: release(ssm, lock, me)):
            done.append('lock released')
        else:
            left.append('the lock %s was not released: run aws ssm delete-parameter --name %s' % (lock, lock))
    else:
        what = '; '.join(left) or 'see the failure'
        if attempt('mark the lock kept', lambda: ssm.put_parameter(Name=lock, Value=('%s|kept: %s' % (me, what))[:4000], Type='String', Overwrite=True)):
            left.append('lock %s kept: remove it last with aws ssm delete-parameter --name %s' % (lock, lock))
    if failed or left:
        raise Exception('Cancel cleanup incomplete: %s. Done: %s.' % ('; '.join(failed + left), '; '.join(done) or 'nothing'))
    return {'Summary': '; '.join(done)}


def release(ssm, lock, me):
    try:
        if ssm.get_parameter(Name=lock)['Parameter']['Value'] != me:
            return True
        ssm.delete_parameter(Name=lock)
    except Exception as e:
        if getattr(e, 'response', {}).get('Error', {}).get('Code') != 'ParameterNotFound':
            raise
    return True
