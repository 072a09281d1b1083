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
# 4. Release the lock. The lock is KEPT when the budget ran out before something was restored:
#    it names this execution, whose BackupUserData output holds the original user data, and keeps
#    a second repair from taking the repair user data for the original.
# Each undo is tried even when an earlier one failed; the step fails afterwards naming what is
# left and the commands to finish it.


def handler(events, context):
    iid, me, key = events['InstanceId'], events['ExecutionId'], events['LockKey']
    end = time.time() + int(events['BudgetSeconds'])
    ec2 = boto3.client('ec2')
    state, tags, _ = state_of(ec2, iid)
    holder = tags.get(key, '')
    if holder not in ('', me):
        return {'Summary': 'nothing undone: execution %s holds the lock' % holder}
    done, failed, left = [], [], []

    def attempt(what, action):
        try:
            return action() is not False
        except Exception as e:
            failed.append('%s: %s' % (what, e))
            return None

    original = base64.b64decode(events['UserDataBase64'])
    restored = current(ec2, iid) == original
    if not restored:
        restored = attempt('restore user data', lambda: put_back(ec2, iid, original, 0, end - time.time()))
        if restored:
            done.append('user data restored')
        elif restored is False:
            # AWS CLI v2 takes blob arguments as base64 by default (cli_binary_format base64), so the
            # saved DescribeInstanceAttribute value is passed as it is; EC2's user-data guide says
            # the CLI handles the encoding: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
            # https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html#cli-config-cli_binary_format
            left.append('the instance did not stop in time and still has the repair user data: run aws ec2 stop-instances '
                        '--instance-ids %s --force, then write back the base64 output BackupUserData.UserDataBase64 of '
                        'execution %s with aws ec2 modify-instance-attribute --instance-id %s --user-data Value=<it> '
                        '(AWS CLI v2 with its default cli_binary_format=base64) and start it if it ran' % (iid, me, iid))
        state = state_of(ec2, iid)[0]
    if restored and str(events['WasRunning']).lower() == 'true':
        state = wait_for(ec2, iid, ('running', 'stopped'), end)
        if state == 'stopped' and attempt('start', lambda: ec2.start_instances(InstanceIds=[iid])):
            done.append('start requested')
            state = wait_for(ec2, iid, ('running', 'stopped'), end)
            if state == 'stopped':
                failed.append('start: EC2 stopped it again: %s' % (state_of(ec2, iid)[2] or 'no reason given'))
        if state in ('pending', 'stopping'):
            left.append('the instance is %s, not yet running: once it runs (aws ec2 start-instances --instance-ids %s if it '
                        'stopped), finish the steps below' % (state, iid))
    if str(events['InAutoScalingGroup']).lower() == 'true':
        asg, group = boto3.client('autoscaling'), events['AutoScalingGroupName']

        def lifecycle():
            found = asg.describe_auto_scaling_instances(InstanceIds=[iid])['AutoScalingInstances']
            return found[0]['LifecycleState'] if found else 'Detached'

        life = lifecycle()
        while life == 'EnteringStandby' and time.time() < end:
            time.sleep(3)
            life = lifecycle()
        finish = 'aws autoscaling exit-standby --instance-ids %s --auto-scaling-group-name %s' % (iid, group)
        if life == 'EnteringStandby':
            left.append('still entering Standby: once it runs and is in Standby, run ' + finish)
        elif life == 'Standby':
            if state != 'running':
                failed.append('left in Standby: the instance is %s; start it, then run %s' % (state, finish))
            elif attempt('exit Standby', lambda: asg.exit_standby(InstanceIds=[iid], AutoScalingGroupName=group)):
                done.append('exit from Standby requested')
    if restored and not left:
        if attempt('release lock', lambda: ec2.delete_tags(Resources=[iid], Tags=[{'Key': key, 'Value': me}])):
            done.append('lock released')
    else:
        left.append('lock %s=%s kept: remove it last with aws ec2 delete-tags --resources %s --tags Key=%s' % (key, me, iid, key))
    if failed or left:
        raise Exception('Cancel cleanup incomplete: %s. Done: %s.' % ('; '.join(failed + left), '; '.join(done) or 'nothing'))
    return {'Summary': '; '.join(done)}
