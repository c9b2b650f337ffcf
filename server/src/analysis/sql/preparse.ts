/**
 * Parsing a migration file in two halves: the expensive half (libpg-query's parse of the whole file
 * and the PL/pgSQL parse of each function body / DO block) can run anywhere — on a worker thread,
 * say — and its result, a `SqlPreParse`, is handed to `parseSqlFile`, which does the cheap half
 * (statement extents, positions, errors) exactly as if it had called the parser itself.
 *
 * This module is pure and does not load the parser itself: it is passed in (`PgBinding`), so the
 * in-thread path (`preParseSql` in `parse.ts`) and a worker share one definition of a pre-parse.
 */
import { Utf8OffsetMap } from '../text';
import { planViewElision, type ViewElision } from './elide';
import { skipTrivia } from './lexical';
import { decodeSplit, decodeSplitTree, type Reparse, type SplitField, type SplitTree } from './lazy-json';
import type { PgBinding } from './pg';

/** Files above this size are not parsed (reported instead): migrations are never this large. */
export const MAX_SQL_FILE_BYTES = 5 * 1024 * 1024;

/** A libpg-query AST node (the JSON shape of PostgreSQL's parse nodes). Kept loose on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = any;

/** One top-level statement of libpg-query's parse result. */
export interface RawStmt {
  stmt: PgNode;
  stmt_location?: number;
  stmt_len?: number;
}

/** libpg-query's parse result for a whole file (`parseSync(text)`): the JSON parse tree. */
export interface RawParseTree {
  version?: number;
  stmts?: RawStmt[];
}

/**
 * The parser's work on one file's text, done ahead of `parseSqlFile` (possibly on another thread).
 * Only a file that parses as a whole has one: a file with syntax errors is parsed (and recovered)
 * in-thread by `parseSqlFile`.
 */
export interface SqlPreParse {
  /** The exact text it was made from (`parseSqlFile` ignores a pre-parse of another text). */
  text: string;
  /** `parseSync(sqlSource(text))`, or of its placeholder substitution when `placeholders` is set. */
  tree: RawParseTree;
  /** The file parsed only after its placeholders (`:NAME`, `{{ … }}`) were turned into identifiers. */
  placeholders: boolean;
  /**
   * Statement index → outcome of `parsePlPgSQLSync(statement text + ';')` for every statement whose
   * PL/pgSQL body is checked (`isPlpgsqlBody`): the parser's error message, or null when it parsed.
   */
  plpgsql: ReadonlyMap<number, string | null>;
}

