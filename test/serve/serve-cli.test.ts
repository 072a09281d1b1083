import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ListDocumentsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SCENARIOS } from '../../src/simulate/scenarios';

const BIN = path.join(__dirname, '..', '..', 'scripts', 'ec2-ssh-rescue.cjs');
const REPO = path.join(__dirname, '..', '..');

describe('ec2-ssh-rescue simulate --serve / --list-scenarios', () => {
  test('--list-scenarios names every scenario and the default for --serve', () => {
    const r = spawnSync(process.execPath, [BIN, 'simulate', '--list-scenarios'], { encoding: 'utf8', cwd: REPO });
    expect(r.status).toBe(0);
    for (const s of SCENARIOS) expect(r.stdout).toMatch(new RegExp(`^${s.name} +${s.description.replace(/[()]/g, '.')}`, 'm'));
    expect(r.stdout).toMatch(/^managed-online .*\(default for --serve\)$/m);
  });

  test('a malformed --scenario-map is refused before anything listens', () => {
    const bad = spawnSync(process.execPath, [BIN, 'simulate', '--serve', '--scenario-map', 'i-0123456789abcdef0=no-such-scenario'], { encoding: 'utf8', cwd: REPO });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown scenario "no-such-scenario" for i-0123456789abcdef0/);
    const id = spawnSync(process.execPath, [BIN, 'simulate', '--serve', '--scenario-map', 'web-1=in-asg'], { encoding: 'utf8', cwd: REPO });
    expect(id.stderr).toMatch(/"web-1" is not an instance id/);
  });

  test('listens on 127.0.0.1 on a port the OS picks, prints the URL, and ends on SIGTERM', async () => {
    const server = spawn(process.execPath, [BIN, 'simulate', '--serve', '--port', '0', '--speed', 'max'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (m) resolve(m[1]);
        });
        server.on('exit', (code) => reject(new Error(`server exited ${String(code)}`)));
      });
      const ssm = new SSMClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
      const docs = await ssm.send(new ListDocumentsCommand({}));
      ssm.destroy();
      expect(docs.DocumentIdentifiers?.map((d) => d.Name)).toContain('EC2SSHRescue-Repair');
    } finally {
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
