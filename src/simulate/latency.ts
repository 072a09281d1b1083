import { Rng } from './rng';

/** A latency drawn uniformly between `min` and `max` seconds. */
export interface Latency {
  readonly min: number;
  readonly max: number;
}

/**
 * How long the simulated world takes for each transition. AWS publishes no service level
 * for these durations, so the defaults are typical figures, each next to the page that
 * describes the transition; override them per run to explore slower or faster worlds.
 */
export interface Latencies {
  /**
   * One API round trip.
   * @default 0.05–0.3 s
   */
  readonly apiCall: Latency;
  /**
   * running → stopping → stopped
   * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-ec2-instance-stop-start-works.html).
   * @default 20–60 s
   */
  readonly stop: Latency;
  /**
   * stopped → pending → running
   * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html).
   * @default 10–30 s
   */
  readonly start: Latency;
  /**
   * running → instance and system status checks `ok`
   * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html).
   * @default 60–180 s
   */
  readonly statusChecks: Latency;
  /**
   * running → SSM Agent reports `Online` (the agent registers after boot and pings about every
   * 5 minutes at most: https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-managed-nodes.html).
   * @default 20–90 s
   */
  readonly agentOnline: Latency;
  /**
   * running → cloud-init final stage done (user-data scripts ran).
   * @default 15–60 s
   */
  readonly boot: Latency;
  /**
   * A Run Command invocation from send to finished.
   * @default 2–10 s
   */
  readonly runCommand: Latency;
  /**
   * A stopped InService instance is found unhealthy and replaced: the EC2 health check treats any
   * state other than running as unhealthy
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html).
   * @default 10–60 s
   */
  readonly healthCheck: Latency;
  /**
   * EnteringStandby → Standby and Pending → InService after ExitStandby
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-enter-exit-standby.html).
   * @default 1–5 s
   */
  readonly lifecycleTransition: Latency;
}

export const DEFAULT_LATENCIES: Latencies = {
  apiCall: { min: 0.05, max: 0.3 },
  stop: { min: 20, max: 60 },
  start: { min: 10, max: 30 },
  statusChecks: { min: 60, max: 180 },
  agentOnline: { min: 20, max: 90 },
  boot: { min: 15, max: 60 },
  runCommand: { min: 2, max: 10 },
  healthCheck: { min: 10, max: 60 },
  lifecycleTransition: { min: 1, max: 5 },
};

/** Draws one latency in milliseconds. */
export function draw(rng: Rng, latency: Latency): number {
  return Math.round(rng.between(latency.min, latency.max) * 1000);
}