/** What the parser reads for a file's text: a BOM becomes a space (same UTF-16 length, positions unchanged). */
export function sqlSource(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

/**
 * Placeholders a tool substitutes before it runs a file, as identifiers of the same length (positions
 * stay exact): psql / graphile-migrate variables (`:DATABASE_OWNER` → `_DATABASE_OWNER`, not touching
 * `::casts`) and one-line `{{ … }}` templates (Go templates of supabase/auth, gobuffalo/pop, Jinja):
 * `{{ index .Options "Namespace" }}.users` → `tpl_index_Options_Namespace_____.users`.
 */
export function substitutePlaceholders(text: string): string {
  return text
    .replace(/(^|[^:\w]):([A-Za-z_][A-Za-z0-9_]*)\b/g, (_m, pre: string, name: string) => `${pre}_${name}`)
    .replace(/\{\{[\x20-\x7e]*?\}\}/g, (m) => `tpl_${m.slice(2, -2).replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')}`.slice(0, m.length).padEnd(m.length, '_'));
}

/** The node kind of a raw statement (`CreateStmt`, …). */
export function stmtKind(raw: RawStmt): string {
  const s = raw.stmt;
  if (s) for (const k in s) return k;
  return 'Unknown';
}

function isSpaceOrSemicolon(c: number): boolean {
  // What /[\s;]/ matches, for the characters a statement can end with.
  return c === 59 || c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * UTF-16 extent of a statement from its UTF-8 byte extent: without leading comments/whitespace,
 * without trailing whitespace and `;`.
 */
export function statementExtent(text: string, utf8: Utf8OffsetMap, byteStart: number, byteEnd: number): { start: number; end: number } {
  let start = utf8.toUtf16(byteStart);
  let end = utf8.toUtf16(byteEnd);
  start = skipTrivia(text, start, end);
  while (end > start && isSpaceOrSemicolon(text.charCodeAt(end - 1))) end--;
  return { start, end };
}

/** Whether a statement's body is PL/pgSQL that `parseSqlFile` checks (a `LANGUAGE plpgsql` function with a body, or a `DO` block). */
export function isPlpgsqlBody(kind: string, node: PgNode): boolean {
  if (kind === 'CreateFunctionStmt') {
    const options: PgNode[] = node.options ?? [];
    const lang = options.find((o: PgNode) => o.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval;
    if (!(typeof lang === 'string' && lang.toLowerCase() === 'plpgsql')) return false;
    return options.some((o: PgNode) => o.DefElem?.defname === 'as');
  }
  if (kind === 'DoStmt') {
    const lang = (node.args ?? []).find((o: PgNode) => o.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval;
    return !lang || lang.toLowerCase() === 'plpgsql';
  }
  return false;
}

/** The source `parseSqlFile` hands the PL/pgSQL parser for a statement. */
export function plpgsqlSource(statementText: string): string {
  return `${statementText};`;
}

/**
 * The parser's JSON for a whole file (`src`, from `sqlSource`), split (`lazy-json.ts`), its long view
 * queries deferred (`elide.ts`). graphile-migrate (and psql) substitute `:NAME` placeholders before
 * running a file: one that does not parse as written is retried with them turned into identifiers of
 * the same length, so positions stay exact. Throws the error of the file as written. `tree`, when
 * set, is `decodeSplit(split, …)` already made (the elision is checked on it). `utf8Of`: the caller's
 * (lazily made) `Utf8OffsetMap` of `src`, if it has one; it also maps the substituted text (ASCII for
 * ASCII).
 */
export function parseFileJson(pg: PgBinding, src: string, utf8Of = (): Utf8OffsetMap => new Utf8OffsetMap(src)): { split: SplitTree; tree?: RawParseTree; placeholders: boolean } {
  try {
    return { ...parseDeferringViews(pg, src, utf8Of), placeholders: false };
  } catch (e) {
    const substituted = substitutePlaceholders(src);
    if (substituted === src) throw e;
    try {
      return { ...parseDeferringViews(pg, substituted, utf8Of), placeholders: true };
    } catch {
      throw e;
    }
  }
}

let reparses = 0;

/**
 * How many deferred view queries have been parsed in this process (`reparseWith`). Deferring pays
 * only while the rules leave them unread: tests watch this count.
 */
export function deferredReparses(): number {
  return reparses;
}

/** `' '.repeat(pad) + text` parsed, for a deferred field (`DeferredParse`). */
export function reparseWith(pg: PgBinding): Reparse {
  return (d) => {
    reparses++;
    return decodeSplit(pg.parseSplit(' '.repeat(d.pad) + d.text));
  };
}

/**
 * `pg.parseSplit(src)`, or, when `src` has long view queries (`planViewElision`), the parse of `src`
 * with those queries elided: each view statement is checked by the grammar as written, and its
 * `query` becomes a deferred field. The elided parse is used only when the parser agrees with the
 * scanner on every statement (count, and each view's kind, start and end); anything else parses `src`
 * as written. Throws what parsing `src` throws.
 */
function parseDeferringViews(pg: PgBinding, src: string, utf8Of: () => Utf8OffsetMap): { split: SplitTree; tree?: RawParseTree } {
  const plan = planViewElision(src);
  const elided = plan && elidedParse(pg, src, plan, utf8Of());
  return elided ?? { split: pg.parseSplit(src) };
}

function elidedParse(pg: PgBinding, src: string, plan: ViewElision, utf8: Utf8OffsetMap): { split: SplitTree; tree: RawParseTree } | null {
  const deferred: SplitField[] = [];
  try {
    for (const v of plan.views) {
      const text = src.slice(v.start, v.end);
      // The grammar's verdict on the statement as written. Normalizing only replaces constants: a
      // statement that parses comes back starting with its own head (an error message never does).
      if (!pg.normalize(text).startsWith(src.slice(v.start, v.queryStart))) return null;
      deferred.push([v.index, 'query', { pad: utf8.toUtf8(v.start), text }]);
    }
    const split = pg.parseSplit(plan.text);
    split.fields.push(...deferred);
    const tree = decodeSplitTree(split, reparseWith(pg));
    const stmts = tree?.stmts;
    if (!stmts || stmts.length !== plan.statements) return null;
    for (const v of plan.views) {
      const raw = stmts[v.index];
      const kind = stmtKind(raw);
      if (kind !== 'ViewStmt' && kind !== 'CreateTableAsStmt') return null;
      const location = raw.stmt_location ?? 0;
      if (location !== utf8.toUtf8(v.start)) return null;
      // A statement that runs to the end of the text has no length; any other ends at its `;`.
      if (raw.stmt_len ? location + raw.stmt_len !== utf8.toUtf8(v.end) : v.end !== src.length) return null;
    }
    return { split, tree: tree! };
  } catch {
    return null;
  }
}

/** A whole-file pre-parse before decoding: the parser's JSON, split (see `SqlPreParse` for the rest). */
export interface PreParsedJson {
  split: SplitTree;
  /** The tree, when it was decoded already (to check PL/pgSQL bodies, or view queries were deferred): `decodeSplit(split, …)`. */
  tree?: RawParseTree;
  placeholders: boolean;
  plpgsql: Map<number, string | null>;
}

/**
 * Pre-parses one file with `pg`: the whole-file parse (retried with placeholders substituted, as
 * `parseSqlFile` does) and the PL/pgSQL check of each body. Null when the file must be parsed
 * in-thread by `parseSqlFile`: empty, with NUL bytes, above `maxBytes`, or with a syntax error (the
 * recovery parses statement by statement).
 */
export function preParseJson(text: string, pg: PgBinding, maxBytes = MAX_SQL_FILE_BYTES): PreParsedJson | null {
  if (!text || text.includes('\u0000')) return null;
  const src = sqlSource(text);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most files need no count.
  if (src.length * 3 > maxBytes && Buffer.byteLength(src, 'utf8') > maxBytes) return null;
  let split: SplitTree;
  let placeholders: boolean;
  let tree: RawParseTree | undefined;
  // Made when first needed (view elision, PL/pgSQL bodies), once.
  let utf8: Utf8OffsetMap | null = null;
  const utf8Of = (): Utf8OffsetMap => (utf8 ??= new Utf8OffsetMap(src));
  try {
    ({ split, tree, placeholders } = parseFileJson(pg, src, utf8Of));
  } catch {
    return null;
  }
  const plpgsql = new Map<number, string | null>();
  // A statement with a body to check is a CreateFunctionStmt or a DoStmt: its node key is in the
  // skeleton (a string value that merely mentions one costs a needless decode, nothing else).
  if (split.json.includes('"CreateFunctionStmt"') || split.json.includes('"DoStmt"')) {
    tree ??= decodeSplit(split, reparseWith(pg));
    const stmts = tree.stmts ?? [];
    for (let index = 0; index < stmts.length; index++) {
      const raw = stmts[index];
      const kind = stmtKind(raw);
      if (!isPlpgsqlBody(kind, raw.stmt?.[kind] ?? {})) continue;
      const map = utf8Of();
      const bStart = raw.stmt_location ?? 0;
      const bEnd = raw.stmt_len ? bStart + raw.stmt_len : map.byteLength;
      const { start, end } = statementExtent(text, map, bStart, bEnd);
      plpgsql.set(index, plpgsqlOutcome(pg, plpgsqlSource(text.slice(start, end))));
    }
  }
  return { split, tree, placeholders, plpgsql };
}

/** `null` when PL/pgSQL source parses, else the parser's message. */
export function plpgsqlOutcome(pg: PgBinding, src: string): string | null {
  try {
    pg.plpgsqlJson(src);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
