import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, validateFile } from '../../../src/automation/validate';

const dir = join(__dirname, '..', '..', 'fixtures', 'documents', 'good');

describe('realistic documents pass every check', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  test('there are at least three', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files)('%s', (file) => {
    const found = validateFile(join(dir, file));
    expect(found.map(formatDiagnostic)).toEqual([]);
  });
});

describe('validateFile', () => {
  test('an unreadable file is an error diagnostic, not an exception', () => {
    const found = validateFile(join(dir, 'missing.yaml'));
    expect(found).toEqual([expect.objectContaining({ severity: 'error', check: 'parse', message: expect.stringContaining('cannot read the file') })]);
  });
});
