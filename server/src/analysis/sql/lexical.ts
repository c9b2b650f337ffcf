/**
 * PostgreSQL's lexical classes and the trivia (whitespace, comments) between tokens, shared by the
 * SQL modules that read source text without the parser (statement extents, view elision, the rules'
 * name searches).
 */

/** Whether a UTF-16 code unit can start a bare identifier (letters, `_`, non-ASCII). */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

/** NAMEDATALEN - 1: the most bytes of UTF-8 PostgreSQL keeps of a name. */
const MAX_NAME_BYTES = 63;

/** Bytes of UTF-8 of a code point. */
function utf8Size(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/** The longest prefix of `s` of at most `max` bytes of UTF-8, never cutting a character (`pg_mbcliplen`). */
export function clipUtf8(s: string, max: number): string {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    const size = utf8Size(c);
    if (bytes + size > max) return s.slice(0, i);
    bytes += size;
    if (c >= 0x10000) i++;
  }
  return s;
}

/** Length of `s` in bytes of UTF-8. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    bytes += utf8Size(c);
    if (c >= 0x10000) i++;
  }
  return bytes;
}

/**
 * A name as PostgreSQL keeps it: at most its first 63 bytes of UTF-8 (NAMEDATALEN - 1), never cutting a
 * character. Its parser cuts longer identifiers so (a `CREATE TABLE` of a long name, Prisma's implicit
 * many-to-many tables). Generated names are cut otherwise: `pgObjectName`, `prismaIndexName`.
 */
export function truncateIdentifier(name: string): string {
  return clipUtf8(name, MAX_NAME_BYTES);
}

/**
 * The name PostgreSQL generates for an object from `name1` (the table), `name2` (column names, or
 * null) and `label` (`pkey`, `key`, `fkey`, `idx`, `check`, …), as its `makeObjectName` does:
 * `name1_name2_label`, where, when that is over 63 bytes, the longer of name1 and name2 is cut first
 * (byte by byte, never half a character), so the label always survives.
 */
export function pgObjectName(name1: string, name2: string | null, label: string | null): string {
  const overhead = (name2 !== null ? 1 : 0) + (label !== null ? utf8Length(label) + 1 : 0);
  const available = MAX_NAME_BYTES - overhead;
  let chars1 = utf8Length(name1);
  let chars2 = name2 !== null ? utf8Length(name2) : 0;
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) chars1--;
    else chars2--;
  }
  let name = clipUtf8(name1, chars1);
  if (name2 !== null) name += `_${clipUtf8(name2, chars2)}`;
  if (label !== null) name += `_${label}`;
  return name;
}

/**
 * The column part of a generated index or constraint name (PostgreSQL's `ChooseIndexNameAddition` and
 * `ChooseForeignKeyConstraintNameAddition`): the names joined with `_`, stopping once 64 bytes are
 * reached (more can never be kept).
 */
export function pgNameAddition(columns: readonly string[]): string {
  let out = '';
  let bytes = 0;
  for (const c of columns) {
    if (out) {
      out += '_';
      bytes++;
    }
    const part = clipUtf8(c, MAX_NAME_BYTES);
    out += part;
    bytes += utf8Length(part);
    if (bytes >= MAX_NAME_BYTES + 1) break;
  }
  return out;
}

/**
 * `pgObjectName` made unique as PostgreSQL's `ChooseRelationName` / `ChooseConstraintName` do: while
 * the name is `taken`, the label gets a number (`t_a_idx1`, `t_a_idx2`, …).
 */
export function choosePgName(name1: string, name2: string | null, label: string, taken: (name: string) => boolean): string {
  let name = pgObjectName(name1, name2, label);
  for (let pass = 1; taken(name) && pass < 10_000; pass++) name = pgObjectName(name1, name2, `${label}${pass}`);
  return name;
}

/**
 * The name Prisma gives an `@@index` (or `@@unique`, with `_key`) it creates without an explicit name:
 * `table_col1_col2`, cut to 63 bytes less the suffix's when it reaches that length, then the suffix (so a suggested
 * index with this name is the one `prisma migrate` expects: no rename follows).
 */
export function prismaIndexName(table: string, columns: readonly string[], suffix: '_idx' | '_key' = '_idx'): string {
  const joined = `${table}_${columns.join('_')}`;
  const limit = MAX_NAME_BYTES - suffix.length;
  return `${utf8Length(joined) >= limit ? clipUtf8(joined, limit) : joined}${suffix}`;
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

const MASK_START = /--|\/\*|["'$]/g;

/** `s` with every character but line breaks replaced by a space (same length, same lines). */
function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/**
 * Replaces comments — and with `strings`, string literals and dollar-quoted bodies — by spaces (same
 * length and lines) for keyword searches; quoted identifiers stay. Lexemes are read as PostgreSQL
 * does (`lexemeEnd`: escape strings, nested comments, `$` inside identifiers); an unterminated one
 * runs to the end of the text.
 */
export function maskLexemes(text: string, strings: boolean): string {
  const parts: string[] = [];
  /** `text[copied, …)` is not in `parts` yet (copied as is up to the next masked stretch). */
  let copied = 0;
  const mask = (from: number, to: number): void => {
    if (to <= from) return;
    parts.push(text.slice(copied, from), blank(text.slice(from, to)));
    copied = to;
  };
  const re = MASK_START;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    const end = lexemeEnd(text, i);
    const next = end < 0 ? text.length : end;
    if (c === 45 /* - */ || c === 47 /* / */) mask(i, next);
    else if (!strings) {
      // strings and bodies are skipped as they are
    } else if (c === 39 /* ' */) mask(i + 1, end < 0 ? next : next - 1);
    else if (c === 36 /* $ */ && next > i + 1) {
      const delimiter = dollarDelimiter(text, i)!.length;
      mask(i + delimiter, end < 0 ? next : next - delimiter);
    }
    re.lastIndex = next;
  }
  if (!parts.length) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
