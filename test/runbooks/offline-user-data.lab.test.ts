import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payloadScript, SCRIPT_SEPARATOR } from '../../src/repair/user-data';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { describeWithTools, observed, REPO, runLab } from '../repair/lab-harness';
import { ACCOUNT_OPTIONS_OFF, rendered, step, substitute } from './rendered';

// GIVEN the user data the offline runbook writes, taken from the rendered SwapInRepairUserData
// step and filled in the way Automation fills its {{ }} references at run time.
const REQUEST = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
function renderedUserData(user: string, options: Record<string, string> = {}, request = REQUEST): string {
  const inputs = step(rendered(OFFLINE_RUNBOOK).doc, 'SwapInRepairUserData').inputs as { InputPayload: { RepairUserData: string } };
  return substitute(inputs.InputPayload.RepairUserData, {
    UserName: user, Mode: 'fix', Strict: 'false', Recursive: 'false', 'automation:EXECUTION_ID': request, ...ACCOUNT_OPTIONS_OFF, ...options,
  });
}
const CREATE_REQUEST = '6b5c4d3e-2f10-4b0a-9d8e-7f6a5b4c3d2e';

describeWithTools('the offline runbook\'s user data through real cloud-init and a real sshd', ['cloud-init', 'sshd', 'ssh', 'unshare', 'useradd', 'dash'], () => {
  const work = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-offline-'));
  const userData = join(work, 'user-data.txt');
  const hostile = join(work, 'hostile-user-data.txt');
  const pwned = join(work, 'pwned');
  const script = join(work, 'repair.sh');
  const createData = join(work, 'create-user-data.txt');
  const newKey = join(work, 'new-key');
  let parts: { type: string; written?: string }[] = [];
  let out = '';

  beforeAll(async () => {
    writeFileSync(userData, renderedUserData('ud-user'));
    // The UserName pattern refuses this before any step runs; the script must refuse it too.
    writeFileSync(hostile, renderedUserData(`x;touch\${IFS}${pwned}`));
    // A deleted user re-created with a new key, as CreateUserIfMissing and PublicKey fill the template.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'new@laptop', '-f', newKey]);
    const publicKey = readFileSync(`${newKey}.pub`, 'utf8').trim();
    writeFileSync(createData, renderedUserData('ud-new', { CreateUserIfMissing: 'true', PublicKey: publicKey }, CREATE_REQUEST));
    parts = JSON.parse(
      execFileSync('/usr/bin/python3', [join(REPO, 'test/repair/lab/cloud_init_parts.py'), userData, join(work, 'cloud')], { encoding: 'utf8' }),
    ) as typeof parts;
    // The script as the boothook copies it out of itself; the boot lab (test/boot) runs the real boot.
    const hook = parts.find((p) => p.type === 'text/cloud-boothook');
    writeFileSync(script, execFileSync('sh', ['-c', `sed '1,/^${SCRIPT_SEPARATOR}$/d' "$1" | base64 -d | gzip -dc`, 'sh', hook?.written ?? '/nonexistent']));
    out = await runLab(['userdata:dash', 'userdata_create:ash'], {
      LAB_SCRIPT: script, LAB_USERDATA: userData, LAB_USERDATA_HOSTILE: hostile, LAB_USERDATA_CREATE: createData, LAB_NEWKEY: newKey,
    });
  }, 300_000);
  afterAll(() => {
    if (out !== '') rmSync(out, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test('cloud-init finds one boothook carrying the repair script, and no module list', () => {
    expect(parts.map((p) => p.type)).toEqual(['text/cloud-boothook']);
    expect(readFileSync(script, 'utf8')).toBe(payloadScript());
    expect(readFileSync(userData, 'utf8')).not.toMatch(/cloud_final_modules|scripts-user/);
  });

  test('at boot it repairs the login and leaves the marker VerifyRepair looks for', () => {
    const d = join(out, 'userdata');
    expect([observed(d, 'login.before'), observed(d, 'login.after')]).toEqual(['255', '0']);
    expect(observed(d, 'console')).toMatch(new RegExp(`^ec2-ssh-rescue: request=${REQUEST} verdict=fixed user=ud-user actions=[1-9]`, 'm'));
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
  });

  test('a hostile user name that got past the pattern is still refused on the instance', () => {
    const d = join(out, 'userdata');
    expect(observed(d, 'hostile.rc')).toBe('2');
    expect(existsSync(pwned)).toBe(false);
  });

  test('CreateUserIfMissing and PublicKey through the same user data: the user is re-created and the real sshd accepts the new key', () => {
    const d = join(out, 'userdata_create');
    expect([observed(d, 'before'), observed(d, 'login.before')]).toEqual(['none', '255']);
    expect(observed(d, 'boot1.rc')).toBe('0');
    expect(observed(d, 'login.after')).toBe('0');
    expect(Number(observed(d, 'uid'))).toBeGreaterThanOrEqual(1000);
    expect(observed(d, 'console')).toMatch(new RegExp(`^ec2-ssh-rescue: request=${CREATE_REQUEST} verdict=fixed user=ud-new actions=3 findings=USER_NOT_FOUND,KEY_NOT_INSTALLED$`, 'm'));
  });
});
