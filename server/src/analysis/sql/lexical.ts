/**
 * PostgreSQL's lexical classes and the trivia (whitespace, comments) between tokens, shared by the
 * SQL modules that read source text without the parser (statement extents, view elision, the rules'
 * name searches).
 */

/** Whether a UTF-16 code unit can start a bare identifier (letters, `_`, non-ASCII). */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

/**
 * A name as PostgreSQL keeps it: at most its first 63 bytes of UTF-8 (NAMEDATALEN - 1), never cutting a
 * character. Its parser cuts longer identifiers so; Prisma and PostgreSQL's default constraint and
 * index names are cut the same way.
 */
export function truncateIdentifier(name: string): string {
  let bytes = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.codePointAt(i)!;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + size > 63) return name.slice(0, i);
    bytes += size;
    if (c >= 0x10000) i++;
  }
  return name;
}

/** Whether a UTF-16 code unit continues a bare identifier (letters, digits, `_`, `$`, non-ASCII). */
export function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36; /* $ */
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End of the nested block comment opened at `i`; -1 if unterminated. */
function blockCommentEnd(text: string, i: number): number {
  const n = text.length;
  let depth = 1;
  let j = i + 2;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 47 /* / */ && text.charCodeAt(j + 1) === 42 /* * */) {
      depth++;
      j += 2;
    } else if (c === 42 && text.charCodeAt(j + 1) === 47) {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  return -1;
}

/** The dollar-quote delimiter (`$$`, `$tag$`) starting at `i`, or null. */
export function dollarDelimiter(text: string, i: number): string | null {
  let j = i + 1;
  if (text.charCodeAt(j) === 36) return '$$';
  if (!isIdentStart(text.charCodeAt(j))) return null;
  j++;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 36) return text.slice(i, j + 1);
    if (!(isIdentStart(c) || isDigit(c))) return null;
    j++;
  }
  return null;
}

/** End of the quoted string or identifier opened by `quote` at `i` (doubled quotes stay inside); -1 if unterminated. */
export function quotedEnd(text: string, i: number, quote: string): number {
  let j = text.indexOf(quote, i + 1);
  while (j >= 0 && text[j + 1] === quote) j = text.indexOf(quote, j + 2);
  return j < 0 ? -1 : j + 1;
}

/**
 * The body of an escape string (`E'…'`) after its opening quote, through its closing quote. The body
 * is matched whole inside a lookahead (which never backtracks), so an unterminated string does not
 * match by ending at the first quote of a doubled `''`.
 */
const ESCAPE_STRING_BODY = /(?=((?:[^'\\]|\\[\s\S]|'')*))\1'/y;

/**
 * End of the lexeme that starts at `i` and can hide anything else (a `;`, a keyword), as PostgreSQL's
 * scanner reads it; `text[i]` is one of `'`, `"`, `$`, or the start of `--` or `/*`:
 * - a string: `E'…'` (the `E` a token of its own) takes backslash escapes, every other string does not;
 * - a quoted identifier;
 * - a dollar-quoted string (`$$…$$`, `$tag$…$tag$`); any other `$` (a parameter `$1`, a letter inside
 *   an identifier `a$b`) is one character. A `$` right after a number or parameter (`1$$`, `$1$$`) is
 *   one character too, where PostgreSQL 15+ rejects the junk after the number (older versions read a
 *   dollar quote there): `elide.ts`, which must agree with the parser, refuses such text;
 * - a line comment, which ends at a newline (`\n` or `\r`, not included);
 * - a block comment, nested ones included.
 * -1 when the string, identifier, dollar quote or block comment is not terminated.
 */
export function lexemeEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 39 /* ' */) {
    const escape = i > 0 && (text.charCodeAt(i - 1) | 0x20) === 101 /* e */ && !(i > 1 && isIdentCont(text.charCodeAt(i - 2)));
    if (!escape) return quotedEnd(text, i, "'");
    ESCAPE_STRING_BODY.lastIndex = i + 1;
    return ESCAPE_STRING_BODY.test(text) ? ESCAPE_STRING_BODY.lastIndex : -1;
  }
  if (c === 34 /* " */) return quotedEnd(text, i, '"');
  if (c === 36 /* $ */) {
    const delimiter = i > 0 && isIdentCont(text.charCodeAt(i - 1)) ? null : dollarDelimiter(text, i);
    if (!delimiter) return i + 1;
    const close = text.indexOf(delimiter, i + delimiter.length);
    return close < 0 ? -1 : close + delimiter.length;
  }
  if (c === 45 /* - */) {
    let j = i + 2;
    while (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
    return j;
  }
  return blockCommentEnd(text, i);
}

/** Skips whitespace and SQL comments (`--`, nested block comments) from `i`. */
export function skipTrivia(text: string, i: number, end = text.length): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) i++;
    else if ((c === 45 /* - */ && text.charCodeAt(i + 1) === 45) || (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */)) {
      // A comment (`lexemeEnd`: a line comment ends before its line break, a block comment may nest).
      const close = lexemeEnd(text, i);
      i = close < 0 ? end : close;
    } else break;
  }
  return Math.min(i, end);
}
