import { Ref, ValueType } from './ref';

/** Properties shared by every document parameter. */
export interface ParameterProps<D> {
  /** Shown in the console and the generated docs; required because users choose values from it. */
  readonly description: string;
  /**
   * Value used when the caller passes none. A parameter without a default is required.
   * @default - required parameter
   */
  readonly default?: D;
}

/** Properties of a String parameter. */
export interface StringParameterProps extends ParameterProps<string> {
  /**
   * Regular expression every value must match; SSM refuses the execution before any step runs
   * otherwise. Required for strings unless `allowedValues` is given, so bad input never reaches a step.
   * @default - none; then allowedValues must be set
   */
  readonly allowedPattern?: string;
  /**
   * The only values allowed.
   * @default - none; then allowedPattern must be set
   */
  readonly allowedValues?: readonly string[];
}

/** Properties of a StringList parameter. */
export interface StringListParameterProps extends ParameterProps<readonly string[]> {
  /** Pattern each element must match. @default - none; then allowedValues must be set */
  readonly allowedPattern?: string;
  /** The only values allowed. @default - none */
  readonly allowedValues?: readonly string[];
  /** Fewest elements. @default - no minimum */
  readonly minItems?: number;
  /** Most elements. @default - no maximum */
  readonly maxItems?: number;
}

/** Properties of an Integer parameter. */
export interface IntegerParameterProps extends ParameterProps<number> {
  /** The only values allowed. @default - any integer */
  readonly allowedValues?: readonly number[];
}

/** A document parameter: a value the caller supplies, readable by steps as a typed reference. */
export class Parameter<T extends ValueType = ValueType> {
  /** A String parameter; needs allowedPattern or allowedValues. */
  static string(name: string, props: StringParameterProps): Parameter<'String'> {
    if (props.allowedPattern === undefined && props.allowedValues === undefined) {
      throw new Error(`Parameter ${name}: a String parameter needs allowedPattern or allowedValues — bad input must be refused before any step runs`);
    }
    return new Parameter(name, 'String', props, {
      allowedPattern: props.allowedPattern,
      allowedValues: props.allowedValues,
    });
  }

  /** A StringList parameter; needs allowedPattern or allowedValues for its elements. */
  static stringList(name: string, props: StringListParameterProps): Parameter<'StringList'> {
    if (props.allowedPattern === undefined && props.allowedValues === undefined) {
      throw new Error(`Parameter ${name}: a StringList parameter needs allowedPattern or allowedValues`);
    }
    return new Parameter(name, 'StringList', props, {
      allowedPattern: props.allowedPattern,
      allowedValues: props.allowedValues,
      minItems: props.minItems,
      maxItems: props.maxItems,
    });
  }

  /** An Integer parameter. */
  static integer(name: string, props: IntegerParameterProps): Parameter<'Integer'> {
    return new Parameter(name, 'Integer', props, { allowedValues: props.allowedValues });
  }

  /** A Boolean parameter. */
  static boolean(name: string, props: ParameterProps<boolean>): Parameter<'Boolean'> {
    return new Parameter(name, 'Boolean', props, {});
  }

  /** A StringMap parameter. */
  static stringMap(name: string, props: ParameterProps<Readonly<Record<string, string>>>): Parameter<'StringMap'> {
    return new Parameter(name, 'StringMap', props, {});
  }

  /** A MapList parameter. */
  static mapList(name: string, props: ParameterProps<readonly Readonly<Record<string, unknown>>[]>): Parameter<'MapList'> {
    return new Parameter(name, 'MapList', props, {});
  }

  /** Reads the parameter's value in a step input. */
  readonly ref: Ref<T>;

  private constructor(
    readonly name: string,
    readonly type: T,
    private readonly props: ParameterProps<unknown>,
    private readonly constraints: Readonly<Record<string, unknown>>,
  ) {
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) {
      throw new Error(`Parameter "${name}": names may hold only letters, digits and underscores`);
    }
    if (props.description.trim() === '') {
      throw new Error(`Parameter ${name}: description must not be empty`);
    }
    this.ref = new Ref(name, type);
    Object.freeze(this);
  }

  /** The description shown to users. */
  get description(): string {
    return this.props.description;
  }

  /** The default value, if any. */
  get defaultValue(): unknown {
    return this.props.default;
  }

  /** `{{ Name }}`, so a parameter can be placed inside a template string directly. */
  toString(): string {
    return this.ref.toString();
  }

  /** The parameter as it appears in the document's `parameters` map. */
  render(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.type, description: this.props.description };
    if (this.props.default !== undefined) out.default = this.props.default;
    for (const [key, value] of Object.entries(this.constraints)) {
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}
