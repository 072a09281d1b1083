/**
 * Foundation benchmark: warm time to build + render + validate every runbook in one process, and the
 * cold time of the CLI (a fresh `node` each run, as a user or CI calls it). Targets: < 300 ms warm,
 * < 2 s cold.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { synthesize } from '../src/synth';

const WARM_TARGET_MS = 300;
const COLD_TARGET_MS = 2000;

function stats(samples: number[]): { median: number; p90: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))], min: s[0] };
}

function line(label: string, ms: { median: number; p90: number; min: number }, target: number): string {
  return `${label.padEnd(42)} median ${ms.median.toFixed(1).padStart(8)} ms  p90 ${ms.p90.toFixed(1).padStart(8)} ms  min ${ms.min.toFixed(1).padStart(8)} ms  target ${target} ms  ratio ${(ms.median / target).toFixed(3)}`;
}

// Warm: the first call loads the API models and compiles the schemas; the figure is what a long-lived
// process (CDK synth, a test run) pays per full synth after that.
const first = performance.now();
const result = synthesize();
const firstMs = performance.now() - first;
const warm: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const t0 = performance.now();
  synthesize();
  warm.push(performance.now() - t0);
}
const docs = [...result.files.keys()].filter((f) => f.endsWith('.yaml')).length;
process.stdout.write(`documents: ${docs}, files: ${result.files.size}, diagnostics: ${result.diagnostics.length}\n`);
process.stdout.write(`first synth in process (loads models): ${firstMs.toFixed(1)} ms\n`);
process.stdout.write(`${line('warm build+render+validate (all documents)', stats(warm), WARM_TARGET_MS)}\n`);

const bin = join(__dirname, 'ec2-ssh-rescue.cjs');
const root = join(__dirname, '..');
for (const [label, args] of [
  ['cold CLI --version', ['--version']],
  ['cold CLI synth --check', ['synth', '--check']],
] as const) {
  const cold: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
    cold.push(performance.now() - t0);
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      process.exitCode = 1;
    }
  }
  process.stdout.write(`${line(label, stats(cold), COLD_TARGET_MS)}\n`);
}
