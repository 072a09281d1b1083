import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AutomationDocument, Rendered } from '../automation';
import { AutomationRuleTarget } from './automation-rule-target';
import { SshRescueAutomationRole } from './ssh-rescue-automation-role';
import { SshRescueRunbooks } from './ssh-rescue-runbooks';
import { sshdBadModesPattern, SyslogTimestamp } from './sshd-log-pattern';

/** A tag whose setting (or change to this value) on an instance starts the runbook. */
export interface TagTrigger {
  /** Tag key. */
  readonly key: string;
  /** Tag value that requests a run. */
  readonly value: string;
}

/** Start the runbook when sshd logs that it refused a key for bad ownership or modes. */
export interface SshdLogAlarmOptions {
  /** The log group the CloudWatch agent sends sshd's syslog lines to (`/var/log/secure`, `/var/log/auth.log`). */
  readonly logGroup: logs.ILogGroup;
  /**
   * Instances to watch, one alarm each: an alarm watches one metric, and its dimension is what brings
   * the instance id to the runbook.
   */
  readonly instanceIds: readonly string[];
  /**
   * How the syslog lines begin.
   * @default SyslogTimestamp.TRADITIONAL
   */
  readonly timestamp?: SyslogTimestamp;
  /** @default 'EC2SSHRescue' */
  readonly metricNamespace?: string;
}

/** Properties of {@link SshRescueRemediation}. */
export interface SshRescueRemediationProps {
  /** The deployed runbooks. */
  readonly runbooks: SshRescueRunbooks;
  /** The orchestrator document among them (its parameters are checked against what the rules pass). */
  readonly orchestrator: AutomationDocument;
  /** The role executions assume; passed as `AutomationAssumeRole`. */
  readonly automationRole: SshRescueAutomationRole;
  /**
   * What automatic runs may do. `Fix` changes instances; choose it explicitly.
   * @default 'Diagnose'
   */
  readonly mode?: 'Diagnose' | 'Fix';
  /**
   * Let automatic runs use the offline path (stop, swap user data, start). Explicit, because it
   * stops the instance.
   * @default false
   */
  readonly allowOffline?: boolean;
  /**
   * The tag that requests a run; `undefined` with `enableTagTrigger: false` turns it off.
   * @default { key: 'ec2-ssh-rescue', value: 'repair' }
   */
  readonly tagTrigger?: TagTrigger;
  /** @default true */
  readonly enableTagTrigger?: boolean;
  /** @default - no log-based trigger */
  readonly sshdLogAlarm?: SshdLogAlarmOptions;
  /**
   * IAM principals (role or user ARNs, of this or other accounts) allowed to send repair requests:
   * `source: ec2-ssh-rescue` events with `detail.instanceId` (id or ARN) and `detail.mode`. They go
   * to a dedicated event bus whose resource policy lets exactly these principals put events and
   * denies everyone else, so a principal allowed events:PutEvents on the default bus (or on `*`)
   * cannot start a repair.
   * @default - no custom-event trigger
   */
  readonly customEventSenders?: readonly string[];
  /**
   * The user-data backup bucket automatic runs pass as `BackupS3BucketName` (when the orchestrator
   * takes it), so an offline repair keeps the original user data there, not in the execution record.
   * @default - not passed; the runbook's own default applies
   */
  readonly backupBucketName?: string;
}

/** IAM role or user ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** Source of the custom events users' tooling sends. */
export const CUSTOM_EVENT_SOURCE = 'ec2-ssh-rescue';

const SAMPLE_ID = 'i-0123456789abcdef0';
const SAMPLE_ARN = `arn:aws:ec2:us-east-1:123456789012:instance/${SAMPLE_ID}`;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * EventBridge rules that start the orchestrator runbook: on a tag, on an sshd log alarm, and on a
 * custom event. Every rule passes list-valued parameters, as the Automation target requires.
 */
export class SshRescueRemediation extends Construct {
  readonly eventsRole: iam.Role;
  /** The bus custom repair requests are sent to; undefined without customEventSenders. */
  readonly requestBus?: events.EventBus;
  readonly rules: events.Rule[] = [];
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly documentName: string;

