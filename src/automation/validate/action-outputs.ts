/**
 * Outputs an action sets without being declared in the step's `outputs`, from the
 * "Output" section of each action's page under
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html.
 * Actions documented with "Output: None" (aws:changeInstanceState, aws:createTags,
 * aws:sleep, aws:pause, aws:deleteImage, aws:updateVariable) and the API actions,
 * whose outputs are only the declared ones, have no entry.
 */
export const BUILT_IN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  // automation-action-approve.html
  'aws:approve': ['ApprovalStatus', 'ApproverDecisions'],
  // automation-action-runcommand.html
  'aws:runCommand': ['CommandId', 'Status', 'ResponseCode', 'Output'],
  // automation-action-executeAutomation.html
  'aws:executeAutomation': ['ExecutionId', 'Status', 'Output'],
  // automation-action-executeScript.html ("Payload: the JSON representation of the object returned by your function")
  'aws:executeScript': ['Payload'],
  // automation-action-lamb.html
  'aws:invokeLambdaFunction': ['StatusCode', 'FunctionError', 'LogResult', 'Payload'],
  // automation-action-create.html, automation-action-copyimage.html
  'aws:createImage': ['ImageId', 'ImageState'],
  'aws:copyImage': ['ImageId', 'ImageState'],
  // automation-action-loop.html: available to the steps of the loop body
  'aws:loop': ['CurrentIteration', 'CurrentIteratorValue'],
};

/** Every output `{{ step.X }}` can name for a step: built-ins plus declared ones. */
export function outputsOf(action: string | undefined, declared: readonly string[]): Set<string> {
  return new Set([...(action === undefined ? [] : (BUILT_IN_OUTPUTS[action] ?? [])), ...declared]);
}
