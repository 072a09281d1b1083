import { buildRepairUserData } from '../repair/user-data';
import { AutomationDocument } from './document';
import { ParameterInput } from './interpreter/parameters';
import { GroupSpec } from './world/autoscaling';
import { USER_DATA_LIMIT } from './world/ec2';
import { Instance, InstanceSpec } from './world/instance';
import { KmsKeySpec } from './world/kms';
import { World, WorldOptions } from './world/world';

/** Tag the 0.1 runbooks used to lock an instance during a repair (kept to check they leave none). */
export const LOCK_TAG_KEY = 'ec2-ssh-rescue:lock';
/** Parameter Store path of the runbooks' per-instance lock (value: the holder's execution id). */
export const LOCK_PARAMETER_PREFIX = '/ec2-ssh-rescue/lock/';
/** Parameters under this path exist only while a stale lock is being recovered. */
export const LOCK_RECOVERY_PREFIX = '/ec2-ssh-rescue/lock-recovery/';

/** A lock another execution left on the instance, and that execution's status. */
export interface LockSpec {
  readonly holder: string;
  /** AutomationExecutionStatus of the holder as GetAutomationExecution reports it. */
  readonly holderStatus: string;
}

/** The world a runbook is run against, and what a correct runbook should achieve there. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly instance: InstanceSpec;
  /** Auto Scaling group holding the instance. @default none */
  readonly group?: Omit<GroupSpec, 'name'>;
  /** A lock parameter (and a tag, as the 0.1 runbooks used) another execution holds. @default none */
  readonly lock?: LockSpec;
  /** KMS keys of the account (for encrypted volumes). @default none */
  readonly keys?: readonly KmsKeySpec[];
  /**
   * Without faults, a correct runbook repairs the instance (`repaired`), refuses and changes
   * nothing (`refused`), or repairs through user data but cannot read the verdict while the
   * instance runs and says so at once (`unverified`, Xen instance types).
   */
  readonly expect: 'repaired' | 'refused' | 'unverified';
}

/** The role scenario executions assume (the runbooks require one). */
export const SCENARIO_ROLE_ARN = 'arn:aws:iam::111122223333:role/EC2SSHRescueAutomation';
/** The backup bucket of every scenario world: SSE-KMS under a key the role may use, as deployed. */
export const SCENARIO_BUCKET = 'ec2-ssh-rescue-backup-111122223333';
const BUCKET_KEY = { keyId: '0b5e0c4e-1111-4d2b-9c1e-00000000b0c7', manager: 'CUSTOMER' } as const;
/** Customer managed keys of the encrypted-volume scenarios. */
const VOLUME_KEY_USABLE = '1a2b3c4d-2222-4e5f-8a9b-000000000001';
const VOLUME_KEY_DENIED = '1a2b3c4d-3333-4e5f-8a9b-000000000002';

/** Repair user data an interrupted earlier execution left in place. */
const LEFTOVER_USER_DATA = Buffer.from(buildRepairUserData({ requestId: 'e0a1b2c3-0000-4000-8000-00000000e4a1', user: 'ec2-user', mode: 'fix' }), 'utf8');

const ORIGINAL_USER_DATA = Buffer.from('#cloud-config\npackages:\n  - nginx\nruncmd:\n  - [systemctl, enable, --now, nginx]\n', 'utf8');

/** 16 KB of user data, bytes that are not valid UTF-8 included, so a lossy restore shows. */
function userData16k(): Buffer {
  const b = Buffer.alloc(USER_DATA_LIMIT);
  b.write('#!/bin/bash\n# padding follows\n');
  for (let i = 32; i < b.length; i++) b[i] = (i * 7919) % 256;
  return b;
}

const offline = { agentWorks: false, agentRegistered: true } as const;

