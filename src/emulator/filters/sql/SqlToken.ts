/** What kind of lexeme a {@link SqlToken} is. */
export type SqlTokenKind =
  /** A regular identifier or keyword (`Color`, `AND`, `sys`); keywords are matched case-insensitively. */
  | 'word'
  /** A `[delimited]` or `"quoted"` identifier, already unescaped; never a keyword. */
  | 'quotedName'
  /** A `'string'` constant, already unescaped. */
  | 'string'
  /** An integer constant (`Int64`): `value` is a number, or a bigint outside ±2^53. */
  | 'integer'
  /** A decimal (`1.5`) or approximate (`1E5`) constant: a double. */
  | 'double'
  /** An `@name` parameter reference (`text` is the name with its `@`). */
  | 'parameter'
  /** Punctuation or an operator: `= <> != > >= < <= + - * / % ( ) , . ;`. */
  | 'symbol'
  /** The end of the text. */
  | 'end';

/** One lexeme of a SQL filter or action, with its 0-based source offset. */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** The source text (for `word` and `symbol` the lexeme itself; for names and strings the unescaped value). */
  readonly text: string;
  /** The constant's value for `integer` and `double` tokens. */
  readonly value?: number | bigint;
  /** 0-based offset of the first character. */
  readonly position: number;
}
