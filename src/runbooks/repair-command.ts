import { CommandDocument, Parameter } from '../automation';
import {
  FINGERPRINT_PATTERN, KEY_PAIR_NAME_PATTERN, RepairArgsPlaceholders, repairArgsLineTemplate, repairScriptText, REQUEST_ID_PATTERN,
} from '../repair/user-data';
import { KEY_PAIR_STEP } from './key-pair';
import { RepairParameters, repairArgs } from './parameters';

/** Quoted-heredoc delimiters; the script and the args line must not contain them as a line. */
export const SCRIPT_DELIMITER = 'EOF_EC2_SSH_RESCUE_SCRIPT';
export const ARGS_DELIMITER = 'EOF_ARGS';

/** Name of the project's own Command document that runs the repair script on a managed node. */
export const REPAIR_COMMAND_DOCUMENT = 'EC2SSHRescue-RepairCommand';

/** Seconds the repair script may run on the node before the agent stops it. */
export const REPAIR_COMMAND_TIMEOUT_SECONDS = 600;

/** The Command document parameter that carries the Automation execution id as the request id. */
const REQUEST_ID_PARAMETER = 'RequestId';

/**
 * The shell program that runs the repair script. The repair script and its arguments travel as
 * DATA: both are written through QUOTED heredocs (no expansion of `$`, `` ` `` or `\` inside), the
 * script byte for byte, and the arguments as the one `# ec2-ssh-rescue-args:` line the script reads
 * in user-data mode (env EC2_SSH_RESCUE_USER_DATA points it at the file) and validates like its
 * flags. So a user name is never part of shell code; the document parameter pattern already
 * refuses anything but `[a-z0-9._-]`, and the script checks again.
 *
 * The JSON report is printed FIRST: the aws:runCommand `Output` keeps only the first 2500
 * characters (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-runcommand.html),
 * so the readable lines follow it. The command exits 0 whenever the script produced a report, so
 * the parse step (not the transport) decides the execution's result from the verdict.
 */
export function repairCommand(args: RepairArgsPlaceholders): string {
  const script = repairScriptText();
  if (!script.endsWith('\n')) throw new Error('the repair script must end with a newline to travel byte for byte in a heredoc');
  if (script.split('\n').includes(SCRIPT_DELIMITER)) throw new Error(`the repair script contains the heredoc delimiter line ${SCRIPT_DELIMITER}`);
  const argsLine = repairArgsLineTemplate(args);
  return [
    'set -u',
    'd=$(mktemp -d) || exit 1',
    'trap \'rm -rf "$d"\' EXIT',
    `cat >"$d/ssh-access-repair.sh" <<'${SCRIPT_DELIMITER}'`,
    `${script}${SCRIPT_DELIMITER}`,
    `cat >"$d/args" <<'${ARGS_DELIMITER}'`,
    argsLine,
    ARGS_DELIMITER,
    'EC2_SSH_RESCUE_USER_DATA="$d/args" EC2_SSH_RESCUE_STATE_DIR="$d/state" sh "$d/ssh-access-repair.sh" >"$d/out" 2>"$d/err"',
    'rc=$?',
    'report=$(tail -n 1 "$d/out")',
    'printf \'%s\\n\' "$report"',
    'echo "--- ec2-ssh-rescue exit code $rc; readable output:"',
    'sed \'$d\' "$d/out"',
    'cat "$d/err"',
    'case $report in \'{"tool":"ec2-ssh-rescue"\'*) exit 0 ;; esac',
    'exit "$(( rc == 0 ? 1 : rc ))"',
    '',
  ].join('\n');
}

/** One script argument: the Command document parameter that holds it and what the runbook passes. */
interface CommandArgument {
  readonly key: keyof RepairArgsPlaceholders;
  readonly parameter: Parameter<'String'>;
  /** What the online runbook passes for it, e.g. `{{ UserName }}`. */
  readonly runbookValue: string;
}

/**
 * The script's arguments as Command document parameters, derived from the runbooks' own repair
 * parameters and `repairArgs` (declared once in parameters.ts), so an argument added there reaches
 * the Command document, its patterns and the runbook's SendCommand parameters without a second list.
 * A runbook parameter keeps its name, description, default and pattern; a Boolean becomes a String
 * limited to `true`/`false`, because SendCommand passes every parameter value as a string
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html#systemsmanager-SendCommand-request-Parameters).
 * The execution id becomes the `RequestId` parameter, checked with the script's own request-id rule.
 */
