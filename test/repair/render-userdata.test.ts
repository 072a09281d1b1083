import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRepairUserData } from '../../src/repair/user-data';
import { REPO } from './lab-harness';

const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'src', 'cli.ts');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [CLI, 'render-userdata', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ec2-ssh-rescue render-userdata', () => {
  test('prints exactly what buildRepairUserData builds', () => {
    const r = cli('--user', 'ec2-user', '--mode', 'diagnose', '--strict', '--request-id', 'req-7');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(buildRepairUserData({ user: 'ec2-user', mode: 'diagnose', strict: true, requestId: 'req-7' }));
  });

  test('the opt-in repairs reach the args line and the key line', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIShyH6bdx9Sf/29nJ0ke0Jb2cvmRSt2jvO5yXl8rnNZ me@laptop';
    const fp = `SHA256:${'Q'.repeat(43)}`;
    const r = cli('--user', 'ubuntu', '--request-id', 'r2', '--allow-system-user', '--public-key', key, '--create-user', '--unlock', '--extend-expiry', '--fingerprint', fp);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(buildRepairUserData({
      user: 'ubuntu', requestId: 'r2', allowSystemUser: true, publicKey: key, createUserIfMissing: true, unlockUser: true, extendExpiredAccount: true, publicKeyFingerprint: fp,
    }));
    expect(r.stdout).toContain(`system=true create=true unlock=true extend=true fingerprint=${fp} keypair= keyname= request=r2\n# ec2-ssh-rescue-key: ${key}\n`);
  });

  test('--base64 --out writes the encoded user data to the file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'render-userdata-')), 'ud.b64');
    const r = cli('--user', '', '--recursive', '--request-id', 'r1', '--base64', '--out', out);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: '' });
    expect(Buffer.from(readFileSync(out, 'utf8').trim(), 'base64').toString('utf8')).toBe(
      buildRepairUserData({ user: '', recursive: true, requestId: 'r1' }),
    );
  });

  test('without --request-id a fresh UUID is used and reported on stderr', () => {
    const r = cli('--user', 'ubuntu');
    const id = /request id ([0-9a-f-]{36})/.exec(r.stderr)?.[1];
    expect(id).toBeDefined();
    expect(r.stdout).toContain(`request=${id}\n`);
  });

  test.each([
    [['--user', 'x;rm -rf /'], /user "x;rm -rf \/" is not a portable user name/],
    [['--user', 'ok', '--mode', 'repair'], /--mode "repair" is not supported/],
    [['--user', 'ok', '--request-id', 'a b'], /requestId "a b" must match/],
    [[], /--user is required/],
    [['--user', 'ok', '--public-key', 'command="id" ssh-ed25519 AAAA'], /publicKey must be one OpenSSH public key line/],
    [['--user', 'ok', '--public-key', 'ssh-ed25519 AAAA;id'], /publicKey must be one OpenSSH public key line/],
    [['--user', 'ok', '--create-user'], /createUserIfMissing needs publicKey/],
    [['--user', 'ok', '--fingerprint', 'SHA256:$(id)'], /publicKeyFingerprint .* must match/],
  ])('refuses %j with a message on stderr and exit 2', (args, message) => {
    const r = cli(...args);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
  });

  test('--help describes every option', () => {
    const r = cli('--help');
    for (const flag of ['--user', '--mode', '--strict', '--recursive', '--request-id', '--allow-system-user', '--public-key', '--create-user', '--unlock', '--extend-expiry', '--fingerprint', '--out', '--base64']) expect(r.stdout).toContain(flag);
  });
});
