/**
 * PostgreSQL's lexical classes and the trivia (whitespace, comments) between tokens, shared by the
 * SQL modules that read source text without the parser (statement extents, view elision, the rules'
 * name searches).
 */

/** Whether a UTF-16 code unit can start a bare identifier (letters, `_`, non-ASCII). */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

/** Whether a UTF-16 code unit continues a bare identifier (letters, digits, `_`, `$`, non-ASCII). */
export function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36; /* $ */
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End of the nested block comment opened at `i`; -1 if unterminated. */
export function blockCommentEnd(text: string, i: number): number {
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

/** Skips whitespace and SQL comments (`--`, nested block comments) from `i`. */
export function skipTrivia(text: string, i: number, end = text.length): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) i++;
    else if (c === 45 /* - */ && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? end : nl + 1;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = blockCommentEnd(text, i);
      i = close < 0 ? end : close;
    } else break;
  }
  return Math.min(i, end);
}
