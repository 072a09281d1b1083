/**
 * Renders the Automation runbooks of aws-solutions/automated-security-response-on-aws
 * (Apache-2.0) into test/corpus/documents/, exactly as that solution's CDK app renders
 * them before deploying (source/lib/runbook_factory.ts): `%%SCRIPT=path%%` lines are
 * replaced by the script file indented like the marker, `%%ROLE=name%%` by
 * `name-<namespace>`. The result is the document AWS receives and runs.
 *
 * Run: npx tsx test/corpus/gather-asr.ts <git dir of a clone> (writes the files and
 * prints the commit). Not part of the test run: the rendered documents are committed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const REPO = 'aws-solutions/automated-security-response-on-aws';
/** Stands for the deploy-time namespace the solution appends to role names. */
const NAMESPACE = 'corpus';

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function render(gitDir: string, commit: string, path: string, scriptPath: string, commonScripts: string | undefined): string {
  const script = /^(?<padding>\s+)%%SCRIPT=(?<script>.*)%%/;
  const role = /^(?<prefix>.*)%%ROLE=(?<role>.*)%%(?<suffix>.*)/;
  let out = '';
  for (const line of git(gitDir, 'show', `${commit}:${path}`).split('\n')) {
    const s = script.exec(line);
    const r = role.exec(line);
    if (s?.groups?.script !== undefined) {
      const name = s.groups.script;
      const file = name.startsWith('common/') && commonScripts !== undefined ? `${commonScripts}/${name.replace('common/', '')}` : `${scriptPath}/${name}`;
      out += `${git(gitDir, 'show', `${commit}:${posix.normalize(file)}`).split('\n').map((l) => `${s.groups?.padding ?? ''}${l}`).join('\n')}\n`;
    } else if (r?.groups?.role !== undefined) {
      out += `${r.groups.prefix}${r.groups.role}-${NAMESPACE}${r.groups.suffix}\n`;
    } else {
      out += `${line}\n`;
    }
  }
  return out;
}

function main(): void {
  const gitDir = process.argv[2];
  if (gitDir === undefined) throw new Error('usage: gather-asr.ts <git dir>');
  const commit = git(gitDir, 'rev-parse', 'HEAD').trim();
  const files = git(gitDir, 'ls-tree', '-r', '--name-only', commit).split('\n');
  const out = join(__dirname, 'documents', 'automated-security-response-on-aws');
  let n = 0;
  for (const f of files) {
    let scriptPath: string;
    let common: string | undefined;
    if (/^source\/remediation_runbooks\/[^/]+\.yaml$/.test(f)) {
      scriptPath = 'source/remediation_runbooks/scripts';
    } else if (/^source\/playbooks\/[^/]+\/ssmdocs\/[^/]+\.yaml$/.test(f)) {
      scriptPath = `${dirname(f)}/scripts`;
      common = 'source/playbooks/common';
    } else {
      continue;
    }
    const text = render(gitDir, commit, f, scriptPath, common);
    if (!/^schemaVersion:\s*['"]?0\.3/m.test(text)) continue;
    const target = join(out, f.replace(/^source\//, ''));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    n += 1;
  }
  process.stdout.write(`${REPO} ${commit}: ${n} documents\n`);
}

main();
