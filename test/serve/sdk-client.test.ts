import {
  DescribeAutomationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { randomUUID } from 'node:crypto';
import { checkInvariants, snapshot } from '../../src/simulate';
import { ServedEndpoint, SsmEndpoint } from '../../src/simulate/serve';
import { BUCKET, IDS, ROLE, sleep, startEndpoint } from './endpoint-fixture';

/** The AWS SDK for JavaScript v3 against the simulator served as an SSM endpoint. */
describe('SSMClient (AWS SDK v3) against simulate --serve', () => {
  let endpoint: SsmEndpoint;
  let served: ServedEndpoint;
  let ssm: SSMClient;

  beforeAll(async () => {
    // 40 virtual seconds per second: an offline repair takes a few seconds, and a cancel can land mid-way.
    ({ endpoint, served } = await startEndpoint(40));
    ssm = new SSMClient({ endpoint: served.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
  });
  afterAll(async () => {
    ssm.destroy();
    await served.close();
  });

  const waitEnd = async (id: string): Promise<string> => {
    for (let i = 0; i < 600; i++) {
      const e = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution;
      const s = e?.AutomationExecutionStatus ?? '';
      if (['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(s)) return s;
      await sleep(100);
    }
    throw new Error(`${id} did not end`);
  };

  test('lists and reads the documents it holds', async () => {
    const docs = await ssm.send(new ListDocumentsCommand({ Filters: [{ Key: 'DocumentType', Values: ['Automation'] }] }));
    expect(docs.DocumentIdentifiers?.map((d) => d.Name).sort()).toEqual(['EC2SSHRescue-FixAccessOffline', 'EC2SSHRescue-FixAccessOnline', 'EC2SSHRescue-Repair']);
    const doc = await ssm.send(new GetDocumentCommand({ Name: 'EC2SSHRescue-Repair', DocumentFormat: 'JSON' }));
    expect(JSON.parse(doc.Content ?? '').schemaVersion).toBe('0.3');
    await expect(ssm.send(new GetDocumentCommand({ Name: 'NoSuchDocument' }))).rejects.toMatchObject({ name: 'InvalidDocument' });
  });

  test('a diagnose on an online node runs to completion and changes nothing', async () => {
    const world = endpoint.worldOf(IDS.online);
    const before = snapshot(world, IDS.online);
    const { AutomationExecutionId: id } = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: [IDS.online], AutomationAssumeRole: [ROLE] } }));
    expect(await waitEnd(id as string)).toBe('Success');
    const e = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution;
    expect(e?.Outputs?.['ResolveTarget.Path']).toEqual(['online']);
    expect(e?.Outputs?.['OnlineVerdict.Verdict']).toEqual(['needs-fix']);
    expect(e?.ExecutionEndTime).toBeInstanceOf(Date);
    // Diagnose leaves everything as it was, the refused key included.
    expect(snapshot(world, IDS.online)).toEqual(before);
    expect(before.sshBroken).toBe(true);
  });

  test('an offline fix in an Auto Scaling group runs to completion; steps, children and records agree', async () => {
    const world = endpoint.worldOf(IDS.inAsg);
    const before = snapshot(world, IDS.inAsg);
    const token = randomUUID();
    const { AutomationExecutionId: id } = await ssm.send(new StartAutomationExecutionCommand({
      DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: [IDS.inAsg], Mode: ['Fix'], AllowOffline: ['true'], AutomationAssumeRole: [ROLE], BackupS3BucketName: [BUCKET] }, ClientToken: token,
    }));
    // The same ClientToken with the same request is the same execution.
    const again = await ssm.send(new StartAutomationExecutionCommand({
      DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: [IDS.inAsg], Mode: ['Fix'], AllowOffline: ['true'], AutomationAssumeRole: [ROLE], BackupS3BucketName: [BUCKET] }, ClientToken: token,
    }));
    expect(again.AutomationExecutionId).toBe(id);
    // While it runs, the child is found by its parent and shows a step in progress.
    let sawRunning = false;
    for (let i = 0; i < 100 && !sawRunning; i++) {
      const kids = await ssm.send(new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ParentExecutionId', Values: [id as string] }] }));
      const kid = kids.AutomationExecutionMetadataList?.[0];
      if (kid?.AutomationExecutionStatus === 'InProgress' && kid.CurrentStepName !== undefined) sawRunning = true;
      else await sleep(100);
    }
    expect(sawRunning).toBe(true);
    expect(await waitEnd(id as string)).toBe('Success');
    const root = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution;
    expect(root?.Outputs?.['OfflineVerdict.Verdict']).toEqual(['fixed']);
    const childId = root?.StepExecutions?.find((s) => s.StepName === 'RunOffline')?.Outputs?.ExecutionId?.[0] as string;
    const child = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: childId }))).AutomationExecution;
    expect(child?.ParentAutomationExecutionId).toBe(id);
    expect(child?.AutomationExecutionStatus).toBe('Success');
    // DescribeAutomationStepExecutions pages through the same steps GetAutomationExecution lists.
    const paged: string[] = [];
    let next: string | undefined;
    do {
      const page = await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: childId, MaxResults: 5, NextToken: next }));
      paged.push(...(page.StepExecutions ?? []).map((s) => `${s.StepName}:${s.StepStatus}:${s.StepExecutionId}`));
      next = page.NextToken;
    } while (next !== undefined);
    expect(paged).toEqual(child?.StepExecutions?.map((s) => `${s.StepName}:${s.StepStatus}:${s.StepExecutionId}`));
    const stops = await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: childId, Filters: [{ Key: 'StepName', Values: ['StopInstance'] }] }));
    expect(stops.StepExecutions?.map((s) => s.StepStatus)).toEqual(['Success']);
    expect(world.ec2.instances.get(IDS.inAsg)?.ssh.broken).toBe(false);
    expect(checkInvariants(before, world, endpoint.finalRecord(id as string) as never, undefined, false)).toEqual([]);
  });

  test('a cancel mid-way ends Cancelled after the cleanup has undone every change', async () => {
    const world = endpoint.worldOf(IDS.offline);
    const before = snapshot(world, IDS.offline);
    const { AutomationExecutionId: id } = await ssm.send(new StartAutomationExecutionCommand({
      DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: [IDS.offline], Mode: ['Fix'], AllowOffline: ['true'], AutomationAssumeRole: [ROLE], BackupS3BucketName: [BUCKET] },
    }));
    // Cancel once the instance has been stopped for the repair.
    let childId: string | undefined;
    for (let i = 0; i < 300; i++) {
      const kids = await ssm.send(new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ParentExecutionId', Values: [id as string] }] }));
      childId = kids.AutomationExecutionMetadataList?.[0]?.AutomationExecutionId;
      if (childId !== undefined) {
        const done = await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: childId, Filters: [{ Key: 'StepName', Values: ['StopInstance'] }, { Key: 'StepExecutionStatus', Values: ['Success'] }] }));
        if ((done.StepExecutions ?? []).length > 0) break;
      }
      await sleep(50);
    }
    expect(childId).toBeDefined();
    await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }));
    const during = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution;
    expect(['Cancelling', 'Cancelled']).toContain(during?.AutomationExecutionStatus);
    expect(await waitEnd(id as string)).toBe('Cancelled');
    const child = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: childId }))).AutomationExecution;
    expect(child?.AutomationExecutionStatus).toBe('Cancelled');
    expect(child?.StepExecutions?.some((s) => s.StepStatus === 'Cancelled')).toBe(true);
    expect(child?.StepExecutions?.find((s) => s.StepName === 'CancelCleanup')?.StepStatus).toBe('Success');
    expect(checkInvariants(before, world, endpoint.finalRecord(id as string) as never, 'cancel', true)).toEqual([]);
    await expect(ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }))).rejects.toMatchObject({ name: 'InvalidAutomationStatusUpdateException' });
  });

  test('bad requests get the model\'s errors, and no response broke the model', async () => {
    await expect(ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'EC2SSHRescue-Repair', Parameters: { InstanceId: ['not-an-instance'], AutomationAssumeRole: [ROLE] } })))
      .rejects.toMatchObject({ name: 'InvalidAutomationExecutionParametersException' });
    await expect(ssm.send(new StartAutomationExecutionCommand({ DocumentName: 'Nope-Repair', Parameters: { InstanceId: [IDS.online] } })))
      .rejects.toMatchObject({ name: 'AutomationDefinitionNotFoundException' });
    await expect(ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: '00000000-0000-0000-0000-000000000000' })))
      .rejects.toMatchObject({ name: 'AutomationExecutionNotFoundException' });
    await expect(ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: 'short' }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(served.responseViolations).toEqual([]);
  });
});
