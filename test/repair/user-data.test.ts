import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ARGS_LINE_PREFIX,
  buildRepairUserData,
  buildRepairUserDataTemplate,
  FINGERPRINT_PATTERN,
  KEY_LINE_PREFIX,
  LONGEST_VALUES,
  PUBLIC_KEY_PATTERN,
  repairArgsLine,
  payloadScript,
  REPAIR_UNIT,
  repairScriptText,
  RepairOptionsError,
  SCRIPT_SEPARATOR,
  USER_DATA_MARGIN_BYTES,
  USER_DATA_MAX_BYTES,
} from '../../src/repair/user-data';
import { describeWithTools, observed, report, runLab, REPO, SCRIPT, tree } from './lab-harness';

const PLACEHOLDERS = {
  user: '{{ UserName }}',
  mode: '{{ Mode }}',
  strict: '{{ Strict }}',
  recursive: '{{ Recursive }}',
  request: '{{ automation:EXECUTION_ID }}',
  system: '{{ AllowSystemUser }}',
  create: '{{ CreateUserIfMissing }}',
  unlock: '{{ UnlockUser }}',
  extend: '{{ ExtendExpiredAccount }}',
  fingerprint: '{{ PublicKeyFingerprint }}',
  keyPair: '{{ ReadKeyPair.Fingerprint }}',
  keyPairName: '{{ ReadKeyPair.KeyName }}',
  publicKey: '{{ PublicKey }}',
};
const OFF = ' system=false create=false unlock=false extend=false fingerprint= keypair= keyname=';
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIShyH6bdx9Sf/29nJ0ke0Jb2cvmRSt2jvO5yXl8rnNZ';


describe('repair script text', () => {
  test('is the file next to the module, and holds no SSM {{ }} reference', () => {
    expect(repairScriptText()).toBe(readFileSync(SCRIPT, 'utf8'));
    expect(repairScriptText()).not.toContain('{{');
  });

  test('has no line an args-line search could mistake for the real one', () => {
    expect(repairScriptText().split('\n').filter((l) => l.startsWith(ARGS_LINE_PREFIX))).toEqual([]);
  });
});

