/**
 * View queries, parsed only when read.
 *
 * A view's (or materialized view's) query is most of a view-heavy migration set (civitai: 57% of the
 * SQL, 62% of the parser's JSON), and no rule reads it: the catalog replay and the rules look at the
 * view's name, `replace` flag and options. Turning that query into JSON costs the parser more than
 * checking it: PostgreSQL's grammar still checks every view here (`PgBinding.check`), but the file is
 * parsed with each long view query replaced by `SELECT 1` padded with spaces to the same UTF-8
 * length, so every byte location in the tree is the one the real text has. The view's `query` field
 * then parses the view statement on its own when first read (`lazy-json.ts`), at the same byte
 * locations, so the tree reads exactly like the parse of the real text.
 *
 * This module finds those queries with a scanner that follows PostgreSQL's lexical rules for what can
 * hide a `;` (quoted strings and identifiers, escape strings, dollar quotes, nested comments). It is
 * pure; `preparse.ts` uses it and checks the result against the parser (statement count, kinds and
 * ends), falling back to parsing the text as written on any disagreement.
 */
import { isDigit, isIdentCont, isIdentStart, lexemeEnd, quotedEnd, skipTrivia } from './lexical';

/** One view statement whose query is elided. Offsets are UTF-16, in the text given to `planViewElision`. */
export interface ElidedView {
  /** Index of the statement among the text's non-empty statements (the parser's `stmts` index). */
  index: number;
  /** The statement's first token. */
  start: number;
  /** The statement's end: its `;`, or the end of the text. */
  end: number;
  /** Start of the elided query (just after the top-level `AS`). */
  queryStart: number;
}

export interface ViewElision {
  /** The text to parse: each elided query replaced by ` SELECT 1` and spaces, same UTF-8 byte length. */
  text: string;
  /** Non-empty top-level statements the scanner found. */
  statements: number;
  views: ElidedView[];
}

/** Queries shorter than this are left in place: parsing them costs less than checking them apart. */
const MIN_ELIDED_QUERY_CHARS = 256;

const REPLACEMENT = ' SELECT 1';

/** Whether `text[start, end)` is the keyword `word` (lower-case ASCII), in any case. */
function isWord(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Whether the statement at `i` (its first token) creates a view or a materialized view (keywords only, no comments between them). */
const VIEW_HEAD = /create\s+(?:or\s+replace\s+)?(?:temp\s+|temporary\s+|materialized\s+)?view\b/iy;

/**
 * What may end a statement or hide a `;`: the scanner stops only at these. `statementEnds` recovers
 * where a match starts from its end (one character, or two when the last is the `-` of `--` or the `*`
 * of `/*`): a new alternative must keep that readable.
 */
const SIGNIFICANT = /[;'"$]|--|\/\*/g;

/** Whether the identifier-like run of characters ending just before `i` is a word (not a number). */
function wordBefore(text: string, i: number): boolean {
  let j = i;
  while (j > 0 && isIdentCont(text.charCodeAt(j - 1))) j--;
  return j < i && !isDigit(text.charCodeAt(j));
}

/**
 * Top-level statement ends (offsets of `;`, then the text's length) in `src`, skipping quoted
 * strings and identifiers, escape strings, dollar quotes and comments as PostgreSQL's scanner does.
 * Null on what this does not follow (an unterminated quote or comment, a `$` after a number).
 */
function statementEnds(src: string): number[] | null {
  const ends: number[] = [];
  const re = SIGNIFICANT;
  re.lastIndex = 0;
  // test(), not exec(): no match array per stop (view-heavy files have thousands). A match is one
  // character, or two when it ends with the `-` of `--` or the `*` of `/*`.
  while (re.test(src)) {
    const after = re.lastIndex;
    const last = src.charCodeAt(after - 1);
    const i = last === 45 /* - */ || last === 42 /* * */ ? after - 2 : after - 1;
    const c = src.charCodeAt(i);
    let next: number;
    if (c === 59 /* ; */) {
      ends.push(i);
      next = i + 1;
    } else if (c === 36 /* $ */ && i > 0 && isIdentCont(src.charCodeAt(i - 1)) && !wordBefore(src, i)) {
      // Inside an identifier (`a$b`) a `$` is a letter; after a number, PostgreSQL's reading is not followed here.
      return null;
    } else next = lexemeEnd(src, i);
    if (next < 0) return null;
    re.lastIndex = next;
  }
  ends.push(src.length);
  return ends;
}

/**
 * End of the first top-level `AS` keyword in a view statement's head, from `i` (after the `VIEW`
 * keyword) up to `end`; -1 when there is none or the head has anything unusual (a dollar quote).
 */
function headAsEnd(src: string, i: number, end: number): number {
  let depth = 0;
  while ((i = skipTrivia(src, i, end)) < end) {
    const c = src.charCodeAt(i);
    if (c === 39 || c === 34) {
      i = quotedEnd(src, i, src[i]);
      if (i < 0) return -1;
    } else if (c === 36) return -1;
    else if (c === 40) {
      depth++;
      i++;
    } else if (c === 41) {
      depth--;
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && isIdentCont(src.charCodeAt(j))) j++;
      if (depth === 0 && isWord(src, i, j, 'as')) return j;
      // A string right after a one-letter word (E'…', B'…') would be a constant in the head: not followed.
      if (src.charCodeAt(j) === 39) return -1;
      i = j;
    } else i++;
  }
  return -1;
}

/** `WITH [NO] DATA` / `WITH … CHECK OPTION` near the end of a view statement: fields of its own, kept. */
const TRAILING_CLAUSE = /\b(?:data|option)\b/i;

/**
 * The view statements of `src` (a whole migration file) whose query can be elided, and the text to
 * parse instead. Null when there is nothing to elide, or when the text has anything the scanner does
 * not follow (an unterminated quote or comment, a `BEGIN ATOMIC` body): the text is then parsed as
 * written.
 */
export function planViewElision(src: string): ViewElision | null {
  if (!/view/i.test(src) || /\batomic\b/i.test(src)) return null;
  const ends = statementEnds(src);
  if (!ends) return null;
  const views: ElidedView[] = [];
  let statements = 0;
  let from = 0;
  for (const end of ends) {
    const start = skipTrivia(src, from, end);
    from = end + 1;
    if (start >= end) continue;
    const index = statements++;
    VIEW_HEAD.lastIndex = start;
    if (!VIEW_HEAD.test(src)) continue;
    const queryStart = headAsEnd(src, VIEW_HEAD.lastIndex, end);
    if (queryStart < 0 || end - queryStart < MIN_ELIDED_QUERY_CHARS) continue;
    if (TRAILING_CLAUSE.test(src.slice(Math.max(queryStart, end - 200), end))) continue;
    views.push({ index, start, end, queryStart });
  }
  if (!views.length) return null;
  const parts: string[] = [];
  let at = 0;
  for (const v of views) {
    const bytes = Buffer.byteLength(src.slice(v.queryStart, v.end), 'utf8');
    parts.push(src.slice(at, v.queryStart), REPLACEMENT, ' '.repeat(bytes - REPLACEMENT.length));
    at = v.end;
  }
  parts.push(src.slice(at));
  return { text: parts.join(''), statements, views };
}
