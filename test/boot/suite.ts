import { rmSync } from 'node:fs';
import { observations, repairReport, unexplainedChanges } from './assertions';
import { bootTime, currentRepairUserData, describeBootLab, knowledgeCenterUserData, lab, markers, rootfs, rootfsBuildSeconds, runBootLab, type Scenario } from './boot-harness';

/** The lab's figures (README.md, "Figures"), printed with the test output; figures, not assertions. */
function figures(root: string, out: string, names: readonly string[]): string {
  const lines = [`boot lab: root file system built in ${rootfsBuildSeconds(root)} s (cached after), lab ${Number(lab(out, '', 'lab-seconds')).toFixed(0)} s for ${names.length} scenario(s)`];
  for (const name of names) {
    const boots = [1, 2, 3].map((b) => bootTime(out, name, b));
    const marker = markers(out, name, 2)[0];
    const repairAt = marker === undefined ? 'no marker' : `${(marker.at - boots[1].start).toFixed(1)} s`;
    lines.push(`  ${name}: boots ${boots.map((b) => (b.end - b.start).toFixed(1)).join(' / ')} s; boot start -> repair verdict on the console: ${repairAt}`);
  }
  return lines.join('\n');
}

/** Scenario kinds (test/boot/lab/scenarios.sh), the user each breaks, and the layout it adds. */
export const KINDS: Record<string, { user: string; layout: string; firstBootScript: boolean; bootcmd: boolean }> = {
  shell: { user: 'alice', layout: 'socket-activated sshd (ssh.socket on, ssh.service off)', firstBootScript: true, bootcmd: false },
  cloudcfg: { user: 'bob', layout: 'home on its own mount from /etc/fstab', firstBootScript: true, bootcmd: true },
  mime: { user: 'carol', layout: 'home outside /home (/srv/users)', firstBootScript: true, bootcmd: true },
  gzip: { user: 'dave', layout: 'sshd_config Match User block (AuthorizedKeysFile /etc/ssh/keys/%u)', firstBootScript: true, bootcmd: false },
  empty: { user: 'erin', layout: 'home handed to root', firstBootScript: false, bootcmd: false },
};

/** Request id as Automation's EXECUTION_ID looks. */
export const REQUEST = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

/** Boots each kind with the current runbook's repair user data and asserts the offline path's guarantees. */
export function currentUserDataSuite(kinds: readonly string[], extra?: (out: () => string) => void, extraScenarios: readonly Scenario[] = []): void {
  describeBootLab(`offline repair on a real boot (systemd-nspawn, cloud-init, OpenSSH): ${kinds.join(', ')}`, () => {
    let out = '';
    beforeAll(async () => {
      const root = rootfs();
      const scenarios: Scenario[] = kinds.map((k) => ({ name: k, user: KINDS[k].user, repair: currentRepairUserData({ user: KINDS[k].user, request: REQUEST }) }));
      out = await runBootLab(root, [...scenarios, ...extraScenarios]);
      console.log(figures(root, out, [...scenarios, ...extraScenarios].map((s) => s.name)));
    }, 3_000_000); // a first root file system build included (minutes; see README.md, "Figures")
    afterAll(() => {
      if (out !== '' && process.env.EC2_SSH_RESCUE_KEEP_LAB === undefined) rmSync(out, { recursive: true, force: true });
    });

    describe.each(kinds)('original user data: %s', (kind) => {
      const { user, layout, firstBootScript, bootcmd } = KINDS[kind];
      test(`the repair ran once, at boot 2, and fixed ${user} (${layout})`, () => {
        const o = observations(out, kind, REQUEST);
        expect(o.repairMarkers).toEqual([{ boot: 2, request: REQUEST, verdict: 'fixed', user }]);
        expect(o.repairUnitStarts).toBe(1);
        expect(repairReport(out, kind)?.actions.length).toBeGreaterThan(0);
      });
      test('a real key login with ssh works after the repair boot (and at boots 1 and 3)', () => {
        expect(observations(out, kind, REQUEST).logins).toEqual(['0', '0', '0']);
      });
      test('the original per-instance scripts ran only at boot 1; bootcmd only with the original user data', () => {
        const o = observations(out, kind, REQUEST);
        expect(o.originalRanAt).toEqual(firstBootScript ? [1] : []);
        expect(o.bootcmdRanAt).toEqual(bootcmd ? [1, 3] : []);
      });
      test('the image\'s final modules ran at boot 2 as at boot 1 (its per-boot script at every boot)', () => {
        const o = observations(out, kind, REQUEST);
        expect(o.finalModulesBoot2SameAsBoot1).toBe(true);
        expect(o.perBootRanAt).toEqual([1, 2, 3]);
      });
      test('boot 3, with the original user data back, runs no repair', () => {
        expect(observations(out, kind, REQUEST).repairMarkers.filter((m) => m.boot === 3)).toEqual([]);
      });
      test('nothing in /etc, /var/lib/cloud or the home changed but what the repair reports and cloud-init\'s expected entries', () => {
        expect(unexplainedChanges(out, kind)).toEqual([]);
      });
    });
    if (extra !== undefined) extra(() => out);
  });
}

/** The 0.1.0 knowledge-center MIME for a kind, as a scenario NAME-kc. */
export function knowledgeCenterScenario(kind: string): Scenario {
  return { name: `${kind}-kc`, user: KINDS[kind].user, repair: knowledgeCenterUserData({ user: KINDS[kind].user, request: REQUEST }) };
}
