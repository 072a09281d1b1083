import { Input } from '../input';
import { INSTANCE_ARN, Permission } from '../permission';
import { Ref } from '../ref';
import { builtinOutputs, Step, StepOptions } from '../step';

/** Properties of an aws:runCommand step. */
export interface RunCommandProps extends StepOptions {
  /** The Command document, e.g. `AWS-RunShellScript`. */
  readonly documentName: string;
  /** Managed nodes to run on (at most 50). */
  readonly instanceIds: Input;
  /** Parameters of the Command document. @default - none */
  readonly parameters?: { readonly [name: string]: Input | undefined };
  /** Seconds the command may wait to be delivered before it fails. @default - SendCommand's default */
  readonly commandTimeoutSeconds?: number;
  /** Shown in the Run Command history. @default - none */
  readonly comment?: string;
}

/**
 * Runs a Command document on managed nodes and waits for it.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-runcommand.html
 */
export class RunCommand extends Step {
  readonly action = 'aws:runCommand';
  /** Outputs AWS documents for aws:runCommand: CommandId, Status, ResponseCode and Output. */
  readonly out: {
    readonly CommandId: Ref<'String'>;
    readonly Status: Ref<'String'>;
    readonly ResponseCode: Ref<'Integer'>;
    readonly Output: Ref<'String'>;
  };

  constructor(name: string, private readonly props: RunCommandProps) {
    super(name, props);
    this.out = builtinOutputs(name, { CommandId: 'String', Status: 'String', ResponseCode: 'Integer', Output: 'String' } as const);
  }

  protected inputs() {
    return {
      DocumentName: this.props.documentName,
      InstanceIds: this.props.instanceIds,
      Parameters: this.props.parameters,
      TimeoutSeconds: this.props.commandTimeoutSeconds,
      Comment: this.props.comment,
    };
  }

  permissions(): Permission[] {
    // SendCommand is authorised on both the document and the target instance.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
    const doc = this.props.documentName.startsWith('AWS-')
      ? `arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/${this.props.documentName}`
      : `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${this.props.documentName}`;
    return [
      { actions: ['ssm:SendCommand'], resources: [doc, INSTANCE_ARN] },
      { actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'], resources: ['*'] },
    ];
  }
}