/** The scenarios every ec2-ssh-rescue runbook is checked against. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'managed-online', description: 'SSM managed node, agent online: online repair', instance: { userData: ORIGINAL_USER_DATA }, expect: 'repaired' },
  { name: 'agent-offline', description: 'agent unreachable, EBS root: user-data swap', instance: { ...offline, userData: ORIGINAL_USER_DATA }, expect: 'repaired' },
  { name: 'in-asg', description: 'agent offline, in an Auto Scaling group above min size', instance: { ...offline, userData: ORIGINAL_USER_DATA }, group: { minSize: 1, maxSize: 4, desiredCapacity: 2 }, expect: 'repaired' },
  { name: 'in-asg-at-min', description: 'agent offline, Auto Scaling group at min = max = desired', instance: { ...offline, userData: ORIGINAL_USER_DATA }, group: { minSize: 1, maxSize: 1, desiredCapacity: 1 }, expect: 'refused' },
  { name: 'instance-store-root', description: 'agent offline, instance-store root (cannot stop)', instance: { ...offline, rootDeviceType: 'instance-store', instanceType: 'm1.small', userData: ORIGINAL_USER_DATA }, expect: 'refused' },
  { name: 'spot-one-time', description: 'agent offline, one-time Spot (cannot stop)', instance: { ...offline, spot: 'one-time', userData: ORIGINAL_USER_DATA }, expect: 'refused' },
  { name: 'stop-protected', description: 'agent offline, DisableApiStop set', instance: { ...offline, disableApiStop: true, userData: ORIGINAL_USER_DATA }, expect: 'refused' },
  { name: 'kms-start-failure', description: 'agent offline, start fails with Client.InternalError (KMS)', instance: { ...offline, startFails: true, userData: ORIGINAL_USER_DATA }, expect: 'refused' },
  { name: 'empty-user-data', description: 'agent offline, no original user data', instance: { ...offline }, expect: 'repaired' },
  { name: 'user-data-16k', description: 'agent offline, 16 KB of original binary user data', instance: { ...offline, userData: userData16k() }, expect: 'repaired' },
  { name: 'asg-eks-managed', description: 'agent offline, in an EKS managed node group (EKS owns the group\'s capacity)', instance: { ...offline, userData: ORIGINAL_USER_DATA }, group: { minSize: 1, maxSize: 4, desiredCapacity: 2, tags: { 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'workers' } }, expect: 'refused' },
  { name: 'asg-launch-hook-abandon', description: 'agent offline, a launch lifecycle hook whose timeout ABANDONs (leaving Standby would terminate it)', instance: { ...offline, userData: ORIGINAL_USER_DATA }, group: { minSize: 1, maxSize: 4, desiredCapacity: 2, launchHook: { heartbeatTimeout: 300, defaultResult: 'ABANDON' } }, expect: 'refused' },
  { name: 'already-locked', description: 'another running repair holds the lock', instance: { userData: ORIGINAL_USER_DATA, tags: { [LOCK_TAG_KEY]: 'another-execution' } }, lock: { holder: '6f1e2d3c-4b5a-4969-8877-665544332211', holderStatus: 'InProgress' }, expect: 'refused' },
  { name: 'stale-lock', description: 'agent offline, a lock left by an execution that failed without releasing it', instance: { ...offline, userData: ORIGINAL_USER_DATA }, lock: { holder: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', holderStatus: 'Failed' }, expect: 'repaired' },
  { name: 'xen-console', description: 'agent offline, Xen instance type (console output only around state transitions)', instance: { ...offline, instanceType: 't2.micro', userData: ORIGINAL_USER_DATA }, expect: 'unverified' },
  {
    name: 'cmk-volume', description: 'agent offline, root volume under a customer managed key the role may use',
    instance: { ...offline, userData: ORIGINAL_USER_DATA, volumes: [{ kmsKeyId: VOLUME_KEY_USABLE }] }, keys: [{ keyId: VOLUME_KEY_USABLE }], expect: 'repaired',
  },
  {
    name: 'cmk-volume-denied', description: 'agent offline, data volume under a customer managed key whose policy does not let the role in',
    instance: { ...offline, userData: ORIGINAL_USER_DATA, volumes: [{}, { kmsKeyId: VOLUME_KEY_DENIED }] }, keys: [{ keyId: VOLUME_KEY_DENIED, roleMayUse: false }], expect: 'refused',
  },
  { name: 'leftover-repair-user-data', description: 'agent offline, user data still the repair user data of an interrupted execution', instance: { ...offline, userData: LEFTOVER_USER_DATA }, expect: 'refused' },
];

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario ${name} (known: ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}

/** Builds the world of a scenario; the target instance has a fixed id so runs compare. */
export function buildWorld(scenario: Scenario, options: WorldOptions = {}): { world: World; instance: Instance } {
  const world = new World(options);
  const instance = seedScenario(world, scenario, 'i-0123456789abcdef0', 'web-asg');
  return { world, instance };
}

