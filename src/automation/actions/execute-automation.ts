import { Input } from '../input';
import { Permission } from '../permission';
import { Ref } from '../ref';
import { AUTOMATION_EXECUTION_ARN } from '../resource-narrowing';
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
    // StartAutomationExecution is authorized on the runbook (document, required), on the new
    // execution (automation-execution, required) and on its automation-definition; the child is
    // then polled with GetAutomationExecution (narrowed to this account's executions). iam:PassRole
    // for the child's assume role is added by the deployment, which knows the role.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
    const name = this.props.documentName;
    return [
      {
        actions: ['ssm:StartAutomationExecution'],
        resources: [
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/${name}:*`,
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${name}`,
          AUTOMATION_EXECUTION_ARN,
        ],
      },
      { actions: ['ssm:GetAutomationExecution'], resources: [AUTOMATION_EXECUTION_ARN] },
    ];
  }
}
