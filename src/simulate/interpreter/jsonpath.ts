/** Error for a selector outside the supported JSONPath subset. */
export class SelectorError extends Error {}

type Token = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

const cache = new Map<string, Token[]>();

/**
 * The JSONPath subset Automation selectors use in practice (`$.a.b[0].c`, `$.a[*].b`,
 * `$['a']`, `$.a.*`): outputs and PropertySelectors are "a response object specified by
 * using JSONPath format" (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html).
 * Returns `undefined` when nothing matches; with a wildcard, the list of matches.
 */
export function select(root: unknown, path: string): unknown {
  const tokens = tokenize(path);
  let current: unknown[] = [root];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (t.kind === 'key') {
        if (typeof v === 'object' && v !== null && !Array.isArray(v) && t.key in v) next.push((v as Record<string, unknown>)[t.key]);
      } else if (t.kind === 'index') {
        if (Array.isArray(v)) {
          const i = t.index < 0 ? v.length + t.index : t.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else {
        multi = true;
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === 'object' && v !== null) next.push(...Object.values(v));
      }
    }
    current = next;
  }
  if (multi) return current;
  return current.length === 0 ? undefined : current[0];
}

function tokenize(path: string): Token[] {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!path.startsWith('$')) throw new SelectorError(`selector ${path} must start with $`);
  const tokens: Token[] = [];
  const re = /\.([A-Za-z0-9_\-:]+)|\.\*|\[(\d+|-\d+|\*)\]|\[['"]([^'"]+)['"]\]/y;
  let pos = 1;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m) throw new SelectorError(`unsupported JSONPath selector ${path} (at "${path.slice(pos)}")`);
    if (m[1] !== undefined) tokens.push({ kind: 'key', key: m[1] });
    else if (m[3] !== undefined) tokens.push({ kind: 'key', key: m[3] });
    else if (m[2] === '*' || m[0] === '.*') tokens.push({ kind: 'wildcard' });
    else tokens.push({ kind: 'index', index: Number(m[2]) });
    pos = re.lastIndex;
  }
  cache.set(path, tokens);
  return tokens;
}
