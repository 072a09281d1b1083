import { Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AutomationDocument } from '../../automation';
import { SshRescueRemediation, TagTrigger } from '../ssh-rescue-remediation';
import { SyslogTimestamp } from '../sshd-log-pattern';
import { RunbooksStack } from './runbooks-stack';

/** Properties of {@link RemediationStack}. */
export interface RemediationStackProps extends StackProps {
  /** The stack holding the runbooks and the automation role (same account and Region). */
  readonly runbooksStack: RunbooksStack;
  /** The orchestrator document. */
  readonly orchestrator: AutomationDocument;
  /** @default 'Diagnose' */
  readonly mode?: 'Diagnose' | 'Fix';
  /** @default false */
  readonly allowOffline?: boolean;
  /** @default { key: 'ec2-ssh-rescue', value: 'repair' }; `null` turns the tag trigger off */
  readonly tagTrigger?: TagTrigger | null;
  /** Log group with sshd's syslog lines. @default - no log-based trigger */
  readonly sshdLogGroupName?: string;
  /** Instances whose sshd log lines start a run. @default - none */
  readonly sshdInstanceIds?: readonly string[];
  /** @default SyslogTimestamp.TRADITIONAL */
  readonly sshdTimestamp?: SyslogTimestamp;
  /** IAM role or user ARNs that may send custom repair requests. @default - no custom-event trigger */
  readonly customEventSenders?: readonly string[];
}

/** EventBridge use: rules that start the orchestrator automatically. */
export class RemediationStack extends Stack {
  readonly remediation: SshRescueRemediation;

  constructor(scope: Construct, id: string, props: RemediationStackProps) {
    super(scope, id, props);
    if ((props.sshdLogGroupName === undefined) !== (props.sshdInstanceIds === undefined)) {
      throw new Error('RemediationStack: sshdLogGroupName and sshdInstanceIds go together — give both or neither');
    }
    this.remediation = new SshRescueRemediation(this, 'Remediation', {
      runbooks: props.runbooksStack.runbooks,
      automationRole: props.runbooksStack.automationRole,
      orchestrator: props.orchestrator,
      mode: props.mode,
      allowOffline: props.allowOffline,
      enableTagTrigger: props.tagTrigger !== null,
      tagTrigger: props.tagTrigger ?? undefined,
      customEventSenders: props.customEventSenders,
      backupBucketName: props.runbooksStack.backupBucket.bucketName,
      sshdLogAlarm: props.sshdLogGroupName === undefined ? undefined : {
        logGroup: logs.LogGroup.fromLogGroupName(this, 'SshdLogs', props.sshdLogGroupName),
        instanceIds: props.sshdInstanceIds ?? [],
        timestamp: props.sshdTimestamp,
      },
    });
  }
}
