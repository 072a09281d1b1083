/**
 * Synthesis time of the CDK app: one account (console + EventBridge stacks, cdk-nag included) and an
 * organisation rollout to 100 accounts in 4 Regions (StackSets; member templates synthesized and
 * checked by cdk-nag). Prints the median and spread of several runs.
 * Run: npx tsx scripts/bench-cdk.ts [runs]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../src/cdk/app';

const runs = Number(process.argv[2] ?? 5);
const accounts = Array.from({ length: 100 }, (_, i) => String(200000000000 + i));

function synthOnce(context: Record<string, unknown>): { ms: number; bytes: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  const start = performance.now();
  const assembly = buildApp(new App({ outdir, context })).synth();
  const ms = performance.now() - start;
  const bytes = assembly.stacks.reduce((sum, s) => sum + statSync(join(outdir, s.templateFile)).size, 0);
  rmSync(outdir, { recursive: true, force: true });
  return { ms, bytes };
}

function bench(label: string, context: Record<string, unknown>): void {
  const first = synthOnce(context); // includes lazy module loading and JIT warm-up
  const samples = Array.from({ length: runs }, () => synthOnce(context));
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(6)} ms   min ${ms[0].toFixed(0).padStart(6)} ms   max ${ms[ms.length - 1].toFixed(0).padStart(6)} ms   first ${first.ms.toFixed(0).padStart(6)} ms   templates ${(samples[0].bytes / 1024).toFixed(0)} KiB   (${runs} runs)`);
}

bench('1 account, 1 Region (runbooks + remediation)', {});
bench('organisation: 100 accounts x 4 Regions', {
  'ec2-ssh-rescue:organizationalUnitIds': ['ou-ab12-abcdefgh'],
  'ec2-ssh-rescue:regions': ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'],
  'ec2-ssh-rescue:accounts': accounts,
  'ec2-ssh-rescue:shareWithAccounts': accounts,
});
