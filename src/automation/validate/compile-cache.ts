/**
 * Compiling the two document schemas with ajv costs most of a cold `validate` run, so the
 * compiled validator is kept as ajv standalone code in the system temp folder, keyed by a
 * hash of the schema, the ajv options and the ajv version, and loaded from there by the
 * next process. Any problem with the cache falls back to compiling.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

const req = createRequire(__filename);

function load(code: string): ValidateFunction {
  const mod: { exports: unknown } = { exports: {} };
  // The standalone module is CommonJS that requires ajv's runtime helpers; resolve them from here.
  new Function('require', 'module', 'exports', code)(req, mod, mod.exports);
  const fn = (mod.exports as { default?: unknown }).default ?? mod.exports;
  return fn as ValidateFunction;
}

/** Compiles `schema`, or loads the code a previous process compiled for the same schema and options. */
export function compileCached(name: string, schema: object, options: Options): ValidateFunction {
  const version = (req('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(JSON.stringify([schema, options, version])).digest('hex').slice(0, 24);
  const file = join(tmpdir(), 'ec2-ssh-rescue-cache', `${name}-${key}.js`);
  try {
    return load(readFileSync(file, 'utf8'));
  } catch {
    // not cached yet, or unreadable: compile below
  }
  const ajv = new Ajv({ ...options, code: { source: true } });
  const validate = ajv.compile(schema);
  try {
    const code = standaloneCode(ajv, validate);
    mkdirSync(join(tmpdir(), 'ec2-ssh-rescue-cache'), { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  } catch {
    // a read-only temp folder only costs the next process a compile
  }
  return validate;
}
