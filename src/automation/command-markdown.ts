import { CommandDocument } from './command-document';
import { generatedHeader } from './render';

/**
 * The user-facing page for a Command document: purpose, parameters with their patterns, the steps,
 * and which permission lets a caller send it. Read from the document itself, so it cannot drift.
 */
export function commandDocumentMarkdown(doc: CommandDocument, purpose: string): string {
  const content = doc.toObject();
  const out: string[] = [`<!-- ${generatedHeader(doc.props.source ?? 'src/runbooks')} -->`, '', `# ${doc.name}`, '', purpose, ''];
  out.push('Command document, schemaVersion 2.2. Every parameter is checked by SSM against its pattern or allowed values before the command is sent.', '');
  out.push('## Parameters', '', '| Name | Type | Default | Allowed | Description |', '| --- | --- | --- | --- | --- |');
  for (const p of doc.parameters) {
    const r = p.render();
    const allowed = r.allowedValues !== undefined ? (r.allowedValues as unknown[]).join(', ') : `\`${String(r.allowedPattern)}\``;
    const def = r.default === undefined ? '(required)' : `\`${JSON.stringify(r.default)}\``;
    out.push(`| ${p.name} | ${p.type} | ${cell(def)} | ${cell(allowed)} | ${cell(p.description)} |`);
  }
  out.push('', '## Steps', '', '| Step | Action | Platform | Timeout (s) |', '| --- | --- | --- | --- |');
  for (const s of content.mainSteps as { name: string; action: string; inputs: { timeoutSeconds?: number } }[]) {
    out.push(`| ${s.name} | ${s.action} | Linux | ${s.inputs.timeoutSeconds ?? 3600} |`);
  }
  out.push('', '## IAM permissions', '');
  out.push(`Sending it needs \`ssm:SendCommand\` on \`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${doc.name}\` and on the target instances; the script runs as root with the instance profile's permissions and calls no AWS API.`, '');
  return out.join('\n');
}

/** Escapes a value for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
