/**
 * Typed references to values an Automation execution knows at run time: document parameters,
 * built-in variables and step outputs. A reference renders to `{{ Name }}`, so runbook code never
 * writes the braces by hand and a typo is a TypeScript error instead of a failed execution.
 */

/** The value types SSM Automation knows for parameters and step outputs. */
export type ValueType = 'String' | 'Integer' | 'Boolean' | 'StringList' | 'StringMap' | 'MapList';

/** A run-time value of type `T`; renders to `{{ expression }}` wherever it is used. */
export class Ref<T extends ValueType = ValueType> {
  /**
   * @param expression what goes between the braces, e.g. `InstanceId` or `Describe.State`
   * @param type the value type the reference yields
   * @param stepName the step that produces the value, when it is a step output
   */
  constructor(
    readonly expression: string,
    readonly type: T,
    readonly stepName?: string,
  ) {
    Object.freeze(this);
  }

  /** The `{{ }}` form, so a reference can be placed inside any template string. */
  toString(): string {
    return `{{ ${this.expression} }}`;
  }

  /** JSON serialisation yields the same `{{ }}` form. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * Built-in variables every execution has.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-variables.html
 */
export const Builtin = {
  EXECUTION_ID: new Ref('automation:EXECUTION_ID', 'String'),
  DOCUMENT_NAME: new Ref('automation:DOCUMENT_NAME', 'String'),
  ACCOUNT_ID: new Ref('global:ACCOUNT_ID', 'String'),
  REGION: new Ref('global:REGION', 'String'),
  AWS_PARTITION: new Ref('global:AWS_PARTITION', 'String'),
  DATE_TIME: new Ref('global:DATE_TIME', 'String'),
} as const;
