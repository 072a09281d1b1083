import { VirtualClock } from '../clock';
import { draw, Latencies } from '../latency';
import { Rng } from '../rng';
import { Ec2 } from './ec2';
import { Instance } from './instance';
import { ApiParams, Operation, ParamReader } from './params';

/** How a scenario describes an Auto Scaling group holding the target instance. */
export interface GroupSpec {
  readonly name: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** @default 300 (the console default) */
  readonly healthCheckGracePeriod?: number;
  /** @default false */
  readonly protectedFromScaleIn?: boolean;
  /**
   * Group tags; services that own a group's capacity tag it (EKS managed node groups
   * `eks:nodegroup-name`, ECS capacity providers `AmazonECSManaged`, Elastic Beanstalk
   * `elasticbeanstalk:environment-name`). @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * A launch lifecycle hook (autoscaling:EC2_INSTANCE_LAUNCHING): an instance leaving Standby
   * passes through Pending, so it waits in Pending:Wait for HeartbeatTimeout seconds unless the
   * action is completed, then DefaultResult applies — ABANDON terminates it.
   * https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html
   * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LifecycleHook.html
   * @default none
   */
  readonly launchHook?: { readonly heartbeatTimeout: number; readonly defaultResult: 'CONTINUE' | 'ABANDON' };
}

export type LifecycleState = 'Pending' | 'Pending:Wait' | 'InService' | 'EnteringStandby' | 'Standby' | 'Terminating' | 'Terminated';

interface Member {
  lifecycle: LifecycleState;
  health: 'Healthy' | 'Unhealthy';
  readonly protectedFromScaleIn: boolean;
}

interface Group {
  readonly spec: GroupSpec;
  desired: number;
  readonly members: Map<string, Member>;
}

/** An instance Auto Scaling terminated and the one it launched instead. */
export interface Replacement {
  readonly terminated: string;
  readonly launched: string;
  readonly atMs: number;
}

/**
 * Simulated Amazon EC2 Auto Scaling: membership, Standby and the EC2 health check that
 * replaces an InService instance that is not running — the reason the runbooks enter
 * Standby before stopping (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html).
 */
