import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, string>();

/**
 * The Python source of an aws:executeScript handler kept in `handlers/<name>.py`, as embedded in a
 * document, after the sources of the shared `libraries` it uses (also in `handlers/`), so steps
 * that do the same thing run the same code. Whole-line comments (the AWS references, for readers of
 * the source) and blank lines are dropped and indentation is one space per level, because a
 * document may hold at most 64 KB. Tests run the handlers as rendered, so what is tested is what ships.
 */
export function handlerSource(name: string, ...libraries: string[]): string {
  return [...libraries, name].map(fileSource).join('\n');
}

function fileSource(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    const source = readFileSync(join(__dirname, 'handlers', `${name}.py`), 'utf8');
    // Whole-line comments and blank lines go, and each four spaces of indentation become one: a
    // document may hold at most 64 KB. Python only needs the block indentation to be consistent
    // (and ignores it inside brackets); the handlers hold no multi-line string literals.
    text = source.split('\n')
      .filter((line) => !/^\s*(#|$)/.test(line))
      .map((line) => line.replace(/^ +/, (lead) => ' '.repeat(Math.floor(lead.length / 4) + (lead.length % 4))))
      .join('\n');
    if (/'''|"""/.test(text)) throw new Error(`handlers/${name}.py holds a multi-line string, which the indentation squeeze would change`);
    // Automation would read `{{ ... }}` in a step input as a reference and substitute it.
    if (text.includes('{{')) throw new Error(`handlers/${name}.py contains "{{", which Automation would substitute`);
    cache.set(name, text);
  }
  return text;
}
