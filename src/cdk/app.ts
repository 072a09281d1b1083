import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AutomationDocument } from '../automation';
import { allDocuments } from '../runbooks';
import { readSettings } from './app-context';
import { OrganizationStack } from './stacks/organization-stack';
import { RemediationStack } from './stacks/remediation-stack';
import { RunbooksStack } from './stacks/runbooks-stack';

/**
 * The CDK app (`npx cdk synth`). Stacks are environment-agnostic unless the context names an account
 * and Region, so synthesis needs no credentials. Context keys are listed in src/cdk/README.md.
 */
export function buildApp(app: App = new App()): App {
  const settings = readSettings(app.node);
  const env = settings.account !== undefined || settings.region !== undefined ? { account: settings.account, region: settings.region } : undefined;
  const documents = allDocuments();

  const runbooks = new RunbooksStack(app, 'EC2SSHRescue-Runbooks', {
    env,
    documents,
    prefix: settings.prefix,
    instanceTagCondition: settings.instanceTagCondition,
    description: 'EC2 SSH rescue: Automation runbooks and the role to run them (ec2-ssh-rescue)',
  });

  const orchestrator = documents.find((d): d is AutomationDocument => d instanceof AutomationDocument && d.name === settings.orchestrator);
  if (orchestrator === undefined) {
    Annotations.of(runbooks).addWarningV2('ec2-ssh-rescue:no-orchestrator',
      `No runbook named ${settings.orchestrator}; the EC2SSHRescue-Remediation stack is not synthesized`);
  } else {
    new RemediationStack(app, 'EC2SSHRescue-Remediation', {
      env,
      runbooksStack: runbooks,
      orchestrator,
      mode: settings.mode,
      allowOffline: settings.allowOffline,
      tagTrigger: settings.tagTrigger,
      sshdLogGroupName: settings.sshdLogGroupName,
      sshdInstanceIds: settings.sshdInstanceIds,
      sshdTimestamp: settings.sshdTimestamp,
      customEventSenders: settings.eventSenders,
      description: 'EC2 SSH rescue: EventBridge rules that start the repair runbook (ec2-ssh-rescue)',
    });
  }

  if (settings.organizationalUnitIds.length > 0 || settings.regions.length > 0) {
    new OrganizationStack(app, 'EC2SSHRescue-Organization', {
      env,
      documents,
      prefix: settings.prefix,
      organizationalUnitIds: settings.organizationalUnitIds,
      regions: settings.regions,
      accounts: settings.accounts,
      roleRegion: settings.roleRegion,
      shareWithAccounts: settings.shareWithAccounts,
      callAs: settings.callAs,
      instanceTagCondition: settings.instanceTagCondition,
      description: 'EC2 SSH rescue: organisation rollout and multi-account roles (ec2-ssh-rescue)',
    });
  }

  // cdk-nag's AwsSolutions pack fails synthesis on any finding not acknowledged in code.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) buildApp().synth();
