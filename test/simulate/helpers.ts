import { AutomationDocument, parseDocument } from '../../src/simulate/document';
import { StepHooks } from '../../src/simulate/interpreter/execution';
import { AutomationExecution } from '../../src/simulate/interpreter/execution-types';
import { ParameterInput } from '../../src/simulate/interpreter/parameters';
import { Simulator } from '../../src/simulate/simulator';
import { Instance, InstanceSpec } from '../../src/simulate/world/instance';
import { World } from '../../src/simulate/world/world';

export const INSTANCE_ID = 'i-0123456789abcdef0';

/** A document from YAML lines, schemaVersion added. */
export function doc(name: string, body: string): AutomationDocument {
  return parseDocument(`schemaVersion: '0.3'\n${body}`, name);
}

export interface Run {
  readonly execution: AutomationExecution;
  readonly world: World;
  readonly instance: Instance;
}

/** Runs `document` (plus `others` for aws:executeAutomation) against a world with one instance. */
export async function run(
  document: AutomationDocument,
  params: ParameterInput = {},
  options: { instance?: InstanceSpec; others?: AutomationDocument[]; hooks?: StepHooks; sim?: Simulator; world?: World; onCancelLimitSeconds?: number } = {},
): Promise<Run> {
  const sim = options.sim ?? new Simulator();
  sim.add(document);
  for (const o of options.others ?? []) sim.add(o);
  const world = options.world ?? new World({ seed: 7 });
  const instance = world.ec2.instances.get(INSTANCE_ID) ?? world.ec2.add({ instanceId: INSTANCE_ID, ...options.instance });
  try {
    const execution = await sim.run(world, document.name, params, { hooks: options.hooks, onCancelLimitSeconds: options.onCancelLimitSeconds });
    return { execution, world, instance };
  } finally {
    if (!options.sim) await sim.close();
  }
}

/** `StepName:StepStatus` of each step execution, in order. */
export function trace(e: AutomationExecution): string[] {
  return e.StepExecutions.map((s) => `${s.StepName}:${s.StepStatus}`);
}

/** A step that always succeeds and takes no time. */
export function okStep(name: string, extra = ''): string {
  return `  - name: ${name}\n    action: aws:sleep\n${extra}    inputs:\n      Duration: PT1S\n`;
}

/** A step that always fails (asserts the instance is terminated). */
export function failStep(name: string, extra = ''): string {
  return `  - name: ${name}\n    action: aws:assertAwsResourceProperty\n${extra}    inputs:\n      Service: ec2\n      Api: DescribeInstances\n      InstanceIds: ['${INSTANCE_ID}']\n      PropertySelector: $.Reservations[0].Instances[0].State.Name\n      DesiredValues: [terminated]\n`;
}
