import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SshRescueOrganization, SshRescueOrganizationProps } from '../ssh-rescue-organization';

/** Organisation use: deployed in the management or delegated administrator account. */
export class OrganizationStack extends Stack {
  readonly organization: SshRescueOrganization;

  constructor(scope: Construct, id: string, props: StackProps & SshRescueOrganizationProps) {
    super(scope, id, props);
    this.organization = new SshRescueOrganization(this, 'Organization', props);
    new CfnOutput(this, 'AdministrationRole', {
      value: this.organization.administrationRole.roleArn,
      description: 'Pass as AutomationAssumeRole with TargetLocations to run in member accounts',
    });
  }
}
