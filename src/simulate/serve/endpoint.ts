import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { CommandDocumentSpec, isCommandDocumentText, parseCommandDocument } from '../command-document';
import { AutomationDocument, parseDocument, StepSpec } from '../document';
import { StepHooks } from '../interpreter/execution';
import { AutomationExecution } from '../interpreter/execution-types';
import { ParameterError, resolveParameters } from '../interpreter/parameters';
import { Scenario, seedScenario } from '../scenarios';
import { Simulator } from '../simulator';
import { World } from '../world/world';

/** An error the endpoint answers with: an error shape of the API model and its message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A document the endpoint holds, with the text it was created from. */
interface HeldDocument {
  /** A runbook, or a Command document a runbook sends (aws:runCommand). */
  readonly doc: AutomationDocument | CommandDocumentSpec;
  readonly type: 'Automation' | 'Command';
  readonly content: string;
  readonly format: 'YAML' | 'JSON';
  readonly createdMs: number;
  readonly hash: string;
}

/** One simulated account per target instance, so each instance id has its own scenario. */
interface ServedWorld {
  readonly world: World;
  readonly scenario: Scenario;
  /** Wall time that virtual time 0 stands for in API timestamps. */
  readonly epochWall: number;
  anchorWall: number;
  anchorVirtual: number;
  running: number;
}

interface ServedExecution {
  readonly id: string;
  readonly documentName: string;
  readonly parentId?: string;
  readonly served: ServedWorld;
  readonly parameters?: Record<string, string[]>;
  readonly children: string[];
  current?: { readonly step: StepSpec; readonly startVirtual: number };
  cancel: 'none' | 'requested' | 'delivered';
  /** Set when the simulator itself failed (a gap in the simulation), not the runbook. */
  error?: string;
  final?: AutomationExecution;
  /** Stable step execution ids, by position. */
  readonly stepIds: string[];
}

/** Options of {@link SsmEndpoint}. */
export interface EndpointOptions {
  /** Scenario of each instance id; others get `defaultScenario`. */
  readonly scenarioMap: ReadonlyMap<string, Scenario>;
  readonly defaultScenario: Scenario;
  /**
   * Virtual seconds per wall-clock second; Infinity runs without waiting.
   * @default 30
   */
  readonly speed?: number;
  /** @default '111122223333' */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 2 */
  readonly pythonWorkers?: number;
}

type Json = Record<string, unknown>;

/** Terminal statuses (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html). */
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A v4-looking UUID derived from `seed`, so a step keeps its id across calls. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Instance id from an InstanceId parameter value: an id or an instance ARN. */
function instanceOf(parameters: Record<string, string[]>): string | undefined {
  const v = parameters.InstanceId?.[0] ?? parameters.InstanceIds?.[0];
  return v === undefined ? undefined : v.slice(v.lastIndexOf('/') + 1);
}

/**
 * The SSM Automation API over the simulator: documents, executions started on a world per
 * target instance, step executions observed live, cancellation. Operations take and return
 * the JSON of the API model (timestamps as epoch seconds); http-server.ts validates both
 * sides against the model.
 */
export class SsmEndpoint {
  readonly simulator: Simulator;
  readonly speed: number;
  readonly accountId: string;
  readonly region: string;
  private readonly documents = new Map<string, HeldDocument>();
  private readonly worlds = new Map<string, ServedWorld>();
  private readonly executions = new Map<string, ServedExecution>();
  private readonly clientTokens = new Map<string, { id: string; request: string }>();
  private readonly runs = new Set<Promise<unknown>>();
  private worldSeed = 1;

  constructor(private readonly options: EndpointOptions) {
    this.simulator = new Simulator([], { pythonWorkers: options.pythonWorkers ?? 2 });
    this.speed = options.speed ?? 30;
    if (!(this.speed > 0)) throw new Error(`speed must be a positive number, got ${this.speed}`);
    this.accountId = options.accountId ?? '111122223333';
    this.region = options.region ?? 'us-east-1';
  }

