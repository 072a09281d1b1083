import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { parse as parseYaml } from 'yaml';
import { CallLog, ServedEndpoint, SsmEndpoint } from '../../src/simulate/serve';
import { BUCKET, IDS, isolatedAwsEnv, ROLE, RUNBOOK_DIR, startEndpoint } from '../serve/endpoint-fixture';

/** The role and bucket a deployment passes (the runbooks require the role). */
const DEPLOYED = ['--role', ROLE, '--backup-bucket', BUCKET] as const;

/** The package's own executable, as `npx ec2-ssh-rescue` runs it. */
const BIN = path.join(__dirname, '..', '..', 'scripts', 'ec2-ssh-rescue.cjs');

type Json = Record<string, unknown>;

// Each AWS CLI or run process starts Python or Node afresh: seconds apiece on a busy machine.
jest.setTimeout(180_000);
interface Finished { code: number | null; stdout: string; stderr: string }

/** Step descriptions as the rendered runbooks state them. */
function descriptions(doc: string): Map<string, string> {
  const raw = parseYaml(fs.readFileSync(path.join(RUNBOOK_DIR, `${doc}.yaml`), 'utf8')) as { mainSteps: { name: string; description?: string }[] };
  return new Map(raw.mainSteps.map((s) => [s.name, (s.description ?? '').trim()]));
}

