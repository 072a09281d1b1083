import { Input } from '../input';
import { Permission } from '../permission';
import { Ref } from '../ref';
import { builtinOutputs, Step, StepOptions } from '../step';

/** Properties of an aws:executeAutomation step. */
export interface ExecuteAutomationProps extends StepOptions {
  /** Name of the child runbook in the same account. */
  readonly documentName: string;
  /** Parameters for the child; values are lists or strings as the child declares. @default - none */
  readonly runtimeParameters?: { readonly [name: string]: Input | undefined };
  /** @default - the child's default version */
  readonly documentVersion?: string;
}

/**
 * Runs another Automation runbook as a child execution and waits for it.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAutomation.html
 */
export class ExecuteAutomation extends Step {
  readonly action = 'aws:executeAutomation';
  /** Outputs AWS documents for the action. */
  readonly out: {
    readonly ExecutionId: Ref<'String'>;
    readonly Status: Ref<'String'>;
    readonly Output: Ref<'String'>;
  };

  constructor(name: string, private readonly props: ExecuteAutomationProps) {
    super(name, props);
    this.out = builtinOutputs(name, { ExecutionId: 'String', Status: 'String', Output: 'String' } as const);
  }

  /** The child runbook's name. */
  get documentName(): string {
    return this.props.documentName;
  }

  protected inputs() {
    return {
      DocumentName: this.props.documentName,
      DocumentVersion: this.props.documentVersion,
      RuntimeParameters: this.props.runtimeParameters,
    };
  }

  permissions(): Permission[] {
    // iam:PassRole for the child's assume role is added by the deployment, which knows the role.
    return [
      {
        actions: ['ssm:StartAutomationExecution'],
        resources: [`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/${this.props.documentName}:*`],
      },
      { actions: ['ssm:GetAutomationExecution'], resources: ['*'] },
    ];
  }
}
