/**
 * SSM-SCH-005: an aws:executeScript runtime past its end of support still runs, but will
 * stop getting fixes and may be refused later — a warning with the date.
 */
import { RUNTIME_END_OF_SUPPORT } from '../actions';
import type { Diagnostic } from '../diagnostic';
import type { StepView } from '../document-view';
import { finding } from '../rules';

export function checkScriptRuntime(step: StepView, file: string): Diagnostic[] {
  if (step.action !== 'aws:executeScript' || typeof step.inputs?.Runtime !== 'string') return [];
  const end = RUNTIME_END_OF_SUPPORT[step.inputs.Runtime];
  if (end === undefined) return [];
  return [
    finding(
      'SSM-SCH-005',
      file,
      step.name,
      `Runtime ${step.inputs.Runtime} reached its end of support on ${end.date} (${end.source})`,
      'move the script to a supported runtime, e.g. python3.11 or PowerShell 7.4',
    ),
  ];
}
