/**
 * PostgreSQL parsing through libpg-query (the real parser compiled to WASM). The module loads
 * asynchronously once (`ensureSqlParser()`); after that every function here is synchronous.
 *
 * libpg-query reports `stmt_location`, `stmt_len` and node `location`s in UTF-8 bytes; we convert them
 * to UTF-16 string offsets once per file with `Utf8OffsetMap`, and to LSP positions with `LineIndex`.
 */
import type { ScanToken } from 'libpg-query';
import { LineIndex, Utf8OffsetMap } from '../text';
import { decodeSplit, type Reparse } from './lazy-json';
import { loadPgBinding, type PgBinding } from './pg';
import type { Range } from '../types';
import {
  MAX_SQL_FILE_BYTES,
  isPlpgsqlBody,
  parseFileJson,
  plpgsqlOutcome,
  plpgsqlSource,
  preParseJson,
  reparseWith,
  sqlSource,
  statementExtent,
  stmtKind,
  substitutePlaceholders,
  type PgNode,
  type RawParseTree,
  type RawStmt,
  type SqlPreParse,
} from './preparse';
import { skipTrivia } from './lexical';

export { MAX_SQL_FILE_BYTES, substitutePlaceholders, type PgNode, type SqlPreParse };

let loaded = false;
let loading: Promise<void> | null = null;
let pg: PgBinding;

/** Loads the WASM parser once. Front ends await this at startup; the analysis itself is synchronous. */
export function ensureSqlParser(): Promise<void> {
  if (loaded) return Promise.resolve();
  if (!loading) {
    loading = loadPgBinding().then((binding) => {
      pg = binding;
      loaded = true;
    });
  }
  return loading;
}

export function isSqlParserLoaded(): boolean {
  return loaded;
}

export interface SqlStatement {
  /** Index in the file. */
  index: number;
  /** The statement node kind, e.g. `CreateStmt`, `AlterTableStmt`. */
  kind: string;
  /** The inner node (`stmt[kind]`). */
  node: PgNode;
  /** UTF-16 offsets of the statement text, without leading comments/whitespace, without the `;`. */
  start: number;
  end: number;
  /** Offset just after the terminating `;` (or `end` when there is none). */
  endWithSemicolon: number;
  range: Range;
  text: string;
  /** Byte offset in the file that node `location`s are relative to (0 unless the file was split). */
  byteBase: number;
  /** UTF-8 byte offset of `start` in the file (`byteBase + location - byteStart` is a node's byte offset in `text`). */
  byteStart: number;
}

export interface SqlParseError {
  message: string;
  /** UTF-16 offsets. */
  start: number;
  end: number;
  range: Range;
  /** 'syntax' (the SQL parser), 'plpgsql' (a function body or DO block), 'file' (not parsed at all). */
  kind: 'syntax' | 'plpgsql' | 'file';
}

export interface ParsedSqlFile {
  path: string;
  text: string;
  lines: LineIndex;
  statements: SqlStatement[];
  errors: SqlParseError[];
  /** The file uses placeholders its tool substitutes (`:NAME` psql / graphile-migrate variables, `{{ … }}` templates), parsed as identifiers. */
  placeholders?: boolean;
  /** Set when the file was not parsed (binary, too large, parser not loaded). */
  skipped?: string;
  /** Converts a node `location` (bytes, relative to `byteBase`) to a UTF-16 offset. */
  offsetOf(byteLocation: number, byteBase?: number): number;
  /** Converts a UTF-16 offset to a UTF-8 byte offset. */
  byteOf(offset: number): number;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * libpg-query's `cursorPosition` is 0-based and counts characters (code points), not bytes: PostgreSQL
 * reports a 1-based character position and the binding subtracts one. Converts it to a UTF-16 offset.
 */
export function cursorToUtf16(text: string, cursor: number, from = 0): number {
  let i = from;
  let n = 0;
  while (i < text.length && n < cursor) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    n++;
  }
  return i;
}

