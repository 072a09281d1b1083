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
  ])('refuses %j with a message on stderr and exit 2', (args, message) => {
    const r = cli(...args);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
  });

  test('--help describes every option', () => {
    const r = cli('--help');
    for (const flag of ['--user', '--mode', '--strict', '--recursive', '--request-id', '--out', '--base64']) expect(r.stdout).toContain(flag);
  });
});
