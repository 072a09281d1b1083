import { Permission } from '../permission';
import { Step, StepOptions } from '../step';

/** Properties of an aws:sleep step. */
export interface SleepProps extends StepOptions {
  /** ISO 8601 duration, e.g. `PT30S`; AWS allows up to 7 days. */
  readonly duration: string;
}

/**
 * Waits for a fixed time.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-sleep.html
 */
export class Sleep extends Step {
  readonly action = 'aws:sleep';

  constructor(name: string, private readonly props: SleepProps) {
    super(name, props);
    if (!/^PT(?=\d)(\d+H)?(\d+M)?(\d+S)?$/.test(props.duration)) {
      throw new Error(`Step ${name}: duration "${props.duration}" must be an ISO 8601 time such as PT30S or PT5M`);
    }
  }

  protected inputs() {
    return { Duration: this.props.duration };
  }

  permissions(): Permission[] {
    return [];
  }
}
