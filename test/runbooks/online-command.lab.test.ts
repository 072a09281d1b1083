import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTools, observed, runLab } from '../repair/lab-harness';
import { ACCOUNT_OPTIONS_OFF, onlineCommandScript } from './rendered';

// GIVEN the RunRepair step of the online runbook and the Command document it sends, exactly as
// rendered for AWS, filled in the way Automation and then SSM fill them before the agent runs it.
const REQUEST = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
function renderedCommand(user: string): string {
  return `${onlineCommandScript({ UserName: user, Mode: 'fix', Strict: false, Recursive: false, 'automation:EXECUTION_ID': REQUEST, ...ACCOUNT_OPTIONS_OFF })}\n`;
}

describeWithTools('the online runbook\'s Run Command program against a real sshd', ['sshd', 'ssh', 'unshare', 'useradd', 'dash'], () => {
  let out = '';
  let work = '';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-online-'));
    const command = join(work, '_script.sh');
    writeFileSync(command, renderedCommand('online-user'));
    out = await runLab(['online:dash'], { LAB_ONLINE_COMMAND: command });
  }, 60_000);
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (out !== '') rmSync(out, { recursive: true, force: true });
  });

  test('sshd refuses the key before and accepts it after the rendered command ran', () => {
    const d = join(out, 'online');
    expect(observed(d, 'login.before')).toBe('255');
    expect(observed(d, 'login.after')).toBe('0');
  });

  test('the first stdout line is the report the ParseReport step reads, and the command exits 0', () => {
    const d = join(out, 'online');
    const [first] = observed(d, 'command.out').split('\n');
    const report = JSON.parse(first) as { tool: string; user: string; verdict: string; requestId: string; actions: unknown[] };
    expect(report).toMatchObject({ tool: 'ec2-ssh-rescue', user: 'online-user', verdict: 'fixed', requestId: REQUEST });
    expect(report.actions.length).toBeGreaterThan(0);
    expect(observed(d, 'command.rc')).toBe('0');
  });

  test('nothing outside the user\'s tree changed', () => {
    const d = join(out, 'online');
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
  });
});
