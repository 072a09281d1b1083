import { Command, InvalidArgumentError, Option } from 'commander';
import { baselineDocument } from '../simulate/baseline';
import { CaseResult, runMatrix } from '../simulate/matrix';
import { RUNBOOK_PROFILES } from '../simulate/runbook-profiles';
import { findScenario, SCENARIOS } from '../simulate/scenarios';
import { Simulator } from '../simulate/simulator';
import { listScenarios, parseSpeed, startServe } from './simulate-serve';

interface SimulateOptions {
  runbook?: string;
  scenario?: string;
  faults: 'all' | 'none';
  seed: number;
  json?: boolean;
  dir: string;
  serve?: boolean;
  port: number;
  scenarioMap?: string;
  speed: string;
  listScenarios?: boolean;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) throw new InvalidArgumentError(`port must be 0..65535, got ${value}`);
  return n;
}

function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`seed must be a whole number, got ${value}`);
  return Number(value);
}

/** One table row per runbook and scenario. */
function summarise(results: readonly CaseResult[]): string[][] {
  const rows = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = `${r.runbook}\u0000${r.scenario}`;
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
  const table = [['runbook', 'scenario', 'no-fault status', 'runs', 'faulted', 'Success', 'Failed', 'TimedOut', 'Cancelled', 'violations']];
  for (const rs of rows.values()) {
    const count = (s: string): string => String(rs.filter((r) => r.status === s).length);
    table.push([
      rs[0].runbook, rs[0].scenario, rs.find((r) => r.fault === 'none')?.status ?? '-', String(rs.length),
      String(rs.filter((r) => r.injected).length), count('Success'), count('Failed'), count('TimedOut'), count('Cancelled'),
      String(rs.reduce((n, r) => n + r.violations.length, 0)),
    ]);
  }
  return table;
}

function format(table: string[][]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

/**
 * Adds `simulate`: runs runbooks in the simulated world over the scenarios, with every fault
 * at every step, and checks the invariants; exit 1 on any violation or simulator error.
 */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run runbooks against a simulated AWS (EC2, Auto Scaling, SSM) with faults injected at every step, and check that nothing is lost')
    .option('--runbook <name>', 'runbook to simulate, by document name (default: the ec2-ssh-rescue runbooks found in --dir)')
    .option('--scenario <name>', `one scenario (${SCENARIOS.map((s) => s.name).join(', ')})`)
    .addOption(new Option('--faults <which>', 'inject every fault at every step, or none').choices(['all', 'none']).default('all'))
    .option('--seed <n>', 'seed of the simulated world (runs are deterministic for a seed)', parseSeed, 1)
    .option('--json', 'print every run as JSON')
    .option('--dir <dir>', 'directory holding the rendered runbooks', 'runbooks')
    .option('--list-scenarios', 'list the scenarios and exit')
    .option('--serve', 'serve the runbooks as a local SSM endpoint on 127.0.0.1 (AWS JSON 1.1) until interrupted')
    .option('--port <n>', 'with --serve: port (0: any free port, printed on stdout)', parsePort, 0)
    .option('--scenario-map <map>', `with --serve: scenario per instance, e.g. i-0123456789abcdef0=in-asg,i-0fedcba9876543210=agent-offline (others: managed-online)`)
    .option('--speed <x>', 'with --serve: virtual seconds per wall-clock second, or max', '30')
    .action(async (opts: SimulateOptions) => {
      if (opts.listScenarios === true) {
        process.stdout.write(`${listScenarios()}\n`);
        return;
      }
      if (opts.serve === true) {
        const served = await startServe({ port: opts.port, scenarioMap: opts.scenarioMap, speed: parseSpeed(opts.speed), dir: opts.dir });
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        process.stderr.write('simulate --serve: stopping (running executions are cancelled and their cleanup finishes first)\n');
        await served.close();
        return;
      }
      if (opts.scenarioMap !== undefined || opts.port !== 0) throw new Error('--scenario-map and --port go with --serve');
      // Everything is checked before the first run.
      const scenarios = opts.scenario === undefined ? SCENARIOS : [findScenario(opts.scenario)];
      const sim = new Simulator([...Simulator.loadDir(opts.dir), baselineDocument()], { pythonWorkers: 2 });
      let runbooks: string[];
      if (opts.runbook !== undefined) {
        if (!sim.documents.has(opts.runbook)) {
          throw new Error(`no runbook named ${opts.runbook} in ${opts.dir} (found: ${[...sim.documents.keys()].join(', ')})`);
        }
        runbooks = [opts.runbook];
      } else {
        runbooks = RUNBOOK_PROFILES.map((p) => p.name).filter((n) => sim.documents.has(n));
        if (runbooks.length === 0) throw new Error(`no ec2-ssh-rescue runbooks (${RUNBOOK_PROFILES.map((p) => p.name).join(', ')}) in ${opts.dir}; run synth first or pass --runbook`);
      }
      const started = Date.now();
      let results: CaseResult[];
      try {
        results = await runMatrix(sim, runbooks, scenarios, { faults: opts.faults, seed: opts.seed });
      } finally {
        await sim.close();
      }
      const seconds = (Date.now() - started) / 1000;
      const violations = results.reduce((n, r) => n + r.violations.length, 0);
      const errors = results.filter((r) => r.error !== undefined);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        process.stdout.write(`${format(summarise(results))}\n`);
        for (const r of results) {
          for (const v of r.violations) process.stdout.write(`VIOLATION ${r.runbook} ${r.scenario} fault=${r.fault} status=${r.status}: ${v.invariant}: ${v.detail}\n`);
          if (r.error !== undefined) process.stdout.write(`SIMULATOR ERROR ${r.runbook} ${r.scenario} fault=${r.fault}: ${r.error}\n`);
        }
      }
      const rate = Math.round(results.length / Math.max(seconds, 0.001) * 60);
      process.stderr.write(`simulate: ${results.length} runs (${results.filter((r) => r.injected).length} with a fault injected) of ${runbooks.length} runbook(s) x ${scenarios.length} scenario(s) in ${seconds.toFixed(1)} s (${rate} runs/min): ${violations} invariant violation(s), ${errors.length} simulator error(s)\n`);
      process.exitCode = violations > 0 || errors.length > 0 ? 1 : 0;
    });
}
