import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { payloadScript, SCRIPT_SEPARATOR } from '../../src/repair/user-data';
import { OFFLINE_RUNBOOK } from '../../src/runbooks/offline';
import { ONLINE_RUNBOOK } from '../../src/runbooks/online';
import { REPAIR_RUNBOOK } from '../../src/runbooks/repair';
import { SCRIPT_DELIMITER } from '../../src/runbooks/repair-command';
import { ACCOUNT_OPTIONS_OFF, DEBIAN_PYTHON, Obj, onlineCommandScript, rendered, renderedRunbooks, requireTool, run, step, substitute } from './rendered';

const SCRIPT = readFileSync(join(__dirname, '../../src/repair/ssh-access-repair.sh'), 'utf8');
const HOSTILE = ['x;touch /tmp/p', '../', '../../etc/passwd', 'ubuntu\n', 'a b', '$(id)', '`id`', "ec2-user'", 'Admin', ''];

describe('parameters', () => {
  test.each(renderedRunbooks().map((r) => [r.name, r.doc] as const))('%s: every parameter is described, constrained, and its default allowed', (_n, doc) => {
    for (const [name, p] of Object.entries(doc.parameters as Record<string, Obj>)) {
      expect(`${name}: ${String(p.description)}`).toMatch(/: \(\w+\) ./);
      if (p.type === 'String') {
        expect(p.allowedPattern !== undefined || p.allowedValues !== undefined).toBe(true);
        if (p.default !== undefined && p.allowedPattern !== undefined) expect(new RegExp(String(p.allowedPattern)).test(String(p.default))).toBe(true);
        if (p.default !== undefined && p.allowedValues !== undefined) expect(p.allowedValues).toContain(p.default);
      }
      // The instance and the role (a script that calls AWS needs one) are the required parameters.
      if (name !== 'InstanceId' && name !== 'AutomationAssumeRole') expect(p.default).toBeDefined();
    }
  });

  test.each([ONLINE_RUNBOOK, OFFLINE_RUNBOOK, REPAIR_RUNBOOK])('%s: hostile user names and instance ids fail the rendered patterns', (name) => {
    const params = rendered(name).doc.parameters as Record<string, Obj>;
    const user = new RegExp(String(params.UserName.allowedPattern));
    for (const bad of HOSTILE.filter((h) => h !== '')) expect([bad, user.test(bad)]).toEqual([bad, false]);
    for (const good of ['', 'ec2-user', 'ubuntu', 'web.admin', '_svc']) expect([good, user.test(good)]).toEqual([good, true]);
    const id = new RegExp(String(params.InstanceId.allowedPattern));
    for (const bad of HOSTILE) expect([bad, id.test(bad)]).toEqual([bad, false]);
    expect(id.test('i-0123456789abcdef0')).toBe(true);
  });

  // Hostile values for the opt-in parameters that take strings: refused by SSM before any step runs.
  const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIShyH6bdx9Sf/29nJ0ke0Jb2cvmRSt2jvO5yXl8rnNZ';
  const RSA2048 = `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${'x'.repeat(350)}6cD`;
  test.each([ONLINE_RUNBOOK, OFFLINE_RUNBOOK, REPAIR_RUNBOOK])('%s: PublicKey and PublicKeyFingerprint patterns refuse hostile values', (name) => {
    const params = rendered(name).doc.parameters as Record<string, Obj>;
    const key = new RegExp(String(params.PublicKey.allowedPattern));
    const fp = new RegExp(String(params.PublicKeyFingerprint.allowedPattern));
    const badKeys = [
      `${ED25519}\n${ED25519}`, `${ED25519}\r`, `${ED25519};id`, `${ED25519} $(id)`, `$(id) ${ED25519}`, `\`id\` ${ED25519}`,
      `command="id" ${ED25519}`, `no-pty ${ED25519}`, `${ED25519} a b`, `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'A'.repeat(5000)}`,
      `${ED25519} ${'c'.repeat(101)}`, `ssh-rsa AAAAB3NzaC1yc2E${'A'.repeat(189)}`, `ssh-rsa AAAAB3NzaC1yc2E${'A'.repeat(1381)}`, 'ssh-dss AAAAB3NzaC1kc3MAAACBAP',
      `${ED25519.slice(0, -1)}`, ` ${ED25519}`,
    ];
    for (const bad of badKeys) expect([bad.slice(0, 60), key.test(bad)]).toEqual([bad.slice(0, 60), false]);
    for (const good of ['', ED25519, `${ED25519} me@laptop`, RSA2048]) expect([good.slice(0, 60), key.test(good)]).toEqual([good.slice(0, 60), true]);
    for (const bad of ['SHA256:$(id)', `x SHA256:${'a'.repeat(43)}`, `SHA256:${'a'.repeat(43)}\n`, `SHA256:${'a'.repeat(44)}`, 'MD5:aa:bb', `SHA256:${'a'.repeat(42)};`]) {
      expect([bad, fp.test(bad)]).toEqual([bad, false]);
    }
    expect(fp.test(`SHA256:${'a'.repeat(43)}`)).toBe(true);
    for (const flag of ['AllowSystemUser', 'CreateUserIfMissing', 'UnlockUser', 'ExtendExpiredAccount']) expect([flag, params[flag]]).toMatchObject([flag, { type: 'Boolean', default: false }]);
  });

  test('the orchestrator takes an instance ARN as EventBridge sends it', () => {
    const id = new RegExp(String((rendered(REPAIR_RUNBOOK).doc.parameters as Record<string, Obj>).InstanceId.allowedPattern));
    expect(id.test('arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0')).toBe(true);
    expect(id.test('arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-0123456789abcdef0')).toBe(true);
    expect(id.test('arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0')).toBe(false);
    expect((rendered(REPAIR_RUNBOOK).doc.parameters as Record<string, Obj>).AllowOffline.default).toBe(false);
  });
});