  /** Holds a document as CreateDocument would, without the API call (documents from --dir). */
  addDocument(name: string, content: string, format: 'YAML' | 'JSON', type?: string): void {
    const command = type === 'Command' || (type === undefined && isCommandDocumentText(content));
    const doc = command ? this.parseCommand(name, content, format) : this.parse(name, content, format);
    this.documents.set(name, { doc, type: command ? 'Command' : 'Automation', content, format, createdMs: Date.now(), hash: createHash('sha256').update(content).digest('hex') });
    this.simulator.add(doc);
  }

  private parseCommand(name: string, content: string, format: string): CommandDocumentSpec {
    if (format === 'JSON') this.parse(name, content, 'JSON-syntax');
    try {
      return parseCommandDocument(content, name);
    } catch (e) {
      throw new ApiError('InvalidDocumentContent', (e as Error).message);
    }
  }

  /** Every execution's record as GetAutomationExecution returns it (for comparisons in tests). */
  record(id: string): Json {
    return (this.getAutomationExecution({ AutomationExecutionId: id }) as { AutomationExecution: Json }).AutomationExecution;
  }

  /** The world an instance id lives in, created with its scenario if needed (tests inspect it). */
  worldOf(instanceId: string): World {
    return (this.worlds.get(instanceId) ?? this.worldFor(instanceId)).world;
  }

  /** The simulator's own final record of a root execution, once it has ended. */
  finalRecord(id: string): AutomationExecution | undefined {
    return this.executions.get(id)?.final;
  }

  /** Runs an operation on model-shaped input; throws ApiError. */
  async call(operation: string, input: Json): Promise<Json> {
    switch (operation) {
      case 'StartAutomationExecution': return this.startAutomationExecution(input);
      case 'GetAutomationExecution': return this.getAutomationExecution(input);
      case 'DescribeAutomationStepExecutions': return this.describeAutomationStepExecutions(input);
      case 'DescribeAutomationExecutions': return this.describeAutomationExecutions(input);
      case 'StopAutomationExecution': return this.stopAutomationExecution(input);
      case 'CreateDocument': return this.createDocument(input);
      case 'GetDocument': return this.getDocument(input);
      case 'ListDocuments': return this.listDocuments(input);
      default:
        throw new ApiError('UnknownOperationException', `the local SSM endpoint does not implement ${operation}; it answers StartAutomationExecution, GetAutomationExecution, DescribeAutomationExecutions, DescribeAutomationStepExecutions, StopAutomationExecution, CreateDocument, GetDocument and ListDocuments`);
    }
  }

  /** Waits for running executions to end (their cancel paths included), then stops Python. */
  async close(): Promise<void> {
    for (const e of this.executions.values()) if (e.parentId === undefined && !e.final) e.cancel = e.cancel === 'none' ? 'requested' : e.cancel;
    await Promise.allSettled([...this.runs]);
    await this.simulator.close();
  }

  // ---- documents ----

  private parse(name: string, content: string, format: string): AutomationDocument {
    if (format === 'JSON' || format === 'JSON-syntax') {
      try {
        JSON.parse(content);
      } catch (e) {
        throw new ApiError('InvalidDocumentContent', `DocumentFormat is JSON but the content is not JSON: ${(e as Error).message}`);
      }
      if (format === 'JSON-syntax') return undefined as never;
    } else if (format !== 'YAML') {
      throw new ApiError('InvalidDocumentContent', `the local SSM endpoint holds YAML and JSON Automation documents, not ${format}`);
    }
    let raw: unknown;
    try {
      raw = parseYaml(content);
    } catch (e) {
      throw new ApiError('InvalidDocumentContent', (e as Error).message);
    }
    if (typeof raw === 'object' && raw !== null && (raw as Json).schemaVersion !== '0.3') {
      throw new ApiError('InvalidDocumentSchemaVersion', `Automation documents use schemaVersion 0.3, got ${JSON.stringify((raw as Json).schemaVersion)}`);
    }
    try {
      return parseDocument(content, name);
    } catch (e) {
      throw new ApiError('InvalidDocumentContent', (e as Error).message);
    }
  }

