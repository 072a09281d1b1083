import { AwsApiError } from '../../src/simulate/errors';
import { runUserDataAtBoot } from '../../src/simulate/world/boot';
import { World } from '../../src/simulate/world/world';
import { INSTANCE_ID } from './helpers';

function world(spec: Parameters<World['ec2']['add']>[0] = {}): { w: World; id: string } {
  const w = new World({ seed: 11 });
  w.ec2.add({ instanceId: INSTANCE_ID, ...spec });
  return { w, id: INSTANCE_ID };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AwsApiError) return e.code;
    throw e;
  }
  throw new Error('expected an AWS error');
}

function state(w: World, id: string): string {
  const r = w.call('ec2', 'DescribeInstances', { InstanceIds: [id] }) as { Reservations: { Instances: { State: { Name: string } }[] }[] };
  return r.Reservations[0].Instances[0].State.Name;
}

const mime = (modules: string, request = 'req-1'): string => [
  'Content-Type: multipart/mixed; boundary="//"', 'MIME-Version: 1.0', '',
  '--//', 'Content-Type: text/cloud-config; charset="us-ascii"', '',
  '#cloud-config', `# ec2-ssh-rescue-args: user=ec2-user mode=fix strict=false recursive=false request=${request}`, modules, '',
  '--//', 'Content-Type: text/x-shellscript; charset="us-ascii"', '',
  '#!/bin/sh', '# ec2-ssh-rescue: diagnose/repair', '--//--', '',
].join('\n');

describe('EC2 (EC2 API reference, errors-overview.html)', () => {
  it('runs the stop/start state machine on the virtual clock', () => {
    const { w, id } = world();
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    expect(state(w, id)).toBe('stopping');
    w.clock.advanceBy(120_000);
    expect(state(w, id)).toBe('stopped');
    w.call('ec2', 'StartInstances', { InstanceIds: [id] });
    expect(state(w, id)).toBe('pending');
    w.clock.advanceBy(60_000);
    expect(state(w, id)).toBe('running');
  });

  it('returns user data base64-encoded and stores the raw bytes it is given (the base64 trap)', () => {
    const { w, id } = world({ userData: Buffer.from([0, 255, 10, 65]) });
    const read = w.call('ec2', 'DescribeInstanceAttribute', { InstanceId: id, Attribute: 'userData' }) as { UserData: { Value: string } };
    expect(read.UserData.Value).toBe(Buffer.from([0, 255, 10, 65]).toString('base64'));
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    w.clock.advanceBy(120_000);
    // Passing the base64 text back stores the text itself: double encoding.
    w.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, UserData: { Value: read.UserData.Value } });
    expect(w.ec2.instances.get(id)?.userData.toString('utf8')).toBe(read.UserData.Value);
    w.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, UserData: { Value: Buffer.from(read.UserData.Value, 'base64') } });
    expect(w.ec2.instances.get(id)?.userData).toEqual(Buffer.from([0, 255, 10, 65]));
  });

  it('has no Value for empty user data', () => {
    const { w, id } = world();
    expect(w.call('ec2', 'DescribeInstanceAttribute', { InstanceId: id, Attribute: 'userData' }).UserData).toEqual({});
  });

  it('refuses user data changes unless stopped, and over 16 KB', () => {
    const { w, id } = world();
    expect(code(() => w.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, UserData: { Value: 'x' } }))).toBe('IncorrectInstanceState');
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    w.clock.advanceBy(120_000);
    expect(code(() => w.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, UserData: { Value: Buffer.alloc(16385) } }))).toBe('InvalidParameterValue');
    w.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, UserData: { Value: Buffer.alloc(16384) } });
  });

  it.each([
    [{ disableApiStop: true }, 'OperationNotPermitted'],
    [{ rootDeviceType: 'instance-store' as const }, 'UnsupportedOperation'],
    [{ spot: 'one-time' as const }, 'UnsupportedOperation'],
  ])('refuses to stop %j with %s', (spec, expected) => {
    const { w, id } = world(spec);
    expect(code(() => w.call('ec2', 'StopInstances', { InstanceIds: [id] }))).toBe(expected);
    expect(state(w, id)).toBe('running');
  });

  it('stops a persistent Spot instance', () => {
    const { w, id } = world({ spot: 'persistent' });
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    expect(state(w, id)).toBe('stopping');
  });

  it('sends a start that cannot attach the root volume back to stopped with Client.InternalError', () => {
    const { w, id } = world({ state: 'stopped', startFails: true });
    w.call('ec2', 'StartInstances', { InstanceIds: [id] });
    w.clock.advanceBy(60_000);
    const r = w.call('ec2', 'DescribeInstances', { InstanceIds: [id] }) as { Reservations: { Instances: { State: { Name: string }; StateReason: { Code: string } }[] }[] };
    expect(r.Reservations[0].Instances[0].State.Name).toBe('stopped');
    expect(r.Reservations[0].Instances[0].StateReason.Code).toBe('Client.InternalError');
  });

  it('changes the public IP on start unless it is an Elastic IP', () => {
    for (const elasticIp of [false, true]) {
      const { w, id } = world({ elasticIp });
      const before = w.ec2.instances.get(id)?.publicIp;
      w.call('ec2', 'StopInstances', { InstanceIds: [id] });
      w.clock.advanceBy(120_000);
      w.call('ec2', 'StartInstances', { InstanceIds: [id] });
      w.clock.advanceBy(60_000);
      expect(w.ec2.instances.get(id)?.publicIp === before).toBe(elasticIp);
    }
  });

  it('shows instance store through DescribeInstanceTypes, never in BlockDeviceMappings', () => {
    const { w, id } = world({ rootDeviceType: 'instance-store', instanceType: 'm1.small' });
    const d = w.call('ec2', 'DescribeInstances', { InstanceIds: [id] }) as { Reservations: { Instances: { BlockDeviceMappings: unknown[] }[] }[] };
    expect(d.Reservations[0].Instances[0].BlockDeviceMappings).toEqual([]);
    const t = w.call('ec2', 'DescribeInstanceTypes', { InstanceTypes: ['m1.small'] }) as { InstanceTypes: { InstanceStorageInfo: { TotalSizeInGB: number } }[] };
    expect(t.InstanceTypes[0].InstanceStorageInfo.TotalSizeInGB).toBe(160);
  });

  it('deletes a tag given with a Value only when the value matches', () => {
    const { w, id } = world({ tags: { lock: 'mine' } });
    w.call('ec2', 'DeleteTags', { Resources: [id], Tags: [{ Key: 'lock', Value: 'other' }] });
    expect(w.ec2.instances.get(id)?.tags.get('lock')).toBe('mine');
    w.call('ec2', 'DeleteTags', { Resources: [id], Tags: [{ Key: 'lock', Value: 'mine' }] });
    expect(w.ec2.instances.get(id)?.tags.has('lock')).toBe(false);
  });

  it('answers unknown and malformed ids with the real codes', () => {
    const { w } = world();
    expect(code(() => w.call('ec2', 'DescribeInstances', { InstanceIds: ['i-0000000000000000f'] }))).toBe('InvalidInstanceID.NotFound');
    expect(code(() => w.call('ec2', 'DescribeInstances', { InstanceIds: ['web-1'] }))).toBe('InvalidInstanceID.Malformed');
  });
});

