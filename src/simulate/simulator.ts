import * as fs from 'node:fs';
import * as path from 'node:path';
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
 * loaded documents (for aws:executeAutomation) and one persistent Python worker for
 * aws:executeScript; call close() when done.
 */
export class Simulator {
  readonly documents = new Map<string, AutomationDocument>();
  private worker?: PythonWorker;

  constructor(documents: Iterable<AutomationDocument> = []) {
    for (const d of documents) this.add(d);
  }

  /** Registers a document under its name (replacing one of the same name). */
  add(doc: AutomationDocument): this {
    this.documents.set(doc.name, doc);
    return this;
  }

  /** Parses every `*.yaml` / `*.yml` / `*.json` document in `dir`, named after the file. */
  static loadDir(dir: string): AutomationDocument[] {
    if (!fs.existsSync(dir)) throw new Error(`runbook directory ${dir} does not exist`);
    return fs.readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => parseDocument(fs.readFileSync(path.join(dir, f), 'utf8'), f.replace(/\.(ya?ml|json)$/, '')));
  }

  /** Starts `documentName` with `parameters` in `world` and runs it to the end. */
  run(world: World, documentName: string, parameters: ParameterInput, options: RunOptions = {}): Promise<AutomationExecution> {
    return this.start(world, documentName, parameters, 0, options);
  }

  private start(world: World, documentName: string, parameters: ParameterInput, depth: number, options: RunOptions): Promise<AutomationExecution> {
    const doc = this.documents.get(documentName);
    if (!doc) throw new Error(`no document named ${documentName} is loaded (loaded: ${[...this.documents.keys()].join(', ') || 'none'})`);
    const host: ExecutionHost = {
      world,
      documents: this.documents,
      python: () => this.python(),
      runChild: (name, params, parentDepth) => {
        if (parentDepth + 1 > MAX_DEPTH) throw new Error(`aws:executeAutomation nested deeper than ${MAX_DEPTH}`);
        return this.start(world, name, params, parentDepth + 1, options);
      },
    };
    return new Execution(host, doc, parameters, depth, { hooks: options.hooks, onCancelLimitSeconds: options.onCancelLimitSeconds }).run();
  }

  private python(): PythonWorker {
    this.worker ??= new PythonWorker();
    return this.worker;
  }

  /** Stops the Python worker, if one was started. */
  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }
}
