import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Inline Lambda code is limited to 4096 bytes (AWS::Lambda::Function Code.ZipFile). */
const INLINE_LIMIT = 4096;

/** The handler source without comment lines, so it stays under the inline limit. */
export function promoterSource(): string {
  const source = readFileSync(join(__dirname, 'promote-default-version.py'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  if (Buffer.byteLength(source) > INLINE_LIMIT) throw new Error(`promote-default-version.py is over ${INLINE_LIMIT} bytes once comments are removed`);
  return source;
}

/** Properties of {@link DefaultVersionPromoter}. */
export interface DefaultVersionPromoterProps {
  /** The documents (deployed names) to promote; each is a dependency of its custom resource. */
  readonly documents: readonly { readonly name: string; readonly contentHash: string; readonly resource: Construct }[];
}

/**
 * Sets each document's default version to its latest version after every content change: one custom
 * resource per document whose `ContentHash` property changes with the content, so CloudFormation
 * sends an Update exactly when it has created a new document version.
 */
export class DefaultVersionPromoter extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: DefaultVersionPromoterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // Least privilege: read and promote only these documents, write only this function's logs.
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:DescribeDocument', 'ssm:UpdateDocumentDefaultVersion'],
      resources: props.documents.map((d) => stack.formatArn({ service: 'ssm', resource: 'document', resourceName: d.name })),
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The log group's Arn attribute already ends in :* and so covers its streams.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html#aws-resource-logs-loggroup-return-values
      resources: [logGroup.logGroupArn],
    }));
    this.function = new lambda.Function(this, 'Function', {
      // The newest Python runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1); the handler needs
      // only the standard library and botocore, which every Python runtime ships.
      runtime: lambda.Runtime.PYTHON_3_15,
      handler: 'index.handler',
      code: lambda.Code.fromInline(promoterSource()),
      timeout: Duration.minutes(1),
      role,
      logGroup,
      description: 'Promotes the latest version of the EC2 SSH rescue runbooks to default',
    });
    this.function.node.addDependency(role);
    for (const doc of props.documents) {
      const resource = new CustomResource(this, `Promote${doc.name.replace(/[^A-Za-z0-9]/g, '')}`, {
        serviceToken: this.function.functionArn,
        resourceType: 'Custom::SsmDocumentDefaultVersion',
        properties: { DocumentName: doc.name, ContentHash: doc.contentHash },
      });
      resource.node.addDependency(doc.resource);
    }
  }
}
