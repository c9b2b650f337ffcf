/**
 * Syntax tree of one `.prisma` file. Every node has a `span` (UTF-16 offsets into the file's text,
 * end exclusive), so fixes can make minimal text edits.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Ident {
  name: string;
  span: Span;
}

export type Expr =
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: string; span: Span }
  /** A bare or dotted name: `Cascade`, `true`, `Desc`, `db.VarChar`. */
  | { kind: 'path'; name: string; span: Span }
  | { kind: 'call'; name: string; nameSpan: Span; args: ArgList; span: Span }
  | { kind: 'array'; items: Expr[]; span: Span }
  /** Something unparseable (kept so the rest of the line still parses). */
  | { kind: 'error'; text: string; span: Span };

export interface Arg {
  name: Ident | null;
  value: Expr;
  span: Span;
}

export interface ArgList {
  args: Arg[];
  /** From `(` to `)` inclusive (to the end of what was read if unclosed). */
  span: Span;
  closed: boolean;
}

export interface Attribute {
  /** Without `@`/`@@`: `id`, `default`, `db.VarChar`, `index`. */
  name: string;
  /** true for `@@` block attributes. */
  block: boolean;
  /** Span of `@name` / `@@name`. */
  nameSpan: Span;
  args: ArgList | null;
  /** Whole attribute including its arguments. */
  span: Span;
}

export interface Comment {
  /** `//`, or `///` (and `/* … *\/`, which Prisma also reads as documentation). */
  kind: 'line' | 'doc';
  /** Text after the slashes (between `/*` and `*\/` for a block comment), untrimmed. */
  text: string;
  span: Span;
  /** true for a `/* … *\/` block comment. */
  block?: boolean;
}

export interface TypeRef {
  name: string;
  nameSpan: Span;
  optional: boolean;
  list: boolean;
  /** Argument of `Unsupported("…")`. */
  unsupported: string | null;
  span: Span;
}

export interface FieldDecl {
  kind: 'field';
  name: Ident;
  type: TypeRef | null;
  attributes: Attribute[];
  /**
   * Documentation comments, attached as Prisma does: the `///` lines of the last run of consecutive
   * comment lines above the field — blank lines and block attributes in between do not detach them, a
   * later run of comments (even `//` only) replaces them.
   */
  docs: Comment[];
  /** `//` comments directly above (no blank line between). */
  leadingComments: Comment[];
  /** `//` or `///` comment at the end of the line (a trailing `///` is documentation too). */
  trailingComment: Comment | null;
  span: Span;
  /** Whole lines, from the start of the first line to the end of the last (excluding terminator). */
  lineSpan: Span;
}

export interface BlockAttributeDecl {
  kind: 'blockAttribute';
  attribute: Attribute;
  leadingComments: Comment[];
  trailingComment: Comment | null;
  span: Span;
  lineSpan: Span;
}

/** `key = value` in datasource/generator blocks. */
export interface PropertyDecl {
  kind: 'property';
  name: Ident;
  value: Expr | null;
  span: Span;
  lineSpan: Span;
}

export interface EnumValueDecl {
  kind: 'enumValue';
  name: Ident;
  attributes: Attribute[];
  /** Documentation comments, attached as for fields. */
  docs: Comment[];
  trailingComment: Comment | null;
  span: Span;
  lineSpan: Span;
}

export type Member = FieldDecl | BlockAttributeDecl | PropertyDecl | EnumValueDecl;

export type BlockKind = 'model' | 'view' | 'enum' | 'type' | 'datasource' | 'generator';

export interface Block {
  kind: BlockKind;
  keyword: Ident;
  name: Ident | null;
  members: Member[];
  /** `///` comments directly above the keyword (no blank line between). */
  docs: Comment[];
  /** `//` comments directly above the keyword (no blank line between). */
  leadingComments: Comment[];
  openBrace: number | null;
  /** Offset of `}`; null when the block is not closed. */
  closeBrace: number | null;
  span: Span;
  /**
   * Every span object the parser made while parsing this block, each once: all those reachable from
   * the block (comments' and diagnostics' are not: the file's lists hold those), plus a few of parts
   * it parsed and dropped (the arguments of `Unsupported(…)`, a misplaced field attribute). What an
   * incremental reparse moves when the block shifts.
   */
  spans: Span[];
}

export interface SyntaxDiagnostic {
  message: string;
  span: Span;
}

export interface SchemaFileAst {
  blocks: Block[];
  comments: Comment[];
  diagnostics: SyntaxDiagnostic[];
}
