import * as fs from 'node:fs';
import * as path from 'node:path';
import { findScenario, SCENARIO_BUCKET, SCENARIO_ROLE_ARN } from '../../src/simulate/scenarios';
import { CallLog, parseScenarioMap, serveEndpoint, ServedEndpoint, SsmEndpoint } from '../../src/simulate/serve';

export const RUNBOOK_DIR = path.join(__dirname, '..', '..', 'runbooks');

/** Instance ids of the scenarios the tests use. */
export const IDS = {
  online: 'i-0a0a0a0a0a0a0a0a1',
  online2: 'i-0a0a0a0a0a0a0a0a2',
  inAsg: 'i-0b0b0b0b0b0b0b0b1',
  offline: 'i-0b0b0b0b0b0b0b0b2',
  offline2: 'i-0b0b0b0b0b0b0b0b3',
  atMin: 'i-0c0c0c0c0c0c0c0c1',
} as const;

/**
 * The role and backup bucket every start passes, as a deployment does: the runbooks require
 * AutomationAssumeRole, and the served worlds hold this bucket (src/simulate/scenarios.ts).
 */
export const ROLE = SCENARIO_ROLE_ARN;
export const BUCKET = SCENARIO_BUCKET;

export const SCENARIO_MAP = `${IDS.inAsg}=in-asg,${IDS.offline}=agent-offline,${IDS.offline2}=agent-offline,${IDS.atMin}=in-asg-at-min`;

/** A local SSM endpoint on 127.0.0.1 (port from the OS) holding the rendered runbooks. */
export async function startEndpoint(speed: number): Promise<{ endpoint: SsmEndpoint; served: ServedEndpoint; calls: CallLog[] }> {
  const endpoint = new SsmEndpoint({ scenarioMap: parseScenarioMap(SCENARIO_MAP), defaultScenario: findScenario('managed-online'), speed, pythonWorkers: 1 });
  for (const f of fs.readdirSync(RUNBOOK_DIR).filter((x) => x.endsWith('.yaml'))) {
    endpoint.addDocument(f.replace(/\.yaml$/, ''), fs.readFileSync(path.join(RUNBOOK_DIR, f), 'utf8'), 'YAML');
  }
  const calls: CallLog[] = [];
  const served = await serveEndpoint(endpoint, { onCall: (c) => calls.push(c) });
  return { endpoint, served, calls };
}

/** Environment for AWS clients that never reads the host's AWS configuration. */
export function isolatedAwsEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(config, '');
  fs.writeFileSync(credentials, '');
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'CI']) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  return {
    ...env,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
