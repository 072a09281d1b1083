/**
 * An error as the simulated AWS API returns it: a service, an operation and AWS's own
 * error code (e.g. `IncorrectInstanceState`), so runbooks see the codes real AWS sends.
 */
export class AwsApiError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly code: string,
    /** AWS's own message, without the SDK's "An error occurred (…)" prefix. */
    readonly awsMessage: string,
  ) {
    super(`An error occurred (${code}) when calling the ${operation} operation: ${awsMessage}`);
    this.name = 'AwsApiError';
  }
}

/**
 * Something the simulator cannot execute faithfully (an action or API it does not model).
 * It aborts the whole simulation instead of failing a step, so a gap in the simulator is
 * never mistaken for a runbook failure or silently passed over.
 */
export class SimulatorLimitationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorLimitationError';
  }
}

/** A document that cannot be parsed into a schemaVersion 0.3 Automation document. */
export class DocumentError extends Error {
  constructor(
    readonly document: string,
    message: string,
  ) {
    super(`${document}: ${message}`);
    this.name = 'DocumentError';
  }
}
