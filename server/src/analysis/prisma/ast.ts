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
  /** `//` or `///`. */
  kind: 'line' | 'doc';
  /** Text after the slashes, untrimmed. */
  text: string;
  span: Span;
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
  /** `///` comments directly above. */
  docs: Comment[];
  /** `//` comments directly above (no blank line between). */
  leadingComments: Comment[];
  /** `//` comment at the end of the line. */
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
  docs: Comment[];
  leadingComments: Comment[];
  openBrace: number | null;
  /** Offset of `}`; null when the block is not closed. */
  closeBrace: number | null;
  span: Span;
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
