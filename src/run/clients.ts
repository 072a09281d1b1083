import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SSMClient } from '@aws-sdk/client-ssm';
import { InputError } from './input';

/** Where and as whom `run` talks to AWS. */
export interface ConnectionOptions {
  readonly profile?: string;
  readonly region?: string;
  /** A local endpoint such as `simulate --serve`; CloudFormation is then not asked. */
  readonly endpointUrl?: string;
}

export interface Clients {
  readonly ssm: SSMClient;
  readonly region: string;
  readonly endpointUrl?: string;
  readonly profile?: string;
}

/**
 * Builds the SSM client on the SDK's standard credential chain (environment, shared
 * config/credentials files with --profile, SSO, container and instance roles:
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html)
 * and resolves region and credentials at once, so a missing one is reported before
 * anything else happens.
 */
export async function connect(o: ConnectionOptions): Promise<Clients> {
  if (o.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+(?:\/.*)?$/.test(o.endpointUrl)) throw new InputError(`--endpoint-url ${JSON.stringify(o.endpointUrl)} is not an http(s) URL`);
  const ssm = new SSMClient({
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.endpointUrl !== undefined ? { endpoint: o.endpointUrl } : {}),
    // Polling is read-only and repeats anyway; StartAutomationExecution carries a ClientToken.
    maxAttempts: 5,
  });
  let region: string;
  try {
    region = await ssm.config.region();
  } catch {
    throw new InputError('no AWS Region: pass --region, set AWS_REGION, or set region in the profile');
  }
  if (region === '' || region === undefined) throw new InputError('no AWS Region: pass --region, set AWS_REGION, or set region in the profile');
  try {
    await ssm.config.credentials();
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError(`no AWS credentials${o.profile !== undefined ? ` for profile ${o.profile}` : ''}: ${why} (configure them with aws configure, aws sso login, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`);
  }
  return { ssm, region, endpointUrl: o.endpointUrl, profile: o.profile };
}

/** The CloudFormation stack `npx cdk deploy EC2SSHRescue-Runbooks` creates (src/cdk/app.ts). */
export const RUNBOOKS_STACK = 'EC2SSHRescue-Runbooks';

/**
 * The automation role from the runbooks stack's `AutomationAssumeRole` output
 * (src/cdk/stacks/runbooks-stack.ts), or why it could not be read.
 * DescribeStacks returns a stack's Outputs as OutputKey/OutputValue pairs
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
 */
export async function roleFromStack(c: Clients, stackName = RUNBOOKS_STACK): Promise<{ role?: string; why?: string }> {
  const cfn = new CloudFormationClient({
    region: c.region,
    ...(c.profile !== undefined ? { profile: c.profile } : {}),
  });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    const role = stack?.Outputs?.find((o) => o.OutputKey === 'AutomationAssumeRole')?.OutputValue;
    return role !== undefined ? { role } : { why: `stack ${stackName} has no AutomationAssumeRole output` };
  } catch (e) {
    return { why: `stack ${stackName} could not be read in ${c.region}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    cfn.destroy();
  }
}
