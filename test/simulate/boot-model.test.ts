import * as path from 'node:path';
import { buildRepairUserData } from '../../src/repair/user-data';
import { runCase } from '../../src/simulate/matrix';
import { SCENARIOS } from '../../src/simulate/scenarios';
import { Simulator } from '../../src/simulate/simulator';
import { originalUserDataReruns, repairStage, runBoothooksAtBoot, runUserDataAtBoot } from '../../src/simulate/world/boot';
import { World } from '../../src/simulate/world/world';
import { INSTANCE_ID } from './helpers';

// What the boot lab (test/boot) measured with real cloud-init, in the simulator's boot model:
// the first boot's scripts stay in the scripts directory, and [scripts-user, always] runs them again.

const ORIGINAL_SHELL = Buffer.from('#!/bin/sh\nmkfs.ext4 /dev/nvme1n1\n');
const knowledgeCenter = (request: string): Buffer => Buffer.from([
  'Content-Type: multipart/mixed; boundary="//"', 'MIME-Version: 1.0', '',
  '--//', 'Content-Type: text/cloud-config; charset="us-ascii"', '',
  '#cloud-config', 'cloud_final_modules:', '- [scripts-user, always]',
  `# ec2-ssh-rescue-args: user=ec2-user mode=fix strict=false recursive=false request=${request}`, '',
  '--//', 'Content-Type: text/x-shellscript; charset="us-ascii"', '',
  '#!/bin/sh', '# ec2-ssh-rescue: diagnose/repair', '--//--', '',
].join('\n'));

function bootWith(original: Buffer, repair: Buffer): ReturnType<World['ec2']['add']> {
  const w = new World({ seed: 3 });
  const i = w.ec2.add({ instanceId: INSTANCE_ID, userData: original });
  i.userData = repair; // swapped while stopped; then a boot: init stage, then final stage
  i.bootCount++;
  runBoothooksAtBoot(i);
  runUserDataAtBoot(i);
  return i;
}

describe('boot model: first-boot scripts and the repair user data', () => {
  it('the knowledge-center MIME runs the instance\'s first-boot script again (and repairs)', () => {
    const i = bootWith(ORIGINAL_SHELL, knowledgeCenter('kc-1'));
    expect(originalUserDataReruns(i)).toEqual(['boot 2: part-001']);
    expect(i.consoleOutput).toContain('request=kc-1 verdict=fixed');
  });

  it('a cloud-config runcmd of the first boot is run again too', () => {
    const i = bootWith(Buffer.from('#cloud-config\nruncmd:\n  - [sh, -c, "echo once"]\n'), knowledgeCenter('kc-2'));
    expect(originalUserDataReruns(i)).toEqual(['boot 2: runcmd']);
  });

  it('the boothook user data repairs early in the boot and runs nothing of the first boot', () => {
    const i = bootWith(ORIGINAL_SHELL, Buffer.from(buildRepairUserData({ user: 'ec2-user', requestId: 'bh-1' })));
    expect(originalUserDataReruns(i)).toEqual([]);
    expect(i.ssh.broken).toBe(false);
    expect(i.consoleOutput.match(/ec2-ssh-rescue: request=bh-1 verdict=fixed/g)).toHaveLength(1);
  });

  it('tells where in the boot each user data repairs', () => {
    expect(repairStage(Buffer.from(buildRepairUserData({ user: 'ec2-user', requestId: 'x' })))).toBe('boothook');
    expect(repairStage(knowledgeCenter('x'))).toBe('final');
    expect(repairStage(ORIGINAL_SHELL)).toBeUndefined();
  });
});

describe('invariant "original user data executed again" on whole runbook executions', () => {
  const ROOT = path.join(__dirname, '..', '..');
  const scenario = SCENARIOS.find((s) => s.name === 'agent-offline');
  if (scenario === undefined) throw new Error('no agent-offline scenario');

  async function violations(dir: string): Promise<string[]> {
    const sim = new Simulator(Simulator.loadDir(dir));
    try {
      const r = await runCase(sim, 'EC2SSHRescue-FixAccessOffline', scenario as NonNullable<typeof scenario>, undefined, 1);
      return r.violations.map((v) => `${v.invariant}: ${v.detail}`);
    } finally {
      await sim.close();
    }
  }

  it('the 0.1.0 offline runbook (knowledge-center MIME) violates it: the instance\'s runcmd ran again', async () => {
    expect(await violations(path.join(ROOT, 'test', 'fixtures', 'runbooks-0.1'))).toContainEqual(
      'original-user-data-not-rerun: original user data executed again (boot 2: runcmd)',
    );
  });

  it('the current offline runbook keeps it', async () => {
    expect((await violations(path.join(ROOT, 'runbooks'))).filter((v) => v.startsWith('original-user-data'))).toEqual([]);
  });
});
