import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ONLINE_RUNBOOK } from '../../src/runbooks/online';
import { describeWithTools, observed, runLab } from '../repair/lab-harness';
import { rendered, step, substitute } from './rendered';

// GIVEN the RunRepair step of the online runbook exactly as rendered for AWS, with its {{ }}
// references filled in the way Automation fills them before Run Command receives the commands.
const REQUEST = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
function renderedCommand(user: string): string {
  const inputs = step(rendered(ONLINE_RUNBOOK).doc, 'RunRepair').inputs as { DocumentName: string; Parameters: { commands: string[] } };
  expect(inputs.DocumentName).toBe('AWS-RunShellScript');
  const filled = substitute(inputs.Parameters.commands, {
    UserName: user, Mode: 'fix', Strict: 'false', Recursive: 'false', 'automation:EXECUTION_ID': REQUEST,
  });
  // AWS-RunShellScript joins the command lines into one script file.
  return `${filled.join('\n')}\n`;
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
