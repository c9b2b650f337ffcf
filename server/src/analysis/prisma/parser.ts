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

/** Deepest nesting of `[`/`(` in an expression (real schemas use 3). */
const MAX_DEPTH = 32;

const BLOCK_KEYWORDS = new Set<string>(['model', 'view', 'enum', 'type', 'datasource', 'generator']);

const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  QUOTE = 34,
  LPAREN = 40,
  RPAREN = 41,
  STAR = 42,
  PLUS = 43,
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
  UNDERSCORE = 95,
  LBRACE = 123,
  RBRACE = 125,
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isInlineSpace(c: number): boolean {
  return c === C.SPACE || c === C.TAB || c === 0xfeff || c === 0xa0;
}
function isLineBreak(c: number): boolean {
  return c === C.LF || c === C.CR;
}

/**
 * The empty list of the tree: most members have no comments, attributes or arguments, and one shared
 * (frozen: the tree is read-only) empty array instead of thousands keeps the tree small for the GC.
 */
const EMPTY: readonly never[] = Object.freeze([]);
function none<T>(): T[] {
  return EMPTY as unknown as T[];
}

/** What `takePending` hands out when there is nothing pending. */
const NO_COMMENTS: Comment[] = none<Comment>();

/** The comments of one kind. */
function ofKind(comments: Comment[], kind: Comment['kind']): Comment[] {
  let n = 0;
  for (let i = 0; i < comments.length; i++) if (comments[i].kind === kind) n++;
  if (n === 0) return none<Comment>();
  const out: Comment[] = new Array(n);
  n = 0;
  for (let i = 0; i < comments.length; i++) if (comments[i].kind === kind) out[n++] = comments[i];
  return out;
}

/**
 * A list under construction. Pushing onto a fresh array leaves a growth buffer of 17+ slots however
 * few items it gets, and the tree lives for a whole audit (and in the language server between
 * edits): items are gathered in a reused scratch list and copied once, to an exact-size array.
 */
interface ListBuilder<T> {
  items: T[];
  n: number;
}

/** Letters and digits of any script (Prisma's identifiers are Unicode-alphanumeric). */
const UNICODE_ALNUM = /^[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}]$/u;

/**
 * Hand-written, tolerant parser for Prisma Schema Language. It never throws: malformed input yields
 * diagnostics and as much tree as can be recovered. Like Prisma's own grammar it is line-based: a
 * member (field, attribute, property, enum value) and its argument lists end at the end of its line;
 * an argument list left open at the end of a line is reported as unclosed (Prisma rejects arguments
 * spread over several lines), so a half-typed `@relation(fields: [a` never swallows the lines below.
 *
 * Identifiers: letters/digits of any script, `_` and `-` (Prisma's grammar accepts `-`; its validator
 * rejects it in names, which the semantic model reports). A name may start with a digit or `_` here
 * too, so that the line still parses; the semantic model reports it.
 *
 * Comments: `//` and `///` comments are recorded. `docs` follow Prisma's documentation rule (see
 * `FieldDecl.docs`); `leadingComments` are the `//` comments directly above (no blank line between).
 */
export function parsePrisma(text: string): SchemaFileAst {
  return new Parser(text).parseFile();
}

/**
 * A point between top-level blocks where the parser's state is fresh: a block's parse returned at the
 * end of its line (a line break or the end of the text follows) with no comment pending. Parsing from
 * here depends only on the text from here on, so an unchanged tail can be reused after an edit.
 */
interface ParseBoundary {
  /** Offset of the line break (or the end of the text). */
  pos: number;
  /** How many blocks, comments and diagnostics the parse had produced by then. */
  blocks: number;
  comments: number;
  diagnostics: number;
}

/** A parse that can be updated incrementally (`reparsePrisma`). Read-only: trees are shared. */
export interface PrismaParse {
  readonly text: string;
  readonly ast: SchemaFileAst;
  readonly boundaries: readonly ParseBoundary[];
  /** For a reparse: how the previous text became this one (see `TextChange`); null for a full parse. */
  readonly change?: TextChange | null;
}

/**
 * The one region where two versions of a text differ: the old text's `[start, oldEnd)` became the
 * new text's `[start, oldEnd + delta)`. Offsets before `start` are unchanged; offsets from `oldEnd`
 * on move by `delta`.
 */
export interface TextChange {
  start: number;
  oldEnd: number;
  delta: number;
}

const CHUNKS = [8192, 256];

/** The change between two texts: longest common prefix and suffix (compared in chunks, natively). */
export function textChange(old: string, text: string): TextChange {
  const oldLen = old.length;
  const newLen = text.length;
  const max = Math.min(oldLen, newLen);
  let prefix = 0;
  // Large chunks first (few comparisons over a big file), then small ones near the edit.
  for (const chunk of CHUNKS) while (prefix + chunk <= max && old.slice(prefix, prefix + chunk) === text.slice(prefix, prefix + chunk)) prefix += chunk;
  while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = max - prefix;
  for (const chunk of CHUNKS) while (suffix + chunk <= room && old.slice(oldLen - suffix - chunk, oldLen - suffix) === text.slice(newLen - suffix - chunk, newLen - suffix)) suffix += chunk;
  while (suffix < room && old.charCodeAt(oldLen - 1 - suffix) === text.charCodeAt(newLen - 1 - suffix)) suffix++;
  return { start: prefix, oldEnd: oldLen - suffix, delta: newLen - oldLen };
}

