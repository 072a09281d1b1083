/**
 * SSM-SCH-006: aws:executeScript calls the Python function named by `Handler`
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html:
 * "Handler: The name of the function"); when the inline Script does not define it, the
 * step fails every time it runs.
 */
import type { Diagnostic } from '../diagnostic';
import type { StepView } from '../document-view';
import { finding } from '../rules';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names a Python module defines at top level with def, assignment or import. */
export function definesName(script: string, name: string): boolean {
  const n = escape(name);
  return [
    new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${n}[ \\t]*\\(`, 'm'),
    new RegExp(`^${n}[ \\t]*(?::[^=\\n]*)?=`, 'm'),
    new RegExp(`^(?:from[ \\t]+\\S+[ \\t]+)?import[ \\t]+(?:.*,[ \\t]*)?(?:\\S+[ \\t]+as[ \\t]+)?${n}\\b`, 'm'),
  ].some((re) => re.test(script));
}

export function checkScriptHandler(step: StepView, file: string): Diagnostic[] {
  const inputs = step.inputs;
  if (step.action !== 'aws:executeScript' || inputs === undefined) return [];
  const { Runtime: runtime, Handler: handler, Script: script } = inputs;
  if (typeof runtime !== 'string' || !runtime.startsWith('python') || typeof handler !== 'string' || typeof script !== 'string') return [];
  if ('Attachment' in inputs || handler.includes('{{') || script.includes('{{')) return []; // code or name known only at run time
  const name = handler.split('.').pop() ?? handler;
  if (definesName(script, name)) return [];
  const defined = [...script.matchAll(/^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
  return [
    finding(
      'SSM-SCH-006',
      file,
      step.name,
      `Handler "${handler}" is not defined by the Script${defined.length > 0 ? `; it defines ${defined.join(', ')}` : ''}`,
      'set Handler to the name of the function the script defines, or define it',
    ),
  ];
}
