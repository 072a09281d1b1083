/** EC2 instance states and their numeric codes, as DescribeInstances reports them. */
export const STATE_CODES = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
} as const;

export type InstanceStateName = keyof typeof STATE_CODES;

/** What sshd on the instance thinks of the login user's key. */
export interface SshState {
  /** Login user the key belongs to. */
  readonly user: string;
  /** Whether that user exists on the instance. */
  readonly userExists: boolean;
  /** True while ownership/modes make sshd refuse the key. */
  broken: boolean;
  /** Number of owner/mode changes a fix makes. */
  readonly fixActions: number;
}

/** How a scenario describes an instance before the runbook runs. */
export interface InstanceSpec {
  /** @default a random `i-` id from the seeded RNG */
  readonly instanceId?: string;
  /** @default 'running' */
  readonly state?: 'running' | 'stopped';
  /** @default 't3.micro' */
  readonly instanceType?: string;
  /** @default 'ebs' */
  readonly rootDeviceType?: 'ebs' | 'instance-store';
  /**
   * Spot request type; undefined for On-Demand.
   * @default undefined
   */
  readonly spot?: 'one-time' | 'persistent';
  /** @default false */
  readonly hibernationConfigured?: boolean;
  /** @default false */
  readonly disableApiStop?: boolean;
  /** Public IPv4 is an Elastic IP (kept across stop/start). @default false */
  readonly elasticIp?: boolean;
  /** Raw user data bytes. @default empty */
  readonly userData?: Buffer;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default 'Linux/UNIX' */
  readonly platformDetails?: string;
  /** SSM Agent installed and able to reach SSM. @default true */
  readonly agentWorks?: boolean;
  /**
   * The instance was a managed node before (shows as ConnectionLost while the agent is down).
   * @default agentWorks
   */
  readonly agentRegistered?: boolean;
  /** Instance profile attached (needed for the agent in real life). @default true */
  readonly instanceProfile?: boolean;
  /** Starting fails: pending → stopped with Client.InternalError (KMS grant missing). @default false */
  readonly startFails?: boolean;
  /** @default { user: 'ec2-user', userExists: true, broken: true, fixActions: 2 } */
  readonly ssh?: SshState;
  /** Name of the key pair the instance was launched with (Instance.KeyName). @default none */
  readonly keyName?: string;
  /**
   * EBS volumes, root first, each optionally encrypted with a KMS key id of the world's KMS.
   * @default one unencrypted root volume
   */
  readonly volumes?: readonly { readonly kmsKeyId?: string }[];
}

/** An EBS volume attached to a simulated instance. */
export interface AttachedVolume {
  readonly volumeId: string;
  readonly device: string;
  readonly kmsKeyId?: string;
}

/** Live state of one simulated instance. */
export interface Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly rootDeviceType: 'ebs' | 'instance-store';
  readonly spot?: 'one-time' | 'persistent';
  readonly spotRequestId?: string;
  readonly hibernationConfigured: boolean;
  disableApiStop: boolean;
  readonly elasticIp: boolean;
  readonly platformDetails: string;
  readonly instanceProfile: boolean;
  state: InstanceStateName;
  stateReason?: { Code: string; Message: string };
  stateTransitionReason: string;
  publicIp?: string;
  userData: Buffer;
  tags: Map<string, string>;
  /** Status checks: `ok` once the checks passed after the last start. */
  statusChecks: 'ok' | 'initializing' | 'not-applicable';
  agentWorks: boolean;
  /** Agent has registered at least once (so it shows as ConnectionLost when down). */
  agentRegistered: boolean;
  agentOnline: boolean;
  startFails: boolean;
  ssh: SshState;
  readonly keyName?: string;
  bootCount: number;
  /** Request ids whose user-data fix already ran (the script's once-per-request marker file). */
  readonly userDataRequestsDone: Set<string>;
  consoleOutput: string;
  /**
   * What GetConsoleOutput without Latest returns on a Xen instance type: the output EC2 posted
   * at the last state transition.
   */
  postedConsoleOutput: string;
  readonly volumes: readonly AttachedVolume[];
  /** Bumped on every start/stop so stale scheduled events are ignored. */
  generation: number;
  launchTime: Date;
}