describe('the embedded repair script', () => {
  const onlineCommand = (values: Record<string, unknown> = { UserName: 'ec2-user', Mode: 'fix', Strict: false, Recursive: false, 'automation:EXECUTION_ID': 'req-0' }): string => onlineCommandScript(values);

  test('is byte-identical in the online heredoc', () => {
    const text = onlineCommand();
    const start = text.indexOf(`<<'${SCRIPT_DELIMITER}'\n`) + `<<'${SCRIPT_DELIMITER}'\n`.length;
    const end = text.indexOf(`\n${SCRIPT_DELIMITER}\n`, start) + 1;
    expect(text.slice(start, end)).toBe(SCRIPT);
  });

  test('is in the offline boothook user data, comment lines left out, as cloud-init reads it', () => {
    requireTool(DEBIAN_PYTHON, 'cloud-init');
    const template = (step(rendered(OFFLINE_RUNBOOK).doc, 'SwapInRepairUserData').inputs as { InputPayload: { RepairUserData: string } }).InputPayload.RepairUserData;
    const filled = substitute(template, { UserName: 'ec2-user', Mode: 'fix', Strict: 'false', Recursive: 'false', 'automation:EXECUTION_ID': '0b5c3f4e-1d2a-4b6c-9e8f-123456789abc', ...ACCOUNT_OPTIONS_OFF });
    const parts = JSON.parse(run(DEBIAN_PYTHON, ['-c', `
import json, sys
from cloudinit.user_data import UserDataProcessor
msg = UserDataProcessor({}).process(sys.stdin.buffer.read())
print(json.dumps([[p.get_content_type(), p.get_payload(decode=True).decode()] for p in msg.walk() if not p.is_multipart()]))
`], filled)) as [string, string][];
    expect(parts.map(([type]) => type)).toEqual(['text/cloud-boothook']);
    expect(parts[0][1]).toContain('\n# ec2-ssh-rescue-args: user=ec2-user mode=fix strict=false recursive=false system=false create=false unlock=false' +
      ' extend=false fingerprint= keypair= keyname= request=0b5c3f4e-1d2a-4b6c-9e8f-123456789abc\n# ec2-ssh-rescue-key: \n');
    const payload = parts[0][1].slice(parts[0][1].indexOf(`\n${SCRIPT_SEPARATOR}\n`) + SCRIPT_SEPARATOR.length + 2);
    expect(gunzipSync(Buffer.from(payload, 'base64')).toString('utf8')).toBe(payloadScript(SCRIPT));
  });

  test('the online command runs under dash, prints the JSON report first and exits 0 with a report', () => {
    requireTool('/usr/bin/dash', 'dash');
    const command = onlineCommand({ UserName: 'no-such-user-x1', Mode: 'diagnose', Strict: false, Recursive: false, 'automation:EXECUTION_ID': 'req-1', ...ACCOUNT_OPTIONS_OFF });
    const out = run('/usr/bin/dash', ['-c', command]);
    const report = JSON.parse(out.split('\n')[0]) as { tool: string; verdict: string; user: string; requestId: string };
    expect(report).toMatchObject({ tool: 'ec2-ssh-rescue', verdict: 'user-not-found', user: 'no-such-user-x1', requestId: 'req-1' });
    expect(out).toContain('--- ec2-ssh-rescue exit code 3; readable output:');
  });
});
