/**
 * Structural safety check for rendered runbooks: once a step has changed something (stopped the
 * instance, swapped its user data, put it in Standby, tagged the lock), no failure and no cancel
 * may end the execution before the matching undo step has run. It reads the rendered document —
 * what AWS receives — and finds changes and undos from the actions and API calls themselves.
 */

/** What a step can change, each with one kind of undo. */
export type ChangeKind = 'stop' | 'user-data' | 'standby' | 'lock';

/** What one step changes and undoes. */
export interface StepEffects {
  readonly changes: ReadonlySet<ChangeKind>;
  readonly undoes: ReadonlySet<ChangeKind>;
}

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface RenderedStep {
  readonly name: string;
  readonly action: string;
  readonly inputs: Obj;
  readonly raw: Obj;
}

function stepsOf(doc: unknown): RenderedStep[] {
  if (!isObj(doc) || !Array.isArray(doc.mainSteps)) throw new Error('not an Automation document: mainSteps is missing');
  return doc.mainSteps.filter(isObj).map((s) => ({
    name: String(s.name),
    action: String(s.action),
    inputs: isObj(s.inputs) ? s.inputs : {},
    raw: s,
  }));
}

/** boto3 calls in an executeScript handler, and the API operations of executeAwsApi, by effect. */
const SCRIPT_CALLS: readonly [RegExp, ChangeKind, 'change' | 'undo'][] = [
  [/\.stop_instances\(/, 'stop', 'change'],
  [/\.start_instances\(/, 'stop', 'undo'],
  [/\.enter_standby\(/, 'standby', 'change'],
  [/\.exit_standby\(/, 'standby', 'undo'],
  [/\.create_tags\(/, 'lock', 'change'],
  [/\.delete_tags\(/, 'lock', 'undo'],
  // The lock parameter (lock.ts): created by a put_parameter that may not overwrite, removed with
  // delete_parameter (an overwriting put only marks a lock already held as kept).
  [/\.put_parameter\([^)]*Overwrite=False/, 'lock', 'change'],
  [/\.delete_parameter\(/, 'lock', 'undo'],
];
const API_CALLS: Readonly<Record<string, readonly [ChangeKind, 'change' | 'undo']>> = {
  'ec2.StopInstances': ['stop', 'change'],
  'ec2.StartInstances': ['stop', 'undo'],
  'autoscaling.EnterStandby': ['standby', 'change'],
  'autoscaling.ExitStandby': ['standby', 'undo'],
  'ec2.CreateTags': ['lock', 'change'],
  'ec2.DeleteTags': ['lock', 'undo'],
  'ec2.ModifyInstanceAttribute': ['user-data', 'change'],
};

const readsUserData = (s: RenderedStep): boolean => /userData/.test(JSON.stringify(s.inputs));
const writesUserData = (s: RenderedStep): boolean =>
  (s.action === 'aws:executeScript' && /\.modify_instance_attribute\([^)]*UserData/.test(String(s.inputs.Script ?? '')));

/**
 * The effects of every step. A user-data write counts as the undo when its input reads the output
 * of a step that only read the user data (the backup); any other write is a change.
 */
export function stepEffects(doc: unknown): Map<string, StepEffects> {
  const steps = stepsOf(doc);
  const backups = steps.filter((s) => readsUserData(s) && !writesUserData(s) && s.action === 'aws:executeScript').map((s) => s.name);
  const out = new Map<string, StepEffects>();
  for (const s of steps) {
    const changes = new Set<ChangeKind>();
    const undoes = new Set<ChangeKind>();
    const add = (kind: ChangeKind, what: 'change' | 'undo'): void => void (what === 'change' ? changes : undoes).add(kind);
    if (s.action === 'aws:changeInstanceState' && s.inputs.CheckStateOnly !== true) {
      if (s.inputs.DesiredState === 'stopped') add('stop', 'change');
      if (s.inputs.DesiredState === 'running') add('stop', 'undo');
    }
    if (s.action === 'aws:executeAwsApi') {
      const effect = API_CALLS[`${String(s.inputs.Service)}.${String(s.inputs.Api)}`];
      if (effect !== undefined) add(...effect);
    }
    if (s.action === 'aws:executeScript') {
      const script = String(s.inputs.Script ?? '');
      for (const [call, kind, what] of SCRIPT_CALLS) if (call.test(script)) add(kind, what);
      // A handler that stops the instance and starts it again (the cancel cleanup: force stop,
      // restore the user data, start) undoes the stop itself; its stop is no change left for a
      // later step, and a failure after its stop is reported by the step itself.
      if (changes.has('stop') && undoes.has('stop')) changes.delete('stop');
      if (writesUserData(s)) {
        const payload = JSON.stringify(s.inputs.InputPayload ?? {});
        add('user-data', backups.some((b) => payload.includes(`{{ ${b}.`)) ? 'undo' : 'change');
      }
    }
    out.set(s.name, { changes, undoes });
  }
  return out;
}

type Edge = { readonly kind: 'next' | 'onFailure' | 'onCancel'; readonly to: string | undefined };

/** Where a step can hand over to; `to: undefined` means the execution ends there. */
function edgesOf(s: RenderedStep, following: string | undefined): Edge[] {
  const target = (v: unknown): string | undefined => (typeof v === 'string' && v.startsWith('step:') ? v.slice(5) : undefined);
  const next = s.raw.isEnd === true ? undefined : typeof s.raw.nextStep === 'string' ? s.raw.nextStep : following;
  const edges: Edge[] = [];
  if (s.action === 'aws:branch') {
    const choices = Array.isArray(s.inputs.Choices) ? s.inputs.Choices.filter(isObj) : [];
    for (const c of choices) edges.push({ kind: 'next', to: String(c.NextStep) });
    edges.push({ kind: 'next', to: typeof s.inputs.Default === 'string' ? s.inputs.Default : following });
  } else {
    edges.push({ kind: 'next', to: next });
  }
  edges.push({ kind: 'onFailure', to: s.raw.onFailure === 'Continue' ? next : target(s.raw.onFailure) });
  edges.push({ kind: 'onCancel', to: target(s.raw.onCancel) });
  return edges;
}

/**
 * Problems found, one sentence each; empty when every failure and cancel path after a change
 * reaches its undo. Changes still possibly in effect are propagated along every edge (a change
 * counts from its own step on, since a failing step may have acted; an undo counts once its step
 * has run, even if it failed, because the chain continues past it).
 */
export function checkUndoPaths(doc: unknown): string[] {
  const steps = stepsOf(doc);
  const effects = stepEffects(doc);
  const index = new Map(steps.map((s, i) => [s.name, i]));
  /** kind -> steps that made the change, per step entry. */
  const pending = new Map<string, Map<ChangeKind, Set<string>>>();
  /** `step|edge` -> changes in effect when that edge ends the execution. */
  const problems = new Map<string, Map<ChangeKind, Set<string>>>();
  const work: string[] = [];
  const merge = (to: string, incoming: Map<ChangeKind, Set<string>>): void => {
    const cur = pending.get(to) ?? new Map<ChangeKind, Set<string>>();
    let grew = !pending.has(to);
    for (const [kind, origins] of incoming) {
      const set = cur.get(kind) ?? new Set<string>();
      for (const o of origins) if (!set.has(o)) { set.add(o); grew = true; }
      cur.set(kind, set);
    }
    pending.set(to, cur);
    if (grew) work.push(to);
  };
  if (steps.length > 0) merge(steps[0].name, new Map());
  while (work.length > 0) {
    const name = work.pop() as string;
    const i = index.get(name);
    if (i === undefined) continue;
    const s = steps[i];
    const e = effects.get(name) as StepEffects;
    const after = new Map<ChangeKind, Set<string>>();
    for (const [kind, origins] of pending.get(name) ?? []) if (!e.undoes.has(kind)) after.set(kind, new Set(origins));
    for (const kind of e.changes) after.set(kind, new Set([...(after.get(kind) ?? []), name]));
    for (const edge of edgesOf(s, steps[i + 1]?.name)) {
      if (edge.to !== undefined) {
        merge(edge.to, after);
        continue;
      }
      if (after.size === 0) continue;
      const key = `${name}|${edge.kind}`;
      const found = problems.get(key) ?? new Map<ChangeKind, Set<string>>();
      for (const [kind, origins] of after) found.set(kind, new Set([...(found.get(kind) ?? []), ...origins]));
      problems.set(key, found);
    }
  }
  return [...problems].map(([key, found]) => {
    const [name, kind] = key.split('|');
    const what = [...found].sort(([a], [b]) => a.localeCompare(b)).map(([k, origins]) => `${k} (by ${[...origins].sort().join(', ')})`).join(', ');
    const how = kind === 'next' ? 'ends the execution' : `has ${kind} Abort`;
    return `step ${name} ${how} while these changes may still be in effect: ${what} — route it through the undo steps`;
  }).sort();
}

/** A group of rollback paths: the one step that failed or was cancelled, and what stays in effect after it. */
export interface RollbackPathGroup {
  /** The step whose failure or cancel the paths share. */
  readonly step: string;
  readonly edge: 'onFailure' | 'onCancel';
  /** Changes in effect where those paths end, each with the steps that made it. */
  readonly inEffect: ReadonlyMap<ChangeKind, ReadonlySet<string>>;
}

/**
 * Rollback-path analysis under one fault: every step may fail or be cancelled, once per path;
 * a step that fails or is cancelled may have made its changes (partway) and has NOT made its
 * undos — so an undo step that fails leaves its change in effect unless a later step on the
 * path undoes the same kind again. After the fault every step succeeds. Returns the path groups
 * (by faulting step and edge) that end with a change still in effect; empty when every undo
 * survives its own failure.
 */
export function rollbackPathGroups(doc: unknown): RollbackPathGroup[] {
  const steps = stepsOf(doc);
  const effects = stepEffects(doc);
  const index = new Map(steps.map((s, i) => [s.name, i]));
  type Pending = Map<ChangeKind, Set<string>>;
  const copy = (p: Pending): Pending => new Map([...p].map(([k, v]) => [k, new Set(v)]));
  const groups = new Map<string, Pending>();
  /** Step entries seen, by `step|fault` with the pending changes' signature, so loops end. */
  const seen = new Set<string>();
  const work: { step: string; pending: Pending; fault?: { step: string; edge: 'onFailure' | 'onCancel' } }[] = [];
  const sig = (p: Pending): string => JSON.stringify([...p].map(([k, v]) => [k, [...v].sort()]).sort());
  const push = (item: (typeof work)[number]): void => {
    const key = `${item.step}|${item.fault ? `${item.fault.step}/${item.fault.edge}` : ''}|${sig(item.pending)}`;
    if (seen.has(key)) return;
    seen.add(key);
    work.push(item);
  };
  const end = (fault: (typeof work)[number]['fault'], pending: Pending): void => {
    if (fault === undefined || pending.size === 0) return;
    const key = `${fault.step}|${fault.edge}`;
    const found = groups.get(key) ?? new Map<ChangeKind, Set<string>>();
    for (const [k, v] of pending) found.set(k, new Set([...(found.get(k) ?? []), ...v]));
    groups.set(key, found);
  };
  if (steps.length > 0) push({ step: steps[0].name, pending: new Map() });
  while (work.length > 0) {
    const { step: name, pending, fault } = work.pop() as (typeof work)[number];
    const i = index.get(name);
    if (i === undefined) continue;
    const s = steps[i];
    const e = effects.get(name) as StepEffects;
    const changed = copy(pending);
    for (const kind of e.changes) changed.set(kind, new Set([...(changed.get(kind) ?? []), name]));
    const succeeded = copy(changed);
    for (const kind of e.undoes) if (!e.changes.has(kind)) succeeded.delete(kind);
    for (const edge of edgesOf(s, steps[i + 1]?.name)) {
      if (edge.kind === 'next') {
        if (edge.to === undefined) end(fault, succeeded);
        else push({ step: edge.to, pending: succeeded, fault });
        continue;
      }
      if (fault !== undefined) continue; // one fault per path
      const here = { step: name, edge: edge.kind };
      if (edge.to === undefined) end(here, changed);
      else push({ step: edge.to, pending: changed, fault: here });
    }
  }
  return [...groups].map(([key, inEffect]) => {
    const [step, edge] = key.split('|');
    return { step, edge: edge as 'onFailure' | 'onCancel', inEffect };
  }).sort((a, b) => `${a.step}|${a.edge}`.localeCompare(`${b.step}|${b.edge}`));
}

/** One sentence per rollback path group, for reports and test failures. */
export function describeRollbackGroup(g: RollbackPathGroup): string {
  const what = [...g.inEffect].sort(([a], [b]) => a.localeCompare(b)).map(([k, by]) => `${k} (by ${[...by].sort().join(', ')})`).join(', ');
  return `when ${g.step} ${g.edge === 'onFailure' ? 'fails' : 'is cancelled'}, the execution ends with ${what} still in effect`;
}