describe('boot: cloud-init scripts-user on an existing instance', () => {
  it('reruns the repair only with [scripts-user, always] and writes the console marker', () => {
    const { w, id } = world({ userData: Buffer.from(mime('cloud_final_modules:\n- [scripts-user, always]')) });
    const i = w.ec2.instances.get(id);
    if (!i) throw new Error('no instance');
    runUserDataAtBoot(i);
    expect(i.ssh.broken).toBe(false);
    expect(i.consoleOutput).toContain('ec2-ssh-rescue: request=req-1 verdict=fixed user=ec2-user actions=2');
  });

  it.each([
    ['without always', 'cloud_final_modules:\n- scripts-user'],
    ['without the module list', 'runcmd: []'],
  ])('does nothing %s', (_, modules) => {
    const { w, id } = world({ userData: Buffer.from(mime(modules)) });
    const i = w.ec2.instances.get(id);
    if (!i) throw new Error('no instance');
    runUserDataAtBoot(i);
    expect(i.ssh.broken).toBe(true);
  });

  it('runs once per request id', () => {
    const { w, id } = world({ userData: Buffer.from(mime('cloud_final_modules:\n- [scripts-user, always]')) });
    const i = w.ec2.instances.get(id);
    if (!i) throw new Error('no instance');
    runUserDataAtBoot(i);
    runUserDataAtBoot(i);
    expect(i.consoleOutput.match(/verdict=/g)).toHaveLength(1);
  });
});

