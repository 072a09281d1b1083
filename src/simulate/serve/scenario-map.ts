import { findScenario, Scenario, SCENARIOS } from '../scenarios';

/** Instance ids as EC2 issues them: `i-` and 8 or 17 hex digits. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The scenario every instance id not in the map gets. */
export const DEFAULT_SERVED_SCENARIO = 'managed-online';

/**
 * Parses `i-…=scenario,i-…=scenario` into a map, refusing malformed ids, unknown scenario
 * names and an id given twice.
 */
export function parseScenarioMap(text: string): Map<string, Scenario> {
  const out = new Map<string, Scenario>();
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`--scenario-map: "${item}" is not INSTANCE_ID=SCENARIO`);
    const id = item.slice(0, eq);
    const name = item.slice(eq + 1);
    if (!INSTANCE_ID.test(id)) throw new Error(`--scenario-map: "${id}" is not an instance id (i- and 8 or 17 hex digits)`);
    if (out.has(id)) throw new Error(`--scenario-map: ${id} is given twice`);
    if (!SCENARIOS.some((s) => s.name === name)) throw new Error(`--scenario-map: unknown scenario "${name}" for ${id} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    out.set(id, findScenario(name));
  }
  return out;
}
