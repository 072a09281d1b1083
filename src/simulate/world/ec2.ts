import { VirtualClock } from '../clock';
import { draw, Latencies } from '../latency';
import { Rng } from '../rng';
import { recordFirstBoot, REPAIR_UNIT_AT_FRACTION_OF_BOOT, runBoothooksAtBoot, runUserDataAtBoot } from './boot';
import { Instance, InstanceSpec, InstanceStateName, STATE_CODES } from './instance';
import { Kms } from './kms';
import { ApiParams, filterValues, Operation, ParamReader } from './params';

/** Shared pieces of the world an EC2 model needs. */
export interface Ec2Context {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly latencies: Latencies;
  readonly accountId: string;
  /** Keys of encrypted volumes: a start needs each to be usable for the caller through EC2. */
  readonly kms: Kms;
  /** Called after every state change (Auto Scaling and SSM react to it). */
  readonly onStateChange: (instance: Instance) => void;
}

/** GetConsoleOutput returns only the most recent 64 KB (API reference). */
const CONSOLE_KEPT_BYTES = 64 * 1024;

/** User data limit: 16 KB raw, before base64 (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html). */
export const USER_DATA_LIMIT = 16384;

/**
 * Instance types the simulator knows, with their instance store (DescribeInstanceTypes
 * InstanceStorageInfo) and hypervisor (InstanceTypeInfo Hypervisor: nitro | xen;
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceTypeInfo.html,
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html).
 */
const INSTANCE_TYPES: Readonly<Record<string, { storeGb?: number; hibernation: boolean; hypervisor: 'nitro' | 'xen' }>> = {
  't3.micro': { hibernation: true, hypervisor: 'nitro' },
  't3.small': { hibernation: true, hypervisor: 'nitro' },
  'm5.large': { hibernation: true, hypervisor: 'nitro' },
  'm5d.large': { storeGb: 75, hibernation: true, hypervisor: 'nitro' },
  'c5d.large': { storeGb: 50, hibernation: true, hypervisor: 'nitro' },
  't2.micro': { hibernation: true, hypervisor: 'xen' },
  'm4.large': { hibernation: true, hypervisor: 'xen' },
  'i3.large': { storeGb: 475, hibernation: true, hypervisor: 'xen' },
  'm1.small': { storeGb: 160, hibernation: false, hypervisor: 'xen' },
};

/**
 * Simulated Amazon EC2: the instance state machine and the operations runbooks call.
 * Responses follow the EC2 API reference shapes; error codes are the documented ones
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 */
export class Ec2 {
  readonly instances = new Map<string, Instance>();
  /** Key pairs of the account and region by name, with their OpenSSH public key. */
  readonly keyPairs = new Map<string, string>();
  readonly operations: Readonly<Record<string, Operation>>;
  /**
   * Eventual consistency (fault kind `stale-reads`): for this many milliseconds after
   * StartInstances, StopInstances or ModifyInstanceAttribute changes an instance, DescribeInstances,
   * DescribeInstanceStatus and DescribeInstanceAttribute still report it as it was before the
   * call — e.g. `stopped` right after a start. 0: reads are current.
   * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
   */
  staleReadMs = 0;
  /** What stale reads return per instance, and until when. */
  private readonly lagging = new Map<string, { state: InstanceStateName; stateReason: Instance['stateReason']; userData: Buffer; untilMs: number }>();

  constructor(private readonly ctx: Ec2Context) {
    this.operations = {
      DescribeInstances: (p) => this.describeInstances(p),
      DescribeInstanceAttribute: (p) => this.describeInstanceAttribute(p),
      ModifyInstanceAttribute: (p) => this.modifyInstanceAttribute(p),
      StopInstances: (p) => this.stopInstances(p),
      StartInstances: (p) => this.startInstances(p),
      DescribeInstanceStatus: (p) => this.describeInstanceStatus(p),
      CreateTags: (p) => this.createTags(p),
      DeleteTags: (p) => this.deleteTags(p),
      DescribeTags: (p) => this.describeTags(p),
      GetConsoleOutput: (p) => this.getConsoleOutput(p),
      DescribeInstanceTypes: (p) => this.describeInstanceTypes(p),
      DescribeSpotInstanceRequests: (p) => this.describeSpotInstanceRequests(p),
      DescribeKeyPairs: (p) => this.describeKeyPairs(p),
      DescribeVolumes: (p) => this.describeVolumes(p),
    };
  }