  private held(name: unknown, version: unknown, notFound: string): HeldDocument {
    const held = this.documents.get(String(name));
    if (!held) throw new ApiError(notFound, `Document with name ${String(name)} does not exist.`);
    // Every held document has exactly one version, 1, which is also $LATEST and $DEFAULT.
    if (version !== undefined && !['1', '$LATEST', '$DEFAULT'].includes(String(version))) {
      throw new ApiError(notFound === 'InvalidDocument' ? 'InvalidDocumentVersion' : 'AutomationDefinitionVersionNotFoundException', `Document ${String(name)} has no version ${String(version)} (only 1).`);
    }
    return held;
  }

  private description(name: string, h: HeldDocument): Json {
    return {
      Hash: h.hash,
      HashType: 'Sha256',
      Name: name,
      Owner: this.accountId,
      CreatedDate: h.createdMs / 1000,
      Status: 'Active',
      DocumentVersion: '1',
      ...('description' in h.doc && typeof h.doc.description === 'string' ? { Description: h.doc.description } : {}),
      PlatformTypes: ['Windows', 'Linux', 'MacOS'],
      DocumentType: h.type,
      SchemaVersion: h.type === 'Automation' ? '0.3' : '2.2',
      LatestVersion: '1',
      DefaultVersion: '1',
      DocumentFormat: h.format,
    };
  }

  private createDocument(input: Json): Json {
    const name = String(input.Name);
    const type = String(input.DocumentType ?? 'Command');
    if (type !== 'Automation' && type !== 'Command') {
      throw new ApiError('InvalidDocumentContent', `the local SSM endpoint holds Automation and Command documents; DocumentType ${type} is not simulated`);
    }
    // CreateDocument's DocumentFormat defaults to JSON (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html).
    const format = String(input.DocumentFormat ?? 'JSON');
    if (this.documents.has(name)) throw new ApiError('DocumentAlreadyExists', `Document with same name ${name} already exists`);
    this.addDocument(name, String(input.Content), format as 'YAML' | 'JSON', type);
    return { DocumentDescription: this.description(name, this.documents.get(name) as HeldDocument) };
  }

  private getDocument(input: Json): Json {
    const name = String(input.Name);
    const h = this.held(name, input.DocumentVersion, 'InvalidDocument');
    const format = String(input.DocumentFormat ?? h.format);
    let content = h.content;
    if (format !== h.format) {
      const raw: unknown = parseYaml(h.content);
      content = format === 'JSON' ? JSON.stringify(raw, null, 2) : toYaml(raw);
    }
    return {
      Name: name,
      CreatedDate: h.createdMs / 1000,
      DocumentVersion: '1',
      Status: 'Active',
      Content: content,
      DocumentType: h.type,
      DocumentFormat: format,
    };
  }

  private listDocuments(input: Json): Json {
    if (input.DocumentFilterList !== undefined) throw new ApiError('InvalidFilterKey', 'the local SSM endpoint supports Filters, not the legacy DocumentFilterList');
    let names = [...this.documents.keys()].sort();
    for (const f of (input.Filters ?? []) as { Key: string; Values?: string[] }[]) {
      const values = f.Values ?? [];
      if (f.Key === 'Name') names = names.filter((n) => values.includes(n));
      else if (f.Key === 'DocumentType') names = names.filter((n) => values.includes(this.documents.get(n)?.type ?? ''));
      else if (f.Key === 'Owner') names = names.filter(() => values.some((v) => ['Self', 'Private', 'All'].includes(v)));
      else if (f.Key === 'SchemaVersion') names = names.filter((n) => values.includes(this.documents.get(n)?.type === 'Automation' ? '0.3' : '2.2'));
      else throw new ApiError('InvalidFilterKey', `the local SSM endpoint filters documents by Name, DocumentType, Owner and SchemaVersion, not ${f.Key}`);
    }
    const { page, next } = this.paginate(names, input);
    return {
      DocumentIdentifiers: page.map((n) => {
        const h = this.documents.get(n) as HeldDocument;
        return { Name: n, CreatedDate: h.createdMs / 1000, Owner: this.accountId, PlatformTypes: ['Windows', 'Linux', 'MacOS'], DocumentVersion: '1', DocumentType: h.type, SchemaVersion: h.type === 'Automation' ? '0.3' : '2.2', DocumentFormat: h.format };
      }),
      ...(next !== undefined ? { NextToken: next } : {}),
    };
  }

