import { Aws, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { passRoleStatement } from './ssh-rescue-automation-role';

/** Properties of {@link AutomationRuleTarget}. */
export interface AutomationRuleTargetProps {
  /** Deployed name of the runbook to start. */
  readonly documentName: string;
  /** The role the execution assumes; the rule's role may pass it, to SSM only. */
  readonly automationRoleArn: string;
  /** The role EventBridge uses to start the execution. */
  readonly eventsRole: iam.IRole;
  /** Runbook parameters; every value a list of strings, as the Automation target requires. */
  readonly input: events.RuleTargetInput;
}

/**
 * An EventBridge target that starts an Automation runbook. The ARN names the automation definition
 * and its `$DEFAULT` version; EventBridge calls StartAutomationExecution with the rule's role.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (Systems Manager Automation)
 */
export class AutomationRuleTarget implements events.IRuleTarget {
  constructor(private readonly props: AutomationRuleTargetProps) {}

  bind(): events.RuleTargetConfig {
    const definition = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-definition/${this.props.documentName}`;
    this.props.eventsRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:StartAutomationExecution'],
      resources: [`${definition}:*`],
    }));
    this.props.eventsRole.addToPrincipalPolicy(passRoleStatement(this.props.automationRoleArn));
    Validations.of(this.props.eventsRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/${this.props.documentName}:*]`,
      reason: 'Any version of this one runbook; the target itself runs $DEFAULT.',
    });
    return { arn: `${definition}:$DEFAULT`, role: this.props.eventsRole, input: this.props.input };
  }
}
