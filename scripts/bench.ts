/**
 * `npm run bench`: runs every scripts/bench-*.ts in its own process (so one benchmark's warm caches
 * never flatter another's cold figures) and prints their reports one after another.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = __dirname;
const only = process.argv[2];
const benches = readdirSync(dir).filter((f) => /^bench-.+\.ts$/.test(f) && (only === undefined || f.includes(only))).sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.stdout.write(`\n${benches.length - failed} benchmark(s) ran, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
