/**
 * Validation speed: cold start (first call loads ajv schemas and the AWS SDK models)
 * and warm per-document time, over the realistic fixture documents.
 * Run: npx tsx scripts/bench-validate.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateText } from '../src/automation/validate';

const dir = join(__dirname, '..', 'test', 'fixtures', 'documents', 'good');
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

const t0 = performance.now();
for (const d of docs) validateText(d.text, { file: d.file });
const cold = performance.now() - t0;

const rounds = 200;
const t1 = performance.now();
for (let i = 0; i < rounds; i++) for (const d of docs) validateText(d.text, { file: d.file });
const warm = (performance.now() - t1) / (rounds * docs.length);

process.stdout.write(`documents: ${docs.length}\ncold first pass (schema compile + SDK model load): ${cold.toFixed(0)} ms\nwarm per document: ${warm.toFixed(2)} ms\n`);
