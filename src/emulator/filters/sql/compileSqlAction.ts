import type { MutableFilterSubject, RuleAction } from '../RuleFilter';
import type { SqlStatement } from './SqlAst';
import { SqlEvaluationError } from './SqlEvaluationError';
import { compileSqlExpression } from './compileSqlExpression';
import type { SqlCompileOptions } from './compileSqlFilter';
import { convertSystemSetValue, convertUserSetValue } from './convertSetValue';
import { parseSqlAction } from './parseSql';
import { readProperty } from './sqlFunctions';
import { systemProperty, type SystemPropertyType } from './systemProperties';

/** A compiled SQL rule action; `sqlExpression` is the text it was compiled from. */
export interface SqlRuleAction extends RuleAction {
  readonly sqlExpression: string;
}

type Step = (message: MutableFilterSubject) => void;

/**
 * Compiles a Service Bus SQL rule action (`SET quantity = quantity / 2; REMOVE priority; SET
 * sys.CorrelationId = 'low'`) once into closures. Statements run in order, each seeing the previous
 * ones' changes; `;` between them is optional. `SET` on an existing user property converts the value
 * to its type when it can (see `convertUserSetValue`); `SET sys.X` converts to the system property's
 * type; a NULL / unknown value is passed to `setUser` / `setSystem` as `undefined`.
 *
 * Throws `SqlExpressionError` (message and 0-based `position`) when the text does not parse, has
 * more than 32 statements, or targets a system property a sender cannot set (e.g.
 * `sys.SequenceNumber`). `apply` never throws for the message's values: a statement whose
 * expression fails for this message (e.g. `'a' * 2`) is skipped and the others still apply.
 */
export function compileSqlAction(expression: string, options: SqlCompileOptions = {}): SqlRuleAction {
  const steps = parseSqlAction(expression, options.parameters).map(compileStatement);
  return {
    sqlExpression: expression,
    apply(message: MutableFilterSubject): void {
      for (const step of steps) {
        try {
          step(message);
        } catch (error) {
          if (!(error instanceof SqlEvaluationError)) throw error;
        }
      }
    },
  };
}

function compileStatement(statement: SqlStatement): Step {
  const { scope, name } = statement.target;
  if (statement.kind === 'remove') {
    return scope === 'sys' ? (message) => message.removeSystem(name) : (message) => message.removeUser(name);
  }
  const evaluate = compileSqlExpression(statement.value);
  if (scope === 'sys') {
    const type = (systemProperty(name) as { type: SystemPropertyType }).type; // the parser checked it exists
    return (message) => message.setSystem(name, convertSystemSetValue(type, evaluate(message)));
  }
  return (message) => {
    const value = evaluate(message);
    message.setUser(name, convertUserSetValue(readProperty(message, 'user', name), value));
  };
}