/** The extent of the token at `offset` (identifier/number run, or one character), for error squiggles. */
export function tokenEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && /[\w$"]/.test(text[i])) i++;
  if (i === offset && i < text.length && !/[\r\n]/.test(text[i])) i++;
  return i;
}

/** Splits SQL into top-level statements with the scanner (strings, dollar quotes and comments respected). */
function splitByScanner(text: string, byteLength: number): Array<{ byteStart: number; byteEnd: number }> | null {
  let tokens: ScanToken[];
  try {
    tokens = pg.scan(text);
  } catch {
    return null;
  }
  const out: Array<{ byteStart: number; byteEnd: number }> = [];
  let start = 0;
  let depth = 0;
  // `BEGIN ATOMIC ... END` bodies (SQL-standard functions) contain semicolons; track them coarsely.
  let atomic = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth = Math.max(0, depth - 1);
    else if (/^atomic$/i.test(t.text) && k > 0 && /^begin$/i.test(tokens[k - 1].text)) atomic++;
    else if (atomic && /^end$/i.test(t.text)) atomic--;
    else if (t.text === ';' && depth === 0 && !atomic) {
      out.push({ byteStart: start, byteEnd: t.end });
      start = t.end;
    }
  }
  if (start < byteLength) out.push({ byteStart: start, byteEnd: byteLength });
  return out;
}

/**
 * The parser's work on one file done ahead of `parseSqlFile` (see `preparse.ts`), in this thread.
 * Null when the file does not parse as a whole (or is not parsed at all): `parseSqlFile` handles it.
 */
export function preParseSql(text: string): SqlPreParse | null {
  if (!loaded) return null;
  const r = preParseJson(text, pg, MAX_SQL_FILE_BYTES);
  return r && { text, tree: r.tree ?? decodeSplit(r.split, reparseDeferred), placeholders: r.placeholders, plpgsql: r.plpgsql };
}

/** `parseSync(query)`: the parse tree, its large statement fields decoded on first read (`lazy-json.ts`). */
function parseTree(query: string): RawParseTree {
  return decodeSplit(pg.parseSplit(query));
}

/**
 * The parse tree of one value expression (`expr`) or type name (`type`) written as SQL: what the
 * parser makes of `SELECT <expr>` or `SELECT NULL::<type>`. Null when the text is not exactly one
 * of those, or the parser is not loaded. For checking that SQL written from a tree reads back as it.
 */
export function parseFragment(kind: 'expr' | 'type', sql: string): PgNode | null {
  if (!loaded) return null;
  try {
    const tree = JSON.parse(pg.parseJson(kind === 'expr' ? `SELECT ${sql}` : `SELECT NULL::${sql}`));
    const stmts = tree.stmts ?? [];
    const targets = stmts.length === 1 ? stmts[0].stmt?.SelectStmt?.targetList : undefined;
    if (targets?.length !== 1) return null;
    const val: PgNode = targets[0].ResTarget?.val;
    return (kind === 'expr' ? val : val?.TypeCast?.typeName) ?? null;
  } catch {
    return null;
  }
}

/** Parses a deferred view statement (`lazy-json.ts`) when its query is first read. The parser must be loaded. */
export const reparseDeferred: Reparse = (d) => reparseWith(pg)(d);

/**
 * Parses one SQL file. Never throws. `pre`, the parser's work done ahead for this very text (e.g. on
 * a worker thread), replaces the parser calls; the result is the same either way.
 */
