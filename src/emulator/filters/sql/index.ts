/**
 * The Service Bus SQL filter and rule action language: a hand-written tokenizer and
 * recursive-descent parser, compiled once into closures.
 */
export { compileSqlFilter, type SqlCompileOptions, type SqlRuleFilter } from './compileSqlFilter';
export { compileSqlAction, type SqlRuleAction } from './compileSqlAction';
export type { SqlParameters } from './parseSql';
export { SqlEvaluationError } from './SqlEvaluationError';
export { systemPropertyNames } from './systemProperties';
export { maxSqlExpressionLength, maxSqlNestingDepth, maxSqlActionStatements } from './sqlLimits';