  private paginate<T>(items: readonly T[], input: Json): { page: T[]; next?: string } {
    const start = input.NextToken === undefined ? 0 : Number.parseInt(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new ApiError('InvalidNextToken', 'The specified token is not valid.');
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : 50;
    const page = items.slice(start, start + max);
    const end = start + page.length;
    return { page, next: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
  }

  // ---- executions ----

  private worldFor(instanceId: string | undefined): ServedWorld {
    const key = instanceId ?? '';
    let served = this.worlds.get(key);
    if (!served) {
      const scenario = (instanceId !== undefined ? this.options.scenarioMap.get(instanceId) : undefined) ?? this.options.defaultScenario;
      // A seed per world keeps execution ids distinct between instances.
      const world = new World({ seed: this.worldSeed++ * 7919, accountId: this.accountId, region: this.region });
      // The scenario's backup bucket and KMS keys come with the instance: the runbooks keep the
      // original user data in a bucket (BackupS3BucketName) and check volume keys before a stop.
      if (instanceId !== undefined) seedScenario(world, scenario, instanceId, `asg-${instanceId.slice(2, 10)}`);
      const now = Date.now();
      served = { world, scenario, epochWall: now, anchorWall: now, anchorVirtual: 0, running: 0 };
      this.worlds.set(key, served);
    }
    if (served.running === 0) {
      // An idle world's clock catches up with the wall clock, then time runs at `speed` from here.
      const { clock } = served.world;
      clock.advanceTo(Math.max(clock.now, Date.now() - served.epochWall));
      served.anchorWall = Date.now();
      served.anchorVirtual = clock.now;
    }
    return served;
  }

  /** Waits until the wall clock has caught up with the world's virtual clock at `speed`. */
  private async pace(served: ServedWorld, rec: ServedExecution): Promise<void> {
    if (!Number.isFinite(this.speed)) {
      await new Promise((r) => setImmediate(r));
      return;
    }
    const due = served.anchorWall + (served.world.clock.now - served.anchorVirtual) / this.speed;
    if (Date.now() >= due) {
      // Behind schedule (a slow host, Python starting): time runs at `speed` from here on
      // instead of racing to catch up, so every step stays visible for its share of time.
      served.anchorWall = Date.now();
      served.anchorVirtual = served.world.clock.now;
      return;
    }
    // Short sleeps so a cancel request is noticed while the step is shown running.
    while (Date.now() < due && rec.cancel !== 'requested') await sleep(Math.min(100, due - Date.now()));
  }

  private hooks(served: ServedWorld, rootParameters: Record<string, string[]>): StepHooks {
    return {
      onExecutionStart: (id, document, parentId) => {
        const parent = parentId === undefined ? undefined : this.executions.get(parentId);
        parent?.children.push(id);
        this.executions.set(id, {
          id, documentName: document, parentId, served, children: [], cancel: parent?.cancel === 'requested' ? 'requested' : 'none', stepIds: [],
          ...(parentId === undefined ? { parameters: rootParameters } : {}),
        });
      },
      onStepStart: (_document, step, id) => {
        const rec = this.executions.get(id);
        if (rec) rec.current = { step, startVirtual: served.world.clock.now };
        return undefined;
      },
      afterStep: async (_document, _step, id) => {
        const rec = this.executions.get(id);
        if (!rec) return undefined;
        await this.pace(served, rec);
        rec.current = undefined;
        if (rec.cancel === 'requested') {
          rec.cancel = 'delivered';
          return { cancel: true };
        }
        return undefined;
      },
    };
  }

  private startAutomationExecution(input: Json): Json {
    for (const unsupported of ['Targets', 'TargetMaps', 'TargetParameterName', 'TargetLocations', 'TargetLocationsURL', 'MaxConcurrency', 'MaxErrors', 'AlarmConfiguration']) {
      if (input[unsupported] !== undefined) throw new ApiError('InvalidAutomationExecutionParametersException', `the local SSM endpoint runs single-target executions; ${unsupported} is not simulated`);
    }
    if (input.Mode !== undefined && input.Mode !== 'Auto') throw new ApiError('InvalidAutomationExecutionParametersException', `the local SSM endpoint runs Mode Auto only, not ${String(input.Mode)}`);
    const name = String(input.DocumentName);
    const held = this.held(name, input.DocumentVersion, 'AutomationDefinitionNotFoundException');
    if (held.type !== 'Automation') throw new ApiError('AutomationDefinitionNotFoundException', `${name} is a Command document, not an Automation runbook`);
    const parameters = (input.Parameters ?? {}) as Record<string, string[]>;
    // ClientToken makes the call idempotent (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html).
    const requestKey = JSON.stringify([name, input.DocumentVersion ?? null, parameters]);
    if (typeof input.ClientToken === 'string') {
      const seen = this.clientTokens.get(input.ClientToken);
      if (seen && seen.request !== requestKey) throw new ApiError('IdempotentParameterMismatch', 'The ClientToken was used before with different parameters.');
      if (seen) return { AutomationExecutionId: seen.id };
    }
    try {
      resolveParameters(held.doc as AutomationDocument, parameters);
    } catch (e) {
      if (e instanceof ParameterError) throw new ApiError('InvalidAutomationExecutionParametersException', e.message);
      throw e;
    }
    const served = this.worldFor(instanceOf(parameters));
    let rootId: string | undefined;
    const hooks = this.hooks(served, parameters);
    const observe: StepHooks = {
      ...hooks,
      onExecutionStart: (id, document, parentId) => {
        if (parentId === undefined) rootId = id;
        hooks.onExecutionStart?.(id, document, parentId);
      },
    };
    served.running++;
    const run = this.simulator.run(served.world, name, parameters, { hooks: observe });
    // onExecutionStart ran synchronously inside run(), so the id is known here.
    const id = rootId as string;
    const tracked = run.then(
      (final) => {
        const rec = this.executions.get(id);
        if (rec) rec.final = final;
      },
      (e: unknown) => {
        for (const rec of this.tree(id)) rec.error = `simulator error: ${e instanceof Error ? e.message : String(e)}`;
      },
    ).finally(() => {
      served.running--;
      this.runs.delete(tracked);
    });
    this.runs.add(tracked);
    if (typeof input.ClientToken === 'string') this.clientTokens.set(input.ClientToken, { id, request: requestKey });
    return { AutomationExecutionId: id };
  }

  private tree(id: string): ServedExecution[] {
    const rec = this.executions.get(id);
    if (!rec) return [];
    return [rec, ...rec.children.flatMap((c) => this.tree(c))];
  }

  private find(id: unknown): ServedExecution {
    const rec = this.executions.get(String(id));
    if (!rec) throw new ApiError('AutomationExecutionNotFoundException', `Automation Execution ${String(id)} was not found`);
    return rec;
  }

  /** The engine's live record (steps so far, or the final one). */
  private live(rec: ServedExecution): Json {
    const op = rec.served.world.ssm.operations.GetAutomationExecution;
    return (op({ AutomationExecutionId: rec.id }) as { AutomationExecution: Json }).AutomationExecution;
  }

  private status(rec: ServedExecution, live: Json): string {
    if (rec.error !== undefined) return 'Failed';
    const s = String(live.AutomationExecutionStatus);
    if (TERMINAL.has(s)) return s;
    return rec.cancel === 'none' ? 'InProgress' : 'Cancelling';
  }

  private time(rec: ServedExecution, iso: unknown): number {
    return (Date.parse(String(iso)) - rec.served.world.clock.epochMs + rec.served.epochWall) / 1000;
  }

  private stepExecutions(rec: ServedExecution, live: Json): Json[] {
    const held = this.documents.get(rec.documentName);
    const doc = held?.type === 'Automation' ? (held.doc as AutomationDocument) : undefined;
    const spec = (name: string): StepSpec | undefined => doc?.mainSteps.find((s) => s.name === name);
    const steps = (live.StepExecutions ?? []) as Json[];
    const out: Json[] = steps.map((s, i) => {
      rec.stepIds[i] ??= stableUuid(`${rec.id}/${i}`);
      const st = spec(String(s.StepName));
      return {
        StepName: s.StepName,
        Action: s.Action,
        ...(st?.timeoutSeconds !== undefined ? { TimeoutSeconds: st.timeoutSeconds } : {}),
        OnFailure: s.OnFailure,
        MaxAttempts: st?.maxAttempts ?? 1,
        ExecutionStartTime: this.time(rec, s.ExecutionStartTime),
        ExecutionEndTime: this.time(rec, s.ExecutionEndTime),
        StepStatus: s.StepStatus,
        ...(s.Outputs !== undefined ? { Outputs: apiOutputs(s.Outputs as Record<string, string[]>) } : {}),
        ...(s.FailureMessage !== undefined ? { FailureMessage: String(s.FailureMessage).slice(0, 2048) } : {}),
        StepExecutionId: rec.stepIds[i],
        ...(st?.isEnd !== undefined ? { IsEnd: st.isEnd } : {}),
        ...(st?.nextStep !== undefined ? { NextStep: st.nextStep } : {}),
        IsCritical: s.IsCritical,
      };
    });
    if (rec.current && rec.error === undefined && !TERMINAL.has(String(live.AutomationExecutionStatus))) {
      const i = steps.length;
      rec.stepIds[i] ??= stableUuid(`${rec.id}/${i}`);
      const st = rec.current.step;
      out.push({
        StepName: st.name,
        Action: st.action,
        ...(st.timeoutSeconds !== undefined ? { TimeoutSeconds: st.timeoutSeconds } : {}),
        OnFailure: st.onFailure ?? 'Abort',
        MaxAttempts: st.maxAttempts ?? 1,
        ExecutionStartTime: (rec.current.startVirtual + rec.served.epochWall) / 1000,
        StepStatus: 'InProgress',
        StepExecutionId: rec.stepIds[i],
        IsCritical: st.isCritical ?? (st.onFailure ?? 'Abort') !== 'Continue',
      });
    }
    return out;
  }

  private getAutomationExecution(input: Json): Json {
    const rec = this.find(input.AutomationExecutionId);
    const live = this.live(rec);
    const status = this.status(rec, live);
    const steps = this.stepExecutions(rec, live);
    const failure = rec.error ?? (live.FailureMessage as string | undefined);
    const parameters = (live.Parameters as Record<string, string[]> | undefined) ?? rec.parameters;
    const outputs = apiOutputs((live.Outputs ?? {}) as Record<string, string[]>);
    const current = steps.find((s) => s.StepStatus === 'InProgress');
    return {
      AutomationExecution: {
        AutomationExecutionId: rec.id,
        DocumentName: rec.documentName,
        DocumentVersion: '1',
        ExecutionStartTime: this.time(rec, live.ExecutionStartTime),
        ...(TERMINAL.has(status) && live.ExecutionEndTime !== undefined ? { ExecutionEndTime: this.time(rec, live.ExecutionEndTime) } : {}),
        AutomationExecutionStatus: status,
        StepExecutions: steps,
        StepExecutionsTruncated: false,
        ...(parameters !== undefined && Object.keys(parameters).length > 0 ? { Parameters: apiOutputs(parameters) } : {}),
        // Maps hold at least one entry in the model; an execution without outputs yet has none.
        ...(Object.keys(outputs).length > 0 ? { Outputs: outputs } : {}),
        ...(failure !== undefined && status !== 'Success' ? { FailureMessage: failure.slice(0, 2048) } : {}),
        Mode: 'Auto',
        ...(rec.parentId !== undefined ? { ParentAutomationExecutionId: rec.parentId } : {}),
        ExecutedBy: `arn:aws:sts::${this.accountId}:assumed-role/local/simulator`,
        ...(current ? { CurrentStepName: current.StepName, CurrentAction: current.Action } : {}),
      },
    };
  }

  private describeAutomationStepExecutions(input: Json): Json {
    const rec = this.find(input.AutomationExecutionId);
    let steps = this.stepExecutions(rec, this.live(rec));
    for (const f of (input.Filters ?? []) as { Key: string; Values: string[] }[]) {
      const match = (s: Json): boolean => {
        switch (f.Key) {
          case 'StepName': return f.Values.includes(String(s.StepName));
          case 'Action': return f.Values.includes(String(s.Action));
          case 'StepExecutionStatus': return f.Values.includes(String(s.StepStatus));
          case 'StepExecutionId': return f.Values.includes(String(s.StepExecutionId));
          case 'StartTimeBefore': return f.Values.some((v) => Number(s.ExecutionStartTime) * 1000 <= Date.parse(v));
          case 'StartTimeAfter': return f.Values.some((v) => Number(s.ExecutionStartTime) * 1000 >= Date.parse(v));
          default: throw new ApiError('InvalidFilterKey', `the local SSM endpoint filters step executions by StepName, Action, StepExecutionStatus, StepExecutionId, StartTimeBefore and StartTimeAfter, not ${f.Key}`);
        }
      };
      steps = steps.filter(match);
    }
    if (input.ReverseOrder === true) steps.reverse();
    const { page, next } = this.paginate(steps, input);
    return { StepExecutions: page, ...(next !== undefined ? { NextToken: next } : {}) };
  }

  /**
   * Lists executions, newest first, filtered by ExecutionId, ParentExecutionId (how a client
   * finds the child of an aws:executeAutomation step while it runs), DocumentNamePrefix
   * and ExecutionStatus
   * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecutionFilter.html).
   */
  private describeAutomationExecutions(input: Json): Json {
    let list = [...this.executions.values()].reverse().map((rec) => ({ rec, e: (this.getAutomationExecution({ AutomationExecutionId: rec.id }) as { AutomationExecution: Json }).AutomationExecution }));
    for (const f of (input.Filters ?? []) as { Key: string; Values: string[] }[]) {
      const test = (x: { rec: ServedExecution; e: Json }): boolean => {
        switch (f.Key) {
          case 'ExecutionId': return f.Values.includes(x.rec.id);
          case 'ParentExecutionId': return x.rec.parentId !== undefined && f.Values.includes(x.rec.parentId);
          case 'DocumentNamePrefix': return f.Values.some((v) => x.rec.documentName.startsWith(v));
          case 'ExecutionStatus': return f.Values.includes(String(x.e.AutomationExecutionStatus));
          default: throw new ApiError('InvalidFilterKey', `the local SSM endpoint filters executions by ExecutionId, ParentExecutionId, DocumentNamePrefix and ExecutionStatus, not ${f.Key}`);
        }
      };
      list = list.filter(test);
    }
    const { page, next } = this.paginate(list, input);
    const keep = ['AutomationExecutionId', 'DocumentName', 'DocumentVersion', 'AutomationExecutionStatus', 'ExecutionStartTime', 'ExecutionEndTime', 'ExecutedBy', 'Outputs', 'Mode', 'ParentAutomationExecutionId', 'CurrentStepName', 'CurrentAction', 'FailureMessage'];
    return {
      AutomationExecutionMetadataList: page.map(({ e }) => {
        const m: Json = { AutomationType: 'Local' };
        for (const k of keep) if (e[k] !== undefined) m[k] = e[k];
        return m;
      }),
      ...(next !== undefined ? { NextToken: next } : {}),
    };
  }

  /**
   * Type Cancel (the default) cancels the execution; its running step ends Cancelled and the
   * step's onCancel path runs. Children started by it are cancelled with it.
   * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StopAutomationExecution.html
   */
  private stopAutomationExecution(input: Json): Json {
    const rec = this.find(input.AutomationExecutionId);
    const live = this.live(rec);
    if (TERMINAL.has(this.status(rec, live))) {
      throw new ApiError('InvalidAutomationStatusUpdateException', `Automation Execution ${rec.id} has already ended (${this.status(rec, live)}).`);
    }
    if ((input.Type ?? 'Cancel') !== 'Cancel') {
      throw new ApiError('InvalidAutomationStatusUpdateException', 'Type Complete applies to executions waiting for approval; the local SSM endpoint cancels only (Type Cancel).');
    }
    for (const r of this.tree(rec.id)) if (r.cancel === 'none' && !r.final) r.cancel = 'requested';
    return {};
  }
}

/** Outputs and parameters as the API carries them: a map of string lists. */
function apiOutputs(map: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, values] of Object.entries(map)) out[k] = values.map(String);
  return out;
}
