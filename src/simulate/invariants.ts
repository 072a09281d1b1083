import { FaultKind } from './faults';
import { AutomationExecution } from './interpreter/execution-types';
import { LOCK_PARAMETER_PREFIX, LOCK_RECOVERY_PREFIX, LOCK_TAG_KEY, Scenario } from './scenarios';
import { originalUserDataReruns } from './world/boot';
import { World } from './world/world';

/** What must be the same after a run as before it. */
export interface Snapshot {
  readonly instanceId: string;
  readonly state: string;
  readonly userData: Buffer;
  readonly lockTag?: string;
  /** Value of the lock parameter, if any. */
  readonly lockParameter?: string;
  /** The lock's holder had ended (a stale lock, which a run may recover and release). */
  readonly lockStale: boolean;
  readonly asg?: { readonly group: string; readonly lifecycle: string; readonly desired: number };
  readonly sshBroken: boolean;
}

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

/** Time given to the world after an execution ends, so a stopped InService instance meets its health check. */
export const SETTLE_MS = 30 * 60 * 1000;

function lockValue(world: World, instanceId: string): string | undefined {
  return world.ssm.parameterStore.parameters.get(`${LOCK_PARAMETER_PREFIX}${instanceId}`)?.value;
}

function isStale(world: World, value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    const r = world.ssm.operations.GetAutomationExecution({ AutomationExecutionId: value.split('|')[0] }) as { AutomationExecution: { AutomationExecutionStatus: string } };
    return !['Pending', 'InProgress', 'Waiting', 'Cancelling'].includes(r.AutomationExecution.AutomationExecutionStatus) && !value.includes('|kept');
  } catch {
    return false;
  }
}

export function snapshot(world: World, instanceId: string): Snapshot {
  const i = world.ec2.instances.get(instanceId);
  if (!i) throw new Error(`no instance ${instanceId} in the world`);
  const m = world.autoscaling.membership(instanceId);
  return {
    instanceId,
    state: i.state,
    userData: Buffer.from(i.userData),
    lockTag: i.tags.get(LOCK_TAG_KEY),
    lockParameter: lockValue(world, instanceId),
    lockStale: isStale(world, lockValue(world, instanceId)),
    asg: m ? { group: m.group, lifecycle: m.lifecycle, desired: m.desired } : undefined,
    sshBroken: i.ssh.broken,
  };
}

/**
 * The invariants every run must keep, whatever fault hit it: the instance is still there,
 * in its original state, with byte-identical user data, its Auto Scaling membership and
 * desired capacity restored, the lock as it was, and an honest final status — never
 * Success with an unrepaired instance, Cancelled when the execution was cancelled. The
 * only allowed difference is the one the world forced: an instance that cannot start
 * (KMS) may stay stopped when the execution says it failed.
 */
