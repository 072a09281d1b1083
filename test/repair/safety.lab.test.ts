import { readFileSync, rmSync } from 'node:fs';
import { describeWithTools, observed, report, runLab, tree } from './lab-harness';

// GIVEN the real sshd lab (StrictModes yes, UsePAM no; a second sshd with UsePAM yes where a
// scenario needs it), each safety rule is a trap the old script fell into, and each opt-in
// repair (new key, re-created user, unlock, expiry) is proven with a real key login.
const SCENARIOS = [
  'lock_forms:bash', 'trap_system_account:dash', 'parent_shared:bash', 'key_dir_shared:ash', 'trap_key_dir_sticky:dash',
  'chroot:bash', 'trap_chroot:ash', 'trap_read_only:dash', 'key_replaced:bash', 'recreate:ash', 'unlock:dash',
  'key_pair:bash', 'trap_hostile_keys:ash',
];

describeWithTools('repair safety rules and opt-in repairs against a real sshd', ['sshd', 'ssh', 'unshare', 'useradd', 'dash', 'busybox'], () => {
  let out = '';
  beforeAll(async () => {
    out = await runLab(SCENARIOS);
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const dir = (name: string): string => `${out}/${name}`;
  const codes = (name: string, tag: string): string[] => report(dir(name), tag).findings.map((f) => f.code);
  const rcVerdict = (name: string, tag: string): { rc: string; verdict: string } => ({ rc: observed(dir(name), `${tag}.rc`), verdict: report(dir(name), tag).verdict });

  test('measured lock forms: UsePAM no refuses every "!" hash, UsePAM yes none; both refuse an expired account', () => {
    // FORM  UsePAM-no-login  UsePAM-yes-login (0 accepted, 255 refused, 1 accepted but the session failed)
    expect(observed(dir('lock_forms'), 'forms').split('\n')).toEqual([
      '* 0 0', '! 255 0', '!! 255 0', '!* 255 0', '!$6$abc$def 255 0', '*LK* 0 0', 'expired 255 255', 'pwexpired 0 1', 'nologin 1 1',
    ]);
  });

  test('a system account (sync, home /bin -> /usr/bin) is refused, also when allowed; /usr/bin untouched', () => {
    const d = dir('trap_system_account');
    expect(rcVerdict('trap_system_account', 'run1')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(codes('trap_system_account', 'run1')).toEqual(['SYSTEM_ACCOUNT', 'SYSTEM_HOME']);
    expect(rcVerdict('trap_system_account', 'run2')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(codes('trap_system_account', 'run2')).toEqual(['SYSTEM_HOME']);
    for (const tag of ['run1', 'run2']) expect(report(d, tag).actions).toEqual([]);
    expect(observed(d, 'sys.after')).toBe(observed(d, 'sys.before'));
  });

  test('a uid below UID_MIN is repaired only with --allow-system-user', () => {
    const d = dir('trap_system_account');
    expect(rcVerdict('trap_system_account', 'svc1')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(report(d, 'svc1').actions).toEqual([]);
    expect(observed(d, 'svc.login1')).toBe('255');
    expect(rcVerdict('trap_system_account', 'svc2')).toEqual({ rc: '0', verdict: 'fixed' });
    expect(observed(d, 'svc.login2')).toBe('0');
  });

  test('the home\'s sticky shared parent keeps its mode (1777); the home is fixed', () => {
    const d = dir('parent_shared');
    expect([observed(d, 'login.before'), observed(d, 'login.after'), observed(d, 'parent')]).toEqual(['255', '0', '1777 root']);
    expect(report(d, 'run1').actions.map((a) => a.path)).toEqual(['/srv/shared/s-shared']);
  });

  test('a root-owned 0777 key directory sshd checks loses g/o write only, and stays root\'s', () => {
    const d = dir('key_dir_shared');
    expect(report(d, 'run1').actions).toEqual([{ action: 'chmod', path: '/srv/s-keys.d', from: '0777', to: '0755' }]);
    expect([observed(d, 'login.before'), observed(d, 'login.after'), observed(d, 'keydir')]).toEqual(['255', '0', '755 root']);
  });

  test('a sticky key directory is reported and never changed', () => {
    const d = dir('trap_key_dir_sticky');
    expect(rcVerdict('trap_key_dir_sticky', 'run1')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(codes('trap_key_dir_sticky', 'run1')).toEqual(['WRITABLE']);
    expect(observed(d, 'keydir')).toBe('1777 root');
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
  });

  test('ChrootDirectory %h: the root-owned home is accepted and kept; the key file is fixed; sshd accepts the key', () => {
    const d = dir('chroot');
    expect(report(d, 'run1').actions).toEqual([{ action: 'chmod', path: '/home/s-chroot/.ssh/authorized_keys', from: '0666', to: '0644' }]);
    expect(observed(d, 'home')).toBe('755 root');
    expect(observed(d, 'login.before')).toBe('255');
    // ForceCommand internal-sftp ends `ssh ... true` with 1 after the key was accepted
    expect(observed(d, 'login.after')).toBe('1');
    expect(readFileSync(`${out}/sshd.log`, 'utf8')).toMatch(/Accepted publickey for s-chroot from/);
  });

  test('a ChrootDirectory path is never changed, even --recursive: cannot-fix', () => {
    const d = dir('trap_chroot');
    expect(rcVerdict('trap_chroot', 'run1')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(codes('trap_chroot', 'run1')).toContain('CHROOT_PATH');
    expect(report(d, 'run1').actions).toEqual([]);
    expect(observed(d, 'tree.after')).toBe(observed(d, 'tree.before'));
    expect(observed(d, 'login.after')).toBe('255');
  });

  test('a fix that fails (read-only mount) is cannot-fix with exit 4, not success', () => {
    const d = dir('trap_read_only');
    expect(rcVerdict('trap_read_only', 'run1')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(report(d, 'run1').findings.find((f) => f.code === 'FIX_FAILED')?.message).toMatch(/Read-only file system$/);
    expect(observed(d, 'login.after')).toBe('255');
  });

  test('PublicKey: appended once after the existing lines (a missing final newline added), old and new keys accepted', () => {
    const d = dir('key_replaced');
    const before = readFileSync(`${d}/keys.before`, 'utf8');
    const after = readFileSync(`${d}/keys.after`, 'utf8');
    expect(before.endsWith('\n')).toBe(false);
    expect(after).toBe(`${before}\n${observed(d, 'key')}\n`);
    expect([observed(d, 'login.before'), observed(d, 'login.after'), observed(d, 'login.old')]).toEqual(['255', '0', '0']);
    expect(report(d, 'run1').actions.map((a) => a.action)).toEqual(['add-key']);
    expect({ ...rcVerdict('key_replaced', 'run2'), actions: report(d, 'run2').actions }).toEqual({ rc: '0', verdict: 'ok', actions: [] });
    expect(readFileSync(`${d}/keys.after2`, 'utf8')).toBe(after);
  });

  test('CreateUserIfMissing: useradd (uid >= UID_MIN, own group, home) with the key; the real sshd accepts it', () => {
    const d = dir('recreate');
    expect(rcVerdict('recreate', 'diag')).toEqual({ rc: '0', verdict: 'needs-fix' });
    expect(observed(d, 'passwd.diag')).toBe('none');
    expect(rcVerdict('recreate', 'nokey')).toEqual({ rc: '2', verdict: 'bad-input' });
    expect(rcVerdict('recreate', 'run1')).toEqual({ rc: '0', verdict: 'fixed' });
    expect(report(d, 'run1').actions.map((a) => a.action)).toEqual(['useradd', 'mkdir', 'add-key']);
    const [, , uid, , , home, shell] = observed(d, 'passwd').split(':');
    expect(Number(uid)).toBeGreaterThanOrEqual(1000);
    expect([home, shell, observed(d, 'group')]).toEqual(['/home/c-gone', '/bin/bash', 'c-gone']);
    expect(tree(d, 'tree.after').get('/home/c-gone/.ssh/authorized_keys')).toMatchObject({ owner: 'c-gone', mode: '600' });
    expect(observed(d, 'login.after')).toBe('0');
    expect({ ...rcVerdict('recreate', 'run2'), actions: report(d, 'run2').actions }).toEqual({ rc: '0', verdict: 'ok', actions: [] });
    expect(observed(d, 'login.left')).toBe('0');
  });

  test('UnlockUser: a "!" hash under UsePAM no is unlocked (hash kept), a second run is a no-op', () => {
    const d = dir('unlock');
    expect([observed(d, 'login.before'), observed(d, 'login.after')]).toEqual(['255', '0']);
    expect(report(d, 'run1').actions.map((a) => a.action)).toEqual(['unlock']);
    expect(observed(d, 'hash')).toBe('*');
    expect(observed(d, 'hash2')).toBe('$6$salt$hash');
    expect({ ...rcVerdict('unlock', 'run2'), actions: report(d, 'run2').actions }).toEqual({ rc: '0', verdict: 'ok', actions: [] });
  });

  test('UnlockUser under UsePAM yes changes nothing: sshd does not refuse the "!" hash there', () => {
    const d = dir('unlock');
    expect(codes('unlock', 'pam')).toEqual(['LOCKED_NOT_REFUSED']);
    expect(report(d, 'pam').actions).toEqual([]);
    expect([observed(d, 'hash.pam'), observed(d, 'login.pam')]).toEqual(['!*', '0']);
  });

  test('an expired account is reported with the command, and extended only with --extend-expiry', () => {
    const d = dir('unlock');
    expect(rcVerdict('unlock', 'exp0')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(report(d, 'exp0').findings[0].message).toContain('chage -E -1 c-exp');
    expect(rcVerdict('unlock', 'exp1')).toEqual({ rc: '0', verdict: 'fixed' });
    expect(report(d, 'exp1').actions[0]).toMatchObject({ action: 'extend-expiry', to: 'never (undo: chage -E 1 c-exp)' });
    expect([observed(d, 'login.exp'), observed(d, 'login.exp.pam')]).toEqual(['0', '0']);
  });

  test('launch key pair and fingerprint: which local users authorize it, said plainly', () => {
    const msg = (tag: string): string[] => report(dir('key_pair'), tag).findings.map((f) => `${f.code} ${f.message}`);
    expect(msg('other')).toEqual(['KEY_PAIR_OTHER_USER key pair prod-2024 is authorized for c-ubuntu, not c-ec2']);
    expect(msg('same')).toEqual(['KEY_PAIR_AUTHORIZED key pair prod-2024 is authorized for c-ubuntu']);
    expect(msg('gone')).toEqual(['USER_NOT_FOUND user c-nobody does not exist', 'KEY_PAIR_OTHER_USER key pair prod-2024 is authorized for c-ubuntu, not c-nobody']);
    expect(msg('none')).toEqual(['KEY_PAIR_NOT_AUTHORIZED key pair old-pair is not authorized for any local user']);
    expect(rcVerdict('key_pair', 'fpother')).toEqual({ rc: '4', verdict: 'cannot-fix' });
    expect(msg('fpother')[0]).toMatch(/^KEY_NOT_AUTHORIZED key SHA256:\S{43} is authorized for c-ubuntu, not c-ec2$/);
    expect(msg('fpsame')[0]).toMatch(/^KEY_AUTHORIZED /);
  });

  test('hostile keys, key pairs and fingerprints are refused with exit 2 before anything changes', () => {
    const d = dir('trap_hostile_keys');
    const tags = ['fp1', 'fp2', 'create', 'kpn1', 'kpn2'];
    for (let i = 1; i <= Number(observed(d, 'count')); i++) tags.push(`pk${i}`, `kp${i}`);
    for (const tag of tags) {
      expect({ tag, ...rcVerdict('trap_hostile_keys', tag), actions: report(d, tag).actions }).toEqual({ tag, rc: '2', verdict: 'bad-input', actions: [] });
    }
    expect(report(d, 'pk4').findings[0].message).toContain('no options');
    expect(report(d, 'pk6').findings[0].message).toContain('at least 2048 bits');
    expect(observed(d, 'pwned.exists')).toBe('no');
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
    expect(observed(d, 'tree.after')).toBe(observed(d, 'tree.before'));
  });
});
