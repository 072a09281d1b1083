import { rmSync } from 'node:fs';
import { describeWithTools, observed, report, runLab, tree } from './lab-harness';

// GIVEN a real sshd (StrictModes yes, UsePAM no) and real accounts in a private mount
// namespace, each scenario breaks one account the way instances get broken, checks that
// the real ssh client is refused, runs the script in fix mode, checks the client is
// accepted, and runs the script again. Shells rotate so every part of the matrix runs
// under dash, bash and busybox ash.
const MATRIX = [
  'home_0777', 'home_0775', 'home_other_owner', 'home_root_0700', 'ssh_0777', 'ssh_root',
  'key_0666', 'key_root', 'key2_0666', 'parent_0700', 'parent_0777', 'all_broken',
  'home_outside', 'custom_akf', 'nested_akf', 'name_dot', 'name_dash', 'group_differs',
  'strict', 'recursive', 'home_symlink', 'key_in_home_symlink',
];
const SPECIAL = [
  'trap_key_to_passwd', 'trap_ssh_to_etc', 'trap_hardlink', 'trap_hostile_name', 'trap_no_user',
  'trap_nologin', 'trap_locked', 'trap_expired', 'ssh_missing', 'diagnose_only', 'reports', 'detect_user',
  'privsep_missing', 'diagnose_recursive',
];
const SHELLS = ['dash', 'bash', 'ash'];
const ALL = [...MATRIX, ...SPECIAL].map((name, i) => `${name}:${SHELLS[i % SHELLS.length]}`);

