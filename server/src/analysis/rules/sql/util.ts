/** Helpers shared by the SQL migration rules. */
import type { AuditContext } from '../../engine';
import type { PrismaSchema } from '../../prisma/schema';
import type { Report } from '../../rule';
import { rangeKey, splitKey, type Table } from '../../sql/catalog';
import type { ParsedSqlFile, SqlStatement } from '../../sql/parse';
import type { Migration, MigrationProject, ReplayedStatement } from '../../sql/project';
import type { Range, TextEdit } from '../../types';
import { detectEol } from '../../text';
import { quoteIdent } from '../../sql/expr';
import { isIdentCont, lexemeEnd, maskLexemes, quotedEnd } from '../../sql/lexical';

export type Reporter = (r: Report) => void;

/** Unqualified, unquoted table name of a catalog key. */
export function tableName(key: string): string {
  return splitKey(key)[1];
}

/** A table's name for messages: qualified outside `public` (`auth.users`, not `users`). Subjects stay unqualified. */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

/** `displayName` of a table key (`auth.users`). */
export function tableDisplay(key: string): string {
  return displayName(...splitKey(key));
}

export function sqlProject(ctx: AuditContext): MigrationProject | null {
  const p = ctx.sql;
  return p && p.parserLoaded ? p : null;
}

/**
 * `build(key)`, made once per key object (a project, a statement, a schema) and kept while the key
 * lives: for what several rules (or one rule, many times) derive from the same object.
 */
export function perObject<K extends object, T>(build: (key: K) => T): (key: K) => T {
  const made = new WeakMap<K, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = build(key)));
    return value;
  };
}

const migrationsByPath = perObject((project: MigrationProject) => new Map(project.migrations.map((m) => [m.path, m])));

/** The migration (in apply order) at a path, looked up in a map built once per project. */
export function migrationAt(project: MigrationProject, path: string): Migration | undefined {
  return migrationsByPath(project).get(path);
}

/** Every statement of the project with its migration, in apply order (listed once per project: several rules walk them). */
export const statements = perObject((project: MigrationProject): ReadonlyArray<{ m: Migration; s: ReplayedStatement }> => {
  const out: Array<{ m: Migration; s: ReplayedStatement }> = [];
  for (const m of project.migrations) for (const s of m.statements) out.push({ m, s });
  return out;
});

/** An `ALTER TABLE` sub-command, with the statement and migration it belongs to. */
export interface AlterCommand {
  m: Migration;
  s: ReplayedStatement;
  /** Catalog key of the altered table. */
  key: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cmd: any;
  /** All sub-commands of the statement. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cmds: any[];
}

const NO_COMMANDS: readonly AlterCommand[] = Object.freeze([]);

/** Every `ALTER TABLE` sub-command on a table that existed before its migration, by subtype (one pass per project). */
const alterCommandsBySubtype = perObject((project: MigrationProject) => {
  const bySubtype = new Map<string, AlterCommand[]>();
  for (const { m, s } of statements(project)) {
    if (s.stmt.kind !== 'AlterTableStmt') continue;
    const n = s.stmt.node;
    const key = rangeKey(n.relation);
    if ((s.facts.tables.get(key) ?? 'unknown') === 'new') continue;
    const cmds = n.cmds ?? [];
    for (const item of cmds) {
      const cmd = item.AlterTableCmd;
      const st = cmd?.subtype;
      if (typeof st !== 'string') continue;
      let list = bySubtype.get(st);
      if (!list) bySubtype.set(st, (list = []));
      list.push({ m, s, key, cmd, cmds });
    }
  }
  return bySubtype;
});

/**
 * `ALTER TABLE` sub-commands of one subtype (`AT_AddColumn`, `AT_AlterColumnType`, …) on tables that
 * existed before their migration, in apply order: the safety rules only matter for tables that may
 * hold rows. All subtypes are collected in one pass per project (several rules ask).
 */
export function alterCommandsOnExistingTables(project: MigrationProject, subtype: string): readonly AlterCommand[] {
  return alterCommandsBySubtype(project).get(subtype) ?? NO_COMMANDS;
}

/** From offset `at` (a match inside the statement) to the end of its line; the statement's first line when `at < 0`. */
export function rangeFromMatch(file: ParsedSqlFile, stmt: SqlStatement, at: number): Range {
  return at >= 0 ? file.lines.range(at, Math.min(stmt.end, file.lines.lineEnd(file.lines.positionAt(at).line))) : headRange(file, stmt);
}

/** The first line of a statement (what a statement-level finding underlines). */
export function headRange(file: ParsedSqlFile, stmt: SqlStatement): Range {
  const line = stmt.range.start.line;
  const end = Math.min(stmt.end, file.lines.lineEnd(line));
  return file.lines.range(stmt.start, Math.max(end, stmt.start));
}

/** Range of the token (identifier, possibly quoted and qualified) at a node byte location. */
export function tokenRange(file: ParsedSqlFile, stmt: SqlStatement, byteLocation: number | undefined): Range {
  if (byteLocation === undefined || byteLocation < 0) return headRange(file, stmt);
  const start = file.offsetOf(byteLocation, stmt.byteBase);
  if (start < stmt.start || start > stmt.end) return headRange(file, stmt);
  const text = file.text;
  let i = start;
  // An unterminated quote runs to the statement's end.
  const past = (end: number) => (end < 0 ? stmt.end : end);
  const ident = () => {
    if (text[i] === '"') i = past(quotedEnd(text, i, '"'));
    else while (i < text.length && /[\w$]/.test(text[i])) i++;
  };
  // A string literal ('yes'::boolean), read as PostgreSQL's scanner reads it.
  if (text[i] === "'") i = past(lexemeEnd(text, i));
  else {
    ident();
    while (text[i] === '.' && i < stmt.end) {
      i++;
      ident();
    }
  }
  if (i === start) i = start + 1;
  return file.lines.range(start, Math.min(i, stmt.end));
}

/** `maskSql(stmt.text)` per statement (several rules search the same statements). */
const maskedText = perObject((stmt: SqlStatement) => maskSql(stmt.text));

/** Finds the offset (UTF-16, in the file) of a keyword/word sequence inside a statement, or -1. */
export function findInStatement(stmt: SqlStatement, pattern: RegExp, from = 0): number {
  // From the start, a non-global non-sticky pattern finds the same match itself.
  let re = pattern;
  if (from !== 0 || pattern.global || pattern.sticky) {
    re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    re.lastIndex = from;
  }
  const m = re.exec(maskedText(stmt));
  return m ? stmt.start + m.index : -1;
}

/**
 * Finds where `head`, then the identifier `name`, then `tail` first match inside a statement: the
 * offset (UTF-16, in the file) of the head's match, or -1. The name matches case-insensitively, either
 * double-quoted or bare and whole (`"user"` or `user`, not the start of `userId`), as
 * `findInStatement(stmt, new RegExp(`${head}(?:"${name}"|${name}(?![\w$\u0080-\uffff]))${tail}`, 'i'))`
 * would (name escaped), without compiling a regular expression per name (~25 µs each, hundreds per
 * audit). One difference: the head's optional words are never given back to make the name match (a
 * column named `column` is not found in `ADD COLUMN IF NOT EXISTS x`).
 * `head`: a global, case-insensitive pattern; `tail`: a sticky, case-insensitive pattern. Both are
 * reused (their `lastIndex` is set here), so pass module constants.
 */
export function findNamed(stmt: SqlStatement, head: RegExp, name: string, tail?: RegExp): number {
  if (!name) return -1;
  const text = maskedText(stmt);
  const lower = name.toLowerCase();
  const nameAt = (p: number) => text.length - p >= name.length && text.slice(p, p + name.length).toLowerCase() === lower;
  const tailAt = (p: number) => {
    if (!tail) return true;
    tail.lastIndex = p;
    return tail.test(text);
  };
  const matchesAt = (p: number) => {
    if (text.charCodeAt(p) === 34 /* " */ && nameAt(p + 1) && text.charCodeAt(p + 1 + name.length) === 34 && tailAt(p + 2 + name.length)) return true;
    return nameAt(p) && !isIdentCont(text.charCodeAt(p + name.length)) && tailAt(p + name.length);
  };
  head.lastIndex = 0;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    if (matchesAt(m.index + m[0].length)) return stmt.start + m.index;
    // Every start position is tried, as a single regular expression would.
    head.lastIndex = m.index + 1;
  }
  return -1;
}