/**
 * Puts a scenario into `world`: the backup bucket and its key, the scenario's KMS keys, the
 * instance (with `instanceId`), its Auto Scaling group (`groupName`) and any lock. The served
 * simulator (`simulate --serve`) builds each instance's world with this too, so a runbook
 * started there finds the same bucket and keys as in the scenario runs.
 */
export function seedScenario(world: World, scenario: Scenario, instanceId: string, groupName: string): Instance {
  world.kms.add(BUCKET_KEY);
  world.s3.addBucket({ name: SCENARIO_BUCKET, kmsKeyId: BUCKET_KEY.keyId });
  for (const k of scenario.keys ?? []) world.kms.add(k);
  const instance = world.ec2.add({ ...scenario.instance, instanceId });
  if (scenario.group) world.autoscaling.addGroup({ name: groupName, ...scenario.group }, instance);
  const lock = scenario.lock;
  if (lock) {
    world.ssm.parameterStore.seed(`${LOCK_PARAMETER_PREFIX}${instance.instanceId}`, lock.holder);
    world.ssm.registerExecution(lock.holder, () => ({ AutomationExecutionId: lock.holder, DocumentName: 'EC2SSHRescue-FixAccessOffline', AutomationExecutionStatus: lock.holderStatus, StepExecutions: [], Outputs: {} }));
  }
  return instance;
}

/**
 * Parameters for a runbook in a scenario, from the runbook's own parameter names:
 * the instance (InstanceId / InstanceIds), the login user (UserName / User / Username),
 * `fix` for a Mode that allows it, the role (AutomationAssumeRole) and the backup bucket
 * (BackupS3BucketName), as a deployment passes them; everything else keeps its default. A required
 * parameter this cannot fill is an error naming it.
 */
export function scenarioParameters(doc: AutomationDocument, instance: Instance): ParameterInput {
  const out: Record<string, string | string[]> = {};
  for (const [name, spec] of Object.entries(doc.parameters)) {
    if (/^InstanceIds?$/.test(name)) out[name] = spec.type === 'StringList' ? [instance.instanceId] : instance.instanceId;
    else if (/^(UserName|Username|User|LoginUser)$/.test(name)) out[name] = instance.ssh.user;
    else if (name === 'AutomationAssumeRole') out[name] = SCENARIO_ROLE_ARN;
    else if (name === 'BackupS3BucketName') out[name] = SCENARIO_BUCKET;
    else if (name === 'Mode' && (spec.allowedValues ?? []).some((v) => v.toLowerCase() === 'fix')) {
      out[name] = (spec.allowedValues ?? []).find((v) => v.toLowerCase() === 'fix') as string;
    }
    else if (spec.default === undefined) {
      throw new Error(`${doc.name}: required parameter ${name} has no scenario value (known: InstanceId, UserName, Mode, AutomationAssumeRole, BackupS3BucketName)`);
    }
  }
  return out;
}
