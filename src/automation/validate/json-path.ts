/**
 * Turns a JSON pointer into the place a reader looks for: the step (or
 * `parameters.X`) and a dotted path inside it, e.g. `/mainSteps/2/inputs/Choices/0`
 * → step `checkState`, path `inputs.Choices[0]`.
 */
import { isObject } from './document-view';

/** Where in the document a finding is. */
export interface Location {
  /** Step name, `parameters.X`, `variables.X`, `outputs`; undefined for top-level keys. */
  readonly step?: string;
  /** Dotted path inside that place; empty for the place itself. */
  readonly path: string;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function render(tokens: readonly string[]): string {
  return tokens
    .map((t) => (/^\d+$/.test(t) ? `[${t}]` : `.${t}`))
    .join('')
    .replace(/^\./, '');
}

/** Resolves a JSON pointer (`/a/0/b`) against the document. */
export function locate(doc: unknown, pointer: string): Location {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map(unescape);
  let step: string | undefined;
  let rest = tokens;
  let node: unknown = doc;
  let i = 0;
  // Descend through mainSteps[i] and, for loops, inputs.Steps[j], remembering the innermost step.
  while (i < tokens.length) {
    const isSteps = (i === 0 && tokens[0] === 'mainSteps') || (tokens[i - 1] === 'inputs' && tokens[i] === 'Steps' && step !== undefined);
    if (isSteps && i + 1 < tokens.length && /^\d+$/.test(tokens[i + 1])) {
      const list = isObject(node) ? node[tokens[i]] : undefined;
      const s = Array.isArray(list) ? list[Number(tokens[i + 1])] : undefined;
      step = isObject(s) && typeof s.name === 'string' ? s.name : `mainSteps[${tokens[i + 1]}]`;
      node = s;
      rest = tokens.slice(i + 2);
      i += 2;
      continue;
    }
    node = isObject(node) ? node[tokens[i]] : Array.isArray(node) ? node[Number(tokens[i])] : undefined;
    i += 1;
  }
  if (step !== undefined) return { step, path: render(rest) };
  if ((tokens[0] === 'parameters' || tokens[0] === 'variables') && tokens.length >= 2) {
    return { step: `${tokens[0]}.${tokens[1]}`, path: render(tokens.slice(2)) };
  }
  if (tokens[0] === 'outputs') return { step: 'outputs', path: render(tokens.slice(1)) };
  return { path: render(tokens) };
}
