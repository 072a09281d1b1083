import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SsmDocument } from '../../automation';
import { InstanceTagCondition } from '../derived-policy';
import { SshRescueBackupBucket } from '../ssh-rescue-backup-bucket';
import { SshRescueAutomationRole } from '../ssh-rescue-automation-role';
import { SshRescueRunbooks } from '../ssh-rescue-runbooks';

/** Properties of {@link RunbooksStack}. */
export interface RunbooksStackProps extends StackProps {
  readonly documents: readonly SsmDocument[];
  /** @default '' */
  readonly prefix?: string;
  /** @default - no tag condition */
  readonly instanceTagCondition?: InstanceTagCondition;
  /** Days the user-data backups are kept. @default 14 */
  readonly backupRetentionDays?: number;
}

/** Console use: the runbooks and the role to run them with, in one account and Region. */
export class RunbooksStack extends Stack {
  readonly runbooks: SshRescueRunbooks;
  readonly automationRole: SshRescueAutomationRole;
  readonly backupBucket: SshRescueBackupBucket;

  constructor(scope: Construct, id: string, props: RunbooksStackProps) {
    super(scope, id, props);
    this.runbooks = new SshRescueRunbooks(this, 'Runbooks', { documents: props.documents, prefix: props.prefix });
    this.backupBucket = new SshRescueBackupBucket(this, 'UserDataBackup', { retentionDays: props.backupRetentionDays });
    this.automationRole = new SshRescueAutomationRole(this, 'AutomationRole', {
      catalog: this.runbooks.catalog,
      instanceTagCondition: props.instanceTagCondition,
      backupBucket: this.backupBucket,
    });
    this.backupBucket.limitObjectAccessTo(this.automationRole.role);
    new CfnOutput(this, 'BackupS3BucketName', {
      value: this.backupBucket.bucketName,
      description: 'Pass as BackupS3BucketName: the offline repair keeps the original user data there, not in the execution record',
    });
    new CfnOutput(this, 'AutomationAssumeRole', {
      value: this.automationRole.roleArn,
      description: 'Pass as AutomationAssumeRole when starting a runbook',
    });
    new CfnOutput(this, 'Documents', { value: this.runbooks.catalog.entries.map((e) => e.name).join(',') });
  }
}
