import { analyzeStepGraph, EdgeKind } from './validate/step-graph';

/** How each kind of control-flow edge is drawn: success edges solid, failure dashed, cancel dotted. */
const EDGE_STYLE: Record<EdgeKind, (label: string) => string> = {
  next: () => '-->',
  fallthrough: () => '-->',
  choice: (l) => `-->|${l}|`,
  default: () => '-->|default|',
  continue: () => '-.->|continue after failure|',
  failure: () => '-.->|on failure|',
  cancel: () => '-.->|on cancel|',
};

/**
 * A Mermaid flowchart of a rendered document's step graph, including failure and cancel edges.
 * Built from the rendered content (what AWS receives), with the validator's own graph analysis, so the
 * picture cannot disagree with what is checked.
 */
export function mermaidFlowchart(content: object): string {
  const graph = analyzeStepGraph(content);
  const lines = ['flowchart TD'];
  for (const step of graph.steps) {
    const shape = step.action === 'aws:branch' ? [`{`, `}`] : [`[`, `]`];
    lines.push(`  ${step.name}${shape[0]}"${step.name}<br/><small>${step.action}</small>"${shape[1]}`);
  }
  for (const step of graph.steps) {
    const choices = Array.isArray(step.inputs?.Choices) ? (step.inputs?.Choices as unknown[]) : [];
    let choiceIndex = 0;
    for (const edge of graph.successors(step.name)) {
      const label = edge.kind === 'choice' ? choiceLabel(choices[choiceIndex++]) : '';
      lines.push(`  ${edge.from} ${EDGE_STYLE[edge.kind](label)} ${edge.to}`);
    }
    if (step.isEnd) lines.push(`  ${step.name} --> End((end))`);
  }
  return `${lines.join('\n')}\n`;
}

/** A short readable label for a branch choice, e.g. `Mode = Fix`. */
function choiceLabel(choice: unknown): string {
  if (typeof choice !== 'object' || choice === null) return 'choice';
  const describe = (c: Record<string, unknown>): string => {
    if (Array.isArray(c.And)) return c.And.map((x) => describe(x as Record<string, unknown>)).join(' and ');
    if (Array.isArray(c.Or)) return c.Or.map((x) => describe(x as Record<string, unknown>)).join(' or ');
    if (typeof c.Not === 'object' && c.Not !== null) return `not ${describe(c.Not as Record<string, unknown>)}`;
    const variable = String(c.Variable ?? '').replace(/[{}\s]/g, '');
    const op = Object.keys(c).find((k) => k !== 'Variable' && k !== 'NextStep') ?? '?';
    return `${variable} ${op === 'StringEquals' || op === 'BooleanEquals' || op === 'NumericEquals' ? '=' : op} ${String(c[op])}`;
  };
  return describe(choice as Record<string, unknown>).replace(/[|"]/g, "'");
}
