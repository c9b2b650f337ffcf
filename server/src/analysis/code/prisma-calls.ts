/**
 * Finds Prisma Client query calls in TypeScript/JavaScript source (`prisma.post.findMany({ where:
 * { authorId }, orderBy: { createdAt: 'desc' } })`) and reads their literal arguments, for
 * `query-index-missing`. Pure and tolerant: a small tokenizer (comments, strings, template literals,
 * regular expressions) and a reader for object/array literals; anything it cannot read as a literal
 * (a variable, a call, a ternary, a spread) is kept as an opaque expression, never guessed at. It never
 * throws on half-typed or non-JavaScript input.
 */

/** The Prisma Client methods whose `where` (and `orderBy`) the rule reads. */
export const QUERY_METHODS = new Set([
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'updateMany',
  'deleteMany',
]);

/** A quick test before tokenizing: the file mentions one of the methods as a call. */
const PREFILTER = /\.\s*(?:findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|count|aggregate|groupBy|updateMany|deleteMany)\s*\(/;

/** Files larger than this (bundles, generated clients) are not scanned. */
export const MAX_CODE_FILE_CHARS = 1024 * 1024;

export type JsValue =
  /**
   * `spread`: the literal has a spread (or an entry that could not be read); `opaqueSpread`: one of
   * them is not a parenthesised expression (`...base`, `...getFilter()`), so it may bring any key,
   * while `...(cond && { domain })` / `...(cond ? { a } : {})` only add filters conditionally.
   */
  | { kind: 'object'; props: JsProp[]; spread: boolean; opaqueSpread?: boolean }
  | { kind: 'array'; items: JsValue[]; spread: boolean }
  | { kind: 'literal'; value: string | number | boolean | null | undefined }
  /** Anything else; `name` when it is a bare identifier (a variable). */
  | { kind: 'expr'; name?: string };

export interface JsProp {
  /** Property name; null for a computed key (`[k]: v`). */
  key: string | null;
  value: JsValue;
}

export interface PrismaCall {
  /** `post` in `prisma.post.findMany(...)`. */
  accessor: string;
  method: string;
  /** UTF-16 offsets of `post.findMany` in the file. */
  start: number;
  end: number;
  /** The first argument when it is an object literal; null when there is none or it is not a literal. */
  args: Extract<JsValue, { kind: 'object' }> | null;
}

type TokKind = 'ident' | 'punct' | 'string' | 'number' | 'template' | 'regex';
interface Tok {
  kind: TokKind;
  /** Identifier name, punctuator, or a string literal's value. */
  text: string;
  start: number;
  end: number;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * Tokens of `text`. A quote with no closing quote on its line is skipped (JSX text such as `don't`);
 * an unterminated comment runs to the end of the text.
 */
export function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  /** Brace depths at which a template literal's `${` was opened (its `}` resumes the template). */
  const templateDepths: number[] = [];
  let depth = 0;
  let i = 0;

  const regexAllowed = (): boolean => {
    const prev = toks[toks.length - 1];
    if (!prev) return true;
    if (prev.kind === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
    if (prev.kind === 'ident') return KEYWORDS_BEFORE_EXPRESSION.has(prev.text);
    return false;
  };

  /** Scans a template literal's text from `i` (after '`' or a closing '}'); stops after '`' or '${'. */
  const templatePart = (from: number): void => {
    let j = from;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92 /* \ */) j += 2;
      else if (c === 96 /* ` */) {
        j++;
        break;
      } else if (c === 36 /* $ */ && text.charCodeAt(j + 1) === 123 /* { */) {
        j += 2;
        templateDepths.push(++depth);
        break;
      } else j++;
    }
    toks.push({ kind: 'template', text: '', start: from - 1, end: Math.min(j, n) });
    i = j;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0) {
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const e = text.indexOf('\n', i);
        i = e < 0 ? n : e;
        continue;
      }
      if (d === 42) {
        const e = text.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 2;
        continue;
      }
      if (regexAllowed()) {
        let j = i + 1;
        let inClass = false;
        while (j < n) {
          const x = text.charCodeAt(j);
          if (x === 10 || x === 13) break;
          if (x === 92) j += 2;
          else {
            if (x === 91) inClass = true;
            else if (x === 93) inClass = false;
            else if (x === 47 && !inClass) break;
            j++;
          }
        }
        j++;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        toks.push({ kind: 'regex', text: '', start: i, end: Math.min(j, n) });
        i = j;
        continue;
      }
    }
    if (c === 39 || c === 34 /* ' " */) {
      let j = i + 1;
      let value = '';
      while (j < n) {
        const x = text.charCodeAt(j);
        if (x === c || x === 10 || x === 13) break;
        if (x === 92) {
          value += text[j + 1] ?? '';
          j += 2;
        } else {
          value += text[j];
          j++;
        }
      }
      if (j >= n || text.charCodeAt(j) !== c) {
        // Unterminated on its line: not a string (an apostrophe in JSX text, say). Read on after the quote.
        i++;
        continue;
      }
      toks.push({ kind: 'string', text: value, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (c === 96 /* ` */) {
      templatePart(i + 1);
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      toks.push({ kind: 'ident', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      toks.push({ kind: 'number', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (c === 46 && text.startsWith('...', i)) {
      toks.push({ kind: 'punct', text: '...', start: i, end: i + 3 });
      i += 3;
      continue;
    }
    if (c === 63 && text.charCodeAt(i + 1) === 46 && !(text.charCodeAt(i + 2) >= 48 && text.charCodeAt(i + 2) <= 57)) {
      // Optional chaining `?.` reads as `.` here.
      toks.push({ kind: 'punct', text: '.', start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125) {
      if (templateDepths.length && templateDepths[templateDepths.length - 1] === depth) {
        templateDepths.pop();
        depth--;
        templatePart(i + 1);
        continue;
      }
      depth--;
    }
    toks.push({ kind: 'punct', text: text[i], start: i, end: i + 1 });
    i++;
  }
  return toks;
}

/** Reads literal values from a token list. */
class Reader {
  constructor(
    private readonly toks: Tok[],
    public pos: number,
  ) {}

  private peek(k = 0): Tok | undefined {
    return this.toks[this.pos + k];
  }

  private isPunct(t: Tok | undefined, p: string): boolean {
    return !!t && t.kind === 'punct' && t.text === p;
  }

  /** Skips an expression: up to a `,` or a closing bracket at this depth. */
  skipExpr(): void {
    let depth = 0;
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos];
      if (t.kind === 'punct') {
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        else if (t.text === ')' || t.text === ']' || t.text === '}') {
          if (depth === 0) return;
          depth--;
        } else if (t.text === ',' && depth === 0) return;
      }
      this.pos++;
    }
  }

  /** Skips a balanced `(…)`, `[…]` or `{…}` starting at the current token. */
  private skipBalanced(): void {
    const open = this.peek()?.text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos++];
      if (t.kind !== 'punct') continue;
      if (t.text === open) depth++;
      else if (t.text === close && --depth === 0) return;
    }
  }

  private atValueEnd(k: number): boolean {
    const t = this.peek(k);
    return !t || (t.kind === 'punct' && (t.text === ',' || t.text === '}' || t.text === ']' || t.text === ')'));
  }

  value(): JsValue {
    const t = this.peek();
    if (!t) return { kind: 'expr' };
    if (this.isPunct(t, '{')) {
      const start = this.pos;
      const v = this.object();
      if (this.atValueEnd(0)) return v;
      this.pos = start;
    } else if (this.isPunct(t, '[')) {
      const start = this.pos;
      const v = this.array();
      if (this.atValueEnd(0)) return v;
      this.pos = start;
    } else if (this.atValueEnd(1)) {
      let lit: JsValue | null = null;
      if (t.kind === 'string') lit = { kind: 'literal', value: t.text };
      else if (t.kind === 'number') lit = { kind: 'literal', value: Number(t.text) };
      else if (t.kind === 'ident') {
        if (t.text === 'true' || t.text === 'false') lit = { kind: 'literal', value: t.text === 'true' };
        else if (t.text === 'null') lit = { kind: 'literal', value: null };
        else if (t.text === 'undefined') lit = { kind: 'literal', value: undefined };
        else lit = { kind: 'expr', name: t.text };
      }
      if (lit) {
        this.pos++;
        return lit;
      }
    }
    this.skipExpr();
    return { kind: 'expr' };
  }

  object(): Extract<JsValue, { kind: 'object' }> {
    const out: Extract<JsValue, { kind: 'object' }> = { kind: 'object', props: [], spread: false };
    const spread = this.items('}', (opaque) => {
      if (opaque) {
        out.opaqueSpread = true;
        return;
      }
      const t = this.peek()!;
      let key: string | null = null;
      if (t.kind === 'ident' || t.kind === 'string' || t.kind === 'number') {
        key = t.text;
        this.pos++;
      } else if (this.isPunct(t, '[')) {
        this.skipBalanced();
      } else {
        // Not an object literal after all (a block, a destructuring pattern): give up on it.
        this.skipExpr();
        out.spread = true;
        out.opaqueSpread = true;
      }
      const next = this.peek();
      if (this.isPunct(next, ':')) {
        this.pos++;
        out.props.push({ key, value: this.value() });
      } else if (this.isPunct(next, ',') || this.isPunct(next, '}')) {
        // Shorthand `{ userId }`: a variable's value.
        if (key !== null) out.props.push({ key, value: { kind: 'expr', name: key } });
      } else {
        // A method, getter or something unreadable: not a plain data property.
        this.skipExpr();
      }
    });
    out.spread ||= spread;
    return out;
  }

  array(): Extract<JsValue, { kind: 'array' }> {
    const out: Extract<JsValue, { kind: 'array' }> = { kind: 'array', items: [], spread: false };
    out.spread = this.items(']', (opaque) => {
      if (!opaque) out.items.push(this.value());
    });
    return out;
  }

  /**
   * Reads the comma-separated entries of a literal opened at the current token (`{` or `[`) up to
   * `close`, each with `entry`; spreads are skipped (`entry(true)` is told of one that is not
   * parenthesised). Returns whether there was a spread.
   */
  private items(close: string, entry: (opaqueSpread?: true) => void): boolean {
    let spread = false;
    this.pos++; // the opening bracket
    while (this.pos < this.toks.length) {
      const t = this.peek()!;
      if (this.isPunct(t, close)) {
        this.pos++;
        return spread;
      }
      if (this.isPunct(t, ',')) {
        this.pos++;
        continue;
      }
      const before = this.pos;
      if (this.isPunct(t, '...')) {
        spread = true;
        this.pos++;
        // `...(cond && { … })` adds entries conditionally; `...base` may bring anything.
        if (!this.isPunct(this.peek(), '(')) entry(true);
        this.skipExpr();
      } else entry();
      // Always move on, whatever the entry made of it.
      if (this.pos === before) this.pos++;
    }
    return spread;
  }
}

/**
 * The Prisma Client query calls of one file: `<receiver>.<accessor>.<method>(` with `method` one of
 * `QUERY_METHODS`. `isAccessor` says which names are model accessors (`post` for model `Post`).
 */
export function findPrismaCalls(text: string, isAccessor: (name: string) => boolean): PrismaCall[] {
  if (text.length > MAX_CODE_FILE_CHARS || !PREFILTER.test(text)) return [];
  const toks = tokenize(text);
  const calls: PrismaCall[] = [];
  for (let i = 3; i < toks.length - 1; i++) {
    const m = toks[i];
    if (m.kind !== 'ident' || !QUERY_METHODS.has(m.text)) continue;
    const open = toks[i + 1];
    if (open.kind !== 'punct' || open.text !== '(') continue;
    const dot = toks[i - 1];
    const acc = toks[i - 2];
    const dot2 = toks[i - 3];
    if (dot.kind !== 'punct' || dot.text !== '.' || acc.kind !== 'ident' || dot2.kind !== 'punct' || dot2.text !== '.') continue;
    if (!isAccessor(acc.text)) continue;
    let args: PrismaCall['args'] = null;
    const first = toks[i + 2];
    if (first && first.kind === 'punct' && first.text === '{') {
      const v = new Reader(toks, i + 2).value();
      if (v.kind === 'object') args = v;
    } else if (first?.kind === 'ident') {
      // `findMany(args)` with `const args = { … }` above.
      const v = new Reader(toks, i + 2).value();
      const decl = v.kind === 'expr' && v.name ? constObject(toks, i, v.name) : null;
      if (decl) args = decl;
    }
    if (args) {
      // `{ where, … }` / `{ where: filter, … }` with `const where = { … }` above.
      const w = args.props.find((p) => p.key === 'where');
      if (w && w.value.kind === 'expr' && w.value.name) {
        const decl = constObject(toks, i, w.value.name);
        if (decl) w.value = decl;
      }
    }
    calls.push({ accessor: acc.text, method: m.text, start: acc.start, end: m.end, args });
  }
  return calls;
}

/** How far back (in tokens) a call looks for the `const` that defines its argument. */
const MAX_DECL_DISTANCE = 4000;

/**
 * The object literal of the nearest `const name = { … }` (or `const name: Type = { … }`) before token
 * `before`, or null. Only `const`: a `let` may be reassigned before the call.
 */
function constObject(toks: Tok[], before: number, name: string): Extract<JsValue, { kind: 'object' }> | null {
  for (let k = before - 1; k > 0 && k >= before - MAX_DECL_DISTANCE; k--) {
    const t = toks[k];
    if (t.kind !== 'ident' || t.text !== name || toks[k - 1].kind !== 'ident' || toks[k - 1].text !== 'const') continue;
    if (!inScope(toks, k, before)) continue;
    // Past a type annotation to `=`, at this nesting depth.
    let j = k + 1;
    let depth = 0;
    for (; j < before; j++) {
      const x = toks[j];
      if (x.kind !== 'punct') continue;
      if (x.text === '(' || x.text === '[' || x.text === '{' || x.text === '<') depth++;
      else if (x.text === ')' || x.text === ']' || x.text === '}' || x.text === '>') depth--;
      else if (x.text === '=' && depth === 0) break;
      else if ((x.text === ';' || x.text === ',') && depth === 0) return null;
    }
    const open = toks[j + 1];
    if (j >= before || !open || open.kind !== 'punct' || open.text !== '{') return null;
    const r = new Reader(toks, j + 1);
    const v = r.object();
    // The declaration is the literal alone (`const where = { … };`), not `{ … }.x` or `{ … } as X` mixed in an expression.
    const after = toks[r.pos];
    if (after && after.kind === 'punct' && after.text !== ';' && after.text !== ',' && after.text !== '}' && after.text !== ')') return null;
    return v;
  }
  return null;
}

/** Whether a declaration at token `k` is visible at token `at`: no block that holds it closes in between. */
function inScope(toks: Tok[], k: number, at: number): boolean {
  let depth = 0;
  for (let j = k; j < at; j++) {
    const x = toks[j];
    if (x.kind !== 'punct') continue;
    if (x.text === '{') depth++;
    else if (x.text === '}' && --depth < 0) return false;
  }
  return true;
}

/** A property of an object literal by name (the last one wins, as in JavaScript). */
export function prop(obj: JsValue | undefined, key: string): JsValue | undefined {
  if (!obj || obj.kind !== 'object') return undefined;
  let found: JsValue | undefined;
  for (const p of obj.props) if (p.key === key) found = p.value;
  return found;
}
