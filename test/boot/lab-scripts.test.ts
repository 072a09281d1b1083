import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The boot lab's own shell scripts are held to the same lint as the repair script.
const LAB = join(__dirname, 'lab');

describe('boot lab scripts', () => {
  test('shellcheck is clean', () => {
    if (!existsSync('/usr/bin/shellcheck')) throw new Error('/usr/bin/shellcheck is missing: apt-get install shellcheck');
    const scripts = readdirSync(LAB).filter((f) => f.endsWith('.sh')).map((f) => join(LAB, f));
    expect(scripts.length).toBe(4);
    expect(execFileSync('/usr/bin/shellcheck', ['-x', ...scripts], { encoding: 'utf8', cwd: join(__dirname, '..', '..') })).toBe('');
  });
});
