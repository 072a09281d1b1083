import { randomUUID } from 'node:crypto';
import * as readline from 'node:readline';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { Command, Option } from 'commander';
import { Clients, connect, roleFromStack, RUNBOOKS_STACK } from '../run/clients';
import { createDisplay, Display, displayKind } from '../run/display';
import { Follower } from '../run/follow';
import { checkExecutionId, checkStartOptions, InputError, StartRequest } from '../run/input';
import { EXIT, explain } from '../run/outcome';
import { fetchRunbook, RunbookInfo } from '../run/runbook-info';

interface RunOptions {
  instance?: string;
  user?: string;
  mode?: string;
  allowOffline?: boolean;
  strict?: boolean;
  publicKey?: string;
  role?: string;
  backupBucket?: string;
  documentPrefix?: string;
  follow?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  json?: boolean;
  pollMs: string;
}

/** The orchestrator `run` starts (src/runbooks/repair.ts). */
export const ENTRY_DOCUMENT = 'EC2SSHRescue-Repair';

/**
 * The StartAutomationExecution parameters for `req`, named as the deployed document
 * declares them; an option whose parameter the document lacks is an error naming both.
 */
export function startParameters(req: StartRequest, doc: RunbookInfo, role: string | undefined): Record<string, string[]> {
  const p: Record<string, string[]> = {};
  const need = (name: string, option: string): void => {
    if (!(name in doc.parameters)) {
      throw new InputError(`${option} needs the ${name} parameter, which the deployed ${doc.name} does not have (it has: ${Object.keys(doc.parameters).join(', ')}); deploy the current runbooks or leave out ${option}`);
    }
  };
  const set = (name: string, option: string, value: string): void => {
    need(name, option);
    const spec = doc.parameters[name];
    if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(value)) {
      throw new InputError(`${option} ${JSON.stringify(value)} does not match what ${doc.name} accepts for ${name} (${spec.allowedPattern})`);
    }
    p[name] = [value];
  };
  set('InstanceId', '--instance', req.instance);
  if (req.user !== undefined) set('UserName', '--user', req.user);
  need('Mode', '--mode');
  const mode = (doc.parameters.Mode.allowedValues ?? []).find((v) => v.toLowerCase() === req.mode);
  if (mode === undefined) throw new InputError(`--mode ${req.mode}: the deployed ${doc.name} allows Mode ${(doc.parameters.Mode.allowedValues ?? []).join(' or ')}`);
  p.Mode = [mode];
  if (req.allowOffline) set('AllowOffline', '--allow-offline', 'true');
  if (req.strict) set('Strict', '--strict', 'true');
  if (req.publicKey !== undefined) set('PublicKey', '--public-key', req.publicKey);
  if (req.backupBucket !== undefined) set('BackupS3BucketName', '--backup-bucket', req.backupBucket);
  if (role !== undefined) set('AutomationAssumeRole', '--role', role);
  else if ('AutomationAssumeRole' in doc.parameters && doc.parameters.AutomationAssumeRole.default === undefined) {
    // The runbooks require the role (they never run with the caller's own permissions), so
    // starting without one would only fail at the first step.
    throw new InputError(`the deployed ${doc.name} requires AutomationAssumeRole and no role was found; pass --role ARN (for example the AutomationAssumeRole output of the ${RUNBOOKS_STACK} stack)`);
  }
  return p;
}

/** Asks one question on the terminal (or stdin); EOF counts as no. */
function ask(display: Display, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    display.say(question);
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(line));
    });
    rl.once('close', () => {
      if (!answered) resolve(false);
    });
  });
}