export function parseSqlFile(path: string, text: string, pre?: SqlPreParse | null): ParsedSqlFile {
  if (pre && pre.text !== text) pre = null;
  const lines = new LineIndex(text);
  // A BOM (front ends normally strip it) becomes a space: same UTF-16 length, positions unchanged.
  const src = sqlSource(text);
  const utf8 = new Utf8OffsetMap(src);
  const file: ParsedSqlFile = {
    path,
    text,
    lines,
    statements: [],
    errors: [],
    offsetOf: (loc: number, base = 0) => utf8.toUtf16(base + Math.max(0, loc)),
    byteOf: (offset: number) => utf8.toUtf8(offset),
  };
  const whole = (message: string): void => {
    const end = Math.min(text.length, lines.lineEnd(0));
    file.errors.push({ message, start: 0, end, range: lines.range(0, end), kind: 'file' });
    file.skipped = message;
  };
  if (!loaded) {
    whole('The PostgreSQL parser (libpg-query) is not loaded: call ensureSqlParser() before the analysis. This file was not analysed.');
    return file;
  }
  if (text.includes('\u0000')) {
    whole('This file contains NUL bytes (binary content?); it was not parsed as SQL.');
    return file;
  }
  const byteLength = utf8.byteLength;
  if (byteLength > MAX_SQL_FILE_BYTES) {
    whole(`This file is ${(byteLength / 1024 / 1024).toFixed(1)} MB, above the ${MAX_SQL_FILE_BYTES / 1024 / 1024} MB limit for migrations; it was not parsed.`);
    return file;
  }

  const addStatements = (raws: RawStmt[], byteBase: number, byteEndLimit: number): void => {
    for (const raw of raws) {
      const kind = stmtKind(raw);
      const bStart = byteBase + (raw.stmt_location ?? 0);
      const bEnd = raw.stmt_len ? bStart + raw.stmt_len : byteEndLimit;
      const { start, end } = statementExtent(text, utf8, bStart, bEnd);
      let endWithSemicolon = end;
      const after = skipTrivia(text, end);
      if (text[end] === ';') endWithSemicolon = end + 1;
      else if (text[after] === ';' && !/--|\/\*/.test(text.slice(end, after))) endWithSemicolon = after + 1;
      file.statements.push({
        index: file.statements.length,
        kind,
        node: raw.stmt?.[kind] ?? {},
        start,
        end,
        endWithSemicolon,
        range: lines.range(start, end),
        text: text.slice(start, end),
        byteBase,
        byteStart: utf8.toUtf8(start),
      });
    }
  };

  try {
    let res: RawParseTree;
    if (pre) {
      res = pre.tree;
      if (pre.placeholders) file.placeholders = true;
    } else {
      const r = parseFileJson(pg, src, () => utf8);
      res = r.tree ?? decodeSplit(r.split, reparseDeferred);
      if (r.placeholders) file.placeholders = true;
    }
    addStatements(res.stmts ?? [], 0, byteLength);
  } catch (e) {
    // Report the error at PostgreSQL's cursor, then keep every statement that does parse on its own.
    const chunks = splitByScanner(src, byteLength);
    const bytes = chunks && Buffer.from(src, 'utf8');
    if (!chunks) {
      file.errors.push(syntaxError(file, e, 0));
    } else {
      // A run of chunks that fail one after the other is one error, reported where it starts: the
      // pieces of one broken statement (a function body whose dollar quote is wrong splits at each
      // `;` inside it). A bare BEGIN / END inside such a run is a piece of that body too, not a
      // transaction statement.
      let failing = false;
      for (const c of chunks) {
        const chunkText = bytes!.subarray(c.byteStart, c.byteEnd).toString('utf8');
        if (!chunkText.trim()) continue;
        try {
          const res = parseTree(chunkText);
          const stmts = res.stmts ?? [];
          if (failing && stmts.length === 1 && isBareBeginOrEnd(stmts[0].stmt)) continue;
          if (stmts.length) failing = false;
          addStatements(stmts, c.byteStart, c.byteEnd);
        } catch (err) {
          if (!failing) file.errors.push(syntaxError(file, err, utf8.toUtf16(c.byteStart), chunkText));
          failing = true;
        }
      }
      if (!file.errors.length) file.errors.push(syntaxError(file, e, 0));
    }
  }
  for (const s of file.statements) checkPlpgsql(file, s, pre?.plpgsql);
  return file;
}

/** `BEGIN` or `END` / `COMMIT` with no options: what PL/pgSQL's block keywords parse as on their own. */
function isBareBeginOrEnd(stmt: PgNode | undefined): boolean {
  const t = stmt?.TransactionStmt;
  return !!t && (t.kind === 'TRANS_STMT_BEGIN' || t.kind === 'TRANS_STMT_COMMIT') && !t.options?.length && !t.chain;
}

