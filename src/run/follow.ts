import {
  AutomationExecution,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StepExecution,
} from '@aws-sdk/client-ssm';
import { CycleCounter, fetchRunbook, RunbookInfo } from './runbook-info';

/** Execution statuses after which nothing changes any more (API_AutomationExecution.html). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Rejected', 'CompletedWithSuccess', 'CompletedWithFailure']);

/** One thing `run` reports while it follows an execution. */
export type RunEvent =
  | { readonly type: 'started'; readonly executionId: string; readonly document: string; readonly parameters: Readonly<Record<string, readonly string[]>> }
  | { readonly type: 'attached'; readonly executionId: string; readonly document: string; readonly status: string }
  | { readonly type: 'child'; readonly executionId: string; readonly parentExecutionId: string; readonly document: string; readonly plannedCycles: number }
  | {
    readonly type: 'step';
    readonly executionId: string;
    readonly document: string;
    readonly step: string;
    readonly action: string;
    readonly status: string;
    readonly description?: string;
    /** Stop/start cycle the step belongs to (offline path); 0 before the first stop. */
    readonly cycle?: number;
    readonly plannedCycles?: number;
    readonly failureMessage?: string;
    readonly elapsedSeconds: number;
  }
  | { readonly type: 'status'; readonly executionId: string; readonly document: string; readonly status: string; readonly elapsedSeconds: number }
  | { readonly type: 'cancel-requested'; readonly executionId: string }
  | { readonly type: 'notice'; readonly message: string };

/** The executions of a followed run once the root has ended. */
export interface FollowResult {
  readonly root: AutomationExecution;
  readonly children: readonly AutomationExecution[];
  readonly elapsedSeconds: number;
}

export interface FollowOptions {
  /** @default 2000 */
  readonly pollMs?: number;
  readonly region: string;
}

interface Tracked {
  readonly id: string;
  document: string;
  info?: RunbookInfo | null;
  readonly seen: Map<string, string>;
  readonly cycles: CycleCounter;
  status: string;
  record?: AutomationExecution;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls an execution and the child executions its aws:executeAutomation steps start
 * (found by DescribeAutomationExecutions with the ParentExecutionId filter while the step
 * runs: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecutionFilter.html)
 * and reports each step as it starts and ends, described in the runbook's own words.
 */
export class Follower {
  private readonly tracked = new Map<string, Tracked>();
  private readonly infos = new Map<string, RunbookInfo | null>();
  private readonly childOfStep = new Set<string>();
  private startMs?: number;
  private latestMs = 0;
  private stopped = false;

  constructor(
    private readonly ssm: SSMClient,
    private readonly rootId: string,
    private readonly emit: (e: RunEvent) => void,
    private readonly options: FollowOptions,
  ) {}

  /** The documents read so far (null: could not be read). */
  get runbooks(): ReadonlyMap<string, RunbookInfo | null> {
    return this.infos;
  }

  /** Seeds the document cache with one already read. */
  know(info: RunbookInfo): void {
    this.infos.set(info.name, info);
  }

  /** Ends the polling loop after its current round. */
  stop(): void {
    this.stopped = true;
  }

  /** Seconds since the execution started, by the service's clock. */
  elapsed(): number {
    if (this.startMs === undefined) return 0;
    return Math.max(0, (Math.max(this.latestMs, Date.now()) - this.startMs) / 1000);
  }

  private see(t: Date | undefined): void {
    if (t instanceof Date && !Number.isNaN(t.getTime())) this.latestMs = Math.max(this.latestMs, t.getTime());
  }

  private async info(document: string): Promise<RunbookInfo | null> {
    if (!this.infos.has(document)) {
      try {
        this.infos.set(document, await fetchRunbook(this.ssm, document, this.options.region));
      } catch (e) {
        // Progress still shows step names without descriptions.
        this.emit({ type: 'notice', message: `step descriptions of ${document} are not available: ${e instanceof Error ? e.message : String(e)}` });
        this.infos.set(document, null);
      }
    }
    return this.infos.get(document) ?? null;
  }

  private async get(id: string): Promise<AutomationExecution> {
    const out = await this.ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    if (!out.AutomationExecution) throw new Error(`GetAutomationExecution returned no record for ${id}`);
    return out.AutomationExecution;
  }

