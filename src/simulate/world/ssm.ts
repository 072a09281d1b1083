import { VirtualClock } from '../clock';
import { AWS_RUN_SHELL_SCRIPT, CommandDocumentSpec, resolveCommand } from '../command-document';
import { SimulatorLimitationError } from '../errors';
import { draw, Latencies } from '../latency';
import { Rng } from '../rng';
import { Ec2 } from './ec2';
import { Instance } from './instance';
import { ParameterStore } from './parameter-store';
import { ApiParams, filterValues, Operation, ParamReader } from './params';
import { parseArgsLine, parseCommandArgs, runRepair, SCRIPT_MARKER } from './repair-effect';

/** Run Command invocation statuses (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitor-commands.html). */
export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'DeliveryTimedOut' | 'Cancelled';

interface Invocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly documentName: string;
  status: InvocationStatus;
  responseCode: number;
  stdout: string;
  stderr: string;
}

/** Run Command's default delivery timeout (SendCommand TimeoutSeconds, API reference). */
const DEFAULT_DELIVERY_TIMEOUT_S = 3600;

/**
 * Simulated AWS Systems Manager: managed-node information and Run Command. SendCommand resolves
 * the Command document by name (AWS-RunShellScript, or one registered in this account), checks the
 * parameters as SSM does and fills them into the document's script. A script that contains the
 * repair script (its `# ec2-ssh-rescue` marker line) changes the instance's SSH state as the script
 * would; other shell lines cannot be executed on a simulated instance and complete with empty output.
 */
