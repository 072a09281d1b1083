import { RepairArgsPlaceholders, repairArgsLineTemplate, repairScriptText } from '../repair/user-data';

/** Quoted-heredoc delimiters; the script and the args line must not contain them as a line. */
export const SCRIPT_DELIMITER = 'EOF_EC2_SSH_RESCUE_SCRIPT';
export const ARGS_DELIMITER = 'EOF_ARGS';

/**
 * The shell program the online runbook runs through AWS-RunShellScript. The repair script and its
 * arguments travel as DATA: both are written through QUOTED heredocs (no expansion of `$`, `` ` ``
 * or `\` inside), the script byte for byte, and the arguments as the one `# ec2-ssh-rescue-args:`
 * line the script reads in user-data mode (env EC2_SSH_RESCUE_USER_DATA points it at the file) and
 * validates like its flags. So a user name is never part of shell code; the runbook parameter
 * pattern already refuses anything but `[a-z0-9._-]`, and the script checks again.
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