  constructor(scope: Construct, id: string, private readonly props: SshRescueRemediationProps) {
    super(scope, id);
    const mode = props.mode ?? 'Diagnose';
    const parameters = checkOrchestrator(props.orchestrator, mode, props.allowOffline ?? false);
    this.documentName = props.runbooks.deployedName(props.orchestrator.name);
    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Starts ${this.documentName} from EventBridge rules`,
    });
    const fixed = (instance: string, modeValue: string): Record<string, string[]> => {
      const input: Record<string, string[]> = { InstanceId: [instance], Mode: [modeValue], AutomationAssumeRole: [props.automationRole.roleArn] };
      if (parameters.has('AllowOffline')) input.AllowOffline = [String(props.allowOffline ?? false)];
      if (props.backupBucketName !== undefined && parameters.has('BackupS3BucketName')) input.BackupS3BucketName = [props.backupBucketName];
      return input;
    };

    if (props.enableTagTrigger ?? true) {
      const tag = props.tagTrigger ?? { key: 'ec2-ssh-rescue', value: 'repair' };
      checkPattern(parameters, 'InstanceId', SAMPLE_ARN, 'the tag event names the instance by ARN');
      // "Tag Change on Resource" lists changed keys and the resource's tags after the change; the
      // instance ARN is resources[0].
      // https://docs.aws.amazon.com/tag-editor/latest/userguide/tag-monitor.html
      this.addRule('TagRule', `Starts ${this.documentName} when tag ${tag.key}=${tag.value} is set on an instance`, {
        source: ['aws.tag'],
        detailType: ['Tag Change on Resource'],
        detail: {
          'service': ['ec2'],
          'resource-type': ['instance'],
          'changed-tag-keys': [tag.key],
          'tags': { [tag.key]: [tag.value] },
        },
      }, fixed(events.EventField.fromPath('$.resources[0]'), mode));
    }

    if (props.sshdLogAlarm !== undefined) this.addLogAlarm(props.sshdLogAlarm, parameters, fixed(events.EventField.fromPath(DIMENSION_PATH), mode));

    const senders = props.customEventSenders ?? [];
    if (senders.length > 0) {
      checkPattern(parameters, 'InstanceId', SAMPLE_ID, 'custom events may name the instance by id');
      this.requestBus = this.requestBusFor(senders, `${props.runbooks.catalog.prefix}EC2SSHRescue-Requests`);
      // Fix requests match only where Fix is enabled: the pattern, not the sender, decides.
      const modes = mode === 'Fix' ? ['Diagnose', 'Fix'] : ['Diagnose'];
      this.addRule('CustomEventRule', `Starts ${this.documentName} on ${CUSTOM_EVENT_SOURCE} events sent to ${this.requestBus.eventBusName}`, {
        source: [CUSTOM_EVENT_SOURCE],
        // String ids or ARNs only: anything else would reach the runbook as a non-string list element.
        detail: { instanceId: [{ prefix: 'i-' }, { prefix: 'arn:' }], mode: modes },
      }, fixed(events.EventField.fromPath('$.detail.instanceId'), events.EventField.fromPath('$.detail.mode')), this.requestBus);
    }
  }

  /**
   * A dedicated bus for repair requests. Its resource policy allows events:PutEvents to the named
   * principals (needed for senders in other accounts) and denies it to every other principal, also
   * of this account: an identity policy allowing events:PutEvents on `*` would otherwise reach this
   * bus too, and an explicit Deny in a resource policy wins over any Allow.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  private requestBusFor(senders: readonly string[], name: string): events.EventBus {
    const bad = senders.filter((s) => !PRINCIPAL_ARN.test(s));
    if (bad.length > 0) {
      throw new Error(`SshRescueRemediation: customEventSenders must be IAM role or user ARNs (arn:aws:iam::123456789012:role/NAME); not: ${bad.join(', ')}`);
    }
    const bus = new events.EventBus(this, 'RequestBus', { eventBusName: name, description: 'Repair requests for the EC2 SSH rescue runbooks' });
    bus.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'NamedSendersMayPutEvents',
      principals: senders.map((s) => new iam.ArnPrincipal(s)),
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
    }));
    bus.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'NobodyElseMayPutEvents',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...senders] } },
    }));
    return bus;
  }

  private addRule(id: string, description: string, eventPattern: events.EventPattern, input: Record<string, string[]>, eventBus?: events.IEventBus): events.Rule {
    const rule = new events.Rule(this, id, { description, eventPattern, eventBus });
    rule.addTarget(new AutomationRuleTarget({
      documentName: this.documentName,
      automationRoleArn: this.props.automationRole.roleArn,
      eventsRole: this.eventsRole,
      input: events.RuleTargetInput.fromObject(input),
    }));
    this.rules.push(rule);
    return rule;
  }

  /**
   * Metric filter → one alarm per instance → rule on the alarm entering ALARM. The filter takes the
   * instance id from the syslog host field, so the instances must use EC2 resource-based hostnames
   * (hostname = instance id); log stream names cannot become metric dimensions (metric filters emit
   * only fields of the event and @aws.account/@aws.region as dimensions).
   * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-naming.html
   */
  private addLogAlarm(options: SshdLogAlarmOptions, parameters: ReadonlyMap<string, Rendered>, input: Record<string, string[]>): void {
    if (options.instanceIds.length === 0) throw new Error('sshdLogAlarm: instanceIds is empty — name at least one instance to watch');
    for (const instance of options.instanceIds) {
      if (!INSTANCE_ID.test(instance)) throw new Error(`sshdLogAlarm: "${instance}" is not an instance id (i-0123456789abcdef0)`);
    }
    checkPattern(parameters, 'InstanceId', SAMPLE_ID, 'the alarm passes the instance id');
    const namespace = options.metricNamespace ?? 'EC2SSHRescue';
    const metricName = 'SshdRefusedBadOwnershipOrModes';
    new logs.MetricFilter(this, 'SshdFilter', {
      logGroup: options.logGroup,
      filterPattern: sshdBadModesPattern(options.timestamp),
      metricNamespace: namespace,
      metricName,
      metricValue: '1',
      dimensions: { [DIMENSION]: '$host' },
    });
    const alarmArns: string[] = [];
    for (const instance of options.instanceIds) {
      const alarm = new cloudwatch.Alarm(this, `SshdAlarm-${instance}`, {
        alarmDescription: `sshd on ${instance} refused a key for bad ownership or modes`,
        metric: new cloudwatch.Metric({ namespace, metricName, dimensionsMap: { [DIMENSION]: instance }, statistic: 'Sum', period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(alarm);
      alarmArns.push(alarm.alarmArn);
    }
    // The state change event carries the alarm's metric with its dimensions.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
    this.addRule('SshdAlarmRule', `Starts ${this.documentName} when sshd refuses a key for bad ownership or modes`, {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: alarmArns,
      detail: { state: { value: ['ALARM'] } },
    }, input);
  }
}

const DIMENSION = 'InstanceId';
const DIMENSION_PATH = `$.detail.configuration.metrics[0].metricStat.metric.dimensions.${DIMENSION}`;

/** The orchestrator's parameters, checked against what the rules will pass. */
function checkOrchestrator(doc: AutomationDocument, mode: string, allowOffline: boolean): Map<string, Rendered> {
  const declared = doc.toObject().parameters;
  const parameters = new Map<string, Rendered>(typeof declared === 'object' && !Array.isArray(declared) ? Object.entries(declared) : []);
  const missing = ['InstanceId', 'Mode', 'AutomationAssumeRole'].filter((p) => !parameters.has(p));
  if (missing.length > 0) {
    throw new Error(`SshRescueRemediation: ${doc.name} has no ${missing.join(', ')} parameter — rules pass the instance, the mode and the role`);
  }
  const modeSpec = parameters.get('Mode') as { allowedValues?: string[] };
  if (modeSpec.allowedValues !== undefined && !modeSpec.allowedValues.includes(mode)) {
    throw new Error(`SshRescueRemediation: ${doc.name} does not accept Mode ${mode} (allowed: ${modeSpec.allowedValues.join(', ')})`);
  }
  if (allowOffline && !parameters.has('AllowOffline')) {
    throw new Error(`SshRescueRemediation: allowOffline is set but ${doc.name} has no AllowOffline parameter`);
  }
  return parameters;
}

/** Refuses a rule whose instance value the parameter's allowedPattern would reject at run time. */
function checkPattern(parameters: ReadonlyMap<string, Rendered>, name: string, sample: string, why: string): void {
  const spec = parameters.get(name) as { allowedPattern?: string };
  if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(sample)) {
    throw new Error(`SshRescueRemediation: ${name} pattern ${spec.allowedPattern} rejects ${sample}, but ${why}`);
  }
}