  private async track(id: string, document: string, parent?: string): Promise<Tracked> {
    let t = this.tracked.get(id);
    if (!t) {
      t = { id, document, seen: new Map(), cycles: new CycleCounter(), status: '' };
      this.tracked.set(id, t);
      t.info = document === '' ? null : await this.info(document);
      if (parent !== undefined) this.emit({ type: 'child', executionId: id, parentExecutionId: parent, document, plannedCycles: t.info?.plannedCycles ?? 0 });
    }
    return t;
  }

  private report(t: Tracked, s: StepExecution): void {
    const name = s.StepName ?? '?';
    const key = s.StepExecutionId ?? `${name}#${t.seen.size}`;
    const status = s.StepStatus ?? 'Pending';
    if (t.seen.get(key) === status) return;
    const first = !t.seen.has(key);
    t.seen.set(key, status);
    this.see(s.ExecutionStartTime);
    this.see(s.ExecutionEndTime);
    const planned = t.info?.plannedCycles ?? 0;
    // A step is counted once, when it is first seen (running or already ended).
    const cycle = first ? t.cycles.onStep(t.info?.power.get(name)) : t.cycles.cycle;
    this.emit({
      type: 'step',
      executionId: t.id,
      document: t.document,
      step: name,
      action: s.Action ?? '',
      status,
      ...(t.info?.descriptions.get(name) !== undefined ? { description: t.info?.descriptions.get(name) } : {}),
      ...(planned > 0 ? { cycle, plannedCycles: planned } : {}),
      ...(s.FailureMessage !== undefined && status !== 'Success' ? { failureMessage: s.FailureMessage } : {}),
      elapsedSeconds: Math.round(this.elapsed()),
    });
  }

  private async poll(t: Tracked): Promise<void> {
    const e = await this.get(t.id);
    t.record = e;
    if (e.DocumentName !== undefined && e.DocumentName !== t.document) {
      t.document = e.DocumentName;
      t.info = await this.info(t.document);
    }
    if (t.id === this.rootId && this.startMs === undefined && e.ExecutionStartTime) this.startMs = e.ExecutionStartTime.getTime();
    this.see(e.ExecutionEndTime);
    for (const s of e.StepExecutions ?? []) {
      this.report(t, s);
      if (s.Action === 'aws:executeAutomation') await this.children(t, s);
    }
    const status = e.AutomationExecutionStatus ?? '';
    if (status !== t.status) {
      t.status = status;
      this.emit({ type: 'status', executionId: t.id, document: t.document, status, elapsedSeconds: Math.round(this.elapsed()) });
    }
  }

  /** Starts tracking the child of an aws:executeAutomation step. */
  private async children(parent: Tracked, s: StepExecution): Promise<void> {
    const fromOutput = s.Outputs?.ExecutionId?.[0];
    if (fromOutput !== undefined && /^[0-9a-f-]{36}$/.test(fromOutput)) {
      if (!this.tracked.has(fromOutput)) await this.track(fromOutput, (await this.get(fromOutput)).DocumentName ?? '', parent.id);
      return;
    }
    if (s.StepStatus !== 'InProgress') return;
    // One lookup per running step: its child is tracked from then on.
    const stepKey = s.StepExecutionId ?? `${parent.id}/${s.StepName ?? ''}`;
    if (this.childOfStep.has(stepKey)) return;
    const out = await this.ssm.send(new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ParentExecutionId', Values: [parent.id] }] }));
    for (const m of out.AutomationExecutionMetadataList ?? []) {
      if (m.AutomationExecutionId !== undefined && !this.tracked.has(m.AutomationExecutionId)) {
        await this.track(m.AutomationExecutionId, m.DocumentName ?? '', parent.id);
        this.childOfStep.add(stepKey);
      }
    }
  }

  /** Follows until the root execution and every child has ended. */
  async run(rootDocument = ''): Promise<FollowResult> {
    const root = await this.track(this.rootId, rootDocument);
    for (;;) {
      // Children first, so a child's last steps are shown before the parent step that waited for it.
      for (const t of [...this.tracked.values()]) if (t !== root && !TERMINAL_STATUSES.has(t.status)) await this.poll(t);
      await this.poll(root);
      const done = [...this.tracked.values()].every((t) => TERMINAL_STATUSES.has(t.status));
      if (done || this.stopped) break;
      await sleep(this.options.pollMs ?? 2000);
    }
    // Children that ended before they were first polled still get their final record.
    for (const t of this.tracked.values()) if (!t.record) await this.poll(t);
    return {
      root: root.record as AutomationExecution,
      children: [...this.tracked.values()].filter((t) => t !== root).map((t) => t.record as AutomationExecution),
      elapsedSeconds: Math.round(this.elapsed()),
    };
  }
}
