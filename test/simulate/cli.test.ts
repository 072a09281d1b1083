import { Command } from 'commander';
import * as path from 'node:path';
import { registerSimulate } from '../../src/cli/simulate';

const DOCS = path.join(__dirname, 'docs');

async function cli(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const program = new Command('ec2-ssh-rescue').exitOverride();
  registerSimulate(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'ec2-ssh-rescue', 'simulate', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { out, err, code };
}

describe('ec2-ssh-rescue simulate', () => {
  it('prints a table and a summary, exit 0 when every invariant holds', async () => {
    const r = await cli(['--dir', DOCS, '--runbook', 'Fixture-OfflineRepair', '--scenario', 'agent-offline', '--faults', 'none']);
    expect(r.out).toMatch(/Fixture-OfflineRepair\s+agent-offline\s+Success\s+1\s/);
    expect(r.err).toContain('simulate: 1 runs (0 with a fault injected) of 1 runbook(s) x 1 scenario(s)');
    expect(r.err).toContain('0 invariant violation(s)');
    expect(r.code).toBe(0);
  });

  it('exits 1 and names the violation when a runbook loses the instance', async () => {
    const r = await cli(['--dir', DOCS, '--runbook', 'Baseline-KnowledgeCenterProcedure', '--scenario', 'in-asg', '--faults', 'none', '--seed', '1']);
    expect(r.out).toContain('VIOLATION Baseline-KnowledgeCenterProcedure in-asg fault=none');
    expect(r.out).toContain('no-replacement');
    expect(r.code).toBe(1);
  });

  it('prints every run as JSON with --json', async () => {
    const r = await cli(['--dir', DOCS, '--runbook', 'Fixture-OfflineRepair', '--scenario', 'in-asg', '--faults', 'none', '--json']);
    const runs = JSON.parse(r.out) as { scenario: string; status: string; metrics: { stopStartCycles: number } }[];
    expect(runs).toEqual([expect.objectContaining({ scenario: 'in-asg', status: 'Success', metrics: expect.objectContaining({ stopStartCycles: 2 }) })]);
  });

  it.each([
    [['--dir', DOCS, '--scenario', 'moon'], 'unknown scenario moon'],
    [['--dir', DOCS, '--runbook', 'Nope'], 'no runbook named Nope'],
    [['--dir', path.join(DOCS, 'missing')], 'does not exist'],
    [['--dir', DOCS], 'no ec2-ssh-rescue runbooks'],
  ])('refuses bad input %j before running anything', async (args, message) => {
    await expect(cli(args)).rejects.toThrow(message);
  });

  it.each([[['--seed', 'x']], [['--faults', 'some']]])('refuses a bad option value %j', async (args) => {
    await expect(cli(['--dir', DOCS, ...args])).rejects.toThrow();
  });
});
