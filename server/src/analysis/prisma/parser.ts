import type {
  Arg,
  ArgList,
  Attribute,
  Block,
  BlockKind,
  Comment,
  EnumValueDecl,
  Expr,
  FieldDecl,
  Member,
  SchemaFileAst,
  Span,
  SyntaxDiagnostic,
  TypeRef,
} from './ast';

const BLOCK_KEYWORDS = new Set<string>(['model', 'view', 'enum', 'type', 'datasource', 'generator']);

const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  QUOTE = 34,
  LPAREN = 40,
  RPAREN = 41,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  SLASH = 47,
  COLON = 58,
  EQ = 61,
  QUESTION = 63,
  AT = 64,
  LBRACKET = 91,
  BACKSLASH = 92,
  RBRACKET = 93,
  LBRACE = 123,
  RBRACE = 125,
  STAR = 42,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === C.MINUS;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isInlineSpace(c: number): boolean {
  return c === C.SPACE || c === C.TAB || c === 0xfeff || c === 0xa0;
}

/**
 * Hand-written, tolerant parser for Prisma Schema Language. It never throws: malformed input yields
 * diagnostics and as much tree as can be recovered. Newlines are significant (one member per line),
 * except inside `(...)` and `[...]`.
 */
export function parsePrisma(text: string): SchemaFileAst {
  return new Parser(text).parseFile();
}

class Parser {
  private pos = 0;
  private readonly len: number;
  readonly comments: Comment[] = [];
  readonly diagnostics: SyntaxDiagnostic[] = [];
  /** Comments seen since the last member/blank line, waiting to be attached. */
  private pending: Comment[] = [];

  constructor(private readonly text: string) {
    this.len = text.length;
  }

  private ch(offset = 0): number {
    const p = this.pos + offset;
    return p < this.len ? this.text.charCodeAt(p) : -1;
  }

  private error(message: string, start: number, end = start + 1): void {
    // Keep the diagnostic list bounded on garbage input.
    if (this.diagnostics.length >= 1000) return;
    this.diagnostics.push({ message, span: { start, end: Math.min(Math.max(end, start), this.len) } });
  }

