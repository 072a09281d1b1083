import { Input } from '../input';
import { INSTANCE_ARN, Permission } from '../permission';
import { Step, StepOptions } from '../step';

/** Properties of an aws:changeInstanceState step. */
export interface ChangeInstanceStateProps extends StepOptions {
  /** Instances to act on. */
  readonly instanceIds: Input;
  /** The state to reach. */
  readonly desiredState: 'running' | 'stopped' | 'terminated';
  /**
   * Only check that the instances are in the desired state; change nothing.
   * @default false
   */
  readonly checkStateOnly?: boolean;
  /**
   * Force the stop (the instance gets no chance to flush caches). Only for `stopped`.
   * @default false
   */
  readonly force?: boolean;
}

/**
 * Starts, stops or terminates instances and waits until they reach the state; `running` also waits
 * for the instance status checks to pass.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html
 */
export class ChangeInstanceState extends Step {
  readonly action = 'aws:changeInstanceState';

  constructor(name: string, private readonly props: ChangeInstanceStateProps) {
    super(name, props);
    if (props.force === true && props.desiredState !== 'stopped') {
      throw new Error(`Step ${name}: force applies only to desiredState stopped`);
    }
  }

  protected inputs() {
    return {
      InstanceIds: this.props.instanceIds,
      CheckStateOnly: this.props.checkStateOnly,
      DesiredState: this.props.desiredState,
      Force: this.props.force,
    };
  }

  permissions(): Permission[] {
    const perms: Permission[] = [{ actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'], resources: ['*'] }];
    if (this.props.checkStateOnly !== true) {
      const verb = { running: 'StartInstances', stopped: 'StopInstances', terminated: 'TerminateInstances' }[this.props.desiredState];
      perms.push({ actions: [`ec2:${verb}`], resources: [INSTANCE_ARN], mutatesInstance: true });
    }
    return perms;
  }
}
