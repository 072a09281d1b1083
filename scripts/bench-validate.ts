/**
 * Validation speed over the corpus of public Automation documents (test/corpus/documents):
 * - cold: the first pass over the whole corpus in a fresh process (ajv schema compilation and
 *   the botocore models of every service the corpus calls are loaded on the way);
 * - warm: the next passes (targets: < 2 s per 100 documents);
 * - cold CLI: `ec2-ssh-rescue validate` on one document in a new process, as a user runs it
 *   (target: < 1.5 s), for a document without API calls and one that loads the EC2 model;
 *   wall and CPU time, since a busy machine stretches the wall time. The compiled schemas are
 *   cached across processes (compile-cache.ts), as after any first run.
 * Run: npm run bench validate
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateText } from '../src/automation/validate';

const root = join(__dirname, '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.(ya?ml|json)$/.test(f) ? [p] : [];
  });
}

const docs = walk(join(root, 'test', 'corpus', 'documents')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const pass = (): number => docs.reduce((n, d) => n + validateText(d.text, { file: d.file }).length, 0);

const t0 = performance.now();
const findings = pass();
const cold = performance.now() - t0;

const rounds = 3;
const t1 = performance.now();
for (let i = 0; i < rounds; i++) pass();
const warm = (performance.now() - t1) / rounds;
const per100 = (warm / docs.length) * 100;

/** Best of 3 runs: wall time, and CPU time (user + system) of the child as bash's `time` reports it. */
function cli(file: string): { wall: number; cpu: number } {
  const runs: Array<{ wall: number; cpu: number }> = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%U %S"; time node "$0" validate "$1" >/dev/null 2>&1', join(root, 'scripts', 'ec2-ssh-rescue.cjs'), file], { encoding: 'utf8' });
    const wall = performance.now() - t;
    const [user, sys] = r.stderr.trim().split(/\s+/).map(Number);
    runs.push({ wall, cpu: (user + sys) * 1000 });
  }
  return { wall: Math.min(...runs.map((r) => r.wall)), cpu: Math.min(...runs.map((r) => r.cpu)) };
}
const sleepOnly = join(root, 'test', 'corpus', 'fixed', 'update-variable-wrong-type.yaml');
const withEc2 = join(root, 'test', 'automation', 'validate', 'fixtures', 'every-action.yaml');
const cliPlain = cli(sleepOnly);
const cliEc2 = cli(withEc2);

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
process.stdout.write(
  [
    `corpus: ${docs.length} documents, ${findings} findings`,
    `cold pass (schemas compiled, API models loaded): ${fmt(cold)}`,
    `warm pass: ${fmt(warm)} = ${fmt(per100)} per 100 documents (target < 2 s; ratio ${(per100 / 2000).toFixed(2)})`,
    `cold CLI, one document without API calls: ${fmt(cliPlain.wall)} wall, ${fmt(cliPlain.cpu)} CPU (target < 1.5 s; ratio ${(cliPlain.wall / 1500).toFixed(2)} wall, ${(cliPlain.cpu / 1500).toFixed(2)} CPU)`,
    `cold CLI, one document calling EC2 (every action): ${fmt(cliEc2.wall)} wall, ${fmt(cliEc2.cpu)} CPU (target < 1.5 s; ratio ${(cliEc2.wall / 1500).toFixed(2)} wall, ${(cliEc2.cpu / 1500).toFixed(2)} CPU)`,
    `load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall times grow with it; CPU times do not)`,
  ].join('\n') + '\n',
);
