import * as fs from 'node:fs';
import * as path from 'node:path';
import { findScenario, SCENARIOS } from '../simulate/scenarios';
import { SsmEndpoint } from '../simulate/serve/endpoint';
import { serveEndpoint, ServedEndpoint } from '../simulate/serve/http-server';
import { DEFAULT_SERVED_SCENARIO, parseScenarioMap } from '../simulate/serve/scenario-map';

/** Options of `simulate --serve`. */
export interface ServeCliOptions {
  readonly port: number;
  readonly scenarioMap?: string;
  readonly speed: number;
  readonly dir: string;
  readonly quiet?: boolean;
}

/** `simulate --list-scenarios`: one line per scenario. */
export function listScenarios(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map((s) => `${s.name.padEnd(width)}  ${s.description}${s.name === DEFAULT_SERVED_SCENARIO ? ' (default for --serve)' : ''}`).join('\n');
}

/** `--speed`: virtual seconds per wall second, or `max` to run without waiting. */
export function parseSpeed(value: string): number {
  if (value === 'max') return Infinity;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new Error(`--speed must be a positive number (virtual seconds per second) or max, got ${value}`);
  return n;
}

/** Checks everything, loads the runbooks of `dir`, listens and prints the endpoint's URL. */
export async function startServe(opts: ServeCliOptions): Promise<ServedEndpoint> {
  const scenarioMap = parseScenarioMap(opts.scenarioMap ?? '');
  if (!fs.existsSync(opts.dir)) throw new Error(`runbook directory ${opts.dir} does not exist; run synth first or pass --dir`);
  const files = fs.readdirSync(opts.dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no .yaml or .json documents in ${opts.dir}`);
  const endpoint = new SsmEndpoint({ scenarioMap, defaultScenario: findScenario(DEFAULT_SERVED_SCENARIO), speed: opts.speed });
  for (const f of files) {
    endpoint.addDocument(f.replace(/\.(ya?ml|json)$/, ''), fs.readFileSync(path.join(opts.dir, f), 'utf8'), f.endsWith('.json') ? 'JSON' : 'YAML');
  }
  const served = await serveEndpoint(endpoint, {
    port: opts.port,
    onCall: opts.quiet === true ? undefined : (c) => process.stderr.write(`${new Date().toISOString()} ${c.operation} ${c.status}${c.error !== undefined ? ` ${c.error}` : ''}\n`),
  });
  const mapped = [...scenarioMap].map(([id, s]) => `${id}=${s.name}`).join(', ');
  process.stdout.write(`${served.url}\n`);
  process.stderr.write(`simulate --serve: SSM endpoint on ${served.url} with ${files.length} document(s) from ${opts.dir}; scenarios: ${mapped || 'none mapped'}, any other instance: ${DEFAULT_SERVED_SCENARIO}; virtual clock ${Number.isFinite(opts.speed) ? `${opts.speed}x` : 'unpaced'}\n`);
  process.stderr.write(`try: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws --region us-east-1 --endpoint-url ${served.url} ssm list-documents\n`);
  return served;
}
