import { AutomationDocument } from './document';
import { mermaidFlowchart } from './mermaid';
import { generatedHeader } from './render';

/** One change a runbook makes and how it is undone, as shown in the docs. */
export interface DocumentedChange {
  readonly change: string;
  readonly step: string;
  readonly undo: string;
}

/** What the generated page says beyond the document itself. */
export interface DocumentationExtras {
  readonly purpose: string;
  readonly changes: readonly DocumentedChange[];
}

/**
 * The user-facing page for a runbook: purpose, parameters, outputs, step graph, the exact IAM
 * permissions derived from its steps, and what it changes and how it undoes it. Everything except
 * the purpose and change list is read from the document itself, so docs cannot drift from code.
 */
export function documentMarkdown(doc: AutomationDocument, extras: DocumentationExtras): string {
  const content = doc.toObject();
  const out: string[] = [`<!-- ${generatedHeader(doc.props.source ?? 'src/runbooks')} -->`, '', `# ${doc.name}`, '', extras.purpose, ''];

  out.push('## Parameters', '', '| Name | Type | Default | Allowed | Description |', '| --- | --- | --- | --- | --- |');
  for (const p of doc.props.parameters) {
    const r = p.render();
    const allowed = r.allowedValues !== undefined ? (r.allowedValues as unknown[]).join(', ') : r.allowedPattern !== undefined ? `\`${String(r.allowedPattern)}\`` : '';
    const def = r.default === undefined ? '(required)' : `\`${JSON.stringify(r.default)}\``;
    out.push(`| ${p.name} | ${p.type} | ${cell(def)} | ${cell(allowed)} | ${cell(p.description)} |`);
  }
  out.push('');

  out.push('## Outputs', '');
  const outputs = (content.outputs as string[] | undefined) ?? [];
  out.push(...(outputs.length === 0 ? ['None.'] : outputs.map((o) => `- \`${o}\``)), '');

  out.push('## Steps', '', '```mermaid', mermaidFlowchart(content).trimEnd(), '```', '');
  out.push('| Step | Action | On failure | On cancel |', '| --- | --- | --- | --- |');
  for (const s of content.mainSteps as Record<string, unknown>[]) {
    out.push(`| ${String(s.name)} | ${String(s.action)} | ${String(s.onFailure ?? 'Abort')} | ${String(s.onCancel ?? 'Abort')} |`);
  }
  out.push('');

  out.push('## IAM permissions', '', 'Derived from the steps; this is exactly what the deployed automation role is granted for this runbook.', '');
  out.push('| Actions | Resources | Conditions | Changes an instance |', '| --- | --- | --- | --- |');
  for (const p of doc.permissions()) {
    const conditions = Object.entries(p.conditions ?? {}).flatMap(([op, keys]) => Object.entries(keys).map(([k, v]) => `${op} \`${k}\` = \`${String(v)}\``));
    out.push(`| ${p.actions.map((a) => `\`${a}\``).join('<br/>')} | ${p.resources.map((r) => `\`${r}\``).join('<br/>')} | ${conditions.join('<br/>') || '—'} | ${p.mutatesInstance === true ? 'yes' : 'no'} |`);
  }
  out.push('');

  out.push('## What it changes and how it is undone', '');
  if (extras.changes.length === 0) {
    out.push('Nothing: this runbook only reads.', '');
  } else {
    out.push('| Change | Step | Undo |', '| --- | --- | --- |');
    for (const c of extras.changes) out.push(`| ${cell(c.change)} | ${c.step} | ${cell(c.undo)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Escapes a value for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
