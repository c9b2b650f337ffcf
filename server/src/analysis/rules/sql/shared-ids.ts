import type { AuditContext } from '../../engine';
import { sameList } from '../../lists';
import type { Report } from '../../rule';
import type { Catalog, ForeignKey, Index, IndexLike, SourceRef, Table } from '../../sql/catalog';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import { prismaIndexName } from '../../sql/lexical';
import type { MigrationProject } from '../../sql/project';
import { fkSite, MANAGED_SCHEMAS } from './columns';
import { newMigrationFix } from './new-migration';
import { findNamed, headRange, isPrismaTable, migrationAt, perObject, rangeFromMatch, sqlProject, tableDisplay } from './util';

export type SharedIdCheck = (ctx: AuditContext, report: (r: Report) => void) => void;


/** The replayed catalog's indexes by table, grouped once per project (both checks below read them). */
const indexesByTable = perObject((project: MigrationProject) => project.catalog.indexesByTable());

/**
 * Index-like structures that serve equality lookups on their leading columns: not partial, or partial
 * with only `IS NOT NULL` tests (`lookupServes` checks those against the lookup's columns).
 */
function lookupIndexes(catalog: Catalog, t: Table, indexesOfTable: ReadonlyMap<string, Index[]>): IndexLike[] {
  return catalog.indexLikes(t.key, indexesOfTable).filter((i) => (!i.partial || i.index?.notNullOnly) && (i.method === 'btree' || i.method === 'hash'));
}

/** Whether an index from `lookupIndexes` serves `col1 = $1 AND col2 = $2 …` on these columns. */
function lookupServes(i: IndexLike, cols: string[]): boolean {
  // `c IS NOT NULL` follows from `c = $1` (a strict operator) only for a column of the lookup.
  if (i.partial && !i.index!.notNullOnly!.every((c) => cols.includes(c))) return false;
  // A hash index serves only single-column lookups.
  return i.method === 'hash' ? i.columns.length === 1 && i.columns[0] === cols[0] && cols.length === 1 : isLeadingPrefix(cols, i.columns);
}

function isLeadingPrefix(cols: readonly string[], of: readonly string[]): boolean {
  return cols.length <= of.length && cols.every((c, i) => of[i] === c);
}

/**
 * `missing-fk-index` on both sides: for the column lists of one table's foreign keys that lack an
 * index (in report order), the columns of the index to suggest for each. A key whose columns lead
 * another unindexed key's is served by that key's index (`(a)` by `(a, b)`): suggesting both would add
 * an index the other makes redundant. The longest such list wins (the first of equal length).
 */
export function suggestedIndexColumns(lists: ReadonlyArray<readonly string[]>): Array<readonly string[]> {
  return lists.map((cols) => {
    let best = cols;
    for (const other of lists) if (other.length > best.length && isLeadingPrefix(cols, other)) best = other;
    return best;
  });
}

export const checkSqlMissingFkIndex: SharedIdCheck = (ctx, report) => {
  const project = sqlProject(ctx);
  if (!project) return;
  const indexesOfTable = indexesByTable(project);
  for (const t of project.catalog.tables.values()) {
    // A temporary table is gone when the migration's session ends.
    if (t.temporary || isPrismaTable(ctx, t)) continue;
    const seen = new Set<string>();
    let idx: IndexLike[] | undefined;
    const missing: ForeignKey[] = [];
    for (const fk of t.foreignKeys) {
      if (!fk.columns.length) continue;
      const key = fk.columns.join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      idx ??= lookupIndexes(project.catalog, t, indexesOfTable);
      if (!idx.some((i) => lookupServes(i, fk.columns))) missing.push(fk);
    }
    const suggested = suggestedIndexColumns(missing.map((fk) => fk.columns));
    missing.forEach((fk, k) => {
      const m = migrationAt(project, fk.source.file);
      if (!m) return;
      const ref = tableDisplay(fk.refTable);
      const own = tableDisplay(t.key);
      const columns = [...suggested[k]];
      // The index of a wider key this one leads: one index serves both.
      const wider = columns.length > fk.columns.length ? missing.find((o) => sameList(o.columns, columns)) : undefined;
      // Prisma's name for `@@index([...])` on these columns: a model over this table then expects this very index.
      const indexName = prismaIndexName(t.name, columns);
      const sql = `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(indexName)} ON ${quoteQualified(t.schema, t.name)} (${columns.map(quoteIdent).join(', ')});\n`;
      const fix = newMigrationFix(
        project,
        `index_${t.name}_${columns.join('_')}`,
        `Add CREATE INDEX CONCURRENTLY on ${t.name}(${columns.join(', ')}) in a new migration`,
        `-- CONCURRENTLY cannot run inside a transaction block: keep this statement alone in its migration.\n${sql}`,
        { isPreferred: true, safe: true },
      );
      const list = (cols: readonly string[]) => cols.map((c) => `\`${c}\``).join(', ');
      const served = wider ? ` The index the foreign key (${list(wider.columns)}) → \`${tableDisplay(wider.refTable)}\` needs serves this one too (its first column${fk.columns.length > 1 ? 's are' : ' is'} this key's): create that one, not a second index.` : '';
      report({
        ...fkSite(m, fk),
        message: `Foreign key (${list(fk.columns)}) of \`${own}\` → \`${ref}\` has no index after all migrations: PostgreSQL does not index foreign keys, so deleting a \`${ref}\` row scans all of \`${own}\`, and joins from \`${ref}\` to \`${own}\` are sequential scans.${served}`,
        subject: { table: t.name, column: fk.columns[0] },
        data: { columns: fk.columns.join(', '), references: `${ref}(${fk.refColumns.join(', ')})`, ...(wider ? { suggestedColumns: columns.join(', ') } : {}) },
        fixes: fix ? [fix] : [],
      });
    });
  }
};