describe('ec2-ssh-rescue run against the served simulator', () => {
  let endpoint: SsmEndpoint;
  let served: ServedEndpoint;
  let calls: CallLog[];
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ endpoint, served, calls } = await startEndpoint(40));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2-ssh-rescue-run-'));
    env = isolatedAwsEnv(dir, { CI: 'true' });
  });
  afterAll(async () => {
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (args: readonly string[], extraEnv: Record<string, string> = {}): ChildProcess =>
    spawn(process.execPath, [BIN, 'run', '--endpoint-url', served.url, '--poll-ms', '200', ...args], { env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  const finish = (child: ChildProcess): Promise<Finished> => new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const run = (args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Finished> => finish(start(args, extraEnv));
  const events = (stdout: string): Json[] => stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);

  test('bad input gets a specific error, exit 2, and nothing is started', async () => {
    const pub = path.join(dir, 'id.pub');
    fs.writeFileSync(pub, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtlc3Qta2V5LWZvci10ZXN0cy1vbmx5LW5vdC1yZWFs test@example\n');
    const priv = path.join(dir, 'id');
    fs.writeFileSync(priv, '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    const noCreds = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    const hasPublicKey = 'PublicKey' in (parseYaml(fs.readFileSync(path.join(RUNBOOK_DIR, 'EC2SSHRescue-Repair.yaml'), 'utf8')) as { parameters: Json }).parameters;
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['--instance', 'i-123'], /--instance "i-123" is not an instance id/],
      [['--instance', IDS.online, '--user', 'Root;rm'], /--user "Root;rm" is not a Linux login name/],
      [['--instance', IDS.online, '--public-key', path.join(dir, 'missing.pub')], /--public-key .*missing\.pub cannot be read: ENOENT/],
      [['--instance', IDS.online, '--public-key', priv], /holds a PRIVATE key; pass the \.pub file/],
      [['--instance', IDS.online, '--role', 'my-role'], /--role "my-role" is not an IAM role ARN/],
      [['--instance', IDS.online, '--document-prefix', 'Staging-'], /document Staging-EC2SSHRescue-Repair is not deployed in us-east-1/],
      [['--instance', IDS.online], /no AWS credentials: /, noCreds],
      [['--follow', 'abc'], /--follow "abc" is not an automation execution id/],
      [['--instance', IDS.online, '--role', ROLE, '--backup-bucket', 'My_Bucket'], /--backup-bucket "My_Bucket" is not an S3 bucket name/],
      // The runbooks require the role; without one nothing may start (no stack lookup against an endpoint).
      [['--instance', IDS.online], /the deployed EC2SSHRescue-Repair requires AutomationAssumeRole and no role was found; pass --role ARN/],
    ];
    // PublicKey comes with a newer runbook; until the deployed one has it, --public-key must say so.
    if (!hasPublicKey) cases.push([['--instance', IDS.online, '--public-key', pub], /--public-key needs the PublicKey parameter, which the deployed EC2SSHRescue-Repair does not have/]);
    const before = calls.length;
    const results = await Promise.all(cases.map(([args, , extra]) => run(args, extra)));
    results.forEach((r, i) => {
      expect({ args: cases[i][0], code: r.code }).toEqual({ args: cases[i][0], code: 2 });
      expect(r.stderr).toMatch(cases[i][1]);
    });
    expect(calls.slice(before).filter((c) => c.operation === 'StartAutomationExecution')).toEqual([]);
  });

  test('online: a diagnose reports the findings (exit 1), then a fix repairs (exit 0)', async () => {
    const diagnose = await run(['--instance', IDS.online, ...DEPLOYED]);
    expect(diagnose.stdout).toMatch(/verdict: +needs-fix/);
    expect(diagnose.stdout).toMatch(/path: +online/);
    expect(diagnose.stdout).toMatch(/findings:\n +- \S+ \/home\//);
    expect(diagnose.code).toBe(1);
    const fix = await run(['--instance', IDS.online, '--mode', 'fix', '--user', 'ec2-user', ...DEPLOYED]);
    expect(fix.stdout).toMatch(/verdict: +fixed/);
    expect(fix.stdout).toMatch(/actions:\n +- chmod /);
    expect(fix.code).toBe(0);
    expect(endpoint.worldOf(IDS.online).ec2.instances.get(IDS.online)?.ssh.broken).toBe(false);
  });

  test('offline: --json events name every step in the runbook\'s words and the two stop/start cycles; exit 0', async () => {
    const r = await run(['--instance', IDS.inAsg, '--mode', 'fix', '--allow-offline', '--json', ...DEPLOYED]);
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ type: 'started', document: 'EC2SSHRescue-Repair', parameters: { InstanceId: [IDS.inAsg], Mode: ['Fix'], AllowOffline: ['true'] } });
    expect(ev.find((e) => e.type === 'child')).toMatchObject({ document: 'EC2SSHRescue-FixAccessOffline', plannedCycles: 2 });
    const offline = descriptions('EC2SSHRescue-FixAccessOffline');
    const steps = ev.filter((e) => e.type === 'step' && e.document === 'EC2SSHRescue-FixAccessOffline');
    for (const s of steps) expect(s.description).toBe(offline.get(String(s.step)));
    const cycleOf = (name: string): unknown => steps.find((s) => s.step === name)?.cycle;
    expect(cycleOf('StopInstance')).toBe(1);
    expect(cycleOf('RestoreUserData')).toBe(2);
    const result = ev[ev.length - 1];
    expect(result).toMatchObject({ type: 'result', status: 'Success', verdict: 'fixed', path: 'offline', good: true, exitCode: 0 });
    expect(result.publicIpBefore).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(result.publicIpAfter).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((result.changes as string[]).join('\n')).toMatch(/RestoreUserData: .*restored byte for byte: true/);
  });

  test('refused: an instance whose group is at its minimum size is left alone; exit 1', async () => {
    const r = await run(['--instance', IDS.atMin, '--mode', 'fix', '--allow-offline', ...DEPLOYED]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: Failed after/);
    expect(r.stdout).toMatch(/why: .*Refusing to repair/);
    // Only the lock was taken and released: nothing on the instance or its group changed.
    expect(r.stdout).not.toMatch(/- (StopInstance|EnterStandby|SwapInRepairUserData|StartForRepair)/);
    expect(r.stdout).toMatch(/Result: not repaired\./);
  });

  test('cancelled: Ctrl-C asks, "y" cancels, and the cancel cleanup is shown to the end; exit 3', async () => {
    const child = start(['--instance', IDS.offline, '--mode', 'fix', '--allow-offline', '--json', ...DEPLOYED]);
    const done = finish(child);
    let buffered = '';
    let interrupted = false;
    let answered = false;
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      if (!interrupted && /"step":"StopInstance"/.test(buffered)) {
        interrupted = true;
        child.kill('SIGINT');
      }
      if (interrupted && !answered && /Cancel execution [0-9a-f-]{36}\?/.test(buffered)) {
        answered = true;
        child.stdin?.write('y\n');
      }
    });
    const r = await done;
    expect(answered).toBe(true);
    const ev = events(r.stdout);
    expect(ev.some((e) => e.type === 'cancel-requested')).toBe(true);
    expect(ev.some((e) => e.type === 'step' && e.step === 'CancelCleanup' && e.status === 'Success')).toBe(true);
    expect(ev[ev.length - 1]).toMatchObject({ type: 'result', status: 'Cancelled', good: false, exitCode: 3 });
    expect(r.code).toBe(3);
    const instance = endpoint.worldOf(IDS.offline).ec2.instances.get(IDS.offline);
    expect(instance?.state).toBe('running');
  });

  test('--follow attaches to an execution started elsewhere', async () => {
    const ssm = new SSMClient({ endpoint: served.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
    const { AutomationExecutionId: id } = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: [IDS.online2], Mode: ['Fix'], AutomationAssumeRole: [ROLE] } }));
    ssm.destroy();
    const r = await run(['--follow', String(id)]);
    expect(r.stdout).toMatch(new RegExp(`following EC2SSHRescue-Repair ${String(id)}`));
    expect(r.stdout).toMatch(/verdict: +fixed/);
    expect(r.code).toBe(0);
    expect(served.responseViolations).toEqual([]);
  });
});