export class AutoScaling {
  readonly groups = new Map<string, Group>();
  readonly replacements: Replacement[] = [];
  /** Instances launched to keep capacity (replacements and standby back-fill). */
  readonly launched: string[] = [];
  readonly operations: Readonly<Record<string, Operation>>;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: Rng,
    private readonly latencies: Latencies,
    private readonly ec2: Ec2,
  ) {
    this.operations = {
      DescribeAutoScalingInstances: (p) => this.describeAutoScalingInstances(p),
      DescribeAutoScalingGroups: (p) => this.describeAutoScalingGroups(p),
      EnterStandby: (p) => this.enterStandby(p),
      ExitStandby: (p) => this.exitStandby(p),
      DescribeLifecycleHooks: (p) => this.describeLifecycleHooks(p),
    };
  }

  /** Creates a group with `target` in it plus running peers up to the desired capacity. */
  addGroup(spec: GroupSpec, target: Instance): void {
    const members = new Map<string, Member>();
    const protectedFromScaleIn = spec.protectedFromScaleIn ?? false;
    members.set(target.instanceId, { lifecycle: 'InService', health: 'Healthy', protectedFromScaleIn });
    for (let n = 1; n < spec.desiredCapacity; n++) {
      members.set(this.ec2.add({ agentWorks: true }).instanceId, { lifecycle: 'InService', health: 'Healthy', protectedFromScaleIn });
    }
    this.groups.set(spec.name, { spec, desired: spec.desiredCapacity, members });
  }

  /** Group and membership of an instance, if any. */
  membership(instanceId: string): { group: string; lifecycle: LifecycleState; desired: number } | undefined {
    for (const [name, g] of this.groups) {
      const m = g.members.get(instanceId);
      if (m) return { group: name, lifecycle: m.lifecycle, desired: g.desired };
    }
    return undefined;
  }

  /** The EC2 health check: an InService instance that is not running gets replaced. */
  onStateChange(instance: Instance): void {
    if (instance.state === 'running') return;
    for (const g of this.groups.values()) {
      if (g.members.get(instance.instanceId)?.lifecycle === 'InService') this.scheduleHealthCheck(g, instance);
    }
  }

  private scheduleHealthCheck(g: Group, instance: Instance): void {
    this.clock.schedule(draw(this.rng, this.latencies.healthCheck), () => {
      const m = g.members.get(instance.instanceId);
      if (!m || m.lifecycle !== 'InService' || instance.state === 'running' || instance.state === 'pending') return;
      m.health = 'Unhealthy';
      m.lifecycle = 'Terminating';
      this.ec2.terminate(instance);
      g.members.delete(instance.instanceId);
      const fresh = this.launch(g);
      this.replacements.push({ terminated: instance.instanceId, launched: fresh, atMs: this.clock.now });
    });
  }

  private launch(g: Group): string {
    const id = this.ec2.add({ agentWorks: true }).instanceId;
    g.members.set(id, { lifecycle: 'InService', health: 'Healthy', protectedFromScaleIn: g.spec.protectedFromScaleIn ?? false });
    this.launched.push(id);
    return id;
  }

  private reader(op: string, p: ApiParams): ParamReader {
    return new ParamReader('autoscaling', op, p);
  }

  private group(r: ParamReader, name: string): Group {
    const g = this.groups.get(name);
    if (!g) return r.fail('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    return g;
  }

  private activity(g: Group, description: string): Record<string, unknown> {
    return {
      ActivityId: `${this.rng.hex(8)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(4)}-${this.rng.hex(12)}`,
      AutoScalingGroupName: g.spec.name,
      Description: description,
      Cause: `At ${this.clock.date().toISOString()} ${description}`,
      StartTime: this.clock.date().toISOString(),
      StatusCode: 'InProgress',
      Progress: 50,
    };
  }

  private describeAutoScalingInstances(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeAutoScalingInstances', p);
    r.only(['InstanceIds', 'MaxRecords', 'NextToken']);
    const ids = r.optionalStringList('InstanceIds');
    const out: Record<string, unknown>[] = [];
    for (const [name, g] of this.groups) {
      for (const [id, m] of g.members) {
        if (ids && !ids.includes(id)) continue;
        out.push({ InstanceId: id, AutoScalingGroupName: name, AvailabilityZone: 'us-east-1a', LifecycleState: m.lifecycle, HealthStatus: m.health.toUpperCase(), ProtectedFromScaleIn: m.protectedFromScaleIn, InstanceType: 't3.micro' });
      }
    }
    return { AutoScalingInstances: out };
  }

  private describeAutoScalingGroups(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeAutoScalingGroups', p);
    r.only(['AutoScalingGroupNames', 'Filters', 'MaxRecords', 'NextToken', 'IncludeInstances']);
    const names = r.optionalStringList('AutoScalingGroupNames');
    const groups = [...this.groups.values()].filter((g) => !names || names.includes(g.spec.name));
    return {
      AutoScalingGroups: groups.map((g) => ({
        AutoScalingGroupName: g.spec.name,
        MinSize: g.spec.minSize,
        MaxSize: g.spec.maxSize,
        DesiredCapacity: g.desired,
        HealthCheckType: 'EC2',
        HealthCheckGracePeriod: g.spec.healthCheckGracePeriod ?? 300,
        Tags: Object.entries(g.spec.tags ?? {}).map(([Key, Value]) => ({ ResourceId: g.spec.name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
        Instances: [...g.members].map(([InstanceId, m]) => ({ InstanceId, LifecycleState: m.lifecycle, HealthStatus: m.health, ProtectedFromScaleIn: m.protectedFromScaleIn })),
      })),
    };
  }

  private enterStandby(p: ApiParams): unknown {
    const r: ParamReader = this.reader('EnterStandby', p);
    r.only(['AutoScalingGroupName', 'InstanceIds', 'ShouldDecrementDesiredCapacity']);
    const g = this.group(r, r.string('AutoScalingGroupName'));
    const ids = r.stringList('InstanceIds');
    if (p.ShouldDecrementDesiredCapacity === undefined) r.fail('ValidationError', 'ShouldDecrementDesiredCapacity is required');
    const decrement = r.boolean('ShouldDecrementDesiredCapacity');
    for (const id of ids) {
      const m = g.members.get(id);
      if (!m) r.fail('ValidationError', `The instance ${id} is not part of Auto Scaling group ${g.spec.name}.`);
      if (m.lifecycle !== 'InService') r.fail('ValidationError', `The instance ${id} is not in InService.`);
    }
    if (decrement && g.desired - ids.length < g.spec.minSize) {
      r.fail('ValidationError', `AutoScalingGroup ${g.spec.name} has min-size=${g.spec.minSize}, max-size=${g.spec.maxSize}, and desired-size=${g.desired}. To place into standby ${ids.length} instances, please update the AutoScalingGroup sizes appropriately.`);
    }
    const activities = ids.map((id) => {
      const m = g.members.get(id) as Member;
      m.lifecycle = 'EnteringStandby';
      this.clock.schedule(draw(this.rng, this.latencies.lifecycleTransition), () => {
        if (m.lifecycle === 'EnteringStandby') m.lifecycle = 'Standby';
      });
      return this.activity(g, `Moving EC2 instance to Standby: ${id}`);
    });
    if (decrement) g.desired -= ids.length;
    else for (let n = 0; n < ids.length; n++) this.launch(g); // capacity kept by launching instead
    return { Activities: activities };
  }

  private describeLifecycleHooks(p: ApiParams): unknown {
    const r: ParamReader = this.reader('DescribeLifecycleHooks', p);
    r.only(['AutoScalingGroupName', 'LifecycleHookNames']);
    const g = this.group(r, r.string('AutoScalingGroupName'));
    const hook = g.spec.launchHook;
    return {
      LifecycleHooks: hook ? [{
        LifecycleHookName: 'launch-hook', AutoScalingGroupName: g.spec.name, LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        HeartbeatTimeout: hook.heartbeatTimeout, GlobalTimeout: hook.heartbeatTimeout * 100, DefaultResult: hook.defaultResult,
      }] : [],
    };
  }

  /** Pending -> (Pending:Wait under a launch hook, then its DefaultResult) -> InService. */
  private proceed(g: Group, id: string, m: Member): void {
    const hook = g.spec.launchHook;
    if (hook && m.lifecycle === 'Pending') {
      m.lifecycle = 'Pending:Wait';
      this.clock.schedule(hook.heartbeatTimeout * 1000, () => {
        if (m.lifecycle !== 'Pending:Wait') return;
        if (hook.defaultResult === 'CONTINUE') {
          m.lifecycle = 'Pending';
          this.proceed({ ...g, spec: { ...g.spec, launchHook: undefined } }, id, m);
          return;
        }
        const instance = this.ec2.instances.get(id);
        g.members.delete(id);
        if (instance) this.ec2.terminate(instance);
        this.replacements.push({ terminated: id, launched: this.launch(g), atMs: this.clock.now });
      });
      return;
    }
    m.lifecycle = 'InService';
    const instance = this.ec2.instances.get(id);
    if (instance) this.onStateChange(instance);
  }

  private exitStandby(p: ApiParams): unknown {
    const r: ParamReader = this.reader('ExitStandby', p);
    r.only(['AutoScalingGroupName', 'InstanceIds']);
    const g = this.group(r, r.string('AutoScalingGroupName'));
    const ids = r.stringList('InstanceIds');
    for (const id of ids) {
      const m = g.members.get(id);
      if (!m) r.fail('ValidationError', `The instance ${id} is not part of Auto Scaling group ${g.spec.name}.`);
      if (m.lifecycle !== 'Standby') r.fail('ValidationError', `The instance ${id} is not in Standby.`);
    }
    if (g.desired + ids.length > g.spec.maxSize) {
      r.fail('ValidationError', `AutoScalingGroup ${g.spec.name} has min-size=${g.spec.minSize}, max-size=${g.spec.maxSize}, and desired-size=${g.desired}. To exit from standby ${ids.length} instances, please update the AutoScalingGroup sizes appropriately.`);
    }
    g.desired += ids.length;
    const activities = ids.map((id) => {
      const m = g.members.get(id) as Member;
      m.lifecycle = 'Pending';
      this.clock.schedule(draw(this.rng, this.latencies.lifecycleTransition), () => {
        if (m.lifecycle === 'Pending') this.proceed(g, id, m);
      });
      return this.activity(g, `Moving EC2 instance out of Standby: ${id}`);
    });
    return { Activities: activities };
  }
}
