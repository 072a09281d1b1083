import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerValidate } from '../../../src/cli/validate';

const root = join(__dirname, '..', '..', '..');
const good = join(root, 'test', 'fixtures', 'documents', 'good', 'restart-instance.yaml');

/** Runs `validate` in-process, capturing output and the exit code it sets. */
function run(args: string[]): { out: string; err: string; code: number | undefined } {
  const program = new Command().exitOverride();
  registerValidate(program);
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const before = process.exitCode;
  try {
    program.parse(['node', 'cli', 'validate', ...args]);
    return { out, err, code: process.exitCode === undefined ? undefined : Number(process.exitCode) };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = before;
  }
}

describe('validate command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), "schemaVersion: '0.3'\nmainSteps:\n  - name: a\n    action: aws:sleep\n    nextStep: gone\n    inputs: {Duration: PT1S}\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a valid file exits 0 with a summary', () => {
    const r = run([good]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe('validate: 1 file(s), 0 error(s), 0 warning(s)\n');
  });

  test('errors are printed as file: step: message — fix and exit 1', () => {
    const r = run([good, join(dir, 'bad.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`error [graph] SSM-GRAPH-002 ${join(dir, 'bad.yaml')}: a: nextStep points to step "gone", which does not exist — use the name of an existing step (a)`);
    expect(r.err).toContain('2 file(s), 1 error(s)');
  });

  test('--json prints a JSON array; an unreadable file is an error', () => {
    const r = run(['--json', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ check: 'parse', severity: 'error' })]);
  });

  test('--checks limits the checks and rejects unknown names', () => {
    expect(run(['--checks', 'schema,api', join(dir, 'bad.yaml')]).code).toBe(0);
    expect(() => run(['--checks', 'speling', good])).toThrow(/unknown check\(s\) speling/);
  });

  test('--strict turns warnings into errors and exit 1', () => {
    writeFileSync(join(dir, 'warn.yaml'), "schemaVersion: '0.3'\nmainSteps:\n  - name: a\n    action: aws:sleep\n    isEnd: true\n    inputs: {Duration: PT1S}\n  - name: b\n    action: aws:sleep\n    inputs: {Duration: PT1S}\n");
    const lax = run([join(dir, 'warn.yaml')]);
    expect(lax.code).toBe(0);
    expect(lax.out).toContain('warning [graph] SSM-GRAPH-007');
    const strict = run(['--strict', join(dir, 'warn.yaml')]);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('error [graph] SSM-GRAPH-007');
  });

  test('--help describes severities, rule ids and --strict', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'ec2-ssh-rescue.cjs'), 'validate', '--help'], { encoding: 'utf8' });
    expect(out).toContain('--strict');
    expect(out).toMatch(/error +AWS would reject the document/);
    expect(out).toMatch(/warning +legal but likely wrong/);
    expect(out).toContain('src/automation/validate/README.md');
  });

  test('the packaged CLI runs the command', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'ec2-ssh-rescue.cjs'), 'validate', good], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});
