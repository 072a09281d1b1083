import { join } from 'node:path';
import { parseCommandDocument } from '../../src/simulate/command-document';
import { AwsApiError } from '../../src/simulate/errors';
import { buildWorld, findScenario, scenarioParameters } from '../../src/simulate/scenarios';
import { Simulator } from '../../src/simulate/simulator';
import { World } from '../../src/simulate/world/world';
import { ONLINE_RUNBOOK } from '../../src/runbooks/online';
import { REPAIR_COMMAND_DOCUMENT, repairCommandDocument } from '../../src/runbooks/repair-command';
import { repairParameters } from '../../src/runbooks/parameters';
import { INSTANCE_ID } from './helpers';

const RUNBOOKS = join(__dirname, '../../runbooks');

// GIVEN a simulated account holding the rendered repair Command document
function world(): World {
  const w = new World({ seed: 5 });
  w.ec2.add({ instanceId: INSTANCE_ID });
  w.ssm.registerCommandDocument(parseCommandDocument(repairCommandDocument(repairParameters()).toYaml(), REPAIR_COMMAND_DOCUMENT));
  return w;
}

const good = { UserName: ['ec2-user'], Mode: ['fix'], Strict: ['false'], Recursive: ['false'], RequestId: ['exec-1'] };

function send(w: World, parameters: Record<string, unknown>, documentName = REPAIR_COMMAND_DOCUMENT): Record<string, unknown> {
  const sent = w.call('ssm', 'SendCommand', { DocumentName: documentName, InstanceIds: [INSTANCE_ID], Parameters: parameters }) as { Command: { CommandId: string } };
  w.clock.advanceBy(30_000);
  return w.call('ssm', 'GetCommandInvocation', { CommandId: sent.Command.CommandId, InstanceId: INSTANCE_ID });
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AwsApiError) return `${e.code}: ${e.awsMessage}`;
    throw e;
  }
  throw new Error('expected an AWS error');
}

describe('simulated Run Command with the project\'s Command document', () => {
  test('SendCommand fills the parameters into the document\'s script and the agent runs the repair', () => {
    const w = world();
    // WHEN the document is sent with valid parameters
    const inv = send(w, good) as { Status: string; StandardOutputContent: string; DocumentName: string };
    // THEN the script (identified by its own text, with the args line SSM filled in) ran
    expect(inv.Status).toBe('Success');
    expect(inv.DocumentName).toBe(REPAIR_COMMAND_DOCUMENT);
    expect(JSON.parse(inv.StandardOutputContent.trim().split('\n').at(-1) ?? '')).toMatchObject({ verdict: 'fixed', user: 'ec2-user', requestId: 'exec-1' });
    expect(w.ec2.instances.get(INSTANCE_ID)?.ssh.broken).toBe(false);
  });

  test('a value outside the parameter\'s pattern is InvalidParameters and nothing runs', () => {
    const w = world();
    expect(errorCode(() => send(w, { ...good, UserName: ['x;touch /tmp/p'] }))).toMatch(/^InvalidParameters: Parameter "UserName" value "x;touch \/tmp\/p" does not match the allowed pattern/);
    expect(errorCode(() => send(w, { ...good, Mode: ['wipe'] }))).toMatch(/^InvalidParameters: Parameter "Mode" value "wipe" is not one of the allowed values/);
    expect(errorCode(() => send(w, { ...good, commands: ['id'] }))).toMatch(/^InvalidParameters: Parameter "commands" is not defined/);
    const noRequest: Record<string, string[]> = { ...good };
    delete noRequest.RequestId;
    expect(errorCode(() => send(w, noRequest))).toMatch(/^InvalidParameters: Parameter "RequestId" is required/);
    expect(w.ssm.invocations.size).toBe(0);
    expect(w.ec2.instances.get(INSTANCE_ID)?.ssh.broken).toBe(true);
  });

  test('a document the account does not hold is InvalidDocument', () => {
    const w = new World({ seed: 5 });
    w.ec2.add({ instanceId: INSTANCE_ID });
    expect(errorCode(() => send(w, good))).toMatch(/^InvalidDocument: Document EC2SSHRescue-RepairCommand does not exist/);
  });

  test('the online runbook loaded from runbooks/ repairs through the document, and fails without it', async () => {
    const scenario = findScenario('managed-online');
    const loaded = Simulator.loadDir(RUNBOOKS);
    const withCommand = new Simulator(loaded);
    expect([...withCommand.commandDocuments.keys()]).toEqual([REPAIR_COMMAND_DOCUMENT]);
    const a = buildWorld(scenario, { seed: 3 });
    try {
      const ok = await withCommand.run(a.world, ONLINE_RUNBOOK, scenarioParameters(withCommand.documents.get(ONLINE_RUNBOOK)!, a.instance));
      expect(ok.AutomationExecutionStatus).toBe('Success');
      expect(a.instance.ssh.broken).toBe(false);
    } finally {
      await withCommand.close();
    }
    const without = new Simulator(loaded.filter((d) => d.name !== REPAIR_COMMAND_DOCUMENT));
    const b = buildWorld(scenario, { seed: 3 });
    try {
      const failed = await without.run(b.world, ONLINE_RUNBOOK, scenarioParameters(without.documents.get(ONLINE_RUNBOOK)!, b.instance));
      expect(failed.AutomationExecutionStatus).toBe('Failed');
      expect(JSON.stringify(failed.StepExecutions.find((s) => s.StepName === 'RunRepair'))).toContain('InvalidDocument');
      expect(b.instance.ssh.broken).toBe(true);
    } finally {
      await without.close();
    }
  });
});