export const checkSqlRedundantIndex: SharedIdCheck = (ctx, report) => {
  const project = sqlProject(ctx);
  if (!project) return;
  const catalog = project.catalog;
  const indexesOfTable = indexesByTable(project);
  for (const t of catalog.tables.values()) {
    if (t.temporary || isPrismaTable(ctx, t)) continue;
    const all = catalog.indexLikes(t.key, indexesOfTable);
    for (const ix of all) {
      if (ix.kind !== 'index' || !ix.index) continue;
      const i: Index = ix.index;
      if (i.partial || i.columns.some((c) => c.startsWith('('))) continue;
      const cover = all.find((o) => {
        if (o === ix || o.partial || o.method !== i.method) return false;
        if (!isLeadingPrefix(i.columns, o.columns)) return false;
        if (i.unique && !(o.unique && o.columns.length === i.columns.length)) return false;
        if (o.index && o.columns.length === i.columns.length) {
          // Identical column lists: keep the older one, report the later one; compare sort orders too.
          if (o.index.signature.join() !== i.signature.join()) return false;
          return madeBefore(o.source, i.source);
        }
        if (o.index && o.index.signature.slice(0, i.columns.length).join() !== i.signature.join()) return false;
        return true;
      });
      if (!cover) continue;
      const m = migrationAt(project, i.source.file);
      if (!m) continue;
      const stmt = (i.source.statement ?? m.file.statements[i.source.statementIndex]);
      const what = cover.kind === 'primary' ? 'the primary key' : cover.kind === 'unique' ? `unique constraint${cover.name ? ` \`${cover.name}\`` : ''}` : `index \`${cover.name}\``;
      const fix = newMigrationFix(
        project,
        `drop_${i.name}`,
        `Drop ${i.name} (DROP INDEX CONCURRENTLY in a new migration)`,
        `-- CONCURRENTLY cannot run inside a transaction block: keep this statement alone in its migration.\nDROP INDEX CONCURRENTLY IF EXISTS ${quoteQualified(i.schema, i.name)};\n`,
        { isPreferred: true, safe: true },
      );
      report({
        file: m.path,
        range: headRange(m.file, stmt),
        anchorLine: stmt.range.start.line,
        migration: m.label,
        message: `Index \`${i.name}\` on \`${t.name}\` (${i.columns.join(', ')}) is ${cover.columns.length === i.columns.length ? 'a duplicate of' : 'a leading prefix of'} ${what} (${cover.columns.join(', ')}): it costs write time and storage and serves no query the other does not.`,
        subject: { table: t.name, index: i.name },
        data: { index: i.name, coveredBy: cover.name ?? cover.kind },
        fixes: fix ? [fix] : [],
      });
    }
    // A UNIQUE constraint on exactly the primary key's columns, or on those of an earlier UNIQUE
    // constraint (schema dumps often have both `…_id_key UNIQUE (id)` and `…_pkey PRIMARY KEY (id)`):
    // a second identical unique index. Dropped with its constraint, not with DROP INDEX.
    for (const ix of all) {
      if (ix.kind !== 'unique') continue;
      const cover = all.find(
        (o) =>
          (o.kind === 'primary' || (o.kind === 'unique' && madeBefore(o.source, ix.source))) &&
          sameList(o.columns, ix.columns),
      );
      if (!cover || !ix.name) continue;
      const m = migrationAt(project, ix.source.file);
      if (!m) continue;
      const stmt = ix.source.statement ?? m.file.statements[ix.source.statementIndex];
      const at = findNamed(stmt, CONSTRAINT_NAME, ix.name);
      const what = cover.kind === 'primary' ? 'the primary key' : `unique constraint \`${cover.name}\``;
      const fix = newMigrationFix(
        project,
        `drop_${ix.name}`,
        `Drop constraint ${ix.name} in a new migration`,
        `-- Fails if a foreign key was created against this constraint's index; re-create that foreign key after dropping it.\nALTER TABLE ${quoteQualified(t.schema, t.name)} DROP CONSTRAINT ${quoteIdent(ix.name)};\n`,
        { isPreferred: true, safe: false },
      );
      report({
        file: m.path,
        range: at >= 0 ? rangeFromMatch(m.file, stmt, at) : headRange(m.file, stmt),
        anchorLine: stmt.range.start.line,
        migration: m.label,
        message: `Unique constraint \`${ix.name}\` on \`${t.name}\` (${ix.columns.join(', ')}) duplicates ${what} (${cover.columns.join(', ')}): its index costs write time and storage and serves no query the other does not.`,
        subject: { table: t.name, index: ix.name },
        data: { index: ix.name, coveredBy: cover.name ?? cover.kind },
        fixes: fix ? [fix] : [],
      });
    }
  }
};

