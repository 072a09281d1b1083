import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SsmDocument } from '../../automation';
import { InstanceTagCondition } from '../derived-policy';
import { SshRescueAutomationRole } from '../ssh-rescue-automation-role';
import { SshRescueRunbooks } from '../ssh-rescue-runbooks';

/** Properties of {@link RunbooksStack}. */
export interface RunbooksStackProps extends StackProps {
  readonly documents: readonly SsmDocument[];
  /** @default '' */
  readonly prefix?: string;
  /** @default - no tag condition */
  readonly instanceTagCondition?: InstanceTagCondition;
}

/** Console use: the runbooks and the role to run them with, in one account and Region. */
export class RunbooksStack extends Stack {
  readonly runbooks: SshRescueRunbooks;
  readonly automationRole: SshRescueAutomationRole;

  constructor(scope: Construct, id: string, props: RunbooksStackProps) {
    super(scope, id, props);
    this.runbooks = new SshRescueRunbooks(this, 'Runbooks', { documents: props.documents, prefix: props.prefix });
    this.automationRole = new SshRescueAutomationRole(this, 'AutomationRole', {
      catalog: this.runbooks.catalog,
      instanceTagCondition: props.instanceTagCondition,
    });
    new CfnOutput(this, 'AutomationAssumeRole', {
      value: this.automationRole.roleArn,
      description: 'Pass as AutomationAssumeRole when starting a runbook',
    });
    new CfnOutput(this, 'Documents', { value: this.runbooks.catalog.entries.map((e) => e.name).join(',') });
  }
}
