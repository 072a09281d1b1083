/** Step statuses as GetAutomationExecution reports them (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StepExecution.html). */
export type StepStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

/** Execution statuses (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html). */
export type ExecutionStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

/** One step execution, shaped like the StepExecution of GetAutomationExecution. */
export interface StepExecution {
  readonly StepName: string;
  readonly Action: string;
  readonly StepStatus: StepStatus;
  readonly FailureMessage?: string;
  readonly Outputs?: Readonly<Record<string, string[]>>;
  /** The step's inputs with references resolved, as Automation records them for the step. */
  readonly Inputs?: Readonly<Record<string, unknown>>;
  readonly ExecutionStartTime: string;
  readonly ExecutionEndTime: string;
  readonly Attempts: number;
  readonly IsCritical: boolean;
  readonly OnFailure: string;
  /** Virtual milliseconds since the simulation started (for benchmarks). */
  readonly startMs: number;
  readonly endMs: number;
}

/** One execution, shaped like the AutomationExecution of GetAutomationExecution. */
export interface AutomationExecution {
  readonly AutomationExecutionId: string;
  readonly DocumentName: string;
  readonly AutomationExecutionStatus: ExecutionStatus;
  readonly FailureMessage?: string;
  readonly Parameters: Readonly<Record<string, string[]>>;
  readonly Outputs: Readonly<Record<string, string[]>>;
  readonly StepExecutions: readonly StepExecution[];
  /** Executions started by aws:executeAutomation steps, in order. */
  readonly ChildExecutions: readonly AutomationExecution[];
  readonly ExecutionStartTime: string;
  readonly ExecutionEndTime: string;
  readonly startMs: number;
  readonly endMs: number;
}