describeWithTools('ssh-access-repair.sh against a real sshd', ['sshd', 'ssh', 'unshare', 'useradd', 'dash', 'busybox'], () => {
  let out = '';
  beforeAll(async () => {
    out = await runLab(ALL);
  }, 600_000); // 35 scenarios: ~100 s on an idle machine, several minutes on a loaded one
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const dir = (name: string): string => `${out}/${name}`;

  describe.each(MATRIX)('matrix %s', (name) => {
    test('refused before, fixed, accepted after, second run a no-op, nothing else changed', () => {
      const d = dir(name);
      expect(observed(d, 'login.before')).toBe('255');
      const first = report(d, 'run1');
      expect({ rc: observed(d, 'run1.rc'), verdict: first.verdict }).toEqual({ rc: '0', verdict: 'fixed' });
      expect(first.actions.length).toBeGreaterThan(0);
      expect(first.user).toBe(observed(d, 'user'));
      expect(observed(d, 'login.after')).toBe('0');
      const second = report(d, 'run2');
      expect({ rc: observed(d, 'run2.rc'), verdict: second.verdict, actions: second.actions }).toEqual({ rc: '0', verdict: 'ok', actions: [] });
      expect(observed(d, 'tree.after2')).toBe(observed(d, 'tree.after'));
      expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
    });
  });

  test('minimal fix strips only write bits: 0777 home becomes 0755', () => {
    const t = tree(dir('home_0777'), 'tree.after');
    expect(t.get('/home/m-h777')?.mode).toBe('755');
  });

  test('primary group is taken from passwd, not the user name', () => {
    const t = tree(dir('group_differs'), 'tree.after');
    expect(t.get('/home/m-grp')).toMatchObject({ owner: 'm-grp', group: 'users' });
    expect(t.get('/home/m-grp/.ssh/authorized_keys')).toMatchObject({ owner: 'm-grp', group: 'users' });
  });

  test('root-owned components are accepted as sshd accepts them: made traversable/readable, never chowned', () => {
    expect(tree(dir('home_root_0700'), 'tree.after').get('/home/m-hroot')).toMatchObject({ owner: 'root', mode: '701' });
    expect(tree(dir('key_root'), 'tree.after').get('/home/m-kroot/.ssh/authorized_keys')).toMatchObject({ owner: 'root', mode: '604' });
  });

  test('a 0777 parent is not changed (StrictModes stops at the home); the home is', () => {
    expect(report(dir('parent_0777'), 'run1').actions.map((a) => a.path)).toEqual(['/srv/p777/m-p777']);
  });

  test('--strict sets AWS modes 0700/0700/0600', () => {
    const t = tree(dir('strict'), 'tree.after');
    expect([t.get('/home/m-strict')?.mode, t.get('/home/m-strict/.ssh')?.mode, t.get('/home/m-strict/.ssh/authorized_keys')?.mode]).toEqual(['700', '700', '600']);
  });

  test('--recursive re-owns the home without following its symlink to /etc/passwd', () => {
    const t = tree(dir('recursive'), 'tree.after');
    for (const [path, meta] of t) expect({ path, owner: meta.owner }).toEqual({ path, owner: 'm-rec' });
    expect(t.get('/home/m-rec/data/link-to-passwd')?.type).toBe('l');
    expect(report(dir('recursive'), 'run1').actions.map((a) => a.action)).toContain('chown-recursive');
  });

  test('an untraversable home parent is opened just enough for the user (root:root 0700 -> 0701)', () => {
    expect(report(dir('parent_0700'), 'run1').actions).toEqual([{ action: 'chmod', path: '/srv/p700', from: '0700', to: '0701' }]);
  });

  test('custom AuthorizedKeysFile /etc/ssh/keys/%u is read from sshd -T and fixed', () => {
    expect(report(dir('custom_akf'), 'run1').actions).toEqual([{ action: 'chmod', path: '/etc/ssh/keys/keyed', from: '0666', to: '0644' }]);
  });

  test('a symlinked home is repaired at its real path', () => {
    expect(report(dir('home_symlink'), 'run1').actions).toEqual([{ action: 'chmod', path: '/srv/real/m-hlink', from: '0777', to: '0755' }]);
  });

  describe.each([
    ['trap_key_to_passwd', 'SYMLINK_OUTSIDE_HOME'],
    ['trap_ssh_to_etc', 'SYMLINK_OUTSIDE_HOME'],
    ['trap_hardlink', 'HARDLINK'],
    ['trap_nologin', 'SHELL_NOLOGIN'],
    ['trap_locked', 'ACCOUNT_LOCKED'],
    ['trap_expired', 'ACCOUNT_EXPIRED'],
  ])('trap %s', (name, code) => {
    test(`cannot-fix (exit 4) with ${code}, login still refused, nothing outside changed`, () => {
      const d = dir(name);
      const r = report(d, 'run1');
      expect({ rc: observed(d, 'run1.rc'), verdict: r.verdict }).toEqual({ rc: '4', verdict: 'cannot-fix' });
      expect(r.findings.map((f) => f.code)).toContain(code);
      expect(observed(d, 'login.after')).toBe('255');
      expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
    });
  });

  test.each(['trap_nologin', 'trap_locked'])('%s: account blockers change nothing at all', (name) => {
    const d = dir(name);
    expect(report(d, 'run1').actions).toEqual([]);
    expect(observed(d, 'tree.after')).toBe(observed(d, 'tree.before'));
  });

  test('a hardlinked key file is left exactly as it was', () => {
    const d = dir('trap_hardlink');
    expect(report(d, 'run1').actions).toEqual([]);
    expect(tree(d, 'tree.after').get('/home/t-hard/.ssh/authorized_keys')?.mode).toBe('666');
  });

  test('hostile user names are refused with exit 2 and never executed', () => {
    const d = dir('trap_hostile_name');
    for (const tag of ['run1', 'run2', 'run3', 'run4']) {
      const r = report(d, tag);
      expect({ tag, rc: observed(d, `${tag}.rc`), verdict: r.verdict, user: r.user, actions: r.actions }).toEqual({
        tag, rc: '2', verdict: 'bad-input', user: '', actions: [],
      });
    }
    expect(report(d, 'run1').findings[0].message).toContain('x;touch');
    expect(observed(d, 'pwned.exists')).toBe('no');
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
  });

  test('a missing user is exit 3, user-not-found', () => {
    const d = dir('trap_no_user');
    expect({ rc: observed(d, 'run1.rc'), verdict: report(d, 'run1').verdict }).toEqual({ rc: '3', verdict: 'user-not-found' });
  });

  test('a missing ~/.ssh is created (0700, owned by the user) but without a key it is cannot-fix', () => {
    const d = dir('ssh_missing');
    expect(report(d, 'run1').verdict).toBe('cannot-fix');
    expect(report(d, 'run1').findings.map((f) => f.code)).toContain('KEY_FILE_MISSING');
    expect(tree(d, 'tree.after').get('/home/t-nossh/.ssh')).toMatchObject({ owner: 't-nossh', mode: '700', type: 'd' });
  });

  test('diagnose mode reports needs-fix and changes nothing', () => {
    const d = dir('diagnose_only');
    const r = report(d, 'run1');
    expect({ rc: observed(d, 'run1.rc'), verdict: r.verdict, actions: r.actions }).toEqual({ rc: '0', verdict: 'needs-fix', actions: [] });
    expect(r.findings.map((f) => f.code)).toEqual(['GROUP_OTHER_WRITABLE', 'GROUP_OTHER_WRITABLE']);
    expect(observed(d, 'tree.after')).toBe(observed(d, 'tree.before'));
    expect(observed(d, 'login.after')).toBe('255');
  });

  test('diagnose with --recursive reports the re-own and records no action', () => {
    const d = dir('diagnose_recursive');
    const r = report(d, 'run1');
    expect({ rc: observed(d, 'run1.rc'), verdict: r.verdict, actions: r.actions }).toEqual({ rc: '0', verdict: 'needs-fix', actions: [] });
    expect(r.findings.map((f) => f.code)).toContain('RECURSIVE_OWNER');
    expect(observed(d, 'tree.after')).toBe(observed(d, 'tree.before'));
  });

  test('reports: ssh-rsa only keys, StrictModes no, sshd config errors, bad flags', () => {
    const d = dir('reports');
    expect(report(d, 'rsa').findings.map((f) => f.code)).toContain('RSA_SHA1_ONLY');
    expect(report(d, 'nostrict').findings.map((f) => f.code)).toContain('STRICTMODES_OFF');
    const broken = report(d, 'broken');
    expect({ rc: observed(d, 'broken.rc'), verdict: broken.verdict }).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(broken.findings.map((f) => f.code)).toContain('SSHD_CONFIG_ERROR');
    // sshd ends its error lines with CR LF; the report carries none of the CRs
    expect(broken.findings.find((f) => f.code === 'SSHD_CONFIG_ERROR')?.message).toMatch(/NoSuchKeyword/);
    expect(observed(d, 'broken.out')).not.toContain('\\u000d');
    for (const tag of ['nomode', 'badmode', 'badreq']) {
      expect({ tag, rc: observed(d, `${tag}.rc`), verdict: report(d, tag).verdict }).toEqual({ tag, rc: '2', verdict: 'bad-input' });
    }
  });

  test('without --user the AMI default user is detected; two candidates are ambiguous', () => {
    const d = dir('detect_user');
    expect([observed(d, 'login.before'), report(d, 'run1').user, report(d, 'run1').verdict, observed(d, 'login.after')]).toEqual(['255', 'ec2-user', 'fixed', '0']);
    const ambiguous = report(d, 'run2');
    expect({ rc: observed(d, 'run2.rc'), verdict: ambiguous.verdict, code: ambiguous.findings[0].code }).toEqual({ rc: '2', verdict: 'bad-input', code: 'USER_AMBIGUOUS' });
  });

  test('socket-activated sshd: a missing privilege-separation directory is created 0755 root and the fix goes on', () => {
    const d = dir('privsep_missing');
    const r = report(d, 'run1');
    expect({ rc: observed(d, 'run1.rc'), verdict: r.verdict }).toEqual({ rc: '0', verdict: 'fixed' });
    expect(r.findings.filter((f) => f.code.startsWith('PRIVSEP') || f.code === 'SSHD_CONFIG_ERROR')).toEqual([
      { code: 'PRIVSEP_DIR_CREATED', path: '/run/sshd', message: 'created 0755 root' },
    ]);
    expect(observed(d, 'privsep.after')).toBe('root root 755');
    expect([observed(d, 'login.before'), observed(d, 'login.after')]).toEqual(['255', '0']);
  });

  test('a real sshd_config error is still SSHD_CONFIG_ERROR, not a missing directory, and changes nothing', () => {
    const d = dir('privsep_missing');
    const r = report(d, 'broken');
    expect({ rc: observed(d, 'broken.rc'), verdict: r.verdict, actions: r.actions }).toEqual({ rc: '4', verdict: 'cannot-fix', actions: [] });
    expect(r.findings.map((f) => f.code)).toContain('SSHD_CONFIG_ERROR');
    expect(r.findings.map((f) => f.code).filter((c) => c.startsWith('PRIVSEP'))).toEqual([]);
    expect(r.findings[0].message).toContain('NoSuchKeyword');
    expect([observed(d, 'privsep.broken'), observed(d, 'home.broken')]).toEqual(['missing', '777']);
  });
});