/** Where `maskSql` has something to do: a comment, a quoted identifier or string, a `$`. */
/**
 * Replaces comments, string literals and dollar-quoted bodies by spaces (same length and lines) for
 * keyword searches; quoted identifiers stay (rules search for names). See `maskLexemes`.
 */
export function maskSql(text: string): string {
  return maskLexemes(text, true);
}

/** A text edit that inserts `lines` on new lines after a statement (after its `;`). */
export function insertAfterStatement(file: ParsedSqlFile, stmt: SqlStatement, sql: string): TextEdit {
  const eol = detectEol(file.text);
  const at = file.lines.positionAt(stmt.endWithSemicolon);
  const lineEnd = file.lines.lineEnd(at.line);
  const rest = file.text.slice(stmt.endWithSemicolon, lineEnd);
  // After a trailing comment on the same line, insert at the end of the line.
  const offset = rest.trim() ? lineEnd : stmt.endWithSemicolon;
  const pos = file.lines.positionAt(offset);
  return { file: file.path, range: { start: pos, end: pos }, newText: `${eol}${sql}` };
}

/** Is this table a model of the Prisma schema (reported on the schema side then)? Case-sensitive. */
export function isPrismaTable(ctx: AuditContext, table: Table): boolean {
  const schema = ctx.prisma;
  if (!schema?.models.length) return false;
  return prismaTables(schema).has(`${table.schema}\u0000${table.name}`);
}
/** Per schema: `schema\0table` of every model and view (one scan instead of one per table asked about). */
const prismaTables = perObject((schema: PrismaSchema) => {
  const tables = new Set<string>();
  for (const m of schema.models) if (m.kind !== 'type') tables.add(`${m.schemaName ?? 'public'}\u0000${m.tableName}`);
  return tables;
});

export function statementReport(m: Migration, s: ReplayedStatement): Pick<Report, 'file' | 'anchorLine' | 'migration'> {
  return { file: m.path, anchorLine: s.stmt.range.start.line, migration: m.label };
}

export function listNames(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}

/** A RangeVar as SQL, as written (schema only when it was written). */
export function relationText(rv: { schemaname?: string; relname?: string } | undefined): string {
  if (!rv?.relname) return '?';
  return rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname);
}

/** Whether the file's statement `index` runs after a `BEGIN`/`START TRANSACTION` and before its COMMIT/ROLLBACK. */
export function inExplicitTransaction(m: Migration, index: number): boolean {
  let open = false;
  for (const st of m.file.statements) {
    if (st.index >= index) break;
    if (st.kind !== 'TransactionStmt') continue;
    const k = String(st.node.kind);
    if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') open = true;
    else if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_COMMIT_PREPARED' || k === 'TRANS_STMT_ROLLBACK_PREPARED' || k === 'TRANS_STMT_PREPARE') open = false;
  }
  return open;
}