export function checkInvariants(before: Snapshot, world: World, execution: AutomationExecution, fault: FaultKind | undefined, cancelledTopLevel: boolean): Violation[] {
  const v: Violation[] = [];
  const i = world.ec2.instances.get(before.instanceId);
  if (!i) return [{ invariant: 'instance-kept', detail: 'the instance disappeared' }];
  const status = execution.AutomationExecutionStatus;
  const replaced = world.autoscaling.replacements.filter((r) => r.terminated === before.instanceId);
  if (replaced.length > 0) v.push({ invariant: 'no-replacement', detail: `Auto Scaling replaced the instance with ${replaced[0].launched} at ${Math.round(replaced[0].atMs / 1000)} s` });
  // The one change the world can force: an instance that cannot start stays stopped (and, in an
  // Auto Scaling group, is better left in Standby than replaced) — acceptable only with a failed status.
  const forced = i.startFails && i.state === 'stopped' && status !== 'Success';
  if (i.state === 'terminated' || i.state === 'shutting-down') v.push({ invariant: 'instance-kept', detail: `the instance is ${i.state}` });
  else if (i.state !== before.state && !forced) v.push({ invariant: 'state-restored', detail: `instance is ${i.state}, was ${before.state}` });
  if (!i.userData.equals(before.userData)) {
    v.push({ invariant: 'user-data-restored', detail: `user data is ${i.userData.length} bytes (sha differs), was ${before.userData.length} bytes` });
  }
  // The repair boot must run only the repair: a first-boot script of the instance run again can be
  // a mkfs, an upgrade or a cluster join (measured with real cloud-init in test/boot).
  const reruns = originalUserDataReruns(i);
  if (reruns.length > 0) v.push({ invariant: 'original-user-data-not-rerun', detail: `original user data executed again (${reruns.join(', ')})` });
  if (before.asg) {
    const m = world.autoscaling.membership(before.instanceId);
    if (!m) {
      if (replaced.length === 0) v.push({ invariant: 'asg-restored', detail: `instance left group ${before.asg.group}` });
    } else {
      const keptInStandby = forced && m.lifecycle === 'Standby';
      if (m.lifecycle !== before.asg.lifecycle && !keptInStandby) v.push({ invariant: 'asg-restored', detail: `lifecycle ${m.lifecycle}, was ${before.asg.lifecycle}` });
    }
    const desired = world.autoscaling.groups.get(before.asg.group)?.desired;
    const standbyDesired = forced && m?.lifecycle === 'Standby' && desired === before.asg.desired - 1;
    if (desired !== before.asg.desired && !standbyDesired) v.push({ invariant: 'asg-restored', detail: `desired capacity ${desired}, was ${before.asg.desired}` });
  }
  const lock = i.tags.get(LOCK_TAG_KEY);
  if (lock !== before.lockTag) v.push({ invariant: 'lock-restored', detail: `lock tag is ${lock ?? 'absent'}, was ${before.lockTag ?? 'absent'}` });
  // The lock parameter as before; a stale lock (its holder had ended) may have been recovered and released.
  const param = lockValue(world, before.instanceId);
  // An instance that cannot start is a change left in effect: the lock may stay, marked kept.
  const keptForced = forced && before.lockParameter === undefined && param !== undefined && /^[^|]+\|kept: /.test(param);
  if (param !== before.lockParameter && !(before.lockStale && param === undefined) && !keptForced) {
    v.push({ invariant: 'lock-restored', detail: `lock parameter is ${param ?? 'absent'}, was ${before.lockParameter ?? 'absent'}` });
  }
  const claims = [...world.ssm.parameterStore.parameters.keys()].filter((n) => n.startsWith(LOCK_RECOVERY_PREFIX));
  if (claims.length > 0) v.push({ invariant: 'lock-restored', detail: `recovery claim ${claims.join(', ')} left behind` });
  if (status === 'Success' && before.sshBroken && i.ssh.broken) v.push({ invariant: 'honest-status', detail: 'Success but sshd still refuses the key' });
  if (fault === 'cancel' && cancelledTopLevel && status !== 'Cancelled') v.push({ invariant: 'honest-status', detail: `cancelled during a step, status ${status}` });
  return v;
}

/** The no-fault expectation: a repair ends Success with the key accepted; a refusal does not end Success. */
export function checkExpectation(expect: Scenario['expect'], world: World, before: Snapshot, execution: AutomationExecution): Violation[] {
  const i = world.ec2.instances.get(before.instanceId);
  const status = execution.AutomationExecutionStatus;
  if (expect === 'repaired' && (status !== 'Success' || !i || i.ssh.broken)) {
    return [{ invariant: 'expected-outcome', detail: `expected a repair, got ${status}${i?.ssh.broken ? ' with sshd still refusing the key' : ''}: ${execution.FailureMessage ?? ''}` }];
  }
  if (expect === 'refused' && status === 'Success') {
    return [{ invariant: 'expected-outcome', detail: 'expected a refusal, got Success' }];
  }
  // Unverified: not Success (the verdict could not be read), said so, and without waiting for a
  // console post that comes only at the next state transition.
  if (expect === 'unverified' && (status === 'Success' || !/unverified/.test(execution.FailureMessage ?? '') || !/hypervisor/.test(execution.FailureMessage ?? ''))) {
    return [{ invariant: 'expected-outcome', detail: `expected an honest unverified naming the hypervisor, got ${status}: ${execution.FailureMessage ?? ''}` }];
  }
  return [];
}
