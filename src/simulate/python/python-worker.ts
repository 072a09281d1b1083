import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface, Interface } from 'node:readline';
import { AwsApiError, SimulatorLimitationError } from '../errors';

/** Debian's python, which has botocore (the python3 first on PATH may not). */
export const PYTHON = '/usr/bin/python3';

/** What a handler reaches of the simulated world: its API and its virtual clock. */
export interface ScriptWorld {
  call(service: string, operation: string, params: Record<string, unknown>): unknown;
  /** Virtual time in epoch milliseconds. */
  now(): number;
  /** Moves the virtual clock forward (time.sleep in the handler). */
  sleep(ms: number): void;
  /**
   * Whether the script has AWS credentials: only when the execution runs with an assume role
   * (see execute-script.ts). @default true
   */
  readonly credentials?: boolean;
}

/** Result of one handler run. */
export type ScriptResult =
  | { readonly ok: true; readonly value: unknown; readonly log: string }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly log: string };

interface Message {
  type: string;
  [key: string]: unknown;
}

function decodeBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeBytes);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '__bytes__') return Buffer.from(String(o.__bytes__), 'base64');
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeBytes(x);
    return out;
  }
  return v;
}

/**
 * One persistent /usr/bin/python3 process running aws:executeScript handlers, so each
 * script costs a pipe round trip instead of an interpreter start. Runs are serialised.
 */
export class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private readonly buffered: (string | undefined)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Runs queued or running on this worker. */
  pending = 0;
  private stderr = '';
  private exited = false;

  constructor() {
    this.child = spawn(PYTHON, ['-u', path.join(__dirname, 'worker.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (e) => {
      this.stderr += `cannot start ${PYTHON}: ${e.message}`;
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (l) => this.push(l));
    this.lines.on('close', () => {
      this.exited = true;
      this.push(undefined);
    });
  }

  private push(line: string | undefined): void {
    const w = this.waiting.shift();
    if (w) w(line);
    else this.buffered.push(line);
  }

  private async next(): Promise<Message> {
    const line = this.buffered.length > 0 ? this.buffered.shift() : await new Promise<string | undefined>((r) => this.waiting.push(r));
    if (line === undefined) {
      // The boto3 stand-in maps calls through botocore's API models, which Debian packages.
      const hint = /No module named '?botocore/.test(this.stderr) ? ' — install python3-botocore (bash scripts/install-deps.sh)' : '';
      throw new Error(`python worker (${PYTHON}) exited: ${this.stderr.trim() || 'no output'}${hint}`);
    }
    return JSON.parse(line) as Message;
  }

  private send(m: unknown): void {
    this.child.stdin.write(`${JSON.stringify(m)}\n`);
  }

  /** Runs `handler(events, context)` from `script`; boto3 calls and time.sleep go to `world`. */
  run(script: string, handler: string, events: unknown, world: ScriptWorld): Promise<ScriptResult> {
    this.pending++;
    const job = this.queue.then(() => this.runNow(script, handler, events, world)).finally(() => {
      this.pending--;
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(script: string, handler: string, events: unknown, world: ScriptWorld): Promise<ScriptResult> {
    if (this.exited) throw new Error(`python worker is not running: ${this.stderr.trim()}`);
    const now = (): number => world.now() / 1000;
    this.send({ type: 'run', script, handler, events, credentials: world.credentials !== false, now: now() });
    let limitation: SimulatorLimitationError | undefined;
    for (;;) {
      const m = await this.next();
      if (m.type === 'ready') continue;
      if (m.type === 'sleep') {
        world.sleep(Math.max(0, Number(m.seconds)) * 1000);
        this.send({ type: 'result', ok: true, value: null, now: now() });
        continue;
      }
      if (m.type === 'call') {
        try {
          const value = world.call(String(m.service), String(m.operation), decodeBytes(m.params) as Record<string, unknown>);
          this.send({ type: 'result', ok: true, value, now: now() });
        } catch (e) {
          if (e instanceof AwsApiError) this.send({ type: 'result', ok: false, code: e.code, message: e.awsMessage, now: now() });
          else {
            limitation = e instanceof SimulatorLimitationError ? e : new SimulatorLimitationError(String(e));
            this.send({ type: 'result', ok: false, code: 'SimulatorLimitation', message: limitation.message, now: now() });
          }
        }
        continue;
      }
      if (limitation) throw limitation;
      const log = String(m.log ?? '');
      if (m.ok === true) return { ok: true, value: decodeBytes(m.value), log };
      return { ok: false, errorType: String(m.errorType), errorMessage: String(m.errorMessage), log };
    }
  }

  /** Ends the worker: closes its stdin and waits; kills only this child if it does not exit. */
  async close(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await done;
    clearTimeout(timer);
  }
}
