import { Input } from '../input';
import { Permission } from '../permission';
import { Ref } from '../ref';
import { builtinOutputs, declareOutputs, OutputRefs, OutputSpecs, Step, StepOptions } from '../step';

/** Longest an aws:executeScript step may run, per the action reference. */
export const EXECUTE_SCRIPT_MAX_SECONDS = 600;

/** Properties of an aws:executeScript step. */
export interface ExecuteScriptProps<O extends OutputSpecs> extends StepOptions {
  /**
   * Python runtime. AWS's action page retired python3.6-3.8 (no new runbooks from 2024-12-04) and
   * recommends python3.11:
   * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
   * @default 'python3.11'
   */
  readonly runtime?: string;
  /** Function called with (events, context). */
  readonly handler: string;
  /** The script source. */
  readonly script: string;
  /** The `events` the handler receives. @default - none */
  readonly inputPayload?: { readonly [key: string]: Input | undefined };
  /** Values picked from the handler's return value (`$.Payload.X`). @default - none */
  readonly outputs?: O;
  /**
   * IAM permissions the script's own API calls need. Required, because they cannot be derived from
   * Python source; an empty list states that the script calls no API.
   */
  readonly permissions: readonly Permission[];
}

/**
 * Runs a Python handler inside Automation.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 */
export class ExecuteScript<O extends OutputSpecs = Record<never, never>> extends Step {
  readonly action = 'aws:executeScript';
  /** Typed references to the declared outputs, plus `Payload`: the JSON object the handler returned (up to 100 KB, per the action reference). */
  readonly out: OutputRefs<O> & { readonly Payload: Ref<'StringMap'> };
  private readonly declared: ReturnType<typeof declareOutputs<O>>['rendered'];

  constructor(name: string, private readonly props: ExecuteScriptProps<O>) {
    super(name, props);
    if ((props.timeoutSeconds ?? 0) > EXECUTE_SCRIPT_MAX_SECONDS) {
      throw new Error(`Step ${name}: aws:executeScript runs at most ${EXECUTE_SCRIPT_MAX_SECONDS} s — lower timeoutSeconds`);
    }
    if (!new RegExp(`^def ${props.handler}\\(`, 'm').test(props.script)) {
      throw new Error(`Step ${name}: the script defines no function ${props.handler}(events, context)`);
    }
    const { refs, rendered } = declareOutputs(name, props.outputs ?? ({} as O));
    this.out = { ...refs, ...builtinOutputs(name, { Payload: 'StringMap' } as const) };
    this.declared = rendered;
  }

  protected inputs() {
    return {
      Runtime: this.props.runtime ?? 'python3.11',
      Handler: this.props.handler,
      Script: this.props.script,
      InputPayload: this.props.inputPayload,
    };
  }

  protected override renderedOutputs() {
    return this.declared;
  }

  permissions(): Permission[] {
    return [...this.props.permissions];
  }
}