function syntaxError(file: ParsedSqlFile, e: unknown, chunkStart: number, chunkText?: string): SqlParseError {
  const { text, lines } = file;
  const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } })?.sqlDetails;
  let start = chunkStart;
  if (details && typeof details.cursorPosition === 'number' && details.cursorPosition >= 0) {
    start = cursorToUtf16(text, details.cursorPosition, chunkStart);
  } else if (chunkText !== undefined) {
    start = skipTrivia(text, chunkStart);
  }
  start = Math.min(start, text.length);
  let end = tokenEnd(text, start);
  if (end <= start) {
    // At the end of the input: mark the last character.
    start = Math.max(0, Math.min(start, text.length) - 1);
    end = Math.min(text.length, start + 1);
  }
  const message = `PostgreSQL syntax error: ${details?.message ?? errorMessage(e)}`;
  return { message, start, end, range: lines.range(start, end), kind: 'syntax' };
}

/** Parses the body of a `LANGUAGE plpgsql` function or a `DO` block; errors are recorded, never thrown. */
function checkPlpgsql(file: ParsedSqlFile, s: SqlStatement, done?: ReadonlyMap<number, string | null>): void {
  if (!isPlpgsqlBody(s.kind, s.node)) return;
  const outcome = done?.get(s.index);
  let msg = outcome !== undefined ? outcome : plpgsqlOutcome(pg, plpgsqlSource(s.text));
  if (msg === null) return;
  // The body parses once the file's placeholders are identifiers, as the statement did.
  if (file.placeholders) msg = plpgsqlOutcome(pg, plpgsqlSource(substitutePlaceholders(s.text)));
  if (msg === null) return;
  // The offline PL/pgSQL parser has no catalog: it cannot know that `x schema.some_enum` is a scalar
  // type, so it reports catalog-dependent errors PostgreSQL would not. Only syntax errors are real.
  if (!/syntax error|unterminated|unexpected end|end of input/i.test(msg)) return;
  // Locate "at or near "x"" inside the statement when possible.
  let start = s.start;
  let end = Math.min(s.end, file.lines.lineEnd(s.range.start.line) + 0);
  const near = /at or near "([^"]*)"/.exec(msg);
  if (near && near[1]) {
    const bodyStart = s.text.indexOf('$');
    const at = s.text.indexOf(near[1], bodyStart > 0 ? bodyStart : 0);
    if (at >= 0) {
      start = s.start + at;
      end = start + near[1].length;
    }
  }
  if (end <= start) end = Math.min(s.end, start + 1);
  file.errors.push({
    message: `PL/pgSQL error in ${s.kind === 'DoStmt' ? 'DO block' : 'function body'}: ${msg}`,
    start,
    end,
    range: file.lines.range(start, end),
    kind: 'plpgsql',
  });
}

/** Tokens of a piece of SQL (bytes relative to the text given). Empty on scanner errors. */
export function scanTokens(text: string): ScanToken[] {
  if (!loaded) return [];
  try {
    return pg.scan(text);
  } catch {
    return [];
  }
}

/**
 * The static SQL statements inside a `DO` block (PL/pgSQL `execsql` statements, e.g. the idiomatic
 * `DO $$ BEGIN IF NOT EXISTS (…) THEN CREATE POLICY …; END IF; END $$;`), located exactly in the file.
 * Control flow is ignored (every statement counts); dynamic `EXECUTE` strings are not followed.
 */
/** A statement of PL/pgSQL that `doBlockStatements` replays: one that starts with a DDL keyword. */
const DDL_START = /^\s*(create|alter|drop|comment|grant|revoke)\b/i;