export function repairCommandArguments(params: RepairParameters): CommandArgument[] {
  const byName = new Map<string, Parameter>(Object.values(params).map((p: Parameter) => [p.name, p]));
  const placeholders = repairArgs(params);
  return (Object.keys(placeholders) as (keyof RepairArgsPlaceholders)[]).map((key) => {
    const placeholder = placeholders[key];
    const ref = /^\{\{ ?([A-Za-z0-9_:.]+) ?\}\}$/.exec(placeholder)?.[1];
    if (ref === undefined) throw new Error(`repair argument ${key}: ${placeholder} is not one {{ }} reference — pass a parameter or a built-in`);
    if (ref === 'automation:EXECUTION_ID') {
      return {
        key,
        runbookValue: placeholder,
        parameter: Parameter.string(REQUEST_ID_PARAMETER, {
          description: '(Required) Request id the report carries, e.g. the Automation execution id; letters, digits and -.',
          allowedPattern: REQUEST_ID_PATTERN.source,
        }),
      };
    }
    const output = STEP_OUTPUTS[ref];
    if (output !== undefined) return { key, runbookValue: placeholder, parameter: output() };
    const source = byName.get(ref);
    if (source === undefined) throw new Error(`repair argument ${key} reads {{ ${ref} }}, which is not a repair parameter — declare it in repairParameters()`);
    return { key, runbookValue: placeholder, parameter: asCommandParameter(source) };
  });
}

/**
 * Step outputs the runbook passes to the script (the launch key pair read by ReadKeyPair), as
 * Command document parameters with the script's own rules; empty when the instance has no key pair.
 */
const STEP_OUTPUTS: Readonly<Record<string, () => Parameter<'String'>>> = {
  [`${KEY_PAIR_STEP}.Fingerprint`]: () => Parameter.string('KeyPairFingerprint', {
    description: '(Optional) SHA256 fingerprint of the instance\'s launch key pair; the report says which local users authorize it.',
    allowedPattern: `^$|${FINGERPRINT_PATTERN}`,
    default: '',
  }),
  [`${KEY_PAIR_STEP}.KeyName`]: () => Parameter.string('KeyPairName', {
    description: '(Optional) Name of that key pair, shown in the report.',
    allowedPattern: KEY_PAIR_NAME_PATTERN,
    default: '',
  }),
};

/** A runbook parameter as a String parameter of the Command document. */
function asCommandParameter(p: Parameter): Parameter<'String'> {
  const r = p.render() as { type: string; default?: unknown; allowedPattern?: string; allowedValues?: readonly unknown[] };
  if (r.type === 'Boolean') {
    return Parameter.string(p.name, {
      description: p.description,
      allowedValues: ['true', 'false'],
      default: r.default === undefined ? undefined : String(r.default),
    });
  }
  if (r.type !== 'String') throw new Error(`repair parameter ${p.name} is ${r.type}; the Command document takes String and Boolean runbook parameters`);
  return Parameter.string(p.name, {
    description: p.description,
    allowedPattern: r.allowedPattern,
    allowedValues: r.allowedValues as readonly string[] | undefined,
    default: r.default as string | undefined,
  });
}

/**
 * The Command document that runs the repair script (schemaVersion 2.2, aws:runShellScript). The
 * online runbook sends THIS document instead of AWS-RunShellScript, so the automation role can be
 * granted ssm:SendCommand on it alone: whoever may pass the role can run the repair, not any command.
 */
export function repairCommandDocument(params: RepairParameters): CommandDocument {
  const args = repairCommandArguments(params);
  const placeholders = Object.fromEntries(args.map((a) => [a.key, `{{ ${a.parameter.name} }}`])) as unknown as RepairArgsPlaceholders;
  return new CommandDocument({
    name: REPAIR_COMMAND_DOCUMENT,
    description: [
      `# ${REPAIR_COMMAND_DOCUMENT}`,
      '',
      'Runs the ec2-ssh-rescue repair script on a Linux managed node: diagnose (changes nothing) or fix the ownership and',
      'modes sshd refuses; only when asked for, it also installs a public key, re-creates a deleted user, removes a password',
      'lock or an expiry. Every parameter is checked by its allowedPattern or allowedValues before the command is sent,',
      'and reaches the script only as data (a quoted heredoc), never as shell code. The first output line is the script\'s',
      'JSON report. Used by EC2SSHRescue-FixAccessOnline.',
    ].join('\n'),
    parameters: args.map((a) => a.parameter),
    steps: [{ name: 'RunRepairScript', script: repairCommand(placeholders), timeoutSeconds: REPAIR_COMMAND_TIMEOUT_SECONDS }],
    source: 'src/runbooks/repair-command.ts',
  });
}

/** What the online runbook passes to the Command document: each parameter as a one-element list. */
export function repairCommandParameters(params: RepairParameters): { [name: string]: string[] } {
  return Object.fromEntries(repairCommandArguments(params).map((a) => [a.parameter.name, [a.runbookValue]]));
}