/** Follows `id` to the end, asking on Ctrl-C whether to cancel it; returns the exit status. */
async function followToEnd(c: Clients, display: Display, id: string, document: string, pollMs: number, known: RunbookInfo | undefined): Promise<number> {
  const follower = new Follower(c.ssm, id, (e) => display.event(e), { pollMs, region: c.region });
  if (known) follower.know(known);
  let asking = false;
  let asked = false;
  let cancelled = false;
  const onInterrupt = (): void => {
    if (asking || cancelled) {
      // A second Ctrl-C while asking, or after the cancel was sent: leave the execution alone.
      display.say(`detached; the execution goes on. Follow it again with: ec2-ssh-rescue run --follow ${id}`);
      follower.stop();
      process.exit(EXIT.notGood);
    }
    asking = true;
    asked = true;
    void ask(display, `Cancel execution ${id}? Its cancel cleanup then undoes every change. [y/N]`).then(async (yes) => {
      asking = false;
      if (!yes) {
        display.say('not cancelled; following on (Ctrl-C again to ask again)');
        return;
      }
      try {
        // Type Cancel: the running step is cancelled and the runbook's onCancel path runs
        // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StopAutomationExecution.html).
        await c.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }));
        cancelled = true;
        display.event({ type: 'cancel-requested', executionId: id });
      } catch (e) {
        display.say(`cancel failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    });
  };
  process.on('SIGINT', onInterrupt);
  try {
    const result = await follower.run(document);
    const outcome = explain(result, follower.runbooks);
    display.result(outcome);
    return outcome.exitCode;
  } finally {
    process.off('SIGINT', onInterrupt);
    display.close();
    // A question read stdin; it would otherwise keep the process alive after the outcome.
    if (asked) process.stdin.destroy();
  }
}

async function runCommand(opts: RunOptions): Promise<number> {
  const pollMs = Number(opts.pollMs);
  if (!Number.isInteger(pollMs) || pollMs < 50) throw new InputError(`--poll-ms must be a whole number of milliseconds >= 50, got ${opts.pollMs}`);
  const display = createDisplay(displayKind(opts.json === true, process.stdout, process.env), process.stdout);
  if (opts.follow !== undefined) {
    const startOnly = (['instance', 'user', 'mode', 'allowOffline', 'strict', 'publicKey', 'role', 'backupBucket'] as const).filter((k) => opts[k] !== undefined);
    if (startOnly.length > 0) throw new InputError(`--follow attaches to a running execution; it does not take ${startOnly.map((k) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`).join(', ')}`);
    const id = checkExecutionId(opts.follow);
    const c = await connect(opts);
    let doc: string;
    let status: string;
    try {
      const e = (await c.ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution;
      doc = e?.DocumentName ?? '';
      status = e?.AutomationExecutionStatus ?? '';
    } catch (e) {
      if ((e as { name?: string }).name === 'AutomationExecutionNotFoundException') throw new InputError(`no automation execution ${id} in ${c.region}`);
      throw e;
    }
    display.event({ type: 'attached', executionId: id, document: doc, status });
    return followToEnd(c, display, id, doc, pollMs, undefined);
  }
  // Every check before the first call that changes anything.
  const req = checkStartOptions(opts);
  const c = await connect(opts);
  const name = `${req.documentPrefix}${ENTRY_DOCUMENT}`;
  const info = await fetchRunbook(c.ssm, name, c.region);
  let role = req.role;
  if (role === undefined && c.endpointUrl === undefined) {
    const found = await roleFromStack(c);
    if (found.role !== undefined) role = found.role;
    else if (!('AutomationAssumeRole' in info.parameters) || info.parameters.AutomationAssumeRole.default !== undefined) {
      display.say(`note: no --role and ${found.why ?? `no ${RUNBOOKS_STACK} stack`}; the automation runs with your own permissions`);
    } else throw new InputError(`no --role and ${found.why ?? `no ${RUNBOOKS_STACK} stack`}; the deployed ${info.name} requires AutomationAssumeRole: pass --role ARN`);
  }
  const parameters = startParameters(req, info, role);
  const started = await c.ssm.send(new StartAutomationExecutionCommand({ DocumentName: name, Parameters: parameters, ClientToken: randomUUID() }));
  const id = started.AutomationExecutionId;
  if (id === undefined) throw new Error('StartAutomationExecution returned no AutomationExecutionId');
  display.event({ type: 'started', executionId: id, document: name, parameters });
  return followToEnd(c, display, id, name, pollMs, info);
}

/** Registers `run`: start (or follow) a rescue and show its progress and outcome. */
export function registerRun(program: Command, setExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program
    .command('run')
    .description(`start ${ENTRY_DOCUMENT} on an instance (or follow an execution), show its progress live and explain the outcome; exit 0 only when the key is accepted (verdict ok or fixed)`)
    .option('--instance <id>', 'instance id (i-…) or EC2 instance ARN')
    .option('--user <name>', 'login user whose key is refused (default: detect the AMI default user)')
    .addOption(new Option('--mode <mode>', 'diagnose (the default) changes nothing; fix repairs').choices(['diagnose', 'fix']))
    .option('--allow-offline', 'allow the offline repair, which STOPS and restarts the instance when the SSM Agent is not online')
    .option('--strict', "also set AWS's recommended modes (home 0700, ~/.ssh 0700, keys 0600)")
    .option('--public-key <file>', 'OpenSSH public key (.pub) to install for the user')
    .option('--role <arn>', `automation role (default: the AutomationAssumeRole output of the ${RUNBOOKS_STACK} stack)`)
    .option('--backup-bucket <name>', 'S3 bucket that keeps the original user data during an offline repair (BackupS3BucketName), e.g. the backup bucket of the runbooks stack')
    .option('--document-prefix <prefix>', 'prefix the documents were deployed with', '')
    .option('--follow <execution-id>', 'attach to an existing execution instead of starting one')
    .option('--profile <name>', 'AWS profile (shared config/credentials files)')
    .option('--region <region>', 'AWS Region')
    .option('--endpoint-url <url>', 'SSM endpoint to use instead of AWS, e.g. the one of `simulate --serve`')
    .option('--json', 'one JSON object per line for each event, then the result')
    .addOption(new Option('--poll-ms <ms>', 'how often to poll the execution').default('2000'))
    .action(async (opts: RunOptions) => {
      try {
        setExit(await runCommand(opts));
      } catch (e) {
        if (e instanceof InputError) {
          process.stderr.write(`ec2-ssh-rescue run: ${e.message}\n`);
          setExit(EXIT.badInput);
          return;
        }
        throw e;
      }
    });
}


