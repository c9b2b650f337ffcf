/**
 * What the Prisma-schema rules that also judge SQL migration tables (missing-fk-index, redundant-index,
 * missing-primary-key, missing-relation, set-null-on-required, cascade-deletes-history,
 * string-enum-candidate, float-for-money, plaintext-secret, missing-updated-at) need from the
 * replayed catalog: the tables that are the project's own and not Prisma models (those are reported
 * on the schema side), and where a column or a foreign key was declared.
 */
import type { AuditContext } from '../../engine';
import type { Column, ForeignKey, Table } from '../../sql/catalog';
import type { PgNode } from '../../sql/parse';
import type { Migration, MigrationProject } from '../../sql/project';
import type { Report } from '../../rule';
import { findNamed, headRange, isPrismaTable, migrationAt, sqlProject, tokenRange } from './util';

/** Schemas whose tables Supabase or extensions manage (not the project's to change). */
export const MANAGED_SCHEMAS = new Set(['auth', 'storage', 'extensions', 'realtime', 'graphql', 'graphql_public', 'vault', 'net', 'pgsodium', 'supabase_functions', 'cron', 'pgbouncer', 'supabase_migrations']);

/**
 * The project's own tables after all migrations ran that no Prisma model maps (temporary tables and
 * platform schemas left out), each with its project; none without a migration project.
 */
export function ownSqlTables(ctx: AuditContext): Array<{ project: MigrationProject; table: Table }> {
  const project = sqlProject(ctx);
  if (!project) return [];
  const out: Array<{ project: MigrationProject; table: Table }> = [];
  for (const table of project.catalog.tables.values()) {
    if (table.temporary || MANAGED_SCHEMAS.has(table.schema) || isPrismaTable(ctx, table)) continue;
    out.push({ project, table });
  }
  return out;
}

/** Where a finding on a column or foreign key goes: the fields of its report. */
export type SqlSite = Pick<Report, 'file' | 'range' | 'anchorLine' | 'migration'>;

/** Text types (`text`, `varchar(n)`, `char(n)`, `citext`), as `typeName` gives them. */
export const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** A column's type name without its schema (`float8` for `double precision`, `timestamptz`). */
export function typeName(col: Column): string {
  return col.typeKey.slice(col.typeKey.lastIndexOf('.') + 1);
}

/**
 * Where column `col` of `t` is declared: its name in the `CREATE TABLE` or `ADD COLUMN` that made it
 * (the statement's first line when it has been renamed since, or is not found).
 */
export function columnSite(project: MigrationProject, col: Column): SqlSite | null {
  const src = col.createdBy;
  const m = migrationAt(project, src.file);
  const stmt = src.statement ?? m?.file.statements[src.statementIndex];
  if (!m || !stmt) return null;
  const at = { file: m.path, anchorLine: stmt.range.start.line, migration: m.label };
  const def = columnDef(stmt.node, col.name);
  if (def && typeof def.location === 'number') return { ...at, range: tokenRange(m.file, stmt, def.location) };
  const found = findNamed(stmt, /(^|[\s,(])/g, col.name, /\s/y);
  if (found >= 0) {
    let from = found;
    while (/[\s,(]/.test(m.file.text[from])) from++;
    return { ...at, range: m.file.lines.range(from, from + col.name.length + (m.file.text[from] === '"' ? 2 : 0)) };
  }
  return { ...at, range: headRange(m.file, stmt) };
}

/** The `ColumnDef` of `name` in a CREATE TABLE or ALTER TABLE … ADD COLUMN node. */
function columnDef(node: PgNode, name: string): PgNode | null {
  for (const e of node?.tableElts ?? []) if (e?.ColumnDef?.colname === name) return e.ColumnDef;
  for (const c of node?.cmds ?? []) {
    const def = c?.AlterTableCmd?.def?.ColumnDef;
    if (def?.colname === name) return def;
  }
  return null;
}

/** Where a foreign key is declared: its name, its `FOREIGN KEY (col…)`, or the column's REFERENCES (findNamed). */
export function fkSite(m: Migration, fk: ForeignKey): SqlSite {
  const stmt = fk.source.statement ?? m.file.statements[fk.source.statementIndex];
  const site = { file: m.path, anchorLine: stmt.range.start.line, migration: m.label };
  const col = fk.columns[0] ?? '';
  for (const find of [
    // Its `CONSTRAINT name FOREIGN KEY` (or a column's `CONSTRAINT name REFERENCES`), not a `DROP CONSTRAINT name` of the same ALTER TABLE before it.
    () => (fk.name ? findNamed(stmt, CONSTRAINT, fk.name, THEN_FOREIGN_KEY) : -1),
    () => findNamed(stmt, FOREIGN_KEY, col),
    () => findNamed(stmt, NAME_START, col, THEN_REFERENCES),
  ]) {
    let at = find();
    if (at < 0) continue;
    while (/[\s,(]/.test(m.file.text[at])) at++;
    const line = m.file.lines.positionAt(at).line;
    const end = Math.min(stmt.end, m.file.lines.lineEnd(line));
    return { ...site, range: m.file.lines.range(at, end) };
  }
  return { ...site, range: headRange(m.file, stmt) };
}
const CONSTRAINT = /CONSTRAINT\s+/gi;
const FOREIGN_KEY = /FOREIGN\s+KEY\s*\(\s*/gi;
/** A column definition's name: at the start of the statement, or after a space, comma or parenthesis. */
const NAME_START = /(^|[\s,(])/g;
const THEN_REFERENCES = /\s[^,;]*?REFERENCES/iy;
const THEN_FOREIGN_KEY = /\s*(?:FOREIGN\s+KEY|REFERENCES)\b/iy;
