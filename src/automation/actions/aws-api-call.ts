import { Input } from '../input';
import { iamPrefix, Permission } from '../permission';
import { Step, StepOptions } from '../step';

/** What every step that calls an AWS API (execute, wait, assert) is given. */
export interface AwsApiCallProps extends StepOptions {
  /** boto3 client name, e.g. `ec2`, `autoscaling`, `ssm`. */
  readonly service: string;
  /** API operation name as in the API model, e.g. `DescribeInstances`. */
  readonly api: string;
  /** API request members. @default - none */
  readonly params?: { readonly [member: string]: Input | undefined };
  /**
   * Resources the call acts on, for the derived IAM policy.
   * @default ['*'] — for Describe* and other calls without resource-level permissions
   */
  readonly resources?: readonly string[];
  /**
   * Whether the call changes an instance (stop, start, modify, tag); deployments may add a tag
   * condition to such permissions.
   * @default false
   */
  readonly mutatesInstance?: boolean;
  /**
   * Permissions the call needs beyond its own action, e.g. `kms:CreateGrant`, which EC2 uses on
   * the caller's behalf when it starts an instance with volumes under a customer managed key.
   * @default none
   */
  readonly extraPermissions?: readonly Permission[];
}

/** Shared shape of aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty. */
export abstract class AwsApiCall extends Step {
  readonly service: string;
  readonly api: string;

  constructor(name: string, protected readonly call: AwsApiCallProps) {
    super(name, call);
    if (!/^[a-z0-9-]+$/.test(call.service)) {
      throw new Error(`Step ${name}: service "${call.service}" must be a boto3 client name such as ec2 or autoscaling`);
    }
    if (!/^[A-Z][A-Za-z0-9]+$/.test(call.api)) {
      throw new Error(`Step ${name}: api "${call.api}" must be the PascalCase operation name, e.g. DescribeInstances`);
    }
    this.service = call.service;
    this.api = call.api;
  }

  /** Service, Api and the request members, in the order AWS documents them. */
  protected callInputs(): { [key: string]: Input | undefined } {
    return { Service: this.call.service, Api: this.call.api, ...(this.call.params ?? {}) };
  }

  /** The IAM action for the operation on the declared resources. */
  permissions(): Permission[] {
    return [{
      actions: [`${iamPrefix(this.call.service)}:${this.call.api}`],
      resources: this.call.resources ?? ['*'],
      mutatesInstance: this.call.mutatesInstance ?? false,
    }, ...(this.call.extraPermissions ?? [])];
  }
}
