import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerPermissions } from './cli/permissions';
import { registerRenderUserData } from './cli/render-userdata';
import { registerRun } from './cli/run';
import { registerSimulate } from './cli/simulate';
import { registerSynth } from './cli/synth';
import { registerValidate } from './cli/validate';

/** The package version, read from package.json so `--version` cannot drift. */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the command-line program; each subcommand lives in src/cli/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('ec2-ssh-rescue')
    .description('Generate, validate and simulate SSM Automation runbooks that repair EC2 SSH access ("Server refused our key").')
    .version(version(), '-V, --version')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerSynth(program);
  registerValidate(program);
  registerRenderUserData(program);
  registerSimulate(program);
  registerRun(program);
  registerPermissions(program);
  return program;
}

/** Runs the CLI; commander sets the exit code for usage errors. */
export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`ec2-ssh-rescue: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
