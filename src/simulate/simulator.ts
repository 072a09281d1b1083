import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandDocumentSpec, isCommandDocumentText, parseCommandDocument } from './command-document';
import { AutomationDocument, parseDocument } from './document';
import { Execution, StepHooks } from './interpreter/execution';
import { AutomationExecution } from './interpreter/execution-types';
import { ParameterInput } from './interpreter/parameters';
import { ExecutionHost } from './interpreter/step-context';
import { PythonWorker } from './python/python-worker';
import { World } from './world/world';

/** Options of one simulated execution. */
export interface RunOptions {
  /** Fault injection and other step hooks. @default none */
  readonly hooks?: StepHooks;
  /** @default 120 */
  readonly onCancelLimitSeconds?: number;
}

/** Nesting limit for aws:executeAutomation chains (guards against a runbook starting itself). */
const MAX_DEPTH = 5;

/**
 * Runs rendered Automation documents against a simulated world. Holds the registry of
 * loaded documents (for aws:executeAutomation) and persistent Python workers for
 * aws:executeScript; call close() when done.
 */
export interface SimulatorOptions {
  /**
   * Python worker processes for aws:executeScript; more than one lets concurrent executions
   * (see runMatrix) use several cores.
   * @default 1
   */
  readonly pythonWorkers?: number;
}

/** A document the simulator can load: a runbook, or a Command document a runbook sends. */
export type LoadedDocument = AutomationDocument | CommandDocumentSpec;

export class Simulator {
  readonly documents = new Map<string, AutomationDocument>();
  /** Command documents created in every simulated account this simulator runs in. */
  readonly commandDocuments = new Map<string, CommandDocumentSpec>();
  readonly pythonWorkers: number;
  private workers: PythonWorker[] = [];

  constructor(documents: Iterable<LoadedDocument> = [], options: SimulatorOptions = {}) {
    for (const d of documents) this.add(d);
    this.pythonWorkers = Math.max(1, options.pythonWorkers ?? 1);
  }

  /** Registers a document under its name (replacing one of the same name). */
  add(doc: LoadedDocument): this {
    if ('kind' in doc && doc.kind === 'Command') this.commandDocuments.set(doc.name, doc);
    else this.documents.set(doc.name, doc as AutomationDocument);
    return this;
  }

  /** Every loaded document, runbooks first. */
  allDocuments(): LoadedDocument[] {
    return [...this.documents.values(), ...this.commandDocuments.values()];
  }

  /** Parses every `*.yaml` / `*.yml` / `*.json` document in `dir` (runbooks and Command documents), named after the file. */
  static loadDir(dir: string): LoadedDocument[] {
    if (!fs.existsSync(dir)) throw new Error(`runbook directory ${dir} does not exist`);
    return fs.readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        const name = f.replace(/\.(ya?ml|json)$/, '');
        return isCommandDocumentText(text) ? parseCommandDocument(text, name) : parseDocument(text, name);
      });
  }

  /** Starts `documentName` with `parameters` in `world` and runs it to the end. */
  run(world: World, documentName: string, parameters: ParameterInput, options: RunOptions = {}): Promise<AutomationExecution> {
    // The account holds the Command documents the runbooks send, as a deployment creates them.
    for (const c of this.commandDocuments.values()) world.ssm.registerCommandDocument(c);
    return this.start(world, documentName, parameters, 0, options, undefined);
  }

  private start(world: World, documentName: string, parameters: ParameterInput, depth: number, options: RunOptions, parentExecutionId: string | undefined): Promise<AutomationExecution> {
    const doc = this.documents.get(documentName);
    if (!doc) throw new Error(`no document named ${documentName} is loaded (loaded: ${[...this.documents.keys()].join(', ') || 'none'})`);
    const host: ExecutionHost = {
      world,
      documents: this.documents,
      python: () => this.python(),
      runChild: (name, params, parentDepth, parentId) => {
        if (parentDepth + 1 > MAX_DEPTH) throw new Error(`aws:executeAutomation nested deeper than ${MAX_DEPTH}`);
        return this.start(world, name, params, parentDepth + 1, options, parentId);
      },
    };
    return new Execution(host, doc, parameters, depth, { hooks: options.hooks, onCancelLimitSeconds: options.onCancelLimitSeconds, parentExecutionId }).run();
  }

  /** The least busy worker, starting workers lazily up to the configured number. */
  private python(): PythonWorker {
    const idle = this.workers.find((w) => w.pending === 0);
    if (idle) return idle;
    if (this.workers.length < this.pythonWorkers) {
      const w = new PythonWorker();
      this.workers.push(w);
      return w;
    }
    return this.workers.reduce((a, b) => (b.pending < a.pending ? b : a));
  }

  /** Stops the Python workers that were started. */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.close()));
  }
}