describe('repairArgsLine', () => {
  test('renders every value, user empty means detect', () => {
    expect(repairArgsLine({ requestId: 'abc-1' })).toBe(`${ARGS_LINE_PREFIX}user= mode=fix strict=false recursive=false${OFF} request=abc-1\n${KEY_LINE_PREFIX}`);
    expect(repairArgsLine({ user: 'ec2-user', mode: 'diagnose', strict: true, recursive: true, requestId: 'R1' })).toBe(
      `${ARGS_LINE_PREFIX}user=ec2-user mode=diagnose strict=true recursive=true${OFF} request=R1\n${KEY_LINE_PREFIX}`,
    );
  });

  test('carries the opt-in repairs, and the public key on a line of its own', () => {
    const fp = `SHA256:${'a'.repeat(43)}`;
    expect(repairArgsLine({
      user: 'ubuntu', requestId: 'R2', allowSystemUser: true, createUserIfMissing: true, unlockUser: true, extendExpiredAccount: true,
      publicKey: `${ED25519} me@laptop`, publicKeyFingerprint: fp, keyPairFingerprint: fp, keyPairName: 'prod-2024',
    })).toBe(
      `${ARGS_LINE_PREFIX}user=ubuntu mode=fix strict=false recursive=false system=true create=true unlock=true extend=true` +
        ` fingerprint=${fp} keypair=${fp} keyname=prod-2024 request=R2\n${KEY_LINE_PREFIX}${ED25519} me@laptop`,
    );
  });

  // The same hostile values the runbook parameters' allowedPattern refuses (test/runbooks).
  test.each([
    ['a newline and a second key', `${ED25519}\nssh-ed25519 AAAA`],
    ['";" and a command', `${ED25519};touch /tmp/p`],
    ['a $(...) substitution', `$(touch /tmp/p) ${ED25519}`],
    ['a command="..." option prefix', `command="touch /tmp/p" ${ED25519}`],
    ['an over-long blob', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'A'.repeat(3000)}`],
    ['a comment of two words', `${ED25519} two words`],
    ['a DSA key', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP'],
    ['a 1024-bit RSA key', `ssh-rsa AAAAB3NzaC1yc2E${'A'.repeat(189)}`],
  ])('refuses a public key with %s', (_what, publicKey) => {
    expect(() => repairArgsLine({ requestId: 'a', publicKey })).toThrow(/publicKey must be one OpenSSH public key line/);
  });

  test('refuses bad fingerprints, key pair names, and CreateUserIfMissing without a key', () => {
    expect(() => repairArgsLine({ requestId: 'a', publicKeyFingerprint: 'SHA256:$(id)' })).toThrow(/publicKeyFingerprint .* must match/);
    expect(() => repairArgsLine({ requestId: 'a', keyPairFingerprint: 'MD5:aa' })).toThrow(/keyPairFingerprint .* must match/);
    expect(() => repairArgsLine({ requestId: 'a', keyPairName: 'a b' })).toThrow(/keyPairName/);
    expect(() => repairArgsLine({ requestId: 'a', createUserIfMissing: true })).toThrow(/needs publicKey/);
  });

  test('patterns accept real keys of every type ssh-keygen makes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    for (const [type, bits] of [['ed25519', ''], ['ecdsa', '256'], ['ecdsa', '384'], ['ecdsa', '521'], ['rsa', '2048'], ['rsa', '4096']]) {
      const file = join(dir, `${type}${bits}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', 'me@host', '-f', file]);
      const key = readFileSync(`${file}.pub`, 'utf8').trim();
      expect({ key: `${type}${bits}`, ok: new RegExp(PUBLIC_KEY_PATTERN).test(key) }).toEqual({ key: `${type}${bits}`, ok: true });
      const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(new RegExp(FINGERPRINT_PATTERN).test(fp)).toBe(true);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    [{ user: 'x;touch /tmp/p', requestId: 'a' }, /user "x;touch \/tmp\/p" is not a portable user name/],
    [{ user: 'Root', requestId: 'a' }, /portable user name/],
    [{ user: 'a'.repeat(33), requestId: 'a' }, /portable user name/],
    [{ user: 'ok', requestId: 'has space' }, /requestId "has space" must match/],
    [{ user: 'ok', requestId: 'r'.repeat(65) }, /requestId .* must match/],
    [{ user: 'ok', requestId: 'a', mode: 'repair' as 'fix' }, /mode "repair" is not supported/],
  ])('refuses %j', (opts, message) => {
    expect(() => repairArgsLine(opts)).toThrow(RepairOptionsError);
    expect(() => repairArgsLine(opts)).toThrow(message);
  });
});