export class Ssm {
  readonly invocations = new Map<string, Invocation>();
  /** Command documents of the account, by name; AWS-RunShellScript is always there (AWS-owned). */
  readonly commandDocuments = new Map<string, CommandDocumentSpec>([[AWS_RUN_SHELL_SCRIPT.name, AWS_RUN_SHELL_SCRIPT]]);
  /** Automation executions of this world, read live (an execution may query itself). */
  private readonly executions = new Map<string, () => Record<string, unknown>>();
  readonly operations: Readonly<Record<string, Operation>>;
  /** Parameter Store (the runbooks' lock). */
  readonly parameterStore: ParameterStore;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: Rng,
    private readonly latencies: Latencies,
    private readonly ec2: Ec2,
    /** Step executions GetAutomationExecution returns before it truncates; undefined: all. */
    private readonly stepExecutionsLimit?: number,
  ) {
    this.parameterStore = new ParameterStore(clock);
    this.operations = {
      ...this.parameterStore.operations,
      DescribeInstanceInformation: (p) => this.describeInstanceInformation(p),
      SendCommand: (p) => this.sendCommand(p),
      GetCommandInvocation: (p) => this.getCommandInvocation(p),
      GetAutomationExecution: (p) => this.getAutomationExecution(p),
      DescribeAutomationStepExecutions: (p) => this.describeAutomationStepExecutions(p),
    };
  }

  /** Creates (or replaces) a Command document in the simulated account. */
  registerCommandDocument(doc: CommandDocumentSpec): void {
    this.commandDocuments.set(doc.name, doc);
  }

  /** Makes an execution visible to GetAutomationExecution; `view` returns its current record. */
  registerExecution(id: string, view: () => Record<string, unknown>): void {
    this.executions.set(id, view);
  }

  private getAutomationExecution(p: ApiParams): unknown {
    const r: ParamReader = this.reader('GetAutomationExecution', p);
    r.only(['AutomationExecutionId']);
    const id = r.string('AutomationExecutionId');
    const view = this.executions.get(id);
    if (!view) return r.fail('AutomationExecutionNotFoundException', `Automation execution ${id} does not exist`);
    const record = view();
    const steps = record.StepExecutions as unknown[] | undefined;
    // A long record comes back cut, with StepExecutionsTruncated set: "If true, use the
    // DescribeAutomationStepExecutions API operation to get the full list of step executions."
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html
    if (this.stepExecutionsLimit !== undefined && steps && steps.length > this.stepExecutionsLimit) {
      return { AutomationExecution: { ...record, StepExecutions: steps.slice(0, this.stepExecutionsLimit), StepExecutionsTruncated: true } };
    }
    return { AutomationExecution: { ...record, StepExecutionsTruncated: false } };
  }

  /**
   * Pages of an execution's step executions: MaxResults 1-50, NextToken absent on the last page
   * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAutomationStepExecutions.html).
   */
  private describeAutomationStepExecutions(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeAutomationStepExecutions', p);
    r.only(['AutomationExecutionId', 'Filters', 'NextToken', 'MaxResults', 'ReverseOrder']);
    const id = r.string('AutomationExecutionId');
    const view = this.executions.get(id);
    if (!view) return r.fail('AutomationExecutionNotFoundException', `Automation execution ${id} does not exist`);
    if (r.list('Filters').length > 0) throw new SimulatorLimitationError('DescribeAutomationStepExecutions Filters are not simulated');
    const max = p.MaxResults === undefined ? 50 : Number(p.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 50) r.fail('ValidationException', 'MaxResults must be between 1 and 50');
    const token = r.optionalString('NextToken');
    const start = token === undefined ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0) r.fail('InvalidNextToken', 'The specified token is not valid.');
    let steps = [...((view().StepExecutions as unknown[] | undefined) ?? [])];
    if (r.boolean('ReverseOrder')) steps = steps.reverse();
    const page = steps.slice(start, start + max);
    return { StepExecutions: page, ...(start + max < steps.length ? { NextToken: String(start + max) } : {}) };
  }

  private reader(op: string, p: ApiParams): ParamReader {
    return new ParamReader('ssm', op, p);
  }

  private describeInstanceInformation(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeInstanceInformation', p);
    r.only(['InstanceInformationFilterList', 'Filters', 'MaxResults', 'NextToken']);
    const ids = filterValues(r.list('Filters'), 'InstanceIds', 'Key', 'Values')
      ?? filterValues(r.list('InstanceInformationFilterList'), 'InstanceIds', 'key', 'valueSet');
    const nodes = [...this.ec2.instances.values()].filter((i) => i.agentRegistered && i.state !== 'terminated' && (!ids || ids.includes(i.instanceId)));
    return {
      InstanceInformationList: nodes.map((i) => ({
        InstanceId: i.instanceId,
        PingStatus: i.agentOnline ? 'Online' : 'ConnectionLost',
        PlatformType: i.platformDetails.startsWith('Windows') ? 'Windows' : 'Linux',
        PlatformName: 'Amazon Linux',
        AgentVersion: '3.3.1142.0',
        ResourceType: 'EC2Instance',
      })),
    };
  }

  private sendCommand(p: ApiParams): unknown {
    const r: ParamReader = this.reader('SendCommand', p);
    r.only(['DocumentName', 'InstanceIds', 'Targets', 'Parameters', 'TimeoutSeconds', 'Comment', 'CloudWatchOutputConfig', 'OutputS3BucketName', 'OutputS3KeyPrefix', 'MaxConcurrency', 'MaxErrors', 'DocumentVersion', 'ServiceRoleArn', 'NotificationConfig']);
    const documentName = r.string('DocumentName');
    // An unknown name is SendCommand's InvalidDocument ("The specified SSM document doesn't exist").
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
    const document = this.commandDocuments.get(documentName);
    if (document === undefined) return r.fail('InvalidDocument', `Document ${documentName} does not exist in your account.`);
    const ids = r.stringList('InstanceIds');
    const parameters = r.struct('Parameters') ?? {};
    const resolved = resolveCommand(document, parameters);
    if ('error' in resolved) return r.fail('InvalidParameters', resolved.error);
    const timeoutMs = Number(p.TimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_S) * 1000;
    // SendCommand refuses instances whose agent is not online (InvalidInstanceId, API reference).
    const targets: Instance[] = ids.map((id) => {
      const i = this.ec2.instances.get(id);
      if (!i || !i.agentRegistered || !i.agentOnline) r.fail('InvalidInstanceId', 'Instances [[' + id + ']] not in a valid state for account 111122223333');
      return i;
    });
    const commandId = `${this.rng.hex(8)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(12)}`;
    const text = resolved.script;
    for (const i of targets) {
      const inv: Invocation = { commandId, instanceId: i.instanceId, documentName, status: 'Pending', responseCode: -1, stdout: '', stderr: '' };
      this.invocations.set(`${commandId}/${i.instanceId}`, inv);
      this.deliver(inv, i, text, timeoutMs);
    }
    return { Command: { CommandId: commandId, DocumentName: documentName, InstanceIds: ids, Parameters: parameters, Status: 'Pending', RequestedDateTime: this.clock.date().toISOString() } };
  }

  private deliver(inv: Invocation, instance: Instance, text: string, timeoutMs: number): void {
    const ms = draw(this.rng, this.latencies.runCommand);
    const deadline = this.clock.now + timeoutMs;
    inv.status = 'InProgress';
    const attempt = (): void => {
      if (inv.status !== 'InProgress') return;
      if (!instance.agentOnline) {
        // The agent picks the command up when it reconnects, unless the delivery timeout passes first.
        if (this.clock.now + ms > deadline) {
          this.clock.schedule(Math.max(0, deadline - this.clock.now), () => {
            if (inv.status === 'InProgress') inv.status = 'DeliveryTimedOut';
          });
        } else this.clock.schedule(ms, attempt);
        return;
      }
      this.execute(inv, instance, text);
    };
    this.clock.schedule(ms, attempt);
  }

  private execute(inv: Invocation, instance: Instance, text: string): void {
    if (!SCRIPT_MARKER.test(text)) {
      inv.status = 'Success';
      inv.responseCode = 0;
      return;
    }
    // Arguments travel as the script's args line (data) when present, else as flags.
    const argsLine = /^# ec2-ssh-rescue-args:(.*)$/m.exec(text);
    const run = runRepair(instance, argsLine ? parseArgsLine(argsLine[1]) : parseCommandArgs(text));
    inv.stdout = run.stdout;
    inv.responseCode = run.exitCode;
    inv.status = run.exitCode === 0 ? 'Success' : 'Failed';
    if (run.exitCode !== 0) inv.stderr = `failed to run commands: exit status ${run.exitCode}`;
  }

  private getCommandInvocation(p: ApiParams): unknown {
    const r: ParamReader = this.reader('GetCommandInvocation', p);
    r.only(['CommandId', 'InstanceId', 'PluginName']);
    const inv = this.invocations.get(`${r.string('CommandId')}/${r.string('InstanceId')}`);
    if (!inv) return r.fail('InvocationDoesNotExist', 'An invocation with the given command id and instance id does not exist');
    return {
      CommandId: inv.commandId,
      InstanceId: inv.instanceId,
      DocumentName: inv.documentName,
      PluginName: 'aws:runShellScript',
      ResponseCode: inv.responseCode,
      Status: inv.status,
      StatusDetails: inv.status,
      StandardOutputContent: inv.stdout.slice(0, 24000),
      StandardErrorContent: inv.stderr.slice(0, 8000),
    };
  }
}
