import { defineRule } from '../../rule';
import { dirOf } from '../../sql/discovery';
import { DBMATE_UP, GOOSE_UP, inGooseBlockWithOthers, toolTransaction, upStatements, type Migration } from '../../sql/project';
import type { FileOperation, TextEdit } from '../../types';
import { detectEol } from '../../text';
import { rangeKey } from '../../sql/catalog';
import { names } from '../../sql/expr';
import { findInStatement, headRange, inExplicitTransaction, sqlProject, statementReport, statements, tableName } from './util';
import { isNewestOfSet } from './new-migration';

/**
 * The edits that take migration `m` out of its tool's transaction, so a CONCURRENTLY statement in it
 * can run, or null when the tool has no such switch for it (or the file would still run as one
 * multi-statement script, which PostgreSQL runs as one transaction):
 * - Diesel, a single statement and no `metadata.toml` yet: one with `run_in_transaction = false`;
 * - dbmate, a single statement in the up section: `transaction:false` on the `-- migrate:up` line;
 * - goose (runs statement by statement): a `-- +goose NO TRANSACTION` line on top.
 */
function leaveToolTransaction(m: Migration): { edits: TextEdit[]; fileOperations: FileOperation[] } | null {
  const text = m.file.text;
  const eol = detectEol(text);
  const single = upStatements(m).length === 1;
  if (m.info.kind === 'diesel') {
    if (!single || m.dieselMetadata) return null;
    return { edits: [], fileOperations: [{ kind: 'create', file: `${dirOf(m.path)}/metadata.toml`, content: `run_in_transaction = false${eol}` }] };
  }
  const up = DBMATE_UP.exec(text);
  if (up) {
    if (!single) return null;
    const at = m.file.lines.positionAt(up.index + up[0].replace(/[ \t\r]+$/, '').length);
    return { edits: [{ file: m.path, range: { start: at, end: at }, newText: ' transaction:false' }], fileOperations: [] };
  }
  if (GOOSE_UP.test(text)) {
    const start = { line: 0, character: 0 };
    return { edits: [{ file: m.path, range: { start, end: start }, newText: `-- +goose NO TRANSACTION${eol}` }], fileOperations: [] };
  }
  return null;
}

/** Whether a statement of the migration after `index` drops table or materialized view `key` (as the replay keyed it). */
function droppedLater(m: Migration, index: number, key: string): boolean {
  return m.statements.some((r) => {
    if (r.stmt.index <= index || r.inDoBlock || r.stmt.kind !== 'DropStmt') return false;
    const type = r.stmt.node.removeType;
    return (type === 'OBJECT_TABLE' && r.facts.tables.has(key)) || (type === 'OBJECT_MATVIEW' && !!r.facts.droppedViews?.has(key));
  });
}

