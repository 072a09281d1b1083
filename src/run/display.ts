import { RunEvent } from './follow';
import { describeOutcome, Outcome } from './outcome';

/** Where progress goes: a redrawn panel on a terminal, plain lines, or JSON lines. */
export interface Display {
  event(e: RunEvent): void;
  /** A question or notice that must stay on screen (the panel is redrawn below it). */
  say(text: string): void;
  result(o: Outcome): void;
  close(): void;
}

export type DisplayKind = 'tty' | 'plain' | 'json';

/** tty when stdout is a terminal and CI is not set; --json wins. */
export function displayKind(json: boolean, stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): DisplayKind {
  if (json) return 'json';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  return stream.isTTY === true && !ci ? 'tty' : 'plain';
}

const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

const cycleText = (e: { cycle?: number; plannedCycles?: number }): string =>
  e.cycle !== undefined && e.plannedCycles !== undefined && e.plannedCycles > 0
    ? (e.cycle === 0 ? 'before the first stop' : `stop/start cycle ${e.cycle} of ${Math.max(e.plannedCycles, e.cycle)}`)
    : '';

/** One JSON object per line: every event, then `{ "type": "result", … }`. */
class JsonDisplay implements Display {
  constructor(private readonly out: NodeJS.WritableStream) {}
  event(e: RunEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }
  say(text: string): void {
    this.out.write(`${JSON.stringify({ type: 'notice', message: text })}\n`);
  }
  result(o: Outcome): void {
    this.out.write(`${JSON.stringify({ type: 'result', ...o })}\n`);
  }
  close(): void {}
}

/** Plain lines for logs and CI: one line per step start and end. */
class PlainDisplay implements Display {
  constructor(private readonly out: NodeJS.WritableStream) {}
  event(e: RunEvent): void {
    const line = plainLine(e);
    if (line !== undefined) this.out.write(`${line}\n`);
  }
  say(text: string): void {
    this.out.write(`${text}\n`);
  }
  result(o: Outcome): void {
    this.out.write(`${describeOutcome(o)}\n`);
  }
  close(): void {}
}

export function plainLine(e: RunEvent): string | undefined {
  switch (e.type) {
    case 'started': return `started ${e.document} ${e.executionId}`;
    case 'attached': return `following ${e.document} ${e.executionId} (${e.status})`;
    case 'child': return `  child ${e.document} ${e.executionId}${e.plannedCycles > 0 ? ` (${e.plannedCycles} stop/start cycles planned)` : ''}`;
    case 'step': {
      const cyc = cycleText(e);
      const head = `[${clock(e.elapsedSeconds)}] ${e.document === '' ? '' : `${e.document.replace(/^.*?EC2SSHRescue-/, '')} `}${e.step} ${e.status}`;
      if (e.status === 'InProgress') return `${head}${cyc !== '' ? ` (${cyc})` : ''}${e.description !== undefined ? ` — ${e.description}` : ''}`;
      return `${head}${e.cycle !== undefined && e.cycle > 0 ? ` (cycle ${e.cycle})` : ''}${e.failureMessage !== undefined ? `: ${e.failureMessage}` : ''}`;
    }
    case 'status': return `[${clock(e.elapsedSeconds)}] ${e.document} ${e.executionId} ${e.status}`;
    case 'cancel-requested': return `cancel requested for ${e.executionId}; following its cleanup`;
    case 'notice': return `note: ${e.message}`;
  }
}

/** Wraps `text` to `width` columns. */
function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && (line + ' ' + word).length > width) {
      out.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(indent + line);
  return out;
}

/**
 * A panel redrawn in place (ANSI cursor-up and erase-line) with the execution, the current
 * step and what it does, the cycle, elapsed time and the last steps; finished steps scroll
 * above it as lines.
 */
class TtyDisplay implements Display {
  private lines = 0;
  private header = '';
  private rootId = '';
  private child = '';
  private current?: Extract<RunEvent, { type: 'step' }>;
  private elapsed = 0;
  private elapsedAt = Date.now();
  private status = '';
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  private clear(): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\r\x1b[0J`);
    this.lines = 0;
  }

  private draw(): void {
    this.clear();
    const width = Math.max(40, (this.out.columns ?? 100) - 2);
    const secs = this.elapsed + (this.status === 'InProgress' || this.status === 'Cancelling' || this.status === '' ? (Date.now() - this.elapsedAt) / 1000 : 0);
    const panel: string[] = [];
    panel.push(`── ${this.header}  ${this.status || 'starting'}  ${clock(secs)} ──`.slice(0, width));
    if (this.child !== '') panel.push(`   ${this.child}`.slice(0, width));
    if (this.current) {
      const c = this.current;
      const cyc = cycleText(c);
      panel.push(`▶ ${c.step} (${c.action})${cyc !== '' ? `  — ${cyc}` : ''}`.slice(0, width));
      if (c.description !== undefined) panel.push(...wrap(c.description, width - 4, '    '));
    }
    this.out.write(`${panel.join('\n')}\n`);
    // Rows on screen, not lines: a line wider than the terminal wraps onto more rows.
    const cols = Math.max(1, this.out.columns ?? 100);
    this.lines = panel.reduce((n, l) => n + Math.max(1, Math.ceil([...l].length / cols)), 0);
  }

  event(e: RunEvent): void {
    if ('elapsedSeconds' in e) {
      this.elapsed = e.elapsedSeconds;
      this.elapsedAt = Date.now();
    }
    switch (e.type) {
      case 'started':
      case 'attached':
        this.header = `${e.document} ${e.executionId}`;
        this.rootId = e.executionId;
        if (e.type === 'attached') this.status = e.status;
        break;
      case 'child':
        this.child = `child ${e.document} ${e.executionId}`;
        break;
      case 'status':
        if (!e.executionId || this.header.endsWith(e.executionId)) this.status = e.status;
        break;
      case 'step':
        if (e.status === 'InProgress') {
          if (e.action !== 'aws:executeAutomation') this.current = e;
        } else {
          this.clear();
          const mark = e.status === 'Success' ? '✔' : e.status === 'Cancelled' ? '■' : '✘';
          const cyc = cycleText(e);
          // A child execution's steps are indented under the parent step that runs it.
          const indent = e.executionId === this.rootId ? '' : '  ';
          this.out.write(`${mark} ${clock(e.elapsedSeconds)} ${indent}${e.step}${cyc !== '' && e.cycle !== 0 ? ` [cycle ${e.cycle}]` : ''}${e.status !== 'Success' ? ` ${e.status}${e.failureMessage !== undefined ? `: ${e.failureMessage}` : ''}` : ''}\n`);
          if (this.current?.step === e.step) this.current = undefined;
        }
        break;
      case 'cancel-requested':
      case 'notice':
        this.clear();
        this.out.write(`${plainLine(e) ?? ''}\n`);
        break;
    }
    this.draw();
  }

  say(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw();
  }

  result(o: Outcome): void {
    clearInterval(this.timer);
    this.current = undefined;
    this.status = o.status;
    this.elapsed = o.elapsedSeconds;
    this.draw();
    this.lines = 0;
    this.out.write(`${describeOutcome(o)}\n`);
  }

  close(): void {
    clearInterval(this.timer);
  }
}

export function createDisplay(kind: DisplayKind, out: NodeJS.WriteStream): Display {
  if (kind === 'json') return new JsonDisplay(out);
  if (kind === 'plain') return new PlainDisplay(out);
  return new TtyDisplay(out);
}
