import { buildRepairUserData, repairScriptText } from '../../src/repair/user-data';
import { runBoothooksAtBoot, runUserDataAtBoot } from '../../src/simulate/world/boot';
import { World } from '../../src/simulate/world/world';
import { INSTANCE_ID } from './helpers';

// The simulator must recognise the project's real artifacts, not only hand-written copies:
// the user data src/repair builds and the repair script's own text.

describe('real repair artifacts', () => {
  it('a boot with the user data src/repair builds fixes the instance and writes the console marker', () => {
    const w = new World({ seed: 2 });
    const i = w.ec2.add({ instanceId: INSTANCE_ID, userData: Buffer.from(buildRepairUserData({ user: 'ec2-user', mode: 'fix', requestId: 'abc-123' })) });
    runBoothooksAtBoot(i);
    runUserDataAtBoot(i);
    expect(i.ssh.broken).toBe(false);
    expect(i.consoleOutput).toContain('ec2-ssh-rescue: request=abc-123 verdict=fixed user=ec2-user actions=2');
    expect(i.consoleOutput.match(/verdict=/g)).toHaveLength(1); // early in the boot, not again at its end
  });

  it('a boot with diagnose-mode user data reports without fixing', () => {
    const w = new World({ seed: 2 });
    const i = w.ec2.add({ instanceId: INSTANCE_ID, userData: Buffer.from(buildRepairUserData({ user: 'ec2-user', mode: 'diagnose', requestId: 'd-1' })) });
    runBoothooksAtBoot(i);
    expect(i.ssh.broken).toBe(true);
    expect(i.consoleOutput).toContain('verdict=needs-fix');
  });

  it('Run Command lines carrying the real script are recognised as the repair', () => {
    const w = new World({ seed: 2 });
    w.ec2.add({ instanceId: INSTANCE_ID });
    const commands = [...repairScriptText().split('\n'), 'x --user ec2-user --mode fix --request-id q-1'];
    const sent = w.call('ssm', 'SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: [INSTANCE_ID], Parameters: { commands } }) as { Command: { CommandId: string } };
    w.clock.advanceBy(30_000);
    const inv = w.call('ssm', 'GetCommandInvocation', { CommandId: sent.Command.CommandId, InstanceId: INSTANCE_ID });
    expect(inv.Status).toBe('Success');
    expect(w.ec2.instances.get(INSTANCE_ID)?.ssh.broken).toBe(false);
  });
});