export default defineRule({
  id: 'index-not-concurrent',
  title: 'Index built or dropped without CONCURRENTLY on an existing table',
  category: 'Migration safety',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `CREATE INDEX` and `DROP INDEX` without `CONCURRENTLY` on a table that existed before this migration (created by an earlier migration, or not by these migrations at all). Indexes on tables created in the same migration are fine, as are indexes of a table or materialized view the same migration drops afterwards, and a `CREATE INDEX IF NOT EXISTS` of an index that exists by then (PostgreSQL skips it). A `CREATE INDEX` on a materialized view is not reported either (it takes no writes; the build only holds back its REFRESH); a `DROP INDEX` on one is, since its lock holds back every read of the view.',
    whyItMatters:
      '`CREATE INDEX` holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits — minutes on a table with millions of rows, which is an outage for the feature. `DROP INDEX` takes an ACCESS EXCLUSIVE lock and queues even reads behind long transactions.',
    example:
      '-- file: supabase/migrations/20240101000000_orders.sql\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n-- file: supabase/migrations/20240201000000_orders_customer_idx.sql\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_orders.sql\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n-- file: supabase/migrations/20240201000000_orders_customer_idx.sql\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    fixSafety:
      'Adds `CONCURRENTLY`. Same index, no data change, but `CONCURRENTLY` cannot run inside a transaction block: not offered inside the migration\'s own `BEGIN … COMMIT`, a DO block, a Prisma migration, or a numbered or Flyway migration, with other statements (Prisma, golang-migrate and most runners send the file as one script, which PostgreSQL runs as one transaction; Flyway refuses the mix), a goose `StatementBegin … StatementEnd` block with other statements, or a migration its tool runs in a transaction (Diesel, graphile-migrate, dbmate, goose) when the fix cannot switch that off; the message then says to move the statement to a migration of its own. Drizzle Kit folders have no way out (drizzle-orm\'s migrator runs every pending migration in one transaction): the message says to build the index by hand with CONCURRENTLY first and write the migration\'s statement with IF NOT EXISTS. The fix does switch it off where the tool allows it for this file: a Diesel migration of one statement gets a `metadata.toml` with `run_in_transaction = false`, a dbmate one `transaction:false` on its `-- migrate:up` line, a goose one a `-- +goose NO TRANSACTION` line. Offered on the newest migration of its set only: an older one has most likely run already, where editing it changes nothing (and Prisma Migrate, Flyway and others report an applied migration whose file changed). A failed concurrent build leaves an INVALID index to drop and retry.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s } of statements(project)) {
      const n = s.stmt.node;
      let tableKey: string | undefined;
      let keyword: RegExp;
      let what: string;
      if (s.stmt.kind === 'IndexStmt') {
        // IF NOT EXISTS of an index that exists by then: PostgreSQL skips it, nothing is built.
        if (n.concurrent || s.facts.noop) continue;
        tableKey = rangeKey(n.relation);
        keyword = /\bINDEX\b/i;
        what = `CREATE ${n.unique ? 'UNIQUE ' : ''}INDEX${n.idxname ? ` ${n.idxname}` : ''}`;
      } else if (s.stmt.kind === 'DropStmt' && n.removeType === 'OBJECT_INDEX') {
        if (n.concurrent) continue;
        const first = names(n.objects?.[0]?.List?.items);
        const key = first.length > 1 ? first.join('.') : `public.${first[0]}`;
        tableKey = s.facts.indexTables.get(key);
        // Dropping an index that does not exist at this point (no migration created it, or one dropped
        // it already): nothing is locked; without IF EXISTS the statement fails, which is not this rule's.
        if (!tableKey) continue;
        keyword = /\bINDEX\b/i;
        what = `DROP INDEX ${first[first.length - 1]}`;
        if (n.behavior === 'DROP_CASCADE' || (n.objects?.length ?? 0) > 1) {
          // CONCURRENTLY supports neither CASCADE nor several indexes: report without a fix.
          if (tableKey && s.facts.tables.get(tableKey) === 'new') continue;
          report({ ...statementReport(m, s), range: headRange(m.file, s.stmt), message: `\`${what}\` locks ${tableKey ? `\`${tableName(tableKey)}\`` : 'its table'} while it runs; CONCURRENTLY is not possible with CASCADE or several indexes: drop them one by one.`, subject: { table: tableKey ? tableName(tableKey) : undefined, index: first[first.length - 1] } });
          continue;
        }
      } else continue;
      const state = tableKey ? s.facts.tables.get(tableKey) ?? 'unknown' : 'unknown';
      if (state === 'new') continue;
      // The same migration drops the table afterwards: that takes the table's strongest lock anyway.
      if (tableKey && droppedLater(m, s.stmt.index, tableKey)) continue;
      // A materialized view takes no writes: building an index on one blocks only its REFRESH.
      const onView = !!tableKey && !!s.facts.views?.has(tableKey);
      if (onView && s.stmt.kind === 'IndexStmt') continue;
      const at = findInStatement(s.stmt, keyword);
      if (at < 0) continue;
      const kwEnd = at + 5;
      const pos = m.file.lines.positionAt(kwEnd);
      const range = m.file.lines.range(s.stmt.start, kwEnd);
      const t = tableKey ? tableName(tableKey) : '?';
      const indexName = s.stmt.kind === 'IndexStmt' ? n.idxname : what.replace(/^DROP INDEX /, '');
      // CONCURRENTLY in place would only fail ("cannot run inside a transaction block"), unless the
      // fix also takes the migration out of its tool's transaction.
      const ownTransaction = s.inDoBlock
        ? 'a DO block'
        : inExplicitTransaction(m, s.stmt.index)
          ? 'the `BEGIN … COMMIT` of this migration'
          : inGooseBlockWithOthers(m, s.stmt)
            ? 'a goose `StatementBegin … StatementEnd` block with other statements (goose sends it as one script, run as one transaction)'
            : null;
      const tool = ownTransaction ? null : toolTransaction(m);
      const leave = tool ? leaveToolTransaction(m) : null;
      const inTransaction = ownTransaction ?? (leave ? null : tool);
      report({
        ...statementReport(m, s),
        range,
        message:
          (onView
            ? `\`${what}\` without CONCURRENTLY on materialized view \`${t}\`, which an earlier migration created: its ACCESS EXCLUSIVE lock makes every read of the view wait until the drop is done (and the drop waits for every running query on it).`
            : `\`${what}\` without CONCURRENTLY on \`${t}\`, which ${state === 'existing' ? 'an earlier migration created' : 'existed before this migration'}: it blocks writes to the table for the whole ${s.stmt.kind === 'IndexStmt' ? 'build' : 'drop'}.`) +
          (inTransaction
            ? ` It runs inside ${inTransaction}, where CONCURRENTLY is not allowed: ${
                !ownTransaction && m.info.kind === 'diesel' && upStatements(m).length === 1
                  ? 'set `run_in_transaction = false` in its `metadata.toml` and add CONCURRENTLY.'
                  : !ownTransaction && m.drizzleJournal
                    ? `${s.stmt.kind === 'IndexStmt' ? 'build the index' : 'drop it'} by hand with CONCURRENTLY before the migration runs, and write it here with \`IF ${s.stmt.kind === 'IndexStmt' ? 'NOT ' : ''}EXISTS\` so that the migration skips it.`
                    : 'move it to a migration of its own and add CONCURRENTLY there.'
              }`
            : leave ? ` It runs inside ${tool}: the fix also takes it out of that transaction.` : ''),
        subject: { table: t, ...(indexName ? { index: indexName } : {}) },
        fixes: inTransaction || !isNewestOfSet(project, m)
          ? []
          : [
              {
                title: leave ? 'Add CONCURRENTLY and run the migration outside a transaction' : 'Add CONCURRENTLY (must run outside a transaction)',
                edits: [...(leave?.edits ?? []), { file: m.path, range: { start: pos, end: pos }, newText: ' CONCURRENTLY' }],
                ...(leave?.fileOperations.length ? { fileOperations: leave.fileOperations } : {}),
                isPreferred: true,
                safe: false,
              },
            ],
      });
    }
  },
});
