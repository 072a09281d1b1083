import { CommandDocument } from '../command-document';
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
  /**
   * The Command document built here that `documentName` names; when given, the parameters are
   * checked against it at construction (unknown names refused, required ones present).
   * @default - no check (e.g. an AWS-owned document)
   */
  readonly command?: CommandDocument;
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
    if (props.command !== undefined) checkCommandParameters(name, props);
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
    // SendCommand is authorised on the document (required resource type) and on each target
    // instance; ListCommands, ListCommandInvocations and GetCommandInvocation support no
    // resource-level permissions.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
    // Two statements: running a command changes the instance, so the instance half is flagged
    // and a deployment can condition it on the instance's tags; the document half cannot carry
    // that condition (a document has no such tag), as AWS's own example keeps them apart.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cmdsec.html
    const doc = this.props.documentName.startsWith('AWS-')
      ? `arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/${this.props.documentName}`
      : `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${this.props.documentName}`;
    return [
      { actions: ['ssm:SendCommand'], resources: [doc] },
      { actions: ['ssm:SendCommand'], resources: [INSTANCE_ARN], mutatesInstance: true },
      { actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'], resources: ['*'] },
    ];
  }
}

/** Refuses parameters the Command document does not declare and missing required ones. */
function checkCommandParameters(step: string, props: RunCommandProps): void {
  const command = props.command as CommandDocument;
  if (command.name !== props.documentName) {
    throw new Error(`Step ${step}: documentName ${props.documentName} differs from the Command document given (${command.name})`);
  }
  const declared = new Map(command.parameters.map((p) => [p.name, p]));
  const given = Object.keys(props.parameters ?? {}).filter((k) => props.parameters?.[k] !== undefined);
  const problems = [
    ...given.filter((k) => !declared.has(k)).map((k) => `${k} is not a parameter of ${command.name}`),
    ...[...declared.values()].filter((p) => p.defaultValue === undefined && !given.includes(p.name)).map((p) => `${p.name} is required by ${command.name} and not passed`),
  ];
  if (problems.length > 0) throw new Error(`Step ${step}: ${problems.join('; ')}`);
}
