/**
 * The corpus: real public Automation documents (sources, commits and licences in
 * README.md). Every document AWS runs as published validates with 0 errors; every
 * warning is one the README justifies; the documents published with a defect are
 * caught with the rule the README names; every known-broken fixture is caught and its
 * fixed twin passes strictly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatDiagnostic, RULES, validateFile } from '../../src/automation/validate';

const here = __dirname;
const readme = readFileSync(join(here, 'README.md'), 'utf8');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.(ya?ml|json)$/.test(f) ? [p] : [];
    });
}

/** Rows `| \`file\` | RULE | ... |` of the README section that starts with `heading`. */
function table(heading: string): Array<{ file: string; rule: string }> {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + heading.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \| (SSM-[A-Z]+-\d{3}) \|/gm)].map((m) => ({ file: m[1], rule: m[2] }));
}

const documents = walk(join(here, 'documents'));
const justified = table('## Justified warnings');
const defects = table('## Documents published with a defect');

describe('corpus of public Automation documents', () => {
  const results = documents.map((path) => ({ file: relative(join(here, 'documents'), path), found: validateFile(path) }));

  test('has at least 100 documents', () => {
    expect(documents.length).toBeGreaterThanOrEqual(100);
  });

  test('every document AWS runs as published has 0 errors', () => {
    const defective = new Set(defects.map((d) => d.file));
    const errors = results.filter((r) => !defective.has(r.file)).flatMap((r) => r.found.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${formatDiagnostic(d)}`));
    expect(errors).toEqual([]);
  });

  test('every warning is justified in README.md', () => {
    const allowed = new Set(justified.map((j) => `${j.file} ${j.rule}`));
    const unjustified = results.flatMap((r) => r.found.filter((d) => d.severity === 'warning' && !allowed.has(`${r.file} ${d.rule}`)).map((d) => `${r.file} ${d.rule} ${d.message}`));
    expect(unjustified).toEqual([]);
  });

  test('the documents published with a defect are caught, with only the rules README.md names', () => {
    expect(defects.length).toBeGreaterThan(0);
    for (const file of new Set(defects.map((d) => d.file))) {
      const named = new Set(defects.filter((d) => d.file === file).map((d) => d.rule));
      const errors = results.find((r) => r.file === file)?.found.filter((d) => d.severity === 'error') ?? [];
      expect({ file, caught: errors.length > 0 }).toEqual({ file, caught: true });
      expect({ file, others: errors.filter((d) => !named.has(d.rule)).map(formatDiagnostic) }).toEqual({ file, others: [] });
    }
  });

  test('the tables name only documents of the corpus and rules of the validator', () => {
    for (const row of [...justified, ...defects]) {
      expect(results.some((r) => r.file === row.file)).toBe(true);
      expect(RULES.has(row.rule)).toBe(true);
    }
  });
});

describe('known-broken fixtures', () => {
  const broken = walk(join(here, 'broken'));

  test.each(broken.map((p) => [relative(here, p), p]))('%s is caught, its fixed twin passes strictly', (_, path) => {
    const expected = /^# expect: (SSM-[A-Z]+-\d{3})$/m.exec(readFileSync(path, 'utf8'))?.[1];
    expect(expected).toBeDefined();
    const found = validateFile(path);
    expect(found.filter((d) => d.severity === 'error').map((d) => d.rule)).toContain(expected);
    const twin = path.replace(`${join(here, 'broken')}`, join(here, 'fixed'));
    expect(validateFile(twin, { strict: true }).map(formatDiagnostic)).toEqual([]);
  });

  test('there is a fixture for each check the validator used to miss', () => {
    const rules = broken.map((p) => /^# expect: (SSM-[A-Z]+-\d{3})$/m.exec(readFileSync(p, 'utf8'))?.[1]);
    expect(new Set(rules)).toEqual(new Set(['SSM-REF-011', 'SSM-API-006', 'SSM-SCH-006', 'SSM-API-008', 'SSM-REF-002', 'SSM-REF-010']));
  });
});