const CONSTRAINT_NAME = /\bCONSTRAINT\s+/gi;

/** Whether statement `a` runs before statement `b` in the replay. */
function madeBefore(a: SourceRef, b: SourceRef): boolean {
  return a.migrationIndex < b.migrationIndex || (a.migrationIndex === b.migrationIndex && a.statementIndex < b.statementIndex);
}

export const checkSqlMissingPrimaryKey: SharedIdCheck = (ctx, report) => {
  const project = sqlProject(ctx);
  if (!project) return;
  for (const t of project.catalog.tables.values()) {
    if (t.primaryKey || t.temporary || isPrismaTable(ctx, t)) continue;
    if (t.partitionOf && project.catalog.tables.get(t.partitionOf)?.primaryKey) continue;
    if (!t.columnsComplete && !t.columns.size) continue; // CREATE TABLE AS / LIKE: shape unknown
    if (MANAGED_SCHEMAS.has(t.schema)) continue;
    const m = migrationAt(project, t.createdBy.file);
    const stmt = (t.createdBy.statement ?? m?.file.statements[t.createdBy.statementIndex]);
    if (!m || !stmt) continue;
    const unique = t.uniques.find((u) => u.columns.every((c) => t.columns.get(c)?.notNull));
    const implicitM2m = /^_[A-Za-z0-9]+To[A-Za-z0-9]+$/.test(t.name) && t.columns.has('A') && t.columns.has('B');
    report({
      file: m.path,
      range: headRange(m.file, stmt),
      anchorLine: stmt.range.start.line,
      migration: m.label,
      message: `Table \`${t.name}\` has no primary key after all migrations: logical replication (and Supabase Realtime) cannot replicate its UPDATEs and DELETEs, and tools cannot address single rows.${implicitM2m ? ' This is a Prisma implicit many-to-many table: Prisma 6 gives these a primary key on (A, B) — upgrade and run `prisma migrate dev` to get the migration.' : unique ? ` Its unique (${unique.columns.join(', ')}) on NOT NULL columns could become the primary key.` : ''}`,
      subject: { table: t.name },
    });
  }
};

/**
 * SQL-side checks of the rules that exist for both Prisma schemas and SQL migrations (one rule id,
 * two checks). The Prisma rule file of the same id calls these. Tables that are Prisma models are
 * left to the schema side (reported once).
 */
export const sqlChecks: Partial<Record<'missing-fk-index' | 'redundant-index' | 'missing-primary-key', SharedIdCheck>> = {
  'missing-fk-index': checkSqlMissingFkIndex,
  'redundant-index': checkSqlRedundantIndex,
  'missing-primary-key': checkSqlMissingPrimaryKey,
};

export type { Report };
