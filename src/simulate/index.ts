export { baselineDocument, BASELINE_NAME } from './baseline';
export { parseDocument } from './document';
export type { AutomationDocument } from './document';
export { AwsApiError, DocumentError, SimulatorLimitationError } from './errors';
export { allSteps, BENIGN_FAULT_KINDS, describeFault, FAULT_KINDS, FaultInjector, STALE_READ_MS } from './faults';
export type { Fault, FaultKind, StepRef } from './faults';
export { checkExpectation, checkInvariants, snapshot } from './invariants';
export type { Snapshot, Violation } from './invariants';
export type { AutomationExecution, ExecutionStatus, StepExecution, StepStatus } from './interpreter/execution-types';
export type { ParameterInput } from './interpreter/parameters';
export { DEFAULT_LATENCIES } from './latency';
export type { Latencies, Latency } from './latency';
export { executedSteps, runCase, runMatrix } from './matrix';
export type { CaseMetrics, CaseResult, MatrixOptions } from './matrix';
export { expectedOutcome, profileFor, RUNBOOK_PROFILES } from './runbook-profiles';
export type { RunbookProfile } from './runbook-profiles';
export {
  buildWorld, findScenario, LOCK_PARAMETER_PREFIX, LOCK_RECOVERY_PREFIX, LOCK_TAG_KEY, SCENARIO_BUCKET, SCENARIO_ROLE_ARN, SCENARIOS, scenarioParameters,
} from './scenarios';
export type { Scenario } from './scenarios';
export { Simulator } from './simulator';
export type { RunOptions, SimulatorOptions } from './simulator';
export type { GroupSpec } from './world/autoscaling';
export type { InstanceSpec, SshState } from './world/instance';
export { World } from './world/world';
export type { WorldOptions } from './world/world';
