import { defineRule } from '../../rule';
import { rangeKey } from '../../sql/catalog';
import type { Migration } from '../../sql/project';
import { names } from '../../sql/expr';
import { alterCommandsOnExistingTables, findNamed, headRange, rangeFromMatch, sqlProject, statementReport, statements, tableName } from './util';

/** `DROP [COLUMN] [IF EXISTS] <name>` (findNamed). */
const DROP_COLUMN = /\bDROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?/gi;

/** Whether a later statement of the migration renames a column of table `key` to `column`. */
function renamedBackLater(m: Migration, index: number, key: string, column: string): boolean {
  return m.file.statements.some((st) => st.index > index && st.kind === 'RenameStmt' && st.node.renameType === 'OBJECT_COLUMN' && st.node.newname === column && rangeKey(st.node.relation) === key);
}

export default defineRule({
  id: 'destructive-change',
  title: 'Migration drops a table, column or type, or truncates',
  category: 'Migration safety',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `DROP TABLE`, `ALTER TABLE … DROP COLUMN`, `TRUNCATE` and `DROP TYPE` on objects that existed before this migration (objects created in the same migration, types renamed away in it — the enum recreate pattern — and a column whose copy the same migration renames to its name — the copy-and-swap pattern — are not reported).',
    whyItMatters:
      'The data is gone the moment the migration runs, with no undo short of a backup restore. And the application version still serving traffic during a deploy keeps querying the column or table: every such request fails until the new code is live.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "legacyId" TEXT);\n-- file: prisma/migrations/20240201000000_cleanup/migration.sql\nALTER TABLE "User" DROP COLUMN "legacyId";\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "legacyId" TEXT);\n-- file: prisma/migrations/20240201000000_cleanup/migration.sql\n-- Expand/contract: stop using "legacyId" in the code first, back it up, drop it in a later release.\nCOMMENT ON COLUMN "User"."legacyId" IS \'deprecated: remove after 2024-03-01\';\n',
    fixSafety: 'No automatic fix: deploy code that no longer uses the object first, keep a backup, then drop.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s } of statements(project)) {
      const n = s.stmt.node;
      const existed = (key: string) => (s.facts.tables.get(key) ?? 'unknown') !== 'new';
      if (s.stmt.kind === 'DropStmt') {
        if (n.removeType === 'OBJECT_TABLE') {
          for (const o of n.objects ?? []) {
            const parts = names(o.List?.items);
            const key = parts.length > 1 ? parts.slice(-2).join('.') : `public.${parts[0]}`;
            const state = s.facts.tables.get(key) ?? 'unknown';
            if (state === 'new' || (state === 'unknown' && n.missing_ok)) continue;
            report({ ...statementReport(m, s), range: headRange(m.file, s.stmt), message: `\`DROP TABLE ${parts[parts.length - 1]}\` deletes the table and all its rows${n.behavior === 'DROP_CASCADE' ? ' (CASCADE also drops the views and foreign keys that depend on it)' : ''}; code still deployed that uses it fails.`, subject: { table: parts[parts.length - 1] } });
          }
        } else if (n.removeType === 'OBJECT_TYPE') {
          for (const o of n.objects ?? []) {
            const parts = names(o.TypeName?.names);
            const key = parts.length > 1 ? parts.slice(-2).join('.') : `public.${parts[0]}`;
            const created = project.catalog.everCreated.get(key);
            if (created === m.index || project.catalog.renamedInMigration.get(m.index)?.has(key)) continue;
            if (created === undefined && n.missing_ok) continue;
            report({ ...statementReport(m, s), range: headRange(m.file, s.stmt), message: `\`DROP TYPE ${parts[parts.length - 1]}\` removes the type${n.behavior === 'DROP_CASCADE' ? ' and, with CASCADE, every column of that type with its data' : ''}; code still deployed that uses it fails.`, subject: {} });
          }
        }
      } else if (s.stmt.kind === 'TruncateStmt') {
        for (const r of n.relations ?? []) {
          const key = rangeKey(r.RangeVar);
          if (!existed(key)) continue;
          report({ ...statementReport(m, s), range: headRange(m.file, s.stmt), message: `\`TRUNCATE ${tableName(key)}\` deletes every row of the table.`, subject: { table: tableName(key) } });
        }
      }
    }
    for (const { m, s, key, cmd } of alterCommandsOnExistingTables(project, 'AT_DropColumn')) {
      if (!cmd.name || project.catalog.columnCreatedIn(key, cmd.name) === m.index) continue;
      // DROP COLUMN IF EXISTS of a column the table never had: nothing is deleted.
      if (s.facts.absentColumnDrops?.has(cmd)) continue;
      // The copy-and-swap pattern: a new column takes the data, the old one is dropped and the new one
      // renamed to its name in the same migration (`RENAME COLUMN "x_temp" TO "x"`). The data stays.
      if (renamedBackLater(m, s.stmt.index, key, cmd.name)) continue;
      const range = rangeFromMatch(m.file, s.stmt, findNamed(s.stmt, DROP_COLUMN, cmd.name));
      report({ ...statementReport(m, s), range, message: `Dropping column \`${tableName(key)}.${cmd.name}\` deletes its data; code still deployed that reads or writes it fails.`, subject: { table: tableName(key), column: cmd.name } });
    }
  },
});