/** The PL/pgSQL parse tree of a `DO` block in PL/pgSQL (the default language), or null. */
function doBlockTree(stmt: SqlStatement): { plpgsql_funcs?: Array<{ PLpgSQL_function?: { action?: unknown } }> } | null {
  if (!loaded || stmt.kind !== 'DoStmt') return null;
  const lang = (stmt.node.args ?? []).find((o: PgNode) => o.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval;
  if (lang && String(lang).toLowerCase() !== 'plpgsql') return null;
  try {
    return JSON.parse(pg.plpgsqlJson(stmt.text + ';'));
  } catch {
    return null;
  }
}

/**
 * How many statements a DO block runs when it does nothing but run static DDL, each once (what
 * `doBlockStatements` returns), possibly in a block whose handlers only swallow "already exists"
 * (`EXCEPTION WHEN duplicate_object THEN null`, Drizzle Kit's wrapping of each foreign key and enum);
 * -1 for any other block (conditions, loops, dynamic SQL, variables, handlers that do something).
 */
export function plainDdlBlockSize(stmt: SqlStatement): number {
  const tree = doBlockTree(stmt);
  if (!tree) return -1;
  let ddl = 0;
  let plain = true;
  const visit = (n: unknown): void => {
    if (!plain || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    for (const [kind, v] of Object.entries(n as Record<string, PgNode>)) {
      switch (kind) {
        case 'PLpgSQL_stmt_block':
          visit(v.body);
          visit(v.exceptions);
          break;
        case 'PLpgSQL_exception_block':
          visit(v.exc_list);
          break;
        case 'PLpgSQL_exception':
          if (v.action?.length || !(v.conditions ?? []).every((c: PgNode) => /^duplicate_/.test(c.PLpgSQL_condition?.condname ?? ''))) plain = false;
          break;
        case 'PLpgSQL_stmt_execsql':
          if (DDL_START.test(v.sqlstmt?.PLpgSQL_expr?.query ?? '')) ddl++;
          else plain = false;
          break;
        case 'PLpgSQL_stmt_return':
          if (v.expr) plain = false;
          break;
        default:
          plain = false;
      }
    }
  };
  for (const f of tree.plpgsql_funcs ?? []) visit(f.PLpgSQL_function?.action);
  return plain ? ddl : -1;
}

export function doBlockStatements(file: ParsedSqlFile, stmt: SqlStatement): SqlStatement[] {
  if (stmt.kind !== 'DoStmt' || !/\b(create|alter|drop|comment|grant|revoke)\b/i.test(stmt.text)) return [];
  const tree = doBlockTree(stmt);
  if (!tree) return [];
  const queries: string[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const o = n as Record<string, unknown>;
    const exec = o.PLpgSQL_stmt_execsql as { sqlstmt?: { PLpgSQL_expr?: { query?: string } } } | undefined;
    if (exec?.sqlstmt?.PLpgSQL_expr?.query) queries.push(exec.sqlstmt.PLpgSQL_expr.query);
    for (const v of Object.values(o)) visit(v);
  };
  visit(tree);
  const out: SqlStatement[] = [];
  let from = stmt.start;
  for (const q of queries) {
    if (!DDL_START.test(q)) continue;
    const at = file.text.indexOf(q, from);
    if (at < 0 || at > stmt.end) continue;
    from = at + q.length;
    let res: RawParseTree;
    try {
      res = parseTree(q);
    } catch {
      continue;
    }
    const base = file.byteOf(at);
    for (const raw of res.stmts ?? []) {
      const kind = stmtKind(raw);
      let start = file.offsetOf(raw.stmt_location ?? 0, base);
      let end = raw.stmt_len ? file.offsetOf((raw.stmt_location ?? 0) + raw.stmt_len, base) : at + q.length;
      start = skipTrivia(file.text, start, end);
      while (end > start && /[\s;]/.test(file.text[end - 1])) end--;
      out.push({
        index: stmt.index,
        kind,
        node: raw.stmt?.[kind] ?? {},
        start,
        end,
        endWithSemicolon: file.text[end] === ';' ? end + 1 : end,
        range: file.lines.range(start, end),
        text: file.text.slice(start, end),
        byteBase: base,
        byteStart: file.byteOf(start),
      });
    }
  }
  return out;
}