describe('buildRepairUserData', () => {
  const ud = buildRepairUserData({ user: 'alice', requestId: 'req-1' });

  test('is one #cloud-boothook: args line, boothook, separator, the script without comment lines; LF and ASCII only', () => {
    const args = `${ARGS_LINE_PREFIX}user=alice mode=fix strict=false recursive=false${OFF} request=req-1\n${KEY_LINE_PREFIX}`;
    expect(ud.startsWith(`#cloud-boothook\n#!/bin/sh\n${args}\n`)).toBe(true);
    expect(ud).not.toMatch(/cloud_final_modules|scripts-user|Content-Type/);
    const [hook, script] = ud.split(`\n${SCRIPT_SEPARATOR}\n`);
    expect(hook).toContain(`systemd-run --no-block --unit=${REPAIR_UNIT}`);
    // The payload travels gzip-compressed and base64-encoded; the boothook decodes it.
    expect(gunzipSync(Buffer.from(script, 'base64')).toString('utf8')).toBe(payloadScript());
    expect(script.split('\n').every((l) => l.length <= 76)).toBe(true);
    // Only comment lines left out: every kept line is the script's, in order.
    const kept = repairScriptText().split('\n').filter((l, i) => i === 0 || !/^\s*#/.test(l));
    expect(payloadScript().split('\n')).toEqual(kept);
    expect(ud.split('\n').filter((l) => l === SCRIPT_SEPARATOR)).toHaveLength(1);
    expect(ud).not.toContain('\r');
    expect([...ud].filter((c) => c !== '\n' && (c < ' ' || c > '~'))).toEqual([]);
    expect(Buffer.byteLength(ud)).toBeLessThanOrEqual(USER_DATA_MAX_BYTES);
  });

  test('stays within 16 KB with the longest values the script accepts, a 4096-bit RSA key included', () => {
    const longest = buildRepairUserData({
      user: LONGEST_VALUES.user, mode: 'diagnose', requestId: LONGEST_VALUES.request, publicKey: LONGEST_VALUES.publicKey,
      publicKeyFingerprint: LONGEST_VALUES.fingerprint, keyPairFingerprint: LONGEST_VALUES.keyPair, keyPairName: LONGEST_VALUES.keyPairName,
      allowSystemUser: true, createUserIfMissing: true, unlockUser: true, extendExpiredAccount: true,
    });
    const margin = USER_DATA_MAX_BYTES - Buffer.byteLength(longest);
    console.log(`repair user data: script ${Buffer.byteLength(repairScriptText())} bytes, longest user data ${Buffer.byteLength(longest)} bytes, margin ${margin} bytes`);
    expect(margin).toBeGreaterThanOrEqual(USER_DATA_MARGIN_BYTES);
  });

  test('refuses bad options before building anything', () => {
    expect(() => buildRepairUserData({ user: '../etc', requestId: 'a' })).toThrow(/portable user name/);
  });
});

describe('buildRepairUserDataTemplate', () => {
  const template = buildRepairUserDataTemplate(PLACEHOLDERS);

  test('is the same document with placeholders in the args line only', () => {
    const line = template.split('\n').find((l) => l.startsWith(ARGS_LINE_PREFIX));
    expect(line).toBe(
      `${ARGS_LINE_PREFIX}user={{ UserName }} mode={{ Mode }} strict={{ Strict }} recursive={{ Recursive }}` +
        ' system={{ AllowSystemUser }} create={{ CreateUserIfMissing }} unlock={{ UnlockUser }} extend={{ ExtendExpiredAccount }}' +
        ' fingerprint={{ PublicKeyFingerprint }} keypair={{ ReadKeyPair.Fingerprint }} keyname={{ ReadKeyPair.KeyName }} request={{ automation:EXECUTION_ID }}',
    );
    const filled = template.replace(`${line as string}\n${KEY_LINE_PREFIX}{{ PublicKey }}`, repairArgsLine({ user: 'alice', requestId: 'req-1' }));
    expect(filled).toBe(buildRepairUserData({ user: 'alice', requestId: 'req-1' }));
    expect(template.split('{{').length - 1).toBe(13);
  });

  test('refuses placeholders that would break the line or the size limit', () => {
    expect(() => buildRepairUserDataTemplate({ ...PLACEHOLDERS, user: 'a\nb' })).toThrow(/on one line/);
    expect(() => buildRepairUserDataTemplate({ ...PLACEHOLDERS, request: '' })).toThrow(/non-empty/);
    expect(() => buildRepairUserDataTemplate({ ...PLACEHOLDERS, user: 'x'.repeat(USER_DATA_MAX_BYTES) })).toThrow(
      /EC2 allows at most 16384 bytes of raw user data \(https:\/\/docs\.aws\.amazon\.com\/AWSEC2\/latest\/UserGuide\/instancedata-add-user-data\.html\)/,
    );
  });
});

describeWithTools('repair script lint', ['shellcheck'], () => {
  test('shellcheck -s sh is clean', () => {
    expect(execFileSync('shellcheck', ['-s', 'sh', SCRIPT], { encoding: 'utf8' })).toBe('');
  });

  test('the boothook is shellcheck-clean (SC2015: its `a && b || no` ends in a function that exits)', () => {
    const ud = buildRepairUserData({ user: 'alice', requestId: 'req-1' });
    const hook = ud.split(`\n${SCRIPT_SEPARATOR}\n`)[0].split('\n').slice(1).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-hook-'));
    writeFileSync(join(dir, 'hook.sh'), `${hook}\n`);
    try {
      expect(execFileSync('shellcheck', ['-s', 'sh', '-e', 'SC2015', join(dir, 'hook.sh')], { encoding: 'utf8' })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithTools('repair user data through real cloud-init and a real sshd', ['cloud-init', 'sshd', 'ssh', 'unshare', 'useradd', 'dash', 'busybox'], () => {
  const work = mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-ud-'));
  const userData = join(work, 'user-data.txt');
  const hostile = join(work, 'hostile-user-data.txt');
  const pwned = join(work, 'pwned');
  interface Part {
    type: string;
    filename: string;
    written?: string;
  }
  let parts: Part[] = [];
  let out = '';
  const script = join(work, 'repair.sh');

  beforeAll(async () => {
    writeFileSync(userData, buildRepairUserData({ user: 'ud-user', requestId: 'req-42' }));
    // The args line is parsed, never evaluated: this must be refused, not run.
    writeFileSync(
      hostile,
      buildRepairUserDataTemplate({ ...PLACEHOLDERS, user: `x;touch\${IFS}${pwned}`, request: 'req-43' })
        .replace('{{ Mode }}', 'fix').replace('{{ Strict }}', 'false').replace('{{ Recursive }}', 'false')
        .replace(/\{\{ (AllowSystemUser|CreateUserIfMissing|UnlockUser|ExtendExpiredAccount) \}\}/g, 'false').replace(/\{\{ [A-Za-z.]+ \}\}/g, ''),
    );
    parts = JSON.parse(
      execFileSync('/usr/bin/python3', [join(REPO, 'test/repair/lab/cloud_init_parts.py'), userData, join(work, 'cloud')], { encoding: 'utf8' }),
    ) as Part[];
    // The script as the boothook copies it out of itself (its own sed | base64 -d | gzip -dc), run here as its unit runs it.
    const hook = parts.find((p) => p.type === 'text/cloud-boothook')?.written ?? '/nonexistent';
    writeFileSync(script, execFileSync('sh', ['-c', `sed '1,/^${SCRIPT_SEPARATOR}$/d' "$1" | base64 -d | gzip -dc`, 'sh', hook]));
    out = await runLab(['userdata:dash'], {
      LAB_SCRIPT: script,
      LAB_USERDATA: userData,
      LAB_USERDATA_HOSTILE: hostile,
    });
  }, 300_000);
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test('cloud-init sees one boothook part; the script it carries is the payload script', () => {
    expect(parts.map((p) => [p.type, p.filename])).toEqual([['text/cloud-boothook', 'part-001']]);
    expect(readFileSync(parts[0].written as string, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    expect(readFileSync(script, 'utf8')).toBe(payloadScript());
  });

  test('first boot: the script reads its args from the user data, fixes, and marks the console', () => {
    const d = join(out, 'userdata');
    const r = report(d, 'boot1');
    expect({ rc: observed(d, 'boot1.rc'), verdict: r.verdict, user: r.user, requestId: r.requestId, mode: r.mode }).toEqual({
      rc: '0', verdict: 'fixed', user: 'ud-user', requestId: 'req-42', mode: 'fix',
    });
    expect([observed(d, 'login.before'), observed(d, 'login.after')]).toEqual(['255', '0']);
    const marker = `ec2-ssh-rescue: request=req-42 verdict=fixed user=ud-user actions=${r.actions.length} findings=GROUP_OTHER_WRITABLE`;
    expect(observed(d, 'console').split('\n')).toContain(marker);
    expect(observed(d, 'kmsg').split('\n')).toContain(marker);
    expect(observed(d, 'outside.after')).toBe(observed(d, 'outside.before'));
  });

  test('second boot with the same request id changes nothing', () => {
    const d = join(out, 'userdata');
    const r = report(d, 'boot2');
    expect({ verdict: r.verdict, mode: r.mode, actions: r.actions }).toEqual({ verdict: 'needs-fix', mode: 'diagnose', actions: [] });
    expect(tree(d, 'tree.after2').get('/home/ud-user')?.mode).toBe('775');
  });

  test('a command in the user-data args line is refused and never runs', () => {
    const d = join(out, 'userdata');
    expect({ rc: observed(d, 'hostile.rc'), verdict: report(d, 'hostile').verdict }).toEqual({ rc: '2', verdict: 'bad-input' });
    expect(existsSync(pwned)).toBe(false);
  });
});
