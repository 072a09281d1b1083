import { Input } from '../input';
import { declareOutputs, OutputRefs, OutputSpecs } from '../step';
import { AwsApiCall, AwsApiCallProps } from './aws-api-call';

/** Properties of an aws:executeAwsApi step. */
export interface ExecuteAwsApiProps<O extends OutputSpecs> extends AwsApiCallProps {
  /** Values to pick out of the response. @default - none */
  readonly outputs?: O;
}

/**
 * Calls one AWS API operation.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html
 */
export class ExecuteAwsApi<O extends OutputSpecs = Record<never, never>> extends AwsApiCall {
  readonly action = 'aws:executeAwsApi';
  /** Typed references to the declared outputs. */
  readonly out: OutputRefs<O>;
  private readonly declared: ReturnType<typeof declareOutputs<O>>['rendered'];

  constructor(name: string, props: ExecuteAwsApiProps<O>) {
    super(name, props);
    const { refs, rendered } = declareOutputs(name, props.outputs ?? ({} as O));
    this.out = refs;
    this.declared = rendered;
  }

  protected inputs(): { [key: string]: Input | undefined } {
    return this.callInputs();
  }

  protected override renderedOutputs() {
    return this.declared;
  }
}
