import { Builtin, ExecuteAwsApi, INSTANCE_ARN, Input } from '../automation';

/**
 * Tag that marks an instance as being repaired; its value is the execution id. The handlers in
 * handlers/*.py use the same key.
 */
export const LOCK_TAG_KEY = 'ec2-ssh-rescue:lock';

/** Tags the instance with this execution's id (checked for another holder by the preflight). */
export function takeLock(name: string, instanceId: Input): ExecuteAwsApi {
  return new ExecuteAwsApi(name, {
    description: `Tags the instance ${LOCK_TAG_KEY}=<execution id> so no second repair works on it at the same time.`,
    service: 'ec2',
    api: 'CreateTags',
    params: { Resources: [instanceId], Tags: [{ Key: LOCK_TAG_KEY, Value: Builtin.EXECUTION_ID }] },
    resources: [INSTANCE_ARN],
    mutatesInstance: true,
  });
}

/**
 * Removes the lock tag only while its value is this execution's id: DeleteTags with a Value
 * deletes the tag only if the value matches, so a lock another execution holds is never touched
 * and running it twice is harmless.
 * https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-tags.html
 */
export function releaseLock(name: string, instanceId: Input): ExecuteAwsApi {
  return new ExecuteAwsApi(name, {
    description: 'Removes the lock tag if this execution holds it.',
    service: 'ec2',
    api: 'DeleteTags',
    params: { Resources: [instanceId], Tags: [{ Key: LOCK_TAG_KEY, Value: Builtin.EXECUTION_ID }] },
    resources: [INSTANCE_ARN],
    mutatesInstance: true,
  });
}
