import { Command, InvalidArgumentError } from 'commander';
import { formatPolicyReport, policyReport } from '../automation/policy-report';
import { allDocuments } from '../runbooks';

function parseTag(value: string): { key: string; value: string } {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`--instance-tag must be key=value, got "${value}"`);
  return { key: value.slice(0, at), value: value.slice(at + 1) };
}

/**
 * Adds `permissions`: prints, per runbook, every IAM action with its resources and conditions and
 * the step that needs it; exit 1 when an action on `*` could be narrowed to a resource type.
 */
export function registerPermissions(program: Command): void {
  program
    .command('permissions')
    .description('print every IAM action each runbook step needs (resources, conditions, why) and check it against the Service Authorization Reference; exit 1 on any action on * that could be narrowed')
    .option('--instance-tag <key=value>', 'show the tag condition a deployment with this instanceTag adds', parseTag)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { instanceTag?: { key: string; value: string }; json?: boolean }) => {
      const report = await policyReport(allDocuments(), { instanceTag: opts.instanceTag });
      process.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatPolicyReport(report));
      process.exitCode = report.findings.length > 0 ? 1 : 0;
    });
}