/** Parses `text`, keeping what `reparsePrisma` needs to reuse this tree after an edit. */
export function parsePrismaTracked(text: string): PrismaParse {
  const parser = new Parser(text);
  const blocks: Block[] = [];
  const boundaries: ParseBoundary[] = [];
  parser.parseTopLevel(blocks, boundaries, null);
  return { text, ast: { blocks, comments: parser.comments, diagnostics: parser.diagnostics }, boundaries };
}

/** Above this many diagnostics a parse stops reporting (see `Parser.error`); such parses are redone whole. */
const MAX_DIAGNOSTICS = 1000;

/**
 * The parse of `text`, reusing the blocks of `previous` (a parse of an earlier version of the same file)
 * that the edit did not touch: blocks before the first changed character are shared as they are, the
 * blocks after the last changed character are moved to their new offsets in place (no allocation, and
 * every unchanged block keeps its identity, which lets a session reuse what it derived from it), and
 * only the blocks in between are parsed. The result equals `parsePrismaTracked(text)` (tests check it on
 * every corpus schema with random edits). `previous` is consumed: it must not be used afterwards.
 */
export function reparsePrisma(previous: PrismaParse, text: string): PrismaParse {
  const old = previous.text;
  if (old === text) return previous;
  const prev = previous.ast;
  const change = textChange(old, text);
  if (prev.diagnostics.length >= MAX_DIAGNOSTICS) return { ...parsePrismaTracked(text), change };
  const newLen = text.length;
  const prefix = change.start;
  const suffix = old.length - change.oldEnd;
  const delta = change.delta;
  const bounds = previous.boundaries;
  // Resume after the last boundary whose line break is still unchanged.
  let lo = 0;
  let hi = bounds.length - 1;
  let start = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid].pos < prefix) {
      start = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const from = start >= 0 ? bounds[start] : { pos: 0, blocks: 0, comments: 0, diagnostics: 0 };
  const parser = new Parser(text);
  const blocks = prev.blocks.slice(0, from.blocks);
  parser.resumeAt(from.pos, prev.comments.slice(0, from.comments), prev.diagnostics.slice(0, from.diagnostics));
  const boundaries = bounds.slice(0, start + 1);
  // Stop at a boundary inside the unchanged tail that the previous parse also had.
  const tailStart = newLen - suffix;
  let resumeIndex = -1;
  const stop = (pos: number): boolean => {
    if (pos < tailStart || pos >= newLen) return false;
    const target = pos - delta;
    let l = start + 1;
    let h = bounds.length - 1;
    while (l <= h) {
      const m = (l + h) >> 1;
      const p = bounds[m].pos;
      if (p === target) {
        resumeIndex = m;
        return true;
      }
      if (p < target) l = m + 1;
      else h = m - 1;
    }
    return false;
  };
  const at = parser.parseTopLevel(blocks, boundaries, stop);
  const comments = parser.comments;
  const diagnostics = parser.diagnostics;
  if (at && resumeIndex >= 0) {
    const old = bounds[resumeIndex];
    if (diagnostics.length + prev.diagnostics.length - old.diagnostics >= MAX_DIAGNOSTICS) return { ...parsePrismaTracked(text), change };
    const blockBase = blocks.length - old.blocks;
    const commentBase = comments.length - old.comments;
    const diagnosticBase = diagnostics.length - old.diagnostics;
    for (let i = old.comments; i < prev.comments.length; i++) {
      const c = prev.comments[i];
      moveSpan(c.span, delta);
      comments.push(c);
    }
    for (let i = old.diagnostics; i < prev.diagnostics.length; i++) {
      const d = prev.diagnostics[i];
      moveSpan(d.span, delta);
      diagnostics.push(d);
    }
    for (let i = old.blocks; i < prev.blocks.length; i++) {
      const b = prev.blocks[i];
      moveBlock(b, delta);
      blocks.push(b);
    }
    for (let i = resumeIndex + 1; i < bounds.length; i++) {
      const b = bounds[i];
      boundaries.push({ pos: b.pos + delta, blocks: b.blocks + blockBase, comments: b.comments + commentBase, diagnostics: b.diagnostics + diagnosticBase });
    }
  }
  return { text, ast: { blocks, comments, diagnostics }, boundaries, change };
}

// Moving nodes in place (`reparsePrisma`): every span of a block is in its `spans` list once (the
// parser lists each span it makes while parsing the block, shared ones once: an attribute and its
// name, a type and its name, a positional argument and its value); comments and diagnostics are moved
// through the file's lists only.

function moveSpan(s: Span, delta: number): void {
  s.start += delta;
  s.end += delta;
}

function moveBlock(b: Block, delta: number): void {
  const spans = b.spans;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    s.start += delta;
    s.end += delta;
  }
  if (b.openBrace !== null) b.openBrace += delta;
  if (b.closeBrace !== null) b.closeBrace += delta;
}

interface Mark {
  pos: number;
  comments: number;
  pending: Comment[];
  docBlock: Comment[];
  lastWasComment: boolean;
  diagnostics: number;
}

