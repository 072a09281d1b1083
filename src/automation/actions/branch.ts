import { Parameter } from '../parameter';
import { Ref } from '../ref';
import { Rendered } from '../input';
import { Permission } from '../permission';
import { Step, StepOptions, StepTarget, targetName } from '../step';

/**
 * Comparison operators aws:branch supports.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 */
export type BranchOperator =
  | 'StringEquals' | 'EqualsIgnoreCase' | 'StartsWith' | 'EndsWith' | 'Contains'
  | 'NumericEquals' | 'NumericGreater' | 'NumericLesser' | 'NumericGreaterOrEquals' | 'NumericLesserOrEquals'
  | 'BooleanEquals';

type Variable = Ref | Parameter;

/** A test on run-time values; combine with `and`, `or`, `not`. */
export class Condition {
  /** Compares a variable with a literal using one of AWS's operators. */
  static compare(variable: Variable, operator: BranchOperator, value: string | number | boolean): Condition {
    return new Condition({ Variable: variable.toString(), [operator]: value });
  }
  static stringEquals(variable: Variable, value: string): Condition {
    return Condition.compare(variable, 'StringEquals', value);
  }
  static booleanEquals(variable: Variable, value: boolean): Condition {
    return Condition.compare(variable, 'BooleanEquals', value);
  }
  static numericEquals(variable: Variable, value: number): Condition {
    return Condition.compare(variable, 'NumericEquals', value);
  }
  static and(...conditions: Condition[]): Condition {
    return new Condition({ And: conditions.map((c) => c.rendered) });
  }
  static or(...conditions: Condition[]): Condition {
    return new Condition({ Or: conditions.map((c) => c.rendered) });
  }
  static not(condition: Condition): Condition {
    return new Condition({ Not: condition.rendered });
  }

  private constructor(readonly rendered: { [key: string]: Rendered }) {}
}

/** One branch choice: when the condition holds, go to `next`. */
export interface Choice {
  readonly when: Condition;
  readonly next: StepTarget;
}

/** Properties of an aws:branch step. */
export interface BranchProps extends Omit<StepOptions, 'nextStep' | 'isEnd'> {
  /** Tested in order; the first that holds wins. */
  readonly choices: readonly Choice[];
  /**
   * Where to go when no choice holds. Required: without it AWS falls through to the next step in the
   * list, which is almost never what a runbook means.
   */
  readonly default: StepTarget;
}

/**
 * Chooses the next step from run-time values.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 */
export class Branch extends Step {
  readonly action = 'aws:branch';

  constructor(name: string, private readonly props: BranchProps) {
    super(name, props);
    if (props.choices.length === 0) throw new Error(`Step ${name}: a branch needs at least one choice`);
  }

  protected inputs() {
    return {
      Choices: this.props.choices.map((c) => ({ NextStep: targetName(c.next), ...c.when.rendered })),
      Default: targetName(this.props.default),
    };
  }

  override explicitTargets(): string[] {
    return [...super.explicitTargets(), ...this.props.choices.map((c) => targetName(c.next)), targetName(this.props.default)];
  }

  permissions(): Permission[] {
    return [];
  }
}

