import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read from package.json so `--version` cannot drift. */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

type Register = (program: Command) => void;

/**
 * Loads a subcommand module synchronously through CommonJS `require` (what tsx and the package's
 * bin use), which keeps the `import()` of an extensionless path out of Node's ESM resolver.
 */
function load<T>(path: string): T {
  return module.require(path) as T;
}

/**
 * Each subcommand lives in src/cli/<name>.ts and is loaded only when it is the one asked for:
 * `run` pulls in the AWS SDK, `permissions` the CDK, `simulate` the simulator, and loading all of
 * them costs about half a second of CPU at start-up that `validate FILE` should not pay.
 */
const SUBCOMMANDS: Readonly<Record<string, () => Register>> = {
  synth: () => load<typeof import('./cli/synth')>('./cli/synth').registerSynth,
  validate: () => load<typeof import('./cli/validate')>('./cli/validate').registerValidate,
  'render-userdata': () => load<typeof import('./cli/render-userdata')>('./cli/render-userdata').registerRenderUserData,
  simulate: () => load<typeof import('./cli/simulate')>('./cli/simulate').registerSimulate,
  run: () => load<typeof import('./cli/run')>('./cli/run').registerRun,
  permissions: () => load<typeof import('./cli/permissions')>('./cli/permissions').registerPermissions,
};

/** The first argument that is not an option: the subcommand commander will dispatch to. */
function subcommandOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/**
 * Builds the command-line program with the subcommands `args` (user arguments, without node and
 * the script) can reach: only the named one when it is known, otherwise all of them, so that
 * `--help`, `help` and unknown-command errors list every subcommand.
 */
export function buildProgram(args: readonly string[] = []): Command {
  const program = new Command('ec2-ssh-rescue')
    .description('Generate, validate and simulate SSM Automation runbooks that repair EC2 SSH access ("Server refused our key").')
    .version(version(), '-V, --version')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  const name = subcommandOf(args);
  const wanted = name !== undefined && name in SUBCOMMANDS ? [name] : Object.keys(SUBCOMMANDS);
  for (const n of wanted) SUBCOMMANDS[n]()(program);
  return program;
}

/** Runs the CLI; commander sets the exit code for usage errors. */
export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram(argv.slice(2)).parseAsync([...argv]);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`ec2-ssh-rescue: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