/**
 * A string equal to `s` that does not point into a larger string. V8 represents a slice of 13 or more
 * characters as a view of its parent, so a name sliced from the document would keep that whole
 * version of the document alive for as long as the name lives. The incremental parser keeps blocks
 * across edits, so every block would pin the text it was parsed from: the language server grew by
 * ~0.1 MB per keystroke. A concatenation is flattened into a new string by `slice`, which then
 * points into that copy of `s` alone.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

class Parser {
  private pos = 0;
  private readonly len: number;
  comments: Comment[] = [];
  diagnostics: SyntaxDiagnostic[] = [];
  /** Comments directly above the next member/block (cleared by a blank line). */
  private pending: Comment[] = [];
  /**
   * Prisma's documentation block: the `///` comments of the last run of consecutive comment lines.
   * Inside a block, blank lines and block attributes do not clear it; the next field/enum value takes it.
   */
  private docBlock: Comment[] = [];
  /** Whether the last thing seen was a comment line (so a comment on the next line continues its run). */
  private lastWasComment = false;
  /** Nesting of calls/arrays in the current expression. */
  private depth = 0;
  /** The spans made for the block being parsed (`Block.spans`); null outside blocks. */
  private blockSpans: Span[] | null = null;
  /** The name `readDottedName` read last. */
  private dottedName = '';
  /** Scratch lists by nesting (attributes → arguments → arrays → …), see `ListBuilder`. */
  private readonly lists: Array<ListBuilder<unknown>> = [];
  private listDepth = 0;

  constructor(private readonly text: string) {
    this.len = text.length;
  }

  private ch(offset = 0): number {
    const p = this.pos + offset;
    return p < this.len ? this.text.charCodeAt(p) : -1;
  }

  private error(message: string, start: number, end = start + 1): void {
    // Keep the diagnostic list bounded on garbage input.
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    const s = Math.min(Math.max(0, start), this.len);
    // Messages quote the document (`Unexpected \`…\``): detached, so a kept diagnostic does not pin the text.
    this.diagnostics.push({ message: detach(message), span: { start: s, end: Math.min(Math.max(end, s), this.len) } });
  }

  private mark(): Mark {
    return {
      pos: this.pos,
      comments: this.comments.length,
      pending: this.pending,
      docBlock: this.docBlock,
      lastWasComment: this.lastWasComment,
      diagnostics: this.diagnostics.length,
    };
  }

  private reset(m: Mark): void {
    this.pos = m.pos;
    this.comments.length = m.comments;
    this.pending = m.pending;
    this.docBlock = m.docBlock;
    this.lastWasComment = m.lastWasComment;
    this.diagnostics.length = m.diagnostics;
  }

  private openList<T>(): ListBuilder<T> {
    let b = this.lists[this.listDepth];
    if (!b) this.lists[this.listDepth] = b = { items: [], n: 0 };
    this.listDepth++;
    b.n = 0;
    return b as ListBuilder<T>;
  }

  /** The items as an exact-size array; closes the innermost open list. */
  private closeList<T>(b: ListBuilder<T>): T[] {
    this.listDepth--;
    const out = b.n === 0 ? none<T>() : b.items.slice(0, b.n);
    b.n = 0;
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Characters and names.

  /** Length (1 or 2 code units) of the identifier character at `p`, or 0. */
  private identCharLen(p: number, start: boolean): number {
    if (p >= this.len) return 0;
    const c = this.text.charCodeAt(p);
    if (c < 0x80) {
      if (isAsciiLetter(c) || isDigit(c) || c === C.UNDERSCORE) return 1;
      return !start && c === C.MINUS ? 1 : 0;
    }
    if (c === 0xfeff || c === 0xa0) return 0;
    const cp = this.text.codePointAt(p)!;
    const n = cp > 0xffff ? 2 : 1;
    return UNICODE_ALNUM.test(this.text.slice(p, p + n)) ? n : 0;
  }

  private isNameStart(p = this.pos): boolean {
    return this.identCharLen(p, true) > 0;
  }

  /** End offset of the identifier starting at `p` (p itself when none starts there). */
  private identEnd(p: number): number {
    let n = this.identCharLen(p, true);
    if (!n) return p;
    p += n;
    while ((n = this.identCharLen(p, false)) > 0) p += n;
    return p;
  }

  /** `text.slice(start, end)` as a string of its own (see `detach`). */
  private owned(start: number, end: number): string {
    return detach(this.text.slice(start, end));
  }

  /** A new span, listed in the current block's `spans` (what `reparsePrisma` moves). */
  private sp(start: number, end: number): Span {
    const s = { start, end };
    if (this.blockSpans) this.blockSpans.push(s);
    return s;
  }

  private readIdent(): { name: string; span: Span } | null {
    const start = this.pos;
    const end = this.identEnd(start);
    if (end === start) return null;
    this.pos = end;
    return { name: this.owned(start, end), span: this.sp(start, end) };
  }

  /**
   * `a.b.c` as one name (attribute names like `db.VarChar`, type names, dotted values): returns its
   * span and leaves the name in `dottedName` (no wrapper object per name; read it right away).
   */
  private readDottedName(): Span | null {
    const start = this.pos;
    let end = this.identEnd(start);
    if (end === start) return null;
    while (end < this.len && this.text.charCodeAt(end) === C.DOT && this.isNameStart(end + 1)) end = this.identEnd(end + 1);
    this.pos = end;
    this.dottedName = this.owned(start, end);
    return this.sp(start, end);
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

  private lineStartOf(offset: number): number {
    let p = offset;
    while (p > 0) {
      const c = this.text.charCodeAt(p - 1);
      if (c === C.LF || c === C.CR) break;
      p--;
    }
    return p;
  }

  private skipInlineSpaces(): void {
    while (this.pos < this.len && isInlineSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private atEndOfLine(): boolean {
    const c = this.ch();
    return c === -1 || c === C.LF || c === C.CR;
  }

  private atComment(): boolean {
    return this.ch() === C.SLASH && (this.ch(1) === C.SLASH || this.ch(1) === C.STAR);
  }

  /** The block keyword at the current position (followed by a space, `{` or the end of the line), or null. */
  private blockKeywordHere(): BlockKind | null {
    const c = this.ch();
    // m(odel) v(iew) e(num) t(ype) d(atasource) g(enerator)
    if (c !== 109 && c !== 118 && c !== 101 && c !== 116 && c !== 100 && c !== 103) return null;
    const end = this.identEnd(this.pos);
    const word = this.text.slice(this.pos, end);
    if (!BLOCK_KEYWORDS.has(word)) return null;
    const next = end < this.len ? this.text.charCodeAt(end) : -1;
    if (next === -1 || isInlineSpace(next) || isLineBreak(next) || next === C.LBRACE) return word as BlockKind;
    return null;
  }

  /** Whether the current position starts `keyword Name {` (a new block) on this line. */
  private atBlockStart(): boolean {
    if (!this.blockKeywordHere()) return false;
    let p = this.identEnd(this.pos);
    if (p >= this.len || !isInlineSpace(this.text.charCodeAt(p))) return false;
    while (p < this.len && isInlineSpace(this.text.charCodeAt(p))) p++;
    const nameEnd = this.identEnd(p);
    if (nameEnd === p) return false;
    p = nameEnd;
    while (p < this.len && isInlineSpace(this.text.charCodeAt(p))) p++;
    return p < this.len && this.text.charCodeAt(p) === C.LBRACE;
  }

  // ------------------------------------------------------------------------------------------
  // Trivia.

  /**
   * Skips spaces, line breaks (if allowed) and comments. Comments are recorded; a blank line (two line
   * breaks) detaches pending comments from what follows. Returns the number of line breaks skipped
   * since the last comment.
   */
  private skipTrivia(newlines: boolean): number {
    let breaks = 0;
    while (this.pos < this.len) {
      const c = this.text.charCodeAt(this.pos);
      if (isInlineSpace(c)) {
        this.pos++;
      } else if (c === C.LF || c === C.CR) {
        if (!newlines) break;
        if (c === C.CR && this.ch(1) === C.LF) this.pos++;
        this.pos++;
        breaks++;
        if (breaks >= 2 && this.pending.length !== 0) this.pending = [];
      } else if (c === C.SLASH && this.ch(1) === C.SLASH) {
        const start = this.pos;
        const doc = this.ch(2) === C.SLASH;
        const end = this.findLineEnd(this.pos);
        this.addComment({ kind: doc ? 'doc' : 'line', text: this.owned(start + (doc ? 3 : 2), end), span: { start, end } }, breaks);
        this.pos = end;
        breaks = 0;
        if (!newlines) break;
      } else if (c === C.SLASH && this.ch(1) === C.STAR) {
        // Prisma reads `/* … */` as documentation of what follows.
        const start = this.pos;
        const close = this.text.indexOf('*/', start + 2);
        const end = close < 0 ? this.len : close + 2;
        if (close < 0) this.error('Unclosed block comment (missing `*/`).', start, start + 2);
        this.addComment({ kind: 'doc', text: this.owned(start + 2, close < 0 ? end : close), span: { start, end }, block: true }, breaks);
        this.pos = end;
        breaks = 0;
      } else break;
    }
    return breaks;
  }

  private addComment(comment: Comment, breaksBefore: number): void {
    this.comments.push(comment);
    this.pending.push(comment);
    const continues = this.lastWasComment && breaksBefore <= 1;
    if (continues) {
      if (comment.kind === 'doc') this.docBlock.push(comment);
    } else this.docBlock = comment.kind === 'doc' ? [comment] : [];
    this.lastWasComment = true;
  }

  private takePending(): Comment[] {
    const p = this.pending;
    // Nothing pending (most members): keep the empty list, nobody else holds it (callers only read it).
    if (p.length === 0) return NO_COMMENTS;
    this.pending = [];
    return p;
  }

  private takeDocBlock(): Comment[] {
    const d = this.docBlock;
    if (d.length === 0) return none<Comment>(); // keep the (unshared) empty list
    this.docBlock = [];
    return d;
  }

  // ------------------------------------------------------------------------------------------
  // File and blocks.

  parseFile(): SchemaFileAst {
    const blocks: Block[] = [];
    this.parseTopLevel(blocks, null, null);
    return { blocks, comments: this.comments, diagnostics: this.diagnostics };
  }

  /**
   * The top-level loop from `this.pos` (parser state fresh). Records a boundary wherever a block's
   * parse returned at the end of its line with nothing pending (see `ParseBoundary`); stops early, at
   * such a boundary, when `stopAt` accepts it (returns that boundary; null when it ran to the end).
   */
  parseTopLevel(blocks: Block[], boundaries: ParseBoundary[] | null, stopAt: ((pos: number) => boolean) | null): ParseBoundary | null {
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.len) return null;
      const kind = this.blockKeywordHere();
      if (kind) {
        const spans: Span[] = [];
        this.blockSpans = spans;
        blocks.push(this.parseBlock(kind, spans));
        this.blockSpans = null;
        if (boundaries && this.atEndOfLine() && this.pending.length === 0 && !this.lastWasComment && this.depth === 0) {
          const b: ParseBoundary = { pos: this.pos, blocks: blocks.length, comments: this.comments.length, diagnostics: this.diagnostics.length };
          boundaries.push(b);
          if (stopAt && stopAt(b.pos)) return b;
        }
      } else this.skipInvalidTopLevel();
    }
  }

  /** Starts a parse at `pos` with fresh state and the given earlier comments/diagnostics. */
  resumeAt(pos: number, comments: Comment[], diagnostics: SyntaxDiagnostic[]): void {
    this.pos = pos;
    this.comments = comments;
    this.diagnostics = diagnostics;
  }

  /** A top-level line that is not a block: report it, and skip a `{ … }` body if one opens here. */
  private skipInvalidTopLevel(): void {
    const start = this.pos;
    const lineEnd = this.findLineEnd(this.pos);
    const wordEnd = this.identEnd(this.pos);
    const word = wordEnd > start ? this.text.slice(start, Math.min(wordEnd, start + 40)) : null;
    this.error(
      word
        ? `This line is invalid. \`${word}\` is not a Prisma block keyword (expected model, view, enum, type, datasource or generator).`
        : 'This line is invalid. It does not start with any known Prisma schema keyword.',
      start,
      lineEnd,
    );
    let opens = false;
    for (let p = start; p < lineEnd; p++) {
      const c = this.text.charCodeAt(p);
      if (c === C.LBRACE) opens = true;
      else if (c === C.RBRACE) opens = false;
    }
    this.pos = lineEnd;
    if (opens) {
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
    this.docBlock = [];
    this.lastWasComment = false;
  }

  /** `spans`: the list `sp` fills while this block is parsed (`Block.spans`). */
  private parseBlock(kind: BlockKind, spans: Span[]): Block {
    const leading = this.takePending();
    this.docBlock = [];
    this.lastWasComment = false;
    const start = this.pos;
    const keyword = this.readIdent()!;
    this.skipInlineSpaces();
    const name = this.ch() === C.LBRACE ? null : this.readIdent();
    const label = `${kind}${name ? ` \`${name.name}\`` : ''}`;
    if (!name) this.error(`Expected a name after \`${kind}\`.`, keyword.span.start, keyword.span.end);
    this.skipInlineSpaces();
    const block: Block = {
      kind,
      keyword,
      name,
      members: [],
      docs: ofKind(leading, 'doc'),
      leadingComments: ofKind(leading, 'line'),
      openBrace: null,
      closeBrace: null,
      span: this.sp(start, this.pos),
      spans,
    };
    const headEnd = name ? name.span.end : keyword.span.end;
    if (this.ch() !== C.LBRACE) {
      // Tolerate `{` on a following line (Prisma does not); otherwise the block has no body.
      const m = this.mark();
      this.skipTrivia(true);
      if (this.ch() === C.LBRACE) {
        this.error(`The \`{\` of the ${label} must be on the same line as its name.`, this.pos, this.pos + 1);
      } else {
        this.reset(m);
        const lineEnd = this.findLineEnd(this.pos);
        if (this.pos < lineEnd && !this.atComment()) {
          this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(lineEnd, this.pos + 30)).trim()}\` after the ${kind} name: expected \`{\`.`, this.pos, lineEnd);
        } else this.error(`Expected \`{\` to open the ${label}.`, keyword.span.start, headEnd);
        this.skipTrivia(false);
        this.pos = this.findLineEnd(this.pos);
        block.span.end = this.pos;
        this.pending = [];
        this.lastWasComment = false;
        return block;
      }
    }
    block.openBrace = this.pos;
    this.pos++;
    this.skipInlineSpaces();
    if (this.atComment()) this.skipTrivia(false);
    if (!this.atEndOfLine() && this.ch() !== C.RBRACE) {
      // Content on the `{` line: parse it as a member anyway (Prisma wants a newline).
      this.error('A block member must start on a new line after `{`.', this.pos, this.findLineEnd(this.pos));
    }
    this.pending = [];
    this.docBlock = [];
    this.lastWasComment = false;
    const members = this.openList<Member>();
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.len) {
        this.error(`The ${label} is not closed (missing \`}\`).`, keyword.span.start, headEnd);
        block.span.end = this.len;
        break;
      }
      const c = this.ch();
      if (c === C.RBRACE) {
        block.closeBrace = this.pos;
        if (this.nonBlankBefore(this.pos)) this.error('Put the closing `}` on its own line.', this.pos, this.pos + 1);
        this.pos++;
        block.span.end = this.pos;
        this.expectEndOfLine('after `}`', null);
        break;
      }
      if (this.atBlockStart()) {
        this.error(`The ${label} is not closed (missing \`}\` before this ${this.blockKeywordHere()}).`, keyword.span.start, headEnd);
        // End the block at the end of its last member.
        block.span.end = members.n ? members.items[members.n - 1].lineSpan.end : block.span.end;
        break;
      }
      const member = this.parseMember(block);
      if (member) members.items[members.n++] = member;
    }
    block.members = this.closeList(members);
    this.pending = [];
    this.docBlock = [];
    this.lastWasComment = false;
    return block;
  }

  /** Whether something other than spaces precedes `offset` on its line. */
  private nonBlankBefore(offset: number): boolean {
    let p = offset;
    while (p > 0) {
      const c = this.text.charCodeAt(p - 1);
      if (isLineBreak(c)) return false;
      if (!isInlineSpace(c)) return true;
      p--;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Members.

  private parseMember(block: Block): Member | null {
    const leading = this.takePending();
    const start = this.pos;
    const lineStart = this.lineStartOf(start);
    const c = this.ch();
    let member: Member;
    if (c === C.AT) {
      const attribute = this.parseAttribute();
      if (!attribute.block) {
        // A field attribute without a field: report it and drop the line (it is not a block attribute).
        this.error(`\`@${attribute.name}\` is a field attribute: it must follow a field's type on the same line.`, attribute.nameSpan.start, attribute.nameSpan.end);
        this.pos = Math.max(this.pos, this.findLineEnd(this.pos));
        this.lastWasComment = false;
        return null;
      }
      if (block.kind === 'datasource' || block.kind === 'generator') this.error(`Block attributes are not allowed in a ${block.kind} block.`, attribute.nameSpan.start, attribute.nameSpan.end);
      member = {
        kind: 'blockAttribute',
        attribute,
        leadingComments: ofKind(leading, 'line'),
        trailingComment: null,
        span: this.sp(start, this.pos),
        lineSpan: this.sp(lineStart, this.pos),
      };
    } else if (this.isNameStart()) {
      const name = this.readIdent()!;
      if (block.kind === 'datasource' || block.kind === 'generator') {
        this.skipInlineSpaces();
        let value: Expr | null = null;
        if (this.ch() === C.EQ) {
          this.pos++;
          this.skipInlineSpaces();
          value = this.parseExpr();
          if (!value) this.error(`Expected a value for \`${name.name}\`.`, name.span.start, Math.max(this.pos, name.span.end));
        } else this.error(`Expected \`=\` after \`${name.name}\`.`, name.span.start, name.span.end);
        member = { kind: 'property', name, value, span: this.sp(start, this.pos), lineSpan: this.sp(lineStart, this.pos) };
      } else if (block.kind === 'enum') {
        const attributes = this.parseAttributes(false);
        const value: EnumValueDecl = {
          kind: 'enumValue',
          name,
          attributes,
          docs: this.takeDocBlock(),
          trailingComment: null,
          span: this.sp(start, this.pos),
          lineSpan: this.sp(lineStart, this.pos),
        };
        member = value;
      } else {
        member = this.parseField(name, leading, start, lineStart);
      }
    } else {
      const end = this.findLineEnd(this.pos);
      this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(end, this.pos + 20)).trim()}\` in ${block.kind} block.`, this.pos, Math.max(end, this.pos + 1));
      this.pos = Math.max(end, this.pos + 1);
      this.lastWasComment = false;
      return null;
    }
    this.lastWasComment = false;
    this.expectEndOfLine(null, member);
    this.lastWasComment = false;
    member.lineSpan.end = Math.max(member.lineSpan.end, this.findLineEnd(member.lineSpan.end));
    return member;
  }


  /**
   * Takes a trailing comment for `member`, then reports and skips anything left on the line (a `}`
   * is left in place so the block can close).
   */
  private expectEndOfLine(where: string | null, member: Member | null): void {
    this.skipInlineSpaces();
    if (this.atComment()) {
      const before = this.comments.length;
      const savedPending = this.pending;
      const pendingLength = savedPending.length;
      const savedDocs = this.docBlock;
      const docsLength = savedDocs.length;
      this.skipTrivia(false);
      // A trailing comment belongs to this line only: it neither precedes nor documents what follows.
      savedPending.length = pendingLength;
      savedDocs.length = docsLength;
      this.pending = savedPending;
      this.docBlock = savedDocs;
      const trailing = this.comments.length > before ? this.comments[this.comments.length - 1] : null;
      if (trailing && member && member.kind !== 'property') (member as { trailingComment: Comment | null }).trailingComment = trailing;
      this.skipInlineSpaces();
    }
    if (this.atEndOfLine() || this.ch() === C.RBRACE) return;
    const end = this.findLineEnd(this.pos);
    let stop = end;
    // Leave a `}` outside strings for the block.
    let inString = false;
    for (let p = this.pos; p < end; p++) {
      const c = this.text.charCodeAt(p);
      if (c === C.QUOTE) inString = !inString;
      else if (c === C.RBRACE && !inString) {
        stop = p;
        break;
      }
    }
    // `where` is only spelled out when there is something to report (no string per member).
    if (where === null) where = `after ${member && member.kind === 'field' ? `field \`${member.name.name}\`` : 'this line'}`;
    this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(stop, this.pos + 30)).trim()}\` ${where}.`, this.pos, Math.max(stop, this.pos + 1));
    this.pos = stop;
  }

  private parseField(name: { name: string; span: Span }, leading: Comment[], start: number, lineStart: number): FieldDecl {
    const docs = this.takeDocBlock();
    this.skipInlineSpaces();
    let type: TypeRef | null = null;
    const typeStart = this.pos;
    const typeNameSpan = this.readDottedName();
    if (typeNameSpan) {
      const typeName = this.dottedName;
      let unsupported: string | null = null;
      let nameEnd = typeNameSpan.end;
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
        this.error('Optional lists are not supported: use `Type[]`, not `Type?[]`.', typeStart, this.pos);
      }
      typeNameSpan.end = nameEnd;
      // A plain `Type` (no `?`, `[]`) spans just its name: share the (read-only) span object.
      const typeSpan = typeNameSpan.start === typeStart && typeNameSpan.end === this.pos ? typeNameSpan : this.sp(typeStart, this.pos);
      type = { name: typeName, nameSpan: typeNameSpan, optional, list, unsupported, span: typeSpan };
      const c = this.ch();
      if (c !== -1 && !isInlineSpace(c) && !isLineBreak(c) && c !== C.AT && c !== C.RBRACE && !this.atComment()) {
        const end = this.findLineEnd(this.pos);
        let stop = this.pos;
        while (stop < end && !isInlineSpace(this.text.charCodeAt(stop)) && this.text.charCodeAt(stop) !== C.AT) stop++;
        this.error(`Unexpected \`${this.text.slice(this.pos, Math.min(stop, this.pos + 20))}\` after the type of field \`${name.name}\`.`, this.pos, stop);
        this.pos = stop;
      }
    } else {
      const c = this.ch();
      if (c === -1 || isLineBreak(c) || c === C.RBRACE || c === C.AT || this.atComment()) {
        this.error(`Field \`${name.name}\` has no type.`, name.span.start, name.span.end);
      } else {
        const end = this.findLineEnd(this.pos);
        this.error(`Expected a type for field \`${name.name}\`.`, this.pos, end);
        this.pos = end;
      }
    }
    const attributes = this.parseAttributes(true);
    return {
      kind: 'field',
      name,
      type,
      attributes,
      docs,
      leadingComments: ofKind(leading, 'line'),
      trailingComment: null,
      span: this.sp(start, this.pos),
      lineSpan: this.sp(lineStart, this.pos),
    };
  }

  private parseAttributes(isField: boolean): Attribute[] {
    const attrs = this.openList<Attribute>();
    for (;;) {
      this.skipInlineSpaces();
      if (this.ch() !== C.AT) break;
      const attr = this.parseAttribute();
      if (attr.block && isField) this.error(`\`@@${attr.name}\` is a block attribute: put it on its own line.`, attr.nameSpan.start, attr.nameSpan.end);
      attrs.items[attrs.n++] = attr;
    }
    return this.closeList(attrs);
  }

  private parseAttribute(): Attribute {
    const start = this.pos;
    let block = false;
    this.pos++;
    if (this.ch() === C.AT) {
      block = true;
      this.pos++;
    }
    const identSpan = this.readDottedName();
    const name = identSpan ? this.dottedName : '';
    if (!identSpan) this.error('Expected an attribute name after `@`.', start, this.pos);
    // The name's span becomes the attribute's name span, `@` included.
    let nameSpan: Span;
    if (identSpan) {
      nameSpan = identSpan;
      nameSpan.start = start;
    } else nameSpan = this.sp(start, this.pos);
    let args: ArgList | null = null;
    const save = this.pos;
    this.skipInlineSpaces();
    if (this.ch() === C.LPAREN) args = this.parseArgList();
    else this.pos = save;
    // Without arguments the attribute is its name: share the (read-only) span object.
    return { name, block, nameSpan, args, span: args === null && nameSpan.end === this.pos ? nameSpan : this.sp(start, this.pos) };
  }

  // ------------------------------------------------------------------------------------------
  // Expressions (never across a line break).

  private parseArgList(): ArgList {
    const start = this.pos;
    this.pos++; // (
    const args = this.openList<Arg>();
    for (;;) {
      this.skipInlineSpaces();
      const c = this.ch();
      if (c === C.RPAREN) {
        this.pos++;
        return { args: this.closeList(args), span: this.sp(start, this.pos), closed: true };
      }
      if (c === -1 || isLineBreak(c)) break;
      if (c === C.COMMA) {
        this.error('Unexpected `,`.', this.pos);
        this.pos++;
        continue;
      }
      const argStart = this.pos;
      let name: { name: string; span: Span } | null = null;
      if (this.isNameStart()) {
        // Look for `name:` first; a positional value (`cuid()`, `ACTIVE`) is read once, by parseExpr.
        const identEnd = this.identEnd(this.pos);
        let p = identEnd;
        while (p < this.len && isInlineSpace(this.text.charCodeAt(p))) p++;
        if (p < this.len && this.text.charCodeAt(p) === C.COLON) {
          name = { name: this.owned(this.pos, identEnd), span: this.sp(this.pos, identEnd) };
          this.pos = p + 1;
          this.skipInlineSpaces();
        }
      }
      const value = this.parseExpr();
      if (!value) {
        const valueStart = this.pos;
        const end = this.skipToListEnd(C.RPAREN);
        if (name && end === valueStart) {
          this.error(`Expected a value for \`${name.name}:\`.`, argStart, Math.max(end, argStart + 1));
          args.items[args.n++] = { name, value: { kind: 'error', text: '', span: this.sp(end, end) }, span: this.sp(argStart, end) };
        } else {
          this.error(`Unexpected \`${this.text.slice(valueStart, Math.min(end, valueStart + 20))}\` in arguments.`, valueStart, Math.max(end, valueStart + 1));
          if (name) args.items[args.n++] = { name, value: { kind: 'error', text: this.owned(valueStart, end), span: this.sp(valueStart, end) }, span: this.sp(argStart, end) };
        }
        continue;
      }
      // A positional argument spans exactly its value: share the (read-only) span object.
      const span = name === null && value.span.start === argStart && value.span.end === this.pos ? value.span : this.sp(argStart, this.pos);
      args.items[args.n++] = { name, value, span };
      this.skipInlineSpaces();
      const d = this.ch();
      if (d === C.COMMA) this.pos++;
      else if (d !== C.RPAREN && d !== -1 && !isLineBreak(d)) {
        this.error('Expected `,` or `)`.', this.pos);
        this.skipToListEnd(C.RPAREN);
      }
    }
    this.error('Unclosed `(`: missing `)` before the end of the line.', start, start + 1);
    return { args: this.closeList(args), span: this.sp(start, this.pos), closed: false };
  }

  /** Moves to `close` or the end of the line (skipping strings) and returns that position. */
  private skipToListEnd(close: number): number {
    while (this.pos < this.len) {
      const c = this.ch();
      if (c === close || isLineBreak(c)) break;
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
      const c = this.text.charCodeAt(this.pos);
      if (c === C.QUOTE) {
        out += this.text.slice(segStart, this.pos);
        this.pos++;
        return detach(out);
      }
      if (c === C.BACKSLASH && this.pos + 1 < this.len && !isLineBreak(this.text.charCodeAt(this.pos + 1))) {
        out += this.text.slice(segStart, this.pos);
        const n = this.text[this.pos + 1];
        this.pos += 2;
        switch (n) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            const hex = this.text.slice(this.pos, this.pos + 4);
            if (/^[0-9a-fA-F]{4}$/.test(hex)) {
              out += String.fromCharCode(parseInt(hex, 16));
              this.pos += 4;
            } else out += 'u';
            break;
          }
          default:
            out += n;
        }
        segStart = this.pos;
        continue;
      }
      if (isLineBreak(c)) break;
      this.pos++;
    }
    this.error('Unterminated string.', start, this.pos);
    return detach(out + this.text.slice(segStart, this.pos));
  }

  private parseExpr(): Expr | null {
    const start = this.pos;
    const c = this.ch();
    if (this.depth >= MAX_DEPTH && (c === C.LBRACKET || this.isNameStart())) {
      // Arrays and calls nest; garbage like `[[[[…` must not exhaust the stack.
      const end = this.findLineEnd(this.pos);
      this.error('Too deeply nested.', this.pos, end);
      this.pos = end;
      return { kind: 'error', text: '', span: this.sp(start, end) };
    }
    if (c === C.QUOTE) {
      const value = this.readString();
      return { kind: 'string', value, span: this.sp(start, this.pos) };
    }
    if (isDigit(c) || (c === C.MINUS && isDigit(this.ch(1)))) {
      this.pos++;
      while (isDigit(this.ch())) this.pos++;
      if (this.ch() === C.DOT && isDigit(this.ch(1))) {
        this.pos++;
        while (isDigit(this.ch())) this.pos++;
      }
      return { kind: 'number', value: this.owned(start, this.pos), span: this.sp(start, this.pos) };
    }
    if (c === C.LBRACKET) {
      this.depth++;
      const array = this.parseArray();
      this.depth--;
      return array;
    }
    if (this.isNameStart()) {
      const nameSpan = this.readDottedName()!;
      const name = this.dottedName; // before the arguments read other names
      const save = this.pos;
      this.skipInlineSpaces();
      if (this.ch() === C.LPAREN) {
        this.depth++;
        const args = this.parseArgList();
        this.depth--;
        return { kind: 'call', name, nameSpan, args, span: this.sp(start, this.pos) };
      }
      this.pos = save;
      return { kind: 'path', name, span: nameSpan };
    }
    return null;
  }

  private parseArray(): Expr {
    const start = this.pos;
    this.pos++; // [
    const items = this.openList<Expr>();
    for (;;) {
      this.skipInlineSpaces();
      const d = this.ch();
      if (d === C.RBRACKET) {
        this.pos++;
        return { kind: 'array', items: this.closeList(items), span: this.sp(start, this.pos) };
      }
      if (d === -1 || isLineBreak(d)) {
        this.error('Unclosed `[`: missing `]` before the end of the line.', start, start + 1);
        return { kind: 'array', items: this.closeList(items), span: this.sp(start, this.pos) };
      }
      if (d === C.COMMA) {
        this.error('Unexpected `,`.', this.pos);
        this.pos++;
        continue;
      }
      const item = this.parseExpr();
      if (!item) {
        const itemStart = this.pos;
        const end = this.skipToListEnd(C.RBRACKET);
        this.error(`Unexpected \`${this.text.slice(itemStart, Math.min(end, itemStart + 20))}\` in list.`, itemStart, Math.max(end, itemStart + 1));
        continue;
      }
      items.items[items.n++] = item;
      this.skipInlineSpaces();
      const e = this.ch();
      if (e === C.COMMA) this.pos++;
      else if (e !== C.RBRACKET && e !== -1 && !isLineBreak(e)) {
        this.error('Expected `,` or `]`.', this.pos);
        this.skipToListEnd(C.RBRACKET);
      }
    }
  }
}
