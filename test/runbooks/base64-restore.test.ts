import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { LOCK_PARAMETER_PREFIX } from '../../src/runbooks/lock';
import { rendered, runHandler, step, substitute } from './rendered';

// GIVEN the offline runbook as rendered, its BackupUserData and RestoreUserData handlers run with
// Debian's python and a boto3 whose ModifyInstanceAttribute is serialised by botocore's own EC2
// serializer and service model; the test reads UserData.Value off the wire.
const { doc } = rendered(OFFLINE_RUNBOOK);
const EXECUTION = '0b5c3f4e-1d2a-4b6c-9e8f-123456789abc';
const INSTANCE = 'i-0123456789abcdef0';
const LOCKED = { [`${LOCK_PARAMETER_PREFIX}${INSTANCE}`]: EXECUTION };
const REPAIR_USER_DATA = Buffer.from('Content-Type: multipart/mixed; boundary="//"\n\nrepair\n');

function payload(name: string, extra: Record<string, unknown>): { script: string; events: unknown } {
  const s = step(doc, name);
  const inputs = s.inputs as { Script: string; InputPayload: unknown };
  const events = substitute(inputs.InputPayload, { InstanceId: INSTANCE, 'automation:EXECUTION_ID': EXECUTION, 'global:ACCOUNT_ID': '123456789012', ...extra });
  return { script: inputs.Script, events };
}

/** BackupUserData's outputs when the user data is kept in the execution record (no bucket, AllowUserDataInExecutionRecord=true). */
function inRecord(original: Buffer): Record<string, string> {
  return {
    'BackupUserData.UserDataBase64': original.toString('base64'),
    'BackupUserData.Sha256': createHash('sha256').update(original).digest('hex'),
    'BackupUserData.BackupLocation': '',
  };
}

const cases: [string, Buffer][] = [
  ['binary gzip', gzipSync(Buffer.from('#!/bin/sh\necho hello from the original user data\n'.repeat(40)))],
  ['empty', Buffer.alloc(0)],
  ['ASCII', Buffer.from('#cloud-config\npackages: [nginx]\n')],
  ['16 KB random', randomBytes(16384)],
];

describe('user data survives backup and restore byte for byte (rendered handlers, real botocore serializer)', () => {
  test.each(cases)('%s', (_label, original) => {
    // WHEN the backup step reads the original while the instance runs
    const backup = payload('BackupUserData', { BackupS3BucketName: '', AllowUserDataInExecutionRecord: true });
    const saved = runHandler(backup.script, backup.events, { state: 'running', userData: original, tags: {} });
    expect(saved.error).toBeUndefined();
    const b64 = saved.result?.UserDataBase64 as string;

    // AND later, with the repair user data in place and the instance stopped, the restore step runs
    expect(saved.result?.Sha256).toBe(createHash('sha256').update(original).digest('hex'));
    const restore = payload('RestoreUserData', { ...inRecord(original), 'BackupUserData.UserDataBase64': b64 });
    const out = runHandler(restore.script, restore.events, { state: 'stopped', userData: REPAIR_USER_DATA, tags: {}, parameters: { ...LOCKED } });

    // THEN what went over the wire decodes to the original bytes, and the instance holds them
    expect(out.error).toBeUndefined();
    expect(out.result?.UserDataRestored).toBe(true);
    expect(out.serialized).toHaveLength(1);
    expect(Buffer.from(out.serialized[0], 'base64').equals(original)).toBe(true);
    expect(Buffer.from(out.world.userData, 'base64').equals(original)).toBe(true);
    if (original.length === 0) expect(out.serialized[0]).toBe('');
  });

  test('passing the saved value through unchanged would double-encode it (the trap the handler avoids)', () => {
    const original = Buffer.from('#!/bin/sh\necho hi\n');
    const saved = original.toString('base64');
    const trap = `
import boto3
def handler(events, context):
    boto3.client('ec2').modify_instance_attribute(InstanceId=events['InstanceId'], UserData={'Value': events['Saved']})
    return {}
`;
    const out = runHandler(trap, { InstanceId: INSTANCE, Saved: saved }, { state: 'stopped', userData: REPAIR_USER_DATA, tags: {} });
    expect(Buffer.from(out.serialized[0], 'base64').equals(original)).toBe(false);
    expect(Buffer.from(out.serialized[0], 'base64').toString()).toBe(saved);
  });

  test('restore stops an instance still running with the repair user data', () => {
    const original = Buffer.from('original\n');
    const restore = payload('RestoreUserData', inRecord(original));
    const running = runHandler(restore.script, restore.events, { state: 'running', userData: REPAIR_USER_DATA, tags: {}, parameters: { ...LOCKED } });
    expect(running.world.state).toBe('stopped');
    expect(Buffer.from(running.world.userData, 'base64').equals(original)).toBe(true);
  });

  test('the cancel cleanup restores a stopped instance and a running one (forced stop), with the same serialized value', () => {
    const original = Buffer.from('original\n');
    const cancel = payload('CancelCleanup', {
      ...inRecord(original),
      'Preflight.WasRunning': true,
      'Preflight.InAutoScalingGroup': false,
      'Preflight.AutoScalingGroupName': '',
    });
    const stopped = runHandler(cancel.script, cancel.events, { state: 'stopped', userData: REPAIR_USER_DATA, tags: {}, parameters: { ...LOCKED } });
    expect(Buffer.from(stopped.world.userData, 'base64').equals(original)).toBe(true);
    expect(stopped.world.state).toBe('running');
    expect(stopped.world.parameters).toEqual({});

    const running = runHandler(cancel.script, cancel.events, { state: 'running', userData: REPAIR_USER_DATA, tags: {}, parameters: { ...LOCKED } });
    expect(running.world.stops).toEqual([{ Force: true }]);
    expect(Buffer.from(running.world.userData, 'base64').equals(original)).toBe(true);
    expect(running.serialized).toEqual(stopped.serialized);
    expect(running.world).toMatchObject({ state: 'running', parameters: {} });
  });
});