  parseFile(): SchemaFileAst {
    const blocks: Block[] = [];
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.len) break;
      const start = this.pos;
      const c = this.ch();
      if (isIdentStart(c)) {
        const word = this.peekIdent();
        if (BLOCK_KEYWORDS.has(word)) {
          blocks.push(this.parseBlock(word as BlockKind));
          continue;
        }
      }
      this.skipInvalidTopLevel(start);
    }
    return { blocks, comments: this.comments, diagnostics: this.diagnostics };
  }

  /** A top-level line that is not a block: report it, and skip a `{ … }` body if one opens here. */
  private skipInvalidTopLevel(start: number): void {
    const lineEnd = this.findLineEnd(this.pos);
    const lineText = this.text.slice(this.pos, lineEnd);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(lineText)?.[0];
    this.error(
      word
        ? `This line is invalid. \`${word}\` is not a Prisma block keyword (expected model, view, enum, type, datasource or generator).`
        : 'This line is invalid. It does not start with any known Prisma schema keyword.',
      start,
      lineEnd,
    );
    this.pos = lineEnd;
    if (lineText.includes('{') && !lineText.includes('}')) {
      // Skip the body up to a line that closes it, or up to the next block keyword.
      while (this.pos < this.len) {
        this.skipTrivia(true);
        if (this.pos >= this.len) break;
        if (this.ch() === C.RBRACE) {
          this.pos++;
          break;
        }
        if (this.atBlockStart()) break;
        this.pos = this.findLineEnd(this.pos);
      }
    }
    this.pending = [];
  }

  private findLineEnd(from: number): number {
    let p = from;
    while (p < this.len) {
      const c = this.text.charCodeAt(p);
      if (c === C.LF || c === C.CR) break;
      p++;
    }
    return p;
  }

  private peekIdent(): string {
    let p = this.pos;
    while (p < this.len && isIdentPart(this.text.charCodeAt(p))) p++;
    return this.text.slice(this.pos, p);
  }

  /** Whether the current position starts `keyword Name {` (a new block) on this line. */
  private atBlockStart(): boolean {
    if (!isIdentStart(this.ch())) return false;
    const word = this.peekIdent();
    if (!BLOCK_KEYWORDS.has(word)) return false;
    const rest = this.text.slice(this.pos + word.length, this.findLineEnd(this.pos));
    return /^[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{/.test(rest);
  }

  /**
   * Skips spaces, newlines (if allowed) and comments. Comments are recorded; a blank line (two line
   * breaks) detaches pending comments from what follows.
   */
  private skipTrivia(newlines: boolean): number {
    let breaks = 0;
    while (this.pos < this.len) {
      const c = this.ch();
      if (isInlineSpace(c)) {
        this.pos++;
      } else if (c === C.LF || c === C.CR) {
        if (!newlines) break;
        if (c === C.CR && this.ch(1) === C.LF) this.pos++;
        this.pos++;
        breaks++;
        if (breaks >= 2) this.pending = [];
      } else if (c === C.SLASH && this.ch(1) === C.SLASH) {
        const start = this.pos;
        const doc = this.ch(2) === C.SLASH;
        const end = this.findLineEnd(this.pos);
        const comment: Comment = { kind: doc ? 'doc' : 'line', text: this.text.slice(start + (doc ? 3 : 2), end), span: { start, end } };
        this.comments.push(comment);
        this.pending.push(comment);
        this.pos = end;
        breaks = 0;
        if (!newlines) break;
      } else if (c === C.SLASH && this.ch(1) === C.STAR) {
        const start = this.pos;
        const close = this.text.indexOf('*/', start + 2);
        const end = close < 0 ? this.len : close + 2;
        if (close < 0) this.error('Unclosed block comment (missing `*/`).', start, start + 2);
        const doc = this.ch(2) === C.STAR && this.text.charCodeAt(start + 3) !== C.SLASH;
        const comment: Comment = { kind: doc ? 'doc' : 'line', text: this.text.slice(start + (doc ? 3 : 2), close < 0 ? end : close), span: { start, end } };
        this.comments.push(comment);
        this.pending.push(comment);
        this.pos = end;
        breaks = 0;
      } else break;
    }
    return breaks;
  }

  private takePending(): Comment[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  private readIdent(): { name: string; span: Span } | null {
    if (!isIdentStart(this.ch())) return null;
    const start = this.pos;
    while (this.pos < this.len && isIdentPart(this.ch())) this.pos++;
    return { name: this.text.slice(start, this.pos), span: { start, end: this.pos } };
  }

  private lineStartOf(offset: number): number {
    let p = offset;
    while (p > 0) {
      const c = this.text.charCodeAt(p - 1);
      if (c === C.LF || c === C.CR) break;
      p--;
    }
    return p;
  }

  private parseBlock(kind: BlockKind): Block {
    const leading = this.takePending();
    const start = this.pos;
    const keyword = this.readIdent()!;
    this.skipTrivia(false);
    const name = this.readIdent();
    if (!name) this.error(`Expected a name after \`${kind}\`.`, keyword.span.start, keyword.span.end);
    this.skipTrivia(false);
    const block: Block = {
      kind,
      keyword,
      name,
      members: [],
      docs: leading.filter((c) => c.kind === 'doc'),
      leadingComments: leading.filter((c) => c.kind === 'line'),
      openBrace: null,
      closeBrace: null,
      span: { start, end: this.pos },
    };
    if (this.ch() !== C.LBRACE) {
      // Tolerate `{` on the next line; otherwise the block has no body.
      const save = this.pos;
      this.skipTrivia(true);
      if (this.ch() !== C.LBRACE) {
        this.pos = save;
        this.pending = [];
        this.error(`Expected \`{\` to open the ${kind} block${name ? ` \`${name.name}\`` : ''}.`, keyword.span.start, name ? name.span.end : keyword.span.end);
        this.pos = this.findLineEnd(this.pos);
        block.span.end = this.pos;
        return block;
      }
    }
    block.openBrace = this.pos;
    this.pos++;
    this.skipTrivia(false);
    if (this.pos < this.len && this.ch() !== C.LF && this.ch() !== C.CR && this.ch() !== C.RBRACE) {
      // Content on the `{` line: parse it as a member anyway (Prisma wants a newline).
      this.error('A block member must start on a new line after `{`.', this.pos, this.findLineEnd(this.pos));
    }
    this.pending = [];
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.len) {
        this.error(
          `The ${kind} block${name ? ` \`${name.name}\`` : ''} is not closed (missing \`}\`).`,
          keyword.span.start,
          name ? name.span.end : keyword.span.end,
        );
        block.span.end = this.len;
        break;
      }
      const c = this.ch();
      if (c === C.RBRACE) {
        block.closeBrace = this.pos;
        this.pos++;
        block.span.end = this.pos;
        this.pending = [];
        this.expectEndOfLine('after `}`');
        break;
      }
      if (this.atBlockStart()) {
        this.error(
          `The ${kind} block${name ? ` \`${name.name}\`` : ''} is not closed (missing \`}\` before this ${this.peekIdent()}).`,
          keyword.span.start,
          name ? name.span.end : keyword.span.end,
        );
        // End the block at the end of its last member.
        block.span.end = block.members.length ? block.members[block.members.length - 1].lineSpan.end : block.span.end;
        break;
      }
      const member = this.parseMember(block);
      if (member) block.members.push(member);
    }
    return block;
  }

  private parseMember(block: Block): Member | null {
    const leading = this.takePending();
    const start = this.pos;
    const lineStart = this.lineStartOf(start);
    const c = this.ch();
    let member: Member | null = null;
    if (c === C.AT && this.ch(1) === C.AT) {
      const attribute = this.parseAttribute();
      member = {
        kind: 'blockAttribute',
        attribute,
        leadingComments: leading.filter((x) => x.kind === 'line'),
        trailingComment: null,
        span: { start, end: this.pos },
        lineSpan: { start: lineStart, end: this.pos },
      };
      if (block.kind === 'enum' || block.kind === 'datasource' || block.kind === 'generator') {
        if (block.kind !== 'enum') this.error(`Block attributes are not allowed in a ${block.kind} block.`, attribute.nameSpan.start, attribute.nameSpan.end);
      }
    } else if (isIdentStart(c)) {
      const name = this.readIdent()!;
      if (block.kind === 'datasource' || block.kind === 'generator') {
        this.skipTrivia(false);
        let value: Expr | null = null;
        if (this.ch() === C.EQ) {
          this.pos++;
          this.skipTrivia(false);
          value = this.parseExpr(true);
          if (!value) this.error(`Expected a value for \`${name.name}\`.`, name.span.start, this.pos);
        } else this.error(`Expected \`=\` after \`${name.name}\`.`, name.span.start, name.span.end);
        member = { kind: 'property', name, value, span: { start, end: this.pos }, lineSpan: { start: lineStart, end: this.pos } };
      } else if (block.kind === 'enum') {
        const attributes = this.parseAttributes(false);
        const value: EnumValueDecl = {
          kind: 'enumValue',
          name,
          attributes,
          docs: leading.filter((x) => x.kind === 'doc'),
          trailingComment: null,
          span: { start, end: this.pos },
          lineSpan: { start: lineStart, end: this.pos },
        };
        member = value;
      } else {
        member = this.parseField(name, leading, start, lineStart);
      }
    } else {
      const end = this.findLineEnd(this.pos);
      this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(end, this.pos + 20))}\` in ${block.kind} block.`, this.pos, end);
      this.pos = end;
      return null;
    }
    // Trailing comment and end of line.
    this.skipInlineSpaces();
    if (this.ch() === C.SLASH && (this.ch(1) === C.SLASH || this.ch(1) === C.STAR)) {
      const before = this.comments.length;
      this.skipTrivia(false);
      const trailing = this.comments.length > before ? this.comments[this.comments.length - 1] : null;
      this.pending = [];
      if (trailing && member.kind !== 'property') (member as { trailingComment: Comment | null }).trailingComment = trailing;
      this.skipInlineSpaces();
    }
    if (this.ch() !== C.RBRACE) this.expectEndOfLine(`after ${member.kind === 'field' ? `field \`${member.name.name}\`` : 'this member'}`);
    member.lineSpan.end = Math.max(member.lineSpan.end, this.lineEndBefore(this.pos));
    return member;
  }

  private lineEndBefore(p: number): number {
    return Math.min(this.findLineEnd(Math.max(0, p - 1)), this.len);
  }

  private skipInlineSpaces(): void {
    while (this.pos < this.len && isInlineSpace(this.ch())) this.pos++;
  }

  /** Reports and skips anything left on the line (a closing `}` on the same line is left in place). */
  private expectEndOfLine(where: string): void {
    this.skipInlineSpaces();
    if (this.ch() === C.SLASH && (this.ch(1) === C.SLASH || this.ch(1) === C.STAR)) {
      this.skipTrivia(false);
      this.skipInlineSpaces();
    }
    const c = this.ch();
    if (c === -1 || c === C.LF || c === C.CR || c === C.RBRACE) return;
    const end = this.findLineEnd(this.pos);
    let stop = end;
    const close = this.text.indexOf('}', this.pos);
    if (close >= 0 && close < end && !this.text.slice(this.pos, close).includes('"')) stop = close;
    this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(stop, this.pos + 30)).trim()}\` ${where}.`, this.pos, stop);
    this.pos = stop;
  }

  private parseField(name: { name: string; span: Span }, leading: Comment[], start: number, lineStart: number): FieldDecl {
    this.skipInlineSpaces();
    let type: TypeRef | null = null;
    const typeStart = this.pos;
    const typeIdent = this.readIdent();
    if (typeIdent) {
      let unsupported: string | null = null;
      let nameEnd = typeIdent.span.end;
      let typeName = typeIdent.name;
      // Dotted type names are not valid Prisma, but keep them as one name.
      while (this.ch() === C.DOT && isIdentStart(this.ch(1))) {
        this.pos++;
        const more = this.readIdent()!;
        typeName += '.' + more.name;
        nameEnd = more.span.end;
      }
      if (typeName === 'Unsupported' && this.ch() === C.LPAREN) {
        const args = this.parseArgList();
        const first = args.args[0]?.value;
        unsupported = first && first.kind === 'string' ? first.value : '';
        nameEnd = this.pos;
      }
      let list = false;
      let optional = false;
      if (this.ch() === C.LBRACKET && this.ch(1) === C.RBRACKET) {
        list = true;
        this.pos += 2;
      }
      if (this.ch() === C.QUESTION) {
        optional = true;
        this.pos++;
        if (list) this.error('Optional lists are not supported: use `Type[]`.', typeStart, this.pos);
      }
      if (!list && this.ch() === C.LBRACKET && this.ch(1) === C.RBRACKET) {
        list = true;
        this.pos += 2;
        this.error('Use `Type[]`, not `Type?[]`.', typeStart, this.pos);
      }
      type = { name: typeName, nameSpan: { start: typeIdent.span.start, end: nameEnd }, optional, list, unsupported, span: { start: typeStart, end: this.pos } };
    } else {
      const c = this.ch();
      if (c === -1 || c === C.LF || c === C.CR || c === C.RBRACE || (c === C.SLASH && this.ch(1) === C.SLASH)) {
        this.error(`Field \`${name.name}\` has no type.`, name.span.start, name.span.end);
      } else if (c !== C.AT) {
        this.error(`Expected a type for field \`${name.name}\`.`, this.pos, this.findLineEnd(this.pos));
        this.pos = this.findLineEnd(this.pos);
      } else this.error(`Field \`${name.name}\` has no type.`, name.span.start, name.span.end);
    }
    const attributes = this.parseAttributes(true);
    return {
      kind: 'field',
      name,
      type,
      attributes,
      docs: leading.filter((c) => c.kind === 'doc'),
      leadingComments: leading.filter((c) => c.kind === 'line'),
      trailingComment: null,
      span: { start, end: this.pos },
      lineSpan: { start: lineStart, end: this.pos },
    };
  }

  private parseAttributes(isField: boolean): Attribute[] {
    const attrs: Attribute[] = [];
    for (;;) {
      this.skipInlineSpaces();
      if (this.ch() !== C.AT) break;
      const attr = this.parseAttribute();
      if (attr.block && isField) this.error(`\`@@${attr.name}\` is a block attribute: put it on its own line.`, attr.nameSpan.start, attr.nameSpan.end);
      attrs.push(attr);
    }
    return attrs;
  }

  private parseAttribute(): Attribute {
    const start = this.pos;
    let block = false;
    this.pos++;
    if (this.ch() === C.AT) {
      block = true;
      this.pos++;
    }
    let name = '';
    const ident = this.readIdent();
    if (ident) {
      name = ident.name;
      while (this.ch() === C.DOT && isIdentStart(this.ch(1))) {
        this.pos++;
        name += '.' + this.readIdent()!.name;
      }
    } else {
      this.error('Expected an attribute name after `@`.', start, this.pos);
    }
    const nameSpan = { start, end: this.pos };
    let args: ArgList | null = null;
    const save = this.pos;
    this.skipInlineSpaces();
    if (this.ch() === C.LPAREN) args = this.parseArgList();
    else this.pos = save;
    return { name, block, nameSpan, args, span: { start, end: this.pos } };
  }

  /**
   * Skips whitespace inside `(...)`/`[...]`, where newlines are allowed, unless the next line
   * clearly starts a new member (so a half-typed `@relation(fields: [a` does not swallow the file).
   */
  private skipInsideList(): boolean {
    const save = this.pos;
    const savePending = this.pending;
    const breaks = this.skipTrivia(true);
    this.pending = savePending;
    if (breaks === 0) return true;
    const c = this.ch();
    if (c === -1 || c === C.RBRACE || (c === C.AT && this.ch(1) === C.AT) || this.atBlockStart() || this.looksLikeMemberStart()) {
      this.pos = save;
      return false;
    }
    return true;
  }

  private looksLikeMemberStart(): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*[ \t]+[A-Za-z_][A-Za-z0-9_]*(\[\])?\??([ \t@/]|$)/m.test(this.text.slice(this.pos, this.findLineEnd(this.pos)));
  }

  private parseArgList(): ArgList {
    const start = this.pos;
    this.pos++; // (
    const args: Arg[] = [];
    for (;;) {
      if (!this.skipInsideList()) break;
      const c = this.ch();
      if (c === C.RPAREN) {
        this.pos++;
        return { args, span: { start, end: this.pos }, closed: true };
      }
      if (c === -1) break;
      if (c === C.COMMA) {
        this.error('Unexpected `,`.', this.pos);
        this.pos++;
        continue;
      }
      const argStart = this.pos;
      let name: { name: string; span: Span } | null = null;
      if (isIdentStart(c)) {
        const save = this.pos;
        const ident = this.readIdent()!;
        this.skipInlineSpaces();
        if (this.ch() === C.COLON) {
          this.pos++;
          name = ident;
          if (!this.skipInsideList()) {
            this.error(`Expected a value for \`${ident.name}:\`.`, argStart, this.pos);
            args.push({ name, value: { kind: 'error', text: '', span: { start: this.pos, end: this.pos } }, span: { start: argStart, end: this.pos } });
            break;
          }
        } else this.pos = save;
      }
      const value = this.parseExpr(false);
      if (!value) {
        const end = this.skipToListEnd(C.RPAREN);
        this.error(`Unexpected \`${this.text.slice(argStart, Math.min(end, argStart + 20))}\` in arguments.`, argStart, Math.max(end, argStart + 1));
        if (this.ch() === C.RPAREN) continue;
        break;
      }
      args.push({ name, value, span: { start: argStart, end: this.pos } });
      if (!this.skipInsideList()) break;
      if (this.ch() === C.COMMA) this.pos++;
      else if (this.ch() !== C.RPAREN) {
        if (this.ch() === -1 || this.ch() === C.LF || this.ch() === C.CR) break;
        this.error('Expected `,` or `)`.', this.pos);
        const end = this.skipToListEnd(C.RPAREN);
        if (this.ch() !== C.RPAREN) {
          this.pos = end;
          break;
        }
      }
    }
    this.error('Unclosed `(`: missing `)`.', start, start + 1);
    return { args, span: { start, end: this.pos }, closed: false };
  }

  /** Moves to the closing char on this line (or the end of the line) and returns that position. */
  private skipToListEnd(close: number): number {
    while (this.pos < this.len) {
      const c = this.ch();
      if (c === close || c === C.LF || c === C.CR) break;
      if (c === C.QUOTE) this.readString();
      else this.pos++;
    }
    return this.pos;
  }

  private readString(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    let segStart = this.pos;
    while (this.pos < this.len) {
      const c = this.ch();
      if (c === C.QUOTE) {
        out += this.text.slice(segStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === C.BACKSLASH && this.pos + 1 < this.len) {
        out += this.text.slice(segStart, this.pos);
        const n = this.text[this.pos + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        this.pos += 2;
        segStart = this.pos;
        continue;
      }
      if (c === C.LF || c === C.CR) break;
      this.pos++;
    }
    this.error('Unterminated string.', start, this.pos);
    return out + this.text.slice(segStart, this.pos);
  }

  /** Parses a value; `inProperty` allows nothing special but is kept for clarity of call sites. */
  private parseExpr(_inProperty: boolean): Expr | null {
    const start = this.pos;
    const c = this.ch();
    if (c === C.QUOTE) {
      const value = this.readString();
      return { kind: 'string', value, span: { start, end: this.pos } };
    }
    if (isDigit(c) || (c === C.MINUS && isDigit(this.ch(1)))) {
      this.pos++;
      while (isDigit(this.ch()) || (this.ch() === C.DOT && isDigit(this.ch(1)))) this.pos++;
      if ((this.ch() === 101 || this.ch() === 69) && (isDigit(this.ch(1)) || ((this.ch(1) === C.MINUS || this.ch(1) === 43) && isDigit(this.ch(2))))) {
        this.pos += 2;
        while (isDigit(this.ch())) this.pos++;
      }
      return { kind: 'number', value: this.text.slice(start, this.pos), span: { start, end: this.pos } };
    }
    if (c === C.LBRACKET) {
      this.pos++;
      const items: Expr[] = [];
      for (;;) {
        if (!this.skipInsideList()) {
          this.error('Unclosed `[`: missing `]`.', start, start + 1);
          return { kind: 'array', items, span: { start, end: this.pos } };
        }
        const d = this.ch();
        if (d === C.RBRACKET) {
          this.pos++;
          return { kind: 'array', items, span: { start, end: this.pos } };
        }
        if (d === -1) {
          this.error('Unclosed `[`: missing `]`.', start, start + 1);
          return { kind: 'array', items, span: { start, end: this.pos } };
        }
        if (d === C.COMMA) {
          this.pos++;
          continue;
        }
        const item = this.parseExpr(false);
        if (!item) {
          const itemStart = this.pos;
          const end = this.skipToListEnd(C.RBRACKET);
          this.error(`Unexpected \`${this.text.slice(itemStart, Math.min(end, itemStart + 20))}\` in list.`, itemStart, Math.max(end, itemStart + 1));
          if (this.ch() === C.RBRACKET) continue;
          return { kind: 'array', items, span: { start, end: this.pos } };
        }
        items.push(item);
        if (!this.skipInsideList()) continue;
        const e = this.ch();
        if (e !== C.COMMA && e !== C.RBRACKET && e !== -1) {
          this.error('Expected `,` or `]`.', this.pos);
          this.skipToListEnd(C.RBRACKET);
        }
      }
    }
    if (isIdentStart(c)) {
      let name = this.readIdent()!.name;
      while (this.ch() === C.DOT && isIdentStart(this.ch(1))) {
        this.pos++;
        name += '.' + this.readIdent()!.name;
      }
      const nameSpan = { start, end: this.pos };
      if (this.ch() === C.LPAREN) {
        const args = this.parseArgList();
        return { kind: 'call', name, nameSpan, args, span: { start, end: this.pos } };
      }
      return { kind: 'path', name, span: nameSpan };
    }
    return null;
  }
}