  /** Adds an instance as a scenario describes it. */
  add(spec: InstanceSpec): Instance {
    const { rng } = this.ctx;
    const instanceId = spec.instanceId ?? `i-0${rng.hex(16)}`;
    const state = spec.state ?? 'running';
    const instance: Instance = {
      instanceId,
      instanceType: spec.instanceType ?? 't3.micro',
      rootDeviceType: spec.rootDeviceType ?? 'ebs',
      spot: spec.spot,
      spotRequestId: spec.spot ? `sir-${rng.hex(8)}` : undefined,
      hibernationConfigured: spec.hibernationConfigured ?? false,
      disableApiStop: spec.disableApiStop ?? false,
      elasticIp: spec.elasticIp ?? false,
      platformDetails: spec.platformDetails ?? 'Linux/UNIX',
      instanceProfile: spec.instanceProfile ?? true,
      state,
      stateTransitionReason: '',
      userData: Buffer.from(spec.userData ?? Buffer.alloc(0)),
      tags: new Map(Object.entries(spec.tags ?? {})),
      statusChecks: state === 'running' ? 'ok' : 'not-applicable',
      agentWorks: spec.agentWorks ?? true,
      agentRegistered: spec.agentRegistered ?? spec.agentWorks ?? true,
      agentOnline: state === 'running' && (spec.agentWorks ?? true),
      startFails: spec.startFails ?? false,
      ssh: { ...(spec.ssh ?? { user: 'ec2-user', userExists: true, broken: true, fixActions: 2 }) },
      bootCount: 1,
      userDataRequestsDone: new Set(),
      consoleOutput: 'Cloud-init v. 22.4.2 finished\n',
      postedConsoleOutput: 'Cloud-init v. 22.4.2 finished\n',
      volumes: (spec.volumes ?? [{}]).map((v, n) => ({
        volumeId: `vol-${n}${instanceId.slice(3)}`,
        device: n === 0 ? '/dev/xvda' : `/dev/xvd${String.fromCharCode(98 + n - 1)}`,
        ...(v.kmsKeyId !== undefined ? { kmsKeyId: v.kmsKeyId } : {}),
      })),
      generation: 0,
      launchTime: this.ctx.clock.date(),
      ...(spec.keyName !== undefined ? { keyName: spec.keyName } : {}),
    };
    if (state === 'running') instance.publicIp = this.newPublicIp(instance);
    recordFirstBoot(instance); // the instance has booted once with its user data before the simulation
    this.instances.set(instanceId, instance);
    return instance;
  }

  /** Terminates an instance (Auto Scaling replacement); the state machine runs as in EC2. */
  terminate(instance: Instance): void {
    this.setState(instance, 'shutting-down', 'User initiated');
    const gen = instance.generation;
    this.ctx.clock.schedule(draw(this.ctx.rng, this.ctx.latencies.stop), () => {
      if (instance.generation === gen) this.setState(instance, 'terminated', 'User initiated');
    });
  }

  private newPublicIp(instance: Instance): string {
    const { rng } = this.ctx;
    if (instance.elasticIp && instance.publicIp) return instance.publicIp;
    return `3.${Math.floor(rng.next() * 256)}.${Math.floor(rng.next() * 256)}.${Math.floor(rng.next() * 254) + 1}`;
  }

