import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Synthesizes a stack that StackSets deploy into member accounts, in an App of its own, and writes
 * its template to a file. Member accounts are not CDK-bootstrapped, so the stack must hold no assets
 * and gets no bootstrap-version rule.
 * @param build adds the member stack's constructs
 * @returns the template file and the template
 */
export function synthMemberTemplate(name: string, build: (stack: Stack) => void): { file: string; template: unknown } {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ec2-ssh-rescue-member-')) });
  const stack = new Stack(app, name, { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }), analyticsReporting: false });
  build(stack);
  // The member stack never reaches the app's plugins, so cdk-nag runs on it here.
  const report = new AwsSolutionsChecks().validateScope(stack);
  if (!report.success) {
    const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    throw new Error(`${name}: cdk-nag AwsSolutions findings:\n${findings.map((f) => `  - ${f}`).join('\n')}`);
  }
  const artifact = app.synth().getStackArtifact(stack.artifactId);
  if (artifact.assets.length > 0) {
    throw new Error(`${name}: a StackSet member template cannot carry assets (${artifact.assets.length} found) — member accounts have no asset bucket`);
  }
  const file = join(app.outdir, `${name}.stackset.json`);
  writeFileSync(file, JSON.stringify(artifact.template));
  return { file, template: artifact.template };
}
