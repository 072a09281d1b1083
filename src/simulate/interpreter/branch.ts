import { Value } from './parameters';

/** A malformed choice. */
export class ChoiceError extends Error {}

const OPERATORS = [
  'StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains',
  'NumericEquals', 'NumericGreater', 'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals',
  'BooleanEquals',
] as const;

type Resolver = (value: unknown) => unknown;

/**
 * Evaluates one aws:branch choice (or a nested And/Or/Not condition). Operators and their
 * meaning follow https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html;
 * `Contains` also matches an item of a StringList variable.
 */
export function evaluateChoice(choice: Readonly<Record<string, unknown>>, resolveValue: Resolver): boolean {
  if (Array.isArray(choice.And)) return choice.And.every((c) => evaluateChoice(c as Record<string, unknown>, resolveValue));
  if (Array.isArray(choice.Or)) return choice.Or.some((c) => evaluateChoice(c as Record<string, unknown>, resolveValue));
  if (choice.Not !== undefined) {
    const inner = Array.isArray(choice.Not) ? choice.Not : [choice.Not];
    if (inner.length !== 1) throw new ChoiceError('Not takes exactly one condition');
    return !evaluateChoice(inner[0] as Record<string, unknown>, resolveValue);
  }
  if (!('Variable' in choice)) throw new ChoiceError(`choice ${JSON.stringify(choice)} has no Variable, And, Or or Not`);
  const op = OPERATORS.find((o) => o in choice);
  if (!op) throw new ChoiceError(`choice has no operator (one of ${OPERATORS.join(', ')})`);
  const variable = resolveValue(choice.Variable) as Value;
  const operand = resolveValue(choice[op]) as Value;
  const str = (v: Value): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const num = (v: Value): number => {
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isNaN(n)) throw new ChoiceError(`${op} needs numbers, got ${JSON.stringify(v)}`);
    return n;
  };
  switch (op) {
    case 'StringEquals': return str(variable) === str(operand);
    case 'EqualsIgnoreCase': return str(variable).toLowerCase() === str(operand).toLowerCase();
    case 'StartsWith': return str(variable).startsWith(str(operand));
    case 'EndsWith': return str(variable).endsWith(str(operand));
    case 'Contains': return Array.isArray(variable) ? variable.map(str).includes(str(operand)) : str(variable).includes(str(operand));
    case 'NumericEquals': return num(variable) === num(operand);
    case 'NumericGreater': return num(variable) > num(operand);
    case 'NumericLesser': return num(variable) < num(operand);
    case 'NumericGreaterOrEquals': return num(variable) >= num(operand);
    case 'NumericLesserOrEquals': return num(variable) <= num(operand);
    case 'BooleanEquals': {
      const b = (v: Value): boolean => v === true || v === 'true';
      return b(variable) === b(operand);
    }
  }
}