  private setState(instance: Instance, state: InstanceStateName, reason: string): void {
    instance.state = state;
    instance.generation++;
    instance.stateTransitionReason = reason;
    // Without Latest, console output is what EC2 posted shortly after the last transition (start,
    // stop, reboot, terminate); on Xen types that is all there is (GetConsoleOutput,
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html). The post
    // is modelled at the transition itself, before a boot has run the user data.
    if (state === 'running' || state === 'stopped' || state === 'terminated') instance.postedConsoleOutput = instance.consoleOutput.slice(-CONSOLE_KEPT_BYTES);
    if (state !== 'running') {
      instance.statusChecks = 'not-applicable';
      instance.agentOnline = false;
    }
    this.ctx.onStateChange(instance);
  }

  private reader(op: string, p: ApiParams): ParamReader {
    return new ParamReader('ec2', op, p);
  }

  /** Before a change: reads keep returning the instance as it is now for `staleReadMs`. */
  private lag(i: Instance): void {
    if (this.staleReadMs <= 0) return;
    const now = this.ctx.clock.now;
    const current = this.lagging.get(i.instanceId);
    // A change inside an open window keeps the older view, as a replica that has not caught up would.
    if (current && current.untilMs > now) {
      current.untilMs = now + this.staleReadMs;
      return;
    }
    this.lagging.set(i.instanceId, { state: i.state, stateReason: i.stateReason, userData: Buffer.from(i.userData), untilMs: now + this.staleReadMs });
  }

  /** The instance as a read sees it: the pre-change view while it is stale. */
  private seen(i: Instance): { state: InstanceStateName; stateReason?: Instance['stateReason']; userData: Buffer } {
    const l = this.lagging.get(i.instanceId);
    return l && l.untilMs > this.ctx.clock.now ? l : i;
  }

  /** Resolves ids the way EC2 does: malformed → Malformed, unknown → NotFound. */
  private find(r: ParamReader, ids: readonly string[]): Instance[] {
    const malformed = ids.filter((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
    if (malformed.length > 0) r.fail('InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);
    const missing = ids.filter((id) => !this.instances.has(id));
    if (missing.length > 0) r.fail('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`);
    return ids.map((id) => this.instances.get(id) as Instance);
  }

  private stateOf(instance: Instance): { Code: number; Name: InstanceStateName } {
    return { Code: STATE_CODES[instance.state], Name: instance.state };
  }

  private tagList(instance: Instance): { Key: string; Value: string }[] {
    return [...instance.tags].map(([Key, Value]) => ({ Key, Value }));
  }

  private describeOne(i: Instance): Record<string, unknown> {
    const seen = this.seen(i);
    const running = seen.state === 'running';
    const association = running && i.publicIp
      ? { PublicIp: i.publicIp, IpOwnerId: i.elasticIp ? this.ctx.accountId : 'amazon' }
      : undefined;
    return {
      InstanceId: i.instanceId,
      InstanceType: i.instanceType,
      ImageId: 'ami-0abcdef1234567890',
      LaunchTime: i.launchTime.toISOString(),
      State: { Code: STATE_CODES[seen.state], Name: seen.state },
      StateTransitionReason: i.stateTransitionReason,
      ...(seen.stateReason ? { StateReason: seen.stateReason } : {}),
      RootDeviceType: i.rootDeviceType,
      RootDeviceName: '/dev/xvda',
      // Instance store volumes never appear here; only EBS mappings do.
      BlockDeviceMappings: i.rootDeviceType === 'ebs'
        ? i.volumes.map((v) => ({ DeviceName: v.device, Ebs: { VolumeId: v.volumeId, Status: 'attached', DeleteOnTermination: true } }))
        : [],
      ...(i.spot ? { InstanceLifecycle: 'spot', SpotInstanceRequestId: i.spotRequestId } : {}),
      HibernationOptions: { Configured: i.hibernationConfigured },
      PlatformDetails: i.platformDetails,
      ...(i.platformDetails.startsWith('Windows') ? { Platform: 'windows' } : {}),
      ...(running && i.publicIp ? { PublicIpAddress: i.publicIp } : {}),
      PrivateIpAddress: '10.0.0.10',
      NetworkInterfaces: [{ NetworkInterfaceId: `eni-${i.instanceId.slice(2)}`, ...(association ? { Association: association } : {}) }],
      ...(i.instanceProfile ? { IamInstanceProfile: { Arn: `arn:aws:iam::${this.ctx.accountId}:instance-profile/ssm`, Id: 'AIPAEXAMPLE' } } : {}),
      ...(i.tags.size > 0 ? { Tags: this.tagList(i) } : {}),
      ...(i.keyName !== undefined ? { KeyName: i.keyName } : {}),
    };
  }

  /**
   * DescribeKeyPairs: PublicKey only with IncludePublicKey=true; an unknown name fails the whole
   * call with InvalidKeyPair.NotFound.
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeKeyPairs.html
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
   */
  private describeKeyPairs(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeKeyPairs', p);
    r.only(['KeyNames', 'KeyPairIds', 'IncludePublicKey', 'Filters', 'DryRun']);
    const names = r.optionalStringList('KeyNames') ?? [...this.keyPairs.keys()];
    const missing = names.filter((n) => !this.keyPairs.has(n));
    if (missing.length > 0) r.fail('InvalidKeyPair.NotFound', `The key pair '${missing[0]}' does not exist`);
    const include = r.boolean('IncludePublicKey');
    return {
      KeyPairs: names.map((name, n) => ({
        KeyPairId: `key-0${(n + 1).toString(16).padStart(16, '0')}`,
        KeyName: name,
        KeyType: (this.keyPairs.get(name) ?? '').startsWith('ssh-ed25519') ? 'ed25519' : 'rsa',
        ...(include ? { PublicKey: this.keyPairs.get(name) } : {}),
      })),
    };
  }

  private describeInstances(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeInstances', p);
    r.only(['InstanceIds', 'Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const ids = r.optionalStringList('InstanceIds');
    let found = ids ? this.find(r, ids) : [...this.instances.values()];
    const filters = r.list('Filters');
    const stateFilter = filterValues(filters, 'instance-state-name');
    if (stateFilter) found = found.filter((i) => stateFilter.includes(this.seen(i).state));
    const idFilter = filterValues(filters, 'instance-id');
    if (idFilter) found = found.filter((i) => idFilter.includes(i.instanceId));
    return { Reservations: found.length > 0 ? [{ ReservationId: 'r-0123456789abcdef0', OwnerId: this.ctx.accountId, Instances: found.map((i) => this.describeOne(i)) }] : [] };
  }

  private describeInstanceAttribute(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeInstanceAttribute', p);
    r.only(['InstanceId', 'Attribute', 'DryRun']);
    const [i] = this.find(r, [r.string('InstanceId')]);
    const attribute = r.string('Attribute');
    switch (attribute) {
      case 'userData':
        // The value comes back base64-encoded; empty user data has no Value at all.
        return { InstanceId: i.instanceId, UserData: this.seen(i).userData.length > 0 ? { Value: this.seen(i).userData.toString('base64') } : {} };
      case 'disableApiStop':
        return { InstanceId: i.instanceId, DisableApiStop: { Value: i.disableApiStop } };
      case 'disableApiTermination':
        return { InstanceId: i.instanceId, DisableApiTermination: { Value: false } };
      case 'instanceType':
        return { InstanceId: i.instanceId, InstanceType: { Value: i.instanceType } };
      case 'instanceInitiatedShutdownBehavior':
        return { InstanceId: i.instanceId, InstanceInitiatedShutdownBehavior: { Value: 'stop' } };
      case 'rootDeviceName':
        return { InstanceId: i.instanceId, RootDeviceName: { Value: '/dev/xvda' } };
      default:
        return r.fail('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
    }
  }

  /** A blob member: botocore base64-encodes it on the wire, so what arrives here is the raw bytes. */
  private blob(r: ParamReader, v: unknown, name: string): Buffer {
    if (Buffer.isBuffer(v)) return v;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    return r.fail('InvalidParameterValue', `${name} must be bytes or a string`);
  }

  private modifyInstanceAttribute(p: ApiParams): unknown {
    const r: ParamReader = this.reader('ModifyInstanceAttribute', p);
    r.only(['InstanceId', 'UserData', 'DisableApiStop', 'Attribute', 'Value', 'DryRun']);
    const [i] = this.find(r, [r.string('InstanceId')]);
    const userData = r.struct('UserData');
    const attribute = r.optionalString('Attribute');
    const stop = r.struct('DisableApiStop');
    if (userData || attribute === 'userData') {
      const bytes = this.blob(r, userData ? (userData.Value ?? '') : (p.Value ?? ''), 'UserData.Value');
      if (i.rootDeviceType !== 'ebs') r.fail('UnsupportedOperation', `The instance '${i.instanceId}' does not have an 'ebs' root device type.`);
      if (i.state !== 'stopped') r.fail('IncorrectInstanceState', `The instance '${i.instanceId}' is not in the 'stopped' state.`);
      if (bytes.length > USER_DATA_LIMIT) r.fail('InvalidParameterValue', `User data is limited to ${USER_DATA_LIMIT} bytes`);
      this.lag(i);
      i.userData = Buffer.from(bytes);
      return {};
    }
    if (stop) {
      i.disableApiStop = stop.Value === true || stop.Value === 'true';
      return {};
    }
    if (attribute) return r.fail('InvalidParameterValue', `The simulated EC2 does not model modifying attribute ${attribute}`);
    return r.fail('MissingParameter', 'The request must contain an attribute to modify');
  }

  private stopInstances(p: ApiParams): unknown {
    const r: ParamReader = this.reader('StopInstances', p);
    r.only(['InstanceIds', 'Force', 'Hibernate', 'DryRun']);
    const found = this.find(r, r.stringList('InstanceIds'));
    const force = r.boolean('Force');
    const hibernate = r.boolean('Hibernate');
    // Every instance is checked before any is changed, as EC2 rejects the whole request.
    for (const i of found) {
      if (i.state === 'stopped' || i.state === 'stopping') continue;
      if (i.disableApiStop) r.fail('OperationNotPermitted', `The instance '${i.instanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
      if (i.rootDeviceType !== 'ebs') r.fail('UnsupportedOperation', `The instance '${i.instanceId}' does not have an 'ebs' root device type and cannot be stopped.`);
      if (i.spot === 'one-time') r.fail('UnsupportedOperation', `You can't stop the Spot Instance '${i.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`);
      if (hibernate && !i.hibernationConfigured) r.fail('UnsupportedHibernationConfiguration', `The instance '${i.instanceId}' does not have hibernation configured.`);
      if (i.state !== 'running') r.fail('IncorrectInstanceState', `This instance '${i.instanceId}' is not in a state from which it can be stopped.`);
    }
    const changes = found.map((i) => {
      const previous = this.stateOf(i);
      if (i.state === 'running') {
        this.lag(i);
        this.setState(i, 'stopping', `User initiated (${this.ctx.clock.date().toISOString()})`);
        const gen = i.generation;
        const ms = draw(this.ctx.rng, this.ctx.latencies.stop) * (force ? 0.5 : 1);
        this.ctx.clock.schedule(ms, () => {
          if (i.generation !== gen) return;
          i.stateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
          this.setState(i, 'stopped', i.stateTransitionReason);
          if (!i.elasticIp) i.publicIp = undefined;
        });
      }
      return { InstanceId: i.instanceId, CurrentState: this.stateOf(i), PreviousState: previous };
    });
    return { StoppingInstances: changes };
  }

  private startInstances(p: ApiParams): unknown {
    const r: ParamReader = this.reader('StartInstances', p);
    r.only(['InstanceIds', 'AdditionalInfo', 'DryRun']);
    const found = this.find(r, r.stringList('InstanceIds'));
    for (const i of found) {
      if (!['stopped', 'running', 'pending'].includes(i.state)) {
        r.fail('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be started.`);
      }
    }
    const changes = found.map((i) => {
      const previous = this.stateOf(i);
      if (i.state === 'stopped') {
        this.lag(i);
        i.stateReason = undefined;
        this.setState(i, 'pending', '');
        const gen = i.generation;
        this.ctx.clock.schedule(draw(this.ctx.rng, this.ctx.latencies.start), () => {
          if (i.generation !== gen) return;
          // EC2 attaches an encrypted volume with a grant it creates on the volume's KMS key for
          // the caller; when the caller may not (kms:CreateGrant) or the key is not enabled, the
          // instance goes pending -> stopped with Client.InternalError.
          // https://repost.aws/knowledge-center/kms-iam-ec2-permission
          const keyRefused = i.volumes.some((v) => v.kmsKeyId !== undefined && !this.ctx.kms.usableByRoleViaService(v.kmsKeyId));
          if (i.startFails || keyRefused) {
            // The KMS case: the root volume cannot be attached, the instance falls back to stopped.
            // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html#troubleshooting-launch-internal
            i.stateReason = { Code: 'Client.InternalError', Message: 'Client.InternalError: Client error on launch' };
            this.setState(i, 'stopped', 'Client.InternalError: Client error on launch');
            return;
          }
          this.boot(i);
        });
      }
      return { InstanceId: i.instanceId, CurrentState: this.stateOf(i), PreviousState: previous };
    });
    return { StartingInstances: changes };
  }

  private boot(i: Instance): void {
    const { clock, rng, latencies } = this.ctx;
    i.publicIp = this.newPublicIp(i);
    i.bootCount++;
    i.statusChecks = 'initializing';
    this.setState(i, 'running', '');
    const gen = i.generation;
    const bootMs = draw(rng, latencies.boot);
    clock.schedule(bootMs * REPAIR_UNIT_AT_FRACTION_OF_BOOT, () => {
      if (i.generation === gen) runBoothooksAtBoot(i);
    });
    clock.schedule(bootMs, () => {
      if (i.generation === gen) runUserDataAtBoot(i);
    });
    clock.schedule(draw(rng, latencies.statusChecks), () => {
      if (i.generation === gen) i.statusChecks = 'ok';
    });
    if (i.agentWorks) {
      clock.schedule(draw(rng, latencies.agentOnline), () => {
        if (i.generation === gen && i.agentWorks) {
          i.agentOnline = true;
          i.agentRegistered = true;
        }
      });
    }
  }

  private describeInstanceStatus(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeInstanceStatus', p);
    r.only(['InstanceIds', 'IncludeAllInstances', 'Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const ids = r.optionalStringList('InstanceIds');
    const all = r.boolean('IncludeAllInstances');
    const found = (ids ? this.find(r, ids) : [...this.instances.values()]).filter((i) => all || this.seen(i).state === 'running');
    return {
      InstanceStatuses: found.map((i) => ({
        InstanceId: i.instanceId,
        AvailabilityZone: 'us-east-1a',
        InstanceState: { Code: STATE_CODES[this.seen(i).state], Name: this.seen(i).state },
        InstanceStatus: { Status: i.statusChecks, Details: [{ Name: 'reachability', Status: i.statusChecks === 'ok' ? 'passed' : 'initializing' }] },
        SystemStatus: { Status: i.statusChecks, Details: [{ Name: 'reachability', Status: i.statusChecks === 'ok' ? 'passed' : 'initializing' }] },
      })),
    };
  }

  private tagTargets(r: ParamReader): Instance[] {
    return this.find(r, r.stringList('Resources'));
  }

  private createTags(p: ApiParams): unknown {
    const r: ParamReader = this.reader('CreateTags', p);
    r.only(['Resources', 'Tags', 'DryRun']);
    const targets = this.tagTargets(r);
    const tags = r.list('Tags');
    for (const t of tags) {
      if (typeof t.Key !== 'string' || t.Key.startsWith('aws:')) r.fail('InvalidParameterValue', `Tag key ${String(t.Key)} is not allowed`);
    }
    for (const i of targets) for (const t of tags) i.tags.set(String(t.Key), t.Value === undefined ? '' : String(t.Value));
    return {};
  }

  private deleteTags(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DeleteTags', p);
    r.only(['Resources', 'Tags', 'DryRun']);
    const targets = this.tagTargets(r);
    const tags = r.list('Tags');
    for (const i of targets) {
      for (const t of tags) {
        const key = String(t.Key);
        // With a Value, the tag is deleted only if the value matches (DeleteTags API reference).
        if (t.Value === undefined || i.tags.get(key) === String(t.Value)) i.tags.delete(key);
      }
    }
    return {};
  }

  private describeTags(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeTags', p);
    r.only(['Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const filters = r.list('Filters');
    const resourceIds = filterValues(filters, 'resource-id');
    const keys = filterValues(filters, 'key');
    const out: Record<string, string>[] = [];
    for (const i of this.instances.values()) {
      if (resourceIds && !resourceIds.includes(i.instanceId)) continue;
      for (const [Key, Value] of i.tags) {
        if (keys && !keys.includes(Key)) continue;
        out.push({ Key, ResourceId: i.instanceId, ResourceType: 'instance', Value });
      }
    }
    return { Tags: out };
  }

  private getConsoleOutput(p: ApiParams): unknown {
    const r: ParamReader = this.reader('GetConsoleOutput', p);
    r.only(['InstanceId', 'Latest', 'DryRun']);
    const [i] = this.find(r, [r.string('InstanceId')]);
    const xen = INSTANCE_TYPES[i.instanceType]?.hypervisor === 'xen';
    // Latest (the live serial console buffer) is supported only on Nitro instance types; other
    // types have only the output posted around state transitions (API reference). The error code
    // for Latest on Xen is not documented; UnsupportedOperation is EC2's code for a request the
    // instance type does not support.
    if (r.boolean('Latest') && xen) r.fail('UnsupportedOperation', 'Retrieving the latest console output is not supported for this instance type.');
    const text = (xen ? i.postedConsoleOutput : i.consoleOutput).slice(-CONSOLE_KEPT_BYTES);
    return { InstanceId: i.instanceId, Timestamp: this.ctx.clock.date().toISOString(), Output: Buffer.from(text, 'utf8').toString('base64') };
  }

  /** Spot requests of the simulated instances; only persistent requests can stop on interruption. */
  private describeSpotInstanceRequests(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeSpotInstanceRequests', p);
    r.only(['SpotInstanceRequestIds', 'Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const ids = r.optionalStringList('SpotInstanceRequestIds');
    const spot = [...this.instances.values()].filter((i) => i.spotRequestId && (!ids || ids.includes(i.spotRequestId)));
    const missing = (ids ?? []).filter((id) => !spot.some((i) => i.spotRequestId === id));
    if (missing.length > 0) r.fail('InvalidSpotInstanceRequestID.NotFound', `The spot instance request ID '${missing[0]}' does not exist`);
    return {
      SpotInstanceRequests: spot.map((i) => ({
        SpotInstanceRequestId: i.spotRequestId,
        InstanceId: i.instanceId,
        Type: i.spot,
        State: 'active',
        Status: { Code: 'fulfilled' },
        InstanceInterruptionBehavior: i.spot === 'persistent' ? 'stop' : 'terminate',
      })),
    };
  }

  /** Volumes by id or by the attachment.instance-id filter (DescribeVolumes API reference). */
  private describeVolumes(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeVolumes', p);
    r.only(['VolumeIds', 'Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const ids = r.optionalStringList('VolumeIds');
    const byInstance = filterValues(r.list('Filters'), 'attachment.instance-id');
    const all = [...this.instances.values()].filter((i) => i.rootDeviceType === 'ebs' && i.state !== 'terminated')
      .flatMap((i) => i.volumes.map((v) => ({ i, v })));
    const missing = (ids ?? []).filter((id) => !all.some((x) => x.v.volumeId === id));
    if (missing.length > 0) r.fail('InvalidVolume.NotFound', `The volume '${missing[0]}' does not exist.`);
    const found = all.filter((x) => (!ids || ids.includes(x.v.volumeId)) && (!byInstance || byInstance.includes(x.i.instanceId)));
    return {
      Volumes: found.map(({ i, v }) => ({
        VolumeId: v.volumeId,
        Encrypted: v.kmsKeyId !== undefined,
        ...(v.kmsKeyId !== undefined ? { KmsKeyId: this.ctx.kms.find(v.kmsKeyId)?.arn ?? v.kmsKeyId } : {}),
        State: 'in-use',
        Size: 8,
        VolumeType: 'gp3',
        AvailabilityZone: 'us-east-1a',
        Attachments: [{ VolumeId: v.volumeId, InstanceId: i.instanceId, Device: v.device, State: 'attached', DeleteOnTermination: true }],
      })),
    };
  }

  private describeInstanceTypes(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeInstanceTypes', p);
    r.only(['InstanceTypes', 'Filters', 'MaxResults', 'NextToken', 'DryRun']);
    const names = r.stringList('InstanceTypes');
    const unknown = names.filter((n) => !(n in INSTANCE_TYPES));
    if (unknown.length > 0) r.fail('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
    return {
      InstanceTypes: names.map((n) => {
        const t = INSTANCE_TYPES[n];
        return {
          InstanceType: n,
          InstanceStorageSupported: t.storeGb !== undefined,
          ...(t.storeGb !== undefined ? { InstanceStorageInfo: { TotalSizeInGB: t.storeGb, Disks: [{ SizeInGB: t.storeGb, Count: 1, Type: 'ssd' }] } } : {}),
          SupportedRootDeviceTypes: t.storeGb !== undefined ? ['ebs', 'instance-store'] : ['ebs'],
          HibernationSupported: t.hibernation,
          Hypervisor: t.hypervisor,
        };
      }),
    };
  }
}