describe('Auto Scaling (as-enter-exit-standby.html, health-checks-overview.html)', () => {
  function asg(min: number, max: number, desired: number): { w: World; id: string } {
    const r = world();
    const i = r.w.ec2.instances.get(r.id);
    if (!i) throw new Error('no instance');
    r.w.autoscaling.addGroup({ name: 'g', minSize: min, maxSize: max, desiredCapacity: desired }, i);
    return r;
  }

  it('replaces an InService instance that stops', () => {
    const { w, id } = asg(1, 3, 2);
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    w.clock.advanceBy(10 * 60_000);
    expect(w.autoscaling.replacements.map((r) => r.terminated)).toEqual([id]);
    expect(w.ec2.instances.get(id)?.state).toBe('terminated');
  });

  it('leaves a Standby instance alone while it is stopped, and restores desired capacity on exit', () => {
    const { w, id } = asg(1, 3, 2);
    w.call('autoscaling', 'EnterStandby', { AutoScalingGroupName: 'g', InstanceIds: [id], ShouldDecrementDesiredCapacity: true });
    expect(w.autoscaling.membership(id)?.desired).toBe(1);
    w.clock.advanceBy(10_000);
    expect(w.autoscaling.membership(id)?.lifecycle).toBe('Standby');
    w.call('ec2', 'StopInstances', { InstanceIds: [id] });
    w.clock.advanceBy(10 * 60_000);
    expect(w.autoscaling.replacements).toEqual([]);
    w.call('ec2', 'StartInstances', { InstanceIds: [id] });
    w.clock.advanceBy(60_000);
    w.call('autoscaling', 'ExitStandby', { AutoScalingGroupName: 'g', InstanceIds: [id] });
    w.clock.advanceBy(10_000);
    expect(w.autoscaling.membership(id)).toEqual({ group: 'g', lifecycle: 'InService', desired: 2 });
  });

  it('refuses to decrement below min size and to enter Standby twice', () => {
    const { w, id } = asg(1, 1, 1);
    expect(code(() => w.call('autoscaling', 'EnterStandby', { AutoScalingGroupName: 'g', InstanceIds: [id], ShouldDecrementDesiredCapacity: true }))).toBe('ValidationError');
    w.call('autoscaling', 'EnterStandby', { AutoScalingGroupName: 'g', InstanceIds: [id], ShouldDecrementDesiredCapacity: false });
    expect(w.autoscaling.launched).toHaveLength(1);
    expect(code(() => w.call('autoscaling', 'EnterStandby', { AutoScalingGroupName: 'g', InstanceIds: [id], ShouldDecrementDesiredCapacity: false }))).toBe('ValidationError');
  });
});

describe('SSM (SendCommand, GetCommandInvocation, DescribeInstanceInformation API reference)', () => {
  it('reports ConnectionLost for a registered node whose agent is down, and refuses commands to it', () => {
    const { w, id } = world({ agentWorks: false, agentRegistered: true });
    const info = w.call('ssm', 'DescribeInstanceInformation', { Filters: [{ Key: 'InstanceIds', Values: [id] }] }) as { InstanceInformationList: { PingStatus: string }[] };
    expect(info.InstanceInformationList[0].PingStatus).toBe('ConnectionLost');
    expect(code(() => w.call('ssm', 'SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: [id], Parameters: { commands: ['true'] } }))).toBe('InvalidInstanceId');
  });

  it('runs the repair script through AWS-RunShellScript and returns its JSON line', () => {
    const { w, id } = world();
    const sent = w.call('ssm', 'SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: [id], Parameters: { commands: ['#!/bin/sh', '# ec2-ssh-rescue: repair', 'main --user ec2-user --mode fix --request-id r1'] } }) as { Command: { CommandId: string } };
    w.clock.advanceBy(30_000);
    const inv = w.call('ssm', 'GetCommandInvocation', { CommandId: sent.Command.CommandId, InstanceId: id }) as { Status: string; StandardOutputContent: string };
    expect(inv.Status).toBe('Success');
    const report = JSON.parse(inv.StandardOutputContent.trim().split('\n').at(-1) ?? '') as { verdict: string; requestId: string };
    expect(report).toMatchObject({ verdict: 'fixed', requestId: 'r1' });
    expect(w.ec2.instances.get(id)?.ssh.broken).toBe(false);
  });

  it('fails the invocation with exit 3 for an unknown user', () => {
    const { w, id } = world();
    const sent = w.call('ssm', 'SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: [id], Parameters: { commands: ['# ec2-ssh-rescue: x', 'run --user nobody --mode fix'] } }) as { Command: { CommandId: string } };
    w.clock.advanceBy(30_000);
    expect(w.call('ssm', 'GetCommandInvocation', { CommandId: sent.Command.CommandId, InstanceId: id })).toMatchObject({ Status: 'Failed', ResponseCode: 3 });
  });
});

describe('determinism', () => {
  it('gives the same timeline for the same seed and a different one for another seed', () => {
    const timeline = (seed: number): number => {
      const w = new World({ seed });
      w.ec2.add({ instanceId: INSTANCE_ID });
      w.call('ec2', 'StopInstances', { InstanceIds: [INSTANCE_ID] });
      w.clock.advanceTo(w.clock.nextEventAt() ?? 0);
      return w.clock.now;
    };
    expect(timeline(5)).toBe(timeline(5));
    expect(timeline(5)).not.toBe(timeline(6));
  });
});
