/**
 * Output selectors are JSONPath over an API response
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html,
 * which also shows recursive descent such as `$.Reservations..Instances..InstanceId`).
 * This follows a selector through a botocore output shape to find what it selects.
 */
import { closest, membersOf, shapeOf, type LoadedModel, type Shape } from './api-model';

/** One step of a selector. */
export type Token =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'descend'; readonly name: string }
  | { readonly kind: 'index'; readonly wildcard: boolean }
  | { readonly kind: 'filter' };

/** Tokenizes `$.A[0].B[*]['C']..D[?(@.x)]`; undefined when it is not a JSONPath of that form. */
export function tokenize(selector: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\.\.([A-Za-z0-9_-]+)|\.([A-Za-z0-9_-]+)|\[(\d+|\*|-?\d*:-?\d*)\]|\['([^']+)'\]|\["([^"]+)"\]|\[\?\([^\]]*\)\]|\.\*/y;
  // Automation evaluates selectors with Jayway JsonPath, which reads a path without a
  // leading `$` as relative to the root (AWS Solutions runbooks write `Attributes.X`).
  const raw = selector.trim();
  const s = raw.startsWith('$') ? raw : `$.${raw}`;
  re.lastIndex = 1;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (m === null) return undefined;
    if (m[1] !== undefined) tokens.push({ kind: 'descend', name: m[1] });
    else if (m[3] !== undefined) tokens.push({ kind: 'index', wildcard: !/^\d+$/.test(m[3]) });
    else if (m[0].startsWith('[?')) tokens.push({ kind: 'filter' });
    else if (m[0] === '.*') tokens.push({ kind: 'index', wildcard: true });
    else tokens.push({ kind: 'member', name: m[2] ?? m[4] ?? m[5] });
  }
  return tokens;
}

/** What a selector selects: a shape, and whether the result is a list of such values. */
export interface Selected {
  readonly shape?: Shape;
  /** True when the path is indefinite (wildcard, recursive descent, filter, or a member mapped over a list). */
  readonly multi: boolean;
}

/** Every shape reachable from `start` that has a member `name`, and that member's shape. */
function descendants(model: LoadedModel, start: Shape, name: string): Shape[] {
  const found: Shape[] = [];
  const seen = new Set<string>();
  const walk = (s: Shape): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    if (s.type === 'structure') {
      const members = membersOf(model, s);
      const hit = members.get(name);
      if (hit !== undefined) found.push(hit);
      for (const m of members.values()) walk(m);
    } else if (s.type === 'list') walk(shapeOf(model, s.member));
    else if (s.type === 'map') walk(shapeOf(model, s.value));
  };
  walk(start);
  return found;
}

/** Follows a selector through an output shape: what it selects, or a problem. */
export function followSelector(model: LoadedModel, selector: string, output: Shape): { problem: string } | Selected {
  const tokens = tokenize(selector);
  if (tokens === undefined) return { problem: `selector ${JSON.stringify(selector)} is not a JSONPath of the form $.Member[0]..Member[*]` };
  let shape: Shape | undefined = output;
  let multi = false;
  let walked = '$';
  for (const t of tokens) {
    if (shape === undefined || shape.document === true) return { multi: true }; // free-form JSON: nothing to check below
    if (t.kind === 'filter') {
      if (shape.type !== 'list') return { problem: `${walked} is not a list, so a filter selects nothing` };
      multi = true;
      walked += '[?()]';
      continue;
    }
    if (t.kind === 'index') {
      if (shape.type === 'list') shape = shapeOf(model, shape.member);
      else if (shape.type === 'map') shape = shapeOf(model, shape.value);
      else if (!t.wildcard || shape.type !== 'structure') return { problem: `${walked} is not a list, so ${walked}[…] selects nothing` };
      else shape = undefined; // `.*` over a structure: members of mixed shapes
      if (t.wildcard) multi = true;
      walked += t.wildcard ? '[*]' : '[]';
      continue;
    }
    if (t.kind === 'descend') {
      const hits = descendants(model, shape, t.name);
      if (hits.length === 0) return { problem: `${walked}..${t.name} selects nothing: no member named ${t.name} anywhere below ${shape.name}` };
      shape = hits.every((h) => h.name === hits[0].name) ? hits[0] : undefined;
      multi = true;
      walked += `..${t.name}`;
      continue;
    }
    while (shape.type === 'list') {
      // A member after a list maps over its items (the result is a list).
      shape = shapeOf(model, shape.member);
      multi = true;
    }
    if (shape.type === 'map') {
      shape = shapeOf(model, shape.value);
    } else if (shape.type === 'structure') {
      const members = membersOf(model, shape);
      const m = members.get(t.name);
      if (m === undefined) {
        const hint = closest(t.name, members.keys());
        return { problem: `${walked}.${t.name} does not exist: ${shape.name} has ${[...members.keys()].join(', ')}${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ''}` };
      }
      shape = m;
    } else {
      return { problem: `${walked} is a ${shape.type}, so .${t.name} selects nothing` };
    }
    walked += `.${t.name}`;
  }
  return { shape, multi };
}

type Category = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map';

function category(shape: Shape): Category {
  switch (shape.type) {
    case 'integer':
    case 'long':
      return 'integer';
    case 'double':
    case 'float':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'list':
      return 'list';
    case 'structure':
    case 'map':
      return 'map';
    default:
      return 'string';
  }
}

/**
 * Whether an output `Type` contradicts what the selector selects. Only clear
 * contradictions count (a list or map into a scalar type, a scalar into a list or map
 * type), since Automation converts between scalar types.
 */
export function typeContradiction(type: string, selected: Selected): string | undefined {
  if (selected.shape === undefined || selected.shape.document === true) return undefined;
  const cat = category(selected.shape);
  const what = selected.multi ? `a list of ${selected.shape.name} (${cat}) values` : `${selected.shape.name}, a ${selected.shape.type}`;
  switch (type) {
    case 'String':
    case 'Integer':
    case 'Boolean':
      if (selected.multi || cat === 'list' || cat === 'map') return `Type ${type} is a single value, but the selector selects ${what}`;
      if (type === 'Boolean' && (cat === 'integer' || cat === 'number')) return `Type Boolean, but the selector selects ${what}`;
      if (type === 'Integer' && cat === 'boolean') return `Type Integer, but the selector selects ${what}`;
      return undefined;
    case 'StringList':
    case 'MapList':
      if (!selected.multi && cat !== 'list') return `Type ${type} is a list, but the selector selects ${what}`;
      return undefined;
    case 'StringMap':
      if (selected.multi || cat !== 'map') return `Type StringMap is a map, but the selector selects ${what}`;
      return undefined;
    default:
      return undefined;
  }
}
