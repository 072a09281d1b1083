/**
 * Outputs an action sets without being declared in the step's `outputs`, from the
 * "Output" section of each action's page (see {@link ACTIONS}). Actions documented with
 * "Output: None" and the API actions, whose outputs are only the declared ones, have
 * no entry.
 */
import { ACTIONS, type OutputDataType } from './actions';

export const BUILT_IN_OUTPUTS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  [...ACTIONS.values()].filter((a) => Object.keys(a.outputs).length > 0).map((a) => [a.name, Object.keys(a.outputs)]),
);

/** Every output `{{ step.X }}` can name for a step: built-ins plus declared ones. */
export function outputsOf(action: string | undefined, declared: readonly string[]): Set<string> {
  return new Set([...(action === undefined ? [] : (BUILT_IN_OUTPUTS[action] ?? [])), ...declared]);
}

/** The data type of a built-in output, if the action has it. */
export function builtInOutputType(action: string | undefined, output: string): OutputDataType | undefined {
  return action === undefined ? undefined : ACTIONS.get(action)?.outputs[output];
}
